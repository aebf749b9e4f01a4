//! "Is version V of this package affected?", per ecosystem, exactly as the
//! OSV specification's `IsVulnerable` evaluation says.
//!
//! Owns version parsing and ordering for each ecosystem we evaluate
//! (`semver.rs` for crates.io, npm and other SemVer ecosystems, `go.rs`,
//! `pep440.rs` for PyPI, `maven.rs`, `rubygems.rs`) and the range walk
//! itself. Other ecosystems (Debian, Alpine, NuGet, …) are stored; their
//! explicit `versions` lists are matched, their ranges reported as not
//! evaluated rather than guessed. Pure
//! functions over the `model` types: no I/O, no index, no knowledge of
//! lockfiles or reports.
//!
//! The rules, as the spec gives them:
//! - events are sorted by version before the walk (never file order);
//!   `introduced: "0"` sorts before every version, prereleases included;
//! - `fixed` is exclusive, `last_affected` inclusive, `limit` caps a range;
//! - an explicit `versions[]` entry matches on its own;
//! - `GIT` ranges cannot be evaluated against a package version and are
//!   skipped *without* hiding the ranges after them;
//! - `affected[]` entries without a package never reach this module (the
//!   parsers drop them).

mod go;
mod maven;
mod pep440;
mod rubygems;
mod semver;

use std::cmp::Ordering;
use thiserror::Error;

use crate::model::{Affected, Event, Range};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VersionError {
    #[error("{ecosystem} version {version:?} cannot be read: {reason}")]
    Invalid {
        ecosystem: String,
        version: String,
        reason: String,
    },
    #[error(
        "no version ordering for ecosystem {ecosystem:?}: its ECOSYSTEM ranges are not evaluated (explicit `versions` lists are)"
    )]
    Unsupported { ecosystem: String },
    #[error("range type {0:?} is not SEMVER, ECOSYSTEM or GIT")]
    RangeType(String),
    #[error("{kind} range has no `introduced` event; the OSV schema requires one")]
    NoIntroduced { kind: String },
}

/// A version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// SemVer 2.0 precedence, prereleases included (crates.io, npm, …).
    SemVer,
    /// Go module versions: SemVer with a `v`, `+incompatible`, pseudo-versions.
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven's ComparableVersion ordering.
    Maven,
    /// `Gem::Version` ordering.
    RubyGems,
}

impl Scheme {
    /// The ordering used for `ECOSYSTEM` ranges of an OSV ecosystem (the
    /// part before any `:` suffix, so `Maven:https://…` is Maven).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        match base_ecosystem(ecosystem) {
            "crates.io" | "npm" | "SwiftURL" | "Hex" => Some(Scheme::SemVer),
            "Go" => Some(Scheme::Go),
            "PyPI" => Some(Scheme::Pep440),
            "Maven" => Some(Scheme::Maven),
            "RubyGems" => Some(Scheme::RubyGems),
            _ => None,
        }
    }

    /// Checks that `version` is readable in this scheme.
    pub fn validate(self, version: &str) -> Result<(), String> {
        match self {
            Scheme::SemVer => semver::parse(version).map(|_| ()),
            Scheme::Go => go::parse(version).map(|_| ()),
            Scheme::Pep440 => pep440::parse(version).map(|_| ()),
            Scheme::Maven => Ok(()),
            Scheme::RubyGems => rubygems::parse(version).map(|_| ()),
        }
    }

    /// Orders two versions; `None` if either cannot be read.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::SemVer => cmp_with(semver::parse, a, b),
            Scheme::Go => cmp_with(go::parse, a, b),
            Scheme::Pep440 => cmp_with(pep440::parse, a, b),
            Scheme::Maven => Some(maven::parse(a).cmp(&maven::parse(b))),
            Scheme::RubyGems => cmp_with(rubygems::parse, a, b),
        }
    }
}

fn cmp_with<V: Ord>(parse: fn(&str) -> Result<V, String>, a: &str, b: &str) -> Option<Ordering> {
    Some(parse(a).ok()?.cmp(&parse(b).ok()?))
}

