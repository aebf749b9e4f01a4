//! osv-scalibr's lockfile extraction cases, ported. The inputs are in
//! `../shared/fixtures/lockfiles/osv-scalibr/<kind>/testdata`; what
//! osv-scalibr expects of each is in `tests/fixtures/scalibr/<kind>.json`,
//! written by `scripts/scalibr_expectations.py` from its `*_test.go`.
//!
//! Per case we compare: the multiset of (name, version); that a package
//! osv-scalibr gives a commit is `git` here; that one it puts in the `dev`
//! group is `dev: true` here; and that an expected error is an error.
//! Where we deliberately differ, `DIFFERS` says why, and the test checks
//! that the case still differs (so a fixed difference is noticed).

use serde::Deserialize;
use std::collections::BTreeMap;
use techradar::stack::{Format, PackageSource, parse_lockfile_as};

#[derive(Deserialize)]
struct Expected {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    path: String,
    error: Option<String>,
    packages: Vec<Want>,
    origin: String,
}

#[derive(Deserialize)]
struct Want {
    name: String,
    version: Option<String>,
    commit: String,
    groups: Option<Vec<String>>,
}

const KINDS: &[(&str, Format, &str)] = &[
    ("pnpmlock", Format::Pnpm, "npm"),
    ("yarnlock", Format::Yarn, "npm"),
    ("poetrylock", Format::Poetry, "PyPI"),
    ("uvlock", Format::Uv, "PyPI"),
    ("pipfilelock", Format::Pipfile, "PyPI"),
    ("pdmlock", Format::Pdm, "PyPI"),
    ("gemfilelock", Format::Gemfile, "RubyGems"),
    ("composerlock", Format::Composer, "Packagist"),
    ("bunlock", Format::Bun, "npm"),
    ("gradlelockfile", Format::Gradle, "Maven"),
    ("pomxml", Format::Pom, "Maven"),
    ("packageslockjson", Format::NuGet, "NuGet"),
    ("pubspec", Format::Pubspec, "Pub"),
    ("mixlock", Format::MixLock, "Hex"),
];

/// Kinds whose osv-scalibr `Commit` field holds something else than a
/// commit: mix.lock's is the Hex package checksum, which we keep as
/// `checksum …` (a checksum is not a git commit).
const COMMIT_WORD: &[(&str, &str)] = &[("mixlock", "checksum")];

/// (kind, case name, origin test file, why we differ).
const DIFFERS: &[(&str, &str, &str, &str)] = &[
    (
        "yarnlock",
        "with prerelease",
        "yarnlock-v2_test.go",
        WORKSPACE,
    ),
    (
        "yarnlock",
        "with build string",
        "yarnlock-v2_test.go",
        WORKSPACE,
    ),
    ("yarnlock", "with aliases", "yarnlock-v2_test.go", WORKSPACE),
    ("yarnlock", "exclude root", "yarnlock-v2_test.go", WORKSPACE),
    ("uvlock", "one package", "uvlock_test.go", UV_ROOT),
    ("uvlock", "two packages", "uvlock_test.go", UV_ROOT),
    ("uvlock", "source git", "uvlock_test.go", UV_ROOT),
    ("uvlock", "grouped packages", "uvlock_test.go", UV_ROOT),
    (
        "gemfilelock",
        "invalid spec",
        "gemfilelock_test.go",
        "a spec line without `(version)` is an error naming the line, not an empty result",
    ),
    (
        "gradlelockfile",
        "with invalid lines",
        "gradlelockfile_test.go",
        NO_PARTIAL,
    ),
    (
        "mixlock",
        "mix.lock file that has a valid and a corrupted package",
        "mixlock_test.go",
        NO_PARTIAL,
    ),
    (
        "pomxml",
        "with parent",
        "pomxml_test.go",
        "we read no parent pom (only this pom's properties and dependencyManagement): `dave` is managed by the parent and `frank` has no version anywhere, so both are listed as skipped",
    ),
];
const NO_PARTIAL: &str = "a line we cannot read is an error naming it, never a silent partial read (osv-scalibr skips the line)";
const WORKSPACE: &str = "we keep the project's own workspace packages (yarn's `0.0.0-use.local`), marked `workspace`; audit skips them";
const UV_ROOT: &str = "we keep the project itself (a `virtual`/`editable` source), marked `workspace`; audit skips it";

