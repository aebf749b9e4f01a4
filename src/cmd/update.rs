//! `radar update`: score the index against the stack and refresh entries.

use anyhow::{Context as _, Result};
use std::collections::BTreeMap;

use super::review::{emit, pending_text};
use super::{Context, print_json};
use crate::cli::UpdateArgs;
use crate::config::{self, RadarConfig, StackConfig};
use crate::radar::merge::{UpdateInput, UpdateReport, refresh};
use crate::score::AdvisoryHit;
use crate::terminal::{clean, color_stdout};
use crate::trend::TrendOptions;

pub fn update(ctx: &Context, args: &UpdateArgs) -> Result<u8> {
    let cfg = ctx.config()?;
    let report = update_radar(ctx, &cfg)?;
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    if ctx.global.quiet {
        return Ok(0);
    }
    let created = report.entries.iter().filter(|e| e.created).count();
    let mut out = format!(
        "{} entries in {}: {} changed, {} new\n",
        report.entries.len(),
        cfg.entries_path.display(),
        report.changed(),
        created
    );
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let pending = crate::radar::review::pending(&entries);
    if pending.is_empty() {
        out.push_str("No proposals waiting for review.\n");
    } else {
        out.push_str(&format!(
            "\n{} proposals waiting for review:\n\n",
            pending.len()
        ));
        out.push_str(&pending_text(&pending, color_stdout()));
        out.push_str("Decide with `radar review accept NAME` or `radar review reject NAME`.\n");
    }
    emit(&out)?;
    for e in report.entries.iter().filter(|e| e.changed) {
        tracing::info!("wrote {}", clean(&e.file));
    }
    Ok(0)
}

/// The whole update on a loaded config: `radar run` and the demo call this.
pub fn update_radar(ctx: &Context, cfg: &RadarConfig) -> Result<UpdateReport> {
    let stack = config::load_stack(&cfg.stack_path).with_context(|| {
        format!(
            "update needs stack.toml (looked at {}); `radar init` writes one",
            cfg.stack_path.display()
        )
    })?;
    let index = match &ctx.global.index {
        Some(p) => super::open_index(p)?,
        None => super::open_index(&cfg.index_path)?,
    };
    let started = std::time::Instant::now();
    let items = index.all_items()?;
    tracing::debug!(
        "read {} items in {:.3}s",
        items.len(),
        started.elapsed().as_secs_f64()
    );
    let hits = advisory_hits(ctx, &stack)?;
    let lockfiles = lockfile_usage(ctx, &stack)?;
    let started = std::time::Instant::now();
    let report = refresh(
        &cfg.entries_path,
        &UpdateInput {
            stack: &stack,
            items: &items,
            hits: &hits,
            lockfiles: &lockfiles,
            now: ctx.now,
            trends: TrendOptions::default(),
        },
    )?;
    tracing::debug!(
        "scored and wrote {} entries in {:.3}s",
        report.entries.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}

/// Advisories affecting the versions the stack uses.
///
/// MERGE NOTE for the lead: wire this to `audit::run` (the audit engine on
/// the advisories branch) and map each vulnerability and warning of its
/// report to an [`AdvisoryHit`]. Until then it returns no hits, so update
/// scores releases, staleness, trends and usage only.
pub fn advisory_hits(_ctx: &Context, _stack: &StackConfig) -> Result<Vec<AdvisoryHit>> {
    Ok(Vec::new())
}

/// Package key → number of lockfiles (from stack.toml's `[[lockfile]]`)
/// that use it.
///
/// MERGE NOTE for the lead: wire this to the lockfile readers in
/// `src/stack/` (count, per package key, the lockfiles it appears in).
/// Until then it is empty and the usage signal never fires.
pub fn lockfile_usage(_ctx: &Context, _stack: &StackConfig) -> Result<BTreeMap<String, usize>> {
    Ok(BTreeMap::new())
}
