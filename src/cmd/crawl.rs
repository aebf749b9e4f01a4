//! `radar crawl`: wires config, index writer and the crawl library, then
//! prints the summary (human or `--json`) and picks the exit code.

use anyhow::{Context as _, Result, bail};
use serde::Serialize;

use super::print_json;
use crate::cli::CrawlArgs;
use crate::config::Source;
use crate::crawl::{CrawlReport, SourceReport, Status};
use crate::index::RadarIndex;
use crate::settings::Settings;
use crate::terminal::clean;

pub fn crawl(ctx: &Settings, args: &CrawlArgs) -> Result<u8> {
    let config = ctx.radar_config()?;
    let derived = crate::crawl::derive::derived_sources(&config)?;
    let configured = config.sources.len();
    let mut sources = config.sources.clone();
    sources.extend(derived);
    if !args.sources.is_empty() {
        for name in &args.sources {
            if !sources.iter().any(|s| &s.name == name) {
                let known: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
                bail!(
                    "--source {name:?} is neither in radar.toml nor derived from the stack; sources are: {}",
                    known.join(", ")
                );
            }
        }
    }
    let selected: Vec<(bool, Source)> = sources
        .into_iter()
        .enumerate()
        .map(|(i, s)| (i >= configured, s))
        .filter(|(_, s)| args.sources.is_empty() || args.sources.contains(&s.name))
        .collect();
    if args.dry_run {
        return dry_run(&selected, args.json);
    }
    let sources: Vec<Source> = selected.into_iter().map(|(_, s)| s).collect();
    let index_path = ctx.index_path_in(&config);
    let index = RadarIndex::open_or_create(&index_path)?;
    let mut writer = super::writer(ctx, &index)?;
    let progress = super::progress(ctx, args.json);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = runtime.block_on(crate::crawl::crawl_until(
        &config.crawl,
        &sources,
        &mut writer,
        &index_path,
        ctx.now,
        progress,
        ctrl_c(),
    ))?;
    drop(writer);
    if args.json {
        print_json(&report)?;
    } else {
        print_summary(&report, ctx.quiet)?;
    }
    Ok(if report.any_failed() { 1 } else { 0 })
}

/// One source a crawl would fetch: the `crawl --dry-run --json` row.
#[derive(Serialize)]
struct PlannedSource<'a> {
    name: &'a str,
    kind: &'static str,
    url: String,
    package: Option<&'a str>,
    /// `configured` (a `[[source]]`) or `derived` (from the stack).
    origin: &'static str,
}

#[derive(Serialize)]
struct Plan<'a> {
    sources: Vec<PlannedSource<'a>>,
}

fn dry_run(sources: &[(bool, Source)], json: bool) -> Result<u8> {
    let plan = Plan {
        sources: sources
            .iter()
            .map(|(derived, s)| PlannedSource {
                name: &s.name,
                kind: s.kind.as_str(),
                url: s.location_display(),
                package: s.package.as_deref(),
                origin: if *derived { "derived" } else { "configured" },
            })
            .collect(),
    };
    if json {
        print_json(&plan)?;
        return Ok(0);
    }
    let width = plan.sources.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in &plan.sources {
        outln!(
            "{:<width$}  {:<9}  {:<10}  {}",
            clean(s.name),
            s.kind,
            s.origin,
            clean(&s.url)
        );
    }
    let derived = sources.iter().filter(|(d, _)| *d).count();
    outln!(
        "{} sources ({} configured, {derived} derived from the stack); nothing fetched",
        sources.len(),
        sources.len() - derived
    );
    Ok(0)
}

/// Completes on the first Ctrl-C; never, if the signal cannot be watched.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Sources with changes listed before the rest are only counted.
const MAX_CHANGED_LINES: usize = 20;

/// One line per source worth a look (failures, backoff, repairs, and up to
/// [`MAX_CHANGED_LINES`] with new items), then the totals. Unchanged sources
/// are only counted, so a crawl of a thousand feeds prints what matters.
/// `-q` keeps failures and totals.
pub fn print_summary(report: &CrawlReport, quiet: bool) -> Result<()> {
    let mut changed = 0;
    for s in &report.sources {
        let Some(line) = source_line(s, quiet) else {
            continue;
        };
        if s.status == Status::Fetched && s.warning.is_none() {
            changed += 1;
            if changed > MAX_CHANGED_LINES {
                continue;
            }
        }
        outln!("{}", clean(&line));
    }
    if changed > MAX_CHANGED_LINES {
        outln!(
            "…and {} more sources with new or updated items (--json lists every source)",
            changed - MAX_CHANGED_LINES
        );
    }
    let mut totals = report.totals_line();
    if report.interrupted {
        totals.push_str(" (interrupted: finished sources were saved)");
    }
    outln!("{totals}");
    Ok(())
}

fn source_line(s: &SourceReport, quiet: bool) -> Option<String> {
    let error = s.error.as_deref().unwrap_or("");
    match s.status {
        Status::Failed => {
            let next = s
                .next_attempt
                .map(|t| format!("; next attempt after {}", t.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default();
            Some(format!("FAILED       {}: {error}{next}", s.name))
        }
        Status::BackingOff => Some(format!("backing off  {}: {error}", s.name)),
        _ if quiet => None,
        Status::Fetched if s.warning.is_some() => Some(format!(
            "fetched      {} ({} new, {} updated): warning: {}",
            s.name,
            s.items_new,
            s.items_updated,
            s.warning.as_deref().unwrap_or("")
        )),
        Status::Fetched if s.items_new + s.items_updated > 0 => Some(format!(
            "fetched      {} ({} new, {} updated)",
            s.name, s.items_new, s.items_updated
        )),
        Status::Fetched | Status::NotModified => None,
    }
}
