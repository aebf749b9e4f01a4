//! `radar run`: one cycle of the pipeline (crawl → update → digest), the
//! same [`Pipeline::run_once`] the scheduler runs, stopped cleanly by
//! SIGINT/SIGTERM.

use anyhow::{Context as _, Result};

use super::print_json;
use crate::cli::RunArgs;
use crate::pipeline::{self, Pipeline};
use crate::settings::Settings;

pub fn run(ctx: &Settings, args: &RunArgs) -> Result<u8> {
    let mut p = Pipeline::new(ctx.clone());
    p.progress = super::progress(ctx, args.json);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let stop = super::schedule::stop_on_signals()?;
        anyhow::Ok(p.run_once(ctx.now, stop).await?)
    })?;
    let delivery_failed = report
        .digest
        .as_ref()
        .is_some_and(pipeline::delivery_failed);
    let code = if report.crawl.report.any_failed() || delivery_failed {
        1
    } else {
        0
    };
    if args.json {
        print_json(&report)?;
        return Ok(code);
    }
    if ctx.quiet {
        super::crawl::print_summary(&report.crawl.report, true)?;
        return Ok(code);
    }
    outln!("crawl:");
    super::crawl::print_summary(&report.crawl.report, false)?;
    outln!("index holds {} items", report.crawl.index_items);
    if let Some(u) = &report.update {
        outln!("update: {}", pipeline::update_outcome(u));
    }
    if let Some(d) = &report.digest {
        outln!("digest: {}", pipeline::digest_outcome(d));
    }
    if report.interrupted {
        outln!("stopped before the end: the crawl saved what it finished; run again to complete");
    }
    Ok(code)
}
