//! The ten matcher cases of `../shared/fixtures/TESTCASES.md`, one test
//! each, on the fixtures named there. Skipped (with a notice) when the
//! shared fixtures are absent.

use crate::harness::audit::{
    audit_lockfile, evaluate, findings, hits, lockfile, now, osv, pkg, rustsec, rustsec_index,
};
use std::collections::HashSet;
use techradar::audit::{self, AuditOptions, FindingKind};
use techradar::stack::PackageSource;
use techradar::versions;

/// Case 1: Withdrawn advisories are never reported, although their ranges
/// (`introduced 0.0.0-0`, no fix) match everything.
#[test]
fn tc01_withdrawn_advisories_are_never_reported() {
    let f = fixtures_or_skip!();
    let withdrawn = [
        rustsec(&f, "crates/dirs/RUSTSEC-2020-0053.md"),
        rustsec(&f, "crates/humantime/RUSTSEC-2025-0014.md"),
        rustsec(&f, "crates/xml-rs/RUSTSEC-2022-0048.md"),
    ];
    let packages = lockfile(&f, "alacritty-0.4.0-Cargo.lock");
    for (name, version) in [
        ("dirs", "2.0.2"),
        ("humantime", "1.3.0"),
        ("xml-rs", "0.8.0"),
    ] {
        assert!(
            packages
                .iter()
                .any(|p| p.name == name && p.version == version)
        );
    }
    for a in &withdrawn {
        assert!(a.withdrawn.is_some(), "{} is withdrawn", a.id);
        // A naive matcher would flag it: the range covers the version.
        let name = &a.affected[0].name;
        let used = packages.iter().find(|p| &p.name == name).unwrap();
        assert!(
            versions::evaluate_all(&a.affected, &used.version)
                .unwrap()
                .affected
        );
    }
    let report = evaluate(&withdrawn, &packages);
    assert!(report.vulnerabilities.is_empty() && report.warnings.is_empty());

    // And through the index, with the whole database.
    let index = rustsec_index(&f);
    let report = audit_lockfile(index, &f, "alacritty-0.4.0-Cargo.lock");
    for id in [
        "RUSTSEC-2020-0053",
        "RUSTSEC-2025-0014",
        "RUSTSEC-2022-0048",
    ] {
        assert!(
            !report
                .vulnerabilities
                .iter()
                .chain(&report.warnings)
                .any(|x| x.ids().any(|i| i == id)),
            "{id} must not be reported"
        );
    }

    // Withdrawn OSV records of other ecosystems.
    for (id, eco, name, version) in [
        ("GO-2022-0617", "Go", "k8s.io/kubernetes", "v1.20.0"),
        ("PYSEC-2022-43059", "PyPI", "aiohttp", "0.10.0"),
        ("GHSA-35c4-f3rq-f9g3", "RubyGems", "activesupport", "3.2.5"),
    ] {
        let a = osv(&f, id);
        assert!(a.withdrawn.is_some(), "{id}");
        assert!(
            versions::evaluate_all(&a.affected, version)
                .unwrap()
                .affected,
            "{id} range covers {version}"
        );
        assert!(!hits(&a, eco, name, version), "{id} is withdrawn");
    }
}

/// Case 2: Unaffected holes: `patched >= 0.2.23`, `unaffected =0.2.0 … =0.2.6`.
#[test]
fn tc02_unaffected_holes() {
    let f = fixtures_or_skip!();
    let time = rustsec(&f, "crates/time/RUSTSEC-2020-0071.md");
    for (version, affected) in [
        ("0.1.42", true),
        ("0.1.43", true),
        ("0.2.0", false),
        ("0.2.3", false),
        ("0.2.6", false),
        ("0.2.7", true),
        ("0.2.22", true),
        ("0.2.23", false),
        ("0.3.0", false),
    ] {
        assert_eq!(
            hits(&time, "crates.io", "time", version),
            affected,
            "time {version}"
        );
    }
    // The versions in the real lockfiles.
    let r = evaluate(
        std::slice::from_ref(&time),
        &lockfile(&f, "alacritty-0.4.0-Cargo.lock"),
    );
    assert_eq!(findings(&r, "time", "0.1.42").len(), 1);
    let r = evaluate(
        std::slice::from_ref(&time),
        &lockfile(&f, "mdbook-0.4.0-Cargo.lock"),
    );
    assert_eq!(findings(&r, "time", "0.1.43").len(), 1);

    // GHSA-wcg3-cvx6-7396 describes the same bug as `introduced "0.1"`,
    // `last_affected "0.2"` (non-SemVer strings, read leniently) and so
    // disagrees with RustSec about 0.2.0. Both records are one finding;
    // a match by either counts, and `matched_by` says which one matched.
    let ghsa = osv(&f, "GHSA-wcg3-cvx6-7396");
    let both = [time.clone(), ghsa];
    let r = evaluate(&both, &[pkg("crates.io", "time", "0.2.0")]);
    let fs = findings(&r, "time", "0.2.0");
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0].id, "GHSA-wcg3-cvx6-7396");
    assert_eq!(fs[0].matched_by, vec!["GHSA-wcg3-cvx6-7396"]);
    assert!(fs[0].aliases.contains(&"RUSTSEC-2020-0071".to_string()));
    let r = evaluate(&both, &[pkg("crates.io", "time", "0.1.42")]);
    let fs = findings(&r, "time", "0.1.42");
    assert_eq!(fs.len(), 1, "one finding for both records");
    assert_eq!(fs[0].id, "RUSTSEC-2020-0071");
    assert_eq!(
        fs[0].matched_by,
        vec!["RUSTSEC-2020-0071", "GHSA-wcg3-cvx6-7396"]
    );
}

