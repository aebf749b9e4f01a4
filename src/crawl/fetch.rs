//! HTTP (and local file) fetching for one attempt of one source.
//!
//! Owns everything between a URL and the bytes of its body: the HTTP client,
//! conditional GET (If-None-Match / If-Modified-Since), redirects (at most
//! [`MAX_REDIRECTS`], http and https only, loops named), the total timeout of
//! an attempt, and the body cap on the wire while streaming. Content-Encoding
//! is undone by `decode` under the same cap (not by reqwest, so both sizes
//! are known). Each failure is a [`FetchError`] that knows whether it is
//! worth retrying.
//!
//! Does not retry, sleep, limit concurrency or parse: the pool does that.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

use super::decode;
use super::guard::{AddressGuard, GuardedResolver, Refused};
use super::outcome::{Body, FetchError, MAX_REDIRECTS};
use super::state::Validators;
use crate::config::CrawlSettings;

const MIB: u64 = 1024 * 1024;

/// What one attempt may do, from `[crawl]`.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub connect_timeout: Duration,
    /// Whole attempt: connect, redirects, headers and body.
    pub timeout: Duration,
    /// Body cap in bytes, on the wire and after decoding.
    pub max_body: u64,
    pub user_agent: String,
    /// Which private addresses may be reached (`[crawl] allow_private`).
    pub guard: std::sync::Arc<AddressGuard>,
}

impl FetchPolicy {
    pub fn from_settings(s: &CrawlSettings) -> Result<FetchPolicy, super::guard::BadAllowEntry> {
        Ok(FetchPolicy {
            connect_timeout: Duration::from_secs(s.connect_timeout_secs),
            timeout: Duration::from_secs(s.timeout_secs),
            max_body: s.max_body_mib.saturating_mul(MIB),
            user_agent: s.user_agent.clone(),
            guard: std::sync::Arc::new(AddressGuard::new(&s.allow_private)?),
        })
    }

    pub(super) fn cap_mib(&self) -> u64 {
        self.max_body / MIB
    }
}

#[derive(Debug)]
pub struct Fetched {
    pub body: Body,
    /// Where the body came from after redirects: the base for relative links.
    pub final_url: Option<String>,
    pub validators: Validators,
}

#[derive(Debug)]
pub enum Outcome {
    Fetched(Fetched),
    /// 304, or a local file with the same size and mtime.
    NotModified(Validators),
}

/// The shared client: no automatic redirects (we follow them ourselves, to
/// check each hop), no automatic decompression (we decode under the cap),
/// and names resolved through the private-address guard.
pub fn client(policy: &FetchPolicy) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(&policy.user_agent)
        .dns_resolver(GuardedResolver(policy.guard.clone()))
        // A proxy would resolve names for us, past the guard.
        .no_proxy()
        .connect_timeout(policy.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .pool_max_idle_per_host(8)
        .build()
}

