//! `radar demo`: the whole pipeline on bundled sample data, served from a
//! loopback HTTP server (`crate::demo`), run through the same
//! [`Pipeline::run_once`] a team runs, then search and audit, printed as a
//! walk-through. Never sends traffic anywhere but 127.0.0.1.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::DemoArgs;
use crate::demo::{self, DemoServer, data};
use crate::index::{RadarIndex, SearchQuery, Since};
use crate::model::ItemKind;
use crate::pipeline::Pipeline;
use crate::settings::Settings;

/// Where the demo put things.
#[derive(Debug)]
struct DemoOutcome {
    config: PathBuf,
    crawl_failed: bool,
}

pub fn demo(ctx: &Settings, args: &DemoArgs) -> Result<u8> {
    let dir = match &args.keep {
        Some(d) => d.clone(),
        None => tempfile::Builder::new()
            .prefix("radar-demo-")
            .tempdir()
            .context("cannot create a temp folder for the demo")?
            .keep(),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let mut out = super::QuietStdout::default();
    let outcome = runtime.block_on(async {
        let server = demo::start_server(ctx.now, args.port).await?;
        let outcome = run_pipeline(&dir, &server, ctx.now, &mut out).await?;
        if args.serve {
            writeln!(
                out,
                "\nServing the sample feeds on http://{} until Ctrl-C, so you can run:\n  {} --config {} crawl",
                server.addr,
                super::radar_program(),
                super::shell_word(&outcome.config.display().to_string())
            )?;
            out.flush()?;
            tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
        }
        anyhow::Ok(outcome)
    })?;
    Ok(if outcome.crawl_failed { 1 } else { 0 })
}

/// Writes the radar into `dir` (keeping an existing index) and runs the
/// pipeline against `server`.
async fn run_pipeline(
    dir: &Path,
    server: &DemoServer,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<DemoOutcome> {
    writeln!(
        out,
        "techradar demo: the whole pipeline on bundled sample data\n"
    )?;
    let config_path = demo::write_radar(dir, server, now)?;
    writeln!(
        out,
        "1. Serving {} sample feeds and {} advisories on http://{}/ (loopback only)",
        data::FEEDS.len(),
        data::ADVISORIES.len() + 1,
        server.addr
    )?;
    writeln!(out, "2. Wrote a team radar to {}", dir.display())?;

    let config = crate::config::load_radar(&config_path)?;
    let mut settings = Settings::new(dir.to_path_buf(), now);
    settings.config = Some(config_path.clone());
    settings.quiet = true;
    let pipeline = Pipeline::new(settings);
    // The same run_once that `radar run` and `radar schedule` use.
    writeln!(
        out,
        "3. One pipeline cycle (radar run): crawl → update → digest"
    )?;
    let (_never, stop) = tokio::sync::watch::channel(false);
    let run = pipeline.run_once(now, stop).await?;
    let report = &run.crawl.report;
    for s in &report.sources {
        writeln!(
            out,
            "   crawl  {:<26} {}: {} new, {} updated{}",
            s.name,
            serde_json::to_value(s.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            s.items_new,
            s.items_updated,
            s.error
                .as_deref()
                .map(|e| format!(" ({})", crate::terminal::clean(e)))
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "   index now holds {} items", run.crawl.index_items)?;
    let entries = crate::radar::load_entries(&config.entries_path)?;
    let pending = crate::radar::review::pending(&entries);
    writeln!(
        out,
        "   update {} entries in entries/; {} proposals wait for review:",
        entries.len(),
        pending.len()
    )?;
    for line in crate::radar::review::pending_text(&pending, false).lines() {
        writeln!(out, "     {line}")?;
    }
    let digest = run
        .digest
        .as_ref()
        .and_then(|d| d.files.first().cloned())
        .context("the pipeline wrote no digest")?;
    writeln!(out, "   digest {}", digest.display())?;

    let index = RadarIndex::open_or_create(&config.index_path)?;
    show_searches(&index, now, out)?;
    show_audit(&index, &config.stack_path, now, out)?;
    show_summary(dir, &config_path, &digest, index.count(), out)?;
    Ok(DemoOutcome {
        config: config_path,
        crawl_failed: report.any_failed(),
    })
}

/// Step 4: a few searches, as `radar search` prints them.
fn show_searches(index: &RadarIndex, now: DateTime<Utc>, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "4. Searching (radar search):")?;
    let searches: [(&str, Option<ItemKind>, Option<Since>); 3] = [
        ("uv", None, None),
        ("security OR vulnerability", None, None),
        ("*", Some(ItemKind::Release), Some(Since::Days(14))),
    ];
    for (text, kind, since) in searches {
        let mut shown = format!("radar search '{text}'");
        if let Some(k) = kind {
            shown.push_str(&format!(" --kind {k}"));
        }
        if since.is_some() {
            shown.push_str(" --since 14d");
        }
        let r = index.search(&SearchQuery {
            text: text.to_string(),
            kind,
            source: None,
            since,
            limit: 3,
            now,
        })?;
        writeln!(out, "   $ {shown}   ({} hits)", r.total)?;
        for h in &r.hits {
            let date = h
                .published
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            writeln!(
                out,
                "     {date}  {}  [{}]",
                crate::terminal::clean(&h.title),
                h.source
            )?;
        }
    }
    Ok(())
}

/// Step 5: the audit of the demo services' lockfiles.
fn show_audit(
    index: &RadarIndex,
    stack_path: &Path,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, "5. Auditing the lockfiles (radar audit):")?;
    let stack = crate::config::load_stack(stack_path)?;
    let audit = crate::audit::run_stack(
        index,
        &stack,
        Some(stack_path),
        None,
        now,
        &crate::audit::AuditOptions::default(),
    )?;
    for f in &audit.vulnerabilities {
        writeln!(
            out,
            "   ✗ {} {} {}: {} ({})",
            f.package,
            f.version,
            f.id,
            crate::terminal::clean(&f.title),
            if f.upgrade.is_empty() {
                "no fix yet".to_string()
            } else {
                f.upgrade.join("; ")
            }
        )?;
    }
    for f in &audit.warnings {
        writeln!(
            out,
            "   · {} {} {}: {:?}",
            f.package, f.version, f.id, f.kind
        )?;
    }
    writeln!(
        out,
        "   {} vulnerabilities, {} warnings in {} packages from {} lockfiles",
        audit.vulnerabilities.len(),
        audit.warnings.len(),
        audit.summary.packages_audited,
        audit.summary.lockfiles
    )?;
    Ok(())
}

/// Where everything is, and what to try next.
fn show_summary(
    dir: &Path,
    config_path: &Path,
    digest: &Path,
    items: u64,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, "\nEverything is in {}:", dir.display())?;
    writeln!(out, "  radar.toml, stack.toml   the team's configuration")?;
    writeln!(
        out,
        "  entries/                 one file per technology, with proposals to review"
    )?;
    writeln!(out, "  feeds/                   the sample feeds as served")?;
    writeln!(
        out,
        "  lockfiles/               the demo services' lockfiles (audited)"
    )?;
    writeln!(
        out,
        "  index/                   the search index ({items} items)"
    )?;
    writeln!(
        out,
        "  digests/                 the weekly digest, HTML and Markdown"
    )?;
    writeln!(
        out,
        "Try:\n  {1} --config {0} search 'tokio'\n  {1} --config {0} audit\n  {1} --config {0} review list",
        super::shell_word(&config_path.display().to_string()),
        super::radar_program()
    )?;
    writeln!(out, "\nOpen the digest: {}", digest.display())?;
    Ok(())
}
