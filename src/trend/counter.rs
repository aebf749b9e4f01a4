//! Counting mentions while the window streams past: [`TrendCounter`] takes
//! items one at a time and keeps of each only what counting needs (its
//! week, source, link, and its words as interned ids), never the item.
//! Memory follows the words in the window, not the stored items; the
//! report is the one counting a slice of items gives. Turning counts into
//! directions is `mod.rs`'s job.

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::ops::Range;

use super::candidates::candidates_in;
use super::terms::{TermTable, Vocab, find_all};
use super::{Counts, TrackedTerm, TrendOptions, TrendReport, keep_newest, lower_words, monday};
use crate::model::Item;

/// One window item as the counting pass needs it.
struct Seen {
    id: String,
    slot: usize,
    source: u32,
    url: Option<String>,
    published: DateTime<Utc>,
    /// Its words, in `TrendCounter::tokens`.
    tokens: Range<usize>,
}

/// Trends over a window fed one item at a time; see [`super::trends_ending`].
pub struct TrendCounter {
    opts: TrendOptions,
    weeks: usize,
    recent: usize,
    last_monday: NaiveDate,
    vocab: Vocab,
    terms: TermTable,
    sources: FxHashMap<String, u32>,
    /// The first day of the recent weeks.
    recent_start: DateTime<Utc>,
    /// Sources with history: anything published before the recent weeks,
    /// in the whole index (`opts.first_seen`) or among the items fed (the
    /// window and anything older). A feed that keeps only its newest
    /// entries is new on its first crawl and established once the index
    /// holds its older items.
    established: FxHashSet<String>,
    /// Candidate key → its spellings and how often each was seen. Only
    /// keys that name no tracked term get here.
    spellings: FxHashMap<String, BTreeMap<String, usize>>,
    tokens: Vec<u32>,
    seen: Vec<Seen>,
    /// Scratch space for lower-casing one word.
    word: String,
}

