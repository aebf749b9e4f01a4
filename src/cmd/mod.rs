//! Command wiring: turns parsed arguments into stage calls and reports.
//!
//! The only place (with `main`) that uses `anyhow`. Each command returns the
//! exit code it wants for a completed run (0 or 1); an `Err` means the
//! command could not do its job and `main` exits 2.

mod audit;
mod crawl;
mod digest;
mod export;
mod import;
mod ingest;
mod init;
mod propose;
mod review;
mod run;
mod schedule;
mod search;
mod trends;
mod update;

pub use audit::audit;
pub use crawl::crawl;
pub use digest::{collect_input, digest, write_digest_files};
pub use export::export;
pub use import::import;
pub use ingest::ingest;
pub use init::init;
pub use propose::propose;
pub use review::{pending_text, review};
pub use run::run;
pub use schedule::schedule;
pub use search::search;
pub use trends::trends;
pub use update::{advisory_hits, lockfile_usage, update, update_radar};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

use crate::cli::Global;
use crate::config::{self, RadarConfig};
use crate::index::{IndexError, IndexWriter, RadarIndex};

/// Longest `--wait` for another writer to release the index.
const WRITER_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// What every command may need, resolved lazily from the global options.
pub struct Context {
    pub global: Global,
    pub now: DateTime<Utc>,
    pub cwd: PathBuf,
}

impl Context {
    pub fn new(global: Global) -> Result<Context> {
        let now = match &global.now {
            Some(s) => DateTime::parse_from_rfc3339(s)
                .with_context(|| {
                    format!(
                        "--now / RADAR_NOW {s:?} is not an RFC 3339 time (2026-11-23T08:00:00Z)"
                    )
                })?
                .with_timezone(&Utc),
            None => Utc::now(),
        };
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        Ok(Context { global, now, cwd })
    }

    /// Loads radar.toml by the discovery order in DESIGN.md.
    pub fn config(&self) -> Result<RadarConfig> {
        let path = config::discover(self.global.config.as_deref(), None, &self.cwd)?;
        Ok(config::load_radar(&path)?)
    }

    /// The index folder: `--index`, else the config's `[index] path`.
    pub fn index_path(&self) -> Result<PathBuf> {
        match &self.global.index {
            Some(p) => Ok(p.clone()),
            None => Ok(self.config()?.index_path),
        }
    }

    pub fn open_index(&self) -> Result<RadarIndex> {
        open_index(&self.index_path()?)
    }

    /// Takes the index's single writer lock. Another writer makes this fail
    /// at once (exit 2, naming the holder), or with `--wait` wait for it:
    /// polling with backoff, since the holder is another process, up to
    /// [`WRITER_WAIT_LIMIT`], saying so once on stderr.
    pub fn writer<'a>(&self, index: &'a RadarIndex) -> Result<IndexWriter<'a>> {
        let started = std::time::Instant::now();
        let mut delay = std::time::Duration::from_millis(50);
        let mut told = false;
        loop {
            match index.writer() {
                Err(IndexError::Locked { path, holder })
                    if self.global.wait && started.elapsed() < WRITER_WAIT_LIMIT =>
                {
                    if !told && !self.global.quiet {
                        eprintln!(
                            "index {} is locked by another writer{holder}; waiting for it (--wait, up to 1 hour)",
                            path.display()
                        );
                    }
                    told = true;
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(std::time::Duration::from_secs(2));
                }
                other => return Ok(other?),
            }
        }
    }

    pub fn progress(&self) -> bool {
        use std::io::IsTerminal;
        !self.global.quiet && std::io::stderr().is_terminal()
    }
}

pub fn open_index(path: &Path) -> Result<RadarIndex> {
    Ok(RadarIndex::open_or_create(path)?)
}

/// Prints a report as pretty JSON to stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(value).context("cannot encode JSON")?;
    println!("{s}");
    Ok(())
}
