//! `radar audit`: every advisory that affects a version in use.
//!
//! In: the packages of the stack (`stack::Package`), advisories from the
//! index (only those naming a package in use: one exact term lookup),
//! `[[ignore]]` entries, the current time and options. Out: a [`Report`]
//! that is the `--json` output; `present.rs` renders it for people.
//! Reads the index, never writes it; knows nothing about lockfile formats.
//!
//! The rules (cargo-audit's, and the OSV spec's):
//! - only registry packages are matched; path and git packages, and
//!   crates from a registry other than crates.io, are listed as skipped;
//! - withdrawn advisories are never reported;
//! - a version is affected when any `affected[]` entry for its package
//!   says so (`versions::evaluate_all`); records linked by `aliases` are one
//!   finding listing every id, and a match by any of them counts;
//! - informational advisories (unmaintained, unsound, notice) and yanked
//!   versions are warnings, not vulnerabilities. For an alias group the
//!   ecosystem's own database decides (RustSec for crates.io: GHSA mirrors
//!   RustSec's unsound notes as plain advisories); otherwise the group is
//!   a warning only if every record that matched is informational;
//! - a vulnerability fails the run (exit 1) unless it is below
//!   `--severity-threshold` (one with no severity always fails) or
//!   acknowledged by an unexpired `[[ignore]]`; warnings fail only with
//!   `--deny`.

mod engine;
mod ignore;
pub mod present;
mod report;

pub use report::{
    Acknowledged, Finding, FindingKind, IgnoreNote, Report, SeverityLevel, SkippedPackage, Summary,
};

use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashSet};
use thiserror::Error;

use crate::config::IgnoreConfig;
use crate::index::{AdvisoryLookup, IndexError};
use crate::model::Advisory;
use crate::stack::Package;

#[derive(Debug, Error)]
pub enum AuditError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(
        "the index at {path} holds no advisories, so an audit would report nothing whatever you run. \
         Ingest some first, e.g. `radar ingest advisory-db/crates` or a crawl of an OSV source"
    )]
    NoAdvisories { path: String },
    #[error(transparent)]
    Stack(#[from] crate::stack::StackError),
}

/// How the run is judged.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Vulnerabilities below this do not fail the run (they are still
    /// listed). Vulnerabilities without any severity always fail.
    pub severity_threshold: Option<SeverityLevel>,
    /// Warning kinds that fail the run (`--deny warnings` = all of them).
    pub deny: BTreeSet<FindingKind>,
    /// `(package key, version)` pairs the registry marks as yanked.
    pub yanked: HashSet<(String, String)>,
}

/// Audits `packages` against the advisories in `index`.
///
/// Only the advisories whose package keys appear in `packages` are read,
/// so the cost follows the stack, not the database.
pub fn run(
    index: &dyn AdvisoryLookup,
    packages: &[Package],
    ignores: &[IgnoreConfig],
    now: DateTime<Utc>,
    options: &AuditOptions,
) -> Result<Report, AuditError> {
    let in_index = index.advisory_count()?;
    if in_index == 0 {
        return Err(AuditError::NoAdvisories {
            path: index.index_path().display().to_string(),
        });
    }
    let keys: Vec<String> = packages
        .iter()
        .map(Package::key)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let advisories: Vec<Advisory> = index.advisories_for_audit(&keys)?;
    let mut report = evaluate(&advisories, packages, ignores, now, options);
    report.summary.advisories_in_index = in_index;
    Ok(report)
}

/// Audits everything `stack` describes: its `[[lockfile]]`s (or `lockfiles`
/// when given, as `--lockfile` does) and its `[[tech]]` entries with a
/// version. Packages that are not from a registry are listed as skipped.
/// This is what `radar audit`, `radar update` and the digest share.
pub fn run_stack(
    index: &dyn AdvisoryLookup,
    stack: &crate::config::StackConfig,
    stack_path: Option<&std::path::Path>,
    lockfiles: Option<&[std::path::PathBuf]>,
    now: DateTime<Utc>,
    options: &AuditOptions,
) -> Result<Report, AuditError> {
    let (lockfiles, techs): (Vec<std::path::PathBuf>, &[crate::config::TechConfig]) =
        match lockfiles {
            Some(l) => (l.to_vec(), &[]),
            None => (
                stack.lockfiles.iter().map(|l| l.path.clone()).collect(),
                &stack.techs,
            ),
        };
    let inventory = crate::stack::inventory(&lockfiles, techs, stack_path)?;
    let mut report = run(index, &inventory.packages, &stack.ignores, now, options)?;
    report
        .skipped
        .extend(inventory.skipped.into_iter().map(|s| {
            let (ecosystem, package) = match s.package.split_once('/') {
                Some((e, n)) => (e.to_string(), n.to_string()),
                None => (String::new(), s.package.clone()),
            };
            SkippedPackage {
                ecosystem,
                package,
                version: s.version,
                reason: s.reason,
                lockfile: s.lockfile.display().to_string(),
                would_match: Vec::new(),
            }
        }));
    report.summary.skipped = report.skipped.len();
    report.summary.lockfiles = inventory.lockfiles.len().max(report.summary.lockfiles);
    Ok(report)
}

/// The audit itself, on advisories already in hand (no index): what
/// [`run`] does after its lookup.
pub fn evaluate(
    advisories: &[Advisory],
    packages: &[Package],
    ignores: &[IgnoreConfig],
    now: DateTime<Utc>,
    options: &AuditOptions,
) -> Report {
    let matched = engine::match_packages(advisories, packages, options);
    let mut report = Report {
        skipped: matched.skipped,
        ..Default::default()
    };
    for mut f in matched.findings {
        f.fails = match f.kind {
            FindingKind::Vulnerability => options
                .severity_threshold
                .is_none_or(|t| f.severity.is_none_or(|s| s >= t)),
            kind => options.deny.contains(&kind),
        };
        match f.kind {
            FindingKind::Vulnerability => report.vulnerabilities.push(f),
            _ => report.warnings.push(f),
        }
    }
    ignore::apply(&mut report, ignores, now.date_naive());
    let lockfiles: BTreeSet<&std::path::Path> =
        packages.iter().map(|p| p.lockfile.as_path()).collect();
    report.summary = Summary {
        lockfiles: lockfiles.len(),
        packages_audited: matched.audited,
        advisories_in_index: advisories.len(),
        advisories_evaluated: matched.evaluated,
        vulnerabilities: report.vulnerabilities.len(),
        warnings: report.warnings.len(),
        acknowledged: report.acknowledged.len(),
        skipped: report.skipped.len(),
        unused_ignores: report.unused_ignores.len(),
        fails: report
            .vulnerabilities
            .iter()
            .chain(&report.warnings)
            .any(|f| f.fails),
    };
    report
}
