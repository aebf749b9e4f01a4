//! Radar entries: the files a lead reviews in git.
//!
//! Owns the entry model ([`Entry`]), its file format (`entries/<quadrant>/
//! <slug>.md`: TOML front matter between `+++` lines, then free text), safe
//! file names ([`slug`]), reading and writing ([`store`]), merging fresh
//! scores into existing entries without touching what people wrote
//! ([`merge`]), review decisions ([`review`]), and the formats other radar
//! viewers read ([`export`], [`import`]).
//!
//! Must not touch: the index, the network, stack.toml. Scores arrive as
//! [`crate::score::Recommendation`]s; this module only files them.
//!
//! Who owns which field: `proposed`, `score`, `rule`, `updated` and `[[signal]]` are
//! the tool's and are rewritten by `radar update`; `name`, `quadrant`,
//! `ring`, `[[history]]`, `[[decision]]` and the free text belong to people
//! (or to `radar review`, which acts for a person) and `update` never
//! rewrites them.

pub mod export;
mod format;
pub mod import;
pub mod review;
pub mod slug;
pub mod store;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use thiserror::Error;

use crate::model::{Quadrant, Ring};
use crate::score::Signal;

pub use format::{Unconfigured, parse_entry, render_entry, unconfigured};
pub use store::{load_entries, write_entry};

#[derive(Debug, Error)]
pub enum RadarError {
    #[error("{path}: cannot {op}: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not a radar entry: {message}. An entry starts with a line `+++`, then TOML, then `+++`, then free text"
    )]
    FrontMatter { path: PathBuf, message: String },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("two entries are named {name:?}: {first} and {second}. Keep one of them")]
    Duplicate {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "entry {name:?}: file {file} is not `<quadrant>/<name>.md` inside the entries folder; refusing to write there"
    )]
    UnsafePath { name: String, file: PathBuf },
    #[error("no entry named {name:?} in {dir}{hint}")]
    NotFound {
        name: String,
        dir: PathBuf,
        hint: String,
    },
    #[error(
        "{folder}: {count} entries sit in a folder that is not a configured quadrant{hint}. \
         Configured quadrants: {valid}. Move them (`git mv`) and fix their `quadrant =`, \
         or add the quadrant to radar.toml [radar]; `radar doctor` lists them"
    )]
    UnconfiguredFolder {
        folder: PathBuf,
        count: usize,
        valid: String,
        hint: String,
    },
    #[error("{0}")]
    Review(String),
    /// A format that cannot hold the radar's shape.
    #[error("{0}")]
    Shape(String),
    #[error("{path}: {message}")]
    Import { path: PathBuf, message: String },
    #[error("cannot encode {what}: {message}")]
    Encode { what: &'static str, message: String },
}

/// One radar entry, as parsed from its file.
///
/// Stable API: the digest and propose stages build on it. Fields may be
/// added; none will be renamed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub quadrant: Quadrant,
    /// The team's decision. `None` for a technology the tool proposes but
    /// nobody has placed on the radar yet (a rising term not in the stack).
    pub ring: Option<Ring>,
    /// The tool's proposal. Pending while it differs from `ring` and no
    /// decision rejected it on the same evidence (see [`Entry::pending`]).
    pub proposed: Option<Ring>,
    /// Sum of signal weights, clamped to [-1, 1], two decimals.
    pub score: Option<f64>,
    /// The scoring rule that chose `proposed`, in words.
    pub rule: Option<String>,
    /// When the machine fields last changed (not when update last ran).
    pub updated: Option<NaiveDate>,
    pub signals: Vec<Signal>,
    /// Ring moves, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Review decisions, oldest first.
    pub decisions: Vec<Decision>,
    /// Everything after the closing `+++`, byte for byte.
    pub text: String,
    /// Where the entry was read from, relative to the entries folder
    /// (`tools/github-actions.md`); `None` for an entry not yet written.
    /// Writing keeps a hand-renamed file where it is.
    pub file: Option<PathBuf>,
}

/// A ring the entry moved into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    #[serde(with = "format::toml_date")]
    pub date: NaiveDate,
    /// The ring from this date on.
    pub ring: Ring,
    /// The ring before, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Ring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A lead's answer to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(with = "format::toml_date")]
    pub date: NaiveDate,
    pub verdict: Verdict,
    /// The proposal that was decided on.
    pub proposed: Ring,
    /// [`Signal::key`]s the proposal rested on: no proposal is raised again
    /// until a signal outside this set appears.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Entry {
    /// A fresh entry with nothing but a name and a place.
    pub fn new(name: &str, quadrant: Quadrant) -> Entry {
        Entry {
            name: name.to_string(),
            quadrant,
            ring: None,
            proposed: None,
            score: None,
            rule: None,
            updated: None,
            signals: Vec::new(),
            history: Vec::new(),
            decisions: Vec::new(),
            text: String::new(),
            file: None,
        }
    }

    /// The file name this entry gets when nobody chose another one.
    pub fn slug(&self) -> String {
        slug::slug(&self.name)
    }

    /// The proposal waiting for a lead: `proposed` differs from `ring`, and
    /// no decision (accept or reject) was already taken on the evidence the
    /// entry carries now. A lead who moved an entry out because of a stale
    /// release is not asked to move it out again for the same stale
    /// release; a new advisory or release re-opens the question.
    pub fn pending(&self) -> Option<Ring> {
        let proposed = self.proposed?;
        if Some(proposed) == self.ring {
            return None;
        }
        let keys = self.evidence_keys();
        let decided = self
            .decisions
            .iter()
            .any(|d| keys.iter().all(|k| d.evidence.contains(k)));
        (!decided).then_some(proposed)
    }

    /// [`Signal::key`] of every signal, sorted and deduplicated.
    pub fn evidence_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.signals.iter().map(Signal::key).collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The most recent ring move, if any.
    pub fn last_move(&self) -> Option<&HistoryEntry> {
        self.history.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::SignalKind;

    fn sig(kind: SignalKind, url: &str) -> Signal {
        Signal {
            kind,
            weight: -0.5,
            because: "x".into(),
            url: Some(url.into()),
            evidence: vec![],
        }
    }

    #[test]
    fn pending_until_rejected_then_again_on_new_evidence() {
        let mut e = Entry::new("tokio", Quadrant::LanguagesAndFrameworks);
        e.ring = Some(Ring::Adopt);
        e.proposed = Some(Ring::Hold);
        e.signals = vec![sig(SignalKind::Advisory, "https://a/1")];
        assert_eq!(e.pending(), Some(Ring::Hold));
        e.decisions.push(Decision {
            date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            verdict: Verdict::Rejected,
            proposed: Ring::Hold,
            evidence: e.evidence_keys(),
            reason: None,
        });
        assert_eq!(e.pending(), None);
        e.signals.push(sig(SignalKind::Advisory, "https://a/2"));
        assert_eq!(e.pending(), Some(Ring::Hold), "new advisory re-raises");
        e.signals.pop();
        e.proposed = Some(Ring::Trial);
        assert_eq!(e.pending(), None, "decided on this evidence already");
        e.proposed = Some(Ring::Adopt);
        assert_eq!(e.pending(), None, "proposal equals the ring");
    }
}
