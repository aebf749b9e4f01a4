//! `radar demo`: the whole pipeline on bundled sample data.
//!
//! Writes a team radar (radar.toml, stack.toml, entries/, lockfiles/) into a
//! folder, serves the bundled feeds and advisories from a loopback HTTP
//! server, points radar.toml at it and runs the same stages a team runs:
//! crawl, search, audit, update and the weekly digest. This is
//! command wiring (like `cmd`), so it reports with `anyhow`. It never sends
//! traffic anywhere but 127.0.0.1.

pub mod data;
pub mod server;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::DemoArgs;
use crate::cmd::Context;
use crate::index::{RadarIndex, SearchQuery, Since};
use crate::model::ItemKind;
use server::{DemoServer, Served};

/// Where the demo put things, for the caller (and tests) to inspect.
#[derive(Debug)]
pub struct DemoOutcome {
    pub dir: PathBuf,
    /// The HTML digest of the last complete week.
    pub digest: PathBuf,
    pub config: PathBuf,
    pub index: PathBuf,
    pub items: u64,
    pub crawl_failed: bool,
}

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<u8> {
    let dir = match &args.keep {
        Some(d) => d.clone(),
        None => tempfile::Builder::new()
            .prefix("radar-demo-")
            .tempdir()
            .context("cannot create a temp folder for the demo")?
            .keep(),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let mut out = std::io::stdout().lock();
    let outcome = runtime.block_on(async {
        let server = start_server(ctx.now, args.port).await?;
        let outcome = run_pipeline(&dir, &server, ctx.now, &mut out).await?;
        if args.serve {
            writeln!(
                out,
                "\nServing the sample feeds on http://{} until Ctrl-C, so you can run:\n  radar --config {} crawl",
                server.addr,
                outcome.config.display()
            )?;
            out.flush()?;
            tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
        }
        anyhow::Ok(outcome)
    })?;
    Ok(if outcome.crawl_failed { 1 } else { 0 })
}

/// Starts the loopback server with every sample feed, dated relative to `now`.
pub async fn start_server(now: DateTime<Utc>, port: Option<u16>) -> Result<DemoServer> {
    let mut files = BTreeMap::new();
    for f in data::FEEDS {
        files.insert(
            f.file.to_string(),
            Served {
                content_type: f.content_type,
                body: data::render(f.template, now).into_bytes(),
            },
        );
    }
    files.insert(
        "advisories.zip".to_string(),
        Served {
            content_type: "application/zip",
            body: advisories_zip(now)?,
        },
    );
    files.insert(
        data::RUSTSEC_NOTE.0.to_string(),
        Served {
            content_type: "text/markdown",
            body: data::render(data::RUSTSEC_NOTE.1, now).into_bytes(),
        },
    );
    server::serve(files, port.unwrap_or(0))
        .await
        .context("cannot start the demo HTTP server on 127.0.0.1")
}

/// The OSV records as one zip, the way OSV publishes per-ecosystem dumps.
fn advisories_zip(now: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, template) in data::ADVISORIES {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .context("cannot build the demo advisories zip")?;
        zip.write_all(data::render(template, now).as_bytes())?;
    }
    Ok(zip
        .finish()
        .context("cannot build the demo advisories zip")?
        .into_inner())
}