fn outcome(
    kind: &str,
    format: Format,
    ecosystem: &str,
    dir: &std::path::Path,
    c: &Case,
) -> Result<(), String> {
    let file = dir.join(&c.path);
    let text =
        std::fs::read_to_string(&file).map_err(|e| format!("read {}: {e}", file.display()))?;
    let got = parse_lockfile_as(format, &file, &text);
    let got = match (got, &c.error) {
        (Err(e), Some(_)) => {
            let msg = e.to_string();
            if !msg.contains(&file.display().to_string()) {
                return Err(format!("error does not name the file: {msg}"));
            }
            return Ok(());
        }
        (Ok(l), Some(want)) => {
            return Err(format!(
                "osv-scalibr errors ({want}); we read {} packages",
                l.packages.len()
            ));
        }
        (Err(e), None) => return Err(format!("we error: {e}")),
        (Ok(l), None) => l,
    };
    let canon = |n: &str| techradar::model::canonical_name(ecosystem, n);
    let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
    for w in &c.packages {
        *want
            .entry((canon(&w.name), w.version.clone().unwrap_or_default()))
            .or_default() += 1;
    }
    let mut have: BTreeMap<(String, String), usize> = BTreeMap::new();
    for p in &got.packages {
        assert_eq!(p.ecosystem, ecosystem, "{kind}/{}", c.name);
        *have.entry((canon(&p.name), p.version.clone())).or_default() += 1;
    }
    if want != have {
        let missing: Vec<_> = want.keys().filter(|k| !have.contains_key(*k)).collect();
        let extra: Vec<_> = have.keys().filter(|k| !want.contains_key(*k)).collect();
        return Err(format!(
            "packages differ: missing {missing:?}, extra {extra:?}"
        ));
    }
    for w in &c.packages {
        let v = w.version.clone().unwrap_or_default();
        let ours: Vec<_> = got
            .packages
            .iter()
            .filter(|p| canon(&p.name) == canon(&w.name) && p.version == v)
            .collect();
        let word = COMMIT_WORD
            .iter()
            .find(|(k, _)| k == &kind)
            .map_or("commit", |(_, w)| w);
        let commit = format!("{word} {}", w.commit);
        if !w.commit.is_empty()
            && !ours
                .iter()
                .any(|p| p.detail.as_deref() == Some(commit.as_str()))
        {
            return Err(format!(
                "{} {v}: osv-scalibr has commit {}, ours {:?}",
                w.name,
                w.commit,
                ours.iter()
                    .map(|p| (&p.detail, p.source))
                    .collect::<Vec<_>>()
            ));
        }
        // A package only osv-scalibr's git extraction sees is git here too.
        if !w.commit.is_empty()
            && ecosystem == "npm"
            && ours.iter().any(|p| p.source == PackageSource::Registry)
        {
            return Err(format!(
                "{} {v}: has a commit but we call it a registry package",
                w.name
            ));
        }
        let dev = w
            .groups
            .as_ref()
            .is_some_and(|g| g.iter().any(|g| g == "dev"));
        if dev && !ours.iter().any(|p| p.dev == Some(true)) {
            return Err(format!(
                "{} {v}: osv-scalibr says dev, ours does not",
                w.name
            ));
        }
    }
    Ok(())
}

#[test]
fn osv_scalibr_cases() {
    let root = fixtures_or_skip!("lockfiles/osv-scalibr");
    let mut table = String::from("| kind | ported | identical | differing |\n|---|---|---|---|\n");
    let mut failures = Vec::new();
    for (kind, format, ecosystem) in KINDS {
        let expected: Expected = serde_json::from_str(
            &std::fs::read_to_string(crate::harness::fixture(&format!("scalibr/{kind}.json")))
                .unwrap(),
        )
        .unwrap();
        let dir = root.join(kind);
        let (mut same, mut differ) = (0, 0);
        for c in &expected.cases {
            let known = DIFFERS
                .iter()
                .find(|d| d.0 == *kind && d.1 == c.name && d.2 == c.origin);
            match (outcome(kind, *format, ecosystem, &dir, c), known) {
                (Ok(()), None) => same += 1,
                (Err(_), Some(_)) => differ += 1,
                (Ok(()), Some(d)) => failures.push(format!(
                    "{kind} / {} ({}): listed as differing ({}) but now matches",
                    c.name, c.origin, d.3
                )),
                (Err(e), None) => failures.push(format!("{kind} / {} ({}): {e}", c.name, c.origin)),
            }
        }
        table.push_str(&format!(
            "| {kind} | {} | {same} | {differ} |\n",
            expected.cases.len()
        ));
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
