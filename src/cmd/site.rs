//! `radar site`: writes the static site and says where it is.

use anyhow::Result;

use crate::cli::SiteArgs;
use crate::settings::Settings;
use crate::site;

pub fn site(ctx: &Settings, args: &SiteArgs) -> Result<u8> {
    let out = match &args.out {
        Some(p) => ctx.absolute(p),
        None => {
            let config = ctx.config_path()?;
            config
                .parent()
                .map_or_else(|| ctx.absolute("site".as_ref()), |d| d.join("site"))
        }
    };
    let report = site::build(ctx, &out, args.weeks)?;
    eprintln!(
        "{} entry pages, {} week pages{}",
        report.entries,
        report.weeks,
        if report.removed > 0 {
            format!(", {} old pages removed", report.removed)
        } else {
            String::new()
        }
    );
    outln!(
        "{}",
        crate::terminal::clean(&report.index.display().to_string())
    );
    Ok(0)
}
