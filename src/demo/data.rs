//! The bundled sample data: feeds for a small Rust / TypeScript / Python
//! stack, written by us. Dates are relative (`{{rfc3339:-3}}` = three days
//! before "now") so the demo always has a fresh last week to report on.

use chrono::{DateTime, Duration, Utc};

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

pub const STACK_TOML: &str = include_str!("../../radar/stack.toml");

/// Replaces `{{rfc3339:-N}}` / `{{rfc2822:-N}}` with the instant N days
/// before `now` (at 09:30 UTC, so a day's items sort in a readable way).
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
    let day = (now + Duration::days(days)).date_naive();
    let at = day.and_hms_opt(9, 30, 0)?.and_utc();
    match fmt {
        "rfc3339" => Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "rfc2822" => Some(at.to_rfc2822()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_dates_relative_to_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            render("<u>{{rfc3339:-3}}</u>", now),
            "<u>2026-11-22T09:30:00Z</u>"
        );
        assert_eq!(
            render("{{rfc2822:0}}", now),
            "Wed, 25 Nov 2026 09:30:00 +0000"
        );
        assert_eq!(render("{{nope}} {{", now), "{{nope}} {{");
    }

    #[test]
    fn every_sample_feed_parses() {
        let now = Utc::now();
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
