use anyhow::{Context as _, Result, bail};
use std::collections::BTreeSet;
use std::path::PathBuf;

use super::print_json;
use crate::audit::{self, AuditOptions, FindingKind, SeverityLevel};
use crate::cli::AuditArgs;
use crate::config::{self, ConfigError, StackConfig};
use crate::index::{AdvisoryLookup, AdvisoryTable, RadarIndex};
use crate::settings::Settings;
use crate::stack;
use crate::terminal::color_stdout;
use crate::terminal::error_chain as terminal_chain;

pub fn audit(ctx: &Settings, args: &AuditArgs) -> Result<u8> {
    // With --lockfile (and --index) no radar.toml is needed; when one is
    // found its stack.toml still supplies the [[ignore]] entries.
    let config = match ctx.radar_config() {
        Ok(c) => Some(c),
        Err(ConfigError::NotFound) if !args.lockfiles.is_empty() => None,
        Err(e) => return Err(e.into()),
    };
    let stack_path = config.as_ref().map(|c| c.stack_path.clone());
    let stack = match &stack_path {
        Some(p) if p.is_file() => config::load_stack(p)?,
        Some(p) if args.lockfiles.is_empty() => bail!(
            "{}: not found. Create it with [[lockfile]] entries, or pass --lockfile PATH",
            p.display()
        ),
        _ => StackConfig::default(),
    };
    let lockfiles: Option<Vec<PathBuf>> = (!args.lockfiles.is_empty())
        .then(|| args.lockfiles.iter().map(|p| ctx.cwd.join(p)).collect());
    if lockfiles.is_none()
        && stack.lockfiles.is_empty()
        && !stack.techs.iter().any(|t| t.version.is_some())
    {
        bail!(
            "nothing to audit: add [[lockfile]] entries (or [[tech]] entries with package and version) to stack.toml, or pass --lockfile PATH"
        );
    }

    let mut options = AuditOptions {
        severity_threshold: args.severity_threshold.as_deref().and_then(|s| match s {
            "low" => Some(SeverityLevel::Low),
            "medium" => Some(SeverityLevel::Medium),
            "high" => Some(SeverityLevel::High),
            "critical" => Some(SeverityLevel::Critical),
            _ => None,
        }),
        deny: deny_kinds(&args.deny),
        ..Default::default()
    };
    for path in &args.registry_index {
        let path = ctx.cwd.join(path);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read registry index file", path.display()))?;
        options
            .yanked
            .extend(stack::yanked_from_crates_index(&path, &text)?);
    }

    let index_path = ctx.index_path()?;
    if !index_path.join("meta.json").is_file() {
        bail!(
            "no index at {}: ingest advisories first (radar --index {} ingest advisory-db/crates)",
            index_path.display(),
            index_path.display()
        );
    }
    // The advisory table answers without opening tantivy; when it is
    // missing or stale, the index answers and the table is rebuilt for the
    // next run (a read-only folder just means every run reads the index).
    let table = AdvisoryTable::open(&index_path);
    let opened;
    let lookup: &dyn AdvisoryLookup = match &table {
        Some(t) => t,
        None => {
            opened = RadarIndex::open_or_create(&index_path)?;
            if let Err(e) = opened.write_advisory_table() {
                tracing::debug!("advisory table not written: {}", terminal_chain(&e));
            }
            &opened
        }
    };
    let report = audit::run_stack(
        lookup,
        &stack,
        stack_path.as_deref(),
        lockfiles.as_deref(),
        ctx.now,
        &options,
    )?;

    if args.json {
        print_json(&report)?;
    } else if !ctx.quiet || report.summary.fails {
        out!("{}", audit::present::render(&report, color_stdout()));
    }
    Ok(report.exit_code())
}

fn deny_kinds(deny: &[String]) -> BTreeSet<FindingKind> {
    let mut out = BTreeSet::new();
    for d in deny {
        match d.as_str() {
            "warnings" => out.extend([
                FindingKind::Unmaintained,
                FindingKind::Unsound,
                FindingKind::Notice,
                FindingKind::Yanked,
            ]),
            "unmaintained" => {
                out.insert(FindingKind::Unmaintained);
            }
            "unsound" => {
                out.insert(FindingKind::Unsound);
            }
            "notice" => {
                out.insert(FindingKind::Notice);
            }
            "yanked" => {
                out.insert(FindingKind::Yanked);
            }
            _ => {}
        }
    }
    out
}
