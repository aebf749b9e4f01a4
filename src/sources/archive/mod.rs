//! Zips of advisories (OSV's per-ecosystem `all.zip`, an advisory-db
//! archive), read one entry at a time: `*.json` entries go to the OSV
//! parser, RustSec Markdown entries to the RustSec parser. Reads only what
//! it is handed; opens no file.
//!
//! The central directory is walked one record at a time (the zip crate's
//! `ZipIterable`), never held whole: a `ZipArchive` keeps ~250 bytes per
//! entry for the whole walk, ~150 MiB for osv.dev's 530k-entry all.zip.
//! Entry sizes come from the central directory, so entries written with
//! data descriptors (osv.dev's exporter uses Go's `archive/zip`, which
//! writes every entry that way) read like any other.

mod seek_buf;

use std::io::{Read, Seek};
use thiserror::Error;
use zip::unstable::read::ZipIterable;

use seek_buf::SeekBuf;

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
    let (directory, bodies) = (std::io::Cursor::new(bytes), std::io::Cursor::new(bytes));
    let summary = parse_osv_zip(ctx, directory, bodies, |item| {
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
    /// The central directory could not be walked record by record, so it
    /// was read whole (see [`parse_osv_zip`]).
    pub whole_directory: bool,
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
/// toolchain advisories).
///
/// `directory` and `bodies` are two independent readers of the same archive
/// (two `File`s opened on it, two cursors over its bytes): one walks the
/// central directory, the other reads the entries, so neither loses its
/// place. Memory does not grow with the number of entries: one directory
/// record and one entry are held at a time.
///
/// The directory is first walked once without reading entries. If that
/// walk fails (a damaged directory, or one the zip crate finds only by
/// falling back to an earlier end record, e.g. behind a stray signature in
/// trailing bytes), the archive is read with `ZipArchive`, which holds the
/// whole directory, and [`ZipSummary::whole_directory`] says so; its error
/// is the one reported for an unreadable archive. Entries that share a
/// name are each read (`ZipArchive` kept only the last).
///
/// Each item goes to `on_item` as soon as it is parsed. A malformed entry is
/// recorded in [`ZipSummary::errors`] with its path and skipped; an error
/// from `on_item` stops the walk.
pub fn parse_osv_zip<R: Read + Seek, E: std::error::Error + 'static>(
    ctx: &ParseContext,
    directory: R,
    bodies: R,
    mut on_item: impl FnMut(Item) -> Result<(), E>,
) -> Result<ZipSummary, ZipError<E>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        ZipError::Archive(SourceError::Zip(format!("not a readable zip archive: {e}")))
    };
    let mut summary = ZipSummary::default();
    let mut buf = Vec::new();
    let mut bodies = SeekBuf::new(bodies).map_err(|e| unreadable(&e))?;
    let Some(mut iterable) = walkable(directory) else {
        summary.whole_directory = true;
        let archive = zip::ZipArchive::new(bodies).map_err(|e| unreadable(&e))?;
        walk_whole(ctx, archive, &mut summary, &mut buf, &mut on_item)?;
        return Ok(summary);
    };
    let files = iterable.files().map_err(|e| unreadable(&e))?;
    for (i, entry) in files.enumerate() {
        // The first walk read every record, so this one fails only if the
        // archive changed underneath: nothing more can be trusted.
        // Owned, then borrowed: a `ZipFile` over owned metadata drains the
        // rest of its entry when dropped, which for an entry past the size
        // cap would read all of it for nothing.
        let entry = zip::read::OwnedZipFileEntry::from(entry.map_err(|e| unreadable(&e))?);
        if entry.is_dir() {
            continue;
        }
        let Some((name, kind)) = to_read(entry.name(), i, &mut summary) else {
            continue;
        };
        match entry
            .as_ref()
            .with_reader(&mut bodies, zip::ZipReadOptions::new())
        {
            Ok(mut file) => read_entry(
                ctx,
                &name,
                kind,
                &mut file,
                &mut summary,
                &mut buf,
                &mut on_item,
            )?,
            Err(e) => summary.errors.push(EntryError {
                entry: name,
                error: format!("cannot read entry: {e}"),
            }),
        }
    }
    Ok(summary)
}

