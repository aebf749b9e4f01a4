//! Evidence the update stage gathers besides the items: advisory findings
//! for the versions in use, and how many lockfiles use each package.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::audit::{self, AuditError, AuditOptions, FindingKind, SeverityLevel};
use crate::config::StackConfig;
use crate::index::RadarIndex;
use crate::model::Informational;
use crate::score::AdvisoryHit;
use crate::stack::{Inventory, Package};

/// Advisories affecting the versions the stack uses: the audit engine's
/// findings (`radar audit`, same lockfiles, same `[[ignore]]`s) as scoring
/// input. Acknowledged findings and yanked versions do not count; an index
/// without advisories gives none.
pub fn advisory_hits(
    index: &RadarIndex,
    stack: &StackConfig,
    inventory: &Inventory,
    now: DateTime<Utc>,
) -> Result<Vec<AdvisoryHit>, AuditError> {
    if inventory.packages.is_empty() {
        return Ok(Vec::new());
    }
    let report = match audit::run(
        index,
        &inventory.packages,
        &stack.ignores,
        now,
        &AuditOptions::default(),
    ) {
        Ok(r) => r,
        Err(AuditError::NoAdvisories { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(hits_from_report(&report, &inventory.packages))
}

/// Maps audit findings to scoring input, keyed like the stack's packages.
fn hits_from_report(report: &audit::Report, packages: &[Package]) -> Vec<AdvisoryHit> {
    // The finding names the package as its lockfile does; the stack keys
    // it canonically (PyPI names are normalised), as the inventory does.
    let keys: HashMap<(&str, &str), String> = packages
        .iter()
        .map(|p| ((p.ecosystem.as_str(), p.name.as_str()), p.key()))
        .collect();
    report
        .vulnerabilities
        .iter()
        .chain(&report.warnings)
        .filter_map(|f| {
            let informational = match f.kind {
                FindingKind::Vulnerability => None,
                FindingKind::Unmaintained => Some(Informational::Unmaintained),
                FindingKind::Unsound => Some(Informational::Unsound),
                FindingKind::Notice => Some(Informational::Notice),
                // A withdrawn version is an upgrade prompt, not evidence
                // about the technology.
                FindingKind::Yanked => return None,
            };
            let package = keys
                .get(&(f.ecosystem.as_str(), f.package.as_str()))
                .cloned()
                .unwrap_or_else(|| format!("{}/{}", f.ecosystem, f.package));
            Some(AdvisoryHit {
                package,
                version: f.version.clone(),
                id: f.id.clone(),
                aliases: f.aliases.clone(),
                // A level without a CVSS score stands for its band's middle.
                severity: f.score.or(f.severity.map(|s| match s {
                    SeverityLevel::Low => 2.0,
                    SeverityLevel::Medium => 5.5,
                    SeverityLevel::High => 8.0,
                    SeverityLevel::Critical => 9.5,
                })),
                informational,
                fixed: f.fixed.clone(),
                url: f.url.clone(),
            })
        })
        .collect()
}

/// Lower-cased canonical package key → the highest version the lockfiles
/// pin (stack.toml's own pins excluded: those are the tech's `version`).
pub fn locked_versions(inventory: &Inventory, stack_path: &Path) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for p in inventory
        .packages
        .iter()
        .filter(|p| p.lockfile != stack_path)
    {
        let key = crate::model::canonical_key(&p.key());
        let higher = out.get(&key).is_none_or(|v| {
            crate::versions::Scheme::for_ecosystem(&p.ecosystem)
                .and_then(|s| s.compare(&p.version, v))
                .is_some_and(|o| o == std::cmp::Ordering::Greater)
        });
        if higher {
            out.insert(key, p.version.clone());
        }
    }
    out
}

/// Canonical package key (lower-cased, see [`crate::model::canonical_key`])
/// → number of services using it. A service is a folder holding one or
/// more of stack.toml's `[[lockfile]]`s: `api/Cargo.lock` and
/// `worker/Cargo.lock` are two, `requirements.txt` and
/// `requirements-dev.txt` side by side are one. Versions pinned only in
/// stack.toml do not count.
pub fn service_usage(inventory: &Inventory, stack_path: &Path) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, BTreeSet<&Path>> = BTreeMap::new();
    for p in &inventory.packages {
        if p.lockfile != stack_path {
            seen.entry(crate::model::canonical_key(&p.key()))
                .or_default()
                .insert(p.lockfile.parent().unwrap_or(Path::new("")));
        }
    }
    seen.into_iter()
        .map(|(k, files)| (k, files.len()))
        .collect()
}
