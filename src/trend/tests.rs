//! Tests for trend counting and candidate extraction.

use super::candidates::{GENERIC, candidates_in, is_generic};
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
fn counts_per_iso_week_oldest_first_ending_with_the_last_complete_week() {
    let items = vec![
        item(1, "tokio tips", 0, &[]),     // this (partial) week: left out
        item(2, "More tokio", 2, &[]),     // Monday of this week: left out
        item(3, "tokio again", 3, &[]),    // Sunday: last week
        item(4, "tokio earlier", 10, &[]), // the week before
        item(5, "old tokio", 7 * 20, &[]), // outside the window
    ];
    let r = trends(
        &items,
        &[tracked("tokio", &[])],
        now(),
        &TrendOptions::for_weeks(4),
    );
    assert_eq!(
        r.week_labels,
        ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    );
    assert_eq!(r.term("tokio").unwrap().counts, [0, 0, 1, 1]);
    // `--week` picks another last week.
    let r = trends_ending(
        &items,
        &[tracked("tokio", &[])],
        now().date_naive(),
        &TrendOptions::for_weeks(4),
    );
    assert_eq!(r.week_labels.last().unwrap(), "2026-W48");
    assert_eq!(r.term("tokio").unwrap().counts, [0, 1, 1, 2]);
}

#[test]
fn aliases_and_phrases_count_once_per_item() {
    let items = vec![
        item(1, "tokio-rs/tokio: tokio and tokio-rs", 3, &[]),
        item(2, "Why we like trunk-based development", 3, &[]),
        item(3, "Tokio v1.47.1", 3, &[]),
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

/// Items mentioning `term`, `counts[i]` of them in week slot `i` of the
/// 12-week window ending with 2026-W47 (the last complete week before
/// `now()`), written by `sources` in turn.
fn series(term: &str, counts: &[usize], sources: &[&str]) -> Vec<Item> {
    let last_monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let mut out = Vec::new();
    let weeks = counts.len();
    for (slot, &c) in counts.iter().enumerate() {
        let monday = last_monday - Duration::weeks((weeks - 1 - slot) as i64);
        for k in 0..c {
            let n = out.len();
            let day = monday + Duration::days((k % 7) as i64);
            let published = day.and_hms_opt(12, 0, 0).unwrap().and_utc();
            out.push(Item {
                id: format!("{term}-{slot}-{k}"),
                kind: ItemKind::Article,
                source: sources[n % sources.len()].to_string(),
                title: format!("Notes on {term}"),
                body: String::new(),
                url: Some(format!("https://news.example/{term}/{slot}/{k}")),
                published: Some(published),
                packages: vec![],
                tags: vec![],
                advisory: None,
            });
        }
    }
    out
}

const TWO: &[&str] = &["blog", "news"];

#[test]
fn direction_rule_table() {
    use Direction::*;
    #[rustfmt::skip]
    let table: &[(&str, [usize; 12], &[&str], Direction)] = &[
        // A steady climb over six weeks: the old 2.0x ratio called it 1.7x.
        ("steady climb", [0, 0, 0, 0, 0, 0, 2, 3, 5, 8, 12, 18], TWO, Rising),
        ("slow climb", [1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6], TWO, Rising),
        // One feed repeating a name is not a trend …
        ("one-source spike", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 12], &["blog"], Steady),
        // … the same counts from two sources are.
        ("two-source spike", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 12], TWO, Rising),
        ("flat", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], TWO, Steady),
        ("flat and noisy", [2, 4, 3, 1, 5, 3, 2, 4, 3, 2, 4, 3], TWO, Steady),
        ("decline", [9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1], TWO, Falling),
        ("fading out", [3, 2, 3, 2, 3, 2, 3, 2, 2, 0, 0, 0], TWO, Falling),
        ("sparse", [0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1], TWO, Steady),
        // 4 mentions after 1: the old ratio called it rising.
        ("four after one", [0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 1, 1], TWO, Steady),
        ("too few to fall", [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0], TWO, Steady),
        ("nothing", [0; 12], TWO, Steady),
    ];
    for (name, counts, sources, want) in table {
        let items = series("tokio", counts, sources);
        let r = trends(
            &items,
            &[tracked("tokio", &[])],
            now(),
            &TrendOptions::default(),
        );
        let t = r.term("tokio").unwrap();
        assert_eq!(t.counts, counts, "{name}");
        assert_eq!(t.direction, *want, "{name}: p = {}", t.p_value);
        assert_eq!(t.rising, *want == Rising, "{name}");
        let lean = if *want == Steady { 0.0 } else { 0.01 };
        assert!(
            t.p_value <= 1.0 && (lean == 0.0 || t.p_value <= lean),
            "{name}"
        );
    }
}

