//! A radar set up for crawling: a `[crawl]` table and `[[source]]`s in its
//! radar.toml, run through the real binary with `crawl --json`.

use crate::harness::{Run, TeamRadar};
use serde_json::Value;
use std::path::Path;

/// The injected clock for every crawl unless a test moves it.
pub const NOW: &str = "2026-11-23T08:00:00Z";

/// `[crawl]` settings for tests: no real waiting between retries.
pub const FAST: &str = "concurrency = 4\nper_host = 4\ntimeout_secs = 5\nconnect_timeout_secs = 5\nretries = 2\nretry_base_ms = 0\nmax_retry_wait_secs = 60\nfailure_backoff_secs = 900\n";

/// A radar whose radar.toml has `crawl` as its `[crawl]` table and
/// `sources` appended verbatim.
pub fn crawl_radar(crawl: &str, sources: &str) -> TeamRadar {
    TeamRadar::new().config(&format!("\n[crawl]\n{crawl}\n{sources}"))
}

impl TeamRadar {
    /// `radar crawl --json` at `now`.
    pub fn crawl_at(&self, now: &str) -> Run {
        Run::of(self.command(now, &["crawl", "--json"]).output().unwrap())
    }

    pub fn crawl(&self) -> Run {
        self.crawl_at(NOW)
    }

    /// crawl-state.json, beside the index.
    pub fn state(&self) -> Value {
        let bytes = std::fs::read(self.index().join("crawl-state.json")).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

/// `[[source]]` with a URL and optional extra lines.
pub fn source(name: &str, url: &str, extra: &str) -> String {
    format!("[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n{extra}\n")
}

/// The file names and meta.json of an index: what "no index write" means.
pub fn index_fingerprint(index: &Path) -> (Vec<String>, Vec<u8>) {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "crawl-state.json" && n != "radar-writer.pid" && !n.starts_with('.'))
        .collect();
    names.sort();
    let meta = std::fs::read(index.join("meta.json")).unwrap_or_default();
    (names, meta)
}
