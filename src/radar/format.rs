//! The entry file format: `+++`, TOML front matter, `+++`, free text.
//!
//! Rendering an entry over an existing file patches the front matter in
//! place (toml_edit): keys whose value did not change keep their bytes,
//! comments and layout, new history and decisions are appended after the
//! old ones, and the free text is written back byte for byte. That is what
//! lets `radar update` run on every commit without churning files people
//! edit by hand.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::Path;
use toml_edit::{DocumentMut, Item};

use super::{Decision, Entry, HistoryEntry, RadarError};
use crate::model::{Quadrant, Ring};
use crate::score::Signal;

const FENCE: &str = "+++";

/// Root keys in the order a fresh file lists them.
const KEY_ORDER: [&str; 7] = [
    "name", "quadrant", "ring", "proposed", "score", "rule", "updated",
];
const ARRAY_ORDER: [&str; 3] = ["signal", "history", "decision"];

/// The front matter as serde sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    name: String,
    quadrant: Quadrant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ring: Option<Ring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proposed: Option<Ring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "toml_date::option"
    )]
    updated: Option<NaiveDate>,
    #[serde(default, rename = "signal", skip_serializing_if = "Vec::is_empty")]
    signals: Vec<Signal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    history: Vec<HistoryEntry>,
    #[serde(default, rename = "decision", skip_serializing_if = "Vec::is_empty")]
    decisions: Vec<Decision>,
}

impl Front {
    fn of(e: &Entry) -> Front {
        Front {
            name: e.name.clone(),
            quadrant: e.quadrant,
            ring: e.ring,
            proposed: e.proposed,
            // -0.0 would print as "-0.0": normalise so a zero is a zero.
            score: e.score.map(|s| if s == 0.0 { 0.0 } else { s }),
            rule: e.rule.clone(),
            updated: e.updated,
            signals: e.signals.clone(),
            history: e.history.clone(),
            decisions: e.decisions.clone(),
        }
    }
}

/// Splits a file into (front matter, free text).
fn split(path: &Path, text: &str) -> Result<(String, String), RadarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |message: &str| RadarError::FrontMatter {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    if first.trim_end() != FENCE {
        return Err(err("the first line is not `+++`"));
    }
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == FENCE {
            let front = rest[..offset].to_string();
            let body = rest[offset + line.len()..].to_string();
            return Ok((front, body));
        }
        offset += line.len();
    }
    Err(err("no closing `+++` line after the front matter"))
}

/// A ring or quadrant slug in an entry file that the shape does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct Unconfigured {
    /// 1-based line in the file.
    pub line: usize,
    /// `quadrant`, `ring`, `proposed` or `from`.
    pub key: String,
    pub value: String,
    /// The nearest configured slug, when one is close.
    pub closest: Option<&'static str>,
}

