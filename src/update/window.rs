//! What `update` reads from the index: only what scoring can use, so the
//! cost follows the window and the stack, not years of history.
//!
//! - items published in the trend window (the complete weeks `trend`
//!   counts, ending with the last complete week before `now`);
//! - every release about a tracked tech's package or GitHub repository,
//!   whatever its age (release cadence and "majors behind" need history);
//! - every end-of-life table;
//! - every registry-status item (yanked and deprecated versions; undated,
//!   so no date range finds them).
//!
//! Scoring filters these exactly as it filtered the whole index, so the
//! result is the same; reads only, writes nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

use crate::index::{IndexError, RadarIndex, repo_about};
use crate::model::Item;
use crate::score::Tracked;
use crate::trend::TrendOptions;

/// Midnight UTC of the first Monday of the trend window whose last week
/// starts on `last_monday`.
pub fn window_start(last_monday: NaiveDate, opts: &TrendOptions) -> DateTime<Utc> {
    let weeks = opts.weeks.max(2) as i64;
    (last_monday - Duration::weeks(weeks - 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

/// The items scoring `tracked` at `now` can use, in id order (the order
/// `RadarIndex::all_items` gives, so ties break the same way).
pub fn scoring_items(
    index: &RadarIndex,
    tracked: &[Tracked],
    now: DateTime<Utc>,
    opts: &TrendOptions,
) -> Result<Vec<Item>, IndexError> {
    let from = window_start(crate::trend::last_complete_week(now), opts);
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
    let mut by_id: BTreeMap<String, Item> = BTreeMap::new();
    for item in index
        .items_published_since(from)?
        .into_iter()
        .chain(index.releases_about(&about)?)
        .chain(index.items_tagged(crate::sources::eol::EOL_TAG)?)
        .chain(index.items_tagged(crate::sources::registry::status::STATUS_TAG)?)
    {
        by_id.entry(item.id.clone()).or_insert(item);
    }
    Ok(by_id.into_values().collect())
}
