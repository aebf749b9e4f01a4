//! Tests for OSV range evaluation, range validation and ecosystem names.

use super::*;
use crate::model::{Affected, Event, Range};

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
        "Hackage",
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
