//! The crawl summary: one row per source and the totals.
//!
//! These types *are* the `--json` output of `radar crawl` (DESIGN.md): keys
//! may be added, never renamed. Human renderers (src/cmd/crawl.rs) only read
//! them. No I/O here.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How one source fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fetched,
    NotModified,
    Failed,
    /// Not tried this run: earlier failures (or the server's Retry-After)
    /// put its next attempt in the future. `next_attempt` says when.
    BackingOff,
}

/// `--json` shape for `crawl` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub name: String,
    pub url: String,
    pub status: Status,
    pub items_new: usize,
    pub items_updated: usize,
    pub error: Option<String>,
    /// Items fetched again that were already stored unchanged.
    pub items_unchanged: usize,
    /// HTTP attempts made this run (0 when skipped or read from a path).
    pub attempts: u32,
    /// Failed runs in a row, this one included (0 after a success).
    pub consecutive_failures: u32,
    /// When a failing source will be tried again.
    pub next_attempt: Option<DateTime<Utc>>,
    /// Something was repaired to read the source (e.g. invalid UTF-8).
    pub warning: Option<String>,
}

impl SourceReport {
    pub fn new(name: &str, url: &str, status: Status) -> SourceReport {
        SourceReport {
            name: name.to_string(),
            url: url.to_string(),
            status,
            items_new: 0,
            items_updated: 0,
            error: None,
            items_unchanged: 0,
            attempts: 0,
            consecutive_failures: 0,
            next_attempt: None,
            warning: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub fetched: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub items_new: usize,
    pub items_updated: usize,
    pub backing_off: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrawlReport {
    pub sources: Vec<SourceReport>,
    pub totals: Totals,
    /// The crawl was stopped (Ctrl-C, scheduler shutdown) before every
    /// source finished; what finished was committed.
    pub interrupted: bool,
}

impl CrawlReport {
    /// "9 sources: 0 fetched, 9 not modified, 0 failed; 0 new items, 0
    /// updated": the summary line the CLI prints and the scheduler logs.
    pub fn totals_line(&self) -> String {
        let t = &self.totals;
        let mut line = format!(
            "{} sources: {} fetched, {} not modified, {} failed",
            self.sources.len(),
            t.fetched,
            t.not_modified,
            t.failed
        );
        if t.backing_off > 0 {
            line.push_str(&format!(", {} backing off", t.backing_off));
        }
        line.push_str(&format!(
            "; {} new items, {} updated",
            t.items_new, t.items_updated
        ));
        line
    }

    pub fn from_sources(sources: Vec<SourceReport>) -> CrawlReport {
        let mut t = Totals::default();
        for s in &sources {
            match s.status {
                Status::Fetched => t.fetched += 1,
                Status::NotModified => t.not_modified += 1,
                Status::Failed => t.failed += 1,
                Status::BackingOff => t.backing_off += 1,
            }
            t.items_new += s.items_new;
            t.items_updated += s.items_updated;
        }
        CrawlReport {
            sources,
            totals: t,
            interrupted: false,
        }
    }

    /// True when a source failed this run or is backing off after failing:
    /// `radar crawl` exits 1 then, so a dead feed keeps showing in CI.
    pub fn any_failed(&self) -> bool {
        self.totals.failed > 0 || self.totals.backing_off > 0
    }
}