/// Every `quadrant =` / ring-valued key in the front matter whose value
/// `shape` does not configure, with the nearest configured slug. Reads
/// lines, not TOML, so it works on the files `parse_entry` rejects.
pub fn unconfigured(text: &str, shape: &crate::shape::Shape) -> Vec<Unconfigured> {
    let mut out = Vec::new();
    let mut fences = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == FENCE {
            fences += 1;
            if fences == 2 {
                break;
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = value
            .split('#')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        let (known, valid): (bool, Vec<&'static str>) = match key {
            "quadrant" => (
                shape.quadrant(value).is_some(),
                shape.quadrants().iter().map(|q| q.as_str()).collect(),
            ),
            "ring" | "proposed" | "from" => (
                shape.ring(value).is_some(),
                shape.rings().iter().map(|r| r.as_str()).collect(),
            ),
            _ => continue,
        };
        if !known {
            out.push(Unconfigured {
                line: i + 1,
                key: key.to_string(),
                value: value.to_string(),
                closest: crate::shape::closest(value, valid.into_iter()),
            });
        }
    }
    out
}

/// Parses one entry file; `path` names the file in errors.
pub fn parse_entry(path: &Path, text: &str) -> Result<Entry, RadarError> {
    let (front, body) = split(path, text)?;
    let f: Front = toml::from_str(&front).map_err(|e| {
        let line = e
            .span()
            .map(|s| front[..s.start.min(front.len())].matches('\n').count() + 1)
            .unwrap_or(0);
        RadarError::Parse {
            path: path.to_path_buf(),
            // +1 for the opening `+++` line.
            line: line + 1,
            message: e.message().trim().replace('`', "\""),
        }
    })?;
    if f.name.trim().is_empty() {
        return Err(RadarError::Parse {
            path: path.to_path_buf(),
            line: 2,
            message: "name is empty".into(),
        });
    }
    Ok(Entry {
        name: f.name,
        quadrant: f.quadrant,
        ring: f.ring,
        proposed: f.proposed,
        score: f.score,
        rule: f.rule,
        updated: f.updated,
        signals: f.signals,
        history: f.history,
        decisions: f.decisions,
        text: body,
        file: None,
    })
}

/// Renders an entry. With `existing` (the file's current bytes), the front
/// matter is patched in place so untouched keys keep comments and layout.
pub fn render_entry(entry: &Entry, existing: Option<&str>) -> Result<String, RadarError> {
    let new = Front::of(entry);
    let fresh = toml::to_string(&new).map_err(|e| RadarError::Encode {
        what: "entry front matter",
        message: e.to_string(),
    })?;
    let front = match existing.and_then(|old| patch(old, &new, &fresh)) {
        Some(patched) => patched,
        None => fresh,
    };
    // Keep a CRLF file CRLF: only the fences are ours to write.
    let eol = match existing {
        Some(old) if old.split('\n').next().is_some_and(|l| l.ends_with('\r')) => "\r\n",
        _ => "\n",
    };
    let front = if eol == "\r\n" {
        front.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        front
    };
    let mut out = String::with_capacity(front.len() + entry.text.len() + 8);
    out.push_str(FENCE);
    out.push_str(eol);
    out.push_str(&front);
    if !front.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(FENCE);
    out.push_str(eol);
    out.push_str(&entry.text);
    Ok(out)
}

/// Applies the differences between the old file's front matter and `new`
/// to the old document. `None` when the old file cannot be patched (then
/// the fresh rendering is used).
fn patch(old_text: &str, new: &Front, fresh: &str) -> Option<String> {
    let (old_front, _) = split(Path::new(""), old_text).ok()?;
    let old: Front = toml::from_str(&old_front).ok()?;
    let mut doc: DocumentMut = old_front.parse().ok()?;
    let fresh_doc: DocumentMut = fresh.parse().ok()?;
    let mut inserted = false;
    let scalar_changed = [
        old.name != new.name,
        old.quadrant != new.quadrant,
        old.ring != new.ring,
        old.proposed != new.proposed,
        old.score != new.score,
        old.rule != new.rule,
        old.updated != new.updated,
    ];
    for (key, changed) in KEY_ORDER.iter().zip(scalar_changed) {
        if changed {
            inserted |= replace_scalar(&mut doc, &fresh_doc, key);
        }
    }
    patch_array(&mut doc, &fresh_doc, "signal", &old.signals, &new.signals);
    patch_array(&mut doc, &fresh_doc, "history", &old.history, &new.history);
    patch_array(
        &mut doc,
        &fresh_doc,
        "decision",
        &old.decisions,
        &new.decisions,
    );
    if inserted {
        doc.as_table_mut().sort_values_by(|a, _, b, _| {
            let rank = |k: &str| KEY_ORDER.iter().position(|o| *o == k).unwrap_or(99);
            rank(a.get()).cmp(&rank(b.get()))
        });
    }
    renumber_tables(&mut doc);
    Some(doc.to_string())
}

/// Sets `key` to its fresh value, keeping the old value's comment. Returns
/// whether the key is new (so the caller re-sorts keys).
fn replace_scalar(doc: &mut DocumentMut, fresh: &DocumentMut, key: &str) -> bool {
    match fresh.get(key) {
        None => {
            doc.remove(key);
            false
        }
        Some(item) => {
            let mut item = item.clone();
            let existed = match (doc.get(key).and_then(Item::as_value), item.as_value_mut()) {
                (Some(old), Some(v)) => {
                    *v.decor_mut() = old.decor().clone();
                    true
                }
                _ => doc.contains_key(key),
            };
            doc[key] = item;
            !existed
        }
    }
}

/// Leaves an unchanged array of tables alone, appends when the new list
/// extends the old one (history, decisions), replaces it otherwise.
fn patch_array<T: PartialEq>(
    doc: &mut DocumentMut,
    fresh: &DocumentMut,
    key: &str,
    old: &[T],
    new: &[T],
) {
    if old == new {
        return;
    }
    let fresh_tables = fresh.get(key).and_then(Item::as_array_of_tables);
    let Some(fresh_tables) = fresh_tables else {
        doc.remove(key);
        return;
    };
    let appendable = !old.is_empty() && new.len() > old.len() && new[..old.len()] == *old;
    match doc.get_mut(key).and_then(Item::as_array_of_tables_mut) {
        Some(tables) if appendable => {
            for t in fresh_tables.iter().skip(old.len()) {
                tables.push(t.clone());
            }
        }
        _ => doc[key] = Item::ArrayOfTables(fresh_tables.clone()),
    }
}

/// Orders the `[[…]]` sections the usual way (signals, history,
/// decisions), so appended tables never interleave with older ones.
fn renumber_tables(doc: &mut DocumentMut) {
    let mut pos = 1;
    for key in ARRAY_ORDER {
        if let Some(tables) = doc.get_mut(key).and_then(Item::as_array_of_tables_mut) {
            for t in tables.iter_mut() {
                t.set_position(Some(pos));
                pos += 1;
            }
        }
    }
}

/// TOML dates (`2026-11-23`, unquoted) for chrono's `NaiveDate`.
pub(super) mod toml_date {
    use super::*;
    use serde::{Deserializer, Serializer};
    use toml::value::{Date, Datetime};

    pub fn to_toml(d: NaiveDate) -> Datetime {
        Datetime {
            date: Some(Date {
                year: d.year() as u16,
                month: d.month() as u8,
                day: d.day() as u8,
            }),
            time: None,
            offset: None,
        }
    }

    /// A TOML datetime that is not a plain date; serde puts it into the
    /// entry's parse error.
    #[derive(Debug, thiserror::Error)]
    pub enum DateError {
        #[error("{0} has no date; write a date like 2026-11-23")]
        NoDate(Datetime),
        #[error("{0} is not a calendar date")]
        NotACalendarDate(Datetime),
    }

    pub fn from_toml(dt: &Datetime) -> Result<NaiveDate, DateError> {
        let d = dt.date.ok_or(DateError::NoDate(*dt))?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .ok_or(DateError::NotACalendarDate(*dt))
    }

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        to_toml(*d).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let dt = Datetime::deserialize(d)?;
        from_toml(&dt).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => to_toml(*d).serialize(s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            match Option::<Datetime>::deserialize(d)? {
                Some(dt) => from_toml(&dt).map(Some).map_err(serde::de::Error::custom),
                None => Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radar::Verdict;
    use crate::score::SignalKind;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sample() -> Entry {
        let mut e = Entry::new("tokio", Quadrant::LanguagesAndFrameworks);
        e.ring = Some(Ring::Adopt);
        e.proposed = Some(Ring::Hold);
        e.score = Some(-0.55);
        e.updated = Some(date(2026, 11, 23));
        e.signals = vec![Signal {
            kind: SignalKind::Advisory,
            weight: -0.4,
            because: "RUSTSEC-2025-0023 affects 1.38.0 (fixed in 1.38.2)".into(),
            url: Some("https://rustsec.org/advisories/RUSTSEC-2025-0023".into()),
            evidence: vec![],
        }];
        e.history = vec![HistoryEntry {
            date: date(2025, 6, 2),
            ring: Ring::Adopt,
            from: None,
            note: None,
        }];
        e.text = "Why we use it.\n\nMore \"text\" +++ here.\n".into();
        e
    }

    #[test]
    fn round_trips_through_text() {
        let e = sample();
        let text = render_entry(&e, None).unwrap();
        assert!(text.starts_with("+++\nname = \"tokio\"\n"), "{text}");
        assert!(text.contains("updated = 2026-11-23\n"), "{text}");
        assert!(text.contains("[[signal]]\nkind = \"advisory\""), "{text}");
        assert!(text.ends_with("+++\nWhy we use it.\n\nMore \"text\" +++ here.\n"));
        let back = parse_entry(Path::new("x.md"), &text).unwrap();
        assert_eq!(back, e);
        assert_eq!(render_entry(&back, Some(&text)).unwrap(), text);
    }

    #[test]
    fn patching_keeps_comments_and_appends_history() {
        let text = "+++\nname = \"tokio\"   # our runtime\nquadrant = \"languages-and-frameworks\"\nring = \"adopt\"  # the team's decision\nproposed = \"hold\"\nscore = -0.55\nupdated = 2026-11-23\n\n# since the start\n[[history]]\ndate = 2025-06-02\nring = \"adopt\"\n+++\nkept\n";
        let mut e = parse_entry(Path::new("x.md"), text).unwrap();
        e.ring = Some(Ring::Hold);
        e.history.push(HistoryEntry {
            date: date(2026, 12, 1),
            ring: Ring::Hold,
            from: Some(Ring::Adopt),
            note: None,
        });
        e.decisions.push(Decision {
            date: date(2026, 12, 1),
            verdict: Verdict::Accepted,
            proposed: Ring::Hold,
            evidence: vec!["advisory:https://x".into()],
            reason: None,
        });
        let out = render_entry(&e, Some(text)).unwrap();
        assert!(out.contains("name = \"tokio\"   # our runtime\n"), "{out}");
        assert!(
            out.contains("ring = \"hold\"  # the team's decision\n"),
            "{out}"
        );
        assert!(
            out.contains("# since the start\n[[history]]\ndate = 2025-06-02"),
            "{out}"
        );
        let back = parse_entry(Path::new("x.md"), &out).unwrap();
        assert_eq!(back, e);
        let h = out.find("[[history]]").unwrap();
        let d = out.find("[[decision]]").unwrap();
        assert!(h < d, "{out}");
    }

    #[test]
    fn new_key_goes_to_its_usual_place() {
        let text = "+++\nname = \"vite\"\nquadrant = \"tools\"\nring = \"trial\"\n+++\n";
        let mut e = parse_entry(Path::new("x.md"), text).unwrap();
        e.proposed = Some(Ring::Adopt);
        e.score = Some(0.3);
        let out = render_entry(&e, Some(text)).unwrap();
        assert_eq!(
            out,
            "+++\nname = \"vite\"\nquadrant = \"tools\"\nring = \"trial\"\nproposed = \"adopt\"\nscore = 0.3\n+++\n"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse_entry(
            Path::new("entries/tools/x.md"),
            "+++\nname = \"x\"\nquadrant = \"tools\"\nrign = \"adopt\"\n+++\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("entries/tools/x.md:4: unknown field \"rign\""),
            "{e}"
        );
        let e = parse_entry(Path::new("y.md"), "# just markdown\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("y.md: not a radar entry"), "{e}");
        let e = parse_entry(Path::new("z.md"), "+++\nname = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no closing"), "{e}");
        let e = parse_entry(
            Path::new("q.md"),
            "+++\nname = \"x\"\nquadrant = \"gadgets\"\n+++\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("q.md:3:"), "{e}");
    }

    #[test]
    fn crlf_files_parse() {
        let text = "+++\r\nname = \"x\"\r\nquadrant = \"tools\"\r\n+++\r\nbody\r\n";
        let e = parse_entry(Path::new("x.md"), text).unwrap();
        assert_eq!(e.text, "body\r\n");
        assert_eq!(render_entry(&e, Some(text)).unwrap(), text);
    }
}
