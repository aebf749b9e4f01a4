//! Shared glue for the fuzz targets: the parse context and the lockfile
//! entry point every target calls. Owns nothing else; the parsers live in
//! `techradar`.

use std::path::Path;
use techradar::sources::ParseContext;
use techradar::stack::Format;

pub fn ctx() -> ParseContext {
    ParseContext {
        source: "fuzz".into(),
        ..Default::default()
    }
}

/// Lockfile text is read as UTF-8 by `radar stack`; lossy here so every
/// input reaches the parser.
pub fn lockfile(format: Format, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    // A folder that does not exist: `-r other.txt` lines find nothing.
    let path = Path::new("/nonexistent").join(format.kind());
    let _ = techradar::stack::parse_lockfile_as(format, &path, &text);
}
