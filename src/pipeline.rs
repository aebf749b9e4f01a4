//! One cycle of the pipeline: crawl → update → digest.
//!
//! `radar run`, `radar schedule` (each job, and `--once`) and `radar demo`
//! all call these functions; only the trigger differs. This is command
//! wiring like `cmd` (the stages it calls report with `anyhow`), so it
//! reports with `anyhow` too; it owns no format and no storage.
//!
//! Each stage loads radar.toml and opens what it needs itself, so an edit
//! to the sources takes effect at the next job without a restart, and a
//! scheduled job holds the index writer only while it crawls. A stop
//! request (`shutdown` turning true) reaches the crawl, which starts no new
//! fetch, commits what finished and returns; the stages after it are then
//! not started. The index is never left half-written.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use tokio::sync::watch;

use crate::cli::Global;
use crate::cmd::{self, Context};
use crate::crawl::CrawlReport;
use crate::digest::IsoWeek;
use crate::index::{IndexError, IndexWriter, RadarIndex};
use crate::radar::merge::UpdateReport;
use crate::schedule::{JobKind, JobResult, JobRunner};
use crate::terminal::clean;

/// Longest `--wait` for another writer to release the index.
const WRITER_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// The team radar a pipeline runs against: the global options (config,
/// index override, `--wait`) and the folder relative paths start from.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub global: Global,
    pub cwd: PathBuf,
    /// Draw the crawl's progress bar (an interactive `radar run`).
    pub progress: bool,
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
    pub fn new(global: Global, cwd: PathBuf) -> Pipeline {
        Pipeline {
            global,
            cwd,
            progress: false,
        }
    }

    /// The pipeline for the radar a command was pointed at.
    pub fn from_context(ctx: &Context) -> Pipeline {
        Pipeline::new(ctx.global.clone(), ctx.cwd.clone())
    }

    /// A command context at `now`: every stage sees the instant its job
    /// started, not the instant the scheduler did.
    fn context(&self, now: DateTime<Utc>) -> Context {
        Context {
            global: self.global.clone(),
            now,
            cwd: self.cwd.clone(),
        }
    }

    /// Fetches every source and indexes what changed; stops early (saving
    /// what finished) when `shutdown` turns true.
    pub async fn crawl(
        &self,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<CrawlRun> {
        let ctx = self.context(now);
        let cfg = ctx.config()?;
        let index_path = self
            .global
            .index
            .clone()
            .unwrap_or_else(|| cfg.index_path.clone());
        let index = RadarIndex::open_or_create(&index_path)?;
        let mut writer = self.writer(&index).await?;
        let report = crate::crawl::crawl_until(
            &cfg.crawl,
            &cfg.sources,
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

    /// Takes the index writer; with `--wait`, waits (asynchronously, so the
    /// scheduler keeps running) for another process to release it.
    async fn writer<'a>(&self, index: &'a RadarIndex) -> Result<IndexWriter<'a>> {
        let started = std::time::Instant::now();
        let mut delay = std::time::Duration::from_millis(50);
        loop {
            match index.writer() {
                Err(IndexError::Locked { .. })
                    if self.global.wait && started.elapsed() < WRITER_WAIT_LIMIT =>
                {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(std::time::Duration::from_secs(2));
                }
                other => return Ok(other?),
            }
        }
    }

    /// Scores the index against the stack and refreshes the entries
    /// (`radar update`). Blocking: call it off the async runtime.
    pub fn update(&self, now: DateTime<Utc>) -> Result<UpdateReport> {
        let ctx = self.context(now);
        let cfg = ctx.config()?;
        cmd::update_radar(&ctx, &cfg)
    }

    /// The digest stage: last complete ISO week's digest, written as
    /// `digest-<week>.html` and `.md` in `[digest] out_dir` (the names
    /// `radar digest` and the demo use). Blocking.
    pub fn digest(&self, now: DateTime<Utc>) -> Result<DigestFiles> {
        let ctx = self.context(now);
        let cfg = ctx.config()?;
        let week = IsoWeek::last_complete(now);
        let html = cmd::write_digest_files(&ctx, week, now, &cfg.digest.out_dir)?;
        Ok(DigestFiles {
            week: week.to_string(),
            files: vec![html.clone(), html.with_extension("md")],
        })
    }

    /// crawl → update → digest, once. A stop request during the crawl ends
    /// the run after the crawl has saved what it finished.
    pub async fn run_once(
        &self,
        now: DateTime<Utc>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<RunReport> {
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
        report.digest = Some(self.blocking(move |p| p.digest(now)).await?);
        Ok(report)
    }

    /// Runs a blocking stage on tokio's blocking pool, so a scheduled
    /// update never stalls the timer or a crawl running beside it.
    async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Pipeline) -> Result<T> + Send + 'static,
    {
        let p = self.clone();
        tokio::task::spawn_blocking(move || f(&p))
            .await
            .context("a pipeline stage stopped abnormally")?
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
    clean(&format!("{}: wrote {}", d.week, files.join(", ")))
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
                JobKind::Digest => self
                    .blocking(move |p| p.digest(now))
                    .await
                    .map(|d| digest_outcome(&d)),
            };
            outcome.map_err(|e| clean(&format!("{e:#}")))
        })
    }
}
