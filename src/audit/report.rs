//! The audit `Report`: it *is* the `--json` output (DESIGN.md shape; keys
//! may be added, never renamed). Renderers only read it.

use serde::Serialize;
use std::fmt;

/// CVSS qualitative rating, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityLevel {
    /// CVSS v3/v4 bands: <4 low, <7 medium, <9 high, else critical.
    pub fn from_score(score: f64) -> SeverityLevel {
        if score >= 9.0 {
            SeverityLevel::Critical
        } else if score >= 7.0 {
            SeverityLevel::High
        } else if score >= 4.0 {
            SeverityLevel::Medium
        } else {
            SeverityLevel::Low
        }
    }

    /// GHSA-style words: LOW, MODERATE/MEDIUM, HIGH, CRITICAL.
    pub fn from_label(label: &str) -> Option<SeverityLevel> {
        match label.trim().to_ascii_lowercase().as_str() {
            "low" => Some(SeverityLevel::Low),
            "moderate" | "medium" => Some(SeverityLevel::Medium),
            "high" => Some(SeverityLevel::High),
            "critical" => Some(SeverityLevel::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SeverityLevel::Low => "low",
            SeverityLevel::Medium => "medium",
            SeverityLevel::High => "high",
            SeverityLevel::Critical => "critical",
        }
    }
}

impl fmt::Display for SeverityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is: a vulnerability, or one of the warning kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Vulnerability,
    Unmaintained,
    Unsound,
    Notice,
    /// The registry says this version was withdrawn by its publisher.
    Yanked,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Unmaintained => "unmaintained",
            FindingKind::Unsound => "unsound",
            FindingKind::Notice => "notice",
            FindingKind::Yanked => "yanked",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One advisory (with every alias collapsed into it) affecting one package
/// version. The same version in several lockfiles, or installed several
/// times (npm), is one finding listing every place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The preferred id of the alias group: the ecosystem's own database
    /// (RUSTSEC, PYSEC, GO, …) before GHSA before CVE.
    pub id: String,
    /// Every other id of the group, sorted.
    pub aliases: Vec<String>,
    /// The package as the lockfile names it.
    pub package: String,
    pub ecosystem: String,
    pub version: String,
    pub severity: Option<SeverityLevel>,
    /// Highest CVSS base score among the group's records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    pub title: String,
    /// Versions that end this version's vulnerable interval: upgrade to one.
    pub fixed: Vec<String>,
    /// RustSec `patched` requirements, as written (`>=1.5.5`, `^0.6.14`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<String>,
    /// What to move to from this version, as requirements: the RustSec
    /// `patched` entry the fix falls in, else the unaffected interval the
    /// fix opens (`>=1.38.2`, `>=0.2.0, <0.2.1`). Empty when no fix exists.
    pub upgrade: Vec<String>,
    /// When no fix is known: the last version said to be affected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub last_affected: Vec<String>,
    pub url: Option<String>,
    /// The first lockfile it was found in (DESIGN.md shape) …
    pub lockfile: String,
    /// … and all of them.
    pub lockfiles: Vec<String>,
    /// Install paths or markers, where the lockfile gives them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// The ids whose ranges matched this version (databases can disagree:
    /// one alias may list a version another excludes; any match counts).
    pub matched_by: Vec<String>,
    /// Whether this finding makes the run fail (exit 1).
    pub fails: bool,
    /// Set when a `[[ignore]]` for it has expired, so it fails again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_expired: Option<IgnoreNote>,
}

impl Finding {
    /// `ecosystem/name` of the package (PyPI names normalised).
    pub fn package_key(&self) -> String {
        crate::model::package_key(
            &self.ecosystem,
            &crate::model::canonical_name(&self.ecosystem, &self.package),
        )
    }

    /// The id and every alias.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// The reason and date of an `[[ignore]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoreNote {
    /// The id the `[[ignore]]` entry names.
    pub id: String,
    pub reason: String,
    /// `YYYY-MM-DD`, inclusive.
    pub until: Option<String>,
}

/// A finding an `[[ignore]]` entry acknowledges: listed, never failing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acknowledged {
    #[serde(flatten)]
    pub finding: Finding,
    pub ignore: IgnoreNote,
}

/// A package that was not matched against advisories, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedPackage {
    pub package: String,
    pub ecosystem: String,
    pub version: Option<String>,
    pub reason: String,
    pub lockfile: String,
    /// Advisories that name this package and version: they would apply
    /// if it came from the registry (a fork or vendored copy may carry the
    /// same bug). Not findings, but worth a look.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub would_match: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub lockfiles: usize,
    /// Distinct registry package versions matched against advisories.
    pub packages_audited: usize,
    pub advisories_in_index: usize,
    /// Advisories that name a package in use (the ones evaluated).
    pub advisories_evaluated: usize,
    pub vulnerabilities: usize,
    pub warnings: usize,
    pub acknowledged: usize,
    pub skipped: usize,
    pub unused_ignores: usize,
    /// True when any finding fails the run: exit code 1.
    pub fails: bool,
}

/// `radar audit --json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub vulnerabilities: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub skipped: Vec<SkippedPackage>,
    pub acknowledged: Vec<Acknowledged>,
    /// `[[ignore]]` entries that matched nothing: remove them.
    pub unused_ignores: Vec<IgnoreNote>,
    pub summary: Summary,
}

impl Report {
    /// 1 when a finding fails the run, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.summary.fails)
    }
}
