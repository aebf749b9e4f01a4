//! `radar init [DIR] [--scan DIR…]`: scaffolds a team radar, or (with
//! `--scan`) writes one from the stack found in the scanned folders and
//! merges into an existing one on later runs.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

use super::{radar_program, shell_word};
use crate::atomic::{self, Durability};
use crate::cli::InitArgs;
use crate::scan::merge::{merge_radar, merge_stack};
use crate::settings::Settings;

const RADAR_TOML: &str = include_str!("../../radar/radar.toml");
const STACK_TOML: &str = include_str!("../../radar/stack.toml");

/// radar.toml for a radar written from a scan: no sample sources, releases
/// derived from the stack, advisory sources appended by the merge.
const SCANNED_RADAR_TOML: &str = r#"# The team radar's sources, schedule and crawl limits.
# Relative paths are relative to this file. Docs: README.md.

[index]
path = "index"

[crawl]
# Releases of every [[tech]] with a package come from its registry,
# without a [[source]] line each: "direct", "all" (every locked package)
# or "none".
track = "direct"

[schedule]              # cron: 6 fields, seconds first; days as MON..SUN
crawl  = "0 0 */6 * * *"
update = "0 30 7 * * MON"
digest = "0 0 8 * * MON"

"#;

const SCANNED_STACK_TOML: &str = r#"# What the team runs, found by `radar init --scan`. Direct runtime
# dependencies start in ring "adopt", quadrant "languages-and-frameworks";
# dev-only ones in quadrant "tools". Edit freely: a later scan only adds.
"#;

pub fn init(ctx: &Settings, args: &InitArgs) -> Result<u8> {
    let dir = args.dir.clone().unwrap_or_else(|| ctx.cwd.clone());
    let dir = if dir.is_absolute() {
        dir
    } else {
        ctx.cwd.join(dir)
    };
    if args.scan.is_empty() {
        return scaffold(ctx, &dir);
    }
    scan_into(ctx, &dir, &args.scan)
}

/// Scaffolds a team radar from the embedded default: radar.toml, stack.toml
/// and entries/. Never overwrites a file that exists.
fn scaffold(ctx: &Settings, dir: &Path) -> Result<u8> {
    let radar = dir.join("radar.toml");
    let stack = dir.join("stack.toml");
    for p in [&radar, &stack] {
        if p.exists() {
            bail!(
                "{} already exists; init never overwrites. Edit it, pick another folder (radar init DIR), or merge a scan into it: radar init {} --scan PROJECT_DIR",
                p.display(),
                dir.display()
            );
        }
    }
    // The embedded radar keeps its index beside the repository; a new radar
    // keeps it inside its own folder (add `index/` to .gitignore).
    let radar_text = RADAR_TOML.replace("path = \"../index\"", "path = \"index\"");
    // Both or neither: a radar.toml alone would make the rerun refuse.
    atomic::write_all(
        &[
            (&radar, radar_text.as_bytes()),
            (&stack, STACK_TOML.as_bytes()),
        ],
        Durability::Sync,
    )
    .with_context(|| {
        format!(
            "cannot write the radar in {}; nothing was left",
            dir.display()
        )
    })?;
    // Last, so a failure above leaves no folder behind either.
    std::fs::create_dir_all(dir.join("entries"))
        .with_context(|| format!("cannot create {}", dir.join("entries").display()))?;
    if !ctx.quiet {
        outln!(
            "Wrote {} and {}, and created entries/.",
            radar.display(),
            stack.display()
        );
        print_next(&radar)?;
    }
    Ok(0)
}

fn print_next(radar: &Path) -> Result<()> {
    outln!(
        "Next: edit the sources and your stack, then run\n  {} --config {} crawl",
        radar_program(),
        shell_word(&radar.display().to_string())
    );
    Ok(())
}

