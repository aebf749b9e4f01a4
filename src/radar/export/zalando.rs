//! zalando/tech-radar: the object `radar_visualization()` takes. Entries
//! carry quadrant and ring as indexes (quadrants in our order: techniques,
//! tools, platforms, languages & frameworks; rings adopt … hold) and
//! `moved`: -1 out, 0 none, 1 in, 2 new. The names of quadrants and rings
//! travel in the same object so the page needs no edits.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::byor::Imported;
use super::{
    ImportError, Movement, encode_err, movement, parse_quadrant, quadrant_label, ring_color,
    ring_label,
};
use crate::model::{Quadrant, Ring};
use crate::radar::{Entry, HistoryEntry, RadarError};
use crate::shape::Shape;

#[derive(Debug, Serialize, Deserialize)]
struct Config {
    date: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    quadrants: Vec<Named>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rings: Vec<Named>,
    entries: Vec<ZEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Named {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ZEntry {
    quadrant: usize,
    ring: usize,
    label: String,
    #[serde(default = "yes")]
    active: bool,
    #[serde(default)]
    moved: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

fn yes() -> bool {
    true
}

fn q_index(q: Quadrant) -> usize {
    q.position()
}

fn r_index(r: Ring) -> usize {
    r.position()
}

/// Writes the first four quadrants and rings of `shape`: the caller
/// ([`super::export_shaped`]) has checked the shape or dropped what does
/// not fit.
pub fn write(entries: &[&Entry], now: DateTime<Utc>, shape: &Shape) -> Result<String, RadarError> {
    let config = Config {
        date: now.format("%Y.%m").to_string(),
        quadrants: shape
            .quadrants()
            .iter()
            .take(4)
            .map(|q| Named {
                name: quadrant_label(*q).to_string(),
                color: None,
            })
            .collect(),
        rings: shape
            .rings()
            .iter()
            .take(4)
            .map(|r| Named {
                name: ring_label(*r).to_uppercase(),
                color: Some(ring_color(*r).to_string()),
            })
            .collect(),
        entries: entries
            .iter()
            .filter_map(|e| {
                Some(ZEntry {
                    quadrant: q_index(e.quadrant),
                    ring: r_index(e.ring?),
                    label: e.name.clone(),
                    active: true,
                    moved: match movement(e, now) {
                        Movement::New => 2,
                        Movement::MovedIn => 1,
                        Movement::MovedOut => -1,
                        Movement::NoChange => 0,
                    },
                    link: None,
                })
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&config).map_err(|e| encode_err("Zalando JSON", e))?;
    s.push('\n');
    Ok(s)
}

/// Reads a Zalando config. Quadrant indexes map by the config's quadrant
/// names when it has them, else in our order.
pub fn read(text: &str, today: NaiveDate) -> Result<Imported, ImportError> {
    let config: Config = serde_json::from_str(text).map_err(ImportError::Zalando)?;
    let shape = crate::shape::active();
    let mut out = Imported::default();
    let mut seen = std::collections::HashSet::new();
    for z in config.entries {
        let name = z.label.trim().to_string();
        if !z.active {
            out.skipped.push((name, "inactive".into()));
            continue;
        }
        let quadrant = config
            .quadrants
            .get(z.quadrant)
            .and_then(|q| parse_quadrant(&q.name))
            .or_else(|| shape.quadrant_at(z.quadrant));
        let ring = config
            .rings
            .get(z.ring)
            .and_then(|r| super::parse_ring(&r.name))
            .or_else(|| shape.ring_at(z.ring));
        let (Some(quadrant), Some(ring)) = (quadrant, ring) else {
            out.skipped.push((
                name,
                format!(
                    "quadrant {} / ring {} is not one of this radar's (quadrants: {}; rings: {})",
                    z.quadrant,
                    z.ring,
                    shape.quadrant_list(),
                    shape.ring_list()
                ),
            ));
            continue;
        };
        if name.is_empty() || !seen.insert(name.to_lowercase()) {
            out.skipped.push((name, "empty or listed twice".into()));
            continue;
        }
        let mut e = Entry::new(&name, quadrant);
        e.ring = Some(ring);
        if z.moved == 2 {
            e.history.push(HistoryEntry {
                date: today,
                ring,
                from: None,
                note: None,
            });
        }
        if let Some(link) = z.link {
            e.text = format!("More: <{link}>\n");
        }
        out.entries.push(e);
    }
    Ok(out)
}
