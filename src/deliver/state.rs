//! Which week went to which target: `deliver-state.json` in the index
//! folder, so a re-run (or a second scheduler tick) does not mail the leads
//! twice. Owns that file only; knows nothing about sending.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::DeliverError;
use crate::atomic::{self, Durability};
use crate::config::{DeliverKind, DeliverTarget};

pub const STATE_FILE: &str = "deliver-state.json";

/// Target key → ISO week → when it was delivered.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct DeliverState {
    #[serde(default)]
    delivered: BTreeMap<String, BTreeMap<String, DateTime<Utc>>>,
    #[serde(skip)]
    path: PathBuf,
}

impl DeliverState {
    /// Reads the state in `dir`; a missing file is an empty state. A corrupt
    /// one is an error rather than a fresh start: starting fresh would send
    /// every week again.
    pub fn load(dir: &Path) -> Result<DeliverState, DeliverError> {
        let path = dir.join(STATE_FILE);
        let mut state = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice::<DeliverState>(&bytes).map_err(|e| {
                DeliverError::StateCorrupt {
                    path: path.clone(),
                    error: e.to_string(),
                }
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => DeliverState::default(),
            Err(source) => {
                return Err(DeliverError::StateRead {
                    path: path.clone(),
                    source,
                });
            }
        };
        state.path = path;
        Ok(state)
    }

    /// When `week` was delivered to `target`, if it was.
    pub fn delivered(&self, target: &DeliverTarget, week: &str) -> Option<DateTime<Utc>> {
        self.delivered.get(&key(target))?.get(week).copied()
    }

    /// Records a delivery and saves at once: a crash after the second of
    /// three targets must not resend the first.
    pub fn record(
        &mut self,
        target: &DeliverTarget,
        week: &str,
        at: DateTime<Utc>,
    ) -> Result<(), DeliverError> {
        self.delivered
            .entry(key(target))
            .or_default()
            .insert(week.to_string(), at);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| DeliverError::StateCorrupt {
            path: self.path.clone(),
            error: e.to_string(),
        })?;
        atomic::write(&self.path, &bytes, Durability::Sync)?;
        Ok(())
    }
}

/// The target's name plus a fingerprint of where it sends: pointing a
/// target at a new address delivers there, and the file never holds a
/// webhook URL (a secret) in clear.
fn key(target: &DeliverTarget) -> String {
    let mut h = Sha256::new();
    h.update(target.kind.label());
    match &target.kind {
        DeliverKind::Email { smtp, from, to } => {
            h.update(smtp);
            h.update(from);
            for t in to {
                h.update(t);
            }
        }
        DeliverKind::Slack { url }
        | DeliverKind::Teams { url }
        | DeliverKind::Mattermost { url }
        | DeliverKind::Webhook { url } => h.update(url),
    }
    let hex: String = h.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{} {hex}", target.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> DeliverTarget {
        DeliverTarget {
            name: "team".into(),
            kind: DeliverKind::Slack { url: url.into() },
            retries: 0,
            retry_base_ms: 0,
            timeout_secs: 1,
        }
    }

    #[test]
    fn records_survive_a_reload_and_a_new_url_is_a_new_target() {
        let dir = tempfile::tempdir().unwrap();
        let t = target("https://hooks.example/T1/secret");
        let at = DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut s = DeliverState::load(dir.path()).unwrap();
        assert_eq!(s.delivered(&t, "2026-W48"), None);
        s.record(&t, "2026-W48", at).unwrap();
        let again = DeliverState::load(dir.path()).unwrap();
        assert_eq!(again.delivered(&t, "2026-W48"), Some(at));
        assert_eq!(again.delivered(&t, "2026-W47"), None);
        assert_eq!(
            again.delivered(&target("https://hooks.example/T2/other"), "2026-W48"),
            None
        );
        let text = std::fs::read_to_string(dir.path().join(STATE_FILE)).unwrap();
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn a_corrupt_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(STATE_FILE), "{not json").unwrap();
        let e = DeliverState::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains(STATE_FILE) && e.contains("delete it"), "{e}");
    }
}
