//! The single writer: upsert by id, commit in batches.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DateTime as TantivyDate, Term};

use super::{Fields, IndexError, RadarIndex};
use crate::model::Item;

/// Written next to tantivy's own lock so a second writer can say who holds it.
pub const HOLDER_FILE: &str = "radar-writer.pid";
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Segments with more live documents than this are never merged again.
///
/// Why: tantivy's default policy merges ever larger segments (eight of a
/// size at a time, up to 10 M documents), and a merge reads every input
/// docstore whole, so its memory grew with the index: merging eight
/// 40k-document segments took a 528k-record OSV ingest from ~220 to 522 MiB
/// resident. With this cap the largest merge reads eight segments below it
/// (a few MiB of docstore each at ingest's 5,000-item commits), one docstore
/// at a time (see `store_dir.rs`). The cost is more segments: one per
/// ~40k documents ingested, each one more term lookup per upsert. A segment
/// whose deletes bring it back under the cap becomes mergeable again, so
/// re-ingesting updated advisories does not leave it full of dead documents.
pub(crate) const MERGE_CAP_DOCS: usize = 20_000;
/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    New,
    Updated,
    Unchanged,
}

pub struct IndexWriter<'a> {
    pub(super) index: &'a RadarIndex,
    /// Some from construction until `Drop` takes it to wait for merges.
    writer: Option<tantivy::IndexWriter>,
    fields: Fields,
    /// Hashes of the item JSON of documents written since the last commit,
    /// which the searcher cannot see yet.
    pending: HashMap<String, u64>,
    /// Hashes `pending`'s JSON: a 64-bit in-process hash, far cheaper than
    /// a digest, and only ever compared within one batch.
    hasher: RandomState,
    searcher: tantivy::Searcher,
    dirty: bool,
    /// `modified` of advisories written since the last commit (see
    /// `advisories.rs`: a newer stored copy wins).
    pub(super) pending_modified: HashMap<String, Option<chrono::DateTime<chrono::Utc>>>,
    /// An advisory was written or something deleted since the last commit:
    /// the advisory table goes stale with this commit.
    advisories_dirty: bool,
}

impl<'a> IndexWriter<'a> {
    pub(super) fn new(index: &'a RadarIndex) -> Result<IndexWriter<'a>, IndexError> {
        let writer = match index.index.writer_with_num_threads(1, WRITER_HEAP) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => {
                let holder = std::fs::read_to_string(index.path.join(HOLDER_FILE))
                    .map(|h| format!(" ({})", h.trim()))
                    .unwrap_or_default();
                return Err(IndexError::Locked {
                    path: index.path.clone(),
                    holder,
                });
            }
            Err(source) => {
                return Err(IndexError::Tantivy {
                    path: index.path.clone(),
                    op: "open writer",
                    source,
                });
            }
        };
        let holder = format!(
            "pid {} `{}`",
            std::process::id(),
            std::env::args().collect::<Vec<_>>().join(" ")
        );
        // Best effort: the lock itself is tantivy's; this only names the holder.
        let _ = std::fs::write(index.path.join(HOLDER_FILE), holder);
        // Segments a killed run or a full disk left behind, which no commit
        // references: removed here so the next run needs no hand cleanup.
        if let Err(e) = writer.garbage_collect_files().wait() {
            tracing::warn!(
                "index {}: removing unused segment files: {}",
                index.path.display(),
                crate::terminal::error_chain(&e)
            );
        }
        let mut policy = tantivy::merge_policy::LogMergePolicy::default();
        policy.set_max_docs_before_merge(MERGE_CAP_DOCS);
        writer.set_merge_policy(Box::new(policy));
        index.reload()?;
        Ok(IndexWriter {
            index,
            writer: Some(writer),
            fields: index.fields,
            pending: HashMap::new(),
            hasher: RandomState::new(),
            searcher: index.reader.searcher(),
            dirty: false,
            pending_modified: HashMap::new(),
            advisories_dirty: false,
        })
    }

    /// A handle that turns items into documents on any thread, so the
    /// CPU work of an upsert can run beside fetching instead of on the one
    /// thread that drives the writer.
    pub fn preparer(&self) -> Preparer {
        Preparer {
            fields: self.fields,
            hasher: self.hasher.clone(),
        }
    }

    /// Adds the item, replaces the stored one with the same id if it
    /// differs, or does nothing if it is identical.
    pub fn upsert(&mut self, item: &Item) -> Result<Upsert, IndexError> {
        let prepared = self.preparer().prepare(item)?;
        self.upsert_prepared(prepared)
    }

