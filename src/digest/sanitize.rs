//! Making untrusted text safe for each output the digest writes.
//!
//! Everything that came from a source (titles, summaries, reasons, links,
//! even package names) is hostile: it may carry `<script>`, event-handler
//! attributes, `javascript:` links, `</svg>` breakouts or terminal escape
//! sequences. Renderers never write such a string directly; they call one of
//! the functions here for the context they write into:
//!
//! - [`text`] first, always: strips control characters (ESC, BEL, …) and
//!   bidirectional overrides, collapses whitespace, caps the length.
//! - [`html`] for HTML/SVG text and quoted attribute values.
//! - [`markdown`] for Markdown text: HTML-significant characters become
//!   entities and Markdown syntax is backslash-escaped, so a title can
//!   neither open a tag nor forge a link.
//! - [`link`] for any URL: only absolute http(s) URLs survive.
//! - [`fragment`] for source HTML that should keep its formatting (ammonia
//!   with a strict allow-list: no images, no styles, only http(s) links).

use std::collections::HashSet;
use std::sync::OnceLock;

/// Longest text kept from a source, in characters; the digest is a summary.
pub const MAX_TEXT_CHARS: usize = 300;

/// Control characters out, whitespace collapsed, at most `max` characters
/// (an ellipsis marks a cut). The result is one line of plain text.
pub fn text_max(s: &str, max: usize) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len().min(max + 1));
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        if out.len() > max {
            // One char over: cut to make room for the ellipsis, and stop
            // reading (bodies can be megabytes).
            out.truncate(max.saturating_sub(1));
            while out.last() == Some(&' ') {
                out.pop();
            }
            out.push('…');
            break;
        }
    }
    out.into_iter().collect()
}

/// [`text_max`] with the default cap.
pub fn text(s: &str) -> String {
    text_max(s, MAX_TEXT_CHARS)
}

/// Bidi overrides and zero-width characters can make text read differently
/// from what it is ("Trojan Source"); nothing in a digest needs them.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Cleans `s` with [`text`] and escapes it for HTML text or a quoted
/// attribute value (in HTML and in inline SVG alike).
///
/// Written here rather than with `ammonia::clean_text` because that one also
/// escapes every space (`&#32;`), which makes digests twice as large and
/// snapshots unreadable; the five characters below are all that matter in
/// text nodes and quoted attributes.
pub fn html(s: &str) -> String {
    escape_html(&text(s))
}

/// Escapes already-cleaned text for HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Cleans `s` with [`text`] and escapes it as Markdown inline text.
pub fn markdown(s: &str) -> String {
    escape_markdown(&text(s))
}

/// Escapes already-cleaned text for Markdown inline text.
///
/// Only what can change meaning is escaped, so the Markdown stays readable
/// in a terminal: `<` (and `&` before something entity-like, and a leading `>`) become
/// entities, because renderers that allow raw HTML would otherwise parse a
/// tag; `[` `]` (links, images), `*` `` ` `` `~` `|` `\\` and word-boundary
/// `_` get a backslash; and a first character that could open a block
/// (heading, list, quote) is escaped too.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    let mut only_digits = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let first = prev.is_none();
        match c {
            '<' => out.push_str("&lt;"),
            // `>` only opens a block quote at the start; mid-line it is text
            // (and `>=1.4.2` stays readable).
            '>' if first => out.push_str("&gt;"),
            '&' if next.is_some_and(|n| n.is_alphanumeric() || n == '#') => out.push_str("&amp;"),
            '\\' | '`' | '*' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Intraword underscores (serde_yaml) cannot start emphasis.
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            '#' | '-' | '+' | '=' | '!' if first => {
                out.push('\\');
                out.push(c);
            }
            // "1. x" or "1) x" at the start of a line is an ordered list.
            '.' | ')' if !first && only_digits && next.is_none_or(char::is_whitespace) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        only_digits &= c.is_ascii_digit();
        prev = Some(c);
    }
    out
}

