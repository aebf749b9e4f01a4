//! The radar in other tools' formats, both ways.
//!
//! Each format lives in its own file with its writer and its reader:
//! Thoughtworks Build Your Own Radar (CSV and JSON), zalando/tech-radar's
//! config, Backstage's tech-radar loader response and AOE's technology
//! radar (one Markdown file per item per release folder). Exports contain
//! only entries placed on the radar (with a `ring`); the free text goes out
//! as it is (BYOR renders it as HTML, the others as Markdown).
//!
//! Pure conversions between entries and bytes; [`super::import`] and the
//! export command do the file I/O.

pub mod aoe;
pub mod backstage;
pub mod byor;
pub mod zalando;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::path::PathBuf;
use thiserror::Error;

use super::{Entry, RadarError};
use crate::model::{Quadrant, Ring};

/// Why a document or folder is not a radar the readers take; `import`
/// names the file. A bad row or item is not an error: it is skipped with its
/// reason. Causes are part of the message (none is a `#[source]`).
#[derive(Debug, Error)]
pub enum ImportError {
    #[error("cannot read the CSV header: {0}")]
    CsvHeader(csv::Error),
    #[error(
        "the header has no {column:?} column (BYOR needs name,ring,quadrant,isNew,description)"
    )]
    MissingColumn { column: &'static str },
    #[error("not a BYOR JSON array: {0}")]
    ByorJson(serde_json::Error),
    #[error("not a Backstage tech-radar response: {0}")]
    Backstage(serde_json::Error),
    #[error("not a Zalando tech-radar config: {0}")]
    Zalando(serde_json::Error),
    /// The AOE radar folder itself.
    #[error("cannot list: {0}")]
    List(std::io::Error),
    #[error("{folder}: cannot list: {error}")]
    ListRelease {
        folder: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "no release folders (named like 2024-07-10) with Markdown items; point at the radar/ folder of an AOE radar"
    )]
    NoReleases,
}

/// What an export produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Exported {
    /// One document (CSV or JSON).
    File(String),
    /// Files relative to an output folder (AOE).
    Folder(Vec<(PathBuf, String)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    ByorCsv,
    ByorJson,
    Zalando,
    Backstage,
    Aoe,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ByorCsv => "byor-csv",
            Format::ByorJson => "byor-json",
            Format::Zalando => "zalando",
            Format::Backstage => "backstage",
            Format::Aoe => "aoe",
        }
    }
}

/// Writes the placed entries in `format`. `now` dates the snapshot and
/// decides what counts as new or moved (a move in the last
/// [`RECENT_DAYS`] days).
pub fn export(
    entries: &[Entry],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Exported, RadarError> {
    let placed: Vec<&Entry> = entries.iter().filter(|e| e.ring.is_some()).collect();
    match format {
        Format::ByorCsv => byor::write_csv(&placed, now).map(Exported::File),
        Format::ByorJson => byor::write_json(&placed, now).map(Exported::File),
        Format::Zalando => zalando::write(&placed, now).map(Exported::File),
        Format::Backstage => backstage::write(&placed, now).map(Exported::File),
        Format::Aoe => aoe::write(&placed, now).map(Exported::Folder),
    }
}

/// A stable id per entry for formats that key items by id (Backstage, AOE
/// file names): the entry's file stem (an imported AOE id survives), else
/// its slug; made unique with a short hash when two entries share one.
pub fn ids(entries: &[&Entry]) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    entries
        .iter()
        .map(|e| {
            let stem = e
                .file
                .as_deref()
                .and_then(|f| f.file_stem())
                .and_then(|s| s.to_str())
                .filter(|s| super::slug::is_safe_stem(s))
                .map(str::to_string)
                .unwrap_or_else(|| e.slug());
            let id = if used.contains(&stem) {
                format!("{stem}-{}", super::slug::short_hash(&e.name))
            } else {
                stem
            };
            used.insert(id.clone());
            id
        })
        .collect()
}

/// A ring move this recent marks an entry new or moved in snapshot formats.
pub const RECENT_DAYS: i64 = 90;

/// How an entry moved lately, as the snapshot formats show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    New,
    MovedIn,
    MovedOut,
    NoChange,
}

/// From the last history line: within [`RECENT_DAYS`] of `now`, a first
/// placement is new, a move towards adopt is "moved in".
pub fn movement(e: &Entry, now: DateTime<Utc>) -> Movement {
    let Some(last) = e.history.last() else {
        return Movement::NoChange;
    };
    let today = now.date_naive();
    if last.date > today || today - last.date > Duration::days(RECENT_DAYS) {
        return Movement::NoChange;
    }
    match last.from {
        None => Movement::New,
        Some(from) if last.ring < from => Movement::MovedIn,
        Some(from) if last.ring > from => Movement::MovedOut,
        Some(_) => Movement::NoChange,
    }
}

