//! Pre-checks on feed bytes for inputs that make feed-rs 3 (and quick-xml
//! under it) panic, found by the `feed` fuzz target. Each one rewrites or
//! refuses only what the panic needs; everything else reaches feed-rs
//! untouched. Owns no parsing of its own.

use std::borrow::Cow;

/// The offset of an XML declaration (`<?xml` then a space or `?`) that does
/// not open the document: only a byte-order mark and whitespace may come
/// before one, and there is at most one. `<?xml-stylesheet …?>` is a
/// processing instruction, not a declaration.
pub(super) fn misplaced_xml_declaration(bytes: &[u8]) -> Option<usize> {
    const DECL: &[u8] = b"<?xml";
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skipped = bytes.len() - body.len();
    let lead = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let is_decl = |at: usize| {
        body[at..].starts_with(DECL)
            && body
                .get(at + DECL.len())
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'?')
    };
    let first_allowed = if is_decl(lead) { lead + DECL.len() } else { 0 };
    (first_allowed..body.len().saturating_sub(DECL.len() - 1))
        .find(|&at| body[at] == b'<' && is_decl(at))
        .map(|at| at + skipped)
}

/// The feed without its RSS contact elements (`managingEditor`,
/// `webMaster`, `author`). feed-rs splits a contact into name and e-mail by
/// slicing one byte past the address, which panics when a multi-byte
/// character follows it (`news@example.org’s desk`); radar never reads
/// contacts, so they are dropped. Only ASCII-compatible encodings are
/// rewritten (UTF-16 has no `<author` bytes to find); JSON Feed has no such
/// elements.
pub(super) fn without_contacts(bytes: &[u8]) -> Cow<'_, [u8]> {
    const NAMES: [&[u8]; 3] = [b"managingEditor", b"webMaster", b"author"];
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(off) = bytes[at..].iter().position(|&b| b == b'<') {
        let open = at + off;
        at = open + 1;
        let Some(name) = NAMES.iter().find(|n| element_named(&bytes[open + 1..], n)) else {
            continue;
        };
        let Some(end) = element_end(bytes, open, name) else {
            continue;
        };
        let buf = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
        buf.extend_from_slice(&bytes[copied..open]);
        copied = end;
        at = end;
    }
    match out {
        Some(mut buf) => {
            buf.extend_from_slice(&bytes[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(bytes),
    }
}

/// `rest` starts with `name` then the end of a tag name.
fn element_named(rest: &[u8], name: &[u8]) -> bool {
    rest.starts_with(name)
        && rest
            .get(name.len())
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
}

/// Where the element opened at `open` ends: after `/>` of an empty tag, or
/// after its `</name>`. None when it is not closed (feed-rs reports that).
fn element_end(bytes: &[u8], open: usize, name: &[u8]) -> Option<usize> {
    let tag_end = open + bytes[open..].iter().position(|&b| b == b'>')? + 1;
    if bytes[..tag_end].ends_with(b"/>") {
        return Some(tag_end);
    }
    let mut at = tag_end;
    loop {
        let off = bytes[at..].windows(2).position(|w| w == b"</")?;
        let close = at + off + 2;
        if element_named(&bytes[close..], name) {
            let gt = close + bytes[close..].iter().position(|&b| b == b'>')?;
            return Some(gt + 1);
        }
        at = close;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_declaration_that_opens_the_document_is_allowed() {
        let at = |s: &str| misplaced_xml_declaration(s.as_bytes());
        assert_eq!(at("<?xml version=\"1.0\"?><rss/>"), None);
        assert_eq!(at("\u{feff}<?xml version=\"1.0\"?><rss/>"), None);
        assert_eq!(at("\n  <?xml version=\"1.0\"?><rss/>"), None);
        assert_eq!(at("<?xml?><?xml-stylesheet href=\"a.xsl\"?><rss/>"), None);
        assert_eq!(at("<rss/><?xml version=\"1.0\"?>"), Some(6));
        assert_eq!(at("\u{feff}<rss/><?xml\t?>"), Some(9));
        assert_eq!(at("<?xml ?><?xml ?>"), Some(8));
        assert_eq!(at("<?xml"), None);
        assert_eq!(at(""), None);
    }

    #[test]
    fn contacts_are_dropped_and_nothing_else() {
        let strip =
            |s: &str| String::from_utf8(without_contacts(s.as_bytes()).into_owned()).unwrap();
        assert_eq!(
            strip(
                "<rss><channel><managingEditor>a@b.org’s desk</managingEditor><title>T</title></channel></rss>"
            ),
            "<rss><channel><title>T</title></channel></rss>"
        );
        assert_eq!(
            strip(
                "<item><author \n>x@y.io\u{8f}</author ><authority>k</authority><webMaster/></item>"
            ),
            "<item><authority>k</authority></item>"
        );
        // Unclosed: left for feed-rs to report.
        assert_eq!(strip("<item><author>x"), "<item><author>x");
        let plain = "<rss><channel><title>No contacts</title></channel></rss>";
        assert!(matches!(
            without_contacts(plain.as_bytes()),
            Cow::Borrowed(_)
        ));
    }
}
