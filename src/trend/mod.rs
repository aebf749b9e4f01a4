//! Trends: which technologies the sources mention more and more.
//!
//! Input: indexed items, the terms to track (stack names and aliases,
//! existing entries) and `now`. Output: a [`TrendReport`] with, per term,
//! the number of items mentioning it in each ISO week, growth of the recent
//! weeks against the trailing baseline, and whether it counts as rising.
//! Besides tracked terms it finds candidates in what the sources write:
//! item tags, capitalised product names in titles (`Bun`, `OpenTelemetry`)
//! and repository names (`astral-sh/uv` → `uv`).
//!
//! Pure computation: no index, no files, no clock (the caller passes `now`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::Item;

mod candidates;
#[cfg(test)]
mod tests;

use candidates::candidates_in;

/// How trends are computed; [`Default`] is what `radar trends` uses.
#[derive(Debug, Clone)]
pub struct TrendOptions {
    /// Weeks in the window, the current (partial) week last.
    pub weeks: usize,
    /// The last `recent` weeks are compared with the weeks before them.
    pub recent: usize,
    /// Items mentioning a term in the recent weeks before it can rise.
    pub min_support: usize,
    /// Recent weekly rate over baseline weekly rate (each plus one).
    pub min_growth: f64,
    /// New (untracked) rising terms reported at most.
    pub max_candidates: usize,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            weeks: 12,
            recent: 3,
            min_support: 3,
            min_growth: 2.0,
            max_candidates: 10,
        }
    }
}

impl TrendOptions {
    /// Options for a window of `weeks`: the recent part is a quarter of it
    /// (at least one week), so the baseline is always longer than the
    /// recent part it is compared with.
    pub fn for_weeks(weeks: usize) -> TrendOptions {
        let weeks = weeks.max(2);
        TrendOptions {
            weeks,
            recent: (weeks / 4).max(1),
            ..TrendOptions::default()
        }
    }
}

/// A technology to count: its name plus aliases, all matched as words.
#[derive(Debug, Clone)]
pub struct TrackedTerm {
    pub name: String,
    pub aliases: Vec<String>,
    /// In stack.toml (rather than only an entry on the radar).
    pub in_stack: bool,
}

/// `--json` shape for `trends` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct TrendReport {
    pub weeks: usize,
    /// ISO week of each count, oldest first (`2026-W48`).
    pub week_labels: Vec<String>,
    /// Tracked terms (all) and rising candidates, rising first, then by
    /// growth, support and name.
    pub terms: Vec<TermTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermTrend {
    pub term: String,
    /// Items mentioning the term per week, oldest first.
    pub counts: Vec<usize>,
    /// (recent weekly rate + 1) / (baseline weekly rate + 1).
    pub growth: f64,
    /// Items in the recent weeks.
    pub recent: usize,
    /// How many trailing weeks count as recent.
    pub recent_weeks: usize,
    pub in_stack: bool,
    /// Tracked (in the stack or on the radar) rather than a new candidate.
    pub tracked: bool,
    pub rising: bool,
    /// Links to the newest items mentioning it, newest first (at most 3).
    pub evidence: Vec<String>,
}

impl TrendReport {
    pub fn term(&self, name: &str) -> Option<&TermTrend> {
        let name = name.to_lowercase();
        self.terms.iter().find(|t| t.term.to_lowercase() == name)
    }

    /// Rising terms nobody tracks yet: the `assess` candidates.
    pub fn candidates(&self) -> impl Iterator<Item = &TermTrend> {
        self.terms.iter().filter(|t| t.rising && !t.tracked)
    }
}

