//! `radar ingest`: index local files and folders without any network.
//!
//! Walks the given paths (folders recursively, in name order), recognises
//! each file's format from its content, parses it with `sources` and upserts
//! the items. A file that cannot be read or parsed is reported with its path
//! (the command exits 1 for it); the others still land. A file met while
//! walking a folder that turns out not to be a feed or advisory at all is
//! passed over quietly: folders hold READMEs and licences.

use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::config::SourceKind;
use crate::index::{IndexError, IndexWriter, Upsert};
use crate::sources::{self, ParseContext, SourceError};

/// Items written between commits: bounds what a kill can lose.
const BATCH: usize = 5_000;

/// `--json` shape for `ingest` (DESIGN.md).
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    pub files: usize,
    /// Files found while walking a folder that were not input at all.
    pub not_input: usize,
    pub items_new: usize,
    pub items_updated: usize,
    pub items_unchanged: usize,
    pub errors: Vec<FileError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    pub path: String,
    pub error: String,
}

/// Why one file gave no items. The report pairs it with the path and keeps
/// its text, so every cause is part of the message (none is a `#[source]`).
#[derive(Debug, Error)]
pub enum FileParseError {
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("not a feed (RSS, Atom, JSON Feed), OSV JSON, RustSec advisory or zip of them")]
    UnknownFormat,
    #[error(transparent)]
    Source(#[from] SourceError),
}

/// A file ingest will read, and whether the user named it (a named file
/// that is not input is an error; a walked one is passed over).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub named: bool,
}

/// Files under `paths` that ingest would read, in a stable order.
pub fn collect_files(paths: &[PathBuf], errors: &mut Vec<FileError>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out, errors, true);
    }
    out
}

fn walk(p: &Path, out: &mut Vec<Candidate>, errors: &mut Vec<FileError>, explicit: bool) {
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => {
            errors.push(FileError {
                path: p.display().to_string(),
                error: format!("cannot read: {e}"),
            });
            return;
        }
    };
    if meta.is_dir() {
        let mut children: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push(FileError {
                    path: p.display().to_string(),
                    error: format!("cannot list folder: {e}"),
                });
                return;
            }
        };
        children.sort();
        for c in children {
            let hidden = c
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                walk(&c, out, errors, false);
            }
        }
    } else if explicit || (sources::detect::candidate(p) && !is_prose(p)) {
        out.push(Candidate {
            path: p.to_path_buf(),
            named: explicit,
        });
    }
}

/// Ingests every file under `paths`; commits every [`BATCH`] items and at
/// the end. Zip archives are streamed from disk one entry at a time, and a
/// malformed entry is reported as `archive.zip/entry.json`.
pub fn ingest(paths: &[PathBuf], writer: &mut IndexWriter<'_>) -> Result<IngestReport, IndexError> {
    let mut report = IngestReport::default();
    let files = collect_files(paths, &mut report.errors);
    let mut since_commit = 0;
    for Candidate { path: file, named } in files {
        if is_zip(&file) {
            report.files += 1;
            ingest_zip(&file, writer, &mut report, &mut since_commit)?;
            continue;
        }
        let items = match parse_file(&file) {
            Ok(items) => items,
            Err(FileParseError::UnknownFormat) if !named => {
                report.not_input += 1;
                continue;
            }
            Err(error) => {
                report.files += 1;
                report.errors.push(FileError {
                    path: file.display().to_string(),
                    error: error.to_string(),
                });
                continue;
            }
        };
        report.files += 1;
        for item in &items {
            store(writer, item, &mut report, &mut since_commit)?;
        }
    }
    writer.commit()?;
    Ok(report)
}

/// Upserts one item (a newer stored advisory wins) and commits every
/// [`BATCH`] items.
fn store(
    writer: &mut IndexWriter<'_>,
    item: &crate::model::Item,
    report: &mut IngestReport,
    since_commit: &mut usize,
) -> Result<(), IndexError> {
    match writer.upsert_newest(item)? {
        Upsert::New => report.items_new += 1,
        Upsert::Updated => report.items_updated += 1,
        Upsert::Unchanged => report.items_unchanged += 1,
    }
    *since_commit += 1;
    if *since_commit >= BATCH {
        writer.commit()?;
        *since_commit = 0;
    }
    Ok(())
}

/// A Markdown file met while walking a folder that is not a RustSec
/// advisory (README.md, CONTRIBUTING.md in an advisory-db checkout): not
/// input, so skipped quietly rather than reported as unreadable.
fn is_prose(path: &Path) -> bool {
    if path.extension().and_then(|e| e.to_str()) != Some("md") {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok();
    read && sources::detect::detect(path, &head) != Some(sources::detect::Format::Rustsec)
}

fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == *b"PK\x03\x04"
}

fn ingest_zip(
    path: &Path,
    writer: &mut IndexWriter<'_>,
    report: &mut IngestReport,
    since_commit: &mut usize,
) -> Result<(), IndexError> {
    // Two handles: one walks the central directory, one reads entries.
    let files = std::fs::File::open(path).and_then(|f| Ok((f, std::fs::File::open(path)?)));
    let (directory, bodies) = match files {
        Ok(f) => f,
        Err(e) => {
            report.errors.push(FileError {
                path: path.display().to_string(),
                error: format!("cannot read: {e}"),
            });
            return Ok(());
        }
    };
    let ctx = context_for(path);
    let walked = sources::archive::parse_osv_zip(&ctx, directory, bodies, |item| {
        store(writer, &item, report, since_commit)
    });
    match walked {
        Ok(summary) => {
            for e in summary.errors {
                report.errors.push(FileError {
                    path: format!("{}/{}", path.display(), e.entry),
                    error: e.error,
                });
            }
            Ok(())
        }
        Err(sources::archive::ZipError::Archive(e)) => {
            report.errors.push(FileError {
                path: path.display().to_string(),
                error: e.to_string(),
            });
            Ok(())
        }
        Err(sources::archive::ZipError::Sink(e)) => Err(e),
    }
}

fn context_for(path: &Path) -> ParseContext {
    ParseContext {
        source: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        ..Default::default()
    }
}

/// Reads and parses one file; the error says what was wrong with it. (A
/// zip is read whole here; [`ingest`] streams it instead.)
pub fn parse_file(path: &Path) -> Result<Vec<crate::model::Item>, FileParseError> {
    let bytes = std::fs::read(path).map_err(FileParseError::Read)?;
    let format = sources::detect::detect(path, &bytes).ok_or(FileParseError::UnknownFormat)?;
    let ctx = context_for(path);
    let kind = match format {
        sources::detect::Format::Feed => SourceKind::Feed,
        sources::detect::Format::Osv => SourceKind::Osv,
        sources::detect::Format::Rustsec => {
            // advisory-db keeps toolchain advisories under rust/<name>/.
            let collection = sources::rustsec::collection_from_path(&path.to_string_lossy());
            return Ok(sources::rustsec::parse_rustsec_in(
                &ctx, &bytes, collection,
            )?);
        }
        sources::detect::Format::Zip => SourceKind::Osv,
    };
    Ok(sources::parse(kind, &ctx, &bytes)?)
}
