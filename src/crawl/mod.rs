//! Crawling: fetch every source politely, parse, upsert, remember.
//!
//! The pool lives here; the parts are split by job:
//! - `fetch`: one HTTP attempt (conditional GET, redirects, timeout, caps),
//! - `decode`: gzip / deflate / brotli bodies, under the same cap,
//! - `retry`: whether and when to try again in this run,
//! - `limiter`: requests in flight overall and per host,
//! - `state`: validators, failure counts and next attempts between runs,
//! - `parse`: a fetched body to items (through `sources`),
//! - `progress`, `report`: what the user sees.
//!
//! Every source runs as its own task, so one slow or failing source never
//! holds up the others; it becomes a `failed` or `backing_off` row, never an
//! abort. Each source's items become documents where it was parsed
//! (through the writer's `Preparer`) and flow back to the one task that
//! owns the index writer, which upserts them and commits in batches; crawl
//! state is saved only after the commit it describes. Killing the process therefore loses at
//! most the uncommitted batch, and the next run fetches it again (upsert by
//! id means nothing is duplicated). Storage is `index`'s job and parsing is
//! `sources`'; this module never builds documents or reads formats.

mod decode;
pub mod derive;
mod fetch;
mod goproxy;
pub mod guard;
mod limiter;
mod outcome;
mod parse;
mod progress;
mod report;
mod retry;
mod state;

pub use fetch::FetchPolicy;
pub use outcome::{FetchError, MAX_REDIRECTS};
pub use parse::parse_osv_zip;
pub use report::{CrawlReport, SourceReport, Status, Totals};
pub use state::{CrawlState, STATE_FILE, SourceState, StateError, StateFile, Validators};

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use tokio::task::JoinSet;

use crate::config::{CrawlSettings, Location, Source, SourceKind};
use crate::index::{IndexError, IndexWriter, Prepared, Upsert};
use crate::sources::ParseContext;
use fetch::Outcome;
use limiter::HostLimiter;
use progress::Progress;
use retry::{Decision, RetryPolicy};

/// Items upserted between commits: bounds what a kill can lose. Each
/// commit stalls the writer while tantivy flushes and syncs a segment: at
/// 5,000 the 1,000-feed benchmark (10,000 items) paid for two commits and
/// ran about 20% slower than with one (BENCHMARKS.md). The interval below
/// still bounds the loss in time.
const COMMIT_ITEMS: usize = 20_000;
/// ...and time between commits, so a slow crawl still makes progress durable.
const COMMIT_INTERVAL: Duration = Duration::from_secs(5);
/// Bodies up to this size are parsed on the task that fetched them: a
/// typical feed parses in well under a millisecond, and handing each one to
/// the blocking pool cost more in thread wake-ups than the parse (the
/// 1,000-feed benchmark's fetching CPU fell from 68 to 50 ms without it).
/// Larger bodies, and any kept in a file (zips, OSV exports), still go to
/// the blocking pool so they never stall the threads driving sockets.
const INLINE_PARSE_BYTES: usize = 256 * 1024;

#[derive(Debug, Error)]
pub enum CrawlError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    AllowPrivate(guard::BadAllowEntry),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    State(#[from] StateError),
}

/// Fetches and indexes `sources`, as [`crawl_until`] with no shutdown signal.
///
/// `state_dir` holds `crawl-state.json` (pass the index folder); `now` is
/// the instant all backoff decisions are made against; `progress` draws a
/// bar on stderr. Must run inside a tokio runtime (any flavour).
pub async fn crawl(
    settings: &CrawlSettings,
    sources: &[Source],
    writer: &mut IndexWriter<'_>,
    state_dir: &Path,
    now: DateTime<Utc>,
    progress: bool,
) -> Result<CrawlReport, CrawlError> {
    crawl_until(
        settings,
        sources,
        writer,
        state_dir,
        now,
        progress,
        std::future::pending(),
    )
    .await
}

