//! The bundled sample data: feeds, advisories and lockfiles for a small
//! Rust / TypeScript / Python stack, all written by us (the advisories
//! describe no real defect).
//!
//! Dates are relative so the demo always has a fresh week to report on:
//! `{{rfc3339:-3}}` is three days before the start of the current ISO week,
//! so -1 … -7 land in the last complete week whatever weekday "now" is.

use chrono::{DateTime, Datelike, Duration, Utc};

/// (file name, content type, template, source name, package key)
pub struct SampleFeed {
    pub file: &'static str,
    pub content_type: &'static str,
    pub template: &'static str,
    pub source: &'static str,
    pub package: Option<&'static str>,
}

pub const FEEDS: &[SampleFeed] = &[
    SampleFeed {
        file: "tokio-releases.atom",
        content_type: "application/atom+xml",
        template: include_str!("data/feeds/tokio-releases.atom"),
        source: "tokio releases",
        package: Some("crates.io/tokio"),
    },
    SampleFeed {
        file: "axum-releases.atom",
        content_type: "application/atom+xml",
        template: include_str!("data/feeds/axum-releases.atom"),
        source: "axum releases",
        package: Some("crates.io/axum"),
    },
    SampleFeed {
        file: "serde-crates.xml",
        content_type: "application/rss+xml",
        template: include_str!("data/feeds/serde-crates.xml"),
        source: "serde on crates.io",
        package: Some("crates.io/serde"),
    },
    SampleFeed {
        file: "vite-releases.atom",
        content_type: "application/atom+xml",
        template: include_str!("data/feeds/vite-releases.atom"),
        source: "vite releases",
        package: Some("npm/vite"),
    },
    SampleFeed {
        file: "django-pypi.xml",
        content_type: "application/rss+xml",
        template: include_str!("data/feeds/django-pypi.xml"),
        source: "Django on PyPI",
        package: Some("PyPI/django"),
    },
    SampleFeed {
        file: "acme-engineering.xml",
        content_type: "application/rss+xml",
        template: include_str!("data/feeds/acme-engineering.xml"),
        source: "Acme engineering blog",
        package: None,
    },
    SampleFeed {
        file: "platform-news.json",
        content_type: "application/feed+json",
        template: include_str!("data/feeds/platform-news.json"),
        source: "Platform news",
        package: None,
    },
];

/// OSV records served together as `advisories.zip`, like OSV's own dumps.
pub const ADVISORIES: &[(&str, &str)] = &[
    (
        "DEMO-2026-0001.json",
        include_str!("data/advisories/DEMO-2026-0001.json"),
    ),
    (
        "DEMO-2026-0002.json",
        include_str!("data/advisories/DEMO-2026-0002.json"),
    ),
    (
        "DEMO-2026-0003.json",
        include_str!("data/advisories/DEMO-2026-0003.json"),
    ),
    (
        "DEMO-2026-0004.json",
        include_str!("data/advisories/DEMO-2026-0004.json"),
    ),
    (
        "DEMO-2026-0005.json",
        include_str!("data/advisories/DEMO-2026-0005.json"),
    ),
    (
        "GHSA-demo-7q2x-v4mh.json",
        include_str!("data/advisories/GHSA-demo-7q2x-v4mh.json"),
    ),
];

/// endoflife.date products in the API v1 shape (our own trimmed copies):
/// (file served, source name, body). Dates are absolute, as endoflife.date
/// publishes them.
pub const EOL_PRODUCTS: &[(&str, &str, &str)] = &[
    (
        "eol-python.json",
        "Python end of life",
        include_str!("data/eol/python.json"),
    ),
    (
        "eol-django.json",
        "Django end of life",
        include_str!("data/eol/django.json"),
    ),
];

/// What the demo services run that no lockfile pins: the interpreter.
/// Appended to the demo's stack.toml with its version kept.
pub const STACK_EXTRA: &str = r#"
# The services still run Python 3.8: endoflife.date says it is past its
# end of life, so `update` proposes hold and the digest asks for an upgrade.
[[tech]]
name = "Python"
quadrant = "languages-and-frameworks"
ring = "adopt"
version = "3.8.18"
eol = "python"
"#;

