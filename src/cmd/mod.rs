//! Command wiring: turns parsed arguments into [`Settings`] once, calls a
//! stage, prints its report and picks the exit code.
//!
//! The only place (with `main`) that uses `anyhow` and knows clap. Each
//! command returns the exit code it wants for a completed run (0 or 1); an
//! `Err` means the command could not do its job and `main` exits 2.
//!
//! Command output goes through [`emit`] (`outln!`, `out!`, [`print_json`]),
//! never `println!`: `radar stack --json | head -1` closes the pipe early,
//! and `println!` panics on that where a reader that has seen enough is a
//! normal end (as in ripgrep).

/// `println!` for command output, through [`emit`]; propagates other write
/// errors with `?`, so the caller returns a `Result`.
macro_rules! outln {
    () => {
        $crate::cmd::emit("\n")?
    };
    ($($arg:tt)*) => {
        $crate::cmd::emit(&format!("{}\n", format_args!($($arg)*)))?
    };
}

/// `print!` for command output, through [`emit`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cmd::emit(&format!($($arg)*))?
    };
}

mod audit;
mod crawl;
mod demo;
mod digest;
mod doctor;
mod export;
mod import;
mod ingest;
mod init;
mod propose;
mod review;
mod run;
mod schedule;
mod search;
mod site;
mod stack;
mod trends;
mod update;

pub use audit::audit;
pub use crawl::crawl;
pub use demo::demo;
pub use digest::digest;
pub use doctor::doctor;
pub use export::export;
pub use import::import;
pub use ingest::ingest;
pub use init::init;
pub use propose::propose;
pub use review::review;
pub use run::run;
pub use schedule::schedule;
pub use search::search;
pub use site::site;
pub use stack::stack;
pub use trends::trends;
pub use update::update;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use crate::cli::Global;
use crate::index::{IndexError, IndexWriter, RadarIndex};
use crate::settings::Settings;

/// Resolves the global options into [`Settings`]: the one place flags and
/// `RADAR_*` variables (folded in by clap) become values.
pub fn settings(global: &Global) -> Result<Settings> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let (now, fixed_now) = match &global.now {
        Some(s) => (
            DateTime::parse_from_rfc3339(s)
                .with_context(|| {
                    format!(
                        "--now / RADAR_NOW {s:?} is not an RFC 3339 time (2026-11-23T08:00:00Z)"
                    )
                })?
                .with_timezone(&Utc),
            true,
        ),
        None => (Utc::now(), false),
    };
    Ok(Settings {
        config: global.config.as_deref().map(|p| cwd.join(p)),
        index: global.index.as_deref().map(|p| cwd.join(p)),
        now,
        fixed_now,
        quiet: global.quiet,
        verbose: global.verbose,
        wait: global.wait,
        cwd,
    })
}

/// Takes the index's single writer lock. Another writer makes this fail at
/// once (exit 2, naming the holder), or with `--wait` wait for it, saying
/// so once on stderr.
fn writer<'a>(ctx: &Settings, index: &'a RadarIndex) -> Result<IndexWriter<'a>> {
    let quiet = ctx.quiet;
    Ok(index.writer_blocking(ctx.wait, |e| {
        if let (false, IndexError::Locked { path, holder }) = (quiet, e) {
            eprintln!(
                "index {} is locked by another writer{holder}; waiting for it (--wait, up to 1 hour)",
                path.display()
            );
        }
    })?)
}

/// A progress bar only for a person watching: neither `-q` nor `--json`,
/// and both streams on a terminal.
fn progress(ctx: &Settings, json: bool) -> bool {
    use std::io::IsTerminal;
    !json && !ctx.quiet && std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// Writes command output to stdout; a closed pipe (`radar review | head`,
/// `radar stack --json | head -1`)
/// ends the output quietly instead of failing.
pub(crate) fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Stdout for a command that writes as it goes (`radar demo`): once the
/// reader has gone (`radar demo | head -1`), the rest is dropped instead of
/// failing the run; other write errors still fail it.
#[derive(Default)]
pub(crate) struct QuietStdout {
    closed: bool,
}

impl std::io::Write for QuietStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match std::io::stdout().lock().write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match std::io::stdout().lock().flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Prints a report as pretty JSON to stdout, streamed (a 3,000-package
/// inventory is megabytes: no String of it first). A closed pipe ends it
/// quietly, like [`emit`].
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write JSON to stdout")
        }
        _ => Ok(()),
    }
}

/// How to run this binary in a command we print for the user to copy:
/// `radar` when the `radar` on PATH is this binary, else this binary's own
/// path (someone who ran `cargo run -- demo` has no `radar` on PATH).
pub fn radar_program() -> String {
    let Ok(me) = std::env::current_exe().and_then(std::fs::canonicalize) else {
        return "radar".to_string();
    };
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("radar"))
        .find(|c| c.is_file());
    if on_path.and_then(|c| std::fs::canonicalize(c).ok()).as_ref() == Some(&me) {
        return "radar".to_string();
    }
    shell_word(&me.display().to_string())
}

/// A path quoted for a POSIX shell when it needs it.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
