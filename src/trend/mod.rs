//! Trends: which technologies the sources mention more, and which less.
//!
//! Input: indexed items, the terms to track (stack names and aliases,
//! existing entries) and the window's last week. Output: a [`TrendReport`]
//! with, per term, the number of items mentioning it in each ISO week, the
//! distinct sources behind them, and a [`Direction`] decided by an exact
//! conditional binomial test (`stats`) of the recent weeks' count against
//! the baseline weeks' count. Besides tracked terms it finds candidates in
//! what the sources write: item tags, capitalised product names in titles
//! (`Bun`, `OpenTelemetry`) and repository names (`astral-sh/uv` → `uv`).
//!
//! The window ends with the last *complete* ISO week: a partial week would
//! read as a fall on Mondays and as nothing on Sundays. A source first
//! seen in the recent weeks (a feed added last week, an advisory feed whose
//! first crawl holds only this month) has nothing to compare with, so its
//! mentions cannot make a term rise: every one would read as new. "Seen"
//! means its oldest item in the whole index (`TrendOptions::first_seen`),
//! so a feed is established once the index holds older items of it.
//!
//! Pure computation: no index, no files, no clock (the caller passes `now`
//! or the last week).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::Item;

mod candidates;
mod stats;
#[cfg(test)]
mod tests;

use candidates::candidates_in;

/// How trends are computed; [`Default`] is what `radar trends` uses.
#[derive(Debug, Clone)]
pub struct TrendOptions {
    /// Complete weeks in the window, the last complete week last.
    pub weeks: usize,
    /// The last `recent` weeks are compared with the weeks before them.
    pub recent: usize,
    /// Significance level of each one-sided test (rising, falling).
    pub alpha: f64,
    /// Items mentioning a term in the recent weeks before it can rise.
    pub min_support: usize,
    /// Distinct sources mentioning it in the recent weeks before it can
    /// rise: one feed repeating a name is not a trend.
    pub min_sources: usize,
    /// New (untracked) rising terms reported at most.
    pub max_candidates: usize,
    /// The oldest item of each source in the whole index (not just the
    /// window). A source counts towards a rise only when it was seen before
    /// the recent weeks; sources missing here are judged by the items
    /// given.
    pub first_seen: HashMap<String, DateTime<Utc>>,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            weeks: 12,
            recent: 3,
            alpha: 0.01,
            min_support: 4,
            min_sources: 2,
            max_candidates: 10,
            first_seen: HashMap::new(),
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

/// Where a term's mentions are heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Rising,
    Falling,
    Steady,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Rising => "rising",
            Direction::Falling => "falling",
            Direction::Steady => "steady",
        }
    }
}

