//! Upgrading an index written by the previous version, in place.
//!
//! The index is the only copy of old items (feeds list only their newest
//! entries), so a format change must never mean "delete and crawl again".
//! Migration reads every stored item of the old index into a fresh index
//! of this version's schema in a sibling folder (`<index>.migrating`), marks
//! it complete, then swaps the folders with two renames. A run killed before
//! the mark leaves the old index untouched (the half-built folder is
//! removed next time); a run killed between the renames is finished by the
//! next open ([`finish_interrupted`]).
//!
//! Owns only the copy and the swap: documents are built by `write.rs`, the
//! schema by `schema.rs`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Index};

use super::{IndexError, RadarIndex, schema};
use crate::model::Item;

/// Written into the new folder once every item is committed there.
const COMPLETE_MARK: &str = "radar-migration-complete";
/// Items per commit: bounds the writer's memory of ids written since the
/// last commit on very large indexes.
const BATCH: u64 = 100_000;
/// A progress line every this many items.
const PROGRESS_EVERY: u64 = 50_000;

/// What a migration did, for the one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Migrated {
    pub items: u64,
    /// Stored documents whose item JSON no longer parsed (named in warnings).
    pub skipped: u64,
    pub seconds: f64,
}

fn sibling(path: &Path, suffix: &str) -> Result<PathBuf, IndexError> {
    let name = path.file_name().ok_or_else(|| IndexError::Migrate {
        path: path.to_path_buf(),
        step: "naming the new folder (the index path has no folder name; give --index a named folder)",
        source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
    })?;
    let mut name = name.to_os_string();
    name.push(".");
    name.push(suffix);
    Ok(path.with_file_name(name))
}

fn io_err<'a>(
    path: &'a Path,
    step: &'static str,
) -> impl FnOnce(std::io::Error) -> IndexError + 'a {
    move |source| IndexError::Migrate {
        path: path.to_path_buf(),
        step,
        source,
    }
}

/// A migration killed after its copy was complete but before the swap
/// finished leaves no index at `path`: put the complete copy in place.
pub(super) fn finish_interrupted(path: &Path) -> Result<(), IndexError> {
    if path.join("meta.json").exists() {
        return Ok(());
    }
    let Ok(staging) = sibling(path, "migrating") else {
        return Ok(());
    };
    if !staging.join(COMPLETE_MARK).exists() {
        return Ok(());
    }
    if path.exists() {
        // Only an empty folder can be here (no meta.json): rename replaces it.
        std::fs::remove_dir(path).map_err(io_err(path, "removing the empty index folder"))?;
    }
    std::fs::rename(&staging, path).map_err(io_err(path, "moving the migrated index in place"))?;
    let _ = std::fs::remove_file(path.join(COMPLETE_MARK));
    remove_retired(path);
    tracing::warn!(
        "index {}: finished a migration that was interrupted",
        path.display()
    );
    Ok(())
}

fn remove_retired(path: &Path) {
    if let Ok(retired) = sibling(path, "previous-format")
        && retired.exists()
        && let Err(e) = std::fs::remove_dir_all(&retired)
    {
        tracing::warn!(
            "index {}: could not remove the old copy {}: {e}; delete it by hand",
            path.display(),
            retired.display()
        );
    }
}