    /// [`upsert`](Self::upsert) for an item already made a document by
    /// this writer's [`Preparer`].
    pub fn upsert_prepared(&mut self, p: Prepared) -> Result<Upsert, IndexError> {
        let unchanged = match self.pending.get(&p.id) {
            Some(&hash) => Some(hash == p.hash),
            None => self
                .stored_json(&p.id)?
                .map(|old| old == p.json(self.fields.item)),
        };
        let outcome = match unchanged {
            Some(true) => return Ok(Upsert::Unchanged),
            Some(false) => Upsert::Updated,
            None => Upsert::New,
        };
        if outcome == Upsert::Updated {
            let id = Term::from_field_text(self.fields.id, &p.id);
            self.tantivy().delete_term(id);
        }
        let index = self.index;
        self.advisories_dirty |= p.advisory_modified.is_some();
        self.tantivy()
            .add_document(p.doc)
            .map_err(index.tantivy_err("add document"))?;
        self.pending.insert(p.id, p.hash);
        self.dirty = true;
        Ok(outcome)
    }

    /// Removes the item with this id, if present.
    pub fn delete(&mut self, id: &str) {
        let term = Term::from_field_text(self.fields.id, id);
        self.tantivy().delete_term(term);
        self.pending.remove(id);
        self.dirty = true;
        self.advisories_dirty = true;
    }

    /// Makes everything since the last commit durable and visible. A commit
    /// with nothing written is skipped, so an unchanged crawl touches no file.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        if !self.dirty {
            return Ok(());
        }
        let index = self.index;
        let table_err = |source| IndexError::AdvisoryTable {
            path: index.path.clone(),
            source,
        };
        let touches_table = self.advisories_dirty || super::advisory_table::is_pending(&index.path);
        if touches_table {
            super::advisory_table::mark_pending(&index.path).map_err(table_err)?;
        }
        if let Err(e) = self.tantivy().commit() {
            // Drop the batch and the segment files it wrote, so a full disk
            // is not kept full by our own leftovers; the last commit stands.
            if let Err(r) = self.tantivy().rollback() {
                tracing::warn!("index {}: rollback: {r}", index.path.display());
            }
            let _ = self.tantivy().garbage_collect_files().wait();
            self.pending.clear();
            self.pending_modified.clear();
            self.dirty = false;
            self.advisories_dirty = false;
            return Err(index.write_error("commit", e));
        }
        if touches_table {
            super::advisory_table::mark_committed(&index.path).map_err(table_err)?;
        }
        self.advisories_dirty = false;
        self.index.reload()?;
        self.searcher = self.index.reader.searcher();
        self.pending.clear();
        self.pending_modified.clear();
        self.dirty = false;
        Ok(())
    }

    /// The stored item JSON of the live document with this id. One term
    /// lookup per segment (a handful, merged in the background), so the
    /// cost per upsert does not grow with the index.
    fn stored_json(&self, id: &str) -> Result<Option<String>, IndexError> {
        let term = Term::from_field_text(self.fields.id, id);
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment
                .inverted_index(self.fields.id)
                .map_err(self.index.tantivy_err("read id postings"))?;
            let Some(mut postings) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| IndexError::Tantivy {
                    path: self.index.path.clone(),
                    op: "read id postings",
                    source: e.into(),
                })?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let stored: TantivyDocument = self
                        .searcher
                        .doc(tantivy::DocAddress::new(ord as u32, doc))
                        .map_err(self.index.tantivy_err("read stored document"))?;
                    return Ok(stored
                        .get_first(self.fields.item)
                        .and_then(|v| v.as_str())
                        .map(str::to_string));
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }
}

/// Builds documents for one writer; cheap to clone and `Send`.
#[derive(Clone)]
pub struct Preparer {
    fields: Fields,
    /// The writer's own hasher (same keys), so hashes compare across both.
    hasher: RandomState,
}

/// An item as a tantivy document, with what the writer needs to decide
/// between new, updated and unchanged without serialising it again.
pub struct Prepared {
    id: String,
    hash: u64,
    doc: TantivyDocument,
    /// `Some(modified)` for advisories: "a newer copy wins" needs it.
    pub(super) advisory_modified: Option<Option<chrono::DateTime<chrono::Utc>>>,
}

