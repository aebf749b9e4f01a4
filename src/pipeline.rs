//! One cycle of the pipeline: crawl → update → digest.
//!
//! `radar run`, `radar schedule` (each job, and `--once`) and `radar demo`
//! all call these functions; only the trigger differs. It calls the stages
//! (`crawl`, `update`, `digest`) and owns no format and no storage; it
//! knows nothing of the command line, only [`Settings`].
//!
//! Each stage loads radar.toml and opens what it needs itself, so an edit
//! to the sources takes effect at the next job without a restart, and a
//! scheduled job holds the index writer only while it crawls. A stop
//! request (`shutdown` turning true) reaches the crawl, which starts no new
//! fetch, commits what finished and returns; the stages after it are then
//! not started. The index is never left half-written.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use tokio::sync::watch;

use crate::config::ConfigError;
use crate::crawl::{CrawlError, CrawlReport};
use crate::deliver::{DeliverError, DeliverReport, SmtpCredentials};
use crate::digest::{IsoWeek, WriteFilesError};
use crate::index::{IndexError, RadarIndex};
use crate::schedule::{JobKind, JobResult, JobRunner};
use crate::settings::Settings;
use crate::terminal::clean;
use crate::update::{UpdateError, UpdateReport};

/// The team radar a pipeline runs against: the global settings (config,
/// index override, `--wait`).
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub settings: Settings,
    /// Draw the crawl's progress bar (an interactive `radar run`).
    pub progress: bool,
}

