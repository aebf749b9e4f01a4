//! The "action needed" rows: the week's advisories, confirmed by
//! `radar audit` where it can evaluate our versions, else matched by
//! package name.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::path::Path;

use super::stack::{InUse, StackMatcher, canonical_key, numeric};
use crate::audit::{self, Finding, FindingKind, SeverityLevel as AuditLevel};
use crate::config::StackConfig;
use crate::digest::{ActionItem, IsoWeek, Severity, SeverityLevel};
use crate::index::RadarIndex;
use crate::model::{Advisory, Event, Informational, Item};

pub(super) fn advisory_in_week(item: &Item, adv: &Advisory, week: IsoWeek) -> bool {
    [item.published, adv.published, adv.modified]
        .into_iter()
        .flatten()
        .any(|t| week.contains(t))
}

/// What `radar audit` found, and which packages it could evaluate.
pub(super) struct Audited<'a> {
    report: audit::Report,
    in_use: &'a InUse,
}

/// Runs the audit over the stack's lockfiles and versioned techs; `None`
/// (with a warning) when it fails.
pub(super) fn audit_stack<'a>(
    index: &RadarIndex,
    stack: &StackConfig,
    stack_path: Option<&Path>,
    now: DateTime<Utc>,
    in_use: &'a InUse,
) -> Option<Audited<'a>> {
    let options = audit::AuditOptions::default();
    match audit::run_stack(index, stack, stack_path, None, now, &options) {
        Ok(report) => Some(Audited { report, in_use }),
        Err(e) => {
            tracing::warn!(
                "digest: audit could not run ({e}); advisories are matched by package name only"
            );
            None
        }
    }
}

/// Action items for the week's advisories: audit findings first (confirmed),
/// then name-only matches for stack packages audit could not evaluate.
pub(super) fn action_items(
    week: &[(&Item, &Advisory)],
    stack: &StackMatcher,
    audited: Option<&Audited>,
) -> Vec<ActionItem> {
    let mut out = Vec::new();
    if let Some(a) = audited {
        let by_id: HashMap<&str, (&Item, &Advisory)> = week
            .iter()
            .flat_map(|&(item, adv)| {
                std::iter::once(adv.id.as_str())
                    .chain(adv.aliases.iter().map(String::as_str))
                    .map(move |id| (id, (item, adv)))
            })
            .collect();
        for f in a.report.vulnerabilities.iter().chain(&a.report.warnings) {
            if f.kind == FindingKind::Yanked {
                continue; // not an advisory: `radar audit` lists it
            }
            if let Some(&(item, adv)) = f.ids().find_map(|id| by_id.get(id)) {
                out.push(finding_action(f, item, adv));
            }
        }
    }
    for &(item, adv) in week {
        out.extend(
            advisory_actions(item, adv, stack)
                .into_iter()
                .filter(|(pkg, _)| {
                    audited.is_none_or(|a| !a.in_use.versions.contains_key(&canonical_key(pkg)))
                })
                .map(|(_, action)| action),
        );
    }
    out
}

/// An audit finding as the digest shows it.
fn finding_action(f: &Finding, item: &Item, adv: &Advisory) -> ActionItem {
    let severity = match (f.kind, f.score, f.severity) {
        (FindingKind::Vulnerability, Some(score), _) => Severity::from_score(Some(score)),
        (FindingKind::Vulnerability, None, Some(level)) => Severity {
            level: match level {
                AuditLevel::Critical => SeverityLevel::Critical,
                AuditLevel::High => SeverityLevel::High,
                AuditLevel::Medium => SeverityLevel::Medium,
                AuditLevel::Low => SeverityLevel::Low,
            },
            score: None,
        },
        (FindingKind::Vulnerability, None, None) => Severity::from_score(None),
        _ => Severity::informational(),
    };
    let place = Path::new(&f.lockfile)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hint = match f.kind {
        FindingKind::Unmaintained => format!("Unmaintained: plan a replacement for {}", f.package),
        FindingKind::Unsound => {
            format!(
                "Unsound: check whether we use the affected {} API",
                f.package
            )
        }
        FindingKind::Notice | FindingKind::Yanked => format!("Notice about {}: read it", f.package),
        FindingKind::Vulnerability if !f.upgrade.is_empty() => format!(
            "Upgrade {} {} to {} ({place})",
            f.package,
            f.version,
            f.upgrade.join(" or ")
        ),
        FindingKind::Vulnerability => match f.last_affected.first() {
            Some(last) => format!(
                "No fixed {} yet (affected up to {last}): check the advisory for a workaround",
                f.package
            ),
            None => format!(
                "No fixed {} version yet: check the advisory for a workaround",
                f.package
            ),
        },
    };
    let mut ids = vec![f.id.clone()];
    ids.extend(f.aliases.iter().filter(|a| **a != f.id).cloned());
    ActionItem {
        severity,
        package: f.package.clone(),
        version: Some(f.version.clone()),
        confirmed: true,
        fixed: f.fixed.clone(),
        hint,
        summary: if f.title.trim().is_empty() {
            item.title.clone()
        } else {
            f.title.clone()
        },
        ids,
        links: f
            .url
            .iter()
            .chain(item.url.iter())
            .chain(adv.references.iter())
            .cloned()
            .collect(),
        published: adv.published.or(item.published),
    }
}