/// The archive, if its whole central directory reads record by record.
fn walkable<R: Read + Seek>(directory: R) -> Option<ZipIterable<SeekBuf<R>>> {
    let reader = SeekBuf::new(directory).ok()?;
    let mut iterable = ZipIterable::try_new(reader, zip::read::Config::default()).ok()?;
    let files = iterable.files().ok()?;
    if files.any(|entry| entry.is_err()) {
        return None;
    }
    Some(iterable)
}

/// The fallback walk: the whole directory in memory.
fn walk_whole<R: Read + Seek, E: std::error::Error + 'static>(
    ctx: &ParseContext,
    mut archive: zip::ZipArchive<R>,
    summary: &mut ZipSummary,
    buf: &mut Vec<u8>,
    on_item: &mut impl FnMut(Item) -> Result<(), E>,
) -> Result<(), ZipError<E>> {
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
        let Some((name, kind)) = to_read(file.name(), i, summary) else {
            continue;
        };
        read_entry(ctx, &name, kind, &mut file, summary, buf, on_item)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Kind {
    Osv,
    Rustsec,
}

/// Counts a file entry and says how to read it: its name (`#i` when the
/// name is not UTF-8) and kind, or `None` (counted as ignored).
fn to_read<E>(
    name: Result<std::borrow::Cow<'_, str>, E>,
    i: usize,
    summary: &mut ZipSummary,
) -> Option<(String, Kind)> {
    let name = name
        .map(|n| n.into_owned())
        .unwrap_or_else(|_| format!("#{i}"));
    summary.entries += 1;
    match advisory_kind(&name) {
        Some(kind) => Some((name, kind)),
        None => {
            summary.ignored += 1;
            None
        }
    }
}

/// How an entry is read, by its path; `None` for everything else
/// (READMEs, hidden files such as macOS `__MACOSX/._*` or `.git/…`).
fn advisory_kind(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if name.split('/').any(|seg| seg.starts_with('.')) {
        return None;
    }
    if lower.ends_with(".json") {
        Some(Kind::Osv)
    } else if lower.ends_with(".md") {
        Some(Kind::Rustsec)
    } else {
        None
    }
}

/// Decompresses one entry (at most [`MAX_ENTRY_BYTES`]) and hands its
/// items on; a bad entry is recorded, not fatal.
fn read_entry<E: std::error::Error + 'static>(
    ctx: &ParseContext,
    name: &str,
    kind: Kind,
    file: &mut impl Read,
    summary: &mut ZipSummary,
    buf: &mut Vec<u8>,
    on_item: &mut impl FnMut(Item) -> Result<(), E>,
) -> Result<(), ZipError<E>> {
    buf.clear();
    let read = file
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(buf)
        .map_err(|e| e.to_string());
    let parsed = match read {
        Err(e) => Err(format!("cannot decompress: {e}")),
        Ok(_) if buf.len() as u64 > MAX_ENTRY_BYTES => Err(format!(
            "larger than {} MiB uncompressed; not an advisory",
            MAX_ENTRY_BYTES / (1024 * 1024)
        )),
        Ok(_) => match kind {
            Kind::Rustsec if !buf.starts_with(b"```toml") => {
                summary.ignored += 1;
                return Ok(());
            }
            Kind::Rustsec => {
                rustsec::parse_rustsec_in(ctx, buf, rustsec::collection_from_path(name))
                    .map_err(|e| e.to_string())
            }
            Kind::Osv => parse_osv(ctx, buf).map_err(|e| e.to_string()),
        },
    };
    match parsed {
        Ok(items) => {
            for item in items {
                summary.items += 1;
                on_item(item).map_err(ZipError::Sink)?;
            }
        }
        Err(error) => summary.errors.push(EntryError {
            entry: name.to_string(),
            error,
        }),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
