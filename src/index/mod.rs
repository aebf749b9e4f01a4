//! The local tantivy index: schema, the single writer, and search.
//!
//! Owns everything that touches tantivy. Stages hand it `Item`s and get
//! `Item`s or search hits back; no other module builds tantivy documents or
//! queries. Upsert is by item id, so re-ingesting never duplicates.

mod advisories;
mod advisory_table;
mod export;
mod history;
mod migrate;
mod release_heads;
mod schema;
mod search;
mod store_dir;
mod write;

pub use advisory_table::{AdvisoryLookup, AdvisoryTable};
pub use migrate::Migrated;
pub use schema::{Fields, repo_about};
pub use search::{SearchHit, SearchQuery, SearchReport, Since, SinceError};
pub use write::{HOLDER_FILE, IndexWriter, Prepared, Preparer, Upsert};

use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, ReloadPolicy};
use thiserror::Error;

use crate::model::Item;

#[derive(Debug, Error)]
pub enum IndexError {
    #[error("index {path}: cannot create folder")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "index {path} was made by an older version of radar, or is not a radar index (its fields or file format differ). If it is radar's, delete the folder and crawl again; otherwise point --index elsewhere"
    )]
    OldSchema { path: PathBuf },
    #[error(
        "index {path}: cannot open (if the folder is not a techradar index, point --index elsewhere)"
    )]
    Open {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "index {path} is locked by another writer{holder}. Wait for it to finish, or run with --wait"
    )]
    Locked { path: PathBuf, holder: String },
    /// A folder that was an index (meta.json is there) but no longer
    /// reads: a truncated or half-written file.
    #[error(
        "index {path} is damaged ({detail}). Run `radar doctor` for details, or delete the folder and run `radar crawl` to rebuild it; entries, radar.toml and stack.toml live outside it and are kept"
    )]
    Damaged { path: PathBuf, detail: String },
    /// The disk filled during a commit: nothing of the batch was kept.
    #[error(
        "index {path}: {op} failed, the disk is full ({detail}); the unfinished batch was discarded, nothing committed is lost. Free space and run the command again"
    )]
    DiskFull {
        path: PathBuf,
        op: &'static str,
        detail: String,
    },
    #[error(
        "index {path}: upgrading it to this version's format failed while {step}; the old index is kept. Fix the cause (free disk space, permissions) and run the command again"
    )]
    Migrate {
        path: PathBuf,
        step: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "index {path}: cannot write the advisory table beside it (radar-advisories.*); check the folder's permissions and free space"
    )]
    AdvisoryTable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "advisory table {path} is damaged ({message}); delete it, the next `radar audit` rebuilds it from the index"
    )]
    AdvisoryTableDamaged { path: PathBuf, message: String },
    #[error("index {path}: writing the export failed")]
    Export {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("index {path}: {op}")]
    Tantivy {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "invalid query {query:?}: {message}. Quote phrases and escape special characters, e.g. \"tokio 1.40\" or title:security"
    )]
    Query { query: String, message: String },
    #[error(
        "stored document {id} could not be read back: {message}. Re-ingest the source to repair it"
    )]
    Corrupt { id: String, message: String },
}

/// Decompressed docstore blocks each segment's reader keeps (see
/// [`RadarIndex::open_or_create`]).
const DOCSTORE_CACHE_BLOCKS: usize = 4;

/// Longest `--wait` for another writer to release the index.
pub const WRITER_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// An opened index: cheap to clone readers from, one writer at a time.
pub struct RadarIndex {
    path: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
}