/// One advisory in RustSec's Markdown format, served as its own source.
pub const RUSTSEC_NOTE: (&str, &str) = (
    "DEMO-2026-0006.md",
    include_str!("data/rustsec/crates/yaml-rust/DEMO-2026-0006.md"),
);

/// Lockfiles of the demo services, written into the demo radar.
pub const LOCKFILES: &[(&str, &str)] = &[
    ("Cargo.lock", include_str!("data/lockfiles/Cargo.lock")),
    (
        "package-lock.json",
        include_str!("data/lockfiles/package-lock.json"),
    ),
    (
        "requirements.txt",
        include_str!("data/lockfiles/requirements.txt"),
    ),
];

/// The embedded radar's entry files (hand-written text a team keeps),
/// copied into the demo radar so `update` has human text to preserve.
pub const ENTRIES: &[(&str, &str)] = &[
    (
        "languages-and-frameworks/django.md",
        include_str!("../../radar/entries/languages-and-frameworks/django.md"),
    ),
    (
        "languages-and-frameworks/tokio.md",
        include_str!("../../radar/entries/languages-and-frameworks/tokio.md"),
    ),
    (
        "platforms/kubernetes.md",
        include_str!("../../radar/entries/platforms/kubernetes.md"),
    ),
    (
        "techniques/trunk-based-development.md",
        include_str!("../../radar/entries/techniques/trunk-based-development.md"),
    ),
    (
        "tools/github-actions.md",
        include_str!("../../radar/entries/tools/github-actions.md"),
    ),
];

pub const STACK_TOML: &str = include_str!("../../radar/stack.toml");

/// Replaces `{{rfc3339:-N}}`, `{{rfc2822:-N}}` and `{{date:-N}}` with 09:30
/// UTC N days before the Monday that starts `now`'s ISO week.
pub fn render(template: &str, now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &after[..end];
        match expand(token, now) {
            Some(s) => out.push_str(&s),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn expand(token: &str, now: DateTime<Utc>) -> Option<String> {
    let (fmt, days) = token.split_once(':')?;
    let days: i64 = days.trim().parse().ok()?;
    let today = now.date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let at = (monday + Duration::days(days))
        .and_hms_opt(9, 30, 0)?
        .and_utc();
    match fmt {
        "rfc3339" => Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "rfc2822" => Some(at.to_rfc2822()),
        "date" => Some(at.format("%Y-%m-%d").to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_dates_relative_to_now() {
        // A Wednesday: its ISO week starts on Monday 23 November.
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            render("<u>{{rfc3339:-3}}</u>", now),
            "<u>2026-11-20T09:30:00Z</u>"
        );
        assert_eq!(
            render("{{rfc2822:0}}", now),
            "Mon, 23 Nov 2026 09:30:00 +0000"
        );
        assert_eq!(render("{{date:-7}}", now), "2026-11-16");
        assert_eq!(render("{{nope}} {{", now), "{{nope}} {{");
    }

    #[test]
    fn every_embedded_entry_file_is_bundled() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("radar/entries");
        let mut on_disk = Vec::new();
        for q in std::fs::read_dir(&root).unwrap() {
            let q = q.unwrap().path();
            for f in std::fs::read_dir(&q).unwrap() {
                let f = f.unwrap().path();
                on_disk.push(
                    f.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        on_disk.sort();
        let bundled: Vec<String> = ENTRIES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(
            bundled, on_disk,
            "add new radar/entries files to demo::data::ENTRIES"
        );
    }

    #[test]
    fn every_sample_feed_parses() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for f in FEEDS {
            let ctx = crate::sources::ParseContext {
                source: f.source.into(),
                package: f.package.map(str::to_string),
                releases_only: f.package.is_some(),
                ..Default::default()
            };
            let items =
                crate::sources::feed::parse_feed(&ctx, render(f.template, now).as_bytes()).unwrap();
            assert!(!items.is_empty(), "{} has no items", f.file);
            assert!(
                items.iter().all(|i| i.published.is_some()),
                "{} has undated items",
                f.file
            );
        }
    }
}
