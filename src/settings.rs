//! What a run was asked to do with: the global flags and environment,
//! resolved once into plain values.
//!
//! `cmd/` builds a [`Settings`] from the command line (flags beat
//! `RADAR_*` variables, which clap folds in); every stage below takes it
//! instead of parsing anything itself. The rules that pick radar.toml and
//! the index folder live here and nowhere else. radar.toml itself is read
//! on demand ([`Settings::radar_config`]) rather than once at start, so a
//! scheduler that runs for weeks sees an edited file at its next job.
//!
//! Knows nothing of clap or of the commands.

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

use crate::config::{self, ConfigError, RadarConfig};
use crate::index::{IndexError, RadarIndex};

/// The global options of one run. Paths are absolute.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder relative paths on the command line start from.
    pub cwd: PathBuf,
    /// `--config` / `$RADAR_CONFIG`; `None` means "discover it".
    pub config: Option<PathBuf>,
    /// `--index` / `$RADAR_INDEX`; wins over radar.toml's `[index] path`.
    pub index: Option<PathBuf>,
    /// The instant the run treats as now.
    pub now: DateTime<Utc>,
    /// `now` was given (`--now` / `$RADAR_NOW`, in tests): a long-running
    /// command simulates time from it instead of reading the clock.
    pub fixed_now: bool,
    /// Print only results and errors.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// Wait for another writer to release the index instead of failing.
    pub wait: bool,
}

impl Settings {
    /// Settings for `cwd` at `now`, with every option at its default.
    pub fn new(cwd: PathBuf, now: DateTime<Utc>) -> Settings {
        Settings {
            cwd,
            config: None,
            index: None,
            now,
            fixed_now: false,
            quiet: false,
            verbose: 0,
            wait: false,
        }
    }

    /// The same settings at another instant: a scheduled job sees the
    /// instant it started, not the one the scheduler did.
    pub fn at(&self, now: DateTime<Utc>) -> Settings {
        Settings {
            now,
            ..self.clone()
        }
    }

    /// A path given on the command line, made absolute against [`Self::cwd`].
    pub fn absolute(&self, path: &Path) -> PathBuf {
        self.cwd.join(path)
    }

    /// Where radar.toml is: `--config`, else `$RADAR_CONFIG`, else
    /// `./radar.toml`, else `./radar/radar.toml`.
    pub fn config_path(&self) -> Result<PathBuf, ConfigError> {
        config::discover(self.config.as_deref(), None, &self.cwd)
    }

    /// Reads radar.toml afresh.
    pub fn radar_config(&self) -> Result<RadarConfig, ConfigError> {
        config::load_radar(&self.config_path()?)
    }

    /// The index folder when radar.toml is already loaded: `--index`, else
    /// `[index] path`. The one place that rule is written.
    pub fn index_path_in(&self, cfg: &RadarConfig) -> PathBuf {
        self.index.clone().unwrap_or_else(|| cfg.index_path.clone())
    }

    /// The index folder: `--index` (no radar.toml needed), else radar.toml's.
    pub fn index_path(&self) -> Result<PathBuf, ConfigError> {
        match &self.index {
            Some(p) => Ok(p.clone()),
            None => Ok(self.index_path_in(&self.radar_config()?)),
        }
    }

    /// Opens (or creates) the index at [`Self::index_path`].
    pub fn open_index(&self) -> Result<RadarIndex, SettingsError> {
        Ok(RadarIndex::open_or_create(&self.index_path()?)?)
    }
}

/// Either half of "find the index, then open it".
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::new(PathBuf::from("/team"), DateTime::<Utc>::MIN_UTC)
    }

    #[test]
    fn index_flag_wins_over_radar_toml() {
        let mut s = settings();
        let cfg = config::parse_radar("[index]\npath = \"idx\"\n", Path::new("/team/radar.toml"))
            .unwrap();
        assert_eq!(s.index_path_in(&cfg), PathBuf::from("/team/idx"));
        s.index = Some(PathBuf::from("/elsewhere"));
        assert_eq!(s.index_path_in(&cfg), PathBuf::from("/elsewhere"));
        assert_eq!(s.index_path().unwrap(), PathBuf::from("/elsewhere"));
    }

    #[test]
    fn relative_paths_start_at_cwd() {
        let s = settings();
        assert_eq!(s.absolute(Path::new("a/b")), PathBuf::from("/team/a/b"));
        assert_eq!(s.absolute(Path::new("/x")), PathBuf::from("/x"));
    }
}