/// Copies every live item of the previous-format index at `path` into this
/// version's schema and swaps the result in. Holds the old index's writer
/// lock throughout, so no crawl writes to it meanwhile.
pub(super) fn migrate(path: &Path) -> Result<Migrated, IndexError> {
    let started = Instant::now();
    let staging = sibling(path, "migrating")?;
    let from_format = schema::format_of(path)
        .and_then(|f| f.split(' ').next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    let retired = sibling(path, "previous-format")?;
    // Through the directory normal opens use: the copy reads every stored
    // item once, and through a plain map each docstore page it touched
    // would stay resident until the end (836 MiB at 1M items).
    let old = super::store_dir::StoreReadsDirectory::open(path)
        .and_then(Index::open)
        .map_err(|e| IndexError::Damaged {
            path: path.to_path_buf(),
            detail: super::damage_detail(&e),
        })?;
    let tantivy_err = |op: &'static str| {
        move |source| IndexError::Tantivy {
            path: path.to_path_buf(),
            op,
            source,
        }
    };
    let lock = match old.writer_with_num_threads::<TantivyDocument>(1, 15_000_000) {
        Ok(w) => w,
        Err(tantivy::TantivyError::LockFailure(..)) => {
            return Err(IndexError::Locked {
                path: path.to_path_buf(),
                holder: " (it must finish before this version can migrate the index)".into(),
            });
        }
        Err(e) => return Err(tantivy_err("lock the old index for migration")(e)),
    };
    let old_schema = old.schema();
    let (Ok(item_field), Ok(id_field)) = (old_schema.get_field("item"), old_schema.get_field("id"))
    else {
        return Err(IndexError::OldSchema {
            path: path.to_path_buf(),
        });
    };
    let reader = old.reader().map_err(tantivy_err("read the old index"))?;
    let searcher = reader.searcher();
    let total = searcher.num_docs();
    if staging.exists() {
        // A migration killed before its copy was complete.
        std::fs::remove_dir_all(&staging)
            .map_err(io_err(path, "removing an unfinished migration folder"))?;
    }
    // warn!, not info!: shown by default (radar logs warnings and up unless
    // -q), because a one-off rewrite of the whole index must not be silent.
    tracing::warn!(
        "index {}: migrating {} items from index format {} to {} (the old index stays until the copy is complete)",
        path.display(),
        thousands(total),
        from_format,
        schema::FORMAT_NUMBER
    );
    let new = RadarIndex::open_or_create(&staging)?;
    let mut writer = new.writer()?;
    let preparer = writer.preparer();
    let mut done = 0u64;
    let mut skipped = 0u64;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let stored: TantivyDocument = searcher
                .doc(DocAddress::new(ord as u32, doc))
                .map_err(tantivy_err("read a stored item"))?;
            let json = stored
                .get_first(item_field)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let item: Item = match serde_json::from_str(json) {
                Ok(item) => item,
                Err(e) => {
                    let id = stored
                        .get_first(id_field)
                        .and_then(|v| v.as_str())
                        .unwrap_or("?");
                    tracing::warn!(
                        "index {}: item {id} is unreadable ({e}) and was not migrated; re-ingest its source to get it back",
                        path.display()
                    );
                    skipped += 1;
                    continue;
                }
            };
            writer.upsert_prepared(preparer.prepare(&item)?)?;
            done += 1;
            if done.is_multiple_of(BATCH) {
                writer.commit()?;
            }
            if done.is_multiple_of(PROGRESS_EVERY) {
                tracing::warn!(
                    "index {}: migrated {} of {} items",
                    path.display(),
                    thousands(done),
                    thousands(total)
                );
            }
        }
    }
    writer.commit()?;
    drop(writer);
    drop(new);
    std::fs::write(staging.join(COMPLETE_MARK), b"")
        .map_err(io_err(path, "marking the migrated copy complete"))?;
    drop(searcher);
    drop(reader);
    drop(lock);
    drop(old);
    if retired.exists() {
        std::fs::remove_dir_all(&retired).map_err(io_err(
            path,
            "removing an old copy left by an earlier migration",
        ))?;
    }
    std::fs::rename(path, &retired).map_err(io_err(path, "moving the old index aside"))?;
    std::fs::rename(&staging, path).map_err(io_err(path, "moving the migrated index in place"))?;
    let _ = std::fs::remove_file(path.join(COMPLETE_MARK));
    remove_retired(path);
    let summary = Migrated {
        items: done,
        skipped,
        seconds: started.elapsed().as_secs_f64(),
    };
    tracing::warn!(
        "migrated {} items from index format {} to {} in {:.1} s{}",
        thousands(summary.items),
        from_format,
        schema::FORMAT_NUMBER,
        summary.seconds,
        if skipped > 0 {
            format!(
                " ({} unreadable items skipped, named above)",
                thousands(skipped)
            )
        } else {
            String::new()
        }
    );
    Ok(summary)
}