/// Case 3: Prereleases count, as in RustSec (not `VersionReq::matches`).
#[test]
fn tc03_prereleases() {
    let f = fixtures_or_skip!();
    let mdbook = osv(&f, "RUSTSEC-2021-0001");
    assert!(hits(&mdbook, "crates.io", "mdbook", "0.1.4-alpha"));
    assert!(!hits(&mdbook, "crates.io", "mdbook", "0.1.3"));

    let time = osv(&f, "RUSTSEC-2020-0071");
    assert!(hits(&time, "crates.io", "time", "0.2.1-beta"));
    assert!(!hits(&time, "crates.io", "time", "0.2.1"));

    // express's `next` dist-tag from the registry packument.
    let packument: serde_json::Value = serde_json::from_slice(
        &std::fs::read(f.join("registry/npm-packument-express.json")).unwrap(),
    )
    .unwrap();
    let next = packument["dist-tags"]["next"].as_str().unwrap();
    assert_eq!(next, "5.0.0-alpha.8");
    let express = osv(&f, "GHSA-rv95-896h-c2vc");
    assert!(hits(&express, "npm", "express", next));
    assert!(!hits(&express, "npm", "express", "5.0.0-beta.3"));

    let jquery = osv(&f, "GHSA-mhpp-875w-9cpv");
    assert!(!hits(&jquery, "npm", "jquery", "2.1.0"));
    assert!(hits(&jquery, "npm", "jquery", "2.1.1-beta"));
}

/// Case 4: `last_affected` is inclusive and `fixed` exclusive.
#[test]
fn tc04_last_affected_inclusive_fixed_exclusive() {
    let f = fixtures_or_skip!();
    let mut log4j = osv(&f, "GHSA-2qrg-x229-3v8q");
    assert!(hits(&log4j, "Maven", "log4j:log4j", "1.2.17"));
    // Through the range alone (Maven ordering), not the versions list.
    for a in &mut log4j.affected {
        a.versions.clear();
    }
    assert!(hits(&log4j, "Maven", "log4j:log4j", "1.2.17"));
    assert!(!hits(&log4j, "Maven", "log4j:log4j", "1.2.18"));

    let mut jackson = osv(&f, "GHSA-c27h-mcmw-48hv");
    for a in &mut jackson.affected {
        a.versions.clear();
    }
    let name = "org.codehaus.jackson:jackson-mapper-asl";
    assert!(hits(&jackson, "Maven", name, "1.9.13"));
    assert!(!hits(&jackson, "Maven", name, "1.9.14"));

    let regex = osv(&f, "GHSA-m5pq-gvj9-9vr8");
    assert!(!hits(&regex, "crates.io", "regex", "1.5.5"));
    assert!(hits(&regex, "crates.io", "regex", "1.5.4"));
}

