//! Everything the static site shows, read once: the digests of the recent
//! weeks (through `digest::collect`), the radar entries, the audit's
//! findings and the newest index items per entry. The site's only reading
//! part; the pages render from [`SiteInput`] alone.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use super::SiteError;
use crate::audit::{self, AuditOptions, Finding};
use crate::config::{self, StackConfig};
use crate::digest::{self, DigestInput, IsoWeek};
use crate::index::RadarIndex;
use crate::index::SearchQuery;
use crate::model::{Item, ItemKind, Quadrant, Ring};
use crate::radar::{self, Entry};
use crate::settings::Settings;

/// How many index items an entry page lists.
pub const RELATED_ITEMS: usize = 8;

/// The site's view model. Renderers only read it.
#[derive(Debug, Clone)]
pub struct SiteInput {
    pub title: String,
    pub generated: DateTime<Utc>,
    /// Newest first; the first is the week the index page shows.
    pub weeks: Vec<DigestInput>,
    /// One per page, in radar order (quadrant, then name).
    pub entries: Vec<EntryView>,
}

/// One technology's page.
#[derive(Debug, Clone)]
pub struct EntryView {
    pub name: String,
    pub quadrant: Quadrant,
    /// The ring the radar shows (the entry's, else stack.toml's).
    pub ring: Option<Ring>,
    /// The entry file, when `radar update` (or a lead) wrote one.
    pub entry: Option<Entry>,
    /// `ecosystem/name` from stack.toml, when the tech names a package.
    pub package: Option<String>,
    /// Audit findings (vulnerabilities and warnings) for that package.
    pub findings: Vec<Finding>,
    /// The newest index items naming it, newest first.
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub kind: ItemKind,
    pub source: String,
    pub title: String,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

/// Collects `weeks` digests ending with the last complete week, and a page
/// for every entry and every technology any of those digests draws.
pub fn gather(settings: &Settings, weeks: u32) -> Result<SiteInput, SiteError> {
    let cfg = settings.radar_config()?;
    let last = IsoWeek::last_complete(settings.now);
    let mut digests = Vec::new();
    let mut week = last;
    for _ in 0..weeks.max(1) {
        digests.push(digest::collect(settings, week)?);
        week = week.previous();
    }
    let stack = if cfg.stack_path.is_file() {
        config::load_stack(&cfg.stack_path)?
    } else {
        StackConfig::default()
    };
    let entries = radar::store::load_entries(&cfg.entries_path)?;
    let index = RadarIndex::open_or_create(&settings.index_path_in(&cfg))?;
    let findings = match audit::run_stack(
        &index,
        &stack,
        Some(&cfg.stack_path),
        None,
        settings.now,
        &AuditOptions::default(),
    ) {
        Ok(report) => {
            // A published page names the lockfile as the repository does,
            // not by this machine's absolute path.
            let base = settings
                .config_path()?
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            report
                .vulnerabilities
                .into_iter()
                .chain(report.warnings)
                .map(|mut f| {
                    f.lockfile = relative_to(&base, &f.lockfile);
                    f
                })
                .collect()
        }
        Err(e) => {
            // No advisories yet, or no lockfile: the pages say nothing
            // about findings rather than the site failing.
            tracing::warn!("site: audit could not run ({e}); entry pages list no findings");
            Vec::new()
        }
    };

    let mut views: BTreeMap<String, EntryView> = BTreeMap::new();
    for e in entries {
        views.insert(
            e.name.to_lowercase(),
            EntryView {
                name: e.name.clone(),
                quadrant: e.quadrant,
                ring: e.ring,
                entry: Some(e),
                package: None,
                findings: Vec::new(),
                related: Vec::new(),
            },
        );
    }
    // Every blip of every week gets a page, entry file or not.
    for d in &digests {
        for b in &d.radar {
            views
                .entry(b.name.to_lowercase())
                .or_insert_with(|| EntryView {
                    name: b.name.clone(),
                    quadrant: b.quadrant,
                    ring: Some(b.ring),
                    entry: None,
                    package: None,
                    findings: Vec::new(),
                    related: Vec::new(),
                });
        }
    }
    for tech in &stack.techs {
        if let Some(v) = views.get_mut(&tech.name.to_lowercase()) {
            v.package = tech.package.as_deref().map(canonical_key);
            if v.ring.is_none() {
                v.ring = Some(tech.ring);
            }
        }
    }
    for v in views.values_mut() {
        v.findings = findings
            .iter()
            .filter(|f| finding_is_for(f, v))
            .cloned()
            .collect();
        v.related = related(&index, v, settings.now);
    }
    let mut entries: Vec<EntryView> = views.into_values().collect();
    entries.sort_by(|a, b| {
        (a.quadrant, a.name.to_lowercase()).cmp(&(b.quadrant, b.name.to_lowercase()))
    });
    let title = digests
        .first()
        .map(|d| d.title.clone())
        .unwrap_or_else(|| "Tech radar".to_string());
    Ok(SiteInput {
        title,
        generated: settings.now,
        weeks: digests,
        entries,
    })
}

/// `path` relative to `base` when it lies under it, else as it is.
fn relative_to(base: &std::path::Path, path: &str) -> String {
    std::path::Path::new(path)
        .strip_prefix(base)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// `crates.io/Foo_Bar` → the key audit uses (PyPI names normalised), lower-cased.
fn canonical_key(package: &str) -> String {
    match package.split_once('/') {
        Some((eco, name)) => {
            crate::model::package_key(eco, &crate::model::canonical_name(eco, name))
        }
        None => package.to_string(),
    }
    .to_lowercase()
}

/// A finding belongs to the entry whose stack.toml package it is, or, for a
/// tech without one, to the entry named like the package.
fn finding_is_for(f: &Finding, v: &EntryView) -> bool {
    match &v.package {
        Some(key) => f.package_key().to_lowercase() == *key,
        None => f.package.eq_ignore_ascii_case(&v.name),
    }
}

/// The newest items that name the entry: those tagged with its package,
/// and the best full-text matches of its name; newest first.
fn related(index: &RadarIndex, v: &EntryView, now: DateTime<Utc>) -> Vec<Related> {
    let mut found: BTreeMap<String, Related> = BTreeMap::new();
    if let Some(key) = &v.package {
        match index.items_for_packages(std::slice::from_ref(key)) {
            Ok(items) => {
                for i in items {
                    found.insert(i.id.clone(), from_item(&i));
                }
            }
            Err(e) => tracing::warn!("site: items for {key}: {e}"),
        }
    }
    let q = SearchQuery {
        text: format!("\"{}\"", v.name.replace('"', " ")),
        kind: None,
        source: None,
        since: None,
        limit: 50,
        now,
    };
    match index.search(&q) {
        Ok(report) => {
            for h in report.hits {
                found.entry(h.id.clone()).or_insert(Related {
                    kind: h.kind,
                    source: h.source,
                    title: h.title,
                    url: h.url,
                    published: h.published,
                });
            }
        }
        Err(e) => tracing::warn!("site: searching the index for {:?}: {e}", v.name),
    }
    let mut all: Vec<Related> = found.into_values().collect();
    // Newest first; undated last; ties by title so the page is stable.
    all.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.title.cmp(&b.title))
    });
    all.truncate(RELATED_ITEMS);
    all
}

fn from_item(i: &Item) -> Related {
    Related {
        kind: i.kind,
        source: i.source.clone(),
        title: i.title.clone(),
        url: i.url.clone(),
        published: i.published,
    }
}
