//! Zips of advisories (OSV's per-ecosystem `all.zip`, an advisory-db
//! archive), read one entry at a time: `*.json` entries go to the OSV
//! parser, RustSec Markdown entries to the RustSec parser.

use std::io::{Read, Seek};
use thiserror::Error;

use super::osv::parse_osv;
use super::{ParseContext, SourceError, rustsec};
use crate::model::Item;

/// Largest zip entry read (uncompressed). Real OSV records are well under
/// 2 MiB; the cap keeps a hostile archive from exhausting memory.
pub const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a zip held in memory (a small one fetched by a crawl): every
/// advisory in it. Each entry is its own document: a malformed one is
/// logged and skipped, the rest stand. [`parse_osv_zip`] on a file streams
/// and reports those errors instead.
pub fn parse_zip_bytes(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let mut items = Vec::new();
    let summary = parse_osv_zip(ctx, std::io::Cursor::new(bytes), |item| {
        items.push(item);
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|e| match e {
        ZipError::Archive(e) => e,
        ZipError::Sink(never) => match never {},
    })?;
    for e in &summary.errors {
        tracing::warn!(source = %ctx.source, entry = %e.entry, "skipped malformed advisory: {}", e.error);
    }
    Ok(items)
}

/// What a zip walk saw.
#[derive(Debug, Clone, Default)]
pub struct ZipSummary {
    /// Entries looked at (folders excluded).
    pub entries: usize,
    /// Advisory items handed to the callback.
    pub items: usize,
    /// Entries that are neither OSV JSON nor RustSec Markdown (READMEs…).
    pub ignored: usize,
    /// Entries that looked like advisories but could not be read.
    pub errors: Vec<EntryError>,
}

#[derive(Debug, Clone)]
pub struct EntryError {
    /// The entry's path inside the archive.
    pub entry: String,
    pub error: String,
}

#[derive(Debug, Error)]
pub enum ZipError<E: std::error::Error + 'static> {
    /// The archive itself is unreadable; nothing more can be read from it.
    #[error(transparent)]
    Archive(SourceError),
    /// The callback failed (e.g. the index write); the walk stopped there.
    #[error(transparent)]
    Sink(E),
}

/// Reads a zip of advisories one entry at a time: `*.json` entries as OSV
/// (one record or an array), `*.md` entries that open with a ```` ```toml ````
/// block as RustSec advisories (the advisory-db layout; `rust/…` entries are
/// toolchain advisories). Only the central directory and one entry are in
/// memory at once, so `reader` should be a `File` (or anything `Read +
/// Seek`), never the archive's bytes.
///
/// Each item goes to `on_item` as soon as it is parsed. A malformed entry is
/// recorded in [`ZipSummary::errors`] with its path and skipped; an error
/// from `on_item` stops the walk.
pub fn parse_osv_zip<R: Read + Seek, E: std::error::Error + 'static>(
    ctx: &ParseContext,
    reader: R,
    mut on_item: impl FnMut(Item) -> Result<(), E>,
) -> Result<ZipSummary, ZipError<E>> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| {
        ZipError::Archive(SourceError::Zip(format!("not a readable zip archive: {e}")))
    })?;
    let mut summary = ZipSummary::default();
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                summary.errors.push(EntryError {
                    entry: format!("#{i}"),
                    error: format!("cannot read entry: {e}"),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = file
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        summary.entries += 1;
        let lower = name.to_ascii_lowercase();
        let is_json = lower.ends_with(".json");
        let is_md = lower.ends_with(".md");
        if (!is_json && !is_md) || name.split('/').any(|seg| seg.starts_with('.')) {
            summary.ignored += 1;
            continue;
        }
        buf.clear();
        let read = (&mut file)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string());
        let parsed = match read {
            Err(e) => Err(format!("cannot decompress: {e}")),
            Ok(_) if buf.len() as u64 > MAX_ENTRY_BYTES => Err(format!(
                "larger than {} MiB uncompressed; not an advisory",
                MAX_ENTRY_BYTES / (1024 * 1024)
            )),
            Ok(_) if is_md => {
                if !buf.starts_with(b"```toml") {
                    summary.ignored += 1;
                    continue;
                }
                rustsec::parse_rustsec_in(ctx, &buf, rustsec::collection_from_path(&name))
                    .map_err(|e| e.to_string())
            }
            Ok(_) => parse_osv(ctx, &buf).map_err(|e| e.to_string()),
        };
        match parsed {
            Ok(items) => {
                for item in items {
                    summary.items += 1;
                    on_item(item).map_err(ZipError::Sink)?;
                }
            }
            Err(error) => summary.errors.push(EntryError { entry: name, error }),
        }
    }
    Ok(summary)
}
