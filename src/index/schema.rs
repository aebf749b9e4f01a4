//! The one place the index schema is defined.

use std::path::Path;
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyError};

/// Tokenizer for titles and bodies: lower-cased words, no stemming, so a
/// search for `tokio` finds `Tokio` and version numbers stay intact parts.
pub(crate) const TEXT_TOKENIZER: &str = "radar_text";

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: tantivy::schema::Field,
    pub kind: tantivy::schema::Field,
    pub source: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    /// Package keys tokenized (`crates.io/tokio` → crates, io, tokio) for search.
    pub packages: tantivy::schema::Field,
    /// Package keys verbatim, for exact lookups by audit and scoring.
    pub package_key: tantivy::schema::Field,
    pub tags: tantivy::schema::Field,
    pub published: tantivy::schema::Field,
    /// What a release is about, lower-cased: its package keys, or for an
    /// item without packages the `github.com/owner/repo` of its GitHub
    /// release link. `update` fetches the stack's releases by these terms
    /// instead of scanning every release (format 3).
    pub about: tantivy::schema::Field,
    /// Every date an item counts in a week by: `published`, and for an
    /// advisory also its own `published` and `modified` (format 3). The
    /// digest finds the week's advisories by range instead of reading all.
    pub changed: tantivy::schema::Field,
    /// The whole item as JSON: the source of truth when reading back, for
    /// snippets too, and what an upsert compares to tell "unchanged".
    pub item: tantivy::schema::Field,
    /// A release's item as JSON without its body (the changelog), in a fast
    /// column rather than the docstore (format 4): `update` reads years of
    /// a stack's releases for their titles, links and dates, and the
    /// docstore would decompress blocks of other items (and the bodies) to
    /// give them. Only releases have one.
    pub release_head: tantivy::schema::Field,
}

pub(crate) fn build() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("kind", STRING | FAST);
    b.add_text_field("source", STRING | FAST);
    // Title and body are indexed only: the stored item JSON already holds
    // them, and storing them twice cost crawl time (docstore compression).
    b.add_text_field("title", text.clone());
    b.add_text_field("body", text.clone());
    b.add_text_field("packages", text);
    b.add_text_field("package_key", STRING);
    b.add_text_field("tags", STRING);
    b.add_date_field("published", INDEXED | FAST);
    b.add_text_field("item", STORED);
    b.add_text_field("about", STRING);
    b.add_date_field("changed", INDEXED);
    b.add_text_field("release_head", TextOptions::default().set_fast("raw"));
    b.build()
}

/// How a new index lays out its documents: each segment sorted by
/// `published`, oldest first (undated items first of all), merges
/// included. A window read (trends, update, the digest) then finds its
/// items in consecutive docstore blocks, so it decompresses the window and
/// not, as with items in crawl order, most of the history around it (a
/// feed or archive ingested late puts years-old items next to this week's).
/// Kept in the index's meta.json by tantivy (format 4).
pub(crate) fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        sort_by_field: Some(tantivy::IndexSortByField {
            field: "published".into(),
            order: tantivy::Order::Asc,
        }),
        ..tantivy::IndexSettings::default()
    }
}

/// Written beside tantivy's files when an index is created. tantivy's
/// `meta.json` records the fields but not the term-dictionary format: radar
/// builds tantivy with sstable term dictionaries (the `quickwit` feature),
/// which an index written with FST dictionaries cannot be read as. Bump the
/// number whenever the on-disk format changes in a way the schema check
/// cannot see.
const FORMAT_FILE: &str = "radar-index-format";
const FORMAT: &str = "4 sstable";
/// The formats this version migrates from (`migrate.rs`). Every format
/// change ships the migration from the one before it; the copy reads only
/// the stored item JSON, which every format has, so older ones stay too.
pub(crate) const PREVIOUS_FORMATS: &[&str] = &["2 sstable", "3 sstable"];
pub(crate) const FORMAT_NUMBER: u32 = 4;

/// True when the index in `dir` was written in this version's format.
pub(crate) fn format_matches(dir: &Path) -> bool {
    format_of(dir).is_some_and(|f| f == FORMAT)
}

/// The format line of the index in `dir`, trimmed, if it has one.
pub(crate) fn format_of(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(FORMAT_FILE))
        .ok()
        .map(|f| f.trim().to_string())
}

pub(crate) fn write_format(dir: &Path) -> std::io::Result<()> {
    crate::atomic::write(
        &dir.join(FORMAT_FILE),
        format!("{FORMAT}\n").as_bytes(),
        crate::atomic::Durability::Sync,
    )
    .map_err(|e| e.source)
}

/// The `about` terms of an item (see [`Fields::about`]).
pub(crate) fn about_terms(item: &crate::model::Item) -> Vec<String> {
    if !item.packages.is_empty() {
        return item.packages.iter().map(|p| p.to_lowercase()).collect();
    }
    item.url
        .as_deref()
        .and_then(crate::model::github_release_repo)
        .map(|r| vec![repo_about(r)])
        .unwrap_or_default()
}

/// The longest release head written. tantivy's column dictionaries cut
/// values at 64 KiB, which would leave JSON that no longer parses; a release
/// with a longer head (a title of thousands of packages) has none and is
/// read from the docstore instead.
const MAX_RELEASE_HEAD: usize = 32 * 1024;

/// The [`Fields::release_head`] value of an item: releases only, and only
/// when it fits [`MAX_RELEASE_HEAD`].
pub(crate) fn release_head(item: &crate::model::Item) -> Result<Option<String>, serde_json::Error> {
    if item.kind != crate::model::ItemKind::Release {
        return Ok(None);
    }
    let head = serde_json::to_string(&crate::model::Item {
        body: String::new(),
        ..item.clone()
    })?;
    Ok((head.len() <= MAX_RELEASE_HEAD).then_some(head))
}

/// The `about` term of a GitHub repository (`owner/repo`), as
/// [`crate::index::RadarIndex::releases_about`] takes it.
pub fn repo_about(repo: &str) -> String {
    format!(
        "github.com/{}",
        repo.trim().trim_matches('/').to_lowercase()
    )
}

pub(crate) fn register_tokenizers(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(TEXT_TOKENIZER, analyzer);
}

impl Fields {
    pub(crate) fn resolve(schema: &Schema) -> Result<Fields, TantivyError> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                TantivyError::SchemaError(format!(
                    "field {name:?} missing: this index was made by another version; delete the folder and crawl again"
                ))
            })
        };
        Ok(Fields {
            id: f("id")?,
            kind: f("kind")?,
            source: f("source")?,
            title: f("title")?,
            body: f("body")?,
            packages: f("packages")?,
            package_key: f("package_key")?,
            tags: f("tags")?,
            published: f("published")?,
            item: f("item")?,
            about: f("about")?,
            changed: f("changed")?,
            release_head: f("release_head")?,
        })
    }
}