/// `Debian:10` → `Debian`, `Maven:https://…` → `Maven`.
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// The ecosystems the OSV schema defines (base names). A record naming
/// anything else is malformed.
const OSV_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

/// Whether `ecosystem` (with or without a `:suffix`) is an OSV ecosystem.
pub fn is_osv_ecosystem(ecosystem: &str) -> bool {
    OSV_ECOSYSTEMS.contains(&base_ecosystem(ecosystem))
}

/// The outcome of evaluating one `affected[]` entry against one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub affected: bool,
    /// For an affected version: the `fixed` event that ends its vulnerable
    /// interval (the version to upgrade to), one per matching range.
    pub fixed: Vec<String>,
    /// For an affected version: the `last_affected` event that bounds it.
    pub last_affected: Vec<String>,
    /// For an affected version: the unaffected interval its `fixed` event
    /// opens, as a requirement (`>=1.5.5`, or `>=0.2.0, <0.2.1-0` when a
    /// later `introduced` closes it again).
    pub upgrade: Vec<String>,
    /// Ranges that could not be evaluated (GIT ranges, or ECOSYSTEM ranges
    /// of an ecosystem without an ordering here), with the reason.
    pub unevaluated: Vec<String>,
}

impl Verdict {
    fn merge(&mut self, other: Verdict) {
        self.affected |= other.affected;
        self.fixed.extend(other.fixed);
        self.last_affected.extend(other.last_affected);
        self.upgrade.extend(other.upgrade);
        self.unevaluated.extend(other.unevaluated);
    }
}

/// Evaluates every `affected[]` entry of `entries` that names this package
/// (several entries may: a record can split one package's ranges across
/// entries) against `version`.
pub fn evaluate_all<'a>(
    entries: impl IntoIterator<Item = &'a Affected>,
    version: &str,
) -> Result<Verdict, VersionError> {
    let mut verdict = Verdict::default();
    for a in entries {
        verdict.merge(evaluate(a, version)?);
    }
    verdict.fixed.sort();
    verdict.fixed.dedup();
    verdict.last_affected.sort();
    verdict.last_affected.dedup();
    verdict.upgrade.sort();
    verdict.upgrade.dedup();
    Ok(verdict)
}

/// Evaluates one `affected[]` entry against `version`, by the OSV spec.
///
/// Errors only when `version` itself cannot be read in the scheme a range
/// needs; ranges that cannot be evaluated at all are listed in
/// [`Verdict::unevaluated`] and do not stop the ranges after them.
pub fn evaluate(affected: &Affected, version: &str) -> Result<Verdict, VersionError> {
    let scheme = Scheme::for_ecosystem(&affected.ecosystem);
    let mut verdict = Verdict::default();
    if in_versions(scheme, &affected.versions, version) {
        verdict.affected = true;
    }
    for range in &affected.ranges {
        let range_scheme = match range.kind.as_str() {
            // SEMVER ranges are SemVer whatever the ecosystem; Go's own
            // reading (a leading `v`) is a superset, so keep it for Go.
            "SEMVER" => Some(if scheme == Some(Scheme::Go) {
                Scheme::Go
            } else {
                Scheme::SemVer
            }),
            "ECOSYSTEM" => scheme,
            "GIT" => {
                verdict
                    .unevaluated
                    .push("GIT range (commit hashes, not versions)".into());
                continue;
            }
            other => return Err(VersionError::RangeType(other.to_string())),
        };
        let Some(range_scheme) = range_scheme else {
            verdict.unevaluated.push(
                VersionError::Unsupported {
                    ecosystem: affected.ecosystem.clone(),
                }
                .to_string(),
            );
            continue;
        };
        let hit = match range_scheme {
            Scheme::SemVer => walk(range, version, semver::parse),
            Scheme::Go => walk(range, version, go::parse),
            Scheme::Pep440 => walk(range, version, pep440::parse),
            Scheme::Maven => walk(range, version, |s| Ok(maven::parse(s))),
            Scheme::RubyGems => walk(range, version, rubygems::parse),
        }
        .map_err(|(v, reason)| VersionError::Invalid {
            ecosystem: affected.ecosystem.clone(),
            version: v,
            reason,
        })?;
        if let Some(hit) = hit {
            verdict.affected = true;
            verdict.fixed.extend(hit.fixed);
            verdict.last_affected.extend(hit.last_affected);
            verdict.upgrade.extend(hit.upgrade);
        }
    }
    Ok(verdict)
}

