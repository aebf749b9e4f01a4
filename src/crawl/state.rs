//! Per-source crawl state: validators, failure count, next attempt.
//!
//! Owns `crawl-state.json`, which lives beside the index (in its folder) and
//! records, per source name, what the last *committed* crawl learned: the
//! ETag and Last-Modified to send next time, how many attempts in a row
//! failed and when the source may be tried again. The pool saves it only
//! after the index commit it describes, writing to a temp file and renaming
//! it into place, so a killed crawl leaves either the old or the new file and
//! never validators for items that were not committed.
//!
//! All time decisions take `now` as a parameter: nothing here reads the
//! clock. Does no network I/O and never touches the index.

use crate::atomic::{self, Durability};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// File name inside the state folder (the index folder).
pub const STATE_FILE: &str = "crawl-state.json";
/// A failing source is tried at least once a day, however long it has failed.
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 60 * 60);
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Error)]
pub enum StateError {
    #[error(
        "crawl state {path}: cannot write: {cause}. Check the folder is writable; the index itself is committed"
    )]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// What the crawler remembers about one source between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceState {
    /// The URL or path this state was learned from. When radar.toml points
    /// the source elsewhere, the old validators and failures no longer apply.
    pub location: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub consecutive_failures: u32,
    /// Do not fetch before this instant (backoff or the server's Retry-After).
    pub next_attempt: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
}

impl SourceState {
    /// Whether the source should be skipped this run, and until when.
    pub fn backing_off(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_attempt.filter(|t| *t > now)
    }

    /// The state after a successful fetch (200 or 304).
    pub fn succeeded(&self, location: &str, validators: Validators, now: DateTime<Utc>) -> Self {
        SourceState {
            location: location.to_string(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            consecutive_failures: 0,
            next_attempt: None,
            last_error: None,
            last_attempt: Some(now),
            last_success: Some(now),
        }
    }

    /// The state after a failed run for this source. Validators are kept:
    /// the failure says nothing about the content we already hold.
    /// `not_before` is a time the server asked for (Retry-After).
    pub fn failed(
        &self,
        location: &str,
        error: &str,
        now: DateTime<Utc>,
        base: Duration,
        not_before: Option<DateTime<Utc>>,
    ) -> Self {
        let failures = self.consecutive_failures.saturating_add(1);
        let backoff = now + chrono_duration(failure_backoff(base, failures));
        let next = match not_before {
            Some(t) if t > backoff => t,
            _ => backoff,
        };
        SourceState {
            location: location.to_string(),
            consecutive_failures: failures,
            next_attempt: Some(next),
            last_error: Some(error.to_string()),
            last_attempt: Some(now),
            ..self.clone()
        }
    }

    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        }
    }
}

/// HTTP cache validators (or, for local files, a size + mtime stamp kept in
/// `etag`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// Backoff after `failures` consecutive failures: `base`, doubling, capped
/// at [`MAX_BACKOFF`].
pub fn failure_backoff(base: Duration, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    base.saturating_mul(1u32 << doublings).min(MAX_BACKOFF)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The whole file: one entry per source name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlState {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub sources: BTreeMap<String, SourceState>,
}

impl CrawlState {
    /// The remembered state for a source, or a fresh one when the source is
    /// new or now points at a different URL or path.
    pub fn for_source(&self, name: &str, location: &str) -> SourceState {
        match self.sources.get(name) {
            Some(s) if s.location == location => s.clone(),
            _ => SourceState {
                location: location.to_string(),
                ..SourceState::default()
            },
        }
    }
}

/// Where the state lives, and the last version written there.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    pub state: CrawlState,
}

