//! Backstage tech-radar: a `TechRadarLoaderResponse` with quadrants, rings
//! and entries whose `timeline[]` lists ring moves, newest first (the
//! plugin draws `timeline[0]`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::byor::Imported;
use super::{
    ImportError, encode_err, ids, js_date, parse_date, parse_quadrant, parse_ring, quadrant_label,
    ring_color, ring_label,
};
use crate::model::{Quadrant, Ring};
use crate::radar::{Entry, HistoryEntry, RadarError};
use crate::shape::Shape;

#[derive(Debug, Serialize, Deserialize)]
struct Response {
    quadrants: Vec<IdName>,
    rings: Vec<IdName>,
    entries: Vec<BEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct IdName {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BEntry {
    #[serde(default)]
    key: String,
    id: String,
    title: String,
    quadrant: String,
    timeline: Vec<Moment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    links: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Moment {
    #[serde(default)]
    moved: i32,
    #[serde(rename = "ringId")]
    ring_id: String,
    date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

pub fn write(entries: &[&Entry], now: DateTime<Utc>, shape: &Shape) -> Result<String, RadarError> {
    let response = Response {
        quadrants: shape
            .quadrants()
            .iter()
            .map(|q| IdName {
                id: q.as_str().to_string(),
                name: quadrant_label(*q).to_string(),
                color: None,
            })
            .collect(),
        rings: shape
            .rings()
            .iter()
            .map(|r| IdName {
                id: r.as_str().to_string(),
                name: ring_label(*r).to_uppercase(),
                color: Some(ring_color(*r).to_string()),
            })
            .collect(),
        entries: entries
            .iter()
            .zip(ids(entries))
            .filter_map(|(e, id)| entry(e, id, now))
            .collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&response).map_err(|e| encode_err("Backstage JSON", e))?;
    s.push('\n');
    Ok(s)
}

fn entry(e: &Entry, id: String, now: DateTime<Utc>) -> Option<BEntry> {
    let ring = e.ring?;
    let mut timeline: Vec<Moment> = e
        .history
        .iter()
        .map(|h| Moment {
            moved: moved(h.from, h.ring),
            ring_id: h.ring.as_str().to_string(),
            date: js_date(h.date),
            description: h.note.clone(),
        })
        .collect();
    // The ring today, when the history does not end there (a hand edit).
    if e.history.last().map(|h| h.ring) != Some(ring) {
        timeline.push(Moment {
            moved: moved(e.history.last().map(|h| h.ring), ring),
            ring_id: ring.as_str().to_string(),
            date: js_date(e.updated.unwrap_or_else(|| now.date_naive())),
            description: None,
        });
    }
    timeline.reverse();
    Some(BEntry {
        key: id.clone(),
        id,
        title: e.name.clone(),
        quadrant: e.quadrant.as_str().to_string(),
        timeline,
        description: Some(e.text.trim().to_string()).filter(|t| !t.is_empty()),
        links: Vec::new(),
    })
}

/// 1 moved in (towards adopt), -1 moved out, 0 new or unchanged.
fn moved(from: Option<Ring>, to: Ring) -> i32 {
    match from {
        Some(f) if to < f => 1,
        Some(f) if to > f => -1,
        _ => 0,
    }
}

/// Reads a Backstage response: quadrants by their names (then ids, then
/// position), rings by name or id, the timeline as history.
pub fn read(text: &str, _today: NaiveDate) -> Result<Imported, ImportError> {
    let r: Response = serde_json::from_str(text).map_err(ImportError::Backstage)?;
    let quadrant_of = |id: &str| -> Option<Quadrant> {
        let pos = r.quadrants.iter().position(|q| q.id == id)?;
        let q = &r.quadrants[pos];
        parse_quadrant(&q.name)
            .or_else(|| parse_quadrant(&q.id))
            .or_else(|| crate::shape::active().quadrant_at(pos))
    };
    let ring_of = |id: &str| -> Option<Ring> {
        match r.rings.iter().position(|x| x.id == id) {
            Some(pos) => parse_ring(&r.rings[pos].name)
                .or_else(|| parse_ring(&r.rings[pos].id))
                .or_else(|| crate::shape::active().ring_at(pos)),
            None => parse_ring(id),
        }
    };
    let mut out = Imported::default();
    let mut seen = std::collections::HashSet::new();
    for b in &r.entries {
        let name = b.title.trim().to_string();
        let Some(quadrant) = quadrant_of(&b.quadrant) else {
            out.skipped
                .push((name, format!("unknown quadrant {:?}", b.quadrant)));
            continue;
        };
        let mut moments: Vec<(NaiveDate, Ring, Option<String>)> = Vec::new();
        for m in &b.timeline {
            match (parse_date(&m.date), ring_of(&m.ring_id)) {
                (Some(d), Some(ring)) => moments.push((d, ring, m.description.clone())),
                _ => {
                    out.skipped.push((
                        name.clone(),
                        format!("timeline item {:?} / {:?} unreadable", m.ring_id, m.date),
                    ));
                }
            }
        }
        moments.sort_by_key(|m| m.0);
        let Some(current) = moments.last().map(|m| m.1) else {
            out.skipped.push((name, "empty timeline".into()));
            continue;
        };
        if name.is_empty() || !seen.insert(name.to_lowercase()) {
            out.skipped.push((name, "empty or listed twice".into()));
            continue;
        }
        let mut e = Entry::new(&name, quadrant);
        e.ring = Some(current);
        let mut last: Option<Ring> = None;
        for (date, ring, note) in moments {
            if last != Some(ring) || note.is_some() {
                e.history.push(HistoryEntry {
                    date,
                    ring,
                    from: last,
                    note: note.filter(|n| !n.trim().is_empty()),
                });
            }
            last = Some(ring);
        }
        if let Some(d) = b.description.as_deref().filter(|d| !d.trim().is_empty()) {
            e.text = format!("{}\n", d.trim_end());
        }
        out.entries.push(e);
    }
    Ok(out)
}
