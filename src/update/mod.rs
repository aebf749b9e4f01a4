//! The update stage: the index scored against the stack, filed into the
//! radar's entry files.
//!
//! What is tracked: every `[[tech]]` of stack.toml and every entry already
//! on the radar (an imported blip, an earlier `assess` proposal), plus new
//! rising terms as `assess` proposals. Each gets scored (`score`) and filed
//! (`entries`): machine fields rewritten, what people wrote kept.
//!
//! `radar update`, `radar run`, the scheduler's update job and the demo all
//! call [`run`]. Reads radar.toml, stack.toml, its lockfiles and the index;
//! writes only entry files. Prints nothing.

mod entries;
mod evidence;
mod recommend;
mod window;

pub use entries::{UpdateReport, UpdatedEntry, merge, refresh_entries};
pub use evidence::{advisory_hits, locked_versions, service_usage};
pub use recommend::{UpdateInput, recommend, tracked, tracked_terms};
pub use window::{scoring_input, window_start};

use std::path::PathBuf;

use crate::audit::AuditError;
use crate::config::{self, ConfigError, RadarConfig};
use crate::index::{IndexError, RadarIndex};
use crate::radar::RadarError;
use crate::settings::Settings;
use crate::stack::{self, StackError};
use crate::trend::TrendOptions;

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("update needs stack.toml (looked at {path}); `radar init` writes one")]
    Stack {
        path: PathBuf,
        #[source]
        source: ConfigError,
    },
    #[error("update reads stack.toml's lockfiles to score advisories and usage")]
    Lockfiles(#[source] StackError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Entries(#[from] RadarError),
}

/// The whole update on a loaded radar.toml.
pub fn run(settings: &Settings, cfg: &RadarConfig) -> Result<UpdateReport, UpdateError> {
    let mut stack = config::load_stack(&cfg.stack_path).map_err(|source| UpdateError::Stack {
        path: cfg.stack_path.clone(),
        source,
    })?;
    let repos: Vec<String> = cfg.sources.iter().filter_map(|s| s.github_repo()).collect();
    crate::score::bind_source_repos(&mut stack.techs, &repos);
    let index = RadarIndex::open_or_create(&settings.index_path_in(cfg))?;
    let started = std::time::Instant::now();
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let trends = TrendOptions {
        first_seen: index.first_published_by_source()?,
        ..TrendOptions::default()
    };
    let tracked = tracked(&stack, &entries);
    let terms = tracked_terms(&stack, &tracked);
    let (items, window) = scoring_input(&index, &tracked, &terms, settings.now, &trends)?;
    tracing::debug!(
        "read {} items in {:.3}s",
        items.len(),
        started.elapsed().as_secs_f64()
    );
    let lockfile_paths: Vec<PathBuf> = stack.lockfiles.iter().map(|l| l.path.clone()).collect();
    let inventory = stack::inventory(&lockfile_paths, &stack.techs, Some(&cfg.stack_path))
        .map_err(UpdateError::Lockfiles)?;
    let hits = advisory_hits(&index, &stack, &inventory, settings.now)?;
    let services = service_usage(&inventory, &cfg.stack_path);
    let locked = locked_versions(&inventory, &cfg.stack_path);
    let started = std::time::Instant::now();
    let report = refresh_entries(
        &cfg.entries_path,
        &UpdateInput {
            stack: &stack,
            items: &items,
            hits: &hits,
            services: &services,
            locked: &locked,
            now: settings.now,
            trends,
            window: Some(&window),
        },
    )?;
    tracing::debug!(
        "scored and wrote {} entries in {:.3}s",
        report.entries.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}
