//! What one fetch attempt gives back: a [`Body`], or a [`FetchError`] that
//! knows whether it is worth retrying. Shared by `fetch` (which makes
//! them), `decode` (which transforms bodies) and the parse step.

use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;

/// Redirects followed per attempt; the sixth is an error.
pub const MAX_REDIRECTS: usize = 5;

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("{url}: not an http(s) URL: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("{url}: cannot connect: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url}: no complete response within {secs} s (timeout_secs)")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: connection failed: {detail}")]
    Transport { url: String, detail: String },
    #[error("{url}: HTTP {status}{reason}")]
    Status {
        url: String,
        status: u16,
        reason: String,
        /// From `Retry-After`, for 429 and 503.
        retry_after: Option<Duration>,
    },
    #[error("{url}: more than {MAX_REDIRECTS} redirects: {chain}")]
    TooManyRedirects { url: String, chain: String },
    #[error("{url}: redirect loop: {chain}")]
    RedirectLoop { url: String, chain: String },
    #[error("{url}: redirect to {target:?} refused: only http and https redirects are followed")]
    RedirectScheme { url: String, target: String },
    #[error("{url}: {refused}")]
    Private {
        url: String,
        refused: super::guard::Refused,
    },
    #[error("{url}: HTTP {status} redirect without a usable Location header")]
    BadRedirect { url: String, status: u16 },
    #[error("{url}: body is over the {cap_mib} MiB cap (max_body_mib){declared}; not parsed")]
    TooLarge {
        url: String,
        cap_mib: u64,
        declared: String,
    },
    #[error(
        "{url}: {encoding} body inflates past the {cap_mib} MiB cap (max_body_mib) from {wire} bytes on the wire; not parsed"
    )]
    DecodedTooLarge {
        url: String,
        encoding: String,
        cap_mib: u64,
        wire: u64,
    },
    #[error("{url}: cannot decode the {encoding} body: {detail}")]
    Decode {
        url: String,
        encoding: String,
        detail: String,
    },
    #[error("{url}: unsupported Content-Encoding {encoding:?}")]
    Encoding { url: String, encoding: String },
    // The cause is part of the text (the crawl summary prints only the
    // text), so it is not also a `source()`.
    #[error("cannot read {path}: {cause}")]
    ReadFile {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{url}: cannot write a temporary file for the body: {cause}")]
    TempFile { url: String, cause: std::io::Error },
}

impl FetchError {
    /// Connect errors, timeouts, dropped connections, 5xx, 408 and 429 may
    /// succeed on a later attempt; everything else (404, 410, caps,
    /// redirects, bad input) will not.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Connect { .. }
            | FetchError::Timeout { .. }
            | FetchError::Transport { .. } => true,
            FetchError::Status { status, .. } => {
                *status == 408 || *status == 429 || (500..600).contains(status)
            }
            _ => false,
        }
    }

    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A body, in memory or (for big downloads such as OSV zips) in a temp file
/// that is deleted on drop, or a local file read in place.
#[derive(Debug)]
pub enum Body {
    Memory(Vec<u8>),
    File(tempfile::NamedTempFile),
    Local(PathBuf),
}
