//! Filing fresh recommendations into the entry files.
//!
//! The merge rule: the machine fields (`proposed`, `score`, `rule`,
//! `[[signal]]`) are replaced; `updated` moves to today only when one of
//! them actually changed; `name`, `quadrant`, `ring`, `[[history]]`,
//! `[[decision]]` and the free text are kept as they are. The single
//! exception: an entry without a `ring` takes stack.toml's ring (filling a
//! blank is not overwriting a decision).

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

use super::recommend::{UpdateInput, recommend};
use crate::model::{Quadrant, Ring};
use crate::radar::store::{load_entries, remove_stale_temps, write_entry};
use crate::radar::{Entry, RadarError};
use crate::score::Recommendation;

/// `--json` shape for `update` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReport {
    pub entries: Vec<UpdatedEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdatedEntry {
    pub name: String,
    pub quadrant: Quadrant,
    pub ring: Option<Ring>,
    /// The tool's proposal (equal to `ring` when it agrees).
    pub proposed: Option<Ring>,
    pub score: f64,
    /// The file's bytes changed.
    pub changed: bool,
    /// The file did not exist before.
    pub created: bool,
    /// A proposal waiting for `radar review`.
    pub pending: Option<Ring>,
    pub rule: String,
    /// Relative to the entries folder.
    pub file: String,
    pub reasons: Vec<String>,
}

impl UpdateReport {
    pub fn changed(&self) -> usize {
        self.entries.iter().filter(|e| e.changed).count()
    }

    pub fn pending(&self) -> impl Iterator<Item = &UpdatedEntry> {
        self.entries.iter().filter(|e| e.pending.is_some())
    }
}

/// Scores the stack and the radar, then writes every entry whose bytes
/// change. Running it twice on the same input writes nothing the second
/// time.
pub fn refresh_entries(dir: &Path, input: &UpdateInput<'_>) -> Result<UpdateReport, RadarError> {
    // A run killed mid-write (kill -9, OOM) leaves its temp file; the next
    // run tidies it so the folder holds only entries.
    remove_stale_temps(dir)?;
    let entries = load_entries(dir)?;
    let (recs, _trends) = recommend(&entries, input);
    let today = input.now.date_naive();
    let mut by_name: HashMap<String, Entry> = entries
        .into_iter()
        .map(|e| (e.name.trim().to_lowercase(), e))
        .collect();
    let mut report = Vec::with_capacity(recs.len());
    for rec in &recs {
        let existing = by_name.remove(&rec.name.trim().to_lowercase());
        let created = existing.is_none();
        let entry = merge(existing.as_ref(), rec, today);
        let written = write_entry(dir, &entry)?;
        report.push(UpdatedEntry {
            name: entry.name.clone(),
            quadrant: entry.quadrant,
            ring: entry.ring,
            proposed: rec.ring,
            score: rec.score,
            changed: written.changed,
            created,
            pending: entry.pending(),
            rule: rec.rule.clone(),
            file: written.file.display().to_string(),
            reasons: entry.signals.iter().map(|s| s.because.clone()).collect(),
        });
    }
    report.sort_by(|a, b| {
        (a.quadrant, a.name.to_lowercase(), &a.name).cmp(&(
            b.quadrant,
            b.name.to_lowercase(),
            &b.name,
        ))
    });
    Ok(UpdateReport { entries: report })
}