/// Fetches every source not backing off, upserts its items and records its
/// state. When `shutdown` completes, no new fetch starts, fetches in flight
/// are dropped, and what finished is committed; unfinished sources are
/// reported as failed ("stopped") with their state untouched, and the report
/// says `interrupted`.
///
/// `Err` only when the crawl as a whole cannot go on (no HTTP client, the
/// index or the state file cannot be written); a failing source is a row in
/// the report.
pub async fn crawl_until(
    settings: &CrawlSettings,
    sources: &[Source],
    writer: &mut IndexWriter<'_>,
    state_dir: &Path,
    now: DateTime<Utc>,
    progress: bool,
    shutdown: impl Future<Output = ()>,
) -> Result<CrawlReport, CrawlError> {
    let policy = FetchPolicy::from_settings(settings).map_err(CrawlError::AllowPrivate)?;
    let client = fetch::client(&policy).map_err(|e| CrawlError::Client(e.to_string()))?;
    let mut state = StateFile::load(state_dir);
    let shared = Arc::new(Shared {
        client,
        policy,
        retry: RetryPolicy::from_settings(settings),
        limiter: HostLimiter::new(settings.concurrency, settings.per_host),
        progress: Progress::new(sources.len(), progress),
        now,
        parsers: tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        ),
        preparer: writer.preparer(),
    });
    let backoff_base = Duration::from_secs(settings.failure_backoff_secs);

    tokio::pin!(shutdown);
    // A shutdown that came before the crawl starts no fetch at all; checked
    // here because a task, once spawned, may finish before the loop below
    // first looks at the signal.
    let mut interrupted =
        std::future::poll_fn(|cx| std::task::Poll::Ready(shutdown.as_mut().poll(cx).is_ready()))
            .await;

    let mut reports: Vec<Option<SourceReport>> = vec![None; sources.len()];
    let mut priors: Vec<SourceState> = Vec::with_capacity(sources.len());
    let mut tasks = JoinSet::new();
    let mut task_source = HashMap::new();
    for (i, source) in sources.iter().enumerate() {
        let prior = state
            .state
            .for_source(&source.name, &source.location_display());
        if let Some(until) = prior.backing_off(now) {
            reports[i] = Some(backing_off_report(source, &prior, until));
            shared.progress.source_done(true);
        } else if !interrupted {
            let handle = tasks.spawn(run_source(
                shared.clone(),
                source.clone(),
                prior.validators(),
            ));
            task_source.insert(handle.id(), i);
        }
        priors.push(prior);
    }

    let mut batch = Batch::new();
    loop {
        let joined = tokio::select! {
            biased;
            _ = &mut shutdown, if !interrupted => {
                interrupted = true;
                shared.limiter.close();
                tasks.abort_all();
                continue;
            }
            j = tasks.join_next_with_id() => j,
        };
        let Some(joined) = joined else { break };
        let (i, result) = match joined {
            Ok((id, result)) => (task_source.get(&id).copied(), result),
            Err(e) if e.is_cancelled() => (task_source.get(&e.id()).copied(), Fetch::Stopped),
            Err(e) => (
                task_source.get(&e.id()).copied(),
                Fetch::Failed {
                    error: format!("internal error while crawling this source: {e}"),
                    not_before: None,
                    attempts: 0,
                },
            ),
        };
        // Every task id was recorded at spawn; an unknown one cannot happen.
        let Some(i) = i else { continue };
        let (source, prior) = (&sources[i], &priors[i]);
        let (report, update) =
            record(source, prior, result, writer, &mut batch, now, backoff_base)?;
        shared
            .progress
            .source_done(matches!(report.status, Status::Failed));
        reports[i] = Some(report);
        if let Some(update) = update {
            batch.updates.push((source.name.clone(), update));
        }
        if batch.due() {
            batch.commit(writer, &mut state)?;
        }
    }
    batch.commit(writer, &mut state)?;
    shared.progress.finish();

    let rows = reports
        .into_iter()
        .zip(sources)
        .map(|(r, s)| r.unwrap_or_else(|| stopped_report(s)))
        .collect();
    let mut report = CrawlReport::from_sources(rows);
    report.interrupted = interrupted;
    Ok(report)
}

/// What every source task shares.
struct Shared {
    client: reqwest::Client,
    policy: FetchPolicy,
    retry: RetryPolicy,
    limiter: HostLimiter,
    progress: Progress,
    now: DateTime<Utc>,
    /// Large parses (files, bodies over [`INLINE_PARSE_BYTES`]) in the
    /// blocking pool at once: one per core; more would only add threads
    /// (tokio's blocking pool grows to hundreds).
    parsers: tokio::sync::Semaphore,
    /// Items become documents where they were parsed, beside other
    /// fetches, not on the task that drives the one writer.
    preparer: crate::index::Preparer,
}

