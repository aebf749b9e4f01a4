//! A fetched body, handed to the right parser in `sources`.
//!
//! Owns the glue between fetching and parsing: reading a body kept in a temp
//! or local file, sending zip archives (OSV databases) to the zip parser,
//! and one repair: a feed that declares UTF-8 but carries invalid bytes is
//! read with those bytes replaced (and a warning), rather than losing every
//! item for one bad byte. Parsing itself is `sources`' job.

use std::io::Read;
use std::path::Path;
use thiserror::Error;

use super::outcome::Body;
use crate::config::SourceKind;
use crate::model::Item;
use crate::sources::{self, ParseContext, SourceError};

/// Why a fetched body gave no items. Crawl keeps failures as data: a
/// source's report carries this error's text, so every cause is part of the
/// message (none is a `#[source]`).
#[derive(Debug, Error)]
pub enum ParseError {
    #[error("cannot read the body: {0}")]
    Read(std::io::Error),
    #[error(
        "got a zip archive; only kind = \"osv\" or \"rustsec\" sources may be zips (this one is kind = \"{kind}\")"
    )]
    UnexpectedZip { kind: &'static str },
    #[error(transparent)]
    Source(SourceError),
    /// The parser's error for the body as it came; the lossy UTF-8 repair
    /// did not help either.
    #[error("{0} (the body is not valid UTF-8)")]
    NotUtf8(SourceError),
}

/// Items from one document, and what had to be repaired to read it.
#[derive(Debug)]
pub struct Parsed {
    pub items: Vec<Item>,
    pub warning: Option<String>,
}

/// Parses a fetched body as `kind`. The error names what was wrong.
pub fn parse_body(kind: SourceKind, ctx: &ParseContext, body: &Body) -> Result<Parsed, ParseError> {
    let path = match body {
        Body::Memory(bytes) => return parse_bytes(kind, ctx, bytes),
        Body::File(tmp) => tmp.path(),
        Body::Local(p) => p.as_path(),
    };
    let mut file = std::fs::File::open(path).map_err(ParseError::Read)?;
    let mut magic = [0u8; 4];
    let n = file.read(&mut magic).map_err(ParseError::Read)?;
    if n == 4 && &magic == b"PK\x03\x04" {
        if !matches!(kind, SourceKind::Osv | SourceKind::Rustsec) {
            return Err(ParseError::UnexpectedZip {
                kind: kind.as_str(),
            });
        }
        return parse_osv_zip(ctx, path);
    }
    let bytes = std::fs::read(path).map_err(ParseError::Read)?;
    parse_bytes(kind, ctx, &bytes)
}

