//! `radar site`: the radar as a static site in one folder.
//!
//! `index.html` (the radar with every blip linking to its entry page, the
//! legend, the latest digest's headline, the weekly digests),
//! `entries/<slug>.html` (one per entry and per technology drawn) and
//! `weeks/<YYYY-Www>.html` (each week's digest page). Every link between
//! pages is relative, so the folder works from `file://`, any sub-path and
//! GitHub Pages; the pages run no script and load nothing (the digest's
//! CSP). All HTML is written by maud.
//!
//! Owns gathering (`gather`, reusing `digest::collect` and the index, radar
//! and audit APIs), page paths (`paths`), the pages (`pages`) and the
//! lead's text (`text`). Does not draw the radar (`digest::svg` does) nor
//! render digests (`digest::html` does), and writes nothing outside the
//! output folder.

pub mod gather;
pub mod pages;
pub mod paths;
pub mod text;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::atomic::{self, Durability};
use crate::config::ConfigError;
use crate::digest::html::{Medium, render_for};
use crate::settings::Settings;

pub use gather::{SiteInput, gather};
pub use paths::week_page;

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Collect(#[from] crate::digest::CollectError),
    #[error(transparent)]
    Entries(#[from] crate::radar::RadarError),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(transparent)]
    Write(#[from] atomic::WriteError),
    #[error(
        "{}: cannot clear old pages ({source}); check the folder's permissions or pick another --out",
        path.display()
    )]
    Clear {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteReport {
    pub out: PathBuf,
    pub index: PathBuf,
    pub entries: usize,
    pub weeks: usize,
    /// Old pages removed from `entries/` and `weeks/`.
    pub removed: usize,
}

/// Gathers and writes the site into `out`.
pub fn build(settings: &Settings, out: &Path, weeks: u32) -> Result<SiteReport, SiteError> {
    let input = gather(settings, weeks)?;
    write(&input, out)
}

/// Renders `input` into `out`: every page, then removes pages of entries or
/// weeks no longer shown (only `*.html` in the site's own subfolders).
pub fn write(input: &SiteInput, out: &Path) -> Result<SiteReport, SiteError> {
    let files = paths::entry_files(input.entries.iter().map(|e| e.name.as_str()));
    let from_sub = paths::from_subfolder(&files);
    let mut written: BTreeSet<PathBuf> = BTreeSet::new();
    let mut put = |rel: &str, html: String| -> Result<(), SiteError> {
        let path = out.join(rel);
        atomic::write(&path, html.as_bytes(), Durability::NoSync)?;
        written.insert(path);
        Ok(())
    };
    put("index.html", pages::index(input, &files))?;
    for e in &input.entries {
        if let Some(rel) = files.get(&e.name) {
            put(rel, pages::entry(input, e))?;
        }
    }
    for d in &input.weeks {
        let radar_svg = paths::linked_radar(&d.radar, &|n| from_sub.get(n).cloned());
        let medium = Medium::Site {
            home: "../index.html",
            radar_svg,
            entries: &from_sub,
        };
        put(&week_page(d.week), render_for(d, &medium))?;
    }
    let mut removed = 0;
    for sub in [paths::ENTRIES_DIR, paths::WEEKS_DIR] {
        let dir = out.join(sub);
        if !dir.is_dir() {
            continue;
        }
        let listing = std::fs::read_dir(&dir).map_err(|source| SiteError::Clear {
            path: dir.clone(),
            source,
        })?;
        for f in listing.flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "html") && !written.contains(&p) {
                std::fs::remove_file(&p).map_err(|source| SiteError::Clear { path: p, source })?;
                removed += 1;
            }
        }
    }
    Ok(SiteReport {
        out: out.to_path_buf(),
        index: out.join("index.html"),
        entries: input.entries.len(),
        weeks: input.weeks.len(),
        removed,
    })
}