/// Checks a range the way [`evaluate`] will read it, so a record with an
/// unreadable bound is rejected at ingest instead of misbehaving in audit.
pub fn validate_range(ecosystem: &str, range: &Range) -> Result<(), VersionError> {
    let scheme = match range.kind.as_str() {
        "GIT" => return Ok(()),
        "SEMVER" if Scheme::for_ecosystem(ecosystem) == Some(Scheme::Go) => Some(Scheme::Go),
        "SEMVER" => Some(Scheme::SemVer),
        "ECOSYSTEM" => Scheme::for_ecosystem(ecosystem),
        other => return Err(VersionError::RangeType(other.to_string())),
    };
    if !range
        .events
        .iter()
        .any(|e| matches!(e, Event::Introduced(_)))
    {
        return Err(VersionError::NoIntroduced {
            kind: range.kind.clone(),
        });
    }
    let Some(scheme) = scheme else {
        return Ok(());
    };
    for e in &range.events {
        let v = match e {
            Event::Introduced(v) if v == "0" => continue,
            Event::Limit(v) if v == "*" => continue,
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        };
        scheme.validate(v).map_err(|reason| VersionError::Invalid {
            ecosystem: ecosystem.to_string(),
            version: v.clone(),
            reason,
        })?;
    }
    Ok(())
}

/// `IncludedInVersions`: equal by the ecosystem's ordering when both sides
/// can be read (PyPI `1.0` is `1.0.0`), else equal as strings.
fn in_versions(scheme: Option<Scheme>, versions: &[String], version: &str) -> bool {
    versions.iter().any(|v| {
        v == version
            || scheme
                .and_then(|s| s.compare(v, version))
                .is_some_and(Ordering::is_eq)
    })
}

/// A range bound after parsing: `introduced: "0"` is below everything and
/// `limit: "*"` above everything.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Bound<V> {
    Zero,
    At(V),
    Infinity,
}

/// Which event a sorted entry came from. At one version, `introduced`
/// sorts first so that `introduced X, fixed X` is an empty interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Introduced,
    LastAffected,
    Fixed,
    Limit,
}

struct Hit {
    fixed: Option<String>,
    last_affected: Option<String>,
    upgrade: Option<String>,
}