pub fn quadrant_label(q: Quadrant) -> &'static str {
    match q {
        Quadrant::Techniques => "Techniques",
        Quadrant::Tools => "Tools",
        Quadrant::Platforms => "Platforms",
        Quadrant::LanguagesAndFrameworks => "Languages & Frameworks",
    }
}

pub fn ring_label(r: Ring) -> &'static str {
    match r {
        Ring::Adopt => "Adopt",
        Ring::Trial => "Trial",
        Ring::Assess => "Assess",
        Ring::Hold => "Hold",
    }
}

/// The usual ring colours (as Thoughtworks and Zalando draw them).
pub fn ring_color(r: Ring) -> &'static str {
    match r {
        Ring::Adopt => "#5ba300",
        Ring::Trial => "#009eb0",
        Ring::Assess => "#c7ba00",
        Ring::Hold => "#e09b96",
    }
}

/// Reads a ring name in any case.
pub fn parse_ring(s: &str) -> Option<Ring> {
    match s.trim().to_lowercase().as_str() {
        "adopt" => Some(Ring::Adopt),
        "trial" => Some(Ring::Trial),
        "assess" => Some(Ring::Assess),
        "hold" => Some(Ring::Hold),
        _ => None,
    }
}

/// Reads a quadrant from the names other radars use: "Languages &
/// Frameworks", "languages-and-frameworks", AOE's "methods-and-patterns"
/// and "platforms-and-aoe-services", Backstage's "infrastructure",
/// "process" …
pub fn parse_quadrant(s: &str) -> Option<Quadrant> {
    let l = s.trim().to_lowercase();
    if l.contains("lang") || l.contains("framework") {
        Some(Quadrant::LanguagesAndFrameworks)
    } else if l.contains("platform") || l.contains("infra") {
        Some(Quadrant::Platforms)
    } else if l.contains("tool") {
        Some(Quadrant::Tools)
    } else if ["techni", "method", "pattern", "process", "practice"]
        .iter()
        .any(|k| l.contains(k))
    {
        Some(Quadrant::Techniques)
    } else {
        None
    }
}

/// `2026-11-25T00:00:00.000Z`, the date form JavaScript viewers parse.
pub(crate) fn js_date(d: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", d.format("%Y-%m-%d"))
}

/// Reads `2026-11-25` or an RFC 3339 instant.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

pub(crate) fn encode_err(what: &'static str, e: impl std::fmt::Display) -> RadarError {
    RadarError::Encode {
        what,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radar::HistoryEntry;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn movement_reads_the_last_recent_move() {
        let d = |days: i64| now().date_naive() - Duration::days(days);
        let mut e = Entry::new("x", Quadrant::Tools);
        assert_eq!(movement(&e, now()), Movement::NoChange);
        let h = |days, ring, from| HistoryEntry {
            date: d(days),
            ring,
            from,
            note: None,
        };
        e.history = vec![h(10, Ring::Assess, None)];
        assert_eq!(movement(&e, now()), Movement::New);
        e.history = vec![h(10, Ring::Trial, Some(Ring::Assess))];
        assert_eq!(movement(&e, now()), Movement::MovedIn);
        e.history = vec![h(10, Ring::Hold, Some(Ring::Adopt))];
        assert_eq!(movement(&e, now()), Movement::MovedOut);
        e.history = vec![h(200, Ring::Hold, Some(Ring::Adopt))];
        assert_eq!(movement(&e, now()), Movement::NoChange);
    }

    #[test]
    fn ids_keep_file_stems_and_stay_unique() {
        let mut a = Entry::new("Go", Quadrant::LanguagesAndFrameworks);
        a.file = Some("languages-and-frameworks/go-lang.md".into());
        let b = Entry::new("Dart", Quadrant::Tools);
        let c = Entry::new("DART!", Quadrant::Platforms);
        let got = ids(&[&a, &b, &c]);
        assert_eq!(got[0], "go-lang");
        assert_eq!(got[1], "dart");
        assert!(got[2].starts_with("dart-") && got[2].len() == 13, "{got:?}");
    }

    #[test]
    fn quadrants_from_other_radars() {
        for (s, q) in [
            ("Languages & Frameworks", Quadrant::LanguagesAndFrameworks),
            ("languages-and-frameworks", Quadrant::LanguagesAndFrameworks),
            ("methods-and-patterns", Quadrant::Techniques),
            ("platforms-and-aoe-services", Quadrant::Platforms),
            ("infrastructure", Quadrant::Platforms),
            ("process", Quadrant::Techniques),
            ("Tools", Quadrant::Tools),
        ] {
            assert_eq!(parse_quadrant(s), Some(q), "{s}");
        }
        assert_eq!(parse_quadrant("Datastores"), None);
    }
}