/// Writes the radar into `dir` (keeping an existing index) and runs the
/// pipeline against `server`.
pub async fn run_pipeline(
    dir: &Path,
    server: &DemoServer,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<DemoOutcome> {
    writeln!(
        out,
        "techradar demo: the whole pipeline on bundled sample data\n"
    )?;
    let config_path = write_radar(dir, server, now)?;
    writeln!(
        out,
        "1. Serving {} sample feeds and {} advisories on http://{}/ (loopback only)",
        data::FEEDS.len(),
        data::ADVISORIES.len() + 1,
        server.addr
    )?;
    writeln!(out, "2. Wrote a team radar to {}", dir.display())?;

    let config = crate::config::load_radar(&config_path)?;
    let pipeline = crate::pipeline::Pipeline::new(
        crate::cli::Global {
            config: Some(config_path.clone()),
            index: None,
            quiet: true,
            verbose: 0,
            now: None,
            wait: false,
        },
        dir.to_path_buf(),
    );
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
    for line in crate::cmd::pending_text(&pending, false).lines() {
        writeln!(out, "     {line}")?;
    }
    let digest = run
        .digest
        .as_ref()
        .and_then(|d| d.files.first().cloned())
        .context("the pipeline wrote no digest")?;
    writeln!(out, "   digest {}", digest.display())?;

    let index = RadarIndex::open_or_create(&config.index_path)?;
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
    writeln!(out, "5. Auditing the lockfiles (radar audit):")?;
    let stack_path = config.stack_path.clone();
    let stack = crate::config::load_stack(&stack_path)?;
    let audit = crate::audit::run_stack(
        &index,
        &stack,
        Some(&stack_path),
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

    let items = index.count();
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
        "Try:\n  radar --config {0} search 'tokio'\n  radar --config {0} audit\n  radar --config {0} review list",
        config_path.display()
    )?;
    writeln!(out, "\nOpen the digest: {}", digest.display())?;
    Ok(DemoOutcome {
        digest,
        dir: dir.to_path_buf(),
        index: config.index_path.clone(),
        config: config_path,
        items,
        crawl_failed: report.any_failed(),
    })
}

/// Writes radar.toml (pointing at the server), stack.toml, entries/ and the
/// sample feeds. An existing index in `dir` is kept, so a second demo run
/// shows that re-crawling adds nothing.
fn write_radar(dir: &Path, server: &DemoServer, now: DateTime<Utc>) -> Result<PathBuf> {
    let feeds = dir.join("feeds");
    std::fs::create_dir_all(&feeds)
        .with_context(|| format!("cannot create {}", feeds.display()))?;
    for (rel, text) in data::ENTRIES {
        let path = dir.join("entries").join(rel);
        // A kept demo radar may carry the lead's own edits: never overwrite.
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        write(&path, text)?;
    }
    let mut toml = format!(
        "# Written by `radar demo`. The sources point at the demo's loopback server:\n\
         # run `radar demo --keep {dir} --serve --port {port}` to serve them again.\n\n\
         [index]\npath = \"index\"\n\n[crawl]\nconcurrency = 8\nper_host = 8\n",
        dir = dir.display(),
        port = server.addr.port()
    );
    for f in data::FEEDS {
        write(&feeds.join(f.file), &data::render(f.template, now))?;
        toml.push_str(&format!(
            "\n[[source]]\nname = {:?}\nurl = {:?}\n",
            f.source,
            server.url(f.file)
        ));
        if let Some(p) = f.package {
            toml.push_str(&format!("package = {p:?}\n"));
        }
    }
    toml.push_str(&format!(
        "\n[[source]]\nname = \"Demo advisories (OSV)\"\nkind = \"osv\"\nurl = {:?}\n\n[[source]]\nname = \"Demo advisories (RustSec)\"\nkind = \"rustsec\"\nurl = {:?}\n",
        server.url("advisories.zip"),
        server.url(data::RUSTSEC_NOTE.0)
    ));
    let config = dir.join("radar.toml");
    write(&config, &toml)?;
    let locks = dir.join("lockfiles");
    std::fs::create_dir_all(&locks)
        .with_context(|| format!("cannot create {}", locks.display()))?;
    // The lockfiles say which versions run, so the demo drops the hand-kept
    // `version =` lines of the embedded stack (they would be audited too).
    let mut stack: String = data::STACK_TOML
        .lines()
        .filter(|l| !l.trim_start().starts_with("version ="))
        .map(|l| format!("{l}\n"))
        .collect();
    stack.push_str(
        "\n# The demo services' lockfiles: `radar audit` checks every package in them.\n",
    );
    for (name, text) in data::LOCKFILES {
        write(&locks.join(name), text)?;
        stack.push_str(&format!("\n[[lockfile]]\npath = \"lockfiles/{name}\"\n"));
    }
    write(&dir.join("stack.toml"), &stack)?;
    Ok(config)
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