fn scan_into(ctx: &Settings, dir: &Path, roots: &[PathBuf]) -> Result<u8> {
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| {
            if r.is_absolute() {
                r.clone()
            } else {
                ctx.cwd.join(r)
            }
        })
        .collect();
    for r in &roots {
        if !r.is_dir() {
            bail!("--scan {}: not a folder", r.display());
        }
    }
    // The folder itself (stack paths are made relative to it); the radar's
    // files are written together below, once everything merged.
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let radar = dir.join("radar.toml");
    let existed = radar.exists();
    let radar_text = if existed {
        std::fs::read_to_string(&radar)
            .with_context(|| format!("cannot read {}", radar.display()))?
    } else {
        SCANNED_RADAR_TOML.to_string()
    };
    // An existing radar may keep its stack elsewhere (`stack = "…"`).
    let stack = crate::config::parse_radar(&radar_text, &radar)?.stack_path;
    let (stack_text, header) = match std::fs::read_to_string(&stack) {
        Ok(t) => (t, ""),
        // The header goes on after the merge: in a document with no table
        // yet, toml_edit would keep a leading comment as trailing text.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (String::new(), SCANNED_STACK_TOML),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", stack.display())),
    };
    let found = crate::scan::scan(&roots);
    for w in &found.warnings {
        eprintln!("warning: {}", crate::terminal::clean(w));
    }
    // [[lockfile]] paths are relative to stack.toml's folder.
    let stack_dir = stack
        .parent()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .unwrap_or_else(|| dir.to_path_buf());
    let relative = |p: &Path| {
        pathdiff::diff_paths(p, &stack_dir)
            .unwrap_or_else(|| p.to_path_buf())
            .display()
            .to_string()
    };
    let (merged, added) = merge_stack(&stack_text, &stack, &found, relative)?;
    let new_stack = if header.is_empty() {
        merged
    } else {
        format!("{header}\n{merged}")
    };
    let (new_radar, sources) = merge_radar(&radar_text, &radar, &found)?;
    // Check both before writing either, so a merge never leaves a radar
    // that does not load.
    crate::config::parse_stack(&new_stack, &stack)?;
    crate::config::parse_radar(&new_radar, &radar)?;
    let mut changed: Vec<(&Path, &[u8])> = Vec::new();
    if new_stack != stack_text || !stack.exists() {
        changed.push((&stack, new_stack.as_bytes()));
    }
    if new_radar != radar_text || !existed {
        changed.push((&radar, new_radar.as_bytes()));
    }
    // Both or neither, so stack.toml and radar.toml never disagree.
    atomic::write_all(&changed, Durability::Sync).with_context(|| {
        format!(
            "cannot write the merged radar in {}; both files were left as they were",
            dir.display()
        )
    })?;
    std::fs::create_dir_all(dir.join("entries"))
        .with_context(|| format!("cannot create {}", dir.join("entries").display()))?;
    if !ctx.quiet {
        print_added(&radar, &stack, existed, &added, &sources)?;
        print_next(&radar)?;
    }
    Ok(0)
}

/// Tech lines shown before the rest are only counted.
const MAX_TECH_LINES: usize = 40;

fn print_added(
    radar: &Path,
    stack: &Path,
    existed: bool,
    added: &crate::scan::merge::Added,
    sources: &[String],
) -> Result<()> {
    let verb = if existed { "Merged into" } else { "Wrote" };
    outln!(
        "{verb} {} and {}: {} lockfiles, {} techs, {} sources added.",
        radar.display(),
        stack.display(),
        added.lockfiles.len(),
        added.techs.len(),
        sources.len()
    );
    for l in &added.lockfiles {
        outln!("  + [[lockfile]] {}", crate::terminal::clean(l));
    }
    for t in added.techs.iter().take(MAX_TECH_LINES) {
        outln!("  + [[tech]] {}", crate::terminal::clean(t));
    }
    if added.techs.len() > MAX_TECH_LINES {
        outln!(
            "  …and {} more techs (see {})",
            added.techs.len() - MAX_TECH_LINES,
            stack.display()
        );
    }
    for s in sources {
        outln!("  + [[source]] {s}");
    }
    if added.lockfiles.is_empty() && added.techs.is_empty() && sources.is_empty() {
        outln!("  nothing new: every lockfile and direct dependency found is already listed");
    }
    Ok(())
}
