//! `radar export`: the radar for other viewers.

use anyhow::{Context as _, Result, bail};
use std::io::Write as _;

use crate::atomic::{self, Durability};
use crate::cli::{ExportArgs, ExportFormat};
use crate::index::{IndexError, RadarIndex};
use crate::radar::export::{self, Exported, Format};
use crate::radar::store::write_atomic;
use crate::settings::Settings;

pub fn export(ctx: &Settings, args: &ExportArgs) -> Result<u8> {
    let format = match args.format {
        ExportFormat::ByorCsv => Format::ByorCsv,
        ExportFormat::ByorJson => Format::ByorJson,
        ExportFormat::Zalando => Format::Zalando,
        ExportFormat::Backstage => Format::Backstage,
        ExportFormat::Aoe => Format::Aoe,
        ExportFormat::Ndjson => return export_items(ctx, args),
    };
    let cfg = ctx.radar_config()?;
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
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
        (Exported::File(text), None) => super::emit(&text)?,
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

/// `--format ndjson`: the index's items, streamed (an index of a million
/// items is gigabytes of JSON; it is never held in memory).
fn export_items(ctx: &Settings, args: &ExportArgs) -> Result<u8> {
    let path = ctx.index_path()?;
    if !path.join("meta.json").exists() {
        bail!(
            "no index at {}: run `radar crawl` (or `radar ingest PATH`) first",
            path.display()
        );
    }
    let index = RadarIndex::open_or_create(&path)?;
    let n = match &args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            let n = match index.export_ndjson(&mut out) {
                Err(IndexError::Export { source, .. })
                    if source.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    // `| head`: the reader has all it wanted.
                    return Ok(0);
                }
                other => other?,
            };
            match out.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
                other => other.context("cannot write the export to stdout")?,
            }
            n
        }
        Some(out) => {
            let mut n = 0;
            atomic::write_with(out, Durability::NoSync, |w| {
                n = index.export_ndjson(w).map_err(std::io::Error::other)?;
                Ok(())
            })?;
            n
        }
    };
    if !ctx.quiet
        && let Some(out) = &args.out
    {
        eprintln!("wrote {n} items to {} (ndjson)", out.display());
    }
    Ok(0)
}