/// `IncludedInRanges` for one range: sort the events, walk them, and note
/// which event closes the interval `version` sits in.
fn walk<V: Ord>(
    range: &Range,
    version: &str,
    parse: impl Fn(&str) -> Result<V, String>,
) -> Result<Option<Hit>, (String, String)> {
    let v = Bound::At(parse(version).map_err(|e| (version.to_string(), e))?);
    let mut events: Vec<(Bound<V>, Kind, &str)> = Vec::with_capacity(range.events.len());
    for e in &range.events {
        let (kind, raw) = match e {
            Event::Introduced(s) => (Kind::Introduced, s),
            Event::Fixed(s) => (Kind::Fixed, s),
            Event::LastAffected(s) => (Kind::LastAffected, s),
            Event::Limit(s) => (Kind::Limit, s),
        };
        let bound = match (kind, raw.as_str()) {
            (Kind::Introduced, "0") => Bound::Zero,
            (Kind::Limit, "*") => Bound::Infinity,
            _ => Bound::At(parse(raw).map_err(|e| (raw.clone(), e))?),
        };
        events.push((bound, kind, raw));
    }
    // BeforeLimits: no limit means an implicit "*".
    let limits: Vec<&Bound<V>> = events
        .iter()
        .filter(|(_, k, _)| *k == Kind::Limit)
        .map(|(b, _, _)| b)
        .collect();
    if !limits.is_empty() && !limits.iter().any(|l| v < **l) {
        return Ok(None);
    }
    events.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut vulnerable = false;
    for (bound, kind, _) in &events {
        match kind {
            Kind::Introduced if v >= *bound => vulnerable = true,
            Kind::Fixed if v >= *bound => vulnerable = false,
            Kind::LastAffected if v > *bound => vulnerable = false,
            _ => {}
        }
    }
    if !vulnerable {
        return Ok(None);
    }
    // The first fixed / last_affected event above the version ends the
    // interval it is in: that is the advice ("upgrade to >= fixed").
    let closing = events.iter().position(|(b, k, _)| match k {
        Kind::Fixed => *b > v,
        Kind::LastAffected => *b >= v,
        _ => false,
    });
    let Some(at) = closing else {
        return Ok(Some(Hit {
            fixed: None,
            last_affected: None,
            upgrade: None,
        }));
    };
    let (bound, kind, raw) = &events[at];
    if *kind != Kind::Fixed {
        return Ok(Some(Hit {
            fixed: None,
            last_affected: Some(raw.to_string()),
            upgrade: None,
        }));
    }
    // A later `introduced` bounds the safe interval from above.
    let reintroduced = events[at + 1..]
        .iter()
        .find(|(b, k, _)| *k == Kind::Introduced && b > bound)
        .map(|(_, _, raw)| *raw);
    let upgrade = match reintroduced {
        Some(next) => format!(">={raw}, <{next}"),
        None => format!(">={raw}"),
    };
    Ok(Some(Hit {
        fixed: Some(raw.to_string()),
        last_affected: None,
        upgrade: Some(upgrade),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(kind: &str, events: &[(&str, &str)]) -> Range {
        Range {
            kind: kind.into(),
            events: events
                .iter()
                .map(|(k, v)| match *k {
                    "introduced" => Event::Introduced(v.to_string()),
                    "fixed" => Event::Fixed(v.to_string()),
                    "last_affected" => Event::LastAffected(v.to_string()),
                    _ => Event::Limit(v.to_string()),
                })
                .collect(),
        }
    }

    fn affected(ecosystem: &str, ranges: Vec<Range>, versions: &[&str]) -> Affected {
        Affected {
            ecosystem: ecosystem.into(),
            name: "p".into(),
            ranges,
            versions: versions.iter().map(|s| s.to_string()).collect(),
            patched: vec![],
        }
    }

    /// (ecosystem, range type, events, version, affected?)
    type Case = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
        bool,
    );

    const CASES: &[Case] = &[
        // fixed is exclusive, introduced "0" covers everything below.
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0"), ("fixed", "1.5.5")],
            "1.5.4",
            true,
        ),
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0"), ("fixed", "1.5.5")],
            "1.5.5",
            false,
        ),
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0"), ("fixed", "1.0.0")],
            "0.0.0-alpha",
            true,
        ),
        // last_affected is inclusive.
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "1.0.0"), ("last_affected", "1.2.0")],
            "1.2.0",
            true,
        ),
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "1.0.0"), ("last_affected", "1.2.0")],
            "1.2.1",
            false,
        ),
        // Prereleases count (RustSec semantics).
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0.1.4-0"), ("fixed", "0.1.5")],
            "0.1.4-alpha",
            true,
        ),
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0.1.4-0"), ("fixed", "0.1.5")],
            "0.1.3",
            false,
        ),
        (
            "npm",
            "SEMVER",
            &[("introduced", "2.1.1-0"), ("fixed", "2.1.2")],
            "2.1.0",
            false,
        ),
        (
            "npm",
            "SEMVER",
            &[("introduced", "2.1.1-0"), ("fixed", "2.1.2")],
            "2.1.1-beta",
            true,
        ),
        // Events out of order are sorted first.
        (
            "npm",
            "SEMVER",
            &[
                ("introduced", "0"),
                ("introduced", "2.0.0"),
                ("fixed", "2.0.1"),
                ("fixed", "1.3.2"),
            ],
            "2.0.0",
            true,
        ),
        (
            "npm",
            "SEMVER",
            &[
                ("introduced", "0"),
                ("introduced", "2.0.0"),
                ("fixed", "2.0.1"),
                ("fixed", "1.3.2"),
            ],
            "1.3.2",
            false,
        ),
        // Non-SemVer strings in a SEMVER range are read leniently.
        (
            "crates.io",
            "SEMVER",
            &[("introduced", "0.1"), ("last_affected", "0.2")],
            "0.2.0",
            true,
        ),
        // limit caps a range.
        (
            "npm",
            "SEMVER",
            &[("introduced", "1.0.0"), ("limit", "2.0.0")],
            "2.5.0",
            false,
        ),
        (
            "npm",
            "SEMVER",
            &[("introduced", "1.0.0"), ("limit", "2.0.0")],
            "1.5.0",
            true,
        ),
        (
            "npm",
            "SEMVER",
            &[("introduced", "1.0.0"), ("limit", "*")],
            "9.0.0",
            true,
        ),
        // PEP 440: numeric calendar versions, pre/post/dev.
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "2017.11.05"), ("fixed", "2022.12.07")],
            "2017.4.17",
            false,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "2022.12.07")],
            "2017.4.17",
            true,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "5.1")],
            "4.2b1",
            true,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "5.1"), ("fixed", "5.4")],
            "4.2b1",
            false,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.0")],
            "1.0.dev1",
            true,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.0")],
            "1.0.post1",
            false,
        ),
        (
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.0.post1")],
            "1.0",
            true,
        ),
        // Go: +incompatible is build metadata; pseudo-versions are prereleases.
        (
            "Go",
            "SEMVER",
            &[("introduced", "0"), ("fixed", "2.7.0-rc.0+incompatible")],
            "v2.6.2+incompatible",
            true,
        ),
        (
            "Go",
            "SEMVER",
            &[("introduced", "0"), ("fixed", "2.7.0-rc.0+incompatible")],
            "v2.7.0-rc.0",
            false,
        ),
        (
            "Go",
            "SEMVER",
            &[
                ("introduced", "0.0.0-20190308221718-c2843e01d9a2"),
                ("fixed", "0.1.0"),
            ],
            "v0.0.0-20200101000000-abcdefabcdef",
            true,
        ),
        (
            "Go",
            "SEMVER",
            &[
                ("introduced", "0.0.0-20190308221718-c2843e01d9a2"),
                ("fixed", "0.1.0"),
            ],
            "v0.0.0-20180101000000-abcdefabcdef",
            false,
        ),
        // Maven ordering.
        (
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "1.2"), ("last_affected", "1.2.17")],
            "1.2.17",
            true,
        ),
        (
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "1.2"), ("last_affected", "1.2.17")],
            "1.2.18",
            false,
        ),
        (
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "2.0")],
            "2.0-rc1",
            true,
        ),
        (
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "2.0")],
            "2.0.0",
            false,
        ),
        (
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.10")],
            "1.9.13",
            true,
        ),
        // RubyGems, events out of order.
        (
            "RubyGems",
            "ECOSYSTEM",
            &[
                ("introduced", "0"),
                ("introduced", "4.0.1"),
                ("fixed", "4.0.5"),
                ("fixed", "3.0.21"),
            ],
            "4.0.2",
            true,
        ),
        (
            "RubyGems",
            "ECOSYSTEM",
            &[
                ("introduced", "0"),
                ("introduced", "4.0.1"),
                ("fixed", "4.0.5"),
                ("fixed", "3.0.21"),
            ],
            "3.0.21",
            false,
        ),
        (
            "RubyGems",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "5.0")],
            "5.0.0.rc1",
            true,
        ),
    ];

    #[test]
    fn osv_ranges_table() {
        for (i, (eco, kind, events, version, want)) in CASES.iter().enumerate() {
            let a = affected(eco, vec![range(kind, events)], &[]);
            let got = evaluate(&a, version).unwrap().affected;
            assert_eq!(got, *want, "case {i}: {eco} {kind} {events:?} @ {version}");
        }
    }

    #[test]
    fn git_range_does_not_hide_later_ranges() {
        let a = affected(
            "PyPI",
            vec![
                range("GIT", &[("introduced", "abc123"), ("fixed", "def456")]),
                range("ECOSYSTEM", &[("introduced", "2.3.0"), ("fixed", "2.31.0")]),
            ],
            &[],
        );
        let v = evaluate(&a, "2.22.0").unwrap();
        assert!(v.affected);
        assert_eq!(v.fixed, vec!["2.31.0".to_string()]);
        assert_eq!(v.unevaluated.len(), 1);
    }

    #[test]
    fn explicit_versions_match_alone_and_by_ecosystem_equality() {
        let a = affected("PyPI", vec![], &["1.0", "2.0.1"]);
        assert!(evaluate(&a, "1.0.0").unwrap().affected);
        assert!(!evaluate(&a, "1.0.1").unwrap().affected);
        let r = affected("RubyGems", vec![], &["1.2.3"]);
        assert!(evaluate(&r, "1.2.3").unwrap().affected);
        assert!(!evaluate(&r, "1.2.4").unwrap().affected);
    }

    #[test]
    fn unsupported_ecosystem_range_is_reported_not_guessed() {
        let a = affected(
            "NuGet",
            vec![range("ECOSYSTEM", &[("introduced", "0"), ("fixed", "2.0")])],
            &[],
        );
        let v = evaluate(&a, "1.0").unwrap();
        assert!(!v.affected);
        assert_eq!(v.unevaluated.len(), 1);
    }

    #[test]
    fn closing_event_is_the_advice() {
        let a = affected(
            "crates.io",
            vec![range(
                "SEMVER",
                &[
                    ("introduced", "0.6.3"),
                    ("fixed", "0.6.14"),
                    ("introduced", "1.0.0"),
                    ("fixed", "1.6.1"),
                ],
            )],
            &[],
        );
        assert_eq!(evaluate(&a, "0.6.13").unwrap().fixed, vec!["0.6.14"]);
        assert_eq!(
            evaluate(&a, "0.6.13").unwrap().upgrade,
            vec![">=0.6.14, <1.0.0"]
        );
        assert_eq!(evaluate(&a, "1.0.0").unwrap().fixed, vec!["1.6.1"]);
        assert_eq!(evaluate(&a, "1.0.0").unwrap().upgrade, vec![">=1.6.1"]);
    }

    #[test]
    fn validation_rejects_bad_bounds_and_missing_introduced() {
        let bad = range("SEMVER", &[("introduced", "0"), ("fixed", "not-a-version")]);
        assert!(matches!(
            validate_range("crates.io", &bad),
            Err(VersionError::Invalid { .. })
        ));
        let none = range("ECOSYSTEM", &[("fixed", "1.0")]);
        assert!(matches!(
            validate_range("npm", &none),
            Err(VersionError::NoIntroduced { .. })
        ));
        let odd = range("DATE", &[("introduced", "0")]);
        assert!(matches!(
            validate_range("npm", &odd),
            Err(VersionError::RangeType(_))
        ));
        // Ecosystems without an ordering here are stored unvalidated.
        let deb = range(
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.0.2u-1~deb9u1")],
        );
        assert!(validate_range("Debian:9", &deb).is_ok());
    }

    #[test]
    fn ecosystem_names() {
        assert!(is_osv_ecosystem("crates.io"));
        assert!(is_osv_ecosystem("Debian:10"));
        assert!(is_osv_ecosystem("Alpine:v3.16"));
        assert!(!is_osv_ecosystem("crates"));
        assert!(!is_osv_ecosystem("pypi"));
    }
}
