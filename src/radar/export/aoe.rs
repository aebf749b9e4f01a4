//! AOE technology radar: one folder per release (`2018-03-01/`), one
//! Markdown file per item that appeared in that release, with YAML front
//! matter (`title`, `ring`, `segment`) and the text below it.
//!
//! Ring history lives in the folders: an item in `2017-03-01/` as assess
//! and in `2018-03-01/` as adopt moved to adopt on 2018-03-01. Export
//! writes one file per history line; import reads the history back.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::byor::Imported;
use super::{ImportError, encode_err, ids, parse_quadrant, parse_ring};
use crate::model::{Quadrant, Ring};
use crate::radar::slug::{is_safe_stem, slug};
use crate::radar::{Entry, HistoryEntry, RadarError};

#[derive(Debug, Serialize)]
struct FrontOut<'a> {
    title: &'a str,
    ring: &'a str,
    segment: &'a str,
}

/// The front matter as AOE radars write it; other keys (tags, featured)
/// are ignored.
#[derive(Debug, Deserialize)]
struct FrontIn {
    title: String,
    ring: String,
    #[serde(default)]
    segment: Option<String>,
    #[serde(default)]
    quadrant: Option<String>,
}

/// Files relative to the radar folder: `<release date>/<slug>.md`.
pub fn write(entries: &[&Entry], now: DateTime<Utc>) -> Result<Vec<(PathBuf, String)>, RadarError> {
    let mut files = Vec::new();
    for (e, stem) in entries.iter().zip(ids(entries)) {
        let Some(ring) = e.ring else { continue };
        let mut moments: Vec<(NaiveDate, Ring, String)> = e
            .history
            .iter()
            .map(|h| (h.date, h.ring, h.note.clone().unwrap_or_default()))
            .collect();
        if moments.last().map(|m| m.1) != Some(ring) {
            moments.push((
                e.updated.unwrap_or_else(|| now.date_naive()),
                ring,
                String::new(),
            ));
        }
        // One file per release folder: the last move of a day wins.
        let mut by_date: BTreeMap<NaiveDate, (Ring, String)> = BTreeMap::new();
        for (d, r, note) in moments {
            by_date.insert(d, (r, note));
        }
        let last = by_date.keys().next_back().copied();
        for (date, (r, note)) in by_date {
            let front = serde_yaml_ng::to_string(&FrontOut {
                title: &e.name,
                ring: r.as_str(),
                segment: e.quadrant.as_str(),
            })
            .map_err(|err| encode_err("AOE front matter", err))?;
            // The entry's text goes with its latest state; earlier releases
            // carry the history note.
            let body = if Some(date) == last {
                e.text.trim().to_string()
            } else {
                note
            };
            files.push((
                PathBuf::from(date.format("%Y-%m-%d").to_string()).join(format!("{stem}.md")),
                format!("---\n{front}---\n\n{body}\n"),
            ));
        }
    }
    files.sort();
    Ok(files)
}

