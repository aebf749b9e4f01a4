//! A compact per-package advisory table beside the index, so `radar audit`
//! answers without opening tantivy.
//!
//! Opening tantivy (meta.json, a dozen files per segment mapped, a reader
//! built) costs more than the lookup itself for a few hundred packages.
//! The table, `radar-advisories.tbl`, holds one header line, one sorted
//! line per package key with the byte ranges of its advisories, then every
//! advisory item as one JSON line. A reader reads the header and key
//! section, then only the advisories of the packages it asks for.
//!
//! Freshness: every writer commit that touched an advisory (or deleted
//! anything) replaces `radar-advisories.gen` with `pending` before the
//! tantivy commit and with a new generation id after it. The table records
//! the generation it was built from and is used only while that file says
//! the same; otherwise audit reads tantivy and rebuilds the table (a build
//! checks the generation before and after reading, so a commit in between
//! never leaves a stale table marked current). Building at each commit
//! instead would reread every advisory per 5,000-item batch of a large OSV
//! ingest.
//!
//! Owns the table file and the generation file; never changes the index.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use tantivy::collector::DocSetCollector;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Term};

use super::{IndexError, RadarIndex};
use crate::model::{Item, ItemKind};

pub(super) const TABLE_FILE: &str = "radar-advisories.tbl";
pub(super) const GEN_FILE: &str = "radar-advisories.gen";
const MAGIC: &str = "radar-advisory-table 1";
const PENDING: &str = "pending";
/// The generation of an index no writer of this version has committed
/// advisories to yet.
const NO_GEN: &str = "none";

/// Where audit reads advisories from: the table, or the index itself.
pub trait AdvisoryLookup {
    /// The index folder, for messages.
    fn index_path(&self) -> &Path;
    /// How many advisories the index holds.
    fn advisory_count(&self) -> Result<usize, IndexError>;
    /// Advisory items naming any of these package keys, in id order.
    fn advisories_for_packages(&self, keys: &[String]) -> Result<Vec<Item>, IndexError>;
}

impl AdvisoryLookup for RadarIndex {
    fn index_path(&self) -> &Path {
        self.path()
    }
    fn advisory_count(&self) -> Result<usize, IndexError> {
        RadarIndex::advisory_count(self)
    }
    fn advisories_for_packages(&self, keys: &[String]) -> Result<Vec<Item>, IndexError> {
        RadarIndex::advisories_for_packages(self, keys)
    }
}

/// The generation the writer last committed, `pending` during a commit.
fn current_gen(dir: &Path) -> String {
    match std::fs::read_to_string(dir.join(GEN_FILE)) {
        Ok(g) => g.trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => NO_GEN.to_string(),
        Err(_) => PENDING.to_string(),
    }
}

/// Called by the writer around a commit that touched advisories.
pub(super) fn mark_pending(dir: &Path) -> std::io::Result<()> {
    write_gen(dir, PENDING)
}

/// Called by the writer after a successful commit: a new generation.
pub(super) fn mark_committed(dir: &Path) -> std::io::Result<()> {
    write_gen(dir, &format!("{:016x}", fastrand::u64(..)))
}

/// True when an earlier commit failed after marking the table pending.
pub(super) fn is_pending(dir: &Path) -> bool {
    current_gen(dir) == PENDING
}

fn write_gen(dir: &Path, gen_id: &str) -> std::io::Result<()> {
    crate::atomic::write(
        &dir.join(GEN_FILE),
        format!("{gen_id}\n").as_bytes(),
        crate::atomic::Durability::Sync,
    )
    .map_err(|e| e.source)
}

/// An opened, current advisory table.
pub struct AdvisoryTable {
    index_path: PathBuf,
    file: File,
    count: usize,
    data_start: u64,
    /// Package key → (offset, length) of each advisory line in the data.
    keys: BTreeMap<String, Vec<(u64, u64)>>,
}

