//! Recognising a local file's format from its name and first bytes.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Feed,
    Osv,
    Rustsec,
    Zip,
}

/// Whether a file found while walking a folder is worth trying.
pub fn candidate(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("xml" | "rss" | "atom" | "rdf" | "json" | "md" | "zip" | "feed")
    )
}

pub fn detect(path: &Path, bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::Zip);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // JSON Feed declares its version URL; OSV records carry `affected`
        // or `modified` with an id.
        if head.contains("jsonfeed.org/version") {
            return Some(Format::Feed);
        }
        if head.contains("\"modified\"")
            || head.contains("\"affected\"")
            || head.contains("\"schema_version\"")
        {
            return Some(Format::Osv);
        }
        return Some(Format::Feed);
    }
    if trimmed.starts_with("```toml") || (trimmed.starts_with("+++") && head.contains("[advisory]"))
    {
        return Some(Format::Rustsec);
    }
    if trimmed.starts_with('<') {
        return Some(Format::Feed);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    matches!(ext, "xml" | "rss" | "atom").then_some(Format::Feed)
}
