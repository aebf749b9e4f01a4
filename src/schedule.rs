//! `radar schedule`: run the cron jobs of radar.toml until stopped.
//!
//! Owns timing only: when each job is due, that a job never overlaps itself,
//! that a failing job is logged and tried again at its next time, and a
//! clean stop on SIGINT/SIGTERM. What a job *does* is behind [`JobRunner`]
//! (the pipeline stages in production, a recorder in tests); this module
//! never touches the index or the network itself.
//!
//! Time comes from a [`Clock`], so tests drive the loop with tokio's paused
//! clock instead of sleeping.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use thiserror::Error;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::config::ScheduleSettings;

#[derive(Debug, Error)]
pub enum ScheduleError {
    #[error(
        "[schedule] {job} = {expr:?}: {why}. Cron here has 6 fields, seconds first, e.g. \"0 0 */6 * * *\"; write days as MON..SUN"
    )]
    Cron {
        job: JobKind,
        expr: String,
        why: String,
    },
    #[error(
        "no jobs in [schedule] of radar.toml: set crawl, update and/or digest to a cron expression"
    )]
    NoJobs,
    #[error("schedule state {path}: {message}")]
    State { path: PathBuf, message: String },
}

/// The jobs radar.toml can schedule, in the order a cycle runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    Crawl,
    Update,
    Digest,
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JobKind::Crawl => "crawl",
            JobKind::Update => "update",
            JobKind::Digest => "digest",
        })
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub kind: JobKind,
    pub schedule: cron::Schedule,
}

/// Reads `[schedule]` into jobs; an empty section is an error for the loop.
pub fn jobs_from(settings: &ScheduleSettings) -> Result<Vec<Job>, ScheduleError> {
    let mut jobs = Vec::new();
    for (kind, expr) in [
        (JobKind::Crawl, &settings.crawl),
        (JobKind::Update, &settings.update),
        (JobKind::Digest, &settings.digest),
    ] {
        if let Some(expr) = expr {
            let schedule = cron::Schedule::from_str(expr).map_err(|e| ScheduleError::Cron {
                job: kind,
                expr: expr.clone(),
                why: e.to_string(),
            })?;
            jobs.push(Job { kind, schedule });
        }
    }
    if jobs.is_empty() {
        return Err(ScheduleError::NoJobs);
    }
    Ok(jobs)
}

/// What a job run reports: a one-line outcome, or why it failed (any
/// error: the scheduler only logs it, with its causes).
pub type JobResult = Result<String, Box<dyn std::error::Error + Send + Sync>>;

/// Runs one job. `shutdown` turns true when the scheduler is asked to stop:
/// a long job should stop starting new work, save what it has, and return.
pub trait JobRunner: Send + Sync + 'static {
    fn run(
        &self,
        job: JobKind,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Pin<Box<dyn Future<Output = JobResult> + Send + '_>>;
}

/// The scheduler's notion of time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time, for production.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Time that follows tokio's clock from a fixed start: with
/// `tokio::time::pause()` the loop runs through hours of schedule in
/// milliseconds, deterministically.
pub struct TokioClock {
    start: DateTime<Utc>,
    origin: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(start: DateTime<Utc>) -> TokioClock {
        TokioClock {
            start,
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now().duration_since(self.origin);
        self.start + chrono::Duration::from_std(elapsed).unwrap_or(chrono::TimeDelta::MAX)
    }
}

/// One line of the run log: the scheduler's own account, also logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Started {
        job: JobKind,
        at: DateTime<Utc>,
    },
    Finished {
        job: JobKind,
        at: DateTime<Utc>,
        outcome: String,
    },
    Failed {
        job: JobKind,
        at: DateTime<Utc>,
        error: String,
    },
    /// The job's time came while its previous run was still going.
    Skipped {
        job: JobKind,
        at: DateTime<Utc>,
    },
}

