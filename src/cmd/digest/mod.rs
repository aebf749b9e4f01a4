//! `radar digest`: collect one week's view model and render it.
//!
//! All data gathering is in [`collect_input`]; the renderers in
//! `crate::digest` never see the index or the config.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

use super::Context;
use crate::cli::DigestArgs;
use crate::digest::{self, Format, IsoWeek};

mod actions;
mod collect;
mod stack;
#[cfg(test)]
mod tests;

pub use collect::collect_input;

pub fn digest(ctx: &Context, args: &DigestArgs) -> Result<u8> {
    let week = match &args.week {
        Some(w) => IsoWeek::parse(w)?,
        None => IsoWeek::last_complete(ctx.now),
    };
    let format = match (&args.format, &args.out) {
        (Some(f), _) => Format::parse(f)?,
        // `--out digest.html` says what it wants.
        (None, Some(out)) => out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| Format::parse(e).ok())
            .unwrap_or(Format::Markdown),
        (None, None) => Format::Markdown,
    };
    let input = collect_input(ctx, week, ctx.now)?;
    let text = digest::render(&input, format);
    let out = match (&args.out, format) {
        (Some(p), _) => Some(ctx.cwd.join(p)),
        // A page is only useful as a file; Markdown goes to stdout.
        (None, Format::Html) => Some(default_out_dir(ctx).join(format!("digest-{week}.html"))),
        (None, Format::Markdown) => None,
    };
    match out {
        Some(path) => {
            write_atomically(&path, &text)?;
            println!("{}", crate::terminal::clean(&path.display().to_string()));
        }
        None => print_clean(&text)?,
    }
    Ok(0)
}

/// Writes the week's digest as `digest-WEEK.html` and `digest-WEEK.md` in
/// `out_dir`: what `radar run`, the scheduled digest job and the demo leave
/// behind. Returns the HTML path, the one to open.
pub fn write_digest_files(
    ctx: &Context,
    week: IsoWeek,
    now: DateTime<Utc>,
    out_dir: &std::path::Path,
) -> Result<PathBuf> {
    let input = collect_input(ctx, week, now)?;
    let html = out_dir.join(format!("digest-{week}.html"));
    write_atomically(&html, &digest::render(&input, Format::Html))?;
    write_atomically(
        &out_dir.join(format!("digest-{week}.md")),
        &digest::render(&input, Format::Markdown),
    )?;
    Ok(html)
}

/// Prints to stdout. Renderers already strip control characters; cleaning
/// each line again keeps the terminal safe even if one ever forgets. A
/// closed pipe (`radar digest | head`) is a normal end, not an error.
fn print_clean(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let result = text
        .lines()
        .try_for_each(|line| writeln!(out, "{}", crate::terminal::clean(line)))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write the digest to stdout")
        }
        _ => Ok(()),
    }
}

/// `[digest] out_dir` of radar.toml, else the current folder.
fn default_out_dir(ctx: &Context) -> PathBuf {
    match ctx.config() {
        Ok(c) => c.digest.out_dir,
        Err(_) => ctx.cwd.clone(),
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