/// Only sources seen before the recent weeks can make a term rise: the
/// baseline holds nothing from a feed first crawled last week (or an
/// advisory feed whose first crawl covers only this month), so every one of
/// its mentions would read as new.
#[test]
fn sources_first_seen_in_the_recent_weeks_cannot_make_a_rise() {
    let recent_only = [0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 5];
    let run = |items: &[Item], opts: &TrendOptions| {
        trends(items, &[tracked("tokio", &[])], now(), opts)
            .term("tokio")
            .unwrap()
            .clone()
    };
    // Two brand-new feeds: a burst, not a trend.
    let items = series("tokio", &recent_only, TWO);
    let t = run(&items, &TrendOptions::default());
    assert_eq!((t.recent_sources, t.established_sources), (2, 0));
    assert_eq!((t.recent, t.recent_established), (12, 0));
    assert_eq!(t.direction, Direction::Steady, "p = {}", t.p_value);
    // The same feeds, having written about something else all along.
    let mut items = series("tokio", &recent_only, TWO);
    items.extend(series("Kubernetes", &[1; 12], TWO));
    let t = run(&items, &TrendOptions::default());
    assert_eq!((t.established_sources, t.recent_established), (2, 12));
    assert_eq!(t.direction, Direction::Rising);
    // Their history may lie before the window: the index says when each
    // source was first seen.
    let items = series("tokio", &recent_only, TWO);
    let mut opts = TrendOptions::default();
    for s in TWO {
        opts.first_seen
            .insert(s.to_string(), now() - Duration::weeks(40));
    }
    let t = run(&items, &opts);
    assert_eq!(t.established_sources, 2);
    assert_eq!(t.direction, Direction::Rising);
    // First seen inside the recent weeks: still new.
    for first in opts.first_seen.values_mut() {
        *first = now() - Duration::weeks(2);
    }
    assert_eq!(run(&items, &opts).direction, Direction::Steady);
    // One established source and one new one: the new one's mentions do
    // not count, and one source is not a trend.
    let mut items = series("tokio", &recent_only, TWO);
    items.extend(series("Kubernetes", &[1; 12], &["blog"]));
    let t = run(&items, &TrendOptions::default());
    assert_eq!(t.established_sources, 1);
    assert_eq!(t.direction, Direction::Steady);
}

