//! `kind = "html"`: items scraped from a web page with CSS selectors.
//!
//! For changelog and release pages that have no feed. `item` selects one
//! element per entry; inside it `title`, `link`, `date` and `body` select the
//! parts (each optional, with sensible fallbacks). Links are resolved against
//! the page URL (or its `<base href>`) and kept only when http(s); dates are
//! read leniently ("2026-01-15", "Jan 15, 2026", "15th January 2026",
//! `<time datetime>`). Bytes in, items out: no I/O.
//!
//! An `item` selector that matches nothing is an error, not zero items: it
//! usually means the page changed its layout, and that should show up in the
//! crawl summary rather than as a source that quietly went silent.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use scraper::{ElementRef, Html, Selector};

use super::text::collapse;
use super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, item_id};

/// Parses a page with the selectors in `ctx.html`.
pub fn parse_html(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let sel = ctx.html.as_ref().ok_or_else(|| {
        SourceError::Html(
            "no selectors configured; kind = \"html\" needs item = \"CSS selector\"".into(),
        )
    })?;
    let compile = |field: &str, s: &str| {
        Selector::parse(s)
            .map_err(|e| SourceError::Html(format!("{field} = {s:?} is not a CSS selector: {e}")))
    };
    let compile_opt =
        |field: &str, s: &Option<String>| s.as_deref().map(|s| compile(field, s)).transpose();
    let item_sel = compile("item", &sel.item)?;
    let title_sel = compile_opt("title", &sel.title)?;
    let link_sel = compile_opt("link", &sel.link)?;
    let date_sel = compile_opt("date", &sel.date)?;
    let body_sel = compile_opt("body", &sel.body)?;

    // Pages in other charsets lose only the odd accented letter here.
    let text = String::from_utf8_lossy(bytes);
    let doc = Html::parse_document(&text);
    let page = base_url(ctx, &doc);

    let mut items = Vec::new();
    let mut matched = 0;
    for el in doc.select(&item_sel) {
        matched += 1;
        let title_el = match &title_sel {
            Some(s) => el.select(s).next(),
            None => first_heading(el),
        };
        let title = title_el.map(element_text).unwrap_or_default();
        let link = find_link(el, title_el, link_sel.as_ref())
            .and_then(|href| resolve_http(page.as_ref(), &href));
        let published = find_date(el, date_sel.as_ref());
        let body = match &body_sel {
            Some(s) => collapse(&el.select(s).map(element_text).collect::<Vec<_>>().join(" ")),
            None => element_text(el),
        };
        if title.is_empty() && body.is_empty() {
            continue;
        }
        let title = if title.is_empty() {
            body.chars().take(80).collect()
        } else {
            title
        };
        // A link back to the page itself identifies nothing; fall back to
        // title + date for the id then.
        let page_str = page.as_ref().map(url::Url::as_str);
        let id_link = link.as_deref().filter(|l| Some(*l) != page_str);
        let id = item_id(&ctx.source, None, id_link, &title, published);
        items.push(Item {
            id,
            kind: classify(ctx, &title),
            source: ctx.source.clone(),
            title,
            body,
            url: link,
            published,
            packages: ctx.package.iter().cloned().collect(),
            tags: Vec::new(),
            advisory: None,
        });
    }
    if matched == 0 {
        return Err(SourceError::Html(format!(
            "item = {:?} matched nothing on the page; check the selector against the page (did its layout change?)",
            sel.item
        )));
    }
    super::dedupe_ids(&mut items);
    Ok(items)
}

/// The page URL, or the page's `<base href>` resolved against it.
fn base_url(ctx: &ParseContext, doc: &Html) -> Option<url::Url> {
    let page = ctx
        .base_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok());
    let base_sel = Selector::parse("base[href]").ok()?;
    let href = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"));
    match (page, href) {
        (Some(p), Some(h)) => p.join(h).ok().or(Some(p)),
        (None, Some(h)) => url::Url::parse(h).ok(),
        (p, None) => p,
    }
}

fn element_text(el: ElementRef<'_>) -> String {
    collapse(&el.text().collect::<Vec<_>>().join(" "))
}

fn first_heading(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let h = Selector::parse("h1, h2, h3, h4, h5, h6").ok()?;
    el.select(&h).next()
}

