//! A compact per-package advisory table beside the index, so `radar audit`
//! answers without opening tantivy.
//!
//! Opening tantivy (meta.json, a dozen files per segment mapped, a reader
//! built) costs more than the lookup itself for a few hundred packages.
//! The table, `radar-advisories.tbl`, holds one header line, one sorted
//! line per package key with the byte ranges of its advisories, then every
//! advisory as one JSON line, in item-id order, without its `details`
//! (audit never shows the prose, and it is most of an advisory's bytes). A
//! reader reads the header and key section, looks its packages up by
//! binary search in that text (an all-ecosystems OSV index has hundreds of
//! thousands of keys; a map of them all cost more than the audit), then
//! reads only the advisories of the packages it asks for.
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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use tantivy::collector::DocSetCollector;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Term};

use super::{IndexError, RadarIndex};
use crate::model::{Advisory, Item, ItemKind};

pub(super) const TABLE_FILE: &str = "radar-advisories.tbl";
pub(super) const GEN_FILE: &str = "radar-advisories.gen";
/// Version 2: advisories without `details`, keys looked up in place. A
/// table of another version is not current: audit reads the index and
/// writes this one.
const MAGIC: &str = "radar-advisory-table 2";
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
    /// The advisories naming any of these package keys, in item-id order,
    /// with `details` left empty: audit reports ids, titles, ranges and
    /// links, never the prose.
    fn advisories_for_audit(&self, keys: &[String]) -> Result<Vec<Advisory>, IndexError>;
}

impl AdvisoryLookup for RadarIndex {
    fn index_path(&self) -> &Path {
        self.path()
    }
    fn advisory_count(&self) -> Result<usize, IndexError> {
        RadarIndex::advisory_count(self)
    }
    fn advisories_for_audit(&self, keys: &[String]) -> Result<Vec<Advisory>, IndexError> {
        Ok(RadarIndex::advisories_for_packages(self, keys)?
            .into_iter()
            .filter_map(|item| item.advisory.map(|a| for_audit(*a)))
            .collect())
    }
}

/// An advisory as audit reads it: without the prose.
fn for_audit(mut advisory: Advisory) -> Advisory {
    advisory.details = String::new();
    advisory
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
    /// Sorted lines `key\toffset:length,offset:length…`, one per package
    /// key, ranges into the data.
    keys: String,
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
        let keys = String::from_utf8(section).ok()?;
        Some(AdvisoryTable {
            index_path: dir.to_path_buf(),
            file,
            count: count?,
            data_start: header.len() as u64 + key_bytes,
            keys,
        })
    }

    fn corrupt(&self, message: String) -> IndexError {
        IndexError::AdvisoryTableDamaged {
            path: self.index_path.join(TABLE_FILE),
            message,
        }
    }

    /// The `(offset, length)` ranges of `key`'s advisories: a binary search
    /// over the sorted key lines, `lo` always at the start of a line.
    fn ranges_of(&self, key: &str) -> Result<Vec<(u64, u64)>, IndexError> {
        let text = self.keys.as_str();
        let bytes = text.as_bytes();
        let (mut lo, mut hi) = (0, bytes.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = memchr::memrchr(b'\n', &bytes[lo..mid]).map_or(lo, |p| lo + p + 1);
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
            let line = &text[start..end];
            let Some((k, ranges)) = line.split_once('\t') else {
                return Err(self.corrupt(format!("key line without ranges: {line:?}")));
            };
            match k.cmp(key) {
                Ordering::Less => lo = end + 1,
                Ordering::Greater => hi = start,
                Ordering::Equal => {
                    return ranges
                        .split(',')
                        .map(|r| {
                            let range = r
                                .split_once(':')
                                .and_then(|(o, l)| Some((o.parse().ok()?, l.parse().ok()?)));
                            range.ok_or_else(|| self.corrupt(format!("bad range {r:?} for {k}")))
                        })
                        .collect();
                }
            }
        }
        Ok(Vec::new())
    }
}

