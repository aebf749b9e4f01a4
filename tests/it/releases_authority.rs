//! Releases only from sources bound to a tech, through the real binary: a
//! feed titled "tokio 9.9.9" next to the stack is news in the digest
//! (flagged as far above the newest real release), never a release, a
//! Major, or a `release`/`major` signal on tokio's entry.

use crate::harness::{TeamRadar, parse_json, row};
use chrono::{DateTime, Utc};
use techradar::index::RadarIndex;
use techradar::model::{Item, ItemKind};

const NOW: &str = "2026-11-25T10:00:00Z";

const STACK: &str = r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"
version = "1.38.0"

[[tech]]
name = "axum"
quadrant = "languages-and-frameworks"
ring = "trial"
package = "crates.io/axum"
version = "0.7.5"
repo = "tokio-rs/axum"
"#;

fn at(s: &str) -> Option<DateTime<Utc>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
}

fn item(id: &str, source: &str, title: &str, url: &str, packages: &[&str], day: &str) -> Item {
    Item {
        id: id.into(),
        kind: ItemKind::Release,
        source: source.into(),
        title: title.into(),
        body: String::new(),
        url: Some(url.into()),
        published: at(&format!("{day}T09:00:00Z")),
        packages: packages.iter().map(|s| s.to_string()).collect(),
        tags: vec![],
        advisory: None,
    }
}

fn team(items: &[Item]) -> TeamRadar {
    let team = TeamRadar::new().stack(STACK);
    let index = RadarIndex::open_or_create(&team.index()).unwrap();
    let mut w = index.writer().unwrap();
    for i in items {
        w.upsert(i).unwrap();
    }
    w.commit().unwrap();
    team
}

fn run(team: &TeamRadar, args: &[&str]) -> String {
    let out = team.command(NOW, args).output().unwrap();
    assert!(
        out.status.success(),
        "radar {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_feed_claiming_a_release_is_news_and_never_a_signal() {
    let team = team(&[
        item(
            "real",
            "tokio releases",
            "tokio-1.47.1",
            "https://github.com/tokio-rs/tokio/releases/tag/tokio-1.47.1",
            &["crates.io/tokio"],
            "2026-11-17",
        ),
        item(
            "fake",
            "Hacker digest",
            "tokio 9.9.9",
            "https://hostile.example/tokio-9",
            &[],
            "2026-11-18",
        ),
        item(
            "lookalike",
            "Hacker digest",
            "axum v2.0.0",
            "https://github.com/evil/axum/releases/tag/v2.0.0",
            &[],
            "2026-11-19",
        ),
        // The tech's own repository is authoritative without a package.
        item(
            "axum-own",
            "axum on GitHub",
            "axum v0.8.0",
            "https://github.com/tokio-rs/axum/releases/tag/axum-v0.8.0",
            &[],
            "2026-11-20",
        ),
    ]);
    let md = run(&team, &["digest"]);
    let releases = &md[md.find("## Releases of our stack").expect(&md)..];
    let releases = &releases[..releases.find("\n## ").map_or(releases.len(), |e| e + 1)];
    assert!(!releases.contains("9.9.9"), "{md}");
    assert!(!releases.contains("2.0.0"), "{md}");
    assert!(releases.contains("tokio-1.47.1"), "{md}");
    assert!(releases.contains("**Major:** [axum v0.8.0]"), "{md}");
    let news = &md[md.find("## News naming our stack").expect(&md)..];
    assert!(news.contains("- *Hacker digest*"), "{md}");
    assert!(
        news.contains(
            "⚠ claims tokio 9.9.9, far above the newest release seen (1.47.1): not trusted"
        ),
        "{md}"
    );
    // A look-alike repository is not the tech's own: news, and 2.0 after
    // 0.8 is not believed either.
    assert!(
        news.contains("⚠ claims axum 2.0.0, far above the newest release seen (0.8.0)"),
        "{md}"
    );

    let report = parse_json(&run(&team, &["update", "--json"]));
    let tokio = row(&report["entries"], "name", "tokio");
    let reasons: Vec<&str> = tokio["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["tokio 1.47.1 released 2026-11-17"], "{tokio:#}");
    let axum = row(&report["entries"], "name", "axum");
    assert_eq!(
        axum["reasons"],
        serde_json::json!([
            "axum 0.8.0 released 2026-11-20",
            "axum 0.8.0 is a new major (you run 0.7.5): trial the upgrade"
        ]),
        "{axum:#}"
    );
    let entry = std::fs::read_to_string(
        team.path()
            .join("entries/languages-and-frameworks/tokio.md"),
    )
    .unwrap();
    assert!(
        !entry.contains("9.9.9") && !entry.contains("kind = \"major\""),
        "{entry}"
    );
}
