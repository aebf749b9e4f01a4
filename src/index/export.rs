//! Every stored item out as NDJSON: one JSON object per line, the stored
//! item exactly (id, kind, source, title, body, url, published, packages,
//! tags, advisory), for Quickwit's ingest API, Elasticsearch's bulk API,
//! DuckDB's `read_json` and jq. Reads the stored JSON and copies it without
//! deserialising it, so memory stays flat whatever the index size.
//!
//! Owns the read side of the export only; where the bytes go (a file
//! replaced atomically, stdout) is the caller's.

use std::io::Write;

use tantivy::DocAddress;
use tantivy::schema::{TantivyDocument, Value};

use super::{IndexError, RadarIndex};

impl RadarIndex {
    /// Writes every live item to `out`, one per line, in index order (not
    /// sorted: sorting a million ids would need them all in memory).
    /// Returns how many were written.
    pub fn export_ndjson(&self, out: &mut dyn Write) -> Result<u64, IndexError> {
        let searcher = self.reader.searcher();
        let write_err = |source| IndexError::Export {
            path: self.path.clone(),
            source,
        };
        let mut n = 0u64;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let stored: TantivyDocument = searcher
                    .doc(DocAddress::new(ord as u32, doc))
                    .map_err(self.tantivy_err("read document"))?;
                let Some(json) = stored.get_first(self.fields.item).and_then(|v| v.as_str()) else {
                    continue;
                };
                // Stored by serde_json::to_string: one line, no raw newline.
                out.write_all(json.as_bytes()).map_err(write_err)?;
                out.write_all(b"\n").map_err(write_err)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, ItemKind};
    use chrono::{TimeZone, Utc};

    #[test]
    fn every_live_item_is_one_line_that_reads_back_as_the_item() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        let mut items = Vec::new();
        for n in 0..5 {
            let it = Item {
                id: format!("t:{n}"),
                kind: ItemKind::Article,
                source: "blog".into(),
                title: format!("Post {n}"),
                body: "two\nlines \"quoted\"".into(),
                url: Some(format!("https://example.test/{n}")),
                published: Some(Utc.timestamp_opt(1_700_000_000 + n, 0).unwrap()),
                packages: vec!["npm/left-pad".into()],
                tags: vec!["js".into()],
                advisory: None,
            };
            w.upsert(&it).unwrap();
            items.push(it);
        }
        w.commit().unwrap();
        w.delete("t:2");
        w.commit().unwrap();
        drop(w);
        let mut out = Vec::new();
        assert_eq!(index.export_ndjson(&mut out).unwrap(), 4);
        let text = String::from_utf8(out).unwrap();
        let mut got: Vec<Item> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        got.sort_by(|a, b| a.id.cmp(&b.id));
        items.remove(2);
        assert_eq!(got, items);
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert!(
            first["published"].as_str().unwrap().ends_with('Z'),
            "{first}"
        );
    }
}