/// The item's link: the `link` selector's href (or the first link inside
/// what it matched); else a link in or around the title; else an anchor to
/// the item's own `id` on the page; else the first link inside the item.
fn find_link(
    item: ElementRef<'_>,
    title: Option<ElementRef<'_>>,
    link_sel: Option<&Selector>,
) -> Option<String> {
    let href_in = |el: ElementRef<'_>| -> Option<String> {
        if let Some(h) = el.value().attr("href") {
            return Some(h.to_string());
        }
        let a = Selector::parse("a[href]").ok()?;
        el.select(&a)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string)
    };
    if let Some(s) = link_sel {
        return item.select(s).next().and_then(href_in);
    }
    if let Some(h) = title.and_then(href_in) {
        return Some(h);
    }
    if let Some(h) = item.value().attr("href") {
        return Some(h.to_string());
    }
    item.value()
        .attr("id")
        .filter(|id| !id.trim().is_empty())
        .map(|id| format!("#{}", id.trim()))
        .or_else(|| href_in(item))
}

fn resolve_http(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// The `date` selector's `datetime` / `content` attribute or text; without
/// a selector, the first `<time>` in the item.
fn find_date(item: ElementRef<'_>, date_sel: Option<&Selector>) -> Option<DateTime<Utc>> {
    let time_sel;
    let sel = match date_sel {
        Some(s) => s,
        None => {
            time_sel = Selector::parse("time").ok()?;
            &time_sel
        }
    };
    let el = item.select(sel).next()?;
    ["datetime", "content", "title"]
        .iter()
        .filter_map(|a| el.value().attr(a))
        .find_map(parse_date)
        .or_else(|| parse_date(&element_text(el)))
}

const DATE_FORMATS: &[&str] = &[
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%b. %d, %Y",
];
const DATETIME_FORMATS: &[&str] = &["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"];

/// Reads a date written the ways web pages write them; `None` when nothing
/// date-like is found. Dates without a time are taken as midnight UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    let cleaned = strip_ordinals(s);
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    // The whole text first, then shorter runs of words, so "Released on
    // March 3rd, 2026 by the team" still finds its date.
    for len in (1..=words.len().min(5)).rev() {
        for window in words.windows(len) {
            let candidate = window
                .join(" ")
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_string();
            if let Some(d) = parse_exact(&candidate) {
                return Some(d);
            }
        }
    }
    None
}

fn parse_exact(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in DATETIME_FORMATS {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    for f in DATE_FORMATS {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
        }
    }
    None
}

