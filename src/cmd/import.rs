//! `radar import`: bootstrap entries from an existing radar.

use anyhow::Result;

use super::emit;
use super::print_json;
use crate::cli::ImportArgs;
use crate::radar::import;
use crate::settings::Settings;
use crate::terminal::clean;

pub fn import(ctx: &Settings, args: &ImportArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let read = import::read(&args.path, ctx.now.date_naive())?;
    let report = import::import_into(&cfg.entries_path, read)?;
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    let mut out = format!(
        "{}: imported {} entries into {} ({}), skipped {}\n",
        args.path.display(),
        report.imported.len(),
        cfg.entries_path.display(),
        report.format,
        report.skipped.len()
    );
    for s in &report.skipped {
        out.push_str(&format!(
            "  skipped {}: {}\n",
            clean(&s.name),
            clean(&s.reason)
        ));
    }
    if !report.imported.is_empty() {
        out.push_str("Next: `radar update` scores them; `git diff` shows what changed.\n");
    }
    emit(&out)?;
    Ok(0)
}