/// What one source task brings back to the writer.
enum Fetch {
    Items {
        items: Vec<Prepared>,
        validators: Validators,
        warning: Option<String>,
        attempts: u32,
    },
    NotModified {
        validators: Validators,
        attempts: u32,
    },
    Failed {
        error: String,
        /// A wait the server asked for (Retry-After), beyond this run.
        not_before: Option<Duration>,
        attempts: u32,
    },
    /// Shutdown came first.
    Stopped,
}

/// State updates and item counts since the last commit.
struct Batch {
    updates: Vec<(String, SourceState)>,
    items: usize,
    since: Instant,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            updates: Vec::new(),
            items: 0,
            since: Instant::now(),
        }
    }

    fn due(&self) -> bool {
        self.items >= COMMIT_ITEMS || (self.items > 0 && self.since.elapsed() >= COMMIT_INTERVAL)
    }

    /// Commits the index, then (and only then) saves the state that
    /// describes it.
    fn commit(
        &mut self,
        writer: &mut IndexWriter<'_>,
        state: &mut StateFile,
    ) -> Result<(), CrawlError> {
        writer.commit()?;
        if !self.updates.is_empty() {
            state.save(self.updates.drain(..))?;
        }
        self.items = 0;
        self.since = Instant::now();
        Ok(())
    }
}

/// Fetches (with retries) and parses one source. Never fails: a failure is
/// a `Fetch::Failed` value.
async fn run_source(sh: Arc<Shared>, source: Source, validators: Validators) -> Fetch {
    let mut attempts = 0u32;
    let outcome = loop {
        let result = match &source.location {
            Location::Path(p) => fetch::read_path(p, &validators, sh.policy.max_body),
            Location::Url(url) => {
                let Ok(permit) = sh.limiter.acquire(&limiter::host_key(url)).await else {
                    return Fetch::Stopped;
                };
                attempts += 1;
                sh.progress.request_started();
                let r = fetch::fetch_url(
                    &sh.client,
                    &sh.policy,
                    url,
                    accept(source.kind),
                    &validators,
                    source.kind == SourceKind::Osv,
                    sh.now,
                )
                .await;
                sh.progress.request_finished();
                drop(permit);
                r
            }
        };
        let err = match result {
            Ok(outcome) => break Ok(outcome),
            Err(e) => e,
        };
        match sh.retry.decide(attempts.max(1), &err) {
            Decision::Retry(delay) => tokio::time::sleep(delay).await,
            Decision::GiveUp { not_before } => break Err((err, not_before)),
        }
    };
    match outcome {
        Ok(Outcome::NotModified(validators)) => Fetch::NotModified {
            validators,
            attempts,
        },
        Ok(Outcome::Fetched(f)) if source.kind == SourceKind::Go => {
            let list_url = source.location_display();
            goproxy::list_with_times(sh.clone(), &source, &list_url, f, attempts).await
        }
        Ok(Outcome::Fetched(f)) => {
            let ctx = ParseContext::for_source(&source, f.final_url.clone());
            let kind = source.kind;
            let inline =
                matches!(&f.body, outcome::Body::Memory(b) if b.len() <= INLINE_PARSE_BYTES);
            let preparer = sh.preparer.clone();
            let work = move || {
                let parsed = parse::parse_body(kind, &ctx, &f.body).map_err(|e| e.to_string())?;
                let items = parsed
                    .items
                    .iter()
                    .map(|item| preparer.prepare(item))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>((items, parsed.warning, f.validators))
            };
            let parsed = if inline {
                Ok(work())
            } else {
                let Ok(_parser) = sh.parsers.acquire().await else {
                    return Fetch::Stopped;
                };
                tokio::task::spawn_blocking(work).await
            };
            match parsed {
                Ok(Ok((items, warning, validators))) => Fetch::Items {
                    items,
                    validators,
                    warning,
                    attempts,
                },
                Ok(Err(error)) => Fetch::Failed {
                    error,
                    not_before: None,
                    attempts,
                },
                Err(e) => Fetch::Failed {
                    error: format!("the parser crashed on this source: {e}"),
                    not_before: None,
                    attempts,
                },
            }
        }
        Err((err, not_before)) => Fetch::Failed {
            error: describe_failure(&err, attempts, not_before),
            not_before,
            attempts,
        },
    }
}

