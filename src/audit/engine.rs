//! Matching: packages × advisories → findings, with alias groups collapsed.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::AuditOptions;
use super::report::{Finding, FindingKind, SeverityLevel, SkippedPackage};
use crate::model::{Advisory, Informational};
use crate::stack::{Package, PackageSource};
use crate::versions::{self, Scheme, Verdict};

pub(super) struct Matched {
    pub findings: Vec<Finding>,
    pub skipped: Vec<SkippedPackage>,
    /// Distinct registry package versions looked at.
    pub audited: usize,
    /// Distinct (not withdrawn) advisories naming a package in use.
    pub evaluated: usize,
}

pub(super) fn match_packages(
    advisories: &[Advisory],
    packages: &[Package],
    options: &AuditOptions,
) -> Matched {
    // Advisories by the package keys they name; withdrawn ones never count.
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, a) in advisories.iter().enumerate() {
        if a.withdrawn.is_some() {
            continue;
        }
        let keys: BTreeSet<String> = a.affected.iter().map(|x| x.package_key()).collect();
        for k in keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut skipped = BTreeMap::new();
    // (key, version) → every place that version is used.
    let mut in_use: BTreeMap<(String, String), Vec<&Package>> = BTreeMap::new();
    for p in packages {
        let reason = match (p.source, &p.registry) {
            (PackageSource::Workspace, _) => {
                Some("workspace member, not the registry's package".to_string())
            }
            (PackageSource::Url, _) => {
                Some("downloaded from a URL, not the registry's package".to_string())
            }
            (PackageSource::Path, _) => Some(
                "path dependency (workspace member or local folder), not the registry's package"
                    .to_string(),
            ),
            (PackageSource::Git, _) => {
                Some("git dependency, not the registry's package".to_string())
            }
            (PackageSource::Registry, Some(url)) => Some(format!(
                "from registry {url}, not the public registry advisories describe"
            )),
            (PackageSource::Registry, None) => None,
        };
        match reason {
            Some(reason) => {
                let s = SkippedPackage {
                    package: p.name.clone(),
                    ecosystem: p.ecosystem.clone(),
                    version: Some(p.version.clone()).filter(|v| !v.is_empty()),
                    reason,
                    lockfile: p.lockfile.display().to_string(),
                    would_match: would_match(advisories, &by_key, p),
                };
                skipped.insert(skip_key(&s), s);
            }
            None => in_use
                .entry((p.key(), p.version.clone()))
                .or_default()
                .push(p),
        }
    }
    let mut findings = Vec::new();
    let mut evaluated = BTreeSet::new();
    for ((key, version), places) in &in_use {
        let candidates = by_key.get(key).map(Vec::as_slice).unwrap_or(&[]);
        evaluated.extend(candidates.iter().copied());
        let mut hits: HashMap<usize, Verdict> = HashMap::new();
        let mut notes = Vec::new();
        for &i in candidates {
            let a = &advisories[i];
            let entries = a.affected.iter().filter(|x| x.is_for(key));
            match versions::evaluate_all(entries, version) {
                Ok(v) if v.affected => {
                    hits.insert(i, v);
                }
                Ok(v) => notes.extend(
                    v.unevaluated
                        .into_iter()
                        .filter(|r| !r.starts_with("GIT"))
                        .map(|r| format!("{}: {r}", a.id)),
                ),
                Err(e) => notes.push(format!("{}: {e}", a.id)),
            }
        }
        let first = places[0];
        if !notes.is_empty() {
            notes.sort();
            notes.dedup();
            let s = SkippedPackage {
                package: first.name.clone(),
                ecosystem: first.ecosystem.clone(),
                version: Some(version.clone()),
                reason: format!("not every advisory could be checked: {}", notes.join("; ")),
                lockfile: first.lockfile.display().to_string(),
                would_match: Vec::new(),
            };
            skipped.insert(skip_key(&s), s);
        }
        for group in alias_groups(advisories, candidates) {
            let matched: Vec<usize> = group
                .members
                .iter()
                .copied()
                .filter(|i| hits.contains_key(i))
                .collect();
            if matched.is_empty() {
                continue;
            }
            if let Some(f) = finding(advisories, &group, &matched, &hits, places, version) {
                findings.push(f);
            }
        }
        if options.yanked.contains(&(key.clone(), version.clone())) {
            findings.push(yanked(places, version));
        }
    }
    findings.sort_by(|a, b| {
        (&a.ecosystem, a.package.to_lowercase())
            .cmp(&(&b.ecosystem, b.package.to_lowercase()))
            .then_with(|| version_order(&a.ecosystem, &a.version, &b.version))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.id.cmp(&b.id))
    });
    Matched {
        findings,
        skipped: skipped.into_values().collect(),
        audited: in_use.len(),
        evaluated: evaluated.len(),
    }
}