impl TrendCounter {
    /// A counter for the window whose last week starts on the Monday of
    /// `last_week` (any day of it will do).
    pub fn new(tracked: &[TrackedTerm], last_week: NaiveDate, opts: &TrendOptions) -> TrendCounter {
        let weeks = opts.weeks.max(2);
        let mut vocab = Vocab::default();
        let mut terms = TermTable::default();
        for t in tracked {
            let id = terms.add_tracked(&mut vocab, &t.name, t.in_stack);
            for a in &t.aliases {
                terms.add_phrase(&mut vocab, a, id);
            }
            // Tags write "GitHub Actions" as `github-actions`.
            if t.name.contains(' ') {
                terms.add_phrase(&mut vocab, &t.name.replace(' ', "-"), id);
            }
        }
        let recent = opts.recent.clamp(1, weeks - 1);
        let recent_start = (monday(last_week) - chrono::Duration::weeks(recent as i64 - 1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let established = opts
            .first_seen
            .iter()
            .filter(|(_, first)| **first < recent_start)
            .map(|(source, _)| source.clone())
            .collect();
        TrendCounter {
            opts: opts.clone(),
            weeks,
            recent,
            recent_start,
            last_monday: monday(last_week),
            vocab,
            terms,
            sources: FxHashMap::default(),
            established,
            spellings: FxHashMap::default(),
            tokens: Vec::new(),
            seen: Vec::new(),
            word: String::new(),
        }
    }

    /// Counts `item` if it falls in the window; anything else is ignored.
    pub fn add(&mut self, item: &Item) {
        // A table of end-of-life dates is not a mention.
        if crate::sources::eol::is_eol_item(item) {
            return;
        }
        let Some(published) = item.published else {
            return;
        };
        if published < self.recent_start && !self.established.contains(&item.source) {
            self.established.insert(item.source.clone());
        }
        let ago = (self.last_monday - monday(published.date_naive())).num_weeks();
        if !(0..self.weeks as i64).contains(&ago) {
            return;
        }
        let slot = self.weeks - 1 - ago as usize;
        // Candidate names from titles and tags; counted once all are known.
        for cand in candidates_in(item) {
            let key = cand.to_lowercase();
            // A key already here named no term when first seen, and still
            // does not: every term's words were interned up front.
            if let Some(spellings) = self.spellings.get_mut(&key) {
                *spellings.entry(cand).or_default() += 1;
            } else if self.terms.lookup_phrase(&self.vocab, &key).is_none() {
                self.spellings.entry(key).or_default().insert(cand, 1);
            }
        }
        let source = match self.sources.get(item.source.as_str()) {
            Some(&id) => id,
            None => {
                let next = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
                self.sources.insert(item.source.clone(), next);
                next
            }
        };
        // The words of title, body and tags, as if joined by newlines and
        // lower-cased (a newline ends a word and no lower-casing rule looks
        // across one), without building that text.
        let start = self.tokens.len();
        let (vocab, tokens, word) = (&mut self.vocab, &mut self.tokens, &mut self.word);
        let mut push = |w: &str| tokens.push(vocab.intern(w));
        lower_words(&item.title, word, &mut push);
        lower_words(&item.body, word, &mut push);
        for tag in &item.tags {
            lower_words(tag, word, &mut push);
        }
        self.seen.push(Seen {
            id: item.id.clone(),
            slot,
            source,
            url: item.url.clone(),
            published,
            tokens: start..self.tokens.len(),
        });
    }

    /// The report, counting items in the order they were added.
    pub fn finish(self) -> TrendReport {
        self.report()
    }

    /// The report, counting items in id order: the order a read of the
    /// whole index gave, which decides the evidence links when two items
    /// share a link. For items read in storage order.
    pub fn finish_in_id_order(mut self) -> TrendReport {
        self.seen.sort_by(|a, b| a.id.cmp(&b.id));
        self.report()
    }

    fn report(mut self) -> TrendReport {
        let mut keys: Vec<&String> = self.spellings.keys().collect();
        keys.sort();
        for key in keys {
            // The spelling used most often names the term; ties by string order.
            let display = self.spellings[key]
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_else(|| key.clone());
            self.terms.add_candidate(&mut self.vocab, &display);
        }
        let parts = self.vocab.hyphen_parts();
        let by_first = self.terms.by_first_dense(self.vocab.len());
        let (weeks, recent) = (self.weeks, self.recent);
        let n = self.terms.names.len();
        let mut counts = vec![vec![0usize; weeks]; n];
        let mut sources: Vec<FxHashSet<u32>> = vec![FxHashSet::default(); n];
        let mut recent_sources: Vec<FxHashSet<u32>> = vec![FxHashSet::default(); n];
        let mut recent_established = vec![0usize; n];
        // Source ids with history, from the names gathered while feeding.
        let established: FxHashSet<u32> = self
            .sources
            .iter()
            .filter(|(name, _)| self.established.contains(*name))
            .map(|(_, id)| *id)
            .collect();
        let mut newest: Vec<Vec<(DateTime<Utc>, &str)>> = vec![Vec::new(); n];
        let mut stamp = vec![0usize; n];
        let mut found: Vec<usize> = Vec::new();
        for (k, s) in self.seen.iter().enumerate() {
            found.clear();
            let toks = &self.tokens[s.tokens.clone()];
            find_all(toks, &by_first, &parts, &mut stamp, k + 1, &mut found);
            for &id in &found {
                counts[id][s.slot] += 1;
                sources[id].insert(s.source);
                if s.slot >= weeks - recent {
                    recent_sources[id].insert(s.source);
                    if established.contains(&s.source) {
                        recent_established[id] += 1;
                    }
                }
                if let Some(url) = s.url.as_deref() {
                    keep_newest(&mut newest[id], (s.published, url), 3);
                }
            }
        }
        let established = &established;
        let per_term: Vec<Counts> = (0..n)
            .map(|id| Counts {
                counts: std::mem::take(&mut counts[id]),
                sources: sources[id].len(),
                recent_sources: recent_sources[id].len(),
                established_sources: recent_sources[id]
                    .iter()
                    .filter(|s| established.contains(*s))
                    .count(),
                recent_established: recent_established[id],
                evidence: newest[id].iter().map(|(_, u)| u.to_string()).collect(),
            })
            .collect();
        super::report(
            &self.terms.names,
            &self.terms.in_stack,
            &self.terms.tracked,
            per_term,
            self.last_monday,
            recent,
            &self.opts,
        )
    }
}
