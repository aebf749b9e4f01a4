//! Tests for trend counting and candidate extraction.

use super::candidates::{GENERIC, is_generic};
use super::*;
use crate::model::ItemKind;

fn now() -> DateTime<Utc> {
    // A Wednesday.
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn item(n: usize, title: &str, days_ago: i64, tags: &[&str]) -> Item {
    Item {
        id: format!("i{n}"),
        kind: ItemKind::Article,
        source: "blog".into(),
        title: title.into(),
        body: String::new(),
        url: Some(format!("https://blog.example/{n}")),
        published: Some(now() - Duration::days(days_ago)),
        packages: vec![],
        tags: tags.iter().map(|s| s.to_string()).collect(),
        advisory: None,
    }
}

fn tracked(name: &str, aliases: &[&str]) -> TrackedTerm {
    TrackedTerm {
        name: name.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        in_stack: true,
    }
}

#[test]
fn generic_words_are_sorted_for_binary_search() {
    assert!(GENERIC.windows(2).all(|w| w[0] < w[1]));
    assert!(is_generic("the") && is_generic("announcing") && !is_generic("bun"));
}

#[test]
fn counts_per_iso_week_oldest_first() {
    let items = vec![
        item(1, "tokio tips", 0, &[]),
        item(2, "More tokio", 2, &[]),     // Monday of this week
        item(3, "tokio again", 3, &[]),    // Sunday: last week
        item(4, "old tokio", 7 * 20, &[]), // outside the window
    ];
    let r = trends(
        &items,
        &[tracked("tokio", &[])],
        now(),
        &TrendOptions::for_weeks(4),
    );
    assert_eq!(
        r.week_labels,
        ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    );
    assert_eq!(r.term("tokio").unwrap().counts, [0, 0, 1, 2]);
}

#[test]
fn aliases_and_phrases_count_once_per_item() {
    let items = vec![
        item(1, "tokio-rs/tokio: tokio and tokio-rs", 1, &[]),
        item(2, "Why we like trunk-based development", 1, &[]),
        item(3, "Tokio v1.47.1", 1, &[]),
    ];
    let r = trends(
        &items,
        &[
            tracked("tokio", &["tokio-rs"]),
            tracked("Trunk-based development", &[]),
        ],
        now(),
        &TrendOptions::for_weeks(4),
    );
    assert_eq!(r.term("tokio").unwrap().counts[3], 2);
    assert_eq!(r.term("trunk-based development").unwrap().counts[3], 1);
}

#[test]
fn rising_needs_growth_and_support() {
    let mut items = Vec::new();
    let mut n = 0;
    let mut add = |title: &str, days: i64, tags: &[&str]| {
        n += 1;
        items.push(item(n, title, days, tags));
    };
    // uv: nothing before, 4 mentions in the last 3 weeks → rising.
    for d in [1, 5, 9, 15] {
        add("A look at astral-sh/uv", d, &[]);
    }
    // Steady: one a week for 12 weeks → not rising.
    for w in 0..12 {
        add("Kubernetes notes", w * 7 + 1, &[]);
    }
    // Bun: rising but only 2 mentions → below support.
    add("Trying Bun", 2, &[]);
    add("Bun again", 3, &[]);
    let r = trends(
        &items,
        &[tracked("Kubernetes", &[])],
        now(),
        &TrendOptions::default(),
    );
    let uv = r.term("uv").expect("uv is a candidate");
    assert!(uv.rising && !uv.tracked, "{uv:?}");
    assert_eq!(uv.recent, 4);
    assert_eq!(uv.growth, 2.33);
    assert_eq!(uv.evidence.len(), 3);
    assert_eq!(uv.evidence[0], "https://blog.example/1", "newest first");
    let k = r.term("kubernetes").unwrap();
    assert!(!k.rising && k.tracked);
    assert!(r.term("bun").is_none(), "not rising, so not listed");
    let cands: Vec<&str> = r.candidates().map(|t| t.term.as_str()).collect();
    assert_eq!(cands, ["uv"]);
}

#[test]
fn candidates_come_from_names_tags_and_repos() {
    let i = item(
        1,
        "Announcing OpenTelemetry support in Node.js with The API and CI/CD",
        0,
        &["observability", "release"],
    );
    let c = candidates_in(&i);
    assert_eq!(c, ["Node.js", "OpenTelemetry", "observability"]);
    let i = item(2, "GraphQL at scale: denoland/deno 2.0", 0, &[]);
    assert_eq!(candidates_in(&i), ["GraphQL", "deno"]);
}

#[test]
fn title_case_headlines_and_advisories_give_no_plain_words() {
    let i = item(
        1,
        "Request Header Validation Bypass in Server Code via GraphQL",
        0,
        &[],
    );
    assert_eq!(candidates_in(&i), ["GraphQL"]);
    let mut adv = item(2, "Path Traversal in Deno", 0, &["severity", "high"]);
    adv.kind = ItemKind::Advisory;
    assert!(candidates_in(&adv).is_empty());
    // Sentence case keeps capitalised names.
    let i = item(3, "Trying Bun for our TypeScript test suite", 0, &[]);
    assert_eq!(candidates_in(&i), ["Bun", "TypeScript"]);
}

#[test]
fn output_is_stable() {
    let items: Vec<Item> = (0..30)
        .map(|n| item(n, &format!("Zig{} and Bun", n % 3), (n % 10) as i64, &[]))
        .collect();
    let a = trends(&items, &[], now(), &TrendOptions::default());
    let mut rev = items.clone();
    rev.reverse();
    let b = trends(&rev, &[], now(), &TrendOptions::default());
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}