/// Upserts a source's items and works out its report row and new state.
/// `None` state means "leave it as it was" (the source was stopped).
fn record(
    source: &Source,
    prior: &SourceState,
    result: Fetch,
    writer: &mut IndexWriter<'_>,
    batch: &mut Batch,
    now: DateTime<Utc>,
    backoff_base: Duration,
) -> Result<(SourceReport, Option<SourceState>), CrawlError> {
    let location = source.location_display();
    let mut report = SourceReport::new(&source.name, &location, Status::Fetched);
    let update = match result {
        Fetch::Items {
            items,
            validators,
            warning,
            attempts,
        } => {
            batch.items += items.len();
            for item in items {
                // An advisory met again in another database keeps its
                // newest `modified` copy; other items are plain upserts.
                match writer.upsert_newest_prepared(item)? {
                    Upsert::New => report.items_new += 1,
                    Upsert::Updated => report.items_updated += 1,
                    Upsert::Unchanged => report.items_unchanged += 1,
                }
            }
            report.attempts = attempts;
            report.warning = warning;
            Some(prior.succeeded(&location, validators, now))
        }
        Fetch::NotModified {
            validators,
            attempts,
        } => {
            report.status = Status::NotModified;
            report.attempts = attempts;
            Some(prior.succeeded(&location, validators, now))
        }
        Fetch::Failed {
            error,
            not_before,
            attempts,
        } => {
            let not_before =
                not_before.and_then(|d| chrono::Duration::from_std(d).ok().map(|d| now + d));
            let next = prior.failed(&location, &error, now, backoff_base, not_before);
            report.status = Status::Failed;
            report.attempts = attempts;
            report.consecutive_failures = next.consecutive_failures;
            report.next_attempt = next.next_attempt;
            report.error = Some(error);
            Some(next)
        }
        Fetch::Stopped => return Ok((stopped_report(source), None)),
    };
    Ok((report, update))
}

fn backing_off_report(source: &Source, prior: &SourceState, until: DateTime<Utc>) -> SourceReport {
    let mut r = SourceReport::new(&source.name, &source.location_display(), Status::BackingOff);
    r.consecutive_failures = prior.consecutive_failures;
    r.next_attempt = Some(until);
    r.error = Some(format!(
        "{} failed run(s) in a row, last: {}; next attempt after {}",
        prior.consecutive_failures,
        prior.last_error.as_deref().unwrap_or("unknown error"),
        until.format("%Y-%m-%d %H:%M UTC")
    ));
    r
}

fn stopped_report(source: &Source) -> SourceReport {
    let mut r = SourceReport::new(&source.name, &source.location_display(), Status::Failed);
    r.error = Some("crawl stopped before this source finished; the next run fetches it".into());
    r
}

fn describe_failure(err: &FetchError, attempts: u32, not_before: Option<Duration>) -> String {
    let mut s = err.to_string();
    if let Some(wait) = not_before {
        s.push_str(&format!(
            "; the server asked to wait {} s, so it is left alone until then",
            wait.as_secs()
        ));
    } else if !err.is_transient() {
        s.push_str(" (not retried)");
    } else if attempts > 1 {
        s.push_str(&format!(" (after {attempts} attempts)"));
    }
    s
}

/// What to ask the server for, by source kind.
fn accept(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Feed => {
            "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
        }
        SourceKind::Html => "text/html, application/xhtml+xml;q=0.9, */*;q=0.8",
        // The full packument: the abbreviated one has no publish times.
        SourceKind::Npm
        | SourceKind::Eol
        | SourceKind::Rubygems
        | SourceKind::Packagist
        | SourceKind::Nuget
        | SourceKind::Hex
        | SourceKind::Pub
        | SourceKind::PypiJson => "application/json",
        // One JSON object per line.
        SourceKind::CratesIndex => "text/plain, application/json;q=0.9, */*;q=0.8",
        SourceKind::Maven => "application/xml, text/xml;q=0.9, */*;q=0.8",
        SourceKind::Go => "text/plain, */*;q=0.8",
        SourceKind::Osv => "application/json, application/zip;q=0.9, */*;q=0.8",
        SourceKind::Rustsec => "*/*",
    }
}