impl AdvisoryLookup for AdvisoryTable {
    fn index_path(&self) -> &Path {
        &self.index_path
    }
    fn advisory_count(&self) -> Result<usize, IndexError> {
        Ok(self.count)
    }
    fn advisories_for_audit(&self, keys: &[String]) -> Result<Vec<Advisory>, IndexError> {
        let mut ranges: BTreeSet<(u64, u64)> = BTreeSet::new();
        for key in keys {
            ranges.extend(self.ranges_of(key)?);
        }
        // The data is in item-id order, so offset order is the order the
        // index gives.
        let mut advisories = Vec::with_capacity(ranges.len());
        let mut buf = Vec::new();
        for (offset, len) in ranges {
            buf.resize(len as usize, 0);
            self.file
                .read_exact_at(&mut buf, self.data_start + offset)
                .map_err(|e| self.corrupt(e.to_string()))?;
            let advisory: Advisory =
                serde_json::from_slice(&buf).map_err(|e| self.corrupt(e.to_string()))?;
            advisories.push(advisory);
        }
        Ok(advisories)
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
        // (item id, the advisory as audit reads it, its package keys)
        let mut rows: Vec<(String, Vec<u8>, Vec<String>)> = Vec::with_capacity(addrs.len());
        for addr in &addrs {
            let doc: TantivyDocument = searcher
                .doc(*addr)
                .map_err(self.tantivy_err("read advisory"))?;
            let json = doc
                .get_first(self.fields.item)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let corrupt = |message: String| IndexError::Corrupt {
                id: doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_string(),
                message,
            };
            let item: Item = serde_json::from_str(json).map_err(|e| corrupt(e.to_string()))?;
            let Some(advisory) = item.advisory else {
                continue;
            };
            let line =
                serde_json::to_vec(&for_audit(*advisory)).map_err(|e| corrupt(e.to_string()))?;
            // The index's package_key terms are the item's package keys.
            let mut keys = item.packages;
            keys.sort();
            keys.dedup();
            rows.push((item.id, line, keys));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut data: Vec<u8> = Vec::new();
        let mut keys: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
        for (_, line, packages) in rows {
            let range = (data.len() as u64, line.len() as u64);
            data.extend_from_slice(&line);
            data.push(b'\n');
            for k in packages {
                if !k.contains(['\t', '\n', ',']) {
                    keys.entry(k).or_default().push(range);
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
            advisory: Some(Box::new(Advisory {
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
            })),
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
                table.advisories_for_audit(&keys).unwrap(),
                index.advisories_for_audit(&keys).unwrap(),
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
                .advisories_for_audit(&["crates.io/a".into()])
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
    fn lookups_find_every_key_and_only_those_and_drop_the_prose() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        let names: Vec<String> = (0..300).map(|i| format!("crates.io/p{i:03}")).collect();
        for (i, name) in names.iter().enumerate() {
            let mut a = advisory(&format!("A-{i}"), &[name.as_str()]);
            if let Some(adv) = a.advisory.as_mut() {
                adv.details = "long prose".into();
            }
            w.upsert(&a).unwrap();
        }
        w.upsert(&advisory("A-both", &["crates.io/p000", "crates.io/p299"]))
            .unwrap();
        w.commit().unwrap();
        drop(w);
        assert!(index.write_advisory_table().unwrap());
        let table = AdvisoryTable::open(dir.path()).unwrap();
        for name in &names {
            let found = table
                .advisories_for_audit(std::slice::from_ref(name))
                .unwrap();
            assert!(!found.is_empty(), "{name}");
            assert!(found.iter().all(|a| a.details.is_empty()), "{name}");
            assert_eq!(
                found,
                index
                    .advisories_for_audit(std::slice::from_ref(name))
                    .unwrap()
            );
        }
        assert_eq!(
            table
                .advisories_for_audit(&["crates.io/p000".into()])
                .unwrap()
                .len(),
            2
        );
        for missing in [
            "crates.io/a",
            "crates.io/p0005",
            "crates.io/zzz",
            "",
            "npm/p001",
        ] {
            assert!(
                table
                    .advisories_for_audit(&[missing.to_string()])
                    .unwrap()
                    .is_empty(),
                "{missing}"
            );
        }
        // Asking for every key gives each advisory once, in item-id order.
        let all = table.advisories_for_audit(&names).unwrap();
        assert_eq!(all.len(), 301);
        assert_eq!(all, index.advisories_for_audit(&names).unwrap());
    }

    /// An index holding one advisory for `crates.io/a`, and its table.
    fn one_advisory_table(dir: &Path) -> RadarIndex {
        let index = RadarIndex::open_or_create(dir).unwrap();
        let mut w = index.writer().unwrap();
        w.upsert(&advisory("A-1", &["crates.io/a"])).unwrap();
        w.commit().unwrap();
        drop(w);
        assert!(index.write_advisory_table().unwrap());
        index
    }

    #[test]
    fn a_damaged_key_line_is_an_error_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        one_advisory_table(dir.path());
        let path = dir.path().join(TABLE_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("crates.io/a\t0:", "crates.io/a\tx:", 1),
        )
        .unwrap();
        let table = AdvisoryTable::open(dir.path()).unwrap();
        let e = table
            .advisories_for_audit(&["crates.io/a".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains(TABLE_FILE) && e.contains("delete it"), "{e}");
    }

    #[test]
    fn a_commit_in_progress_makes_the_table_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let index = one_advisory_table(dir.path());
        mark_pending(dir.path()).unwrap();
        assert!(AdvisoryTable::open(dir.path()).is_none());
        assert!(!index.write_advisory_table().unwrap());
    }
}