/// One action item per tech of ours that the advisory names (by package
/// key only: versions are not checked here).
fn advisory_actions(
    item: &Item,
    adv: &Advisory,
    stack: &StackMatcher,
) -> Vec<(String, ActionItem)> {
    let mut ours: Vec<usize> = adv
        .affected
        .iter()
        .map(|a| a.package_key())
        .chain(item.packages.iter().cloned())
        .filter_map(|k| stack.package(&k))
        .collect();
    ours.sort_unstable();
    ours.dedup();
    let mut out = Vec::new();
    for tech in ours.into_iter().filter_map(|i| stack.techs.get(i)) {
        let Some(pkg) = &tech.package else { continue };
        let affected: Vec<_> = adv
            .affected
            .iter()
            .filter(|a| canonical_key(&a.package_key()) == canonical_key(pkg))
            .collect();
        let mut fixed: Vec<String> = affected
            .iter()
            .flat_map(|a| &a.ranges)
            .flat_map(|r| &r.events)
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        fixed.sort_by(|a, b| numeric(a).cmp(&numeric(b)).then_with(|| a.cmp(b)));
        fixed.dedup();
        let severity = if adv.informational.is_some() {
            Severity::informational()
        } else {
            Severity::from_score(
                adv.severity
                    .iter()
                    .filter_map(|s| s.score)
                    .max_by(f64::total_cmp),
            )
        };
        let mut ids = vec![adv.id.clone()];
        ids.extend(adv.aliases.iter().filter(|a| **a != adv.id).cloned());
        let links = item
            .url
            .iter()
            .chain(adv.references.iter())
            .cloned()
            .collect();
        out.push((
            pkg.clone(),
            ActionItem {
                severity,
                package: tech.name.clone(),
                version: tech.version.clone(),
                confirmed: false,
                hint: upgrade_hint(
                    &tech.name,
                    tech.version.as_deref(),
                    &fixed,
                    adv.informational,
                ),
                fixed,
                summary: if adv.summary.trim().is_empty() {
                    item.title.clone()
                } else {
                    adv.summary.clone()
                },
                ids,
                links,
                published: adv.published.or(item.published),
            },
        ));
    }
    out
}

/// One line a lead can act on.
pub(super) fn upgrade_hint(
    name: &str,
    current: Option<&str>,
    fixed: &[String],
    informational: Option<Informational>,
) -> String {
    match informational {
        Some(Informational::Unmaintained) => {
            return format!("Unmaintained: plan a replacement for {name}");
        }
        Some(Informational::Unsound) => {
            return format!("Unsound: check whether we use the affected {name} API");
        }
        Some(Informational::Notice | Informational::Other) => {
            return format!("Notice about {name}: read it");
        }
        None => {}
    }
    // The smallest fix above what we run (fixes usually exist per branch).
    let target = match current.and_then(numeric) {
        Some(c) => fixed
            .iter()
            .find(|f| numeric(f).is_some_and(|n| n > c))
            .or(fixed.last()),
        None => fixed.first(),
    };
    match target {
        Some(v) => format!("Upgrade {name} to {v} or later"),
        None => format!("No fixed {name} version yet: check the advisory for a workaround"),
    }
}