/// One attempt at fetching `url`, bounded by the policy's total timeout.
/// `to_file` streams the body to a temp file instead of memory.
pub async fn fetch_url(
    client: &reqwest::Client,
    policy: &FetchPolicy,
    url: &str,
    accept: &str,
    validators: &Validators,
    to_file: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, FetchError> {
    let attempt = fetch_url_untimed(client, policy, url, accept, validators, to_file, now);
    match tokio::time::timeout(policy.timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(FetchError::Timeout {
            url: url.to_string(),
            secs: policy.timeout.as_secs(),
        }),
    }
}

async fn fetch_url_untimed(
    client: &reqwest::Client,
    policy: &FetchPolicy,
    start: &str,
    accept: &str,
    validators: &Validators,
    to_file: bool,
    now: DateTime<Utc>,
) -> Result<Outcome, FetchError> {
    let mut url = parse_http_url(start)?;
    let configured = url.clone();
    let mut chain = vec![url.to_string()];
    let headers = request_headers(accept, validators);
    let resp = loop {
        // Before connecting, on the first hop and every redirect.
        policy
            .guard
            .check_hop(&url, &configured, chain.len() > 1)
            .map_err(|r| private(start, r))?;
        let resp = client
            .get(url.clone())
            .headers(headers.clone())
            .send()
            .await
            .map_err(|e| transport_error(start, &e))?;
        let status = resp.status();
        if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
            break resp;
        }
        let target = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|loc| url.join(loc.trim()).ok())
            .ok_or_else(|| FetchError::BadRedirect {
                url: start.to_string(),
                status: status.as_u16(),
            })?;
        if !matches!(target.scheme(), "http" | "https") {
            return Err(FetchError::RedirectScheme {
                url: start.to_string(),
                target: target.to_string(),
            });
        }
        let looped = chain.contains(&target.to_string());
        chain.push(target.to_string());
        if looped {
            return Err(FetchError::RedirectLoop {
                url: start.to_string(),
                chain: chain.join(" -> "),
            });
        }
        if chain.len() > MAX_REDIRECTS + 1 {
            return Err(FetchError::TooManyRedirects {
                url: start.to_string(),
                chain: chain.join(" -> "),
            });
        }
        url = target;
    };
    let status = resp.status();
    let got = response_validators(resp.headers());
    if status == StatusCode::NOT_MODIFIED {
        // A 304 may refresh the validators; where it omits one, ours stands.
        return Ok(Outcome::NotModified(Validators {
            etag: got.etag.or_else(|| validators.etag.clone()),
            last_modified: got
                .last_modified
                .or_else(|| validators.last_modified.clone()),
        }));
    }
    if !status.is_success() {
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now));
        return Err(FetchError::Status {
            url: start.to_string(),
            status: status.as_u16(),
            reason: status
                .canonical_reason()
                .map(|r| format!(" {r}"))
                .unwrap_or_default(),
            retry_after,
        });
    }
    let encodings = content_encodings(resp.headers());
    let final_url = resp.url().to_string();
    let (body, wire) = read_body(resp, start, policy, to_file).await?;
    let body = if encodings.is_empty() {
        body
    } else {
        let (url, cap, cap_mib) = (start.to_string(), policy.max_body, policy.cap_mib());
        tokio::task::spawn_blocking(move || {
            decode::decode_body(body, &encodings, cap, cap_mib, wire, &url)
        })
        .await
        .map_err(|e| FetchError::Decode {
            url: start.to_string(),
            encoding: "content".into(),
            detail: e.to_string(),
        })??
    };
    Ok(Outcome::Fetched(Fetched {
        body,
        final_url: Some(final_url),
        validators: got,
    }))
}

fn private(url: &str, refused: Refused) -> FetchError {
    FetchError::Private {
        url: url.to_string(),
        refused,
    }
}

fn parse_http_url(url: &str) -> Result<url::Url, FetchError> {
    let parsed = url::Url::parse(url).map_err(|e| FetchError::BadUrl {
        url: url.to_string(),
        detail: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl {
            url: url.to_string(),
            detail: format!("scheme {:?}", parsed.scheme()),
        });
    }
    Ok(parsed)
}

fn request_headers(accept: &str, validators: &Validators) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(accept) {
        h.insert(header::ACCEPT, v);
    }
    h.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("gzip, deflate, br"),
    );
    // Validators come from an earlier response; one that is no longer a
    // valid header value is simply not sent.
    if let Some(v) = validators
        .etag
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_NONE_MATCH, v);
    }
    if let Some(v) = validators
        .last_modified
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_MODIFIED_SINCE, v);
    }
    h
}

fn response_validators(h: &HeaderMap) -> Validators {
    let get = |name| {
        h.get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Validators {
        etag: get(header::ETAG),
        last_modified: get(header::LAST_MODIFIED),
    }
}

/// `Retry-After` as seconds or an HTTP date (relative to `now`).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// Content-Encoding tokens in the order they were applied; identity dropped.
fn content_encodings(h: &HeaderMap) -> Vec<String> {
    h.get_all(header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty() && t != "identity")
        .collect()
}

/// Streams the body, refusing it as soon as it passes the cap (or at once
/// when Content-Length already says so).
async fn read_body(
    mut resp: reqwest::Response,
    url: &str,
    policy: &FetchPolicy,
    to_file: bool,
) -> Result<(Body, u64), FetchError> {
    let too_large = |declared: String| FetchError::TooLarge {
        url: url.to_string(),
        cap_mib: policy.cap_mib(),
        declared,
    };
    if let Some(len) = resp.content_length()
        && len > policy.max_body
    {
        return Err(too_large(format!(" (Content-Length {len} bytes)")));
    }
    let temp_err = |cause| FetchError::TempFile {
        url: url.to_string(),
        cause,
    };
    let mut file = None;
    // Sized from Content-Length (already checked against the cap) so a
    // body is not copied as it grows.
    let mut memory = match (to_file, resp.content_length()) {
        (false, Some(len)) => Vec::with_capacity(len as usize),
        _ => Vec::new(),
    };
    let mut tmp = None;
    if to_file {
        let t = tempfile::NamedTempFile::new().map_err(temp_err)?;
        let f = t.reopen().map_err(temp_err)?;
        file = Some(tokio::fs::File::from_std(f));
        tmp = Some(t);
    }
    let mut total: u64 = 0;
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(url, &e))? {
        total += chunk.len() as u64;
        if total > policy.max_body {
            return Err(too_large(String::new()));
        }
        match file.as_mut() {
            Some(f) => f.write_all(&chunk).await.map_err(temp_err)?,
            None => memory.extend_from_slice(&chunk),
        }
    }
    match (file, tmp) {
        (Some(mut f), Some(t)) => {
            f.flush().await.map_err(temp_err)?;
            Ok((Body::File(t), total))
        }
        _ => Ok((Body::Memory(memory), total)),
    }
}

