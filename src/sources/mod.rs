//! Parsers: bytes in, `Item`s out. No network, no disk, no index.
//!
//! Each format lives in its own file. A parser either returns every item of
//! a document or an error naming what was wrong; it never returns half a
//! document, so a malformed input never lands half-parsed in the index.

pub mod advisory;
pub mod archive;
pub mod detect;
pub mod eol;
pub mod feed;
mod feed_guard;
pub mod html;
pub mod npm;
pub mod osv;
pub mod registry;
pub mod release_list;
pub mod rustsec;
pub mod text;

use thiserror::Error;

use crate::config::{HtmlSelectors, Source, SourceKind};
use crate::model::Item;

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("not a feed (RSS, Atom, JSON Feed or a JSON release list): {0}")]
    Feed(String),
    #[error("not a usable OSV advisory: {0}")]
    Osv(String),
    // The record's problem is part of the message (crawl and ingest report
    // `to_string()`), so `error` is not marked `#[source]`.
    #[error("not a usable OSV advisory: record {id}: {error}")]
    OsvRecord { id: String, error: osv::RecordError },
    #[error("not a usable RustSec advisory: {0}")]
    Rustsec(String),
    #[error("{0}")]
    Zip(String),
    #[error("HTML page: {0}")]
    Html(String),
    #[error("not an npm registry document: {0}")]
    Npm(String),
    #[error("not an endoflife.date product: {0}")]
    Eol(String),
    #[error("{registry} registry: {message}")]
    Registry {
        registry: &'static str,
        message: String,
    },
}

/// What a parser needs to know about where the bytes came from.
#[derive(Debug, Clone, Default)]
pub struct ParseContext {
    /// Source name (radar.toml) or file path (ingest): part of every item id.
    pub source: String,
    /// The URL the bytes were fetched from, for resolving relative links.
    pub base_url: Option<String>,
    /// Package key every item is about, if the source is about one package.
    pub package: Option<String>,
    /// Every item is a release (GitHub releases, registry feeds).
    pub releases_only: bool,
    pub html: Option<HtmlSelectors>,
}

impl ParseContext {
    pub fn for_source(source: &Source, base_url: Option<String>) -> ParseContext {
        let releases_only = source.package.is_some()
            || source.location_display().contains("github.com/")
                && source.location_display().ends_with("/releases.atom");
        ParseContext {
            source: source.name.clone(),
            base_url,
            package: source.package.clone(),
            releases_only,
            html: source.html.clone(),
        }
    }
}

/// Parses one fetched document of the given kind.
pub fn parse(kind: SourceKind, ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    match kind {
        SourceKind::Feed => feed::parse_feed(ctx, bytes),
        SourceKind::Html => html::parse_html(ctx, bytes),
        // A fetched OSV or RustSec source may be a zip: OSV's dumps, or
        // the advisory-db (whose `.md` entries are RustSec).
        SourceKind::Osv | SourceKind::Rustsec if bytes.starts_with(b"PK\x03\x04") => {
            archive::parse_zip_bytes(ctx, bytes)
        }
        SourceKind::Osv => osv::parse_osv(ctx, bytes),
        SourceKind::Rustsec => rustsec::parse_rustsec(ctx, bytes),
        SourceKind::Npm => npm::parse_packument(ctx, bytes),
        SourceKind::Eol => eol::parse_product(ctx, bytes),
        SourceKind::Rubygems => registry::rubygems::parse(ctx, bytes),
        SourceKind::Packagist => registry::packagist::parse(ctx, bytes),
        SourceKind::Maven => registry::maven::parse(ctx, bytes),
        SourceKind::Go => registry::go::parse_list(ctx, bytes),
        SourceKind::Nuget => registry::nuget::parse(ctx, bytes),
        SourceKind::Hex => registry::hex::parse(ctx, bytes),
        SourceKind::Pub => registry::pub_dev::parse(ctx, bytes),
        SourceKind::CratesIndex => registry::status::parse_crates_index(ctx, bytes),
        SourceKind::PypiJson => registry::status::parse_pypi_json(ctx, bytes),
    }
}

/// Some feeds ship the same guid for every entry, and two entries with the
/// same title and date and no link would share an id. Keep the first
/// occurrence stable (so stored items still match) and give later ones an id
/// derived from their position, which stays stable while the feed does.
pub(crate) fn dedupe_ids(items: &mut [Item]) {
    let mut seen = std::collections::HashSet::new();
    for (n, item) in items.iter_mut().enumerate() {
        if !seen.insert(item.id.clone()) {
            item.id = crate::model::item_id(
                &item.source,
                None,
                None,
                &format!("{}#{n}", item.id),
                item.published,
            );
        }
    }
}
