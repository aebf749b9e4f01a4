//! What `update` scores and how: the tracked technologies (stack.toml's
//! techs as the radar has them, then entries not in the stack), their
//! trends, and the recommendations scoring makes of them. Writes nothing.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

use crate::config::{StackConfig, TechConfig};
use crate::model::Item;
use crate::radar::Entry;
use crate::score::{self, AdvisoryHit, Recommendation, Tracked};
use crate::trend::{self, TrackedTerm, TrendOptions, TrendReport};

/// Everything `update` needs besides the entries folder.
pub struct UpdateInput<'a> {
    pub stack: &'a StackConfig,
    pub items: &'a [Item],
    /// From the audit engine.
    pub hits: &'a [AdvisoryHit],
    /// Canonical package key → services using it.
    pub services: &'a BTreeMap<String, usize>,
    /// Lower-cased canonical package key → highest version the lockfiles pin.
    pub locked: &'a BTreeMap<String, String>,
    pub now: DateTime<Utc>,
    pub trends: TrendOptions,
    /// The trends of the tracked terms, when the caller counted them while
    /// reading the window (`update::scoring_input`); otherwise they are
    /// counted from `items`.
    pub window: Option<&'a TrendReport>,
}

/// The recommendations for every tracked technology and new rising term,
/// and the trend report they used.
pub fn recommend(entries: &[Entry], input: &UpdateInput<'_>) -> (Vec<Recommendation>, TrendReport) {
    let tracked = tracked(input.stack, entries);
    let terms = tracked_terms(input.stack, &tracked);
    let trends = match input.window {
        Some(report) => report.clone(),
        None => trend::trends(input.items, &terms, input.now, &input.trends),
    };
    let mut recs = score::score_tracked(
        &tracked,
        input.items,
        input.hits,
        input.services,
        input.locked,
        &trends,
        input.now,
    );
    recs.extend(score::score_candidates(&trends));
    (recs, trends)
}

/// The terms trends counts for the tracked technologies: names, aliases
/// and whether stack.toml lists them. `update`, `trends` and the digest
/// all count the same terms.
pub fn tracked_terms(stack: &StackConfig, tracked: &[Tracked]) -> Vec<TrackedTerm> {
    let stack_names: std::collections::HashSet<String> = stack
        .techs
        .iter()
        .map(|t| t.name.trim().to_lowercase())
        .collect();
    tracked
        .iter()
        .map(|t| TrackedTerm {
            in_stack: stack_names.contains(&t.tech.name.trim().to_lowercase()),
            name: t.tech.name.clone(),
            aliases: t.tech.aliases.clone(),
        })
        .collect()
}

/// What `update` scores: stack.toml's techs as the radar has them today
/// (an entry's name, quadrant and ring win over stack.toml's; an entry
/// without a ring takes stack.toml's), then entries not in stack.toml.
pub fn tracked(stack: &StackConfig, entries: &[Entry]) -> Vec<Tracked> {
    let by_name: HashMap<String, &Entry> = entries
        .iter()
        .map(|e| (e.name.trim().to_lowercase(), e))
        .collect();
    let mut out: Vec<Tracked> = Vec::with_capacity(stack.techs.len() + entries.len());
    let mut seen = std::collections::HashSet::new();
    for t in &stack.techs {
        let key = t.name.trim().to_lowercase();
        if !seen.insert(key.clone()) {
            continue;
        }
        let mut tech = t.clone();
        let mut current = Some(t.ring);
        if let Some(e) = by_name.get(&key) {
            tech.name = e.name.clone();
            tech.quadrant = e.quadrant;
            current = e.ring.or(current);
        }
        out.push(Tracked { tech, current });
    }
    for e in entries {
        if seen.insert(e.name.trim().to_lowercase()) {
            out.push(Tracked {
                tech: TechConfig {
                    name: e.name.clone(),
                    quadrant: e.quadrant,
                    ring: e
                        .ring
                        .unwrap_or_else(|| crate::shape::active().entry_ring()),
                    package: None,
                    version: None,
                    aliases: Vec::new(),
                    repo: None,
                    eol: None,
                },
                current: e.ring,
            });
        }
    }
    out
}
