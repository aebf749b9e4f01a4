//! The Go module proxy's two-step answer: `@v/list` names the versions,
//! and each version's `.info` says when it was published. After the list
//! is fetched and parsed, the `.info` of the newest [`DATED_VERSIONS`] is
//! fetched through the same client and per-host limiter, so a module with
//! hundreds of tags costs a handful of requests, not hundreds. A `.info`
//! that fails leaves its release undated and is named in the warning; the
//! list's items are still indexed.

use std::sync::Arc;

use super::fetch::{self, Fetched, Outcome};
use super::outcome::Body;
use super::{Fetch, Shared, limiter, parse};
use crate::config::Source;
use crate::sources::ParseContext;
use crate::sources::registry::go::parse_info;

/// Newest versions dated per crawl of a module.
pub const DATED_VERSIONS: usize = 10;

pub(super) async fn list_with_times(
    sh: Arc<Shared>,
    source: &Source,
    list_url: &str,
    f: Fetched,
    attempts: u32,
) -> Fetch {
    let ctx = ParseContext::for_source(source, f.final_url.clone());
    let mut parsed = match parse::parse_body(source.kind, &ctx, &f.body) {
        Ok(p) => p,
        Err(e) => {
            return Fetch::Failed {
                error: e.to_string(),
                not_before: None,
                attempts,
            };
        }
    };
    let base = list_url.strip_suffix("list").unwrap_or(list_url);
    let mut failures = Vec::new();
    for item in parsed.items.iter_mut().take(DATED_VERSIONS) {
        let Some(version) = item.title.rsplit(' ').next().map(str::to_string) else {
            continue;
        };
        let url = format!("{base}{version}.info");
        let Ok(permit) = sh.limiter.acquire(&limiter::host_key(&url)).await else {
            return Fetch::Stopped;
        };
        let got = fetch::fetch_url(
            &sh.client,
            &sh.policy,
            &url,
            "application/json",
            &Default::default(),
            false,
            sh.now,
        )
        .await;
        drop(permit);
        let dated = match got {
            Ok(Outcome::Fetched(Fetched {
                body: Body::Memory(bytes),
                ..
            })) => parse_info(&bytes).map_err(|e| e.to_string()),
            Ok(_) => Err("unexpected response".to_string()),
            Err(e) => Err(e.to_string()),
        };
        match dated {
            Ok((v, when)) if v == version => item.published = Some(when),
            Ok((v, _)) => failures.push(format!("{url}: names {v}, not {version}")),
            Err(e) => failures.push(e),
        }
    }
    let items = match parsed
        .items
        .iter()
        .map(|item| sh.preparer.prepare(item))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(items) => items,
        Err(e) => {
            return Fetch::Failed {
                error: e.to_string(),
                not_before: None,
                attempts,
            };
        }
    };
    let warning = failures.first().map(|first| {
        format!(
            "{} version .info document(s) not read, those releases stay undated (first: {first})",
            failures.len()
        )
    });
    Fetch::Items {
        items,
        validators: f.validators,
        warning: parsed.warning.or(warning),
        attempts,
    }
}
