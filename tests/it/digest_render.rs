//! The digest renderers on fixed input: snapshots, section rules, and a
//! hostile fixture that must come out as inert text.

use crate::harness::utc;
use chrono::{DateTime, Utc};
use scraper::{Html, Selector};
use techradar::digest::sample::sample;
use techradar::digest::*;
use techradar::model::{Quadrant, Ring};

fn now() -> DateTime<Utc> {
    utc("2026-11-30T08:00:00Z")
}

fn week() -> IsoWeek {
    IsoWeek::last_complete(now())
}

#[test]
fn markdown_snapshot() {
    assert_eq!(week().to_string(), "2026-W48");
    insta::assert_snapshot!("digest_md", markdown::render(&sample(week(), now())));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!("digest_html", html::render(&sample(week(), now())));
}

#[test]
fn same_content_in_any_order_renders_the_same_bytes() {
    let a = sample(week(), now());
    let mut b = a.clone();
    b.action_needed.reverse();
    b.releases.reverse();
    for g in &mut b.releases {
        g.items.reverse();
    }
    b.emerging.reverse();
    b.proposals.reverse();
    b.radar.reverse();
    assert_eq!(markdown::render(&a), markdown::render(&b));
    assert_eq!(html::render(&a), html::render(&b));
}

#[test]
fn sections_come_in_the_issue_order_and_empty_ones_are_left_out() {
    let full = sample(week(), now());
    let md = markdown::render(&full);
    let order = [
        "## Action needed",
        "## Releases of our stack",
        "## Emerging",
        "## Proposed ring moves",
        "## The radar",
    ];
    let positions: Vec<usize> = order.iter().map(|h| md.find(h).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let html = html::render(&full);
    let ids = [
        "id=\"action\"",
        "id=\"releases\"",
        "id=\"emerging\"",
        "id=\"proposals\"",
        "id=\"radar\"",
    ];
    let positions: Vec<usize> = ids.iter().map(|h| html.find(h).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    let quiet = DigestInput {
        action_needed: vec![],
        end_of_life: vec![],
        news: vec![],
        releases: vec![],
        emerging: vec![],
        proposals: vec![],
        ..full
    };
    let md = markdown::render(&quiet);
    for h in &order[..4] {
        assert!(!md.contains(h), "{h} should be left out:\n{md}");
    }
    assert!(md.contains("## The radar"));
    assert!(md.contains("No advisories need action"));
    let html = html::render(&quiet);
    for id in &ids[..4] {
        assert!(!html.contains(id), "{id} should be left out");
    }
}

#[test]
fn majors_are_never_hidden_by_the_per_tech_limit() {
    let mut input = sample(week(), now());
    let group = &mut input.releases[0];
    group.items = (0..12)
        .map(|i| ReleaseItem {
            title: format!("tokio 1.{i}.0"),
            version: Some(format!("1.{i}.0")),
            major: false,
            url: None,
            published: Some(week().start() + chrono::Duration::hours(i)),
        })
        .collect();
    group.items.push(ReleaseItem {
        title: "tokio 2.0.0".into(),
        version: Some("2.0.0".into()),
        major: true,
        url: None,
        published: Some(week().start()),
    });
    let md = markdown::render(&input);
    assert!(md.contains("**Major:** tokio 2.0.0"), "{md}");
    assert!(md.contains("…and 9 more releases"), "{md}");
}

// ---- hostile input ----------------------------------------------------------

const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</svg><script>alert('svg')</script><svg>",
    "\"><svg onload=alert(1)>",
    "</title></style></textarea><script>alert(2)</script>",
    "[click me](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "\u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7} \u{1b}[2J\u{9b}31m",
    "<iframe src=\"http://evil.test/\"></iframe>",
    "&lt;script&gt; double-escaped",
    "`code` *bold* | table | <!-- comment -->",
    "right-to-left \u{202e}gnp.exe",
];

const BAD_LINKS: &[&str] = &[
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox",
    "https://ok.test/\" onmouseover=\"alert(1)",
    "https://ok.test/'><script>alert(1)</script>",
    "http://user:pass@evil.test/",
    "/relative/path",
];

fn hostile() -> DigestInput {
    let x = |i: usize| XSS[i % XSS.len()].to_string();
    let links: Vec<String> = BAD_LINKS.iter().map(|s| s.to_string()).collect();
    DigestInput {
        title: x(0),
        week: week(),
        generated: now(),
        action_needed: (0..XSS.len())
            .map(|i| ActionItem {
                severity: Severity::from_score(Some(9.1)),
                package: x(i),
                version: Some(x(i + 1)),
                confirmed: i % 2 == 0,
                fixed: vec![x(i + 2)],
                hint: x(i + 3),
                summary: x(i + 4),
                ids: vec![x(i + 5)],
                links: links.clone(),
                published: None,
            })
            .collect(),
        end_of_life: vec![],
        news: vec![],
        releases: (0..XSS.len())
            .map(|i| ReleaseGroup {
                tech: x(i),
                current: Some(x(i + 1)),
                items: vec![ReleaseItem {
                    title: x(i + 2),
                    version: Some(x(i + 3)),
                    major: i % 2 == 0,
                    url: Some(BAD_LINKS[i % BAD_LINKS.len()].to_string()),
                    published: None,
                }],
            })
            .collect(),
        emerging: (0..XSS.len())
            .map(|i| EmergingTerm {
                term: x(i),
                weekly_counts: vec![1, 2, 3],
                growth: 2.0,
                in_stack: false,
            })
            .collect(),
        proposals: vec![ProposedMove {
            name: x(2),
            quadrant: Quadrant::Tools,
            from: Some(Ring::Adopt),
            to: Ring::Hold,
            reasons: XSS.iter().map(|s| s.to_string()).collect(),
            links,
        }],
        radar: (0..XSS.len())
            .map(|i| Blip {
                name: x(i),
                quadrant: Quadrant::ALL[i % 4],
                ring: Ring::ALL[i % 4],
                movement: Movement::New,
            })
            .collect(),
    }
}

fn assert_no_control_chars(out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(bad.is_empty(), "control characters survived: {bad:?}");
}

#[test]
fn hostile_input_is_inert_in_html() {
    let input = hostile();
    let page = html::render(&input);
    assert_no_control_chars(&page);
    let doc = Html::parse_document(&page);
    let all = Selector::parse("*").unwrap();
    let allowed = [
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "div",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "ul",
        "ol",
        "li",
        "a",
        "span",
        "main",
        "section",
        "figure",
        "figcaption",
        "footer",
        "code",
        "svg",
        "circle",
        "path",
        "g",
        "text",
        "polyline",
    ];
    let mut hrefs = 0;
    for el in doc.select(&all) {
        let name = el.value().name();
        assert!(allowed.contains(&name), "unexpected element <{name}>");
        for (attr, value) in el.value().attrs() {
            assert!(
                !attr.starts_with("on"),
                "event handler {attr}={value:?} on <{name}>"
            );
            let v = value.trim().to_ascii_lowercase();
            assert!(
                !v.contains("javascript:") && !v.starts_with("data:") && !v.contains("vbscript:"),
                "{attr}={value:?} on <{name}>"
            );
            if attr == "href" {
                hrefs += 1;
                assert!(
                    value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with('#'),
                    "href {value:?}"
                );
                assert!(!value.contains('@'), "credentials kept in {value:?}");
            }
        }
    }
    assert!(hrefs > 0);
    // Exactly one radar, with one blip per entry: no `</svg>` broke out.
    let radar = Selector::parse("svg.radar").unwrap();
    assert_eq!(doc.select(&radar).count(), 1);
    let blips = Selector::parse("svg.radar g.blip").unwrap();
    assert_eq!(doc.select(&blips).count(), input.radar.len());
    // The hostile strings are still there, as text a reader can see.
    let legend = Selector::parse(".legend li").unwrap();
    let texts: Vec<String> = doc.select(&legend).map(|li| li.text().collect()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("</svg><script>alert('svg')</script><svg>")),
        "{texts:?}"
    );
    // Only the one style element we wrote.
    let styles = Selector::parse("style").unwrap();
    assert_eq!(doc.select(&styles).count(), 1);
}

#[test]
fn hostile_input_is_inert_in_markdown() {
    let md = markdown::render(&hostile());
    assert_no_control_chars(&md);
    assert!(
        !md.contains('<'),
        "raw '<' would let a Markdown renderer parse a tag"
    );
    for (i, _) in md.match_indices("](") {
        if md[..i].ends_with('\\') {
            continue; // `\](` is an escaped bracket, not a link
        }
        let rest = &md[i + 2..];
        assert!(
            rest.starts_with("https://") || rest.starts_with("http://"),
            "{}",
            &md[i..(i + 40).min(md.len())]
        );
    }
    // The safe part of a bad link survives only as a percent-encoded URL.
    assert!(
        md.contains("https://ok.test/%22%20onmouseover=%22alert%281%29"),
        "{md}"
    );
}

#[test]
fn svg_alone_survives_hostile_names() {
    let svg = svg::render(&hostile().radar);
    assert_no_control_chars(&svg);
    assert_eq!(svg.matches("</svg>").count(), 1);
    assert!(svg.ends_with("</svg>"));
    assert!(!svg.contains("<script"));
}
