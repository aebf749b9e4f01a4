//! Turning feed markup into plain text that is safe to index and print.

/// Longest body kept per item: enough for search and snippets, and it keeps
/// one giant release note from dominating the index.
pub const MAX_BODY_CHARS: usize = 20_000;

/// Extracts the text of an HTML fragment (entities decoded, tags dropped,
/// whitespace collapsed).
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse(html);
    }
    let frag = scraper::Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() / 2);
    for t in frag.root_element().text() {
        out.push_str(t);
        out.push(' ');
    }
    collapse(&out)
}

/// Collapses runs of whitespace and drops control characters (terminal
/// escape sequences among them), capped at [`MAX_BODY_CHARS`].
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_BODY_CHARS));
    let mut space = false;
    for (n, c) in s.chars().enumerate() {
        if n >= MAX_BODY_CHARS {
            break;
        }
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if !c.is_control() {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_entities_and_escapes() {
        assert_eq!(
            html_to_text("<p>Fixes &amp; <b>speed</b></p>\n<p>ok</p>"),
            "Fixes & speed ok"
        );
        assert_eq!(collapse("a\u{1b}[31m red\u{7}"), "a[31m red");
    }
}
