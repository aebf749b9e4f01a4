//! `radar digest` end to end: a real tantivy index and a real radar.toml +
//! stack.toml in a temp folder, driven through the binary with an injected
//! clock.

use crate::harness::{self, TeamRadar, utc};
use chrono::{DateTime, Utc};
use std::path::Path;
use std::process::Command;
use techradar::index::RadarIndex;
use techradar::model::{Advisory, Affected, Event, Item, ItemKind, Range, Severity};

const NOW: &str = "2026-11-30T08:00:00Z";

/// `radar` run in the team's folder.
fn radar(dir: &Path) -> Command {
    let mut c = harness::radar(NOW);
    c.current_dir(dir);
    c
}

fn at(s: &str) -> Option<DateTime<Utc>> {
    Some(utc(s))
}

fn item(id: &str, kind: ItemKind, source: &str, title: &str, published: &str) -> Item {
    Item {
        id: id.into(),
        kind,
        source: source.into(),
        title: title.into(),
        body: String::new(),
        url: Some(format!("https://example.test/{id}")),
        published: at(published),
        packages: vec![],
        tags: vec![],
        advisory: None,
    }
}

fn advisory(id: &str, package: &str, summary: &str, published: &str, fixed: &str) -> Item {
    let (eco, name) = package.split_once('/').unwrap();
    let mut it = item(id, ItemKind::Advisory, "advisories", summary, published);
    it.packages = vec![package.into()];
    it.advisory = Some(Box::new(Advisory {
        id: id.into(),
        aliases: vec![format!("CVE-{id}")],
        summary: summary.into(),
        published: at(published),
        modified: at(published),
        severity: vec![Severity {
            kind: "CVSS_V3".into(),
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N".into(),
            score: Some(8.2),
        }],
        affected: vec![Affected {
            ecosystem: eco.into(),
            name: name.into(),
            ranges: vec![Range {
                kind: "SEMVER".into(),
                events: vec![Event::Introduced("0".into()), Event::Fixed(fixed.into())],
            }],
            versions: vec![],
            patched: vec![],
        }],
        references: vec![
            "javascript:alert(1)".into(),
            "https://rustsec.test/a".into(),
        ],
        ..Advisory::default()
    }));
    it
}

