//! RSS 0.9x/1.0/2.0, Atom and JSON Feed, through feed-rs.

use chrono::{DateTime, Utc};

use super::text::{collapse, html_to_text};

use super::feed_guard as guard;
use super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, item_id};

/// Parses a feed document. Bytes go to feed-rs untouched: it decodes the
/// charset named in the XML prolog, which `.text()` would have guessed wrong.
pub fn parse_feed(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(ctx.base_url.as_deref())
        // An empty id marks "the publisher gave none"; feed-rs would
        // otherwise invent a random or link-derived one.
        .id_generator(|_, _, _| String::new())
        .build();
    // feed-rs 3 (through quick-xml 0.42) panics when an XML declaration
    // names an encoding after the prolog (found by the `feed` fuzz target).
    // Such a document is not well-formed XML, so it is refused up front;
    // the catch below is the belt for panics nobody has found yet: one
    // hostile feed must fail as itself, not take the crawl down with it.
    if let Some(at) = guard::misplaced_xml_declaration(bytes) {
        return Err(SourceError::Feed(format!(
            "the XML is malformed: an XML declaration at byte {at}, after the start of the document (it may only open it)"
        )));
    }
    let utf8 = guard::as_utf8(bytes);
    let bytes = &*guard::without_contacts(&utf8);
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| {
            SourceError::Feed(
                "the XML is malformed in a way the feed parser cannot recover from (for example a second XML declaration)".into(),
            )
        })?;
    let feed = match parsed {
        Ok(feed) => feed,
        Err(_) if super::release_list::sniff(bytes) => {
            return super::release_list::parse_release_list(ctx, bytes);
        }
        Err(e) => return Err(SourceError::Feed(e.to_string())),
    };
    let mut items = Vec::with_capacity(feed.entries.len());
    let base = ctx
        .base_url
        .as_deref()
        .and_then(|b| url::Url::parse(b).ok());
    for entry in feed.entries {
        let title = entry
            .title
            .as_ref()
            .map(|t| html_to_text(&t.content))
            .unwrap_or_default();
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.clone());
        let link = link.map(|l| resolve(base.as_ref(), &l));
        // GitHub's Atom has only <updated>; RSS copies pubDate into both.
        let published: Option<DateTime<Utc>> = entry.published.or(entry.updated);
        let body_html = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .or_else(|| {
                entry
                    .media
                    .iter()
                    .find_map(|m| m.description.as_ref().map(|d| d.content.clone()))
            })
            .unwrap_or_default();
        let body = html_to_text(&body_html);
        let guid = guid_of(&entry.id, link.as_deref());
        if title.is_empty() && body.is_empty() && link.is_none() {
            continue;
        }
        let title = if title.is_empty() {
            body.chars().take(80).collect()
        } else {
            title
        };
        let title = name_release(ctx, title);
        let id = item_id(&ctx.source, guid, link.as_deref(), &title, published);
        let tags: Vec<String> = entry
            .categories
            .iter()
            .map(|c| collapse(c.label.as_deref().unwrap_or(&c.term)))
            .filter(|t| !t.is_empty())
            .collect();
        let kind = classify(ctx, &title);
        items.push(Item {
            id,
            kind,
            source: ctx.source.clone(),
            title,
            body,
            url: link,
            published,
            packages: ctx.package.iter().cloned().collect(),
            tags,
            advisory: None,
        });
    }
    super::dedupe_ids(&mut items);
    Ok(items)
}

/// The publisher's guid, if there was one (see the id generator above).
fn guid_of<'a>(id: &'a str, link: Option<&str>) -> Option<&'a str> {
    let id = id.trim();
    if id.is_empty() || Some(id) == link {
        return None;
    }
    Some(id)
}

/// Registry and GitHub release feeds title entries with a bare version
/// ("4.2.27", "v8.0.0"); name the project so the title stands on its own in
/// search results and the digest.
fn name_release(ctx: &ParseContext, title: String) -> String {
    if !ctx.releases_only {
        return title;
    }
    let project = ctx
        .package
        .as_deref()
        .and_then(|p| p.rsplit('/').next())
        .or_else(|| {
            ctx.base_url
                .as_deref()
                .and_then(|u| u.strip_prefix("https://github.com/"))
                .and_then(|rest| rest.split('/').nth(1))
        });
    match project {
        Some(p) if !p.is_empty() && !title.to_lowercase().contains(&p.to_lowercase()) => {
            format!("{p} {title}")
        }
        _ => title,
    }
}

