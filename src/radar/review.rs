//! Review decisions: a lead accepts or rejects the tool's proposals.
//!
//! `accept` moves `ring` to the proposal and appends to `[[history]]`;
//! both `accept` and `reject` append a `[[decision]]` holding the evidence
//! keys the proposal rested on, so no proposal is raised again on the same
//! evidence, only when a signal outside that set appears (see
//! [`Entry::pending`]). Works on entries in
//! memory; the command writes them back with the store.

use chrono::NaiveDate;

use super::slug::slug;
use super::{Decision, Entry, HistoryEntry, RadarError, Verdict};
use crate::model::Ring;

/// Entries with a proposal waiting for a lead, in radar order.
pub fn pending(entries: &[Entry]) -> Vec<&Entry> {
    entries.iter().filter(|e| e.pending().is_some()).collect()
}

/// Finds an entry by name (any case), slug or file stem.
pub fn find<'a>(entries: &'a mut [Entry], name: &str) -> Option<&'a mut Entry> {
    let want = name.trim().to_lowercase();
    let want_slug = slug(name);
    let idx = entries
        .iter()
        .position(|e| e.name.trim().to_lowercase() == want)
        .or_else(|| {
            entries.iter().position(|e| {
                e.slug() == want_slug
                    || e.file
                        .as_deref()
                        .and_then(|f| f.file_stem())
                        .and_then(|s| s.to_str())
                        == Some(want.as_str())
            })
        })?;
    entries.get_mut(idx)
}

/// Moves the entry to its proposed ring and records the move. Returns
/// (from, to). Accepting a proposal rejected earlier is allowed: a lead may
/// change their mind.
pub fn accept(
    entry: &mut Entry,
    today: NaiveDate,
    note: Option<String>,
) -> Result<(Option<Ring>, Ring), RadarError> {
    let to = match entry.proposed {
        Some(p) if Some(p) != entry.ring => p,
        _ => {
            return Err(RadarError::Review(format!(
                "{:?} has no proposal to accept (ring {}). Run `radar update` first, or edit `ring` by hand",
                entry.name,
                ring_text(entry.ring)
            )));
        }
    };
    let from = entry.ring;
    entry.decisions.push(Decision {
        date: today,
        verdict: Verdict::Accepted,
        proposed: to,
        evidence: entry.evidence_keys(),
        reason: None,
    });
    entry.ring = Some(to);
    entry.proposed = None;
    entry.history.push(HistoryEntry {
        date: today,
        ring: to,
        from,
        note,
    });
    Ok((from, to))
}

/// Records that the lead does not want this proposal on this evidence.
pub fn reject(
    entry: &mut Entry,
    today: NaiveDate,
    reason: Option<String>,
) -> Result<Ring, RadarError> {
    let proposed = match entry.proposed {
        Some(p) if Some(p) != entry.ring => p,
        _ => {
            return Err(RadarError::Review(format!(
                "{:?} has no proposal to reject (ring {})",
                entry.name,
                ring_text(entry.ring)
            )));
        }
    };
    if entry.pending().is_none() {
        return Err(RadarError::Review(format!(
            "{:?}: a decision on this evidence is already recorded; the proposal {proposed} stays quiet until new evidence arrives",
            entry.name
        )));
    }
    entry.decisions.push(Decision {
        date: today,
        verdict: Verdict::Rejected,
        proposed,
        evidence: entry.evidence_keys(),
        reason,
    });
    Ok(proposed)
}

fn ring_text(r: Option<Ring>) -> &'static str {
    r.map(Ring::as_str).unwrap_or("not set")
}