impl Prepared {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The stored item JSON (in `field`, the writer's `item` field), which
    /// is what "unchanged" is judged on.
    fn json(&self, field: tantivy::schema::Field) -> &str {
        // `prepare` always adds it.
        self.doc
            .get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    }
}

impl Preparer {
    /// Serialises the item once (the stored copy is also what "unchanged"
    /// is judged on, byte for byte, so no separate digest is kept) and
    /// builds its document.
    pub fn prepare(&self, item: &Item) -> Result<Prepared, IndexError> {
        let json = serde_json::to_string(item).map_err(|e| IndexError::Corrupt {
            id: item.id.clone(),
            message: e.to_string(),
        })?;
        let hash = self.hasher.hash_one(json.as_str());
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &item.id);
        doc.add_text(f.kind, item.kind.as_str());
        doc.add_text(f.source, &item.source);
        doc.add_text(f.title, &item.title);
        doc.add_text(f.body, &item.body);
        for p in &item.packages {
            doc.add_text(f.packages, p);
            doc.add_text(f.package_key, p);
        }
        for t in &item.tags {
            doc.add_text(f.tags, t);
        }
        for a in super::schema::about_terms(item) {
            doc.add_text(f.about, a);
        }
        // tantivy stores nanoseconds in an i64 (years 1678..2262); a date
        // outside that (Go's zero time 0001-01-01) would overflow, so it is
        // left out of the date fields (it stays in the stored item).
        let representable =
            |d: &chrono::DateTime<chrono::Utc>| d.timestamp().abs() < i64::MAX / 1_000_000_000;
        if let Some(p) = item.published.filter(representable) {
            doc.add_date(f.published, TantivyDate::from_timestamp_secs(p.timestamp()));
        }
        let advisory_dates = item
            .advisory
            .as_ref()
            .map(|a| [a.published, a.modified])
            .unwrap_or_default();
        for d in std::iter::once(item.published)
            .chain(advisory_dates)
            .flatten()
            .filter(representable)
        {
            doc.add_date(f.changed, TantivyDate::from_timestamp_secs(d.timestamp()));
        }
        let head = super::schema::release_head(item).map_err(|e| IndexError::Corrupt {
            id: item.id.clone(),
            message: e.to_string(),
        })?;
        if let Some(head) = head {
            doc.add_text(f.release_head, head);
        }
        doc.add_text(f.item, json);
        Ok(Prepared {
            id: item.id.clone(),
            hash,
            doc,
            advisory_modified: item.advisory.as_ref().map(|a| a.modified),
        })
    }
}

use tantivy::DocSet;
use tantivy::schema::IndexRecordOption;

impl IndexWriter<'_> {
    fn tantivy(&mut self) -> &mut tantivy::IndexWriter {
        // Invariant: only Drop takes the writer out.
        self.writer
            .as_mut()
            .expect("the tantivy writer is present until the IndexWriter is dropped")
    }
}

impl Drop for IndexWriter<'_> {
    fn drop(&mut self) {
        // tantivy keeps merging segments after a commit and holds the writer
        // lock until those merges end; waiting here means the next command
        // (or the next scheduled crawl) never finds a lock nobody uses.
        if let Some(writer) = self.writer.take()
            && let Err(e) = writer.wait_merging_threads()
        {
            tracing::warn!(
                "index {}: finishing background merges: {e}",
                self.index.path.display()
            );
        }
        let _ = std::fs::remove_file(self.index.path.join(HOLDER_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ItemKind;

    fn item(body: &str) -> Item {
        Item {
            id: "t:1".into(),
            kind: ItemKind::Release,
            source: "t".into(),
            title: "demo 1.0".into(),
            body: body.into(),
            url: None,
            published: None,
            packages: vec![],
            tags: vec![],
            advisory: None,
        }
    }

    /// "Unchanged" is judged on the whole stored item, both against writes
    /// not yet committed and against the committed copy.
    #[test]
    fn upsert_tells_new_unchanged_and_updated_before_and_after_commit() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        assert_eq!(w.upsert(&item("a")).unwrap(), Upsert::New);
        assert_eq!(w.upsert(&item("a")).unwrap(), Upsert::Unchanged);
        assert_eq!(w.upsert(&item("b")).unwrap(), Upsert::Updated);
        w.commit().unwrap();
        assert_eq!(w.upsert(&item("b")).unwrap(), Upsert::Unchanged);
        assert_eq!(w.upsert(&item("c")).unwrap(), Upsert::Updated);
        w.commit().unwrap();
        drop(w);
        assert_eq!(index.count(), 1);
        assert_eq!(index.get("t:1").unwrap().unwrap().body, "c");
    }

    #[test]
    fn an_index_with_other_fields_asks_to_be_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("id", tantivy::schema::STRING);
        tantivy::Index::create_in_dir(dir.path(), b.build()).unwrap();
        super::super::schema::write_format(dir.path()).unwrap();
        let err = RadarIndex::open_or_create(dir.path()).err().unwrap();
        assert!(matches!(err, IndexError::OldSchema { .. }), "{err}");
        assert!(err.to_string().contains("crawl again"), "{err}");
    }

    /// Same fields, but written before the term-dictionary format changed
    /// (no format file): refused with the same advice, not read as garbage.
    #[test]
    fn an_index_in_an_older_file_format_asks_to_be_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        drop(RadarIndex::open_or_create(dir.path()).unwrap());
        assert!(RadarIndex::open_or_create(dir.path()).is_ok());
        std::fs::remove_file(dir.path().join("radar-index-format")).unwrap();
        let err = RadarIndex::open_or_create(dir.path()).err().unwrap();
        assert!(matches!(err, IndexError::OldSchema { .. }), "{err}");
        assert!(err.to_string().contains("file format"), "{err}");
    }
}
