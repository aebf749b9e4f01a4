//! Tests for release matching, major detection and advisory actions.

use chrono::{DateTime, Utc};
use std::path::Path;

use super::actions::{advisory_in_week, upgrade_hint};
use super::stack::{StackMatcher, is_major, name_candidates, release_version};
use crate::digest::IsoWeek;
use crate::model::{Advisory, Informational, Item, ItemKind};

#[test]
fn versions_come_from_release_titles() {
    for (title, want) in [
        ("tokio-1.41.1", Some("1.41.1")),
        ("Tokio v1.41.1", Some("1.41.1")),
        ("PostgreSQL 17.2 released", Some("17.2")),
        ("axum v0.8.0-rc.1", Some("0.8.0-rc.1")),
        ("express@5.0.0", Some("5.0.0")),
        ("Release notes for 2026-11-20", None),
        ("Kubernetes v1.31.4.", Some("1.31.4")),
        ("dev1.2 nonsense", None),
        ("Python 3.13", Some("3.13")),
    ] {
        assert_eq!(release_version(title).as_deref(), want, "{title}");
    }
}

#[test]
fn majors_are_judged_against_what_we_run() {
    let cargo = Some("crates.io/tokio");
    assert!(is_major("2.0.0", Some("1.38.0"), cargo));
    assert!(!is_major("1.41.0", Some("1.38.0"), cargo));
    assert!(is_major("0.8.0", Some("0.7.9"), cargo));
    assert!(!is_major("0.7.10", Some("0.7.9"), cargo));
    assert!(is_major("17.2", Some("16.4"), None));
    assert!(is_major("3.0.0", None, None));
    assert!(!is_major("3.0.1", None, None));
    // Caret ecosystems treat a 0.x minor as breaking; PyPI and Go do not.
    assert!(is_major("0.9.0", Some("0.8.2"), Some("npm/undici")));
    assert!(!is_major("0.9.0", Some("0.8.2"), Some("pypi/uvicorn")));
    assert!(!is_major(
        "v0.9.0",
        Some("v0.8.2"),
        Some("Go/golang.org/x/net")
    ));
    // Versions as other ecosystems write them.
    assert!(is_major("5.0.0rc1", Some("4.2.11"), Some("PyPI/django")));
    assert!(!is_major(
        "1.16.0.rc1",
        Some("1.15.5"),
        Some("RubyGems/nokogiri")
    ));
    assert!(is_major(
        "v2.0.0",
        Some("v1.9.1"),
        Some("Go/github.com/gin-gonic/gin")
    ));
}

#[test]
fn tech_names_match_whole_words() {
    let cands = |w: &str| name_candidates(w).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(cands("tokio"), ["tokio"]);
    assert_eq!(cands("tokio-1.41.1"), ["tokio-1.41.1", "tokio"]);
    assert_eq!(cands("tokio@1.4"), ["tokio@1.4", "tokio"]);
    assert_eq!(cands("axum-v0.8.0"), ["axum-v0.8.0", "axum"]);
    assert_eq!(cands("tokio-util"), ["tokio-util"]);
    assert_eq!(
        cands("tokio-util-0.7.1"),
        ["tokio-util-0.7.1", "tokio-util"]
    );
}

