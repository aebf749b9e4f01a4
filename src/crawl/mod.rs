//! Crawling: fetch every source with bounded concurrency, parse, upsert.
//!
//! Owns the HTTP client and the fetch pool. Parsing is delegated to
//! `sources`, storage to `index`; this module only decides what to fetch,
//! when, and how a failure is reported. One failing source never aborts the
//! crawl: it becomes a `Failed` row in the report.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::Serialize;
use std::time::Duration;
use thiserror::Error;

use crate::config::{CrawlSettings, Location, Source};
use crate::index::{IndexError, IndexWriter, Upsert};
use crate::sources::{self, ParseContext};

#[derive(Debug, Error)]
pub enum CrawlError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// How one source fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Fetched,
    NotModified,
    Failed,
    BackingOff,
}

/// `--json` shape for `crawl` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub name: String,
    pub url: String,
    pub status: Status,
    pub items_new: usize,
    pub items_updated: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub fetched: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub items_new: usize,
    pub items_updated: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CrawlReport {
    pub sources: Vec<SourceReport>,
    pub totals: Totals,
}

impl CrawlReport {
    pub fn from_sources(sources: Vec<SourceReport>) -> CrawlReport {
        let mut t = Totals::default();
        for s in &sources {
            match s.status {
                Status::Fetched => t.fetched += 1,
                Status::NotModified => t.not_modified += 1,
                Status::Failed => t.failed += 1,
                Status::BackingOff => {}
            }
            t.items_new += s.items_new;
            t.items_updated += s.items_updated;
        }
        CrawlReport { sources, totals: t }
    }

    pub fn any_failed(&self) -> bool {
        self.totals.failed > 0
    }
}

/// Fetches and indexes every source. Items are committed once per crawl
/// after all fetches finish.
pub async fn crawl(
    settings: &CrawlSettings,
    sources: &[Source],
    writer: &mut IndexWriter<'_>,
    _now: DateTime<Utc>,
) -> Result<CrawlReport, CrawlError> {
    let client = reqwest::Client::builder()
        .user_agent(&settings.user_agent)
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .timeout(Duration::from_secs(settings.timeout_secs))
        .build()
        .map_err(|e| CrawlError::Client(e.to_string()))?;
    let fetched: Vec<(usize, FetchResult)> = futures_util::stream::iter(sources.iter().enumerate())
        .map(|(n, s)| {
            let client = client.clone();
            async move { (n, fetch(&client, s).await) }
        })
        .buffer_unordered(settings.concurrency.max(1))
        .collect()
        .await;
    let mut fetched = fetched;
    fetched.sort_by_key(|(n, _)| *n);
    let mut reports = Vec::with_capacity(sources.len());
    for (n, result) in fetched {
        let source = &sources[n];
        let mut report = SourceReport {
            name: source.name.clone(),
            url: source.location_display(),
            status: Status::Failed,
            items_new: 0,
            items_updated: 0,
            error: None,
        };
        match result.and_then(|(bytes, base)| {
            sources::parse(source.kind, &ParseContext::for_source(source, base), &bytes)
                .map_err(|e| e.to_string())
        }) {
            Ok(items) => {
                report.status = Status::Fetched;
                for item in &items {
                    match writer.upsert(item)? {
                        Upsert::New => report.items_new += 1,
                        Upsert::Updated => report.items_updated += 1,
                        Upsert::Unchanged => {}
                    }
                }
            }
            Err(e) => report.error = Some(e),
        }
        reports.push(report);
    }
    writer.commit()?;
    Ok(CrawlReport::from_sources(reports))
}

/// The body and the final URL (for resolving relative links), or why not.
type FetchResult = Result<(Vec<u8>, Option<String>), String>;

async fn fetch(client: &reqwest::Client, source: &Source) -> FetchResult {
    match &source.location {
        Location::Path(p) => tokio::fs::read(p)
            .await
            .map(|b| (b, None))
            .map_err(|e| format!("cannot read {}: {e}", p.display())),
        Location::Url(u) => {
            let resp = client.get(u).send().await.map_err(|e| e.to_string())?;
            let status = resp.status();
            if !status.is_success() {
                return Err(format!("HTTP {status}"));
            }
            let final_url = resp.url().to_string();
            let body = resp.bytes().await.map_err(|e| e.to_string())?;
            Ok((body.to_vec(), Some(final_url)))
        }
    }
}