/// Case 5: Several ranges in one entry, and one package in many entries.
#[test]
fn tc05_multiple_ranges_and_repeated_affected_entries() {
    let f = fixtures_or_skip!();
    let smallvec = osv(&f, "RUSTSEC-2021-0003");
    let alacritty = lockfile(&f, "alacritty-0.4.0-Cargo.lock");
    let r = evaluate(std::slice::from_ref(&smallvec), &alacritty);
    assert_eq!(findings(&r, "smallvec", "0.6.13").len(), 1);
    assert_eq!(findings(&r, "smallvec", "1.0.0").len(), 1);
    for v in ["0.6.2", "0.6.14", "1.6.1"] {
        assert!(!hits(&smallvec, "crates.io", "smallvec", v), "smallvec {v}");
    }

    let qs = osv(&f, "GHSA-hrpp-h998-j3pp");
    assert_eq!(qs.affected.len(), 9);
    let express = lockfile(&f, "express-4.0.0-package-lock.json");
    assert!(
        express
            .iter()
            .any(|p| p.name == "qs" && p.version == "0.6.6")
    );
    let r = evaluate(std::slice::from_ref(&qs), &express);
    assert_eq!(findings(&r, "qs", "0.6.6").len(), 1);
    assert!(!hits(&qs, "npm", "qs", "6.2.4"));
    assert!(hits(&qs, "npm", "qs", "6.3.0"));
    assert!(!hits(&qs, "npm", "qs", "6.3.3"));

    let ptr = osv(&f, "GHSA-9wv6-86v2-598j");
    assert!(hits(&ptr, "npm", "path-to-regexp", "0.1.2"));
    assert!(!hits(&ptr, "npm", "path-to-regexp", "1.9.0"));
    assert!(hits(&ptr, "npm", "path-to-regexp", "6.2.2"));
}

/// Case 6: Events are sorted before the walk, whatever the file order.
#[test]
fn tc06_events_are_sorted_before_evaluation() {
    let f = fixtures_or_skip!();
    let mixin = osv(&f, "GHSA-fhjf-83wg-r2j9");
    assert!(hits(&mixin, "npm", "mixin-deep", "2.0.0"));
    assert!(!hits(&mixin, "npm", "mixin-deep", "2.0.1"));
    assert!(!hits(&mixin, "npm", "mixin-deep", "1.3.2"));
    assert!(hits(&mixin, "npm", "mixin-deep", "1.3.1"));

    let passenger = osv(&f, "GHSA-9qj7-jvg4-qr2x");
    assert!(hits(&passenger, "RubyGems", "passenger", "4.0.2"));
    assert!(!hits(&passenger, "RubyGems", "passenger", "4.0.5"));
    assert!(!hits(&passenger, "RubyGems", "passenger", "3.0.21"));
    assert!(hits(&passenger, "RubyGems", "passenger", "3.0.20"));
}

/// Case 7: Path and git packages are skipped (as cargo-audit does), and the
/// advisories that name them are shown beside them.
#[test]
fn tc07_non_registry_sources_are_skipped() {
    let f = fixtures_or_skip!();
    let index = rustsec_index(&f);

    let r = audit_lockfile(index, &f, "mdbook-0.4.0-Cargo.lock");
    assert!(findings(&r, "mdbook", "0.4.0").is_empty());
    let s = r.skipped.iter().find(|s| s.package == "mdbook").unwrap();
    assert_eq!(s.would_match, vec!["RUSTSEC-2021-0001"]);

    let r = audit_lockfile(index, &f, "ripgrep-11.0.2-Cargo.lock");
    assert!(findings(&r, "grep-cli", "0.1.3").is_empty());
    let s = r.skipped.iter().find(|s| s.package == "grep-cli").unwrap();
    assert_eq!(s.would_match, vec!["RUSTSEC-2021-0071"]);
    assert!(s.reason.contains("path dependency"));

    let packages = lockfile(&f, "alacritty-0.4.0-Cargo.lock");
    let git: Vec<&str> = packages
        .iter()
        .filter(|p| p.source == PackageSource::Git)
        .map(|p| p.name.as_str())
        .collect();
    assert!(git.iter().any(|n| n.starts_with("glutin")), "{git:?}");
    let r = audit_lockfile(index, &f, "alacritty-0.4.0-Cargo.lock");
    for name in &git {
        assert!(
            r.skipped
                .iter()
                .any(|s| s.package == *name && s.reason.contains("git dependency")),
            "{name} is listed as skipped"
        );
        assert!(
            !r.vulnerabilities.iter().any(|v| v.package == *name),
            "{name} is never a vulnerability"
        );
    }
}