/// Reads an OSV (or advisory-db) zip from disk entry by entry, never the
/// archive whole. A malformed entry is skipped and named in the warning, so
/// one bad record does not cost the other advisories.
pub fn parse_osv_zip(ctx: &ParseContext, path: &Path) -> Result<Parsed, ParseError> {
    // Two handles: one walks the central directory, one reads entries.
    let directory = std::fs::File::open(path).map_err(ParseError::Read)?;
    let bodies = std::fs::File::open(path).map_err(ParseError::Read)?;
    let mut items = Vec::new();
    let summary = sources::archive::parse_osv_zip(ctx, directory, bodies, |item| {
        items.push(item);
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|e| match e {
        sources::archive::ZipError::Archive(e) => ParseError::Source(e),
        sources::archive::ZipError::Sink(never) => match never {},
    })?;
    let warning = (!summary.errors.is_empty()).then(|| {
        let first = &summary.errors[0];
        format!(
            "{} malformed advisory entries skipped (first: {}: {})",
            summary.errors.len(),
            first.entry,
            first.error
        )
    });
    Ok(Parsed { items, warning })
}

fn parse_bytes(kind: SourceKind, ctx: &ParseContext, bytes: &[u8]) -> Result<Parsed, ParseError> {
    match sources::parse(kind, ctx, bytes) {
        Ok(items) => Ok(Parsed {
            items,
            warning: None,
        }),
        Err(first) => {
            let repairable = matches!(kind, SourceKind::Feed)
                && std::str::from_utf8(bytes).is_err()
                && declares_utf8_or_nothing(bytes);
            if !repairable {
                return Err(ParseError::Source(first));
            }
            let repaired = String::from_utf8_lossy(bytes);
            let bad = repaired.matches('\u{fffd}').count();
            match sources::parse(kind, ctx, repaired.as_bytes()) {
                Ok(items) => Ok(Parsed {
                    items,
                    warning: Some(format!(
                        "{bad} invalid UTF-8 sequence(s) replaced with U+FFFD"
                    )),
                }),
                Err(_) => Err(ParseError::NotUtf8(first)),
            }
        }
    }
}

/// True when the XML prolog names UTF-8 or no encoding at all (which also
/// means UTF-8). A feed in ISO-8859-1 is valid as it is and never repaired.
fn declares_utf8_or_nothing(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).to_ascii_lowercase();
    let Some(prolog) = head
        .find("<?xml")
        .and_then(|s| head[s..].find("?>").map(|e| &head[s..s + e]))
    else {
        return true;
    };
    match prolog.find("encoding=") {
        None => true,
        Some(at) => {
            let value = prolog[at + "encoding=".len()..]
                .trim_start_matches(['"', '\''])
                .split(['"', '\''])
                .next()
                .unwrap_or("");
            value == "utf-8" || value == "utf8"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "t".into(),
            base_url: Some("http://127.0.0.1/feed".into()),
            ..Default::default()
        }
    }

    const BAD_UTF8: &[u8] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n<item><title>caf\xe9 2.0 released</title><link>http://x/1</link></item>\n<item><title>ok</title><link>http://x/2</link></item></channel></rss>";

    #[test]
    fn invalid_utf8_feed_is_read_with_replacement_characters() {
        let p = parse_body(SourceKind::Feed, &ctx(), &Body::Memory(BAD_UTF8.to_vec())).unwrap();
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].title, "caf\u{fffd} 2.0 released");
        assert_eq!(
            p.warning.as_deref(),
            Some("1 invalid UTF-8 sequence(s) replaced with U+FFFD")
        );
        // feed-rs alone refuses the document: the repair is what saves it.
        assert!(crate::sources::parse(SourceKind::Feed, &ctx(), BAD_UTF8).is_err());
    }

    #[test]
    fn prolog_encoding_is_read() {
        assert!(declares_utf8_or_nothing(b"<rss/>"));
        assert!(declares_utf8_or_nothing(
            b"<?xml version='1.0' encoding='UTF-8'?><rss/>"
        ));
        assert!(!declares_utf8_or_nothing(
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"
        ));
    }

    #[test]
    fn osv_zip_body_goes_to_the_zip_parser_entry_by_entry() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        {
            let mut w = zip::ZipWriter::new(tmp.as_file_mut());
            w.start_file(
                "advisories/NOT-AN-ADVISORY.json",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut w, b"[]").unwrap();
            w.finish().unwrap();
        }
        // Whatever the OSV parser makes of `[]`, a failure must name the
        // archive entry; success means the entry reached it.
        if let Err(e) = parse_body(SourceKind::Osv, &ctx(), &Body::File(tmp)) {
            let e = e.to_string();
            assert!(
                e.contains("OSV zip") && e.contains("NOT-AN-ADVISORY.json"),
                "{e}"
            );
        }
    }

    #[test]
    fn zip_for_a_feed_source_is_refused_with_a_reason() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut tmp, b"PK\x03\x04rest").unwrap();
        let e = parse_body(SourceKind::Feed, &ctx(), &Body::File(tmp))
            .unwrap_err()
            .to_string();
        assert!(e.contains("only kind = \"osv\""), "{e}");
    }
}