/// `--json` shape for `trends` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct TrendReport {
    pub weeks: usize,
    /// ISO week of each count, oldest first (`2026-W48`); the last is the
    /// last complete week (or `--week`).
    pub week_labels: Vec<String>,
    /// The test behind `direction`, in words.
    pub test: String,
    /// Tracked terms (all) and rising candidates: rising first, then
    /// falling, then steady; strongest evidence first within each.
    pub terms: Vec<TermTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermTrend {
    pub term: String,
    /// Items mentioning the term per week, oldest first.
    pub counts: Vec<usize>,
    /// (recent weekly rate + 1) / (baseline weekly rate + 1): a size, not
    /// the decision (`direction` is).
    pub growth: f64,
    /// Items in the recent weeks.
    pub recent: usize,
    /// How many trailing weeks count as recent.
    pub recent_weeks: usize,
    /// Items per week in the weeks before the recent ones.
    pub baseline_rate: f64,
    pub in_stack: bool,
    /// Tracked (in the stack or on the radar) rather than a new candidate.
    pub tracked: bool,
    /// `direction == rising`, kept for readers of the first JSON shape.
    pub rising: bool,
    pub direction: Direction,
    /// Distinct sources mentioning it anywhere in the window.
    pub sources: usize,
    /// Distinct sources mentioning it in the recent weeks.
    pub recent_sources: usize,
    /// Of those, the sources seen before the recent weeks (their oldest
    /// item in the index is older): only these can make a term rise.
    pub established_sources: usize,
    /// Recent items from established sources: the count the test uses.
    pub recent_established: usize,
    /// One-sided p-value of the test in the direction the counts lean
    /// (the smaller tail); `direction` is not steady only when it is at or
    /// below the report's significance level and the support rules hold.
    pub p_value: f64,
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

/// The Monday of the last complete ISO week before `now`.
pub fn last_complete_week(now: DateTime<Utc>) -> NaiveDate {
    monday(now.date_naive()) - Duration::weeks(1)
}

/// Trends over the window that ends with the last complete week before
/// `now`: every weekday of a week gives the same answer.
pub fn trends(
    items: &[Item],
    tracked: &[TrackedTerm],
    now: DateTime<Utc>,
    opts: &TrendOptions,
) -> TrendReport {
    trends_ending(items, tracked, last_complete_week(now), opts)
}

/// Trends over the window whose last week starts on the Monday of
/// `last_week` (any day of it will do).
pub fn trends_ending(
    items: &[Item],
    tracked: &[TrackedTerm],
    last_week: NaiveDate,
    opts: &TrendOptions,
) -> TrendReport {
    let weeks = opts.weeks.max(2);
    let recent = opts.recent.clamp(1, weeks - 1);
    let last_monday = monday(last_week);
    let week_labels: Vec<String> = (0..weeks)
        .map(|i| {
            let d = last_monday - Duration::weeks((weeks - 1 - i) as i64);
            format!("{}", d.format("%G-W%V"))
        })
        .collect();
    // Only items inside the window matter, each with its week slot.
    let window: Vec<(usize, &Item)> = items
        .iter()
        .filter_map(|item| {
            // A table of end-of-life dates is not a mention.
            if crate::sources::eol::is_eol_item(item) {
                return None;
            }
            let published = item.published?;
            let ago = (last_monday - monday(published.date_naive())).num_weeks();
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

    // Sources with history: anything published before the recent weeks,
    // in the whole index (`first_seen`) or among the items given. A feed
    // that keeps only its newest entries is new on its first crawl and
    // established once the index holds its older items.
    let recent_start = (last_monday - Duration::weeks(recent as i64 - 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let mut established: HashSet<&str> = opts
        .first_seen
        .iter()
        .filter(|(_, first)| **first < recent_start)
        .map(|(source, _)| source.as_str())
        .collect();
    established.extend(
        items
            .iter()
            .filter(|i| i.published.is_some_and(|p| p < recent_start))
            .map(|i| i.source.as_str()),
    );

    // Pass 2: count items mentioning each term, per week, and who wrote them.
    let n = terms.names.len();
    let mut counts = vec![vec![0usize; weeks]; n];
    let mut sources: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); n];
    let mut recent_sources: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); n];
    let mut recent_established = vec![0usize; n];
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
            sources[id].insert(item.source.as_str());
            if *slot >= weeks - recent {
                recent_sources[id].insert(item.source.as_str());
                if established.contains(item.source.as_str()) {
                    recent_established[id] += 1;
                }
            }
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
        let established_sources = recent_sources[id]
            .iter()
            .filter(|s| established.contains(*s))
            .count();
        // The test compares like with like: baseline mentions all come from
        // sources seen then, so only those sources' recent mentions count. A
        // feed added last week (or an advisory feed whose first crawl holds
        // only this month) would otherwise read as a surge.
        let (direction, p_value) = direction(
            recent_established[id],
            base_sum,
            recent,
            weeks - recent,
            established_sources,
            opts,
        );
        let t = TermTrend {
            term: terms.names[id].clone(),
            counts: c.clone(),
            growth,
            recent: recent_sum,
            recent_weeks: recent,
            baseline_rate: round2(base_rate),
            in_stack: terms.in_stack[id],
            tracked: terms.tracked[id],
            rising: direction == Direction::Rising,
            direction,
            sources: sources[id].len(),
            recent_sources: recent_sources[id].len(),
            established_sources,
            recent_established: recent_established[id],
            p_value,
            evidence: newest[id].iter().map(|(_, u)| u.to_string()).collect(),
        };
        if t.tracked {
            out.push(t);
        } else if t.rising {
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
        test: format!(
            "exact conditional binomial test of the last {recent} weeks against the {} before, one-sided, significance {}; rising also needs {} mentions from {} sources, and only sources seen before the recent weeks count",
            weeks - recent,
            opts.alpha,
            opts.min_support,
            opts.min_sources
        ),
        terms: out,
    }
}

/// The documented rule (README "Trends"): with `n = recent + baseline`
/// mentions, a steady rate puts Binomial(n, r / (r + b)) of them in the
/// recent weeks. Rising when P(X ≥ recent) ≤ alpha, the recent weeks hold at
/// least `min_support` mentions and `min_sources` sources wrote them;
/// falling when P(X ≤ recent) ≤ alpha. Returns the direction and the
/// p-value of the tail the counts lean towards.
pub fn direction(
    recent: usize,
    baseline: usize,
    recent_weeks: usize,
    baseline_weeks: usize,
    recent_sources: usize,
    opts: &TrendOptions,
) -> (Direction, f64) {
    let n = recent + baseline;
    if n == 0 || recent_weeks == 0 || baseline_weeks == 0 {
        return (Direction::Steady, 1.0);
    }
    let p = recent_weeks as f64 / (recent_weeks + baseline_weeks) as f64;
    let expected = n as f64 * p;
    if recent as f64 >= expected {
        let pv = round_p(stats::upper_tail(n, recent, p));
        let rising =
            pv <= opts.alpha && recent >= opts.min_support && recent_sources >= opts.min_sources;
        (
            if rising {
                Direction::Rising
            } else {
                Direction::Steady
            },
            pv,
        )
    } else {
        let pv = round_p(stats::lower_tail(n, recent, p));
        (
            if pv <= opts.alpha {
                Direction::Falling
            } else {
                Direction::Steady
            },
            pv,
        )
    }
}

fn rank(a: &TermTrend, b: &TermTrend) -> std::cmp::Ordering {
    let order = |d: Direction| match d {
        Direction::Rising => 0,
        Direction::Falling => 1,
        Direction::Steady => 2,
    };
    order(a.direction)
        .cmp(&order(b.direction))
        .then(a.p_value.total_cmp(&b.p_value))
        .then(b.growth.total_cmp(&a.growth))
        .then(b.recent.cmp(&a.recent))
        .then(a.term.to_lowercase().cmp(&b.term.to_lowercase()))
        .then(a.term.cmp(&b.term))
}

/// Six decimals: enough to compare with any sensible significance level,
/// and stable in JSON across machines.
fn round_p(p: f64) -> f64 {
    (p * 1e6).round() / 1e6
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
