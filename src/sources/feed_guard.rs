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
    // memchr's searchers: every feed of a crawl passes here whole.
    memchr::memmem::find_iter(&body[first_allowed..], DECL)
        .map(|at| first_allowed + at)
        .find(|&at| is_decl(at))
        .map(|at| at + skipped)
}

/// The feed in UTF-8 when its XML declaration names another encoding
/// (`ISO-8859-1`, `windows-1252`): transcoded with encoding_rs and the
/// declaration rewritten to say UTF-8. quick-xml switches decoders when it
/// reads the declaration and panics when the declaration ends past its
/// 64-byte sniffing buffer (a long `standalone`/`version` attribute, leading
/// whitespace), so the switch is done here instead, the same decoding it
/// would have done. Left alone: UTF-8 and unknown labels (feed-rs reports
/// those), and documents with a byte-order mark (the mark names the
/// encoding).
pub(super) fn as_utf8(bytes: &[u8]) -> Cow<'_, [u8]> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return Cow::Borrowed(bytes);
    }
    let lead = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = &bytes[lead..];
    if !rest.starts_with(b"<?xml") {
        return Cow::Borrowed(bytes);
    }
    let Some(end) = rest.windows(2).position(|w| w == b"?>") else {
        return Cow::Borrowed(bytes);
    };
    let decl = &rest[..end];
    let Some(label) = declared_encoding(decl) else {
        return Cow::Borrowed(bytes);
    };
    let Some(encoding) = encoding_rs::Encoding::for_label(label) else {
        return Cow::Borrowed(bytes);
    };
    // UTF-16 declared without a mark cannot be what these bytes are, since
    // the declaration was read as ASCII; feed-rs reports what it finds.
    if encoding == encoding_rs::UTF_8 || !encoding.is_ascii_compatible() {
        return Cow::Borrowed(bytes);
    }
    let (text, _) = encoding.decode_without_bom_handling(&rest[end + 2..]);
    let mut out = Vec::with_capacity(text.len() + 40);
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    out.extend_from_slice(text.as_bytes());
    Cow::Owned(out)
}

/// The value of `encoding="…"` (or `'…'`) in an XML declaration.
fn declared_encoding(decl: &[u8]) -> Option<&[u8]> {
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let after = &decl[at + 8..];
    let after = &after[after.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let after = after.strip_prefix(b"=")?;
    let after = &after[after.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let quote = *after.first().filter(|q| **q == b'"' || **q == b'\'')?;
    let value = &after[1..];
    let len = value.iter().position(|b| *b == quote)?;
    Some(&value[..len])
}

/// The feed with the text of its RSS contact elements (`managingEditor`,
/// `webMaster`, `author`) emptied. feed-rs splits a contact into name and
/// e-mail by slicing one byte either side of the address, which panics when
/// a multi-byte character touches it (`news@example.org’s desk`, or an
/// entity such as `&#190;`); radar never reads contacts. The tags stay, so
/// the document's structure (closed or not, as feed-rs tolerates) is
/// unchanged: only text and CDATA up to the next tag are dropped. Only
/// ASCII-compatible bytes are rewritten (UTF-16 has no `<author` bytes to
/// find); JSON Feed has no such elements.
pub(super) fn without_contacts(bytes: &[u8]) -> Cow<'_, [u8]> {
    const NAMES: [&[u8]; 3] = [b"managingEditor", b"webMaster", b"author"];
    const CDATA: &[u8] = b"<![CDATA[";
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[at..]) {
        let open = at + off;
        at = open + 1;
        if !NAMES.iter().any(|n| element_named(&bytes[open + 1..], n)) {
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &bytes[open..]) else {
            break;
        };
        let text_start = open + gt + 1;
        if bytes[..text_start].ends_with(b"/>") {
            at = text_start;
            continue;
        }
        // The text node: characters and CDATA sections up to the next tag.
        let mut text_end = text_start;
        loop {
            text_end += memchr::memchr(b'<', &bytes[text_end..]).unwrap_or(bytes.len() - text_end);
            if !bytes[text_end..].starts_with(CDATA) {
                break;
            }
            text_end = match memchr::memmem::find(&bytes[text_end..], b"]]>") {
                Some(close) => text_end + close + 3,
                None => bytes.len(),
            };
        }
        if text_end > text_start {
            let buf = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
            buf.extend_from_slice(&bytes[copied..text_start]);
            copied = text_end;
        }
        at = text_end;
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
    fn a_declared_encoding_is_decoded_here_and_the_declaration_rewritten() {
        let latin1 = b"<?xml version=\"1.0\" encoding='ISO-8859-1' standalone=\"yes\"   ?>\n<rss><channel><title>Caf\xe9</title></channel></rss>";
        let out = as_utf8(latin1);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel><title>Café</title></channel></rss>"
        );
        for same in [
            &b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>"[..],
            b"<?xml version=\"1.0\"?><rss/>",
            b"<?xml version=\"1.0\" encoding=\"no-such\"?><rss/>",
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>",
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}",
        ] {
            assert!(matches!(as_utf8(same), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn contact_text_is_emptied_and_nothing_else() {
        let strip =
            |s: &str| String::from_utf8(without_contacts(s.as_bytes()).into_owned()).unwrap();
        assert_eq!(
            strip(
                "<channel><managingEditor>a@b.org’s desk</managingEditor><title>T</title></channel>"
            ),
            "<channel><managingEditor></managingEditor><title>T</title></channel>"
        );
        assert_eq!(
            strip(
                "<item><author \n><![CDATA[x@y.io¾]]>&#190;</author ><authority>k</authority><webMaster/></item>"
            ),
            "<item><author \n></author ><authority>k</authority><webMaster/></item>"
        );
        // Never closed (feed-rs reads the text up to the next tag anyway).
        assert_eq!(
            strip("<webMaster>w@x.com¾webMaster>\n<image>"),
            "<webMaster><image>"
        );
        assert_eq!(strip("<item><author>x"), "<item><author>");
        let plain = "<rss><channel><title>No contacts</title></channel></rss>";
        assert!(matches!(
            without_contacts(plain.as_bytes()),
            Cow::Borrowed(_)
        ));
    }
}
