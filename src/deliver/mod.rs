//! Delivering a week's digest to the `[[deliver]]` targets of radar.toml:
//! mail (`mail`, with the radar as a PNG from `png`), chat (`chat`, from a
//! short `summary`), and which week went where (`state`).
//!
//! Owns sending and the delivery state file only. It reads the digest
//! through `digest::collect` and renders it with `digest::render`; it never
//! changes what a digest says. A failing target is retried with backoff and
//! reported; the others are still delivered. No error or log line carries a
//! credential or a webhook URL.

pub mod chat;
pub mod mail;
pub mod png;
pub mod state;
pub mod summary;

pub use mail::SmtpCredentials;
pub use state::DeliverState;
pub use summary::Summary;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

use crate::config::{DeliverKind, DeliverTarget, RadarConfig};
use crate::digest::{self, DigestInput, Format, IsoWeek};
use crate::settings::Settings;

/// Why delivery could not start (per-target failures are in the report).
#[derive(Debug, Error)]
pub enum DeliverError {
    #[error("{path}: cannot read the delivery state: {source}")]
    StateRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: the delivery state is not valid ({error}); delete it to start over (every target then gets this week again)"
    )]
    StateCorrupt { path: PathBuf, error: String },
    #[error(transparent)]
    StateWrite(#[from] crate::atomic::WriteError),
    #[error("SMTP credentials: {0}")]
    Credentials(String),
    #[error(transparent)]
    Collect(#[from] digest::CollectError),
}

/// Why one attempt at one target failed.
#[derive(Debug, Error)]
pub enum SendError {
    #[error("{0}")]
    Http(String),
    /// `detail` is empty or starts with ": ".
    #[error("the server answered HTTP {status}{detail}")]
    Status { status: u16, detail: String },
    #[error("{message}")]
    Smtp { message: String, permanent: bool },
    #[error("{0}")]
    Address(String),
    #[error("{0}")]
    Encode(String),
    #[error(transparent)]
    Png(#[from] png::PngError),
}

impl SendError {
    /// A reqwest error (already without its URL) and its causes on one line.
    fn from_reqwest(e: reqwest::Error) -> SendError {
        SendError::Http(chain(&e))
    }

    fn smtp(e: &lettre::transport::smtp::Error) -> SendError {
        SendError::Smtp {
            message: chain(e),
            permanent: e.is_permanent(),
        }
    }

    /// Worth another attempt: the network, a timeout, a busy server.
    fn transient(&self) -> bool {
        match self {
            SendError::Http(_) => true,
            SendError::Status { status, .. } => *status == 429 || *status >= 500,
            SendError::Smtp { permanent, .. } => !permanent,
            SendError::Address(_) | SendError::Encode(_) | SendError::Png(_) => false,
        }
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    crate::terminal::clean(&parts.join(": "))
}

/// What happened at one target.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    Sent {
        attempts: u32,
    },
    /// Already delivered (at that time); `--force` sends again.
    Skipped {
        delivered: DateTime<Utc>,
    },
    Failed {
        attempts: u32,
        error: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub name: String,
    pub kind: &'static str,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliverReport {
    pub week: String,
    pub targets: Vec<TargetReport>,
}

impl DeliverReport {
    pub fn failed(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets
            .iter()
            .filter(|t| matches!(t.outcome, Outcome::Failed { .. }))
    }

    /// One line per target, for stdout and logs.
    pub fn lines(&self) -> Vec<String> {
        self.targets
            .iter()
            .map(|t| {
                let who = format!("{} ({})", t.name, t.kind);
                match &t.outcome {
                    Outcome::Sent { .. } => format!("delivered {} to {who}", self.week),
                    Outcome::Skipped { delivered } => format!(
                        "skipped {who}: {} was delivered on {}; --force sends it again",
                        self.week,
                        delivered.format("%Y-%m-%d %H:%M UTC")
                    ),
                    Outcome::Failed { attempts, error } => format!(
                        "delivery to {who} failed after {attempts} attempt{}: {error}",
                        if *attempts == 1 { "" } else { "s" }
                    ),
                }
            })
            .map(|l| crate::terminal::clean(&l))
            .collect()
    }
}

/// What every target is sent, rendered once.
pub struct Payload<'a> {
    pub input: &'a DigestInput,
    pub markdown: String,
    pub site_url: Option<String>,
    pub smtp: Option<SmtpCredentials>,
    /// The mail's Date and the state's timestamps.
    pub now: DateTime<Utc>,
}

/// Collects `week`'s digest and delivers it to every `[[deliver]]` of
/// `cfg`, skipping targets that already have it unless `force`. The state
/// lives beside the index. `radar digest --send` and the schedule call this.
pub async fn send_week(
    settings: &Settings,
    cfg: &RadarConfig,
    week: IsoWeek,
    force: bool,
    smtp: Option<SmtpCredentials>,
) -> Result<DeliverReport, DeliverError> {
    let input = digest::collect(settings, week)?;
    let payload = Payload {
        markdown: digest::render(&input, Format::Markdown),
        input: &input,
        site_url: cfg.site.url.clone(),
        smtp,
        now: settings.now,
    };
    let dir = settings.index_path_in(cfg);
    deliver_all(&cfg.deliver, &payload, &dir, force).await
}

/// Delivers `payload` to each target in turn, recording each success in
/// the state in `state_dir` as it happens.
pub async fn deliver_all(
    targets: &[DeliverTarget],
    payload: &Payload<'_>,
    state_dir: &Path,
    force: bool,
) -> Result<DeliverReport, DeliverError> {
    let week = payload.input.week.to_string();
    let mut state = DeliverState::load(state_dir)?;
    let mut reports = Vec::with_capacity(targets.len());
    for target in targets {
        let outcome = match state.delivered(target, &week) {
            Some(delivered) if !force => Outcome::Skipped { delivered },
            _ => {
                let outcome = with_retries(target, || send_one(target, payload)).await;
                if matches!(outcome, Outcome::Sent { .. }) {
                    state.record(target, &week, payload.now)?;
                }
                outcome
            }
        };
        reports.push(TargetReport {
            name: target.name.clone(),
            kind: target.kind.label(),
            outcome,
        });
    }
    Ok(DeliverReport {
        week,
        targets: reports,
    })
}

/// Attempts once, then up to `retries` more times while the failure may
/// pass, waiting `retry_base_ms`, then twice that, and so on.
async fn with_retries<F, Fut>(target: &DeliverTarget, mut attempt: F) -> Outcome
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), SendError>>,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt().await {
            Ok(()) => return Outcome::Sent { attempts },
            Err(e) if e.transient() && attempts <= target.retries => {
                let wait = target
                    .retry_base_ms
                    .saturating_mul(1u64 << (attempts - 1).min(16));
                tracing::warn!(
                    "delivery to {} failed (attempt {attempts}): {e}; retrying in {wait} ms",
                    target.name
                );
                tokio::time::sleep(Duration::from_millis(wait)).await;
            }
            Err(e) => {
                return Outcome::Failed {
                    attempts,
                    error: e.to_string(),
                };
            }
        }
    }
}

async fn send_one(target: &DeliverTarget, p: &Payload<'_>) -> Result<(), SendError> {
    let timeout = Duration::from_secs(target.timeout_secs);
    let summary = || Summary::of(p.input, p.site_url.as_deref());
    match &target.kind {
        DeliverKind::Email { smtp, from, to } => {
            let picture = png::render(&digest::svg::render(&p.input.radar))?;
            let message = mail::message(from, to, p.input, p.markdown.clone(), picture, p.now)?;
            mail::send(smtp, p.smtp.as_ref(), timeout, message).await
        }
        DeliverKind::Slack { url } => chat::post(url, &chat::slack(&summary()), timeout).await,
        DeliverKind::Teams { url } => chat::post(url, &chat::teams(&summary()), timeout).await,
        DeliverKind::Mattermost { url } => {
            chat::post(url, &chat::mattermost(&summary()), timeout).await
        }
        DeliverKind::Webhook { url } => chat::post(url, &chat::webhook(p.input)?, timeout).await,
    }
}
