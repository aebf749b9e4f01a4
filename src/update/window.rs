//! What `update` reads from the index: only what scoring can use, so the
//! cost follows the window and the stack, not years of history.
//!
//! - items published in the trend window (the complete weeks `trend`
//!   counts, ending with the last complete week before `now`), streamed
//!   through the trend counter; only its releases are kept;
//! - every release about a tracked tech's package or GitHub repository,
//!   whatever its age ("majors behind" is the highest version ever
//!   released, whenever), without its body, from the index's release-head
//!   column: no docstore block is decompressed for history;
//! - every end-of-life table;
//! - every registry-status item (yanked and deprecated versions; undated,
//!   so no date range finds them).
//!
//! Scoring filters these exactly as it filtered the whole index, so the
//! result is the same; reads only, writes nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

use crate::index::{IndexError, RadarIndex, repo_about};
use crate::model::{Item, ItemKind};
use crate::score::Tracked;
use crate::trend::{TrackedTerm, TrendCounter, TrendOptions, TrendReport};

/// Midnight UTC of the first Monday of the trend window whose last week
/// starts on `last_monday`.
pub fn window_start(last_monday: NaiveDate, opts: &TrendOptions) -> DateTime<Utc> {
    let weeks = opts.weeks.max(2) as i64;
    (last_monday - Duration::weeks(weeks - 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

/// What scoring `tracked` at `now` reads, in one pass over the window:
/// the trends of `terms` over the window (counted while the items stream
/// past, none kept), and the items scoring itself uses, in id order (the
/// order `RadarIndex::all_items` gives, so ties break the same way):
/// releases, end-of-life tables and registry-status items. Scoring looks at
/// no other kind of item, so its result is the one the whole index gives.
pub fn scoring_input(
    index: &RadarIndex,
    tracked: &[Tracked],
    terms: &[TrackedTerm],
    now: DateTime<Utc>,
    opts: &TrendOptions,
) -> Result<(Vec<Item>, TrendReport), IndexError> {
    let last_week = crate::trend::last_complete_week(now);
    let from = window_start(last_week, opts);
    let mut about: Vec<String> = Vec::new();
    for t in tracked {
        if let Some(p) = &t.tech.package {
            about.push(p.to_lowercase());
        }
        if let Some(r) = &t.tech.repo {
            about.push(repo_about(r));
        }
    }
    about.sort();
    about.dedup();
    let mut counter = TrendCounter::new(terms, last_week, opts);
    let mut by_id: BTreeMap<String, Item> = BTreeMap::new();
    index.visit_published_since(from, |item| {
        counter.add(&item);
        if used_by_scoring(&item) {
            keep(&mut by_id, item);
        }
    })?;
    // Older releases count no mention (the counter ignores anything before
    // the window, and their sources are in `first_seen` already), so they
    // skip the counter. A release also in the window was kept above as the
    // same item; an end-of-life or status release keeps its body below.
    let from_store = index.visit_releases_about_without_body(&about, |item| {
        if !crate::sources::eol::is_eol_item(&item)
            && !crate::sources::registry::status::is_status_item(&item)
        {
            by_id.entry(item.id.clone()).or_insert(item);
        }
    })?;
    if from_store > 0 {
        tracing::debug!("{from_store} releases had no head and were read from the docstore");
    }
    for item in index
        .items_tagged(crate::sources::eol::EOL_TAG)?
        .into_iter()
        .chain(index.items_tagged(crate::sources::registry::status::STATUS_TAG)?)
    {
        keep(&mut by_id, item);
    }
    Ok((by_id.into_values().collect(), counter.finish_in_id_order()))
}

/// Keeps `item` for scoring. A release's body (its changelog) is dropped:
/// scoring reads a release's title, date and link only, and a stack's
/// release history is the one part of this read that grows with the years.
/// End-of-life and registry-status items keep theirs: it is their data.
fn keep(by_id: &mut BTreeMap<String, Item>, mut item: Item) {
    if item.kind == ItemKind::Release
        && !crate::sources::eol::is_eol_item(&item)
        && !crate::sources::registry::status::is_status_item(&item)
    {
        item.body = String::new();
    }
    by_id.entry(item.id.clone()).or_insert(item);
}

/// The items `score::score_tracked` reads: releases (cadence, versions),
/// end-of-life tables and registry statuses. Articles and advisories only
/// count as mentions (advisories reach scoring through the audit engine).
fn used_by_scoring(item: &Item) -> bool {
    item.kind == ItemKind::Release
        || crate::sources::eol::is_eol_item(item)
        || crate::sources::registry::status::is_status_item(item)
}