/// Case 8: ripgrep: 3 vulnerabilities, 6 warnings, 1 path-skipped finding;
/// RUSTSEC-2022-0013 and GHSA-m5pq-gvj9-9vr8 are one finding; yanked
/// versions from registry data are warnings.
#[test]
fn tc08_vulnerabilities_warnings_skipped_aliases_and_yanked() {
    let f = fixtures_or_skip!();
    let index = rustsec_index(&f);
    let r = audit_lockfile(index, &f, "ripgrep-11.0.2-Cargo.lock");
    let vulns: HashSet<(&str, &str, &str)> = r
        .vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.package.as_str(), v.version.as_str()))
        .collect();
    assert_eq!(
        vulns,
        HashSet::from([
            ("RUSTSEC-2022-0013", "regex", "1.2.0"),
            ("RUSTSEC-2022-0006", "thread_local", "0.3.6"),
            ("RUSTSEC-2023-0018", "remove_dir_all", "0.5.2"),
        ])
    );
    let warnings: HashSet<(FindingKind, &str)> = r
        .warnings
        .iter()
        .map(|w| (w.kind, w.package.as_str()))
        .collect();
    assert_eq!(
        warnings,
        HashSet::from([
            (FindingKind::Unsound, "atty"),
            (FindingKind::Unmaintained, "atty"),
            (FindingKind::Unmaintained, "memmap"),
            (FindingKind::Unsound, "crossbeam-channel"),
            (FindingKind::Unsound, "crossbeam-utils"),
            (FindingKind::Unsound, "rand"),
        ])
    );
    assert_eq!(r.warnings.len(), 6);
    assert_eq!(
        r.skipped
            .iter()
            .filter(|s| !s.would_match.is_empty())
            .count(),
        1
    );
    assert!(r.summary.fails);

    // Alias collapse: the RustSec record and its GHSA copy are one finding.
    let both = [
        rustsec(&f, "crates/regex/RUSTSEC-2022-0013.md"),
        osv(&f, "GHSA-m5pq-gvj9-9vr8"),
    ];
    let r = evaluate(&both, &[pkg("crates.io", "regex", "1.2.0")]);
    assert_eq!(r.vulnerabilities.len(), 1);
    let v = &r.vulnerabilities[0];
    assert_eq!(v.id, "RUSTSEC-2022-0013");
    assert!(v.aliases.contains(&"GHSA-m5pq-gvj9-9vr8".to_string()));
    assert!(v.aliases.contains(&"CVE-2022-24713".to_string()));
    assert_eq!(v.matched_by.len(), 2);
    assert_eq!(v.fixed, vec!["1.5.5"]);

    // Yanked: libc 0.1.9 and 0.1.11 carry "yanked": true.
    let path = f.join("registry/crates-index-libc.ndjson");
    let text = std::fs::read_to_string(&path).unwrap();
    let yanked = techradar::stack::yanked_from_crates_index(&path, &text).unwrap();
    let options = AuditOptions {
        yanked: yanked.into_iter().collect(),
        ..Default::default()
    };
    let packages = [
        pkg("crates.io", "libc", "0.1.9"),
        pkg("crates.io", "libc", "0.1.10"),
        pkg("crates.io", "libc", "0.1.11"),
    ];
    let r = audit::evaluate(&[], &packages, &[], now(), &options);
    let yanked: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.kind == FindingKind::Yanked)
        .map(|w| w.version.as_str())
        .collect();
    assert_eq!(yanked, vec!["0.1.9", "0.1.11"]);
    assert!(!r.summary.fails, "yanked warns unless denied");
}