#[test]
fn releases_match_the_first_tech_by_package_then_name() {
    let stack = crate::config::parse_stack(
        r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"
[[tech]]
name = "PostgreSQL"
quadrant = "platforms"
ring = "adopt"
aliases = ["postgres"]
[[tech]]
name = "Trunk-based development"
quadrant = "techniques"
ring = "adopt"
"#,
        Path::new("stack.toml"),
    )
    .unwrap();
    let m = StackMatcher::new(&stack.techs);
    let release = |source: &str, title: &str, packages: &[&str]| Item {
        id: "x".into(),
        kind: ItemKind::Release,
        source: source.into(),
        title: title.into(),
        body: String::new(),
        url: None,
        published: None,
        packages: packages.iter().map(|p| p.to_string()).collect(),
        tags: vec![],
        advisory: None,
    };
    let name = |i: &Item| m.release_tech(i).map(|t| t.name.as_str());
    assert_eq!(
        name(&release("feed", "v1.2.3", &["crates.io/Tokio"])),
        Some("tokio")
    );
    // Only a bound source announces a release: names in titles or source
    // names are news at most.
    assert_eq!(name(&release("Postgres news", "17.2 released", &[])), None);
    assert_eq!(name(&release("gh", "tokio-1.41.1", &[])), None);
    assert_eq!(
        name(&release("other", "tokio-1.41.1", &["crates.io/serde"])),
        None
    );
    let news = |title: &str| {
        m.named_with_version(&release("blog", title, &[]))
            .map(|(t, v)| (t.name.clone(), v))
    };
    assert_eq!(
        news("tokio-1.41.1"),
        Some(("tokio".into(), "1.41.1".into()))
    );
    assert_eq!(news("tokio-util 0.7.13"), None, "another crate");
    assert_eq!(
        news("Postgres 17.2 released"),
        Some(("PostgreSQL".into(), "17.2".into()))
    );
    assert_eq!(news("On trunk-based development"), None, "no version");
    // The version beside the name, not the title's first.
    for (title, want) in [
        ("postgres 17.2 and tokio 1.0", Some(("tokio", "1.0"))),
        (
            "What's new: PostgreSQL 17.2 and tokio",
            Some(("PostgreSQL", "17.2")),
        ),
        (
            "Upgrading from 17.2: tokio 1.0 notes",
            Some(("tokio", "1.0")),
        ),
        ("tokio version 1.5.0 is out", Some(("tokio", "1.5.0"))),
        ("Django 5.1 lands, tokio 2.0 next", Some(("tokio", "2.0"))),
        (
            "Trunk-based development 2.0 for tokio users",
            Some(("Trunk-based development", "2.0")),
        ),
        ("tokio in 2026: 1.0 is five", None),
        ("Version 9.9.9 of tokio", None),
    ] {
        assert_eq!(
            news(title),
            want.map(|(t, v)| (t.to_string(), v.to_string())),
            "{title}"
        );
    }
}

#[test]
fn an_advisory_changed_this_week_counts_even_if_published_earlier() {
    let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
    let week = IsoWeek::parse("2026-W48").unwrap();
    let item = Item {
        id: "x".into(),
        kind: ItemKind::Advisory,
        source: "osv".into(),
        title: "t".into(),
        body: String::new(),
        url: None,
        published: at("2025-01-01T00:00:00Z"),
        packages: vec![],
        tags: vec![],
        advisory: None,
    };
    let mut adv = Advisory {
        published: at("2025-01-01T00:00:00Z"),
        modified: at("2026-11-25T00:00:00Z"),
        ..Advisory::default()
    };
    assert!(advisory_in_week(&item, &adv, week));
    adv.modified = at("2026-11-30T00:00:00Z");
    assert!(
        !advisory_in_week(&item, &adv, week),
        "next Monday is outside"
    );
}

#[test]
fn hint_picks_the_smallest_fix_above_our_version() {
    let fixed = vec!["1.4.2".to_string(), "1.5.1".to_string()];
    assert_eq!(
        upgrade_hint("hyper", Some("1.5.0"), &fixed, None),
        "Upgrade hyper to 1.5.1 or later"
    );
    assert_eq!(
        upgrade_hint("hyper", Some("1.4.0"), &fixed, None),
        "Upgrade hyper to 1.4.2 or later"
    );
    assert_eq!(
        upgrade_hint("hyper", None, &[], None),
        "No fixed hyper version yet: check the advisory for a workaround"
    );
    assert!(
        upgrade_hint("x", None, &[], Some(Informational::Unmaintained)).contains("replacement")
    );
}
