//! Advisory-specific index access: "a newer `modified` wins" on write, and
//! the exact package lookup audit runs on read.
//!
//! Audit's speed comes from here: it never loads the whole advisory
//! database, only the documents whose `package_key` terms name a package
//! in the lockfiles (one term-set lookup), filtered to `kind = advisory`.

use chrono::{DateTime, Utc};
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument};
use tantivy::{DocAddress, Term};

use super::search::item_from_doc;
use super::write::Prepared;
use super::{IndexError, IndexWriter, RadarIndex, Upsert};
use crate::model::{Item, ItemKind};

impl IndexWriter<'_> {
    /// Upserts an item; for an advisory, keeps the stored copy when it was
    /// modified later than this one (a copy without `modified`, such as
    /// RustSec Markdown, is older than any dated copy). Keeping the stored
    /// copy reports [`Upsert::Unchanged`]. Non-advisory items are plain
    /// upserts.
    pub fn upsert_newest(&mut self, item: &Item) -> Result<Upsert, IndexError> {
        let prepared = self.preparer().prepare(item)?;
        self.upsert_newest_prepared(prepared)
    }

    /// [`upsert_newest`](Self::upsert_newest) for a prepared item.
    pub fn upsert_newest_prepared(&mut self, p: Prepared) -> Result<Upsert, IndexError> {
        let Some(modified) = p.advisory_modified else {
            return self.upsert_prepared(p);
        };
        let id = p.id().to_string();
        let stored = match self.pending_modified.get(&id) {
            Some(m) => Some(*m),
            None => self
                .index
                .get(&id)?
                .map(|i| i.advisory.and_then(|a| a.modified)),
        };
        if let Some(stored) = stored
            && stored_is_newer(stored, modified)
        {
            return Ok(Upsert::Unchanged);
        }
        let outcome = self.upsert_prepared(p)?;
        self.pending_modified.insert(id, modified);
        Ok(outcome)
    }
}

fn stored_is_newer(stored: Option<DateTime<Utc>>, incoming: Option<DateTime<Utc>>) -> bool {
    match (stored, incoming) {
        (Some(s), Some(i)) => s > i,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

impl RadarIndex {
    /// Advisory items that name any of these package keys
    /// (`crates.io/regex`), in id order. One term-set query: the cost
    /// follows the number of matching advisories, not the database size.
    pub fn advisories_for_packages(&self, keys: &[String]) -> Result<Vec<Item>, IndexError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let terms = keys
            .iter()
            .map(|k| Term::from_field_text(self.fields.package_key, k));
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermSetQuery::new(terms)) as Box<dyn Query>,
            ),
            (Occur::Must, Box::new(self.kind_query(ItemKind::Advisory))),
        ]);
        let searcher = self.reader.searcher();
        let addrs = searcher
            .search(&query, &DocSetCollector)
            .map_err(self.tantivy_err("search advisories"))?;
        let mut addrs: Vec<DocAddress> = addrs.into_iter().collect();
        addrs.sort();
        let mut items = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .map_err(self.tantivy_err("read advisory"))?;
            items.push(item_from_doc(self, &doc)?);
        }
        items.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(items)
    }

    /// How many advisories the index holds (at the last reload).
    pub fn advisory_count(&self) -> Result<usize, IndexError> {
        self.reader
            .searcher()
            .search(&self.kind_query(ItemKind::Advisory), &Count)
            .map_err(self.tantivy_err("count advisories"))
    }

    fn kind_query(&self, kind: ItemKind) -> TermQuery {
        TermQuery::new(
            Term::from_field_text(self.fields.kind, kind.as_str()),
            IndexRecordOption::Basic,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Advisory, Affected};
    use chrono::TimeZone;

    fn advisory(id: &str, modified: Option<i64>, summary: &str) -> Item {
        let a = Advisory {
            id: id.into(),
            summary: summary.into(),
            modified: modified.map(|s| Utc.timestamp_opt(s, 0).unwrap()),
            affected: vec![Affected {
                ecosystem: "crates.io".into(),
                name: "demo".into(),
                ranges: vec![],
                versions: vec![],
                patched: vec![],
            }],
            ..Default::default()
        };
        Item {
            id: crate::sources::advisory::advisory_item_id(id),
            kind: ItemKind::Advisory,
            source: "t".into(),
            title: summary.into(),
            body: String::new(),
            url: None,
            published: None,
            packages: vec!["crates.io/demo".into()],
            tags: vec![],
            advisory: Some(Box::new(a)),
        }
    }

    #[test]
    fn newer_modified_wins_in_both_orders_and_within_a_batch() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        let old = advisory("X-1", Some(100), "old");
        let new = advisory("X-1", Some(200), "new");
        let undated = advisory("X-1", None, "markdown");
        assert_eq!(w.upsert_newest(&new).unwrap(), Upsert::New);
        // Same batch, not committed yet: still kept.
        assert_eq!(w.upsert_newest(&old).unwrap(), Upsert::Unchanged);
        w.commit().unwrap();
        assert_eq!(w.upsert_newest(&undated).unwrap(), Upsert::Unchanged);
        assert_eq!(w.upsert_newest(&old).unwrap(), Upsert::Unchanged);
        drop(w);
        index.reload().unwrap();
        let got = index
            .advisories_for_packages(&["crates.io/demo".into()])
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].title, "new");

        let mut w = index.writer().unwrap();
        let newer = advisory("X-1", Some(300), "newer");
        assert_eq!(w.upsert_newest(&newer).unwrap(), Upsert::Updated);
        w.commit().unwrap();
        drop(w);
        index.reload().unwrap();
        assert_eq!(index.advisory_count().unwrap(), 1);
        assert!(
            index
                .advisories_for_packages(&["crates.io/other".into()])
                .unwrap()
                .is_empty()
        );
    }
}