impl AdvisoryTable {
    /// The table of the index at `dir` if it exists and is current; `None`
    /// means "read the index" (and [`RadarIndex::write_advisory_table`]).
    pub fn open(dir: &Path) -> Option<AdvisoryTable> {
        let gen_id = current_gen(dir);
        if gen_id == PENDING {
            return None;
        }
        let file = File::open(dir.join(TABLE_FILE)).ok()?;
        let mut reader = BufReader::new(&file);
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let rest = header.trim_end().strip_prefix(MAGIC)?;
        let mut table_gen = None;
        let mut count = None;
        let mut key_bytes = None;
        for field in rest.split_whitespace() {
            match field.split_once('=')? {
                ("gen", g) => table_gen = Some(g.to_string()),
                ("count", n) => count = n.parse::<usize>().ok(),
                ("keys", n) => key_bytes = n.parse::<u64>().ok(),
                _ => {}
            }
        }
        if table_gen? != gen_id {
            return None;
        }
        let key_bytes = key_bytes?;
        let mut section = Vec::with_capacity(key_bytes as usize);
        reader
            .by_ref()
            .take(key_bytes)
            .read_to_end(&mut section)
            .ok()?;
        if section.len() as u64 != key_bytes {
            return None;
        }
        let section = String::from_utf8(section).ok()?;
        let mut keys = BTreeMap::new();
        for line in section.lines() {
            let (key, ranges) = line.split_once('\t')?;
            let mut list = Vec::new();
            for r in ranges.split(',') {
                let (o, l) = r.split_once(':')?;
                list.push((o.parse().ok()?, l.parse().ok()?));
            }
            keys.insert(key.to_string(), list);
        }
        Some(AdvisoryTable {
            index_path: dir.to_path_buf(),
            file,
            count: count?,
            data_start: header.len() as u64 + key_bytes,
            keys,
        })
    }
}

impl AdvisoryLookup for AdvisoryTable {
    fn index_path(&self) -> &Path {
        &self.index_path
    }
    fn advisory_count(&self) -> Result<usize, IndexError> {
        Ok(self.count)
    }
    fn advisories_for_packages(&self, keys: &[String]) -> Result<Vec<Item>, IndexError> {
        let ranges: BTreeSet<(u64, u64)> = keys
            .iter()
            .filter_map(|k| self.keys.get(k))
            .flatten()
            .copied()
            .collect();
        let corrupt = |message: String| IndexError::Corrupt {
            id: format!("{} in {}", TABLE_FILE, self.index_path.display()),
            message: format!("{message}; delete the file, the next audit rebuilds it"),
        };
        let mut items = Vec::with_capacity(ranges.len());
        let mut buf = Vec::new();
        for (offset, len) in ranges {
            buf.resize(len as usize, 0);
            self.file
                .read_exact_at(&mut buf, self.data_start + offset)
                .map_err(|e| corrupt(e.to_string()))?;
            let item: Item = serde_json::from_slice(&buf).map_err(|e| corrupt(e.to_string()))?;
            items.push(item);
        }
        items.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(items)
    }
}

