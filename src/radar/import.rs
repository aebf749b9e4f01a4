//! `radar import`: bootstrap entries from a radar the team already has.
//!
//! Recognises a BYOR CSV or JSON, a Zalando config, a Backstage response
//! (by content, not only by extension) or an AOE radar folder, and writes
//! one entry per item that is not on the radar yet. Existing entries are
//! never overwritten: they are reported as skipped.

use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

use super::RadarError;
use super::export::byor::Imported;
use super::export::{aoe, backstage, byor, zalando};
use super::store::{load_entries, write_entry};

/// What was read, before anything is written.
#[derive(Debug)]
pub struct Read {
    pub format: &'static str,
    pub imported: Imported,
}

/// `--json` shape for `import`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub format: String,
    /// Names written, in radar order.
    pub imported: Vec<String>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// Reads any supported radar at `path`. `today` dates the history line of
/// items a snapshot format marks as new.
pub fn read(path: &Path, today: NaiveDate) -> Result<Read, RadarError> {
    let err = |message: String| RadarError::Import {
        path: path.to_path_buf(),
        message,
    };
    if path.is_dir() {
        return Ok(Read {
            format: "aoe",
            imported: aoe::read(path).map_err(|e| err(e.to_string()))?,
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| RadarError::Io {
        path: path.to_path_buf(),
        op: "read",
        source,
    })?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        return Ok(Read {
            format: "byor-json",
            imported: byor::read_json(trimmed, today).map_err(|e| err(e.to_string()))?,
        });
    }
    if trimmed.starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|e| err(format!("not JSON: {e}")))?;
        let first = v.get("entries").and_then(|e| e.get(0));
        return if first.is_some_and(|f| f.get("timeline").is_some()) {
            Ok(Read {
                format: "backstage",
                imported: backstage::read(trimmed, today).map_err(|e| err(e.to_string()))?,
            })
        } else if first.is_some_and(|f| f.get("label").is_some()) {
            Ok(Read {
                format: "zalando",
                imported: zalando::read(trimmed, today).map_err(|e| err(e.to_string()))?,
            })
        } else {
            Err(err(
                "a JSON object, but neither a Backstage response (entries with timeline) nor a Zalando config (entries with label)".into(),
            ))
        };
    }
    let looks_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || trimmed
            .lines()
            .next()
            .is_some_and(|l| l.to_lowercase().contains("name") && l.contains(','));
    if looks_csv {
        return Ok(Read {
            format: "byor-csv",
            imported: byor::read_csv(&text, today).map_err(|e| err(e.to_string()))?,
        });
    }
    Err(err(
        "not a radar this tool reads: give a BYOR .csv or .json, a Zalando or Backstage .json, or an AOE radar folder".into(),
    ))
}

/// Writes what `read` found into `dir`, skipping names already there.
pub fn import_into(dir: &Path, read: Read) -> Result<ImportReport, RadarError> {
    let existing: std::collections::HashSet<String> = load_entries(dir)?
        .into_iter()
        .map(|e| e.name.trim().to_lowercase())
        .collect();
    let mut report = ImportReport {
        format: read.format.to_string(),
        imported: Vec::new(),
        skipped: read
            .imported
            .skipped
            .into_iter()
            .map(|(name, reason)| Skipped { name, reason })
            .collect(),
    };
    let mut entries = read.imported.entries;
    entries.sort_by(|a, b| {
        (a.quadrant, a.name.to_lowercase()).cmp(&(b.quadrant, b.name.to_lowercase()))
    });
    for mut e in entries {
        if existing.contains(&e.name.trim().to_lowercase()) {
            report.skipped.push(Skipped {
                name: e.name,
                reason: "already on the radar; left as it is".into(),
            });
            continue;
        }
        // A suggested file name must not land on someone else's entry.
        if e.file.as_ref().is_some_and(|f| dir.join(f).exists()) {
            e.file = None;
        }
        write_entry(dir, &e)?;
        report.imported.push(e.name);
    }
    Ok(report)
}