/// Reads a local file source. Its size and mtime stand in for an ETag, so
/// an unchanged file costs no parse and no index write, like a 304.
pub fn read_path(
    path: &Path,
    validators: &Validators,
    max_body: u64,
) -> Result<Outcome, FetchError> {
    let err = |cause| FetchError::ReadFile {
        path: path.to_path_buf(),
        cause,
    };
    let meta = std::fs::metadata(path).map_err(err)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let stamp = format!("file:{}:{mtime}", meta.len());
    let v = Validators {
        etag: Some(stamp),
        last_modified: None,
    };
    if validators.etag == v.etag {
        return Ok(Outcome::NotModified(v));
    }
    if meta.len() > max_body {
        return Err(FetchError::TooLarge {
            url: path.display().to_string(),
            cap_mib: max_body / MIB,
            declared: format!(" ({} bytes)", meta.len()),
        });
    }
    Ok(Outcome::Fetched(Fetched {
        body: Body::Local(path.to_path_buf()),
        final_url: None,
        validators: v,
    }))
}

/// Names a reqwest failure by its innermost cause ("Connection reset by
/// peer"), which says more than reqwest's "error sending request" and
/// hyper's wrappers around it.
fn transport_error(url: &str, e: &reqwest::Error) -> FetchError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // The resolver refused every answer: not a network fault, so not
        // worth a retry.
        if let Some(r) = s.downcast_ref::<Refused>() {
            return private(url, r.clone());
        }
        let text = s.to_string();
        if !text.is_empty() {
            detail = text;
        }
        source = s.source();
    }
    let url = url.to_string();
    if e.is_connect() {
        FetchError::Connect { url, detail }
    } else if e.is_builder() {
        FetchError::BadUrl { url, detail }
    } else {
        FetchError::Transport { url, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = t("2015-10-21T07:28:00Z");
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn transient_and_permanent_are_told_apart() {
        let status = |s| FetchError::Status {
            url: "u".into(),
            status: s,
            reason: String::new(),
            retry_after: None,
        };
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(status(s).is_transient(), "{s}");
        }
        for s in [400, 401, 403, 404, 410, 451] {
            assert!(!status(s).is_transient(), "{s}");
        }
        assert!(
            FetchError::Timeout {
                url: "u".into(),
                secs: 1
            }
            .is_transient()
        );
        assert!(
            !FetchError::RedirectLoop {
                url: "u".into(),
                chain: String::new()
            }
            .is_transient()
        );
    }

    #[test]
    fn unchanged_local_file_is_not_modified() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.xml");
        std::fs::write(&p, b"<rss/>").unwrap();
        let first = match read_path(&p, &Validators::default(), 1 << 20).unwrap() {
            Outcome::Fetched(f) => f.validators,
            other => panic!("{other:?}"),
        };
        assert!(matches!(
            read_path(&p, &first, 1 << 20).unwrap(),
            Outcome::NotModified(_)
        ));
        assert!(matches!(
            read_path(&p, &Validators::default(), 3),
            Err(FetchError::TooLarge { .. })
        ));
        assert!(matches!(
            read_path(&dir.path().join("missing"), &first, 10),
            Err(FetchError::ReadFile { .. })
        ));
    }
}
