//! The lead's own text of an entry (Markdown after the closing `+++`) as
//! HTML: rendered with pulldown-cmark, then cleaned with ammonia to
//! formatting and http(s)/mailto links. Raw HTML in the Markdown, scripts,
//! styles and images go (an image would be a request leaving the site).

use maud::PreEscaped;
use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

/// The entry text as safe HTML (empty for an empty text).
pub fn lead_text(markdown: &str) -> PreEscaped<String> {
    if markdown.trim().is_empty() {
        return PreEscaped(String::new());
    }
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options));
    PreEscaped(cleaner().clean(&rendered).to_string())
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags([
            "p",
            "br",
            "hr",
            "a",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "ul",
            "ol",
            "li",
            "blockquote",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        ])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // A relative link in an entry file points into the entries folder
        // of the repository, not into the site: drop it.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_formatting() {
        let html = lead_text(
            "We use it for **all** new services.\n\n- fast\n- [docs](https://docs.example/x)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        )
        .0;
        assert!(html.contains("<strong>all</strong>"), "{html}");
        assert!(html.contains("<li>fast</li>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://docs.example/x" rel="noopener noreferrer nofollow">docs</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("<td>2</td>"), "{html}");
    }

    #[test]
    fn scripts_images_styles_and_bad_links_go() {
        let html = lead_text(concat!(
            "<script>alert(1)</script>\n\n",
            "<img src=\"https://tracker.example/p.png\" onerror=\"alert(1)\">\n\n",
            "![pic](https://tracker.example/q.png)\n\n",
            "<style>body{display:none}</style>\n\n",
            "[x](javascript:alert(1)) [y](../other.md) <a href=\"data:text/html,hi\">z</a>\n\n",
            "<p onclick=\"alert(1)\" style=\"color:red\">kept text</p>\n",
        ))
        .0;
        for bad in [
            "<script",
            "alert(1)",
            "<img",
            "tracker.example",
            "<style",
            "javascript:",
            "data:",
            "other.md",
            "onclick",
            "style=",
        ] {
            assert!(!html.contains(bad), "{bad} left in {html}");
        }
        assert!(html.contains("kept text"), "{html}");
    }

    #[test]
    fn empty_text_is_nothing() {
        assert_eq!(lead_text("  \n").0, "");
    }
}
