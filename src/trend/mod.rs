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
use std::collections::HashMap;

use crate::model::Item;

mod candidates;
mod counter;
mod stats;
mod terms;
#[cfg(test)]
mod tests;

pub use counter::TrendCounter;

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
    let mut counter = TrendCounter::new(tracked, last_week, opts);
    for item in items {
        counter.add(item);
    }
    counter.finish()
}

/// What the counting pass found for one term.
struct Counts {
    /// Items mentioning it per week, oldest first.
    counts: Vec<usize>,
    sources: usize,
    recent_sources: usize,
    established_sources: usize,
    /// Recent items from established sources.
    recent_established: usize,
    evidence: Vec<String>,
}

/// The report from per-term counts (`names[i]` is counted by `per_term[i]`):
/// directions decided, every tracked term and the strongest rising
/// candidates kept, ranked.
fn report(
    names: &[String],
    in_stack: &[bool],
    tracked: &[bool],
    per_term: Vec<Counts>,
    last_monday: NaiveDate,
    recent: usize,
    opts: &TrendOptions,
) -> TrendReport {
    let weeks = opts.weeks.max(2);
    let week_labels: Vec<String> = (0..weeks)
        .map(|i| {
            let d = last_monday - Duration::weeks((weeks - 1 - i) as i64);
            format!("{}", d.format("%G-W%V"))
        })
        .collect();
    let mut out: Vec<TermTrend> = Vec::new();
    let mut candidates: Vec<TermTrend> = Vec::new();
    for (id, c) in per_term.into_iter().enumerate() {
        let recent_sum: usize = c.counts[weeks - recent..].iter().sum();
        let base_sum: usize = c.counts[..weeks - recent].iter().sum();
        let recent_rate = recent_sum as f64 / recent as f64;
        let base_rate = base_sum as f64 / (weeks - recent) as f64;
        let growth = round2((recent_rate + 1.0) / (base_rate + 1.0));
        // The test compares like with like: baseline mentions all come from
        // sources seen then, so only those sources' recent mentions count. A
        // feed added last week (or an advisory feed whose first crawl holds
        // only this month) would otherwise read as a surge.
        let (direction, p_value) = direction(
            c.recent_established,
            base_sum,
            recent,
            weeks - recent,
            c.established_sources,
            opts,
        );
        let t = TermTrend {
            term: names[id].clone(),
            counts: c.counts,
            growth,
            recent: recent_sum,
            recent_weeks: recent,
            baseline_rate: round2(base_rate),
            in_stack: in_stack[id],
            tracked: tracked[id],
            rising: direction == Direction::Rising,
            direction,
            sources: c.sources,
            recent_sources: c.recent_sources,
            established_sources: c.established_sources,
            recent_established: c.recent_established,
            p_value,
            evidence: c.evidence,
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

/// Keeps the `max` newest links in `list`, newest first (ties by link); a
/// link already in the list keeps its place. Called for every mention, so
/// it inserts in place instead of sorting: the result is the one "push,
/// sort, cut to `max`" gives.
fn keep_newest<'a>(
    list: &mut Vec<(DateTime<Utc>, &'a str)>,
    x: (DateTime<Utc>, &'a str),
    max: usize,
) {
    if list.iter().any(|(_, u)| *u == x.1) {
        return;
    }
    // Links differ, so `x` never ties with an entry.
    let at = list
        .iter()
        .position(|e| sorts_before(&x, e))
        .unwrap_or(list.len());
    if at >= max {
        return;
    }
    list.insert(at, x);
    list.truncate(max);
}

/// Newer first, then by link.
fn sorts_before(a: &(DateTime<Utc>, &str), b: &(DateTime<Utc>, &str)) -> bool {
    b.0.cmp(&a.0).then(a.1.cmp(b.1)).is_lt()
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Splits text into words: letters, digits and the characters product names
/// use (`node.js`, `c++`, `c#`, `pip-tools`), without trailing sentence dots.
pub(crate) fn word_slices(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '+' | '#' | '-' | '_')))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-' || c == '_'))
        .filter(|w| !w.is_empty())
}

/// ASCII bytes that belong to a word (see [`word_slices`]), as a table: the
/// word loop looks up every byte of every window item.
const WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'#' | b'-' | b'_');
        b += 1;
    }
    t
};

/// The words of `text.to_lowercase()` ([`word_slices`]), each handed to
/// `f`. Counting does this for every word of every window item, so ASCII
/// text (nearly all of it) takes a path that neither copies the text nor
/// decodes characters: for ASCII, lower-casing maps letters to letters and
/// leaves everything else alone, so splitting first and lower-casing each
/// word gives the same words. Other text is lower-cased whole first, as
/// before: `İ` lower-cases to two characters, the second of which splits.
/// `buf` is scratch space for a word with capitals.
pub(crate) fn lower_words(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    if !text.is_ascii() {
        let lower = text.to_lowercase();
        for w in word_slices(&lower) {
            f(w);
        }
        return;
    }
    let bytes = text.as_bytes();
    let is_word = |b: u8| WORD_BYTE[usize::from(b)];
    let trimmed = |b: u8| matches!(b, b'.' | b'-' | b'_');
    let mut i = 0;
    while i < bytes.len() {
        if !is_word(bytes[i]) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && is_word(bytes[end]) {
            end += 1;
        }
        let (mut a, mut b) = (i, end);
        i = end;
        while a < b && trimmed(bytes[a]) {
            a += 1;
        }
        while b > a && trimmed(bytes[b - 1]) {
            b -= 1;
        }
        if a == b {
            continue;
        }
        // Every index is a character boundary: the text is ASCII.
        let w = &text[a..b];
        if w.bytes().any(|c| c.is_ascii_uppercase()) {
            buf.clear();
            buf.push_str(w);
            buf.make_ascii_lowercase();
            f(buf);
        } else {
            f(w);
        }
    }
}