/// The URL if it is an absolute http(s) URL without credentials, in its
/// normalised form; `None` for anything else (`javascript:`, `data:`,
/// relative, malformed). Characters that could end a Markdown link
/// destination or an HTML attribute are percent-encoded.
pub fn link(s: &str) -> Option<String> {
    let s = s.trim();
    if s.chars().any(|c| c.is_control()) {
        return None;
    }
    let url = url::Url::parse(s).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    if !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let mut out = String::with_capacity(url.as_str().len());
    for c in url.as_str().chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    Some(out)
}

/// Source HTML reduced to harmless formatting: paragraphs, lists, emphasis,
/// code and http(s) links (which open with `rel="noopener noreferrer
/// nofollow"`). No images or styles, because the HTML digest must make no
/// request when opened.
pub fn fragment(source_html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::empty();
            b.add_tags([
                "p",
                "br",
                "a",
                "em",
                "strong",
                "b",
                "i",
                "code",
                "pre",
                "ul",
                "ol",
                "li",
                "blockquote",
            ])
            .add_tag_attributes("a", ["href"])
            .url_schemes(HashSet::from(["http", "https"]))
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true);
            b
        })
        .clean(source_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strips_controls_and_bidi_and_collapses_space() {
        assert_eq!(
            text("a\u{1b}]0;pwned\u{7}b\u{1b}[2J\n\n  c\u{202e}d"),
            "a]0;pwnedb[2J cd"
        );
        assert_eq!(text("  lead\ttrail  "), "lead trail");
    }

    #[test]
    fn text_caps_length_with_an_ellipsis() {
        let long = "word ".repeat(200);
        let t = text_max(&long, 20);
        assert!(t.chars().count() <= 20, "{t}");
        assert!(t.ends_with('…'), "{t}");
        assert_eq!(text_max("short", 20), "short");
    }

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<img src=x onerror="alert(1)">'</svg>"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&lt;/svg&gt;"
        );
    }

    #[test]
    fn markdown_cannot_forge_links_or_tags() {
        let m = markdown("[click](javascript:alert(1)) <script>x</script> *b*");
        assert!(!m.contains("[click]"), "brackets must be escaped: {m}");
        assert!(!m.contains('<'));
        assert_eq!(
            m,
            r"\[click\](javascript:alert(1)) &lt;script>x&lt;/script> \*b\*"
        );
        assert_eq!(markdown("> quote"), "&gt; quote");
        assert_eq!(markdown("a >= b"), "a >= b");
        assert_eq!(
            markdown("serde_yaml _x_ & &amp;"),
            r"serde_yaml \_x\_ & &amp;amp;"
        );
        assert_eq!(markdown("# not a heading"), r"\# not a heading");
        assert_eq!(markdown("2026. not a list"), r"2026\. not a list");
        assert_eq!(markdown("- not a list"), r"\- not a list");
    }

    #[test]
    fn only_http_links_survive() {
        assert_eq!(
            link("https://example.org/a b(c)").as_deref(),
            Some("https://example.org/a%20b%28c%29")
        );
        assert_eq!(link(" http://x.test/ ").as_deref(), Some("http://x.test/"));
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "/relative",
            "//evil.test/x",
            "https://user:pw@evil.test/",
            "java\u{0}script:alert(1)",
            "http://ex\u{1b}ample.org",
            "",
        ] {
            assert_eq!(link(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn fragment_keeps_formatting_and_drops_everything_active() {
        let dirty = r#"<p onclick="x()">Hi <b>there</b><script>alert(1)</script>
            <img src="http://evil.test/p.png" onerror="alert(1)">
            <a href="javascript:alert(1)">js</a> <a href="data:text/html,x">data</a>
            <a href="https://ok.test/">ok</a><style>body{}</style><svg><script>1</script></svg>"#;
        let clean = fragment(dirty);
        for bad in [
            "<script",
            "onclick",
            "onerror",
            "<img",
            "javascript:",
            "data:",
            "<style",
            "<svg",
        ] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(clean.contains("<b>there</b>"));
        assert!(
            clean.contains(
                r#"<a href="https://ok.test/" rel="noopener noreferrer nofollow">ok</a>"#
            )
        );
    }
}