impl RadarIndex {
    /// Opens the index at `path`, creating an empty one if the folder is new.
    ///
    /// An index of the previous format is migrated first (see `migrate.rs`).
    pub fn open_or_create(path: &Path) -> Result<RadarIndex, IndexError> {
        migrate::finish_interrupted(path)?;
        if path.join("meta.json").exists()
            && schema::format_of(path)
                .is_some_and(|f| schema::PREVIOUS_FORMATS.contains(&f.as_str()))
        {
            migrate::migrate(path)?;
        }
        std::fs::create_dir_all(path).map_err(|source| IndexError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        let open_err = |source| IndexError::Open {
            path: path.to_path_buf(),
            source,
        };
        let existing = path.join("meta.json").exists();
        if existing && !schema::format_matches(path) {
            return Err(IndexError::OldSchema {
                path: path.to_path_buf(),
            });
        }
        let dir = store_dir::StoreReadsDirectory::open(path).map_err(open_err)?;
        let schema = schema::build();
        let index = Index::builder()
            .schema(schema)
            .settings(schema::settings())
            .open_or_create(dir)
            .map_err(|e| match e {
                // tantivy's only check of an existing index's schema: its
                // fields or options differ from this version's (schema.rs).
                tantivy::TantivyError::SchemaError(_) => IndexError::OldSchema {
                    path: path.to_path_buf(),
                },
                // meta.json is there, so this was an index: it is damaged, not
                // a stranger's folder.
                e if existing => IndexError::Damaged {
                    path: path.to_path_buf(),
                    detail: damage_detail(&e),
                },
                e => open_err(e),
            })?;
        if !existing {
            schema::write_format(path).map_err(|source| IndexError::Create {
                path: path.to_path_buf(),
                source,
            })?;
        }
        schema::register_tokenizers(&index);
        let fields = Fields::resolve(&index.schema()).map_err(open_err)?;
        // Manual reload: every command reloads after its own commit, so a
        // search right after an ingest sees it (the default reloads later).
        // A few decompressed docstore blocks per segment, not tantivy's 100:
        // window reads visit documents in storage order (each block once),
        // and with a segment per ~40k items (merges stop at 20k documents)
        // the default cache alone held ~40 MiB of blocks at 1M items.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(DOCSTORE_CACHE_BLOCKS)
            .try_into()
            .map_err(open_err)?;
        Ok(RadarIndex {
            path: path.to_path_buf(),
            index,
            fields,
            reader,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the single writer lock; a second writer fails at once.
    pub fn writer(&self) -> Result<IndexWriter<'_>, IndexError> {
        IndexWriter::new(self)
    }

    /// Takes the writer lock; if another process holds it and `wait` is
    /// set, polls with backoff (50 ms doubling to 2 s, since the holder is
    /// another process and cannot wake us) for up to
    /// [`WRITER_WAIT_LIMIT`], calling `on_wait` once when waiting starts.
    /// `sleep` is how to pause: a tokio sleep where a runtime must keep
    /// running (the scheduler), else see [`RadarIndex::writer_blocking`].
    pub async fn writer_waiting<F, Fut>(
        &self,
        wait: bool,
        mut on_wait: impl FnMut(&IndexError),
        sleep: F,
    ) -> Result<IndexWriter<'_>, IndexError>
    where
        F: Fn(std::time::Duration) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let started = std::time::Instant::now();
        let mut delay = std::time::Duration::from_millis(50);
        let mut told = false;
        loop {
            match self.writer() {
                Err(e @ IndexError::Locked { .. })
                    if wait && started.elapsed() < WRITER_WAIT_LIMIT =>
                {
                    if !told {
                        on_wait(&e);
                        told = true;
                    }
                    sleep(delay).await;
                    delay = (delay * 2).min(std::time::Duration::from_secs(2));
                }
                other => return other,
            }
        }
    }

    /// [`RadarIndex::writer_waiting`] for a thread that may block.
    pub fn writer_blocking(
        &self,
        wait: bool,
        on_wait: impl FnMut(&IndexError),
    ) -> Result<IndexWriter<'_>, IndexError> {
        use futures_util::FutureExt as _;
        let thread_sleep = |d| {
            std::thread::sleep(d);
            std::future::ready(())
        };
        // Every future inside is ready when first polled, so one poll runs
        // the whole loop; a pending result would be a bug in this function.
        self.writer_waiting(wait, on_wait, thread_sleep)
            .now_or_never()
            .unwrap_or_else(|| self.writer())
    }

    /// Segment files of the last commit whose checksum does not match
    /// their bytes (a disk fault, a file edited by hand).
    pub fn damaged_files(&self) -> Result<Vec<PathBuf>, IndexError> {
        let mut files: Vec<PathBuf> = self
            .index
            .validate_checksum()
            .map_err(self.tantivy_err("validate checksums"))?
            .into_iter()
            .collect();
        files.sort();
        Ok(files)
    }

    /// Sees the latest commit (also from other processes).
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader.reload().map_err(|source| IndexError::Tantivy {
            path: self.path.clone(),
            op: "reload",
            source,
        })
    }

    /// Number of live documents at the last reload.
    pub fn count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchReport, IndexError> {
        search::search(self, q)
    }

    /// Every live item, in id order; for scoring, trends and the digest.
    pub fn all_items(&self) -> Result<Vec<Item>, IndexError> {
        search::all_items(self)
    }