impl RadarIndex {
    /// Writes the advisory table of the last commit, unless a writer
    /// commits meanwhile (then the next audit tries again). Returns whether
    /// it was written.
    pub fn write_advisory_table(&self) -> Result<bool, IndexError> {
        let before = current_gen(&self.path);
        if before == PENDING {
            return Ok(false);
        }
        self.reload()?;
        let searcher = self.reader.searcher();
        let kind = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.kind, ItemKind::Advisory.as_str()),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let mut addrs: Vec<DocAddress> = searcher
            .search(&kind, &DocSetCollector)
            .map_err(self.tantivy_err("list advisories"))?
            .into_iter()
            .collect();
        addrs.sort();
        let mut data: Vec<u8> = Vec::new();
        let mut keys: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
        for addr in &addrs {
            let doc: TantivyDocument = searcher
                .doc(*addr)
                .map_err(self.tantivy_err("read advisory"))?;
            let json = doc
                .get_first(self.fields.item)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let item: Item = serde_json::from_str(json).map_err(|e| IndexError::Corrupt {
                id: doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_string(),
                message: e.to_string(),
            })?;
            let range = (data.len() as u64, json.len() as u64);
            data.extend_from_slice(json.as_bytes());
            data.push(b'\n');
            // The index's package_key terms are the item's package keys.
            let unique: HashSet<&String> = item.packages.iter().collect();
            for k in unique {
                if !k.contains(['\t', '\n', ',']) {
                    keys.entry(k.clone()).or_default().push(range);
                }
            }
        }
        let mut section = String::new();
        for (k, ranges) in &keys {
            section.push_str(k);
            section.push('\t');
            let list: Vec<String> = ranges.iter().map(|(o, l)| format!("{o}:{l}")).collect();
            section.push_str(&list.join(","));
            section.push('\n');
        }
        if current_gen(&self.path) != before {
            return Ok(false);
        }
        let header = format!(
            "{MAGIC} gen={before} count={} keys={}\n",
            addrs.len(),
            section.len()
        );
        crate::atomic::write_with(
            &self.path.join(TABLE_FILE),
            crate::atomic::Durability::NoSync,
            |w| {
                w.write_all(header.as_bytes())?;
                w.write_all(section.as_bytes())?;
                w.write_all(&data)
            },
        )
        .map_err(|e| IndexError::AdvisoryTable {
            path: self.path.clone(),
            source: e.source,
        })?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Advisory, Affected};

    fn advisory(id: &str, packages: &[&str]) -> Item {
        Item {
            id: crate::sources::advisory::advisory_item_id(id),
            kind: ItemKind::Advisory,
            source: "t".into(),
            title: format!("{id} title"),
            body: "details\twith tab".into(),
            url: None,
            published: None,
            packages: packages.iter().map(|p| p.to_string()).collect(),
            tags: vec![],
            advisory: Some(Advisory {
                id: id.into(),
                summary: "s".into(),
                affected: packages
                    .iter()
                    .map(|p| Affected {
                        ecosystem: "crates.io".into(),
                        name: p.rsplit('/').next().unwrap().into(),
                        ranges: vec![],
                        versions: vec!["1.0.0".into()],
                        patched: vec![],
                    })
                    .collect(),
                ..Default::default()
            }),
        }
    }

    fn article(id: &str, packages: &[&str]) -> Item {
        Item {
            kind: ItemKind::Article,
            advisory: None,
            ..advisory(id, packages)
        }
    }

    #[test]
    fn the_table_answers_like_the_index_and_goes_stale_on_an_advisory_commit() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        w.upsert(&advisory("A-1", &["crates.io/a", "crates.io/b"]))
            .unwrap();
        w.upsert(&advisory("A-2", &["crates.io/b"])).unwrap();
        w.upsert(&advisory("A-3", &["npm/c"])).unwrap();
        w.upsert(&article("N-1", &["crates.io/a"])).unwrap();
        w.commit().unwrap();
        drop(w);
        assert!(AdvisoryTable::open(dir.path()).is_none(), "no table yet");
        assert!(index.write_advisory_table().unwrap());
        let table = AdvisoryTable::open(dir.path()).expect("current table");
        assert_eq!(table.advisory_count().unwrap(), 3);
        for keys in [
            vec!["crates.io/a"],
            vec!["crates.io/b", "crates.io/a"],
            vec!["npm/c", "pypi/none"],
            vec![],
        ] {
            let keys: Vec<String> = keys.into_iter().map(String::from).collect();
            assert_eq!(
                table.advisories_for_packages(&keys).unwrap(),
                index.advisories_for_packages(&keys).unwrap(),
                "{keys:?}"
            );
        }
        // A commit of articles only keeps the table current.
        let mut w = index.writer().unwrap();
        w.upsert(&article("N-2", &["crates.io/b"])).unwrap();
        w.commit().unwrap();
        assert!(AdvisoryTable::open(dir.path()).is_some());
        // A new advisory makes it stale until rebuilt.
        w.upsert(&advisory("A-4", &["crates.io/a"])).unwrap();
        w.commit().unwrap();
        drop(w);
        assert!(AdvisoryTable::open(dir.path()).is_none());
        index.reload().unwrap();
        assert!(index.write_advisory_table().unwrap());
        let table = AdvisoryTable::open(dir.path()).unwrap();
        assert_eq!(
            table
                .advisories_for_packages(&["crates.io/a".into()])
                .unwrap()
                .len(),
            2
        );
        // A delete may remove an advisory: stale again.
        let mut w = index.writer().unwrap();
        w.delete(&crate::sources::advisory::advisory_item_id("A-4"));
        w.commit().unwrap();
        drop(w);
        assert!(AdvisoryTable::open(dir.path()).is_none());
    }

    #[test]
    fn a_commit_in_progress_makes_the_table_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        w.upsert(&advisory("A-1", &["crates.io/a"])).unwrap();
        w.commit().unwrap();
        drop(w);
        assert!(index.write_advisory_table().unwrap());
        mark_pending(dir.path()).unwrap();
        assert!(AdvisoryTable::open(dir.path()).is_none());
        assert!(!index.write_advisory_table().unwrap());
    }
}