/// The pending proposals with their reasons, as `review`, `update` and the
/// demo print them (terminal text: every string cleaned of escapes).
pub fn pending_text(pending: &[&Entry], color: bool) -> String {
    use crate::terminal::{bold, clean, dim};
    use std::fmt::Write;
    let mut out = String::new();
    for e in pending {
        let Some(to) = e.pending() else { continue };
        let from = e.ring.map(Ring::as_str).unwrap_or("new");
        let score = e.score.map(|s| format!("{s:+.2}")).unwrap_or_default();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{}  {from} → {to}  {}",
            bold(&clean(&e.name), color),
            dim(&format!("score {score} · {}", e.quadrant), color)
        );
        if let Some(rule) = &e.rule {
            let _ = writeln!(out, "  {}", dim(&clean(rule), color));
        }
        for s in &e.signals {
            let _ = writeln!(out, "  {:+.2}  {}", s.weight, clean(&s.because));
            if let Some(url) = &s.url {
                let _ = writeln!(out, "         {}", dim(&clean(url), color));
            }
            for url in &s.evidence {
                let _ = writeln!(out, "         {}", dim(&clean(url), color));
            }
        }
        let _ = writeln!(out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Quadrant;
    use crate::score::{Signal, SignalKind};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn proposed(name: &str, ring: Option<Ring>, to: Ring) -> Entry {
        let mut e = Entry::new(name, Quadrant::Tools);
        e.ring = ring;
        e.proposed = Some(to);
        e.signals = vec![Signal {
            kind: SignalKind::Advisory,
            weight: -0.5,
            because: "bad".into(),
            url: Some("https://a/1".into()),
            evidence: vec![],
        }];
        e
    }

    #[test]
    fn accept_moves_ring_and_records_history() {
        let mut e = proposed("vite", Some(Ring::Adopt), Ring::Hold);
        assert_eq!(
            accept(&mut e, day(2), None).unwrap(),
            (Some(Ring::Adopt), Ring::Hold)
        );
        assert_eq!(e.ring, Some(Ring::Hold));
        assert_eq!(e.pending(), None);
        assert_eq!(
            e.history,
            [HistoryEntry {
                date: day(2),
                ring: Ring::Hold,
                from: Some(Ring::Adopt),
                note: None
            }]
        );
        let err = accept(&mut e, day(3), None).unwrap_err().to_string();
        assert!(err.contains("no proposal to accept"), "{err}");
        // The same evidence pushing one ring further is not asked again.
        e.proposed = Some(Ring::Hold);
        e.ring = Some(Ring::Trial);
        assert_eq!(e.pending(), None);
        e.signals[0].url = Some("https://a/2".into());
        assert_eq!(e.pending(), Some(Ring::Hold));
    }

    #[test]
    fn reject_hides_until_new_evidence() {
        let mut e = proposed("vite", Some(Ring::Adopt), Ring::Hold);
        reject(&mut e, day(2), Some("we pin a fixed fork".into())).unwrap();
        assert_eq!(e.pending(), None);
        assert_eq!(e.ring, Some(Ring::Adopt));
        let err = reject(&mut e, day(3), None).unwrap_err().to_string();
        assert!(err.contains("already recorded"), "{err}");
        e.signals[0].url = Some("https://a/2".into());
        assert_eq!(e.pending(), Some(Ring::Hold));
    }

    #[test]
    fn find_by_name_slug_or_file() {
        let mut list = vec![
            proposed("GitHub Actions", Some(Ring::Adopt), Ring::Trial),
            proposed("C++", None, Ring::Assess),
        ];
        list[1].file = Some("tools/cpp.md".into());
        assert_eq!(
            find(&mut list, "github actions").unwrap().name,
            "GitHub Actions"
        );
        assert_eq!(
            find(&mut list, "github-actions").unwrap().name,
            "GitHub Actions"
        );
        assert_eq!(find(&mut list, "cpp").unwrap().name, "C++");
        assert!(find(&mut list, "rust").is_none());
    }

    #[test]
    fn unplaced_candidate_is_placed_on_accept() {
        let mut e = proposed("uv", None, Ring::Assess);
        assert_eq!(accept(&mut e, day(2), None).unwrap(), (None, Ring::Assess));
        assert_eq!(e.history[0].from, None);
    }
}
