//! The OSV range walk: is a version inside an `affected[]` entry's ranges
//! or explicit versions, and which event closes its interval. Ordering
//! itself is the per-ecosystem parsers' job (`Scheme`).

use std::cmp::Ordering;

use super::{
    InvalidVersion, Scheme, VersionError, go, maven, nuget, packagist, pep440, rubygems, semver,
};
use crate::model::{Affected, Event, Range};

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
            Scheme::Maven => walk(range, version, |s| Ok::<_, InvalidVersion>(maven::parse(s))),
            Scheme::RubyGems => walk(range, version, rubygems::parse),
            Scheme::NuGet => walk(range, version, nuget::parse),
            Scheme::Packagist => walk(range, version, |s| {
                Ok::<_, InvalidVersion>(packagist::parse(s))
            }),
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
///
/// An unreadable version or bound comes back with the string it was.
fn walk<V: Ord, E: Into<InvalidVersion>>(
    range: &Range,
    version: &str,
    parse: impl Fn(&str) -> Result<V, E>,
) -> Result<Option<Hit>, (String, InvalidVersion)> {
    let v = Bound::At(parse(version).map_err(|e| (version.to_string(), e.into()))?);
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
            _ => Bound::At(parse(raw).map_err(|e| (raw.clone(), e.into()))?),
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