/// Ids of advisories that match a non-registry package by name and version.
fn would_match(
    advisories: &[Advisory],
    by_key: &HashMap<String, Vec<usize>>,
    p: &Package,
) -> Vec<String> {
    let key = p.key();
    let Some(candidates) = by_key.get(&key) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = candidates
        .iter()
        .filter(|&&i| {
            let entries = advisories[i].affected.iter().filter(|x| x.is_for(&key));
            versions::evaluate_all(entries, &p.version).is_ok_and(|v| v.affected)
        })
        .map(|&i| advisories[i].id.clone())
        .collect();
    ids.sort();
    ids
}

fn skip_key(s: &SkippedPackage) -> (String, String, Option<String>, String) {
    (
        s.ecosystem.clone(),
        s.package.clone(),
        s.version.clone(),
        s.lockfile.clone(),
    )
}

fn version_order(ecosystem: &str, a: &str, b: &str) -> Ordering {
    Scheme::for_ecosystem(ecosystem)
        .and_then(|s| s.compare(a, b))
        .unwrap_or_else(|| a.cmp(b))
}

struct Group {
    ids: BTreeSet<String>,
    members: Vec<usize>,
}

/// Collapses candidates that describe the same vulnerability: records whose
/// ids or aliases overlap (RUSTSEC-2022-0013 lists GHSA-m5pq-gvj9-9vr8;
/// records sharing a CVE are the CVE). Two records of one database (same
/// id prefix) stay apart even when they share aliases: RustSec's
/// RUSTSEC-2019-0036 (unsound) and RUSTSEC-2020-0036 (unmaintained) list
/// the same CVEs but are two advisories, and cargo-audit reports both.
/// Records are merged in id-rank order, so the result is deterministic.
fn alias_groups(advisories: &[Advisory], candidates: &[usize]) -> Vec<Group> {
    let mut order = candidates.to_vec();
    order.sort_by(|a, b| id_rank(&advisories[*a].id).cmp(&id_rank(&advisories[*b].id)));
    let mut groups: Vec<Group> = order
        .iter()
        .map(|&i| {
            let a = &advisories[i];
            Group {
                ids: std::iter::once(&a.id)
                    .chain(&a.aliases)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                members: vec![i],
            }
        })
        .collect();
    let prefixes = |g: &Group| -> BTreeSet<&str> {
        g.members
            .iter()
            .map(|i| database_of(&advisories[*i].id))
            .collect()
    };
    let mut merged_any = true;
    while merged_any {
        merged_any = false;
        'outer: for x in 0..groups.len() {
            for y in x + 1..groups.len() {
                let (gx, gy) = (&groups[x], &groups[y]);
                if gx.ids.is_disjoint(&gy.ids) || !prefixes(gx).is_disjoint(&prefixes(gy)) {
                    continue;
                }
                let gy = groups.remove(y);
                groups[x].ids.extend(gy.ids);
                groups[x].members.extend(gy.members);
                merged_any = true;
                break 'outer;
            }
        }
    }
    groups
}

/// The database that owns an ecosystem's advisories and marks some of them
/// informational.
fn home_database(ecosystem: &str) -> Option<&'static str> {
    (ecosystem == "crates.io").then_some("RUSTSEC")
}