    /// Items published in `[from, to)` plus the advisories published or
    /// modified in `[changed_from, changed_to)`: what a digest of a week
    /// (and the trend window before it) can show, without reading years of
    /// history or the whole advisory database.
    pub fn items_in_range_and_advisories(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        changed_from: chrono::DateTime<chrono::Utc>,
        changed_to: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Item>, IndexError> {
        let q = search::range_and_advisories_query(self, from, to, changed_from, changed_to);
        search::collect(self, &q)
    }

    /// [`RadarIndex::items_in_range_and_advisories`], handed to `f` one at a
    /// time in storage order (not id order) instead of collected.
    pub fn visit_in_range_and_advisories(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        changed_from: chrono::DateTime<chrono::Utc>,
        changed_to: chrono::DateTime<chrono::Utc>,
        mut f: impl FnMut(Item),
    ) -> Result<(), IndexError> {
        let q = search::range_and_advisories_query(self, from, to, changed_from, changed_to);
        search::visit(self, &q, &mut f)
    }

    /// Items published at or after `from` (undated items never): the
    /// window `trends` and `update` count mentions in. One range query
    /// over the `published` fast field; older history is not read.
    pub fn items_published_since(
        &self,
        from: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Item>, IndexError> {
        search::collect(self, &search::published_since_query(self, from))
    }

    /// [`RadarIndex::items_published_since`], handed to `f` one at a time in
    /// storage order (not id order) instead of collected: memory stays flat
    /// however many items the window holds.
    pub fn visit_published_since(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        mut f: impl FnMut(Item),
    ) -> Result<(), IndexError> {
        search::visit(self, &search::published_since_query(self, from), &mut f)
    }

    /// Release items about any of these `about` terms (lower-cased package
    /// keys, or [`repo_about`] of a GitHub repository), whatever their age.
    pub fn releases_about(&self, about: &[String]) -> Result<Vec<Item>, IndexError> {
        search::releases_about(self, about)
    }

    /// The oldest `published` date of each source in the whole index:
    /// how long a source has been seen, which the trend test needs (a
    /// source first seen in the recent weeks cannot make a term rise).
    /// Read from fast columns; no document is loaded.
    pub fn first_published_by_source(
        &self,
    ) -> Result<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>, IndexError> {
        history::first_published_by_source(self)
    }

    /// Releases about any of `about` (see [`RadarIndex::releases_about`]),
    /// each handed to `f` without its body, in no particular order: `update`'s
    /// read of the stack's release history. Read from the release-head
    /// column, not the docstore, so years of releases cost no decompression
    /// of the items around them. Returns how many had no head and were read
    /// from the docstore instead (none in an index of this format).
    pub fn visit_releases_about_without_body(
        &self,
        about: &[String],
        mut f: impl FnMut(Item),
    ) -> Result<usize, IndexError> {
        release_heads::visit(self, about, &mut f)
    }

    /// Items carrying this tag, whatever their age.
    pub fn items_tagged(&self, tag: &str) -> Result<Vec<Item>, IndexError> {
        search::items_tagged(self, tag)
    }

    /// Items that mention any of these package keys (`crates.io/tokio`).
    pub fn items_for_packages(&self, keys: &[String]) -> Result<Vec<Item>, IndexError> {
        search::items_for_packages(self, keys)
    }

    /// The stored item with this id, if any.
    pub fn get(&self, id: &str) -> Result<Option<Item>, IndexError> {
        search::get(self, id)
    }

    /// A failed write: "disk full" gets its own one-line advice, anything
    /// else is reported with its cause.
    fn write_error(&self, op: &'static str, source: tantivy::TantivyError) -> IndexError {
        match disk_full(&source) {
            Some(detail) => IndexError::DiskFull {
                path: self.path.clone(),
                op,
                detail,
            },
            None => IndexError::Tantivy {
                path: self.path.clone(),
                op,
                source,
            },
        }
    }

    fn tantivy_err(
        &self,
        op: &'static str,
    ) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
        move |source| IndexError::Tantivy {
            path: self.path.clone(),
            op,
            source,
        }
    }
}

/// The OS text of an ENOSPC (or quota) anywhere in a tantivy error.
/// tantivy wraps I/O errors in several layers (`IoError`, `OpenWriteError`,
/// its own strings), so the chain is searched, then the text.
fn disk_full(e: &tantivy::TantivyError) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        {
            return Some(io.to_string());
        }
        cause = c.source();
    }
    if let tantivy::TantivyError::IoError(io) = e
        && io.kind() == std::io::ErrorKind::StorageFull
    {
        return Some(io.to_string());
    }
    let text = crate::terminal::error_chain(e);
    ["No space left on device", "Disk quota exceeded"]
        .iter()
        .find(|m| text.contains(*m))
        .map(|m| (*m).to_string())
}

/// tantivy's corruption message, without the file's content it quotes (a
/// whole meta.json on one line helps nobody).
fn damage_detail(e: &tantivy::TantivyError) -> String {
    let text = crate::terminal::error_chain(e);
    let cut = text.find(". Content:").unwrap_or(text.len());
    let mut detail: String = text[..cut].chars().take(300).collect();
    detail = detail.trim_end_matches(['\'', '.', ' ']).to_string();
    detail
}