/// Runs `jobs` until `shutdown` turns true, then waits for jobs in flight.
/// Returns the events in the order they happened.
pub async fn run_loop(
    jobs: Vec<Job>,
    runner: Arc<dyn JobRunner>,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) -> Vec<Event> {
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let busy: BTreeMap<JobKind, Arc<AtomicBool>> = jobs
        .iter()
        .map(|j| (j.kind, Arc::new(AtomicBool::new(false))))
        .collect();
    let mut next: Vec<(Job, Option<DateTime<Utc>>)> = jobs
        .into_iter()
        .map(|j| {
            let n = j.schedule.after(&clock.now()).next();
            (j, n)
        })
        .collect();
    for (job, at) in &next {
        match at {
            Some(at) => info!(job = %job.kind, next = %at.to_rfc3339(), "scheduled"),
            None => warn!(job = %job.kind, "cron expression never fires again; job disabled"),
        }
    }
    let mut in_flight = tokio::task::JoinSet::new();
    let mut log = Vec::new();
    while let Some(due) = next.iter().filter_map(|(_, at)| *at).min() {
        let wait = (due - clock.now()).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
                continue;
            }
            Some(event) = events_rx.recv() => {
                log.push(event);
                continue;
            }
        }
        let now = clock.now();
        for (job, at) in next.iter_mut() {
            let Some(when) = *at else { continue };
            if when > now {
                continue;
            }
            *at = job.schedule.after(&now).next();
            let next_at = at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into());
            let flag = Arc::clone(&busy[&job.kind]);
            if flag.swap(true, Ordering::SeqCst) {
                warn!(job = %job.kind, next = %next_at, "skipped: the previous run is still going");
                log.push(Event::Skipped {
                    job: job.kind,
                    at: when,
                });
                continue;
            }
            let (kind, runner, clock, tx, stop) = (
                job.kind,
                Arc::clone(&runner),
                Arc::clone(&clock),
                events_tx.clone(),
                shutdown.clone(),
            );
            let _ = tx.send(Event::Started {
                job: kind,
                at: when,
            });
            in_flight.spawn(async move {
                info!(job = %kind, next = %next_at, "started");
                let started = std::time::Instant::now();
                let result = runner.run(kind, clock.now(), stop).await;
                let secs = started.elapsed().as_secs_f64();
                let at = clock.now();
                let event = match result {
                    Ok(outcome) => {
                        info!(job = %kind, duration_s = format!("{secs:.2}"), outcome = %outcome, "finished");
                        Event::Finished { job: kind, at, outcome }
                    }
                    Err(error) => {
                        let error = crate::terminal::clean(&crate::terminal::error_chain(&*error));
                        warn!(job = %kind, duration_s = format!("{secs:.2}"), error = %error, "failed; will run again at its next time");
                        Event::Failed { job: kind, at, error }
                    }
                };
                flag.store(false, Ordering::SeqCst);
                let _ = tx.send(event);
            });
        }
        // Reap finished tasks so a panicking job is noticed, not leaked.
        while let Some(done) = in_flight.try_join_next() {
            if let Err(e) = done {
                warn!("a job task ended abnormally: {e}");
            }
        }
    }
    // Count only jobs still running, not finished ones not reaped yet.
    while let Some(done) = in_flight.try_join_next() {
        if let Err(e) = done {
            warn!("a job task ended abnormally: {e}");
        }
    }
    info!(
        jobs_in_flight = in_flight.len(),
        "stopping: waiting for jobs in flight"
    );
    while let Some(done) = in_flight.join_next().await {
        if let Err(e) = done {
            warn!("a job task ended abnormally: {e}");
        }
    }
    drop(events_tx);
    while let Some(event) = events_rx.recv().await {
        log.push(event);
    }
    log
}

/// When each job last ran, for `--once`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct OnceState {
    pub last_run: BTreeMap<JobKind, DateTime<Utc>>,
}

/// Jobs due for `--once`: those whose latest scheduled time at or before
/// `now` is after their last run (or that never ran). Cron or a systemd
/// timer can then call `radar schedule --once` as often as it likes.
pub fn due_jobs(jobs: &[Job], state: &OnceState, now: DateTime<Utc>) -> Vec<JobKind> {
    let mut due: Vec<JobKind> = jobs
        .iter()
        .filter(|j| {
            let latest = j.schedule.after(&now).next_back();
            match (state.last_run.get(&j.kind), latest) {
                (None, _) => true,
                (Some(last), Some(latest)) => latest > *last,
                (Some(_), None) => false,
            }
        })
        .map(|j| j.kind)
        .collect();
    due.sort();
    due
}

/// Reads `--once` state. A damaged file (cut short by a full disk, edited
/// by hand) is warned about and replaced by an empty state: the cost is
/// that every job counts as due once, never a stopped schedule.
pub fn load_once_state(path: &Path) -> Result<OnceState, ScheduleError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            warn!(
                "schedule state {} is not valid ({e}); starting fresh, every job is due once",
                path.display()
            );
            OnceState::default()
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(OnceState::default()),
        Err(e) => Err(ScheduleError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
    }
}

/// Saves the state temp-then-rename, so a kill never leaves half a file.
pub fn save_once_state(path: &Path, state: &OnceState) -> Result<(), ScheduleError> {
    let err = |message: String| ScheduleError::State {
        path: path.to_path_buf(),
        message,
    };
    let json = serde_json::to_vec_pretty(state).map_err(|e| err(e.to_string()))?;
    crate::atomic::write(path, &json, crate::atomic::Durability::Sync)
        .map_err(|e| err(e.source.to_string()))
}

#[cfg(test)]
mod tests;
