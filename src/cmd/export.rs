//! `radar export`: the radar for other viewers.

use anyhow::{Context as _, Result, bail};

use crate::cli::{ExportArgs, ExportFormat};
use crate::radar::export::{self, Exported, Format};
use crate::radar::store::write_atomic;
use crate::settings::Settings;

pub fn export(ctx: &Settings, args: &ExportArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let format = match args.format {
        ExportFormat::ByorCsv => Format::ByorCsv,
        ExportFormat::ByorJson => Format::ByorJson,
        ExportFormat::Zalando => Format::Zalando,
        ExportFormat::Backstage => Format::Backstage,
        ExportFormat::Aoe => Format::Aoe,
    };
    let export::Export { exported, left_out } =
        export::export_shaped(&entries, format, ctx.now, &cfg.shape, args.fit)?;
    let placed = entries.iter().filter(|e| e.ring.is_some()).count() - left_out.len();
    if !left_out.is_empty() {
        eprintln!(
            "left out {} entries that {} cannot hold (--fit):",
            left_out.len(),
            format.as_str()
        );
        for (name, why) in &left_out {
            eprintln!("  {}: {why}", crate::terminal::clean(name));
        }
    }
    match (exported, &args.out) {
        (Exported::File(text), None) => super::review::emit(&text)?,
        (Exported::File(text), Some(out)) => {
            write_atomic(out, text.as_bytes())?;
            if !ctx.quiet {
                eprintln!(
                    "wrote {placed} entries to {} ({})",
                    out.display(),
                    format.as_str()
                );
            }
        }
        (Exported::Folder(_), None) => {
            bail!(
                "--format aoe writes one folder per release: give --out DIR (e.g. --out ./aoe/radar)"
            )
        }
        (Exported::Folder(files), Some(out)) => {
            for (rel, text) in &files {
                write_atomic(&out.join(rel), text.as_bytes()).with_context(|| {
                    format!("cannot write the AOE radar into {}", out.display())
                })?;
            }
            if !ctx.quiet {
                eprintln!(
                    "wrote {placed} entries as {} release files under {} (aoe)",
                    files.len(),
                    out.display()
                );
            }
        }
    }
    Ok(0)
}
