//! Plain JSON release lists: `{"releases": [{"title", "url"}, …]}`.
//!
//! Some project sites publish this instead of a feed (the Rust blog's
//! `releases.json` is one). Entries carry no date field; their URLs usually
//! start with `YYYY/MM/DD/`, which is used when present.

use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;

use super::text::collapse;
use super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, item_id};

#[derive(Deserialize)]
struct ReleaseList {
    releases: Vec<Release>,
}

#[derive(Deserialize)]
struct Release {
    title: String,
    url: Option<String>,
}

/// Whether `bytes` look like a release list rather than a JSON Feed.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    head.trim_start().starts_with('{') && head.contains("\"releases\"")
}

pub fn parse_release_list(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let list: ReleaseList = serde_json::from_slice(bytes)
        .map_err(|e| SourceError::Feed(format!("release list JSON: {e}")))?;
    let mut items = Vec::with_capacity(list.releases.len());
    for r in list.releases {
        let title = collapse(&r.title);
        if title.is_empty() {
            continue;
        }
        let url = r.url.map(|u| {
            match ctx
                .base_url
                .as_deref()
                .and_then(|b| url::Url::parse(b).ok())
            {
                Some(base) => base.join(&u).map(|j| j.to_string()).unwrap_or(u),
                None => u,
            }
        });
        let published = url.as_deref().and_then(date_in_path);
        items.push(Item {
            id: item_id(&ctx.source, None, url.as_deref(), &title, published),
            kind: ItemKind::Release,
            source: ctx.source.clone(),
            title,
            body: String::new(),
            url,
            published,
            packages: ctx.package.iter().cloned().collect(),
            tags: Vec::new(),
            advisory: None,
        });
    }
    Ok(items)
}

/// Finds `YYYY/MM/DD` in a URL path.
fn date_in_path(url: &str) -> Option<chrono::DateTime<Utc>> {
    let parts: Vec<&str> = url.split('/').collect();
    parts.windows(3).find_map(|w| {
        let (y, m, d) = (w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?);
        if w[0].len() != 4 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(y, m, d)?;
        Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_come_from_the_url_path() {
        let ctx = ParseContext {
            source: "blog".into(),
            base_url: Some("https://blog.example.org/releases.json".into()),
            ..Default::default()
        };
        let json = br#"{"releases":[{"title":"Announcing Widget 2.0","url":"2026/03/09/Widget-2.0.html"},{"title":"Old","url":"misc.html"}],"feed_updated":"x"}"#;
        let items = parse_release_list(&ctx, json).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://blog.example.org/2026/03/09/Widget-2.0.html")
        );
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2026-03-09T00:00:00+00:00"
        );
        assert!(items[1].published.is_none());
        assert!(sniff(json));
    }
}