/// Case 9: Ecosystem version and name semantics: PyPI (numeric calendar
/// versions, PEP 503 names, markers, duplicate pins), Go (+incompatible,
/// pseudo-versions), npm (nested copies).
#[test]
fn tc09_ecosystem_version_and_name_semantics() {
    let f = fixtures_or_skip!();
    let reqs = lockfile(&f, "docker-compose-1.25.0-requirements.txt");

    let r = evaluate(&[osv(&f, "GHSA-43fp-rhv2-5gv8")], &reqs);
    assert!(findings(&r, "certifi", "2017.4.17").is_empty());
    let r = evaluate(&[osv(&f, "PYSEC-2023-135")], &reqs);
    assert_eq!(findings(&r, "certifi", "2017.4.17").len(), 1);

    let pyyaml = reqs.iter().find(|p| p.name == "PyYAML").unwrap();
    assert_eq!(pyyaml.key(), "PyPI/pyyaml");
    let yaml_advisories = [
        osv(&f, "PYSEC-2018-49"),
        osv(&f, "PYSEC-2021-142"),
        osv(&f, "PYSEC-2020-96"),
        osv(&f, "PYSEC-2020-176"),
    ];
    let r = evaluate(&yaml_advisories, &reqs);
    let ids: HashSet<&str> = findings(&r, "PyYAML", "4.2b1")
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(ids, HashSet::from(["PYSEC-2018-49", "PYSEC-2021-142"]));

    // urllib3 sits behind a marker: still audited, marker kept.
    let urllib3 = reqs.iter().find(|p| p.name == "urllib3").unwrap();
    assert_eq!(urllib3.version, "1.24.2");
    assert_eq!(urllib3.detail.as_deref(), Some("python_version == '3.3'"));
    let r = evaluate(&[osv(&f, "PYSEC-2021-108")], &reqs);
    assert_eq!(findings(&r, "urllib3", "1.24.2").len(), 1);

    // pypiwin32 is pinned twice with different markers: two packages.
    let pins: Vec<&str> = reqs
        .iter()
        .filter(|p| p.name == "pypiwin32")
        .map(|p| p.version.as_str())
        .collect();
    assert_eq!(pins, vec!["219", "223"]);

    // Go.
    let distribution = osv(&f, "GO-2021-0072");
    let m = "github.com/docker/distribution";
    assert!(hits(&distribution, "Go", m, "v2.6.2+incompatible"));
    assert!(!hits(&distribution, "Go", m, "v2.7.0-rc.0"));
    assert!(!hits(&distribution, "Go", m, "v2.7.0-rc.0+incompatible"));
    let jwt = osv(&f, "GO-2020-0017");
    let m = "github.com/dgrijalva/jwt-go";
    assert!(hits(&jwt, "Go", m, "v3.2.0+incompatible"));
    assert!(hits(&jwt, "Go", m, "v0.0.0-20150717181359-44718f8a89b0"));
    assert!(!hits(&jwt, "Go", m, "v0.0.0-20150101000000-aaaaaaaaaaaa"));

    // npm: the top-level send and the nested copy are both flagged.
    let express = lockfile(&f, "express-4.0.0-package-lock.json");
    let r = evaluate(&[osv(&f, "GHSA-m6fv-jmcg-4jfg")], &express);
    assert_eq!(findings(&r, "send", "0.2.0").len(), 1);
    let nested = findings(&r, "send", "0.1.4");
    assert_eq!(nested.len(), 1);
    assert_eq!(
        nested[0].locations,
        vec!["node_modules/serve-static/node_modules/send"]
    );
    // The v1 lockfile of the same tree gives the same two.
    let v1 = lockfile(&f, "express-4.0.0-package-lock-v1.json");
    let r1 = evaluate(&[osv(&f, "GHSA-m6fv-jmcg-4jfg")], &v1);
    assert_eq!(r1.vulnerabilities.len(), 2);
}

/// Case 10: Mixed range types and odd records.
#[test]
fn tc10_mixed_range_types_and_odd_records() {
    let f = fixtures_or_skip!();
    // GIT range first, then ECOSYSTEM; without `versions` the ECOSYSTEM
    // range alone must match.
    let mut requests = osv(&f, "PYSEC-2023-74");
    for a in &mut requests.affected {
        a.versions.clear();
    }
    assert_eq!(requests.affected[0].ranges[0].kind, "GIT");
    let v = versions::evaluate_all(&requests.affected, "2.22.0").unwrap();
    assert!(v.affected);
    assert!(v.unevaluated.iter().any(|r| r.starts_with("GIT")));
    assert!(hits(&requests, "PyPI", "requests", "2.22.0"));
    assert!(!hits(&requests, "PyPI", "requests", "2.31.0"));

    // An affected entry without a package (GIT only) is dropped quietly.
    let openssl = osv(&f, "CVE-2018-5407");
    assert!(!openssl.affected.is_empty());
    assert!(openssl.affected.iter().all(|a| !a.name.is_empty()));
    let gitonly = osv(&f, "CVE-2023-41045");
    assert!(gitonly.affected.is_empty());

    // Records with only an explicit versions list.
    let paranoid = osv(&f, "GHSA-4g4c-8gqh-m4vm");
    assert!(hits(&paranoid, "RubyGems", "paranoid2", "1.1.6"));
    assert!(!hits(&paranoid, "RubyGems", "paranoid2", "1.1.5"));
    let malware = osv(&f, "MAL-2024-10238");
    assert!(hits(&malware, "PyPI", "123bla", "0.0.1"));
    assert!(!hits(&malware, "PyPI", "123bla", "0.0.2"));

    // Three ecosystems, many ranges, CVSS v4: parsed and evaluated.
    let big = osv(&f, "GHSA-qppj-fm5r-hxr3");
    assert!(big.affected.len() >= 3);
    assert!(
        big.severity
            .iter()
            .any(|s| s.kind == "CVSS_V4" && s.score.is_some())
    );
    assert!(hits(&big, "Go", "golang.org/x/net", "v0.16.0"));
    assert!(!hits(&big, "Go", "golang.org/x/net", "v0.17.0"));
    assert!(hits(&big, "Go", "google.golang.org/grpc", "v1.58.2"));
    assert!(!hits(&big, "Go", "google.golang.org/grpc", "v1.58.3"));
    assert!(hits(
        &big,
        "SwiftURL",
        "github.com/apple/swift-nio-http2",
        "1.27.0"
    ));
}