/// Reads an AOE radar folder: release folders named by date, `*.md` items.
pub fn read(dir: &Path) -> Result<Imported, ImportError> {
    let mut releases: Vec<(NaiveDate, PathBuf)> = Vec::new();
    let mut out = Imported::default();
    let listing = std::fs::read_dir(dir).map_err(ImportError::List)?;
    for item in listing {
        let path = item.map_err(ImportError::List)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !path.is_dir() || name.starts_with('.') {
            continue;
        }
        match NaiveDate::parse_from_str(name, "%Y-%m-%d") {
            Ok(d) => releases.push((d, path)),
            Err(_) => out.skipped.push((
                name.to_string(),
                "folder is not a release date (YYYY-MM-DD)".into(),
            )),
        }
    }
    if releases.is_empty() {
        return Err(ImportError::NoReleases);
    }
    releases.sort();
    // Item id (file stem) → its appearances, oldest release first.
    let mut items: BTreeMap<String, Vec<(NaiveDate, FrontIn, String)>> = BTreeMap::new();
    for (date, folder) in &releases {
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .map_err(|error| ImportError::ListRelease {
                folder: folder.clone(),
                error,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        for file in files {
            let id = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    out.skipped
                        .push((file.display().to_string(), e.to_string()));
                    continue;
                }
            };
            match parse_item(&text) {
                Ok((front, body)) => items.entry(id).or_default().push((*date, front, body)),
                Err(e) => out
                    .skipped
                    .push((file.display().to_string(), e.to_string())),
            }
        }
    }
    let mut read: Vec<(String, Entry)> = Vec::new();
    for (id, appearances) in items {
        match to_entry(&id, appearances) {
            Ok(e) => read.push((id, e)),
            Err(why) => out.skipped.push((id, why.to_string())),
        }
    }
    // Two items may share a title (AOE's "Flow" is both `flow` and
    // `flowtype`). The one whose id is the title's slug keeps the name; the
    // others are told apart by their id, so neither is lost.
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (_, e) in &read {
        *count.entry(e.name.to_lowercase()).or_default() += 1;
    }
    for (id, e) in &mut read {
        if count[&e.name.to_lowercase()] > 1 && slug(&e.name) != *id {
            e.name = format!("{} ({id})", e.name);
        }
    }
    out.entries.extend(read.into_iter().map(|(_, e)| e));
    Ok(out)
}

/// Why an item's releases do not make an entry; it is skipped with this.
#[derive(Debug, thiserror::Error)]
enum ItemError {
    #[error("no YAML front matter (the file does not start with ---)")]
    NoFrontMatter,
    #[error("the front matter has no closing ---")]
    UnclosedFrontMatter,
    #[error("front matter: {0}")]
    Yaml(serde_yaml_ng::Error),
    #[error("{date}: ring {ring:?} is not adopt/trial/assess/hold")]
    Ring { date: NaiveDate, ring: String },
    #[error("{date}: segment {segment:?} is not a known quadrant")]
    Segment { date: NaiveDate, segment: String },
    #[error("no readable release")]
    NoRelease,
}

fn to_entry(id: &str, appearances: Vec<(NaiveDate, FrontIn, String)>) -> Result<Entry, ItemError> {
    let mut history: Vec<HistoryEntry> = Vec::new();
    let mut last: Option<Ring> = None;
    let mut quadrant: Option<Quadrant> = None;
    let mut name = String::new();
    let mut text = String::new();
    for (date, front, body) in appearances {
        let ring = parse_ring(&front.ring).ok_or_else(|| ItemError::Ring {
            date,
            ring: front.ring.clone(),
        })?;
        let seg = front.segment.or(front.quadrant).unwrap_or_default();
        quadrant = Some(parse_quadrant(&seg).ok_or_else(|| ItemError::Segment {
            date,
            segment: seg.clone(),
        })?);
        if last != Some(ring) {
            history.push(HistoryEntry {
                date,
                ring,
                from: last,
                note: None,
            });
        }
        last = Some(ring);
        if !front.title.trim().is_empty() {
            name = front.title.trim().to_string();
        }
        // The newest text that says something.
        if !body.trim().is_empty() {
            text = format!("{}\n", body.trim());
        }
    }
    let (Some(quadrant), Some(ring)) = (quadrant, last) else {
        return Err(ItemError::NoRelease);
    };
    if name.is_empty() {
        name = id.to_string();
    }
    let mut e = Entry::new(&name, quadrant);
    e.ring = Some(ring);
    e.history = history;
    e.text = text;
    // Keep AOE's own id as the file name when it is already a slug.
    if is_safe_stem(id) && slug(&name) != id {
        e.file = Some(PathBuf::from(quadrant.as_str()).join(format!("{id}.md")));
    }
    Ok(e)
}

/// Splits `---` YAML front matter from the Markdown below it.
fn parse_item(text: &str) -> Result<(FrontIn, String), ItemError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---").ok_or(ItemError::NoFrontMatter)?;
    let end = rest.find("\n---").ok_or(ItemError::UnclosedFrontMatter)?;
    let yaml = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.split_once('\n').map(|(_, b)| b).unwrap_or("");
    let front: FrontIn = serde_yaml_ng::from_str(yaml).map_err(ItemError::Yaml)?;
    Ok((front, body.to_string()))
}
