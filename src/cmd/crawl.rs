use anyhow::{Result, bail};

use super::{Context, print_json};
use crate::cli::CrawlArgs;
use crate::crawl::{CrawlReport, Status};
use crate::terminal::clean;

pub fn crawl(ctx: &Context, args: &CrawlArgs) -> Result<u8> {
    let config = ctx.config()?;
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
    let index_path = ctx
        .global
        .index
        .clone()
        .unwrap_or(config.index_path.clone());
    let index = super::open_index(&index_path)?;
    let mut writer = index.writer()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(crate::crawl::crawl(
        &config.crawl,
        &sources,
        &mut writer,
        ctx.now,
    ))?;
    drop(writer);
    if args.json {
        print_json(&report)?;
    } else {
        print_summary(&report, ctx.global.quiet);
    }
    Ok(if report.any_failed() { 1 } else { 0 })
}

pub fn print_summary(report: &CrawlReport, quiet: bool) {
    for s in &report.sources {
        let line = match s.status {
            Status::Fetched => format!(
                "fetched       {} ({} new, {} updated)",
                s.name, s.items_new, s.items_updated
            ),
            Status::NotModified => format!("not modified  {}", s.name),
            Status::BackingOff => format!(
                "backing off   {}: {}",
                s.name,
                s.error.as_deref().unwrap_or("")
            ),
            Status::Failed => format!(
                "FAILED        {}: {}",
                s.name,
                s.error.as_deref().unwrap_or("")
            ),
        };
        if !quiet || s.status == Status::Failed {
            println!("{}", clean(&line));
        }
    }
    let t = &report.totals;
    println!(
        "{} sources: {} fetched, {} not modified, {} failed; {} new items, {} updated",
        report.sources.len(),
        t.fetched,
        t.not_modified,
        t.failed,
        t.items_new,
        t.items_updated
    );
}