fn resolve(base: Option<&url::Url>, link: &str) -> String {
    match base {
        Some(b) => b
            .join(link)
            .map(|u| u.to_string())
            .unwrap_or_else(|_| link.to_string()),
        None => link.to_string(),
    }
}

fn classify(ctx: &ParseContext, title: &str) -> ItemKind {
    if ctx.releases_only {
        return ItemKind::Release;
    }
    let upper = title.to_ascii_uppercase();
    if [
        "RUSTSEC-",
        "GHSA-",
        "CVE-",
        "PYSEC-",
        "SECURITY ADVISORY",
        "VULNERABILITY",
    ]
    .iter()
    .any(|m| upper.contains(m))
    {
        return ItemKind::Advisory;
    }
    if looks_like_release(title) {
        return ItemKind::Release;
    }
    ItemKind::Article
}

/// "v1.2.3", "Rust 1.80.0", "tokio-1.40.0 released": a version number
/// (two dots, or "v" and a digit) marks a release announcement.
fn looks_like_release(title: &str) -> bool {
    title
        .split(|c: char| c.is_whitespace() || c == '-' || c == '@')
        .any(|w| {
            let w = w
                .trim_start_matches(['v', 'V'])
                .trim_end_matches([':', ',', ')']);
            let parts: Vec<&str> = w.split('.').collect();
            parts.len() >= 2
                && parts.len() <= 4
                && parts[0].chars().all(|c| c.is_ascii_digit())
                && !parts[0].is_empty()
                && parts[1].chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        && !title.to_ascii_lowercase().contains("rfc")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "test".into(),
            base_url: Some("https://example.org/blog/feed.xml".into()),
            ..Default::default()
        }
    }

    const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>Widget 2.1.0 released</title><link>/blog/widget-2-1</link>
<description>&lt;p&gt;Faster &amp;amp; smaller&lt;/p&gt;</description>
<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><category>release</category></item>
<item><title>Why we moved to Postgres</title><description>Notes</description></item>
</channel></rss>"#;

    /// Found by the `feed` fuzz target: quick-xml (under feed-rs) panics on
    /// a second XML declaration that names another encoding.
    #[test]
    fn a_second_xml_declaration_is_an_error_not_a_panic() {
        let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"><channel><title>W</title><item><title>a<?xml version=\"1.0\" encoding=\"UTF-8\"?></title></item></channel></rss>\n";
        let e = parse_feed(&ctx(), xml.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("an XML declaration at byte 102"),
            "{e}"
        );
    }

    /// quick-xml panicked switching to a declared encoding when the
    /// declaration ended past its 64-byte sniffing buffer (found by the
    /// `feed` fuzz target); the feed is read, accents decoded.
    #[test]
    fn a_long_declaration_naming_latin1_is_read() {
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"                         ?>\n<rss version=\"2.0\"><channel><title>W</title><item><title>Caf\xe9 2.0</title><guid>c2</guid></item></channel></rss>\n";
        let items = parse_feed(&ctx(), xml).unwrap();
        assert_eq!(items[0].title, "Café 2.0");
    }

    /// feed-rs panics splitting a contact whose address is followed by a
    /// multi-byte character (found by the `feed` fuzz target); such a feed
    /// is read whole, contacts aside.
    #[test]
    fn a_contact_followed_by_a_multibyte_character_does_not_lose_the_feed() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>W</title><managingEditor>news@example.org’s desk</managingEditor><webMaster>w@example.org&#190;</webMaster><item><title>Widget 2.0</title><author>jo@example.org\u{8f}</author><guid>w2</guid></item></channel></rss>\n";
        let items = parse_feed(&ctx(), xml.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].title, "Widget 2.0");
    }

    #[test]
    fn rss_items_are_normalised() {
        let items = parse_feed(&ctx(), RSS.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].kind, ItemKind::Release);
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://example.org/blog/widget-2-1")
        );
        assert_eq!(items[0].body, "Faster & smaller");
        assert_eq!(items[0].tags, vec!["release"]);
        assert_eq!(items[1].kind, ItemKind::Article);
    }

    #[test]
    fn ids_are_stable_without_guid_or_link() {
        let a = parse_feed(&ctx(), RSS.as_bytes()).unwrap();
        let b = parse_feed(&ctx(), RSS.as_bytes()).unwrap();
        assert_eq!(
            a[1].id, b[1].id,
            "feed-rs's random id must not leak into ours"
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_feed(&ctx(), b"<html><body>nope").is_err());
        assert!(parse_feed(&ctx(), b"").is_err());
    }
}
