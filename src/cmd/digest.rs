//! `radar digest`: one week's digest to stdout (Markdown) or a file.

use anyhow::{Context as _, Result};
use std::path::PathBuf;

use crate::atomic::{self, Durability};
use crate::cli::DigestArgs;
use crate::deliver;
use crate::digest::{self, Format, IsoWeek};
use crate::settings::Settings;

pub fn digest(ctx: &Settings, args: &DigestArgs) -> Result<u8> {
    let week = match &args.week {
        Some(w) => IsoWeek::parse(w)?,
        None => IsoWeek::last_complete(ctx.now),
    };
    if args.send {
        return send(ctx, week, args.force);
    }
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
    let input = digest::collect(ctx, week)?;
    let text = digest::render(&input, format);
    let out = match (&args.out, format) {
        (Some(p), _) => Some(ctx.absolute(p)),
        // A page is only useful as a file; Markdown goes to stdout.
        (None, Format::Html) => Some(default_out_dir(ctx).join(format!("digest-{week}.html"))),
        (None, Format::Markdown) => None,
    };
    match out {
        Some(path) => {
            atomic::write(&path, text.as_bytes(), Durability::NoSync)?;
            outln!("{}", crate::terminal::clean(&path.display().to_string()));
        }
        None => print_clean(&text)?,
    }
    Ok(0)
}

/// `--send`: the files as the schedule writes them, then every target.
/// A failed target is named on stderr and makes the exit code 1.
fn send(ctx: &Settings, week: IsoWeek, force: bool) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    if cfg.deliver.is_empty() {
        let path = ctx.config_path()?;
        anyhow::bail!(
            "{}: no [[deliver]] targets to send to; add one, e.g.\n\n[[deliver]]\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/…\"",
            path.display()
        );
    }
    let html = digest::write_files(ctx, week, &cfg.digest.out_dir)?;
    for p in [html.clone(), html.with_extension("md")] {
        outln!("{}", crate::terminal::clean(&p.display().to_string()));
    }
    let needs_login = cfg
        .deliver
        .iter()
        .any(|d| matches!(d.kind, crate::config::DeliverKind::Email { .. }));
    let smtp = if needs_login {
        deliver::SmtpCredentials::from_env()?
    } else {
        None
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let report = runtime.block_on(deliver::send_week(ctx, &cfg, week, force, smtp))?;
    for (t, line) in report.targets.iter().zip(report.lines()) {
        match t.outcome {
            deliver::Outcome::Failed { .. } => eprintln!("radar: {line}"),
            _ => outln!("{line}"),
        }
    }
    Ok(u8::from(report.failed().next().is_some()))
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
fn default_out_dir(ctx: &Settings) -> PathBuf {
    match ctx.radar_config() {
        Ok(c) => c.digest.out_dir,
        Err(_) => ctx.cwd.clone(),
    }
}