/// `RUSTSEC-2022-0013` → `RUSTSEC`, `GHSA-…` → `GHSA`.
fn database_of(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// Which id names a group: the ecosystem's own database first (RUSTSEC,
/// PYSEC, GO, …), then GHSA, then CVE; ties alphabetically.
fn id_rank(id: &str) -> (u8, &str) {
    let rank = if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("CVE-") {
        2
    } else {
        0
    };
    (rank, id)
}

fn finding(
    advisories: &[Advisory],
    group: &Group,
    matched: &[usize],
    hits: &HashMap<usize, Verdict>,
    places: &[&Package],
    version: &str,
) -> Option<Finding> {
    let mut matched = matched.to_vec();
    matched.sort_by(|a, b| id_rank(&advisories[*a].id).cmp(&id_rank(&advisories[*b].id)));
    let informational_kind = |i: &usize| match advisories[*i].informational {
        Some(Informational::Unmaintained) => Some(FindingKind::Unmaintained),
        Some(Informational::Unsound) => Some(FindingKind::Unsound),
        Some(Informational::Notice) => Some(FindingKind::Notice),
        _ => None,
    };
    let ecosystem = &places[0].ecosystem;
    // The ecosystem's own database decides whether this is a warning: GHSA
    // mirrors RustSec's unsound/unmaintained notes as plain advisories.
    let home = matched.iter().find(|i| {
        home_database(ecosystem).is_some_and(|h| database_of(&advisories[**i].id) == h)
            && advisories[**i].informational.is_some()
    });
    let kind = if let Some(i) = home {
        informational_kind(i)?
    } else if matched
        .iter()
        .any(|i| advisories[*i].informational.is_none())
    {
        FindingKind::Vulnerability
    } else {
        // All informational: the first known kind; only unknown kinds means
        // nothing to report (cargo-audit drops those too).
        matched.iter().find_map(informational_kind)?
    };
    let primary = &advisories[matched[0]];
    let first = places[0];
    let key = first.key();
    let mut score: Option<(f64, String)> = None;
    let mut label: Option<SeverityLevel> = None;
    let mut fixed = BTreeSet::new();
    let mut upgrade = BTreeSet::new();
    let mut last_affected = BTreeSet::new();
    let mut patched = BTreeSet::new();
    for i in &matched {
        let a = &advisories[*i];
        for s in &a.severity {
            if let Some(v) = s.score
                && score.as_ref().is_none_or(|(best, _)| v > *best)
            {
                score = Some((v, s.vector.clone()));
            }
        }
        if let Some(l) = a
            .severity_label
            .as_deref()
            .and_then(SeverityLevel::from_label)
        {
            label = label.max(Some(l));
        }
        if let Some(v) = hits.get(i) {
            fixed.extend(v.fixed.iter().cloned());
            upgrade.extend(v.upgrade.iter().cloned());
            last_affected.extend(v.last_affected.iter().cloned());
        }
        for x in a.affected.iter().filter(|x| x.package_key() == key) {
            patched.extend(x.patched.iter().cloned());
        }
    }
    let severity = match (&score, label) {
        (Some((s, _)), l) => {
            Some(SeverityLevel::from_score(*s).max(l.unwrap_or(SeverityLevel::Low)))
        }
        (None, l) => l,
    };
    let mut fixed: Vec<String> = fixed.into_iter().collect();
    fixed.sort_by(|a, b| version_order(&first.ecosystem, a, b));
    let patched: Vec<String> = patched.into_iter().collect();
    let upgrade = upgrade_advice(&patched, &fixed, upgrade.into_iter().collect());
    let lockfiles: Vec<String> = places
        .iter()
        .map(|p| p.lockfile.display().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let locations: Vec<String> = places
        .iter()
        .filter_map(|p| p.detail.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Some(Finding {
        kind,
        id: primary.id.clone(),
        aliases: group
            .ids
            .iter()
            .filter(|id| **id != primary.id)
            .cloned()
            .collect(),
        package: first.name.clone(),
        ecosystem: first.ecosystem.clone(),
        version: version.to_string(),
        severity: if kind == FindingKind::Vulnerability {
            severity
        } else {
            None
        },
        score: score.as_ref().map(|(s, _)| *s),
        cvss: score.map(|(_, v)| v),
        title: primary.summary.clone(),
        last_affected: if fixed.is_empty() {
            last_affected.into_iter().collect()
        } else {
            Vec::new()
        },
        fixed,
        patched,
        upgrade,
        url: primary.url.clone(),
        lockfile: lockfiles.first().cloned().unwrap_or_default(),
        lockfiles,
        locations,
        matched_by: matched.iter().map(|i| advisories[*i].id.clone()).collect(),
        fails: false,
        ignore_expired: None,
    })
}

/// The requirement to upgrade to. RustSec's own `patched` entries read
/// best (`^0.6.14`): the ones the fix version falls in, or all of them when
/// the fix is an `unaffected` hole rather than a patch (time 0.1 → 0.2.0 is
/// unaffected, but `>= 0.2.23` is the fix). Without them, the interval the
/// fix opens.
fn upgrade_advice(patched: &[String], fixed: &[String], intervals: Vec<String>) -> Vec<String> {
    let fixes: Vec<semver::Version> = fixed
        .iter()
        .filter_map(|f| semver::Version::parse(f).ok())
        .collect();
    let containing: Vec<String> = patched
        .iter()
        .filter(|p| {
            semver::VersionReq::parse(p).is_ok_and(|req| fixes.iter().any(|f| req.matches(f)))
        })
        .cloned()
        .collect();
    if !containing.is_empty() {
        return containing;
    }
    if !patched.is_empty() {
        return patched.to_vec();
    }
    // RustSec's exclusive bounds come out as `X.Y.Z-0` (the lowest version
    // above the previous one); people read them as `X.Y.Z`.
    intervals
        .into_iter()
        .map(|i| i.replace("-0,", ",").trim_end_matches("-0").to_string())
        .collect()
}

fn yanked(places: &[&Package], version: &str) -> Finding {
    let first = places[0];
    let lockfiles: Vec<String> = places
        .iter()
        .map(|p| p.lockfile.display().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Finding {
        kind: FindingKind::Yanked,
        id: "yanked".into(),
        aliases: Vec::new(),
        package: first.name.clone(),
        ecosystem: first.ecosystem.clone(),
        version: version.to_string(),
        severity: None,
        score: None,
        cvss: None,
        title: "this version was yanked from the registry by its publisher".into(),
        fixed: Vec::new(),
        patched: Vec::new(),
        upgrade: Vec::new(),
        last_affected: Vec::new(),
        url: None,
        lockfile: lockfiles.first().cloned().unwrap_or_default(),
        lockfiles,
        locations: Vec::new(),
        matched_by: Vec::new(),
        fails: false,
        ignore_expired: None,
    }
}