/// A team radar with a stack of three techs and an index holding a week's
/// worth of mixed items (W48 = 23–29 Nov 2026).
fn team() -> TeamRadar {
    let dir = TeamRadar::new().stack(
        r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"
version = "1.38.0"

[[tech]]
name = "hyper"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/hyper"
version = "1.4.0"

[[tech]]
name = "serde"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/serde"

[[tech]]
name = "PostgreSQL"
quadrant = "platforms"
ring = "trial"
version = "16.4"
aliases = ["postgres"]
"#,
    );
    let index = RadarIndex::open_or_create(&dir.path().join("index")).unwrap();
    let mut w = index.writer().unwrap();
    let mut hostile = advisory(
        "RUSTSEC-2026-0002",
        "crates.io/tokio",
        "\u{1b}]0;pwned\u{7}\u{1b}[2Jbroadcast race <script>alert(1)</script>",
        "2026-11-26T09:00:00Z",
        "1.38.2",
    );
    hostile.advisory.as_mut().unwrap().severity.clear();
    let mut withdrawn = advisory(
        "RUSTSEC-2026-0003",
        "crates.io/hyper",
        "withdrawn one",
        "2026-11-26T09:00:00Z",
        "9.9.9",
    );
    withdrawn.advisory.as_mut().unwrap().withdrawn = at("2026-11-27T00:00:00Z");
    let mut items = vec![
        item(
            "r1",
            ItemKind::Release,
            "tokio releases",
            "tokio-1.41.1",
            "2026-11-25T10:00:00Z",
        ),
        item(
            "r2",
            ItemKind::Release,
            "tokio releases",
            "tokio-util 0.7.13",
            "2026-11-25T11:00:00Z",
        ),
        item(
            "r3",
            ItemKind::Release,
            "postgres news",
            "PostgreSQL 17.2 released",
            "2026-11-26T13:00:00Z",
        ),
        item(
            "r4",
            ItemKind::Release,
            "tokio releases",
            "tokio-1.41.0",
            "2026-11-18T10:00:00Z",
        ),
        item(
            "r5",
            ItemKind::Release,
            "other releases",
            "leftpad 2.0.0",
            "2026-11-25T10:00:00Z",
        ),
        item(
            "a0",
            ItemKind::Article,
            "blog",
            "Why tokio",
            "2026-11-25T10:00:00Z",
        ),
        advisory(
            "RUSTSEC-2026-0001",
            "crates.io/hyper",
            "Request smuggling",
            "2026-11-24T09:00:00Z",
            "1.4.2",
        ),
        hostile,
        withdrawn,
        advisory(
            "RUSTSEC-2026-0006",
            "crates.io/hyper",
            "fixed before our version",
            "2026-11-24T09:00:00Z",
            "1.3.0",
        ),
        advisory(
            "RUSTSEC-2026-0007",
            "crates.io/serde",
            "serde issue",
            "2026-11-25T09:00:00Z",
            "1.0.300",
        ),
        advisory(
            "RUSTSEC-2026-0004",
            "crates.io/not-ours",
            "not our package",
            "2026-11-24T09:00:00Z",
            "1.0.0",
        ),
        advisory(
            "RUSTSEC-2026-0005",
            "crates.io/hyper",
            "last week",
            "2026-11-17T09:00:00Z",
            "1.4.1",
        ),
    ];
    // The tokio source is bound to its package, as a `crate = "tokio"` source is.
    for i in items.iter_mut().filter(|i| i.source == "tokio releases") {
        i.packages = vec!["crates.io/tokio".into()];
    }
    for it in &items {
        w.upsert(it).unwrap();
    }
    w.commit().unwrap();
    dir
}

#[test]
fn markdown_digest_of_the_last_complete_week_goes_to_stdout() {
    let dir = team();
    let out = radar(dir.path()).arg("digest").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("2026-W48 (23–29 Nov 2026)"), "{md}");
    // Action needed: audit confirms hyper and tokio (versions in stack.toml);
    // scored hyper comes before unscored tokio; serde has no version, so it
    // is matched by name only and says so.
    let hyper = md.find("**hyper** 1.4.0 · fixed in 1.4.2").expect(&md);
    let tokio = md.find("**tokio** 1.38.0 · fixed in 1.38.2").expect(&md);
    let serde = md
        .find("**serde** (version not checked) · fixed in 1.0.300")
        .expect(&md);
    // Same severity: the confirmed finding first; unscored last.
    assert!(hyper < serde && serde < tokio, "{md}");
    assert!(
        md.contains("Upgrade hyper 1.4.0 to >=1.4.2 (stack.toml)"),
        "{md}"
    );
    assert!(md.contains("Upgrade serde to 1.0.300 or later"), "{md}");
    assert!(md.contains("[rustsec.test](https://rustsec.test/a)"));
    assert!(!md.contains("javascript"));
    for absent in [
        "withdrawn one",
        "not our package",
        "fixed before our version",
        "last week",
        "tokio-1.41.0",
        "leftpad",
        "Why tokio",
    ] {
        assert!(
            !md.contains(absent),
            "{absent} should not be in the W48 digest:\n{md}"
        );
    }
    // Releases of our stack, majors called out.
    assert!(
        md.contains("- [tokio-1.41.1](https://example.test/r1)"),
        "{md}"
    );
    assert!(
        md.contains("[tokio-util 0.7.13]"),
        "tokio-util comes from the tokio source: {md}"
    );
    // An unbound source's title is news, never a Major release.
    assert!(
        !md.contains("- **Major:** [PostgreSQL 17.2 released]"),
        "{md}"
    );
    assert!(
        md.contains("[PostgreSQL 17.2 released](https://example.test/r3): names PostgreSQL 17.2"),
        "{md}"
    );
    // The radar: the stack as blips.
    assert!(
        md.contains("1. PostgreSQL") || md.contains("1\\. PostgreSQL"),
        "{md}"
    );
    // Hostile summary: no escape sequence and no tag reach the terminal.
    assert!(!md.contains('\u{1b}') && !md.contains('\u{7}'));
    assert!(md.contains("&lt;script>"));
}

