//! How long each source has been seen: the oldest `published` date per
//! source across the whole index, read from the `source` and `published`
//! fast columns. No stored document is opened, so the cost is two column
//! reads per item whatever the bodies weigh.
//!
//! Owns nothing but this read; what the dates mean (a source with no
//! history cannot make a term rise) is `trend`'s business.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tantivy::DateTime as TantivyDate;

use super::{IndexError, RadarIndex};

pub(super) fn first_published_by_source(
    index: &RadarIndex,
) -> Result<HashMap<String, DateTime<Utc>>, IndexError> {
    let searcher = index.reader.searcher();
    let mut out: HashMap<String, DateTime<Utc>> = HashMap::new();
    let mut name = String::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let published = fast
            .date("published")
            .map_err(index.tantivy_err("read the published column"))?;
        let Some(sources) = fast
            .str("source")
            .map_err(index.tantivy_err("read the source column"))?
        else {
            continue;
        };
        // Oldest timestamp per source ordinal of this segment.
        let mut oldest: Vec<Option<i64>> = vec![None; sources.num_terms()];
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let Some(when) = published.first(doc).map(TantivyDate::into_timestamp_secs) else {
                continue;
            };
            for ord in sources.term_ords(doc) {
                if let Some(slot) = usize::try_from(ord).ok().and_then(|o| oldest.get_mut(o)) {
                    *slot = Some(slot.map_or(when, |s| s.min(when)));
                }
            }
        }
        for (ord, when) in oldest.into_iter().enumerate() {
            let Some(when) = when.and_then(|s| DateTime::from_timestamp(s, 0)) else {
                continue;
            };
            name.clear();
            let found = sources
                .ord_to_str(ord as u64, &mut name)
                .map_err(|e| index.tantivy_err("read the source column")(e.into()))?;
            if found {
                out.entry(name.clone())
                    .and_modify(|d| *d = (*d).min(when))
                    .or_insert(when);
            }
        }
    }
    Ok(out)
}