/// 200000 → "200,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Advisory, Affected, ItemKind};
    use chrono::{TimeZone, Utc};
    use tantivy::schema::{
        FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    };

    /// The schema of index format 2, exactly as `schema.rs` built it at
    /// 123c725 (the last commit writing format 2).
    fn format2_schema() -> Schema {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(schema::TEXT_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        b.add_text_field("id", STRING | STORED);
        b.add_text_field("kind", STRING | FAST);
        b.add_text_field("source", STRING | FAST);
        b.add_text_field("title", text.clone());
        b.add_text_field("body", text.clone());
        b.add_text_field("packages", text);
        b.add_text_field("package_key", STRING);
        b.add_text_field("tags", STRING);
        b.add_date_field("published", INDEXED | FAST);
        b.add_text_field("item", STORED);
        b.build()
    }

    /// The schema of index format 3, exactly as `schema.rs` built it at
    /// d04284c (the last commit writing format 3): format 2's plus `about`
    /// and `changed`.
    fn format3_schema() -> Schema {
        let mut b = Schema::builder();
        for (_, entry) in format2_schema().fields() {
            b.add_field(entry.clone());
        }
        b.add_text_field("about", STRING);
        b.add_date_field("changed", INDEXED);
        b.build()
    }

    fn write_format2(dir: &Path, items: &[Item], deleted: &str) {
        write_old(dir, 2, items, deleted);
    }

    /// Writes `items` as format 2's or 3's `Preparer::prepare` did, in two
    /// commits (two segments), then deletes `deleted` the way an upsert did.
    fn write_old(dir: &Path, format: u32, items: &[Item], deleted: &str) {
        let schema = if format == 2 {
            format2_schema()
        } else {
            format3_schema()
        };
        let index = Index::create_in_dir(dir, schema.clone()).unwrap();
        schema::register_tokenizers(&index);
        let f = |n: &str| schema.get_field(n).unwrap();
        let mut w = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .unwrap();
        for (n, item) in items.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(f("id"), &item.id);
            doc.add_text(f("kind"), item.kind.as_str());
            doc.add_text(f("source"), &item.source);
            doc.add_text(f("title"), &item.title);
            doc.add_text(f("body"), &item.body);
            for p in &item.packages {
                doc.add_text(f("packages"), p);
                doc.add_text(f("package_key"), p);
            }
            for t in &item.tags {
                doc.add_text(f("tags"), t);
            }
            if let Some(p) = item.published {
                doc.add_date(
                    f("published"),
                    tantivy::DateTime::from_timestamp_secs(p.timestamp()),
                );
            }
            if format == 3 {
                for a in schema::about_terms(item) {
                    doc.add_text(f("about"), a);
                }
                let advisory_dates = item
                    .advisory
                    .as_ref()
                    .map(|a| [a.published, a.modified])
                    .unwrap_or_default();
                for d in std::iter::once(item.published)
                    .chain(advisory_dates)
                    .flatten()
                {
                    doc.add_date(
                        f("changed"),
                        tantivy::DateTime::from_timestamp_secs(d.timestamp()),
                    );
                }
            }
            doc.add_text(f("item"), serde_json::to_string(item).unwrap());
            w.add_document(doc).unwrap();
            if n == items.len() / 2 {
                w.commit().unwrap();
            }
        }
        w.delete_term(tantivy::Term::from_field_text(f("id"), deleted));
        w.commit().unwrap();
        w.wait_merging_threads().unwrap();
        std::fs::write(
            dir.join("radar-index-format"),
            format!("{format} sstable\n"),
        )
        .unwrap();
    }

    fn items() -> Vec<Item> {
        let mut out = Vec::new();
        for n in 0..40 {
            out.push(Item {
                id: format!("feed:{n:03}"),
                kind: if n % 3 == 0 {
                    ItemKind::Release
                } else {
                    ItemKind::Article
                },
                source: format!("source-{}", n % 4),
                title: format!("Widget {n}.0 released"),
                body: format!("Body of item {n}, mentioning tokio and serde."),
                url: Some(format!(
                    "https://github.com/Acme/Widget/releases/tag/v{n}.0.0"
                )),
                published: (n % 7 != 0)
                    .then(|| Utc.timestamp_opt(1_700_000_000 + n * 86_400, 0).unwrap()),
                packages: if n % 5 == 0 {
                    vec![format!("crates.io/Widget-{n}")]
                } else {
                    vec![]
                },
                tags: vec![format!("tag{}", n % 2)],
                advisory: None,
            });
        }
        out.push(Item {
            id: "osv:RUSTSEC-2024-0001".into(),
            kind: ItemKind::Advisory,
            source: "rustsec".into(),
            title: "Use after free in demo".into(),
            body: String::new(),
            url: None,
            published: None,
            packages: vec!["crates.io/demo".into()],
            tags: vec!["high".into()],
            advisory: Some(Box::new(Advisory {
                id: "RUSTSEC-2024-0001".into(),
                summary: "Use after free".into(),
                modified: Some(Utc.timestamp_opt(1_710_000_000, 0).unwrap()),
                affected: vec![Affected {
                    ecosystem: "crates.io".into(),
                    name: "demo".into(),
                    ranges: vec![],
                    versions: vec!["1.0.0".into()],
                    patched: vec![],
                }],
                ..Default::default()
            })),
        });
        out
    }

    #[test]
    fn a_format2_index_is_migrated_with_every_item_id_and_date() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("index");
        std::fs::create_dir(&path).unwrap();
        let all = items();
        write_format2(&path, &all, "feed:013");
        let index = RadarIndex::open_or_create(&path).unwrap();
        assert!(schema::format_matches(&path));
        let mut expected: Vec<Item> = all.into_iter().filter(|i| i.id != "feed:013").collect();
        expected.sort_by(|a, b| a.id.cmp(&b.id));
        let got = index.all_items().unwrap();
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "item {} changed in migration", e.id);
        }
        // The new field is filled: releases are found by what they are about.
        let widget = index
            .releases_about(&[super::super::repo_about("Acme/Widget/")])
            .unwrap();
        let ids: Vec<&str> = widget.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "feed:003", "feed:006", "feed:009", "feed:012", "feed:018", "feed:021", "feed:024",
                "feed:027", "feed:033", "feed:036", "feed:039"
            ]
        );
        let tagged = index
            .releases_about(&["crates.io/widget-15".to_string()])
            .unwrap();
        assert_eq!(tagged.len(), 1);
        // Dates are still searchable by range.
        let since = index
            .items_published_since(Utc.timestamp_opt(1_700_000_000 + 30 * 86_400, 0).unwrap())
            .unwrap();
        assert_eq!(
            since.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            [
                "feed:030", "feed:031", "feed:032", "feed:033", "feed:034", "feed:036", "feed:037",
                "feed:038", "feed:039"
            ]
        );
        assert_eq!(index.advisory_count().unwrap(), 1);
        // Nothing is left beside it, and a second open does not migrate again.
        let names: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["index"]);
        drop(index);
        assert_eq!(
            RadarIndex::open_or_create(&path).unwrap().count(),
            expected.len() as u64
        );
    }

    /// Format 3 → 4: every item survives, and releases come back from their
    /// new heads (no docstore read) as the stored items without bodies.
    #[test]
    fn a_format3_index_is_migrated_and_gains_release_heads() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("index");
        std::fs::create_dir(&path).unwrap();
        let all = items();
        write_old(&path, 3, &all, "feed:006");
        let index = RadarIndex::open_or_create(&path).unwrap();
        assert!(schema::format_matches(&path));
        let mut expected: Vec<Item> = all.into_iter().filter(|i| i.id != "feed:006").collect();
        expected.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(index.all_items().unwrap(), expected);
        let mut heads = Vec::new();
        let from_store = index
            .visit_releases_about_without_body(&[super::super::repo_about("Acme/Widget")], |item| {
                heads.push(item)
            })
            .unwrap();
        assert_eq!(from_store, 0);
        heads.sort_by(|a, b| a.id.cmp(&b.id));
        let want: Vec<Item> = expected
            .iter()
            .filter(|i| i.kind == ItemKind::Release && i.packages.is_empty())
            .map(|i| Item {
                body: String::new(),
                ..i.clone()
            })
            .collect();
        assert_eq!(heads.len(), 10);
        assert_eq!(heads, want);
    }

    #[test]
    fn a_migration_killed_between_the_renames_is_finished_on_next_open() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("ix");
        std::fs::create_dir(&path).unwrap();
        write_format2(&path, &items(), "none");
        migrate(&path).unwrap();
        // Recreate the state between the two renames.
        let staging = root.path().join("ix.migrating");
        std::fs::rename(&path, &staging).unwrap();
        std::fs::write(staging.join(COMPLETE_MARK), b"").unwrap();
        let retired = root.path().join("ix.previous-format");
        std::fs::create_dir(&retired).unwrap();
        let index = RadarIndex::open_or_create(&path).unwrap();
        assert_eq!(index.count(), items().len() as u64);
        assert!(!staging.exists() && !retired.exists());
    }

    #[test]
    fn an_unfinished_copy_is_thrown_away_and_the_old_index_kept() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("ix");
        std::fs::create_dir(&path).unwrap();
        write_format2(&path, &items(), "none");
        // A copy killed half way: no completion mark.
        let staging = root.path().join("ix.migrating");
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("junk"), b"half").unwrap();
        let index = RadarIndex::open_or_create(&path).unwrap();
        assert_eq!(index.count(), items().len() as u64);
        assert!(!staging.exists());
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
