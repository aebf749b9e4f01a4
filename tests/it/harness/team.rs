//! A team radar in a temp folder, built the way a test describes it: "a
//! radar with this stack, these entries and this lockfile".

use crate::harness::radar_at;
use std::path::{Path, PathBuf};
use std::process::Command;
use techradar::index::RadarIndex;
use techradar::model::Item;

/// radar.toml (the index in `./index`) and whatever the builder calls add.
/// The folder is removed when this is dropped.
///
/// Release sources are not derived from the stack (`[crawl] track =
/// "none"` is written unless the test sets `track` itself or calls
/// [`TeamRadar::tracking`]): a test stack names real packages, and derived
/// sources would fetch them from the public registries.
pub struct TeamRadar {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    /// radar.toml as the test wrote it, before the `track` default.
    config: String,
    tracking: bool,
}

impl TeamRadar {
    /// A radar with only its radar.toml.
    pub fn new() -> TeamRadar {
        TeamRadar::in_folder("")
    }

    /// The radar in the folder `rel` of the temp folder, as when it lives
    /// in a bigger repository.
    pub fn in_folder(rel: &str) -> TeamRadar {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(rel);
        let team = TeamRadar {
            tmp,
            dir,
            config: "[index]\npath = \"index\"\n".to_string(),
            tracking: false,
        };
        team.write_config()
    }

    /// Appends `toml` to radar.toml.
    pub fn config(mut self, toml: &str) -> TeamRadar {
        self.config.push_str(toml);
        self.write_config()
    }

    /// Lets `[crawl] track` take its default (`direct`): for the tests of
    /// derived release sources, whose registries are loopback servers.
    pub fn tracking(mut self) -> TeamRadar {
        self.tracking = true;
        self.write_config()
    }

    fn write_config(self) -> TeamRadar {
        let text = if self.tracking || has_key(&self.config, "crawl", "track") {
            self.config.clone()
        } else {
            with_track_none(&self.config)
        };
        self.file("radar.toml", text)
    }

    /// stack.toml.
    pub fn stack(self, toml: &str) -> TeamRadar {
        self.file("stack.toml", toml)
    }

    /// An entry file, `rel` under `entries/`.
    pub fn entry(self, rel: impl AsRef<Path>, text: &str) -> TeamRadar {
        let rel = Path::new("entries").join(rel);
        self.file(rel, text)
    }

    /// Any file in the radar folder (a lockfile, .gitignore), parents made.
    pub fn file(self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> TeamRadar {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// A copy of the file at `from`, as `rel` in the radar folder.
    pub fn copy(self, rel: impl AsRef<Path>, from: impl AsRef<Path>) -> TeamRadar {
        let contents = std::fs::read(from.as_ref())
            .unwrap_or_else(|e| panic!("{}: {e}", from.as_ref().display()));
        self.file(rel, contents)
    }

    /// The radar folder (where radar.toml is).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The temp folder the radar folder is in (the same unless `in_folder`).
    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.join("radar.toml")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.join("index")
    }

    /// `radar --config <its radar.toml> --now <now> <args>`.
    pub fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut c = radar_at(now);
        c.arg("--config").arg(self.config_path()).args(args);
        c
    }

    /// Every stored item, read from the index the binary wrote.
    pub fn items(&self) -> Vec<Item> {
        let index = RadarIndex::open_or_create(&self.index()).unwrap();
        index.all_items().unwrap()
    }

    /// The ids of the stored items; panics if the index does not open.
    pub fn ids(&self) -> Vec<String> {
        self.items().into_iter().map(|i| i.id).collect()
    }
}

/// Whether `key` is set in the `[table]` of `toml` (or inline as
/// `table.key`).
fn has_key(toml: &str, table: &str, key: &str) -> bool {
    let doc: toml::Table = match toml.parse() {
        Ok(doc) => doc,
        Err(_) => return false, // a test of a malformed radar.toml
    };
    doc.get(table)
        .and_then(|t| t.as_table())
        .is_some_and(|t| t.contains_key(key))
}

/// `toml` with `track = "none"` in its `[crawl]` table (added if missing).
fn with_track_none(toml: &str) -> String {
    let mut out = String::with_capacity(toml.len() + 32);
    let mut added = false;
    for line in toml.lines() {
        out.push_str(line);
        out.push('\n');
        if !added && line.trim() == "[crawl]" {
            out.push_str("track = \"none\"\n");
            added = true;
        }
    }
    if !added {
        out.push_str("\n[crawl]\ntrack = \"none\"\n");
    }
    out
}