/// "3rd" → "3", "21st," → "21,".
fn strip_ordinals(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let digits = w.chars().take_while(char::is_ascii_digit).count();
            let rest = &w[digits..];
            let suffix = rest.trim_end_matches([',', '.']);
            if digits > 0
                && matches!(
                    suffix.to_ascii_lowercase().as_str(),
                    "st" | "nd" | "rd" | "th"
                )
            {
                format!("{}{}", &w[..digits], &rest[suffix.len()..])
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Release pages mostly hold releases: a title with a version number is
/// one; advisory markers make an advisory; the rest are articles.
fn classify(ctx: &ParseContext, title: &str) -> ItemKind {
    if ctx.releases_only {
        return ItemKind::Release;
    }
    let upper = title.to_ascii_uppercase();
    if ["CVE-", "GHSA-", "RUSTSEC-", "SECURITY ADVISORY"]
        .iter()
        .any(|m| upper.contains(m))
    {
        return ItemKind::Advisory;
    }
    let has_version = title
        .split(|c: char| c.is_whitespace() || c == '-' || c == '@' || c == '(')
        .any(|w| {
            let w = w.trim_start_matches(['v', 'V']);
            let mut parts = w.split('.');
            let major = parts.next().unwrap_or("");
            let minor = parts.next().unwrap_or("");
            !major.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && minor.starts_with(|c: char| c.is_ascii_digit())
        });
    if has_version {
        ItemKind::Release
    } else {
        ItemKind::Article
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HtmlSelectors;

    fn ctx(sel: HtmlSelectors) -> ParseContext {
        ParseContext {
            source: "changelog".into(),
            base_url: Some("https://example.org/project/changelog".into()),
            html: Some(sel),
            ..Default::default()
        }
    }

    const PAGE: &str = r#"<!doctype html><html><body>
<nav><a href="/">home</a></nav>
<article class="release" id="v2-1-0">
  <h2><a class="permalink" href="releases/2.1.0">Widget 2.1.0</a></h2>
  <time datetime="2026-11-02T10:00:00Z">2 Nov</time>
  <div class="notes"><p>Faster &amp; <b>smaller</b>.</p></div>
</article>
<article class="release" id="v2-0-0">
  <h2>Widget 2.0.0</h2>
  <span class="date">October 3rd, 2026</span>
  <div class="notes"><p>Breaking: <a href="javascript:alert(1)">see</a></p></div>
</article>
<article class="release">
  <h2>Roadmap update</h2>
  <span class="date">Released on 2026-09-01 by the team</span>
</article>
</body></html>"#;

    #[test]
    fn selectors_pick_title_link_date_and_body() {
        let items = parse_html(
            &ctx(HtmlSelectors {
                item: "article.release".into(),
                title: Some("h2".into()),
                link: Some("a.permalink".into()),
                date: Some("time, .date".into()),
                body: Some(".notes".into()),
            }),
            PAGE.as_bytes(),
        )
        .unwrap();
        assert_eq!(items.len(), 3);
        let a = &items[0];
        assert_eq!(a.title, "Widget 2.1.0");
        assert_eq!(
            a.url.as_deref(),
            Some("https://example.org/project/releases/2.1.0"),
            "relative link resolved against the page URL"
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2026-11-02T10:00:00+00:00"
        );
        assert_eq!(a.body, "Faster & smaller .");
        assert_eq!(a.kind, ItemKind::Release);
        // No permalink in the second entry: the link selector finds nothing.
        assert_eq!(items[1].url, None);
        assert_eq!(
            items[1].published.unwrap().date_naive().to_string(),
            "2026-10-03"
        );
        assert_eq!(items[2].kind, ItemKind::Article);
        assert_eq!(
            items[2].published.unwrap().date_naive().to_string(),
            "2026-09-01"
        );
        let ids: std::collections::HashSet<_> = items.iter().map(|i| &i.id).collect();
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn without_link_selector_uses_title_link_or_item_anchor_and_never_javascript() {
        let items = parse_html(
            &ctx(HtmlSelectors {
                item: "article.release".into(),
                ..Default::default()
            }),
            PAGE.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://example.org/project/releases/2.1.0")
        );
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://example.org/project/changelog#v2-0-0")
        );
        assert_eq!(items[0].title, "Widget 2.1.0", "first heading is the title");
        let js = parse_html(
            &ctx(HtmlSelectors {
                item: "article.release".into(),
                link: Some(".notes a".into()),
                ..Default::default()
            }),
            PAGE.as_bytes(),
        )
        .unwrap();
        assert_eq!(js[1].url, None, "javascript: links are dropped");
    }

    #[test]
    fn base_href_is_honoured() {
        let page = r#"<html><head><base href="https://cdn.example.net/docs/"></head>
<body><li class="r"><a href="v1.html">v1.0</a></li></body></html>"#;
        let items = parse_html(
            &ctx(HtmlSelectors {
                item: "li.r".into(),
                ..Default::default()
            }),
            page.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://cdn.example.net/docs/v1.html")
        );
    }

    #[test]
    fn selector_matching_nothing_is_an_error_naming_it() {
        let e = parse_html(
            &ctx(HtmlSelectors {
                item: "div.nope".into(),
                ..Default::default()
            }),
            PAGE.as_bytes(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("div.nope") && e.contains("matched nothing"),
            "{e}"
        );
    }

    #[test]
    fn dates_are_read_leniently() {
        let table = [
            ("2026-01-15", Some("2026-01-15T00:00:00+00:00")),
            (
                "2026-01-15T08:30:00+01:00",
                Some("2026-01-15T07:30:00+00:00"),
            ),
            (
                "Thu, 15 Jan 2026 08:00:00 GMT",
                Some("2026-01-15T08:00:00+00:00"),
            ),
            ("January 15, 2026", Some("2026-01-15T00:00:00+00:00")),
            ("Jan 15, 2026", Some("2026-01-15T00:00:00+00:00")),
            ("15 January 2026", Some("2026-01-15T00:00:00+00:00")),
            ("15th January 2026", Some("2026-01-15T00:00:00+00:00")),
            ("March 3rd, 2026", Some("2026-03-03T00:00:00+00:00")),
            ("2026/01/15", Some("2026-01-15T00:00:00+00:00")),
            ("15.01.2026", Some("2026-01-15T00:00:00+00:00")),
            ("Released (2026-01-15)", Some("2026-01-15T00:00:00+00:00")),
            ("2026-01-15 08:30", Some("2026-01-15T08:30:00+00:00")),
            ("yesterday", None),
            ("", None),
        ];
        for (text, want) in table {
            assert_eq!(
                parse_date(text).map(|d| d.to_rfc3339()).as_deref(),
                want,
                "{text:?}"
            );
        }
    }
}
