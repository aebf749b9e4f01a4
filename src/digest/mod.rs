//! The weekly digest: Markdown and a self-contained HTML page with an SVG
//! radar.
//!
//! In: a [`DigestInput`] (the view model, filled by the command wiring from
//! the index, audit, entries and trends). Out: text, nothing else. This
//! module does no I/O, reads no index and knows nothing about how the input
//! was collected, so every stage can change without touching the renderers.
//!
//! Guarantees: the same input renders to the same bytes (renderers sort and
//! number everything themselves); every string that came from a source is
//! sanitized for its output (`sanitize`); the HTML page makes no request
//! and runs no script; the radar picture never overlaps two blips or puts
//! one outside its segment (`svg`).

pub mod html;
pub mod markdown;
pub mod model;
pub mod rank;
pub mod sample;
pub mod sanitize;
pub mod svg;

pub use model::{
    ActionItem, Blip, DigestInput, EmergingTerm, IsoWeek, Movement, ProposedMove, ReleaseGroup,
    ReleaseItem, Severity, SeverityLevel,
};

use thiserror::Error;

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
