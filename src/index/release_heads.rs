//! Reading releases without their bodies from the `release_head` fast
//! column (format 4): what `update` needs of a stack's release history
//! (titles, links, dates, packages), without decompressing the docstore
//! blocks that hold those releases and, around them, every other kind of
//! item. Owns only this read; which releases matter is `update`'s business.

use tantivy::collector::DocSetCollector;
use tantivy::schema::TantivyDocument;
use tantivy::{DocAddress, DocId};

use super::search::{item_from_doc, releases_about_query};
use super::{IndexError, RadarIndex};
use crate::model::Item;

/// Hands every release about any of `about` to `f`, body emptied, segment
/// by segment. A release without a head (one too long for a column value,
/// see `schema::release_head`) is read from the docstore; returns how many
/// were.
pub(super) fn visit(
    index: &RadarIndex,
    about: &[String],
    f: &mut dyn FnMut(Item),
) -> Result<usize, IndexError> {
    if about.is_empty() {
        return Ok(0);
    }
    let searcher = index.reader.searcher();
    let mut addrs: Vec<DocAddress> = searcher
        .search(&releases_about_query(index, about), &DocSetCollector)
        .map_err(index.tantivy_err("search"))?
        .into_iter()
        .collect();
    addrs.sort_unstable();
    let mut from_store = 0;
    let mut ords: Vec<u64> = Vec::new();
    let mut missing: Vec<DocId> = Vec::new();
    for segment_docs in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let segment_ord = segment_docs[0].segment_ord;
        let segment = searcher.segment_reader(segment_ord);
        let column = segment
            .fast_fields()
            .str("release_head")
            .map_err(index.tantivy_err("read the release-head column"))?;
        ords.clear();
        missing.clear();
        for addr in segment_docs {
            match column
                .as_ref()
                .and_then(|c| c.term_ords(addr.doc_id).next())
            {
                Some(ord) => ords.push(ord),
                None => missing.push(addr.doc_id),
            }
        }
        if let Some(column) = &column {
            // The dictionary is read front to back once: sorted ordinals.
            ords.sort_unstable();
            ords.dedup();
            let mut bad: Option<serde_json::Error> = None;
            column
                .dictionary()
                .sorted_ords_to_term_cb(&ords, |bytes| {
                    match serde_json::from_slice::<Item>(bytes) {
                        Ok(item) => f(item),
                        Err(e) => {
                            bad.get_or_insert(e);
                        }
                    }
                })
                .map_err(|e| index.tantivy_err("read the release-head column")(e.into()))?;
            if let Some(e) = bad {
                return Err(IndexError::Corrupt {
                    id: "(a release head)".into(),
                    message: e.to_string(),
                });
            }
        }
        for &doc in &missing {
            let stored: TantivyDocument = searcher
                .doc(DocAddress::new(segment_ord, doc))
                .map_err(index.tantivy_err("read document"))?;
            let mut item = item_from_doc(index, &stored)?;
            item.body = String::new();
            f(item);
            from_store += 1;
        }
    }
    Ok(from_store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ItemKind;
    use chrono::{TimeZone, Utc};

    fn release(n: u32, url: &str, packages: &[&str]) -> Item {
        Item {
            id: format!("r{n:02}"),
            kind: ItemKind::Release,
            source: "releases".into(),
            title: format!("Widget v{n}.0.0"),
            body: format!("Changelog {n}: \"quoted\", ünïcode\nnew line"),
            url: Some(url.into()),
            published: (!n.is_multiple_of(4))
                .then(|| Utc.timestamp_opt(1_700_000_000 + i64::from(n), 0).unwrap()),
            packages: packages.iter().map(|p| p.to_string()).collect(),
            tags: vec![format!("t{}", n % 2)],
            advisory: None,
        }
    }

    /// Heads give each release about the terms, exactly as stored but for
    /// the body, across segments and after an update replaced one; articles
    /// and other packages' releases stay out.
    #[test]
    fn releases_come_back_from_their_heads_without_body() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut all = Vec::new();
        for n in 0..30 {
            all.push(match n % 3 {
                0 => release(
                    n,
                    &format!("https://github.com/Acme/Widget/releases/tag/v{n}.0.0"),
                    &[],
                ),
                1 => release(n, "https://x.example/r", &["crates.io/widget"]),
                _ => release(n, "https://x.example/o", &["crates.io/other"]),
            });
        }
        let mut article = release(
            99,
            "https://github.com/Acme/Widget/releases/tag/v99.0.0",
            &["crates.io/widget"],
        );
        article.kind = ItemKind::Article;
        all.push(article);
        let mut w = index.writer().unwrap();
        for (n, it) in all.iter().enumerate() {
            w.upsert(it).unwrap();
            if n == 10 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        // A changed release replaces the stored one.
        all[4].title = "Widget v4.0.1".into();
        w.upsert(&all[4]).unwrap();
        w.commit().unwrap();
        drop(w);
        index.reload().unwrap();
        let mut got = Vec::new();
        let about = [
            "crates.io/widget".to_string(),
            super::super::repo_about("acme/widget"),
        ];
        let from_store = index
            .visit_releases_about_without_body(&about, |item| got.push(item))
            .unwrap();
        assert_eq!(from_store, 0, "every release has a head");
        got.sort_by(|a, b| a.id.cmp(&b.id));
        let want: Vec<Item> = all
            .iter()
            .filter(|i| {
                i.kind == ItemKind::Release && !i.packages.iter().any(|p| p == "crates.io/other")
            })
            .map(|i| Item {
                body: String::new(),
                ..i.clone()
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(
            got.iter().find(|i| i.id == "r04").unwrap().title,
            "Widget v4.0.1"
        );
        // A head too long for the column is not written: that release
        // comes from the docstore, the same item.
        let mut long = release(40, "https://x.example/long", &["crates.io/widget"]);
        long.title = format!("Widget v40.0.0 {}", "x".repeat(40_000));
        let mut w = index.writer().unwrap();
        w.upsert(&long).unwrap();
        w.commit().unwrap();
        drop(w);
        index.reload().unwrap();
        let mut got = Vec::new();
        let from_store = index
            .visit_releases_about_without_body(&about, |item| got.push(item))
            .unwrap();
        assert_eq!(from_store, 1);
        let found = got.iter().find(|i| i.id == "r40").unwrap();
        assert_eq!(
            *found,
            Item {
                body: String::new(),
                ..long
            }
        );
        assert_eq!(got.len(), want.len() + 1);
        let mut none = Vec::new();
        index
            .visit_releases_about_without_body(&[], |item| none.push(item))
            .unwrap();
        assert!(none.is_empty());
    }
}