/// Why a stage of the pipeline could not run.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Crawl(#[from] CrawlError),
    #[error(transparent)]
    Derive(#[from] crate::crawl::derive::DeriveError),
    #[error(transparent)]
    Update(#[from] UpdateError),
    #[error(transparent)]
    Digest(#[from] WriteFilesError),
    #[error(transparent)]
    Deliver(#[from] DeliverError),
    /// The digest was written but at least one target did not get it.
    #[error("{0}")]
    DeliveryFailed(String),
    #[error("a pipeline stage stopped abnormally: {0}")]
    Panicked(String),
}

/// What a crawl did, and how many items the index holds after it.
#[derive(Debug, Clone, Serialize)]
pub struct CrawlRun {
    #[serde(flatten)]
    pub report: CrawlReport,
    pub index_items: u64,
}

/// The files the digest stage wrote.
#[derive(Debug, Clone, Serialize)]
pub struct DigestFiles {
    /// ISO week the digest covers, e.g. `2026-W47`.
    pub week: String,
    pub files: Vec<PathBuf>,
    /// Where it went, when `[schedule] send = true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliverReport>,
}

/// What one [`Pipeline::run_once`] did. `--json` of `radar run`.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub crawl: CrawlRun,
    /// `None` when the run was stopped before the stage.
    pub update: Option<UpdateReport>,
    pub digest: Option<DigestFiles>,
    /// A stop request ended the run early; what finished was saved.
    pub interrupted: bool,
}

impl Pipeline {
    pub fn new(settings: Settings) -> Pipeline {
        Pipeline {
            settings,
            progress: false,
        }
    }

    /// Fetches every source and indexes what changed; stops early (saving
    /// what finished) when `shutdown` turns true.
    pub async fn crawl(
        &self,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<CrawlRun, PipelineError> {
        let cfg = self.settings.radar_config()?;
        let mut sources = cfg.sources.clone();
        sources.extend(crate::crawl::derive::derived_sources(&cfg)?);
        let index_path = self.settings.index_path_in(&cfg);
        let index = RadarIndex::open_or_create(&index_path)?;
        // Asynchronously, so the scheduler keeps running while it waits.
        let mut writer = index
            .writer_waiting(self.settings.wait, |_| {}, tokio::time::sleep)
            .await?;
        let report = crate::crawl::crawl_until(
            &cfg.crawl,
            &sources,
            &mut writer,
            &index_path,
            now,
            self.progress,
            stopped(shutdown),
        )
        .await?;
        drop(writer);
        index.reload()?;
        Ok(CrawlRun {
            report,
            index_items: index.count(),
        })
    }

    /// Scores the index against the stack and refreshes the entries
    /// (`radar update`). Blocking: call it off the async runtime.
    pub fn update(&self, now: DateTime<Utc>) -> Result<UpdateReport, PipelineError> {
        let settings = self.settings.at(now);
        let cfg = settings.radar_config()?;
        Ok(crate::update::run(&settings, &cfg)?)
    }

    /// The digest stage: last complete ISO week's digest, written as
    /// `digest-<week>.html` and `.md` in `[digest] out_dir` (the names
    /// `radar digest` and the demo use). Blocking.
    pub fn digest(&self, now: DateTime<Utc>) -> Result<DigestFiles, PipelineError> {
        let settings = self.settings.at(now);
        let cfg = settings.radar_config()?;
        let week = IsoWeek::last_complete(now);
        let html = crate::digest::write_files(&settings, week, &cfg.digest.out_dir)?;
        Ok(DigestFiles {
            week: week.to_string(),
            files: vec![html.clone(), html.with_extension("md")],
            delivery: None,
        })
    }

    /// The digest stage with delivery: writes the files, then, when
    /// `[schedule] send = true`, delivers the week to every `[[deliver]]`
    /// (each week once per target; see `deliver`).
    pub async fn digest_and_send(&self, now: DateTime<Utc>) -> Result<DigestFiles, PipelineError> {
        let mut files = self.blocking(move |p| p.digest(now)).await?;
        let settings = self.settings.at(now);
        let cfg = settings.radar_config()?;
        if !cfg.schedule.send || cfg.deliver.is_empty() {
            return Ok(files);
        }
        let smtp = if cfg
            .deliver
            .iter()
            .any(|d| matches!(d.kind, crate::config::DeliverKind::Email { .. }))
        {
            SmtpCredentials::from_env()?
        } else {
            None
        };
        let week = IsoWeek::last_complete(now);
        let report = crate::deliver::send_week(&settings, &cfg, week, false, smtp).await?;
        files.delivery = Some(report);
        Ok(files)
    }

    /// crawl → update → digest, once. A stop request during the crawl ends
    /// the run after the crawl has saved what it finished.
    pub async fn run_once(
        &self,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<RunReport, PipelineError> {
        let crawl = self.crawl(now, shutdown.clone()).await?;
        let mut report = RunReport {
            interrupted: crawl.report.interrupted,
            crawl,
            update: None,
            digest: None,
        };
        if report.interrupted || *shutdown.borrow() {
            report.interrupted = true;
            return Ok(report);
        }
        report.update = Some(self.blocking(move |p| p.update(now)).await?);
        if *shutdown.borrow() {
            report.interrupted = true;
            return Ok(report);
        }
        report.digest = Some(self.digest_and_send(now).await?);
        Ok(report)
    }

    /// Runs a blocking stage on tokio's blocking pool, so a scheduled
    /// update never stalls the timer or a crawl running beside it.
    async fn blocking<T, F>(&self, f: F) -> Result<T, PipelineError>
    where
        T: Send + 'static,
        F: FnOnce(&Pipeline) -> Result<T, PipelineError> + Send + 'static,
    {
        let p = self.clone();
        tokio::task::spawn_blocking(move || f(&p))
            .await
            .map_err(|e| PipelineError::Panicked(e.to_string()))?
    }
}

/// Completes when `shutdown` turns true; never, if nobody can ask anymore.
async fn stopped(mut shutdown: watch::Receiver<bool>) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The one-line outcome of a crawl, for logs.
pub fn crawl_outcome(run: &CrawlRun) -> String {
    let r = &run.report;
    let mut line = format!("{}; index holds {} items", r.totals_line(), run.index_items);
    let failed: Vec<String> = r
        .sources
        .iter()
        .filter_map(|s| Some(format!("{}: {}", s.name, s.error.as_deref()?)))
        .collect();
    if !failed.is_empty() {
        line.push_str(&format!(" ({})", failed.join("; ")));
    }
    if r.interrupted {
        line.push_str(" [interrupted: finished sources were saved]");
    }
    clean(&line)
}

/// The one-line outcome of an update, for logs and `radar run`.
pub fn update_outcome(r: &UpdateReport) -> String {
    format!(
        "{} entries: {} changed, {} new, {} proposals waiting for review",
        r.entries.len(),
        r.changed(),
        r.entries.iter().filter(|e| e.created).count(),
        r.pending().count()
    )
}

/// The one-line outcome of a digest, for logs and `radar run`.
pub fn digest_outcome(d: &DigestFiles) -> String {
    let files: Vec<String> = d.files.iter().map(|f| f.display().to_string()).collect();
    let mut line = format!("{}: wrote {}", d.week, files.join(", "));
    if let Some(r) = &d.delivery {
        line.push_str(&format!("; {}", r.lines().join("; ")));
    }
    clean(&line)
}

/// Whether a digest stage left a target without its week.
pub fn delivery_failed(d: &DigestFiles) -> bool {
    d.delivery
        .as_ref()
        .is_some_and(|r| r.failed().next().is_some())
}

impl JobRunner for Pipeline {
    fn run(
        &self,
        job: JobKind,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Pin<Box<dyn Future<Output = JobResult> + Send + '_>> {
        Box::pin(async move {
            let outcome = match job {
                JobKind::Crawl => self.crawl(now, shutdown).await.map(|r| crawl_outcome(&r)),
                JobKind::Update => self
                    .blocking(move |p| p.update(now))
                    .await
                    .map(|r| update_outcome(&r)),
                JobKind::Digest => match self.digest_and_send(now).await {
                    Ok(d) if delivery_failed(&d) => {
                        Err(PipelineError::DeliveryFailed(digest_outcome(&d)))
                    }
                    other => other.map(|d| digest_outcome(&d)),
                },
            };
            outcome.map_err(|e| e.into())
        })
    }
}