#[test]
fn every_weekday_of_the_current_week_gives_the_same_answer() {
    let mut items = series("tokio", &[0, 0, 0, 0, 0, 0, 2, 3, 5, 8, 12, 18], TWO);
    items.extend(series("Kubernetes", &[3; 12], TWO));
    items.extend(series(
        "Jenkins",
        &[9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1],
        TWO,
    ));
    // This week's items, a different shape every day: they must not count.
    let this_monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    for d in 0..7 {
        for k in 0..(d * 5) {
            let mut i = item(1000 + d * 100 + k, "Jenkins and Kubernetes", 0, &[]);
            i.published = Some(
                (this_monday + Duration::days(d as i64))
                    .and_hms_opt(1, 0, 0)
                    .unwrap()
                    .and_utc(),
            );
            items.push(i);
        }
    }
    let terms = [
        tracked("tokio", &[]),
        tracked("Kubernetes", &[]),
        tracked("Jenkins", &[]),
    ];
    let mut answers = Vec::new();
    for d in 0..7 {
        for (h, m) in [(0, 0), (12, 0), (23, 59)] {
            let now = (this_monday + Duration::days(d))
                .and_hms_opt(h, m, 0)
                .unwrap()
                .and_utc();
            let r = trends(&items, &terms, now, &TrendOptions::default());
            answers.push(serde_json::to_string(&r).unwrap());
            let dir = |n: &str| r.term(n).unwrap().direction;
            assert_eq!(dir("tokio"), Direction::Rising, "day {d}");
            assert_eq!(dir("Kubernetes"), Direction::Steady, "day {d}");
            assert_eq!(dir("Jenkins"), Direction::Falling, "day {d}");
        }
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn candidates_need_a_rising_direction_and_trackeds_are_always_listed() {
    let mut items = series("astral-sh/uv", &[0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4], TWO);
    items.extend(series(
        "Bun",
        &[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2],
        &["blog"],
    ));
    items.extend(series("Kubernetes", &[1; 12], TWO));
    let r = trends(
        &items,
        &[tracked("Kubernetes", &[])],
        now(),
        &TrendOptions::default(),
    );
    let uv = r.term("uv").expect("uv is a candidate");
    assert!(uv.rising && !uv.tracked, "{uv:?}");
    assert_eq!((uv.recent, uv.sources, uv.recent_sources), (9, 2, 2));
    assert_eq!(uv.evidence.len(), 3);
    let k = r.term("kubernetes").unwrap();
    assert!(!k.rising && k.tracked && k.direction == Direction::Steady);
    assert!(
        r.term("bun").is_none(),
        "one source: not rising, not listed"
    );
    let cands: Vec<&str> = r.candidates().map(|t| t.term.as_str()).collect();
    assert_eq!(cands, ["uv"]);
    assert_eq!(r.terms[0].term, "uv", "rising first");
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
        .map(|n| item(n, &format!("Zig{} and Bun", n % 3), (n % 20) as i64, &[]))
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

/// The window is read in storage order; counted in id order it gives the
/// report a read in id order gave, evidence included: of two items sharing
/// a link, the one with the lower id dates it.
#[test]
fn streamed_in_any_order_counts_as_in_id_order() {
    let mut items: Vec<Item> = [10, 3, 4, 5, 6]
        .iter()
        .enumerate()
        .map(|(n, &days)| item(n + 1, "tokio-1.47.1 notes", days, &[]))
        .collect();
    // i1 (10 days ago) and i2 (3 days ago) share a link.
    items[1].url = items[0].url.clone();
    let opts = TrendOptions::for_weeks(4);
    let terms = [tracked("tokio", &[]), tracked("deno", &[])];
    let in_order = trends(&items, &terms, now(), &opts);
    assert_eq!(
        in_order.term("tokio").unwrap().evidence,
        [
            "https://blog.example/3",
            "https://blog.example/4",
            "https://blog.example/5"
        ]
    );
    let mut counter = TrendCounter::new(&terms, last_complete_week(now()), &opts);
    for it in items.iter().rev() {
        counter.add(it);
    }
    let streamed = counter.finish_in_id_order();
    assert_eq!(
        serde_json::to_string(&streamed).unwrap(),
        serde_json::to_string(&in_order).unwrap()
    );
    // Counted in the order given, the newer date of the shared link wins.
    let mut counter = TrendCounter::new(&terms, last_complete_week(now()), &opts);
    for it in items.iter().rev() {
        counter.add(it);
    }
    assert_eq!(
        counter.finish().term("tokio").unwrap().evidence,
        [
            "https://blog.example/1",
            "https://blog.example/3",
            "https://blog.example/4"
        ]
    );
}

/// `candidates_in` as it was before it stopped allocating a `String` per
/// title word: the rewrite must propose exactly the same names.
fn candidates_reference(item: &Item) -> Vec<String> {
    let mut out = Vec::new();
    // Advisory titles describe a weakness ("Path Traversal in …"), and
    // their tags are severities: neither names a technology.
    if item.kind == crate::model::ItemKind::Advisory {
        return out;
    }
    for tag in &item.tags {
        let t = tag.trim();
        if t.chars().count() >= 2
            && !is_generic(&t.to_lowercase())
            && t.chars().any(char::is_alphabetic)
        {
            out.push(t.to_string());
        }
    }
    // Repository names: `owner/repo`.
    for tok in item.title.split_whitespace() {
        let tok = tok.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/'));
        if let Some((owner, repo)) = tok.split_once('/')
            && !tok.contains("//")
            && !repo.contains('/')
            && repo_part(owner)
            && repo_part(repo)
            && !(upper(owner) && upper(repo))
            && !is_generic(&repo.to_lowercase())
        {
            out.push(repo.to_string());
        }
    }
    // Capitalised product names: `Bun`, `OpenTelemetry`, `Node.js`. In a
    // Title Case headline every word is capitalised, so only the shape of
    // a word (inner capitals, dots, digits) can say "name" there.
    let all_words = words(&item.title);
    let long: Vec<&String> = all_words
        .iter()
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    let title_case = long.len() >= 3 && capitalised * 10 >= long.len() * 6;
    // Each clause starts with a capital anyway ("[crate] Crate: Path
    // traversal in …"): its first word counts only by its shape.
    for clause in item
        .title
        .split([':', '|', ']', '[', '—', '–', '!', '?', '(', ')'])
        .flat_map(|c| c.split(". "))
    {
        for (n, w) in words(clause).into_iter().enumerate() {
            let first = w.chars().next().unwrap_or(' ');
            if !first.is_uppercase() || w.chars().count() < 2 {
                continue;
            }
            let lower = w.to_lowercase();
            let inner_caps = w.chars().skip(1).any(char::is_uppercase);
            let acronym = w.chars().all(|c| !c.is_lowercase());
            let shaped =
                inner_caps && !acronym || w.contains('.') || w.chars().any(|c| c.is_ascii_digit());
            let plain_ok = n > 0 && !title_case && w.chars().count() >= 3;
            if !(shaped || plain_ok) || is_generic(&lower) || (acronym && w.len() <= 5) {
                continue;
            }
            if w.chars().all(|c| c.is_ascii_digit() || c == '.') {
                continue;
            }
            out.push(w);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn words(text: &str) -> Vec<String> {
    word_slices(text).map(str::to_string).collect()
}

fn repo_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn upper(s: &str) -> bool {
    s.chars().all(|c| !c.is_lowercase())
}

/// Title-ish text: words that are names, generic words, acronyms, versions,
/// repository paths, punctuation and a few non-ASCII letters that change
/// length or split when lower-cased (`İ`, `ẞ`, final `Σ`).
fn title_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const NAMES: &[&str] = &[
        "Bun",
        "OpenTelemetry",
        "Node.js",
        "the",
        "The",
        "Release",
        "GraphQL",
        "AWS",
        "KUBERNETES",
        "v1.2.3",
        "1.2",
        "denoland/deno",
        "A/B",
        "tokio-1.47.1",
        "react-dom",
        "C++",
        "c#",
        "--x--",
        "_a_",
        "...",
        "İstanbul",
        "ΣΟΦΟΣ",
        "straẞe",
        "Élan",
        "naïve",
        "Zig0.12",
        "x",
        "Announcing",
        "Trying",
        "security",
        "https://a.example/b",
    ];
    const SEPS: &[&str] = &[
        " ", ": ", ". ", " | ", " (", ") ", "! ", " — ", "\n", "[", "] ", ", ", "/",
    ];
    let word = prop_oneof![
        proptest::sample::select(NAMES).prop_map(str::to_string),
        "[A-Za-z0-9.+#_-]{1,8}",
    ];
    let sep = proptest::sample::select(SEPS);
    proptest::collection::vec((word, sep), 0..12).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(w, s)| format!("{w}{s}"))
            .collect::<String>()
    })
}

/// `lower_words` gives the words of the lower-cased text.
fn lower_words_match(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let mut got = Vec::new();
    lower_words(text, &mut String::new(), |w| got.push(w.to_string()));
    let lower = text.to_lowercase();
    let want: Vec<&str> = word_slices(&lower).collect();
    proptest::prop_assert_eq!(got, want);
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 512, failure_persistence: None, ..Default::default() })]

    /// The ASCII fast path and the general path split the same words.
    #[test]
    fn lower_words_are_the_words_of_the_lower_cased_text(text in title_text()) {
        lower_words_match(&text)?;
    }

    #[test]
    fn lower_words_of_any_text(text in "\\PC{0,40}") {
        lower_words_match(&text)?;
    }

    #[test]
    fn candidates_are_the_ones_the_allocating_version_proposed(
        title in title_text(),
        tags in proptest::collection::vec(title_text(), 0..3),
    ) {
        let mut i = item(1, &title, 0, &[]);
        i.tags = tags;
        proptest::prop_assert_eq!(candidates_in(&i), candidates_reference(&i));
    }
}

