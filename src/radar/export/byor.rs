//! Thoughtworks Build Your Own Radar: CSV and JSON with the columns
//! `name, ring, quadrant, isNew, status, description` (BYOR reads `status`
//! as "New" / "Moved In" / "Moved Out" / "No Change" and falls back to
//! `isNew` = TRUE/FALSE).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    ImportError, Movement, encode_err, movement, parse_quadrant, parse_ring, quadrant_label,
    ring_label,
};
use crate::radar::{Entry, HistoryEntry, RadarError};

/// A row that cannot be read; it is skipped with this reason.
#[derive(Debug, thiserror::Error)]
enum RowError {
    /// `line` counts the header as line 1.
    #[error("row {line}: {error}")]
    Csv { line: usize, error: csv::Error },
    #[error("item {item}: {error}")]
    Json {
        item: usize,
        error: serde_json::Error,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Row {
    name: String,
    ring: String,
    quadrant: String,
    #[serde(rename = "isNew")]
    is_new: String,
    status: String,
    description: String,
}

fn rows(entries: &[&Entry], now: DateTime<Utc>) -> Vec<Row> {
    entries
        .iter()
        .filter_map(|e| {
            let ring = e.ring?;
            let m = movement(e, now);
            Some(Row {
                name: e.name.clone(),
                ring: ring_label(ring).to_string(),
                quadrant: quadrant_label(e.quadrant).to_string(),
                is_new: if m == Movement::New { "TRUE" } else { "FALSE" }.to_string(),
                status: match m {
                    Movement::New => "New",
                    Movement::MovedIn => "Moved In",
                    Movement::MovedOut => "Moved Out",
                    Movement::NoChange => "No Change",
                }
                .to_string(),
                description: e.text.trim().to_string(),
            })
        })
        .collect()
}

pub fn write_csv(entries: &[&Entry], now: DateTime<Utc>) -> Result<String, RadarError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows(entries, now) {
        w.serialize(row).map_err(|e| encode_err("BYOR CSV", e))?;
    }
    let bytes = w.into_inner().map_err(|e| encode_err("BYOR CSV", e))?;
    String::from_utf8(bytes).map_err(|e| encode_err("BYOR CSV", e))
}

pub fn write_json(entries: &[&Entry], now: DateTime<Utc>) -> Result<String, RadarError> {
    let mut s = serde_json::to_string_pretty(&rows(entries, now))
        .map_err(|e| encode_err("BYOR JSON", e))?;
    s.push('\n');
    Ok(s)
}

/// One row as BYOR files have it; columns other than these are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct InRow {
    #[serde(default)]
    name: String,
    #[serde(default)]
    ring: String,
    #[serde(default)]
    quadrant: String,
    #[serde(default, rename = "isNew", alias = "isnew")]
    is_new: Option<serde_json::Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// Reads a BYOR CSV. Header names are matched without regard to case.
pub fn read_csv(text: &str, today: chrono::NaiveDate) -> Result<Imported, ImportError> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers: csv::StringRecord = r
        .headers()
        .map_err(ImportError::CsvHeader)?
        .iter()
        .map(|h| match h.trim().to_lowercase().as_str() {
            "isnew" => "isNew".to_string(),
            other => other.to_string(),
        })
        .collect();
    for need in ["name", "ring", "quadrant"] {
        if !headers.iter().any(|h| h == need) {
            return Err(ImportError::MissingColumn { column: need });
        }
    }
    r.set_headers(headers);
    let mut rows = Vec::new();
    for (n, rec) in r.deserialize::<InRow>().enumerate() {
        // Line n + 2: the header is line 1 (multi-line cells shift this;
        // the name in the message still points at the row).
        rows.push(rec.map_err(|error| RowError::Csv { line: n + 2, error }));
    }
    Ok(from_rows(rows, today))
}

/// Reads BYOR JSON: an array of objects with the CSV's columns.
pub fn read_json(text: &str, today: chrono::NaiveDate) -> Result<Imported, ImportError> {
    let values: Vec<serde_json::Value> =
        serde_json::from_str(text).map_err(ImportError::ByorJson)?;
    let rows = values
        .into_iter()
        .enumerate()
        .map(|(item, v)| {
            serde_json::from_value::<InRow>(v).map_err(|error| RowError::Json { item, error })
        })
        .collect();
    Ok(from_rows(rows, today))
}

/// Entries read from another radar, and the rows that could not be used.
#[derive(Debug, Default)]
pub struct Imported {
    pub entries: Vec<Entry>,
    /// (name or position, why it was skipped)
    pub skipped: Vec<(String, String)>,
}

fn from_rows(rows: Vec<Result<InRow, RowError>>, today: chrono::NaiveDate) -> Imported {
    let mut out = Imported::default();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                out.skipped.push((String::new(), e.to_string()));
                continue;
            }
        };
        let name = row.name.trim().to_string();
        if name.is_empty() {
            out.skipped.push((name, "empty name".into()));
            continue;
        }
        let Some(ring) = parse_ring(&row.ring) else {
            out.skipped.push((
                name,
                format!("ring {:?} is not adopt/trial/assess/hold", row.ring),
            ));
            continue;
        };
        let Some(quadrant) = parse_quadrant(&row.quadrant) else {
            out.skipped.push((
                name,
                format!("quadrant {:?} is not one of techniques, tools, platforms, languages & frameworks", row.quadrant),
            ));
            continue;
        };
        if !seen.insert(name.to_lowercase()) {
            out.skipped
                .push((name, "listed twice; kept the first".into()));
            continue;
        }
        let is_new = match &row.is_new {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
            _ => false,
        } || row
            .status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("new"));
        let mut e = Entry::new(&name, quadrant);
        e.ring = Some(ring);
        if is_new {
            e.history.push(HistoryEntry {
                date: today,
                ring,
                from: None,
                note: None,
            });
        }
        if let Some(d) = row.description.filter(|d| !d.trim().is_empty()) {
            e.text = format!("{}\n", d.trim_end());
        }
        out.entries.push(e);
    }
    out
}