/// Files one recommendation into its entry (see the module docs for what
/// is kept and what is replaced).
pub fn merge(existing: Option<&Entry>, rec: &Recommendation, today: NaiveDate) -> Entry {
    let mut e = match existing {
        Some(e) => e.clone(),
        None => Entry::new(&rec.name, rec.quadrant),
    };
    if e.ring.is_none() {
        e.ring = rec.current;
    }
    // Stored only when it differs: an entry the tool agrees with carries
    // no `proposed` line.
    let proposed = rec.ring.filter(|p| Some(*p) != e.ring);
    let machine_changed = e.proposed != proposed
        || e.score != Some(rec.score)
        || e.rule.as_deref() != Some(rec.rule.as_str())
        || e.signals != rec.signals;
    if machine_changed || e.updated.is_none() {
        e.updated = Some(today);
    }
    e.proposed = proposed;
    e.score = Some(rec.score);
    e.rule = Some(rec.rule.clone());
    e.signals = rec.signals.clone();
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StackConfig;
    use crate::model::{Informational, Item, ItemKind};
    use crate::score::AdvisoryHit;
    use crate::trend::TrendOptions;
    use chrono::Duration;
    use chrono::{DateTime, Utc};
    use std::collections::BTreeMap;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn stack() -> StackConfig {
        crate::config::parse_stack(
            "[[tech]]\nname = \"tokio\"\nquadrant = \"languages-and-frameworks\"\nring = \"adopt\"\npackage = \"crates.io/tokio\"\nversion = \"1.38.0\"\n\n[[tech]]\nname = \"PostgreSQL\"\nquadrant = \"platforms\"\nring = \"adopt\"\n",
            Path::new("stack.toml"),
        )
        .unwrap()
    }

    fn items() -> Vec<Item> {
        vec![Item {
            id: "r1".into(),
            kind: ItemKind::Release,
            source: "tokio releases".into(),
            title: "Tokio v1.47.1".into(),
            body: String::new(),
            url: Some("https://github.com/tokio-rs/tokio/releases/tag/tokio-1.47.1".into()),
            published: Some(now() - Duration::days(2)),
            packages: vec!["crates.io/tokio".into()],
            tags: vec![],
            advisory: None,
        }]
    }

    fn hit(id: &str) -> AdvisoryHit {
        AdvisoryHit {
            package: "crates.io/tokio".into(),
            version: "1.38.0".into(),
            id: id.into(),
            aliases: vec![],
            severity: Some(8.1),
            informational: None::<Informational>,
            fixed: vec![],
            url: Some(format!("https://rustsec.org/advisories/{id}.html")),
        }
    }

    fn run(dir: &Path, hits: &[AdvisoryHit], now: DateTime<Utc>) -> UpdateReport {
        let stack = stack();
        let items = items();
        refresh_entries(
            dir,
            &UpdateInput {
                stack: &stack,
                items: &items,
                hits,
                services: &BTreeMap::new(),
                locked: &BTreeMap::new(),
                now,
                trends: TrendOptions::default(),
                window: None,
            },
        )
        .unwrap()
    }

    fn read(dir: &Path, rel: &str) -> String {
        std::fs::read_to_string(dir.join(rel)).unwrap()
    }

    #[test]
    fn an_unfixed_severe_advisory_proposes_hold_until_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let r = run(dir.path(), &[hit("RUSTSEC-2026-0042")], now());
        let tokio = r.entries.iter().find(|e| e.name == "tokio").unwrap();
        assert_eq!(tokio.pending, Some(Ring::Hold));
        assert_eq!(
            tokio.rule,
            "RUSTSEC-2026-0042: unfixed, severity 8.1 ≥ 7.0 → hold"
        );
        assert_eq!(
            tokio.reasons[0],
            "RUSTSEC-2026-0042 (severity 8.1) affects 1.38.0 (no fixed release)"
        );
        let file = "languages-and-frameworks/tokio.md";
        let mut entries = load_entries(dir.path()).unwrap();
        let e = entries.iter_mut().find(|e| e.name == "tokio").unwrap();
        crate::radar::review::reject(e, now().date_naive(), None).unwrap();
        write_entry(dir.path(), e).unwrap();
        let rejected = read(dir.path(), file);

        // Same evidence the next day: quiet, and not a byte changes.
        let later = now() + Duration::days(1);
        let r = run(dir.path(), &[hit("RUSTSEC-2026-0042")], later);
        assert!(r.entries.iter().all(|e| !e.changed && e.pending.is_none()));
        assert_eq!(read(dir.path(), file), rejected);

        // A second advisory is new evidence: the proposal is back.
        let r = run(
            dir.path(),
            &[hit("RUSTSEC-2026-0042"), hit("RUSTSEC-2026-0050")],
            later,
        );
        let tokio = r.entries.iter().find(|e| e.name == "tokio").unwrap();
        assert_eq!(tokio.pending, Some(Ring::Hold));
        assert!(read(dir.path(), file).contains("updated = 2026-11-26\n"));
    }

    #[test]
    fn updated_moves_only_when_machine_fields_change() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &[], now());
        let file = "platforms/postgresql.md";
        let first = read(dir.path(), file);
        assert!(first.contains("updated = 2026-11-25\n"), "{first}");
        run(dir.path(), &[], now() + Duration::days(3));
        assert_eq!(read(dir.path(), file), first);
    }

    #[test]
    fn human_quadrant_ring_and_file_name_win() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tools")).unwrap();
        std::fs::write(
            dir.path().join("tools/pg.md"),
            "+++\nname = \"postgresql\"\nquadrant = \"tools\"\nring = \"hold\"\n+++\nOur notes.\n",
        )
        .unwrap();
        let r = run(dir.path(), &[], now());
        let pg = r.entries.iter().find(|e| e.file == "tools/pg.md").unwrap();
        assert_eq!(pg.ring, Some(Ring::Hold));
        assert_eq!(pg.quadrant, Quadrant::Tools);
        assert!(!dir.path().join("platforms/postgresql.md").exists());
        assert!(read(dir.path(), "tools/pg.md").ends_with("+++\nOur notes.\n"));
    }

    #[test]
    fn an_entry_without_ring_takes_the_stack_ring() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("platforms")).unwrap();
        std::fs::write(
            dir.path().join("platforms/postgresql.md"),
            "+++\nname = \"PostgreSQL\"\nquadrant = \"platforms\"\n+++\n",
        )
        .unwrap();
        run(dir.path(), &[], now());
        let text = read(dir.path(), "platforms/postgresql.md");
        assert!(text.contains("ring = \"adopt\"\n"), "{text}");
    }
}