impl StateFile {
    /// Reads the state in `dir`. A missing file is an empty state. An
    /// unreadable or corrupt one is logged and replaced by an empty state:
    /// the cost is one unconditional fetch per source, never a wrong index.
    pub fn load(dir: &Path) -> StateFile {
        // A crawl killed while saving leaves its temp file beside the state.
        match atomic::remove_stale_temps(dir) {
            Ok(gone) => gone
                .iter()
                .for_each(|p| tracing::info!("removed {}, left by a killed run", p.display())),
            Err(e) => tracing::warn!("{}", crate::terminal::error_chain(&e)),
        }
        let path = dir.join(STATE_FILE);
        let state = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<CrawlState>(&bytes) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(
                        "crawl state {} is not valid ({e}); starting fresh, every source is fetched in full",
                        path.display()
                    );
                    CrawlState::default()
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CrawlState::default(),
            Err(e) => {
                tracing::warn!(
                    "crawl state {} cannot be read ({e}); starting fresh",
                    path.display()
                );
                CrawlState::default()
            }
        };
        StateFile { path, state }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Applies updates and writes the file: temp file in the same folder,
    /// fsync, rename. Call only after the index commit these updates describe.
    pub fn save(
        &mut self,
        updates: impl IntoIterator<Item = (String, SourceState)>,
    ) -> Result<(), StateError> {
        self.state.version = FORMAT_VERSION;
        self.state.sources.extend(updates);
        let err = |cause| StateError::Write {
            path: self.path.clone(),
            cause,
        };
        let json = serde_json::to_vec_pretty(&self.state).map_err(|e| err(e.into()))?;
        atomic::write(&self.path, &json, Durability::Sync).map_err(|e| err(e.source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn backoff_doubles_and_caps_at_a_day() {
        let base = Duration::from_secs(900);
        let table = [
            (1, 900),
            (2, 1800),
            (3, 3600),
            (5, 14_400),
            (7, 57_600),
            (8, 86_400),
            (40, 86_400),
            (u32::MAX, 86_400),
        ];
        for (failures, secs) in table {
            assert_eq!(
                failure_backoff(base, failures),
                Duration::from_secs(secs),
                "{failures} failures"
            );
        }
    }

    #[test]
    fn failure_counts_up_and_success_resets() {
        let now = t("2026-11-23T08:00:00Z");
        let base = Duration::from_secs(60);
        let s = SourceState::default().failed("u", "HTTP 500", now, base, None);
        assert_eq!(s.consecutive_failures, 1);
        assert_eq!(s.next_attempt, Some(t("2026-11-23T08:01:00Z")));
        let s = s.failed("u", "HTTP 500", now, base, None);
        assert_eq!(s.next_attempt, Some(t("2026-11-23T08:02:00Z")));
        assert_eq!(s.backing_off(t("2026-11-23T08:01:59Z")), s.next_attempt);
        assert_eq!(s.backing_off(t("2026-11-23T08:02:00Z")), None);
        let ok = s.succeeded(
            "u",
            Validators {
                etag: Some("\"e\"".into()),
                last_modified: None,
            },
            now,
        );
        assert_eq!(ok.consecutive_failures, 0);
        assert_eq!(ok.next_attempt, None);
        assert_eq!(ok.etag.as_deref(), Some("\"e\""));
    }

    #[test]
    fn retry_after_wins_when_later_than_backoff() {
        let now = t("2026-11-23T08:00:00Z");
        let later = t("2026-11-23T10:00:00Z");
        let s = SourceState::default().failed(
            "u",
            "HTTP 429",
            now,
            Duration::from_secs(60),
            Some(later),
        );
        assert_eq!(s.next_attempt, Some(later));
    }

    #[test]
    fn moved_source_starts_fresh() {
        let mut st = CrawlState::default();
        st.sources.insert(
            "a".into(),
            SourceState {
                location: "https://old/feed".into(),
                etag: Some("x".into()),
                consecutive_failures: 4,
                ..Default::default()
            },
        );
        assert_eq!(
            st.for_source("a", "https://old/feed").consecutive_failures,
            4
        );
        let fresh = st.for_source("a", "https://new/feed");
        assert_eq!(fresh.consecutive_failures, 0);
        assert_eq!(fresh.etag, None);
    }

    #[test]
    fn save_then_load_round_trips_and_corrupt_file_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = StateFile::load(dir.path());
        assert!(f.state.sources.is_empty());
        f.save([(
            "a".to_string(),
            SourceState {
                location: "u".into(),
                etag: Some("\"1\"".into()),
                ..Default::default()
            },
        )])
        .unwrap();
        let again = StateFile::load(dir.path());
        assert_eq!(again.state, f.state);
        // No temp file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(STATE_FILE)]);
        std::fs::write(dir.path().join(STATE_FILE), b"{ not json").unwrap();
        assert!(StateFile::load(dir.path()).state.sources.is_empty());
    }
}