#[test]
fn week_flag_picks_another_week() {
    let dir = team();
    let out = radar(dir.path())
        .args(["digest", "--week", "2026-W47"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("2026-W47"));
    assert!(md.contains("tokio-1.41.0"));
    assert!(md.contains("last week"));
    assert!(!md.contains("tokio-1.41.1"));
}

#[test]
fn html_goes_to_the_digest_folder_by_default() {
    let dir = team();
    let out = radar(dir.path())
        .args(["digest", "--format", "html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("digests/digest-2026-W48.html");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        path.display().to_string()
    );
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<g class=\"blip\"").count(), 4);
    assert!(!page.contains("<script"));
}

#[test]
fn out_extension_chooses_the_format() {
    let dir = team();
    let out = radar(dir.path())
        .args(["digest", "--out", "week.html"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = std::fs::read_to_string(dir.path().join("week.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    let out = radar(dir.path())
        .args(["digest", "--out", "sub/week.md"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let md = std::fs::read_to_string(dir.path().join("sub/week.md")).unwrap();
    assert!(md.starts_with("# Tech radar digest, 2026-W48"));
}

#[test]
fn a_bad_week_is_a_clear_error() {
    let dir = team();
    let out = radar(dir.path())
        .args(["digest", "--week", "2026-48"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("write it as 2026-W48"), "{err}");
}

#[test]
fn a_missing_index_says_what_to_run() {
    let dir = TeamRadar::new();
    let out = radar(dir.path()).arg("digest").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("radar crawl"), "{err}");
}

#[test]
fn lockfile_versions_confirm_advisories_and_judge_majors() {
    let dir = TeamRadar::new()
        .stack(
            r#"
[[tech]]
name = "serde"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/serde"

[[lockfile]]
path = "Cargo.lock"
"#,
        )
        .file(
            "Cargo.lock",
            r#"version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "serde"
version = "1.0.100"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#,
        );
    let index = RadarIndex::open_or_create(&dir.path().join("index")).unwrap();
    let mut w = index.writer().unwrap();
    let mut release = item(
        "s1",
        ItemKind::Release,
        "serde releases",
        "serde v2.0.0",
        "2026-11-24T10:00:00Z",
    );
    release.packages = vec!["crates.io/serde".into()];
    for it in [
        release,
        advisory(
            "RUSTSEC-2026-0010",
            "crates.io/serde",
            "serde is affected",
            "2026-11-25T09:00:00Z",
            "1.0.150",
        ),
        advisory(
            "RUSTSEC-2026-0011",
            "crates.io/serde",
            "serde was affected",
            "2026-11-25T09:00:00Z",
            "1.0.50",
        ),
    ] {
        w.upsert(&it).unwrap();
    }
    w.commit().unwrap();
    drop(w);

    let out = radar(dir.path()).arg("digest").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("**serde** 1.0.100 · fixed in 1.0.150"), "{md}");
    assert!(
        md.contains("Upgrade serde 1.0.100 to >=1.0.150 (Cargo.lock)"),
        "{md}"
    );
    assert!(!md.contains("version not checked"), "{md}");
    assert!(
        !md.contains("serde was affected"),
        "1.0.100 is past that fix: {md}"
    );
    assert!(md.contains("### serde (we run 1.0.100)"), "{md}");
    assert!(md.contains("- **Major:** [serde v2.0.0]"), "{md}");
}

#[test]
fn entries_and_trends_fill_movement_proposals_and_emerging() {
    let dir = TeamRadar::new()
        .stack(
            r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"

[[tech]]
name = "Kubernetes"
quadrant = "platforms"
ring = "trial"

[[tech]]
name = "Bun"
quadrant = "platforms"
ring = "assess"
"#,
        )
        .entry(
            "languages-and-frameworks/tokio.md",
            r#"+++
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
proposed = "hold"
score = -0.5

[[signal]]
kind = "advisory"
weight = -0.5
because = "RUSTSEC-2026-0002 affects 1.38.0 <b>now</b>"
url = "https://rustsec.test/RUSTSEC-2026-0002"

[[signal]]
kind = "release"
weight = 0.1
because = "tokio 1.41.1 released"

[[history]]
date = 2024-01-15
ring = "trial"

[[history]]
date = 2026-11-24
ring = "adopt"
from = "trial"
+++
Our runtime.
"#,
        )
        .entry(
            "platforms/kubernetes.md",
            r#"+++
name = "Kubernetes"
quadrant = "platforms"
ring = "hold"

[[history]]
date = 2025-01-01
ring = "trial"

[[history]]
date = 2026-11-26
ring = "hold"
from = "trial"
+++
"#,
        )
        .entry(
            "tools/zig-build.md",
            r#"+++
name = "zig build"
quadrant = "tools"
ring = "assess"

[[history]]
date = 2026-11-25
ring = "assess"
+++
"#,
        );
    let root = dir.path();
    let index = RadarIndex::open_or_create(&root.join("index")).unwrap();
    let mut w = index.writer().unwrap();
    for (i, day) in [
        "2026-11-10",
        "2026-11-17",
        "2026-11-18",
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
    ]
    .iter()
    .enumerate()
    {
        let it = item(
            &format!("b{i}"),
            ItemKind::Article,
            // Two sources: one feed repeating a name is not a trend.
            ["blog", "news"][i % 2],
            &format!("Moving a service to Bun, part {i}"),
            &format!("{day}T10:00:00Z"),
        );
        w.upsert(&it).unwrap();
    }
    // Both feeds were crawled long before: only sources with history can
    // make a term rise.
    for source in ["blog", "news"] {
        let old = item(
            &format!("{source}-first"),
            ItemKind::Article,
            source,
            "Hello from our team",
            "2026-05-04T10:00:00Z",
        );
        w.upsert(&old).unwrap();
    }
    w.commit().unwrap();
    drop(w);

    let out = radar(root).arg("digest").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    // Movement from [[history]] dated in W48.
    assert!(md.contains("tokio ▲ moved in"), "{md}");
    assert!(md.contains("Kubernetes ▼ moved out"), "{md}");
    assert!(md.contains("zig build ★ new"), "{md}");
    // The entry's ring wins over stack.toml's (Kubernetes: trial → hold).
    assert!(md.contains("- **Hold:** "), "{md}");
    // The pending proposal, strongest reason first, escaped.
    let p = md
        .find("- **tokio** (Languages & Frameworks): Adopt → Hold")
        .expect(&md);
    let a = md
        .find("RUSTSEC-2026-0002 affects 1.38.0 &lt;b>now&lt;/b>")
        .expect(&md);
    let r = md.find("tokio 1.41.1 released").expect(&md);
    assert!(p < a && a < r, "{md}");
    // Bun is rising over the 12 weeks ending with W48.
    assert!(md.contains("## Emerging"), "{md}");
    assert!(md.contains("- **Bun** "), "{md}");
    assert!(
        md.contains("0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3) · in our stack"),
        "{md}"
    );
}

/// A team with no Rust at all: PyPI, npm and RubyGems techs spelled as a
/// lead writes them (`pypi/Django_REST_framework`), versions from a
/// poetry.lock, a pnpm-lock.yaml and stack.toml. Releases and action-needed
/// rows work as they do for crates.io.
#[test]
fn releases_and_actions_cover_every_ecosystem() {
    let dir = TeamRadar::new()
        .stack(
            r#"
[[tech]]
name = "Django"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "pypi/Django"

[[tech]]
name = "uvicorn"
quadrant = "platforms"
ring = "adopt"
package = "PyPI/uvicorn"

[[tech]]
name = "DRF"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "pypi/Django_REST_framework"

[[tech]]
name = "left-pad"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "npm/left-pad"

[[tech]]
name = "rack"
quadrant = "platforms"
ring = "adopt"
package = "rubygems/rack"
version = "3.0.8"

[[lockfile]]
path = "ml/poetry.lock"

[[lockfile]]
path = "web/pnpm-lock.yaml"
"#,
        )
        .file(
            "ml/poetry.lock",
            "[[package]]\nname = \"Django\"\nversion = \"4.2.1\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.8\"\nfiles = []\n\n\
             [[package]]\nname = \"uvicorn\"\nversion = \"0.29.0\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.8\"\nfiles = []\n\n\
             [metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.11\"\ncontent-hash = \"0\"\n",
        )
        .file(
            "web/pnpm-lock.yaml",
            "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.1.0\n        version: 1.1.0\npackages:\n  left-pad@1.1.0:\n    resolution: {integrity: x}\nsnapshots:\n  left-pad@1.1.0: {}\n",
        );
    let index = RadarIndex::open_or_create(&dir.path().join("index")).unwrap();
    let mut w = index.writer().unwrap();
    let release = |id: &str, package: &str, title: &str| {
        let mut r = item(
            id,
            ItemKind::Release,
            package,
            title,
            "2026-11-24T10:00:00Z",
        );
        r.packages = vec![package.into()];
        r
    };
    let ecosystem_ranges = |mut it: Item| {
        for a in &mut it.advisory.as_mut().unwrap().affected {
            for r in &mut a.ranges {
                r.kind = "ECOSYSTEM".into();
            }
        }
        it
    };
    for it in [
        // Tagged as derived sources tag them (the canonical key).
        release("d1", "PyPI/django", "5.0"),
        release("u1", "PyPI/uvicorn", "0.30.0"),
        release("l1", "npm/left-pad", "left-pad 1.3.0"),
        advisory(
            "GHSA-lp",
            "npm/left-pad",
            "left-pad pads wrong",
            "2026-11-25T09:00:00Z",
            "1.3.0",
        ),
        ecosystem_ranges(advisory(
            "GHSA-rk",
            "RubyGems/rack",
            "rack parses wrong",
            "2026-11-25T09:00:00Z",
            "3.0.9.1",
        )),
        // OSV spells the PyPI name normalised; stack.toml does not.
        ecosystem_ranges(advisory(
            "GHSA-drf",
            "PyPI/djangorestframework-x",
            "unrelated package",
            "2026-11-25T09:00:00Z",
            "1.0",
        )),
        ecosystem_ranges(advisory(
            "GHSA-drf2",
            "PyPI/django-rest-framework",
            "DRF escapes wrong",
            "2026-11-25T09:00:00Z",
            "3.15.2",
        )),
    ] {
        w.upsert(&it).unwrap();
    }
    w.commit().unwrap();
    drop(w);

    let out = radar(dir.path()).arg("digest").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    // Releases: versions from poetry.lock and pnpm-lock.yaml; a PyPI 0.x
    // minor is not a major step, a 4 → 5 is.
    assert!(md.contains("### Django (we run 4.2.1)"), "{md}");
    assert!(md.contains("- **Major:** [5.0]"), "{md}");
    assert!(md.contains("### uvicorn (we run 0.29.0)"), "{md}");
    assert!(!md.contains("**Major:** [0.30.0]"), "{md}");
    assert!(md.contains("### left-pad (we run 1.1.0)"), "{md}");
    // Action needed: confirmed by audit for npm (lockfile) and RubyGems
    // (stack.toml version); matched by name for the unpinned PyPI tech.
    assert!(md.contains("**left-pad** 1.1.0 · fixed in 1.3.0"), "{md}");
    assert!(md.contains("(pnpm-lock.yaml)"), "{md}");
    assert!(md.contains("**rack** 3.0.8 · fixed in 3.0.9.1"), "{md}");
    assert!(
        md.contains("**DRF** (version not checked) · fixed in 3.15.2"),
        "{md}"
    );
    assert!(md.contains("Upgrade DRF to 3.15.2 or later"), "{md}");
    assert!(!md.contains("unrelated package"), "{md}");
}
