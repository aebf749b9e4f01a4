//! `radar update`: score the index against the stack and refresh entries.

use anyhow::{Context as _, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::review::{emit, pending_text};
use super::{Context, print_json};
use crate::audit::{self, AuditError, AuditOptions, FindingKind, SeverityLevel};
use crate::cli::UpdateArgs;
use crate::config::{self, RadarConfig, StackConfig};
use crate::index::RadarIndex;
use crate::model::Informational;
use crate::radar::merge::{UpdateInput, UpdateReport, refresh};
use crate::score::AdvisoryHit;
use crate::stack::{self, Inventory, Package};
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
    let inventory = stack::inventory(
        &stack
            .lockfiles
            .iter()
            .map(|l| l.path.clone())
            .collect::<Vec<_>>(),
        &stack.techs,
        Some(&cfg.stack_path),
    )
    .context("update reads stack.toml's lockfiles to score advisories and usage")?;
    let hits = advisory_hits(ctx, &index, &stack, &inventory)?;
    let lockfiles = lockfile_usage(&inventory, &cfg.stack_path);
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

/// Advisories affecting the versions the stack uses: the audit engine's
/// findings (`radar audit`, same lockfiles, same `[[ignore]]`s) as scoring
/// input. Acknowledged findings and yanked versions do not count; an index
/// without advisories gives none.
pub fn advisory_hits(
    ctx: &Context,
    index: &RadarIndex,
    stack: &StackConfig,
    inventory: &Inventory,
) -> Result<Vec<AdvisoryHit>> {
    if inventory.packages.is_empty() {
        return Ok(Vec::new());
    }
    let report = match audit::run(
        index,
        &inventory.packages,
        &stack.ignores,
        ctx.now,
        &AuditOptions::default(),
    ) {
        Ok(r) => r,
        Err(AuditError::NoAdvisories { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(hits_from_report(&report, &inventory.packages))
}

/// Maps audit findings to scoring input, keyed like the stack's packages.
fn hits_from_report(report: &audit::Report, packages: &[Package]) -> Vec<AdvisoryHit> {
    // The finding names the package as its lockfile does; the stack keys
    // it canonically (PyPI names are normalised), as the inventory does.
    let keys: HashMap<(&str, &str), String> = packages
        .iter()
        .map(|p| ((p.ecosystem.as_str(), p.name.as_str()), p.key()))
        .collect();
    report
        .vulnerabilities
        .iter()
        .chain(&report.warnings)
        .filter_map(|f| {
            let informational = match f.kind {
                FindingKind::Vulnerability => None,
                FindingKind::Unmaintained => Some(Informational::Unmaintained),
                FindingKind::Unsound => Some(Informational::Unsound),
                FindingKind::Notice => Some(Informational::Notice),
                // A withdrawn version is an upgrade prompt, not evidence
                // about the technology.
                FindingKind::Yanked => return None,
            };
            let package = keys
                .get(&(f.ecosystem.as_str(), f.package.as_str()))
                .cloned()
                .unwrap_or_else(|| format!("{}/{}", f.ecosystem, f.package));
            Some(AdvisoryHit {
                package,
                version: f.version.clone(),
                id: f.id.clone(),
                aliases: f.aliases.clone(),
                // A level without a CVSS score stands for its band's middle.
                severity: f.score.or(f.severity.map(|s| match s {
                    SeverityLevel::Low => 2.0,
                    SeverityLevel::Medium => 5.5,
                    SeverityLevel::High => 8.0,
                    SeverityLevel::Critical => 9.5,
                })),
                informational,
                fixed: f.fixed.clone(),
                url: f.url.clone(),
            })
        })
        .collect()
}

/// Package key → number of lockfiles (stack.toml's `[[lockfile]]`s) it
/// appears in. Versions pinned only in stack.toml do not count.
pub fn lockfile_usage(inventory: &Inventory, stack_path: &Path) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, BTreeSet<&Path>> = BTreeMap::new();
    for p in &inventory.packages {
        if p.lockfile != stack_path {
            seen.entry(p.key())
                .or_default()
                .insert(p.lockfile.as_path());
        }
    }
    seen.into_iter()
        .map(|(k, files)| (k, files.len()))
        .collect()
}