/// Title, body and tags are counted as one text: a mention in any of them
/// counts once per item, words never join across them, and non-ASCII text
/// (lower-cased whole) finds the same names as ASCII text.
#[test]
fn mentions_count_in_title_body_and_tags_ascii_or_not() {
    let mut items = Vec::new();
    let texts = [
        ("Zig release notes", "nothing here", vec![]),
        ("ÜBER ZIG", "", vec![]),
        ("Notes", "we moved to Zig-0.12 this week", vec![]),
        ("Notes", "straẞe", vec!["ZIG"]),
        ("Notes about z", "ig", vec![]),
        ("İzig", "", vec![]),
    ];
    for (n, (title, body, tags)) in texts.iter().enumerate() {
        let mut it = item(n, title, 3, tags);
        it.body = body.to_string();
        items.push(it);
    }
    let report = trends(
        &items,
        &[tracked("Zig", &[])],
        now(),
        &TrendOptions::default(),
    );
    let zig = report.term("zig").unwrap();
    // All but "z" + "ig" across title and body. `İzig` lower-cases to
    // `i`, a combining dot (which ends a word) and `zig`.
    assert_eq!(zig.counts.iter().sum::<usize>(), 5, "{:?}", zig.counts);
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 512, failure_persistence: None, ..Default::default() })]

    /// Inserting in place keeps what "push, sort, cut to 3" kept.
    #[test]
    fn newest_links_are_the_ones_sorting_kept(
        seen in proptest::collection::vec((0i64..6, 0usize..8), 0..40)
    ) {
        let urls: Vec<String> = (0..8).map(|n| format!("https://l.example/{n}")).collect();
        let mut fast: Vec<(DateTime<Utc>, &str)> = Vec::new();
        let mut slow: Vec<(DateTime<Utc>, &str)> = Vec::new();
        for (day, u) in seen {
            let x = (now() - Duration::days(day), urls[u].as_str());
            keep_newest(&mut fast, x, 3);
            if !slow.iter().any(|(_, l)| *l == x.1) {
                slow.push(x);
                slow.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
                slow.truncate(3);
            }
            proptest::prop_assert_eq!(&fast, &slow);
        }
    }

    /// Short words (packed into numbers) and long ones intern alike: one id
    /// per distinct word, found again by `get`.
    #[test]
    fn interned_words_keep_their_ids(words in proptest::collection::vec("[a-cé.+#-]{1,10}", 1..60)) {
        let mut vocab = super::terms::Vocab::default();
        let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for w in &words {
            let id = vocab.intern(w);
            let want = *ids.entry(w.clone()).or_insert(id);
            proptest::prop_assert_eq!(id, want);
            proptest::prop_assert_eq!(vocab.get(w), Some(id));
        }
        proptest::prop_assert_eq!(vocab.len(), ids.len());
        proptest::prop_assert_eq!(vocab.get("zzzzzzzzzzzz"), None);
        proptest::prop_assert_eq!(vocab.get("zz"), None);
    }
}