/// Counts mentions per ISO week and ranks terms by growth.
pub fn trends(
    items: &[Item],
    tracked: &[TrackedTerm],
    now: DateTime<Utc>,
    opts: &TrendOptions,
) -> TrendReport {
    let weeks = opts.weeks.max(2);
    let recent = opts.recent.clamp(1, weeks - 1);
    let this_monday = monday(now.date_naive());
    let week_labels: Vec<String> = (0..weeks)
        .map(|i| {
            let d = this_monday - Duration::weeks((weeks - 1 - i) as i64);
            format!("{}", d.format("%G-W%V"))
        })
        .collect();
    // Only items inside the window matter, each with its week slot.
    let window: Vec<(usize, &Item)> = items
        .iter()
        .filter_map(|item| {
            let published = item.published?;
            if published > now {
                return None;
            }
            let ago = (this_monday - monday(published.date_naive())).num_weeks();
            (0..weeks as i64)
                .contains(&ago)
                .then(|| (weeks - 1 - ago as usize, item))
        })
        .collect();

    let mut terms = TermTable::default();
    for t in tracked {
        let id = terms.add_tracked(&t.name, t.in_stack);
        for a in &t.aliases {
            terms.add_phrase(a, id);
        }
        // Tags write "GitHub Actions" as `github-actions`.
        if t.name.contains(' ') {
            terms.add_phrase(&t.name.replace(' ', "-"), id);
        }
    }
    // Pass 1: candidate terms from titles and tags.
    let mut spellings: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for (_, item) in &window {
        for cand in candidates_in(item) {
            let key = cand.to_lowercase();
            if terms.lookup_phrase(&key).is_none() {
                *spellings.entry(key).or_default().entry(cand).or_default() += 1;
            }
        }
    }
    let mut keys: Vec<&String> = spellings.keys().collect();
    keys.sort();
    for key in keys {
        // The spelling used most often names the term; ties by string order.
        let display = spellings[key]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(s, _)| s.clone())
            .unwrap_or_else(|| key.clone());
        terms.add_candidate(&display);
    }

    // Pass 2: count items mentioning each term, per week.
    let n = terms.names.len();
    let mut counts = vec![vec![0usize; weeks]; n];
    let mut newest: Vec<Vec<(DateTime<Utc>, &str)>> = vec![Vec::new(); n];
    let mut seen: HashSet<usize> = HashSet::new();
    let mut text = String::new();
    for (slot, item) in &window {
        seen.clear();
        text.clear();
        text.push_str(&item.title);
        text.push('\n');
        text.push_str(&item.body);
        for tag in &item.tags {
            text.push('\n');
            text.push_str(tag);
        }
        terms.find_all(&text.to_lowercase(), &mut seen);
        for &id in &seen {
            counts[id][*slot] += 1;
            if let (Some(url), Some(p)) = (item.url.as_deref(), item.published) {
                keep_newest(&mut newest[id], (p, url), 3);
            }
        }
    }

    let mut out: Vec<TermTrend> = Vec::new();
    let mut candidates: Vec<TermTrend> = Vec::new();
    for id in 0..n {
        let c = &counts[id];
        let recent_sum: usize = c[weeks - recent..].iter().sum();
        let base_sum: usize = c[..weeks - recent].iter().sum();
        let recent_rate = recent_sum as f64 / recent as f64;
        let base_rate = base_sum as f64 / (weeks - recent) as f64;
        let growth = round2((recent_rate + 1.0) / (base_rate + 1.0));
        let rising = recent_sum >= opts.min_support && growth >= opts.min_growth;
        let t = TermTrend {
            term: terms.names[id].clone(),
            counts: c.clone(),
            growth,
            recent: recent_sum,
            recent_weeks: recent,
            in_stack: terms.in_stack[id],
            tracked: terms.tracked[id],
            rising,
            evidence: newest[id].iter().map(|(_, u)| u.to_string()).collect(),
        };
        if t.tracked {
            out.push(t);
        } else if rising {
            candidates.push(t);
        }
    }
    candidates.sort_by(rank);
    candidates.truncate(opts.max_candidates);
    out.extend(candidates);
    out.sort_by(rank);
    TrendReport {
        weeks,
        week_labels,
        terms: out,
    }
}

fn rank(a: &TermTrend, b: &TermTrend) -> std::cmp::Ordering {
    b.rising
        .cmp(&a.rising)
        .then(b.growth.total_cmp(&a.growth))
        .then(b.recent.cmp(&a.recent))
        .then(a.term.to_lowercase().cmp(&b.term.to_lowercase()))
        .then(a.term.cmp(&b.term))
}

fn keep_newest<'a>(
    list: &mut Vec<(DateTime<Utc>, &'a str)>,
    x: (DateTime<Utc>, &'a str),
    max: usize,
) {
    if list.iter().any(|(_, u)| *u == x.1) {
        return;
    }
    list.push(x);
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    list.truncate(max);
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Terms and the word sequences that mention them.
#[derive(Default)]
struct TermTable {
    names: Vec<String>,
    in_stack: Vec<bool>,
    tracked: Vec<bool>,
    /// First word → (remaining words, term id).
    by_first: HashMap<String, Vec<(Vec<String>, usize)>>,
}

impl TermTable {
    fn add_tracked(&mut self, name: &str, in_stack: bool) -> usize {
        let id = self.names.len();
        self.names.push(name.to_string());
        self.in_stack.push(in_stack);
        self.tracked.push(true);
        self.add_phrase(name, id);
        id
    }

    fn add_candidate(&mut self, name: &str) {
        let id = self.names.len();
        self.names.push(name.to_string());
        self.in_stack.push(false);
        self.tracked.push(false);
        self.add_phrase(name, id);
    }

    fn add_phrase(&mut self, phrase: &str, id: usize) {
        let words = words(&phrase.to_lowercase());
        let Some((first, rest)) = words.split_first() else {
            return;
        };
        let list = self.by_first.entry(first.clone()).or_default();
        if !list.iter().any(|(r, i)| r == rest && *i == id) {
            list.push((rest.to_vec(), id));
        }
    }

    fn lookup_phrase(&self, lower: &str) -> Option<usize> {
        let words = words(lower);
        let (first, rest) = words.split_first()?;
        self.by_first
            .get(first)?
            .iter()
            .find(|(r, _)| r == rest)
            .map(|(_, id)| *id)
    }

    /// Every term mentioned in `lower` (already lower-cased).
    fn find_all(&self, lower: &str, found: &mut HashSet<usize>) {
        let toks = words(lower);
        for i in 0..toks.len() {
            let mut matched = self.match_at(&toks, i, &toks[i], found);
            // `tokio-1.47.1`, `react-dom`: the parts name things too, when
            // the whole word names nothing.
            if !matched && toks[i].contains('-') {
                for part in toks[i].split('-').filter(|p| !p.is_empty()) {
                    matched |= self.match_at(&toks, i, part, found);
                }
            }
        }
    }

    fn match_at(&self, toks: &[String], i: usize, first: &str, found: &mut HashSet<usize>) -> bool {
        let Some(list) = self.by_first.get(first) else {
            return false;
        };
        let mut any = false;
        for (rest, id) in list {
            if toks.len() > i + rest.len() && toks[i + 1..=i + rest.len()] == rest[..] {
                found.insert(*id);
                any = true;
            }
        }
        any
    }
}

/// Splits text into words: letters, digits and the characters product names
/// use (`node.js`, `c++`, `c#`, `pip-tools`), without trailing sentence dots.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '#' | '-' | '_')))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
