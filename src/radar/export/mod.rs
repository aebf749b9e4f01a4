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
use crate::shape::Shape;

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

/// Writes the placed entries in `format` for the active shape, refusing a
/// shape the format cannot hold. `now` dates the snapshot and decides what
/// counts as new or moved (a move in the last [`RECENT_DAYS`] days).
pub fn export(
    entries: &[Entry],
    format: Format,
    now: DateTime<Utc>,
) -> Result<Exported, RadarError> {
    export_shaped(entries, format, now, &crate::shape::active(), false).map(|e| e.exported)
}

/// An export and the entries a fitted export left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub exported: Exported,
    /// (entry name, why), for `--fit`.
    pub left_out: Vec<(String, String)>,
}

/// The most a format holds: (quadrants it needs, rings it holds at most,
/// whether it needs exactly that many rings). None: any shape.
pub fn limits(format: Format) -> Option<(usize, usize, bool)> {
    match format {
        // zalando/tech-radar draws exactly four quadrants and four rings.
        Format::Zalando => Some((4, 4, true)),
        // BYOR lays out four quadrants and at most four rings.
        Format::ByorCsv | Format::ByorJson => Some((4, 4, false)),
        Format::Backstage | Format::Aoe => None,
    }
}

/// [`export`] for a given shape. With `fit`, a shape the format cannot hold
/// is cut to what fits (the first quadrants and rings) and the entries
/// outside are listed in [`Export::left_out`]; without it, that is an
/// error naming the limit.
pub fn export_shaped(
    entries: &[Entry],
    format: Format,
    now: DateTime<Utc>,
    shape: &Shape,
    fit: bool,
) -> Result<Export, RadarError> {
    let mut placed: Vec<&Entry> = entries.iter().filter(|e| e.ring.is_some()).collect();
    let mut left_out = Vec::new();
    if let Some((quadrants, rings, exact)) = limits(format) {
        let (nq, nr) = (shape.quadrants().len(), shape.rings().len());
        let too_few_rings = exact && nr < rings;
        if nq != quadrants || nr > rings || too_few_rings {
            let rings_rule = if exact {
                format!("exactly {rings}")
            } else {
                format!("at most {rings}")
            };
            if !fit || nq < quadrants || too_few_rings {
                return Err(RadarError::Shape(format!(
                    "{} holds exactly {quadrants} quadrants and {rings_rule} rings; this radar has {nq} quadrants ({}) and {nr} rings ({}). {}",
                    format.as_str(),
                    shape.quadrant_list(),
                    shape.ring_list(),
                    if nq > quadrants || nr > rings {
                        "Give --fit to write what fits and list the entries left out, or use --format backstage or aoe, which keep any shape"
                    } else {
                        "Use --format backstage or aoe, which keep any shape"
                    }
                )));
            }
            placed.retain(|e| {
                let q_ok = e.quadrant.position() < quadrants;
                let r_ok = e.ring.is_some_and(|r| r.position() < rings);
                if !q_ok {
                    left_out.push((
                        e.name.clone(),
                        format!(
                            "quadrant {} is past {}'s {quadrants}",
                            e.quadrant,
                            format.as_str()
                        ),
                    ));
                } else if !r_ok {
                    let ring = e.ring.map(|r| r.as_str()).unwrap_or_default();
                    left_out.push((
                        e.name.clone(),
                        format!("ring {ring} is past {}'s {rings}", format.as_str()),
                    ));
                }
                q_ok && r_ok
            });
        }
    }
    let exported = match format {
        Format::ByorCsv => byor::write_csv(&placed, now).map(Exported::File),
        Format::ByorJson => byor::write_json(&placed, now).map(Exported::File),
        Format::Zalando => zalando::write(&placed, now, shape).map(Exported::File),
        Format::Backstage => backstage::write(&placed, now, shape).map(Exported::File),
        Format::Aoe => aoe::write(&placed, now).map(Exported::Folder),
    }?;
    Ok(Export { exported, left_out })
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
    q.title()
}

pub fn ring_label(r: Ring) -> &'static str {
    r.title()
}

/// The usual ring colours (as Thoughtworks and Zalando draw them), then two
/// more for radars with five or six rings.
pub fn ring_color(r: Ring) -> &'static str {
    const COLORS: [&str; 6] = [
        "#5ba300", "#009eb0", "#c7ba00", "#e09b96", "#8d8d8d", "#b07aa1",
    ];
    COLORS[r.position().min(COLORS.len() - 1)]
}

/// Reads a ring by its configured name or slug, in any case.
pub fn parse_ring(s: &str) -> Option<Ring> {
    crate::shape::active().ring(&s.trim().to_lowercase())
}

/// Reads a quadrant: a configured name or slug first, then (for the
/// Thoughtworks quadrants a radar has) the names other radars use:
/// "Languages & Frameworks", AOE's "methods-and-patterns" and
/// "platforms-and-aoe-services", Backstage's "infrastructure", "process" …
pub fn parse_quadrant(s: &str) -> Option<Quadrant> {
    let shape = crate::shape::active();
    if let Some(q) = shape.quadrant(s) {
        return Some(q);
    }
    let l = s.trim().to_lowercase();
    let guess = if l.contains("lang") || l.contains("framework") {
        Quadrant::LanguagesAndFrameworks
    } else if l.contains("platform") || l.contains("infra") {
        Quadrant::Platforms
    } else if l.contains("tool") {
        Quadrant::Tools
    } else if ["techni", "method", "pattern", "process", "practice"]
        .iter()
        .any(|k| l.contains(k))
    {
        Quadrant::Techniques
    } else {
        return None;
    };
    shape.quadrant(guess.as_str())
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
