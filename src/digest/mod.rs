//! The weekly digest: Markdown and a self-contained HTML page with an SVG
//! radar.
//!
//! [`collect`] fills a [`DigestInput`] (the view model) from the index,
//! audit, entries and trends; [`write_files`] renders it into the digest
//! files. The renderers (`markdown`, `html`, `svg`) take a `DigestInput`
//! and return text, nothing else: they do no I/O, read no index and know
//! nothing about how the input was collected, so every stage can change
//! without touching them.
//!
//! Guarantees: the same input renders to the same bytes (renderers sort and
//! number everything themselves); every string that came from a source is
//! sanitized for its output (`sanitize`); the HTML page makes no request
//! and runs no script; the radar picture never overlaps two blips or puts
//! one outside its segment (`svg`).

pub mod collect;
pub mod geometry;
pub mod html;
pub mod labels;
pub mod markdown;
pub mod model;
pub mod rank;
pub mod sample;
pub mod sanitize;
pub mod svg;

pub use model::{
    ActionItem, Blip, DigestInput, EmergingTerm, EolAction, IsoWeek, Movement, NewsItem,
    ProposedMove, ReleaseGroup, ReleaseItem, Severity, SeverityLevel,
};

pub use collect::{CollectError, collect};

use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::atomic::{self, Durability};
use crate::settings::Settings;

#[derive(Debug, Error)]
pub enum DigestError {
    #[error(
        "week {0:?} is not an ISO week: write it as 2026-W48 (weeks 01 to 52, or 53 in long years)"
    )]
    BadWeek(String),
    #[error("format {0:?} is not supported: use md or html")]
    BadFormat(String),
}

/// Output format of `radar digest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format, DigestError> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            _ => Err(DigestError::BadFormat(s.to_string())),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

/// Renders the digest in the given format.
pub fn render(input: &DigestInput, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(input),
        Format::Html => html::render(input),
    }
}

/// Writes the week's digest as `digest-WEEK.html` and `digest-WEEK.md` in
/// `out_dir`: what `radar run`, the scheduled digest job and the demo leave
/// behind. Returns the HTML path, the one to open.
pub fn write_files(
    settings: &Settings,
    week: IsoWeek,
    out_dir: &Path,
) -> Result<PathBuf, WriteFilesError> {
    let input = collect(settings, week)?;
    let html = out_dir.join(format!("digest-{week}.html"));
    atomic::write(
        &html,
        render(&input, Format::Html).as_bytes(),
        Durability::NoSync,
    )?;
    atomic::write(
        &out_dir.join(format!("digest-{week}.md")),
        render(&input, Format::Markdown).as_bytes(),
        Durability::NoSync,
    )?;
    Ok(html)
}

#[derive(Debug, Error)]
pub enum WriteFilesError {
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error(transparent)]
    Write(#[from] atomic::WriteError),
}
