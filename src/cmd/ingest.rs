use anyhow::Result;

use super::print_json;
use crate::cli::IngestArgs;
use crate::settings::Settings;
use crate::terminal::clean;

pub fn ingest(ctx: &Settings, args: &IngestArgs) -> Result<u8> {
    let index = ctx.open_index()?;
    let mut writer = super::writer(ctx, &index)?;
    let started = std::time::Instant::now();
    let report = crate::ingest::ingest(&args.paths, &mut writer)?;
    drop(writer);
    index.reload()?;
    if args.json {
        print_json(&report)?;
    } else {
        for e in &report.errors {
            eprintln!("failed {}: {}", clean(&e.path), clean(&e.error));
        }
        if !ctx.quiet {
            outln!(
                "{} files: {} new, {} updated, {} unchanged, {} failed ({:.2}s); index {} holds {} items",
                report.files,
                report.items_new,
                report.items_updated,
                report.items_unchanged,
                report.errors.len(),
                started.elapsed().as_secs_f64(),
                index.path().display(),
                index.count()
            );
        }
    }
    // A broken export named in a CI step must fail that step; what did
    // parse is in the index either way.
    Ok(if report.errors.is_empty() { 0 } else { 1 })
}
