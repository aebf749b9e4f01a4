//! `[[ignore]]` entries from stack.toml: acknowledged findings.
//!
//! An entry names an advisory id or any alias of it. While it is valid
//! (no `until`, or `until` is today or later) the finding moves to
//! `acknowledged` with the reason and never fails the run. Once `until`
//! has passed the finding stays where it was, fails as it would without
//! the entry, and carries `ignore_expired` saying so. An entry that
//! matches no finding is reported as unused, so stale entries get cleaned.

use chrono::NaiveDate;

use super::report::{Acknowledged, Finding, IgnoreNote, Report};
use crate::config::IgnoreConfig;

pub(super) fn apply(report: &mut Report, ignores: &[IgnoreConfig], today: NaiveDate) {
    let notes: Vec<(IgnoreNote, Option<NaiveDate>)> = ignores
        .iter()
        .map(|i| {
            let until = i.until.as_ref().and_then(|d| d.date).and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            });
            (
                IgnoreNote {
                    id: i.id.trim().to_string(),
                    reason: i.reason.clone(),
                    until: until.map(|d| d.format("%Y-%m-%d").to_string()),
                },
                until,
            )
        })
        .collect();
    let mut used = vec![false; notes.len()];
    let mut acknowledged = Vec::new();
    for list in [&mut report.vulnerabilities, &mut report.warnings] {
        let mut kept = Vec::with_capacity(list.len());
        for mut f in list.drain(..) {
            let matching: Vec<usize> = (0..notes.len())
                .filter(|&n| names(&f, &notes[n].0.id))
                .collect();
            for &n in &matching {
                used[n] = true;
            }
            let active = matching
                .iter()
                .find(|&&n| notes[n].1.is_none_or(|until| until >= today));
            match (active, matching.first()) {
                (Some(&n), _) => {
                    f.fails = false;
                    acknowledged.push(Acknowledged {
                        finding: f,
                        ignore: notes[n].0.clone(),
                    });
                }
                (None, Some(&n)) => {
                    f.ignore_expired = Some(notes[n].0.clone());
                    kept.push(f);
                }
                (None, None) => kept.push(f),
            }
        }
        *list = kept;
    }
    report.acknowledged = acknowledged;
    report.unused_ignores = notes
        .into_iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|((note, _), _)| note)
        .collect();
}

/// Ids compare case-insensitively (`rustsec-2022-0013` is a typo, not a
/// different advisory).
fn names(f: &Finding, id: &str) -> bool {
    f.ids().any(|x| x.eq_ignore_ascii_case(id))
}
