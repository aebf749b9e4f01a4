//! Turning feed markup into plain text that is safe to index and print.

/// Longest body kept per item: enough for search and snippets, and it keeps
/// one giant release note from dominating the index.
pub const MAX_BODY_CHARS: usize = 20_000;

use std::cell::{Cell, RefCell};

/// Extracts the text of an HTML fragment (entities decoded, tags dropped,
/// whitespace collapsed; script and style contents left out).
///
/// Runs html5ever's tokenizer only: a feed body needs its text and where
/// blocks break, not a tree, and building scraper's DOM for every item was
/// most of the cost of turning a feed into items.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return collapse(html);
    }
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        TextSink {
            out: RefCell::new(String::with_capacity(html.len())),
            skipping: Cell::new(false),
        },
        TokenizerOpts::default(),
    );
    // The sink never asks to pause for a script, so one feed reads it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    collapse(&tokenizer.sink.out.borrow())
}

/// Collects text tokens; a block tag or `<br>` becomes a space, so
/// "<p>a</p><p>b</p>" reads "a b" while "<b>Rust</b>," stays "Rust,".
struct TextSink {
    out: RefCell<String>,
    /// Inside <script> or <style>: their text is code, not prose.
    skipping: Cell<bool>,
}

impl html5ever::tokenizer::TokenSink for TextSink {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        _line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{TagKind, Token, TokenSinkResult};
        match token {
            Token::CharacterTokens(text) if !self.skipping.get() => {
                self.out.borrow_mut().push_str(&text);
            }
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if name == "br" || is_block(name) {
                    self.out.borrow_mut().push(' ');
                }
                // The tokenizer alone does not know these elements hold raw
                // text; without being told, "<script>a<b</script>" would
                // yield a tag.
                let raw = match name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                };
                let code = matches!(name, "script" | "style");
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => {
                        if code {
                            self.skipping.set(true);
                        }
                        if let Some(kind) = raw {
                            return TokenSinkResult::RawData(kind);
                        }
                    }
                    TagKind::EndTag if code => self.skipping.set(false),
                    _ => {}
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
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
    if s.is_ascii() {
        collapse_ascii(s.as_bytes())
    } else {
        collapse_words(s.len(), s.split_whitespace())
    }
}

/// [`collapse_words`] over `split_whitespace` for ASCII text (most feeds),
/// a byte at a time: the per-word iterator cost most of ingest's text
/// handling. ASCII whitespace is exactly `\t`..=`\r` and space for
/// `split_whitespace`, and in ASCII a non-printable byte that is not
/// whitespace is a control character.
fn collapse_ascii(s: &[u8]) -> String {
    let is_space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut out: Vec<u8> = Vec::with_capacity(s.len().min(MAX_BODY_CHARS));
    let mut room = MAX_BODY_CHARS;
    let mut at = 0;
    while at < s.len() {
        if is_space(s[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < s.len() && !is_space(s[at]) {
            at += 1;
        }
        let word = &s[start..at];
        if !out.is_empty() {
            if room == 0 {
                break;
            }
            out.push(b' ');
            room -= 1;
        }
        if word.len() <= room && word.iter().all(|b| (0x20..0x7f).contains(b)) {
            out.extend_from_slice(word);
            room -= word.len();
            continue;
        }
        for &b in word.iter().filter(|b| (0x20..0x7f).contains(*b)) {
            if room == 0 {
                break;
            }
            out.push(b);
            room -= 1;
        }
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    // Bytes copied from ASCII text: always UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

fn collapse_words<'a>(len: usize, words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(len.min(MAX_BODY_CHARS));
    let mut room = MAX_BODY_CHARS;
    for word in words {
        if !out.is_empty() {
            if room == 0 {
                break;
            }
            out.push(' ');
            room -= 1;
        }
        // Most words are printable ASCII: copied whole, counted by length.
        if word.len() <= room && word.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            out.push_str(word);
            room -= word.len();
            continue;
        }
        for c in word.chars().filter(|c| !c.is_control()) {
            if room == 0 {
                break;
            }
            out.push(c);
            room -= 1;
        }
    }
    // A word made only of control characters leaves a trailing space.
    while out.ends_with(' ') {
        out.pop();
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

    #[test]
    fn the_ascii_split_finds_the_words_split_whitespace_finds() {
        for b in 0u8..128 {
            assert_eq!(
                (b as char).is_whitespace(),
                matches!(b, b'\t'..=b'\r' | b' '),
                "{b:#x}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn collapse_of_ascii_is_collapse_by_split_whitespace(
            s in proptest::collection::vec(0u8..128, 0..400)
        ) {
            let s: String = s.into_iter().map(char::from).collect();
            proptest::prop_assert_eq!(collapse(&s), collapse_words(s.len(), s.split_whitespace()));
        }

        #[test]
        fn the_cap_falls_where_split_whitespace_puts_it(
            word in 1usize..12, gap in 1usize..3, control in proptest::bool::ANY
        ) {
            let mut w = "x".repeat(word);
            if control {
                w.push('\u{7}');
            }
            let s = format!("{w}{}", " ".repeat(gap)).repeat(MAX_BODY_CHARS / word + 3);
            proptest::prop_assert_eq!(collapse(&s), collapse_words(s.len(), s.split_whitespace()));
        }
    }

    #[test]
    fn collapse_caps_by_characters_and_drops_controls() {
        assert_eq!(collapse("  a \t\n b  "), "a b");
        assert_eq!(collapse("\u{1b} x \u{9b}\u{7}"), "x");
        let long = "é".repeat(MAX_BODY_CHARS + 10);
        assert_eq!(collapse(&long).chars().count(), MAX_BODY_CHARS);
        let words = "ab ".repeat(MAX_BODY_CHARS);
        let out = collapse(&words);
        assert!(out.chars().count() <= MAX_BODY_CHARS && !out.ends_with(' '));
    }

    #[test]
    fn blocks_break_words_inline_markup_does_not() {
        assert_eq!(html_to_text("<p>a</p><p>b</p>"), "a b");
        assert_eq!(html_to_text("<li>one<li>two"), "one two");
        assert_eq!(html_to_text("line<br>next<br/>last"), "line next last");
        assert_eq!(html_to_text("<b>Rust</b>, <i>fast</i>"), "Rust, fast");
        assert_eq!(html_to_text("a &lt;b&gt; &#169; &nbsp;c"), "a <b> \u{a9} c");
    }

    #[test]
    fn script_and_style_contents_are_not_text() {
        assert_eq!(
            html_to_text("<p>ok</p><script>if (a<b) alert('x')</script><style>p{}</style> end"),
            "ok end"
        );
        // Raw text ends only at its own end tag.
        assert_eq!(html_to_text("<style></p>x</style>y"), "y");
        assert_eq!(
            html_to_text("<textarea><b>kept</b></textarea>"),
            "<b>kept</b>"
        );
    }
}
