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
    use ego_tree::iter::Edge;
    use scraper::Node;
    let frag = scraper::Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() / 2);
    // Inline markup joins words ("<b>Rust</b>," stays "Rust,"); block
    // elements separate them.
    for edge in frag.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if e.name() == "br" => out.push(' '),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value()
                    && is_block(e.name())
                {
                    out.push(' ');
                }
            }
        }
    }
    collapse(&out)
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "pre"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "dd"
            | "dt"
            | "hr"
            | "figure"
            | "figcaption"
    )
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
