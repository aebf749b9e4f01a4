//! `radar crawl`: wires config, index writer and the crawl library, then
//! prints the summary (human or `--json`) and picks the exit code.

use anyhow::{Context as _, Result, bail};

use super::print_json;
use crate::cli::CrawlArgs;
use crate::crawl::{CrawlReport, SourceReport, Status};
use crate::index::RadarIndex;
use crate::settings::Settings;
use crate::terminal::clean;

pub fn crawl(ctx: &Settings, args: &CrawlArgs) -> Result<u8> {
    let config = ctx.radar_config()?;
    let mut sources = config.sources.clone();
    if !args.sources.is_empty() {
        for name in &args.sources {
            if !sources.iter().any(|s| &s.name == name) {
                let known: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
                bail!(
                    "--source {name:?} is not in radar.toml; sources are: {}",
                    known.join(", ")
                );
            }
        }
        sources.retain(|s| args.sources.contains(&s.name));
    }
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
        print_summary(&report, ctx.quiet);
    }
    Ok(if report.any_failed() { 1 } else { 0 })
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
pub fn print_summary(report: &CrawlReport, quiet: bool) {
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
        println!("{}", clean(&line));
    }
    if changed > MAX_CHANGED_LINES {
        println!(
            "…and {} more sources with new or updated items (--json lists every source)",
            changed - MAX_CHANGED_LINES
        );
    }
    let mut totals = report.totals_line();
    if report.interrupted {
        totals.push_str(" (interrupted: finished sources were saved)");
    }
    println!("{totals}");
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
