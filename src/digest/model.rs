//! The digest's view model: everything a renderer shows, already decided.
//!
//! Collectors (the `radar digest` command wiring) fill a [`DigestInput`];
//! renderers only read it. Nothing here is trusted: titles, summaries and
//! links may come straight from a feed, and every renderer passes them
//! through `digest::sanitize`. Holds no I/O.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::Serialize;
use std::fmt;

use super::DigestError;
use crate::model::{Quadrant, Ring};

/// Everything one weekly digest shows. Order inside the vectors does not
/// matter: renderers rank and number entries themselves, so the same
/// content always renders to the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestInput {
    /// Shown in the heading, e.g. "Platform team radar".
    pub title: String,
    pub week: IsoWeek,
    pub generated: DateTime<Utc>,
    /// 1. Advisories of the week that affect (or may affect) what we run.
    pub action_needed: Vec<ActionItem>,
    /// 1b. Stack technologies past or near their end of life.
    pub end_of_life: Vec<EolAction>,
    /// 2. Releases of our stack, one group per technology.
    pub releases: Vec<ReleaseGroup>,
    /// 2b. Items from sources not bound to a stack tech whose titles name
    /// one next to a version: news, never releases.
    pub news: Vec<NewsItem>,
    /// 3. Rising terms from `trends`.
    pub emerging: Vec<EmergingTerm>,
    /// 4. Ring moves the tool proposed and a lead has not decided yet.
    pub proposals: Vec<ProposedMove>,
    /// 5. The whole radar.
    pub radar: Vec<Blip>,
}

/// One advisory that needs someone to act.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionItem {
    pub severity: Severity,
    /// Package name as the team knows it (`tokio`, `crates.io/tokio`).
    pub package: String,
    /// The version we run, when known.
    pub version: Option<String>,
    /// True when a version matcher (audit) confirmed that `version` is
    /// affected; false when only the package name matched.
    pub confirmed: bool,
    /// Versions that fix it, as the advisory lists them.
    pub fixed: Vec<String>,
    /// One line, e.g. "Upgrade tokio to 1.38.2 or later".
    pub hint: String,
    /// The advisory's one-line summary (from the source: untrusted).
    pub summary: String,
    /// Advisory id first, then aliases (RUSTSEC-…, GHSA-…, CVE-…).
    pub ids: Vec<String>,
    pub links: Vec<String>,
    pub published: Option<DateTime<Utc>>,
}

/// How bad an advisory is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Severity {
    pub level: SeverityLevel,
    /// CVSS base score, when the advisory gives or lets us compute one.
    pub score: Option<f64>,
}

/// Severity buckets, worst first (the derived order ranks them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityLevel {
    Critical,
    High,
    Medium,
    Low,
    /// No score given (many RustSec advisories): treat as worth reading.
    Unknown,
    /// Unmaintained, unsound or notice: no exploit, but plan for it.
    Informational,
}

impl SeverityLevel {
    pub fn label(self) -> &'static str {
        match self {
            SeverityLevel::Critical => "critical",
            SeverityLevel::High => "high",
            SeverityLevel::Medium => "medium",
            SeverityLevel::Low => "low",
            SeverityLevel::Unknown => "unscored",
            SeverityLevel::Informational => "informational",
        }
    }
}

impl Severity {
    /// Buckets a CVSS base score the way CVSS v3 names them.
    pub fn from_score(score: Option<f64>) -> Severity {
        let level = match score {
            Some(s) if s >= 9.0 => SeverityLevel::Critical,
            Some(s) if s >= 7.0 => SeverityLevel::High,
            Some(s) if s >= 4.0 => SeverityLevel::Medium,
            Some(s) if s > 0.0 => SeverityLevel::Low,
            _ => SeverityLevel::Unknown,
        };
        Severity { level, score }
    }

    pub fn informational() -> Severity {
        Severity {
            level: SeverityLevel::Informational,
            score: None,
        }
    }

    /// "high 7.5", "unscored".
    pub fn display(&self) -> String {
        match self.score {
            Some(s) => format!("{} {s:.1}", self.level.label()),
            None => self.level.label().to_string(),
        }
    }
}

/// Releases of one technology of our stack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseGroup {
    /// Technology name as in stack.toml.
    pub tech: String,
    /// The version we run, when known (shown next to the name).
    pub current: Option<String>,
    pub items: Vec<ReleaseItem>,
}

/// A stack technology whose release cycle ends (or ended) soon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EolAction {
    pub tech: String,
    /// The version in use and the release cycle it belongs to.
    pub version: String,
    pub cycle: String,
    pub eol: chrono::NaiveDate,
    /// True once `eol` is past.
    pub past: bool,
    pub lts: bool,
    /// The oldest cycle still supported, e.g. "3.9".
    pub upgrade_to: Option<String>,
    pub url: Option<String>,
}

/// A title naming a stack technology next to a version, from a source not
/// bound to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewsItem {
    /// The source's name in radar.toml.
    pub source: String,
    pub tech: String,
    pub title: String,
    /// The version the title claims.
    pub claimed: String,
    /// Set when `claimed` is far above the newest release seen from an
    /// authoritative source (or the version in use): the newest known.
    pub suspicious_above: Option<String>,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseItem {
    pub title: String,
    pub version: Option<String>,
    /// A new major (or a new minor of a 0.x) relative to what we run.
    pub major: bool,
    /// Release notes.
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

/// One rising term, as `radar trends` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergingTerm {
    pub term: String,
    /// Mentions per week, oldest first; the last one is the digest's week.
    pub weekly_counts: Vec<u32>,
    /// Growth factor of the recent weeks over the earlier ones (1.0 = flat).
    pub growth: f64,
    /// Whether the term is already one of our technologies.
    pub in_stack: bool,
}

/// A ring move the tool proposes, awaiting `radar review`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposedMove {
    pub name: String,
    pub quadrant: Quadrant,
    /// `None` for a technology not on the radar yet (a rising term).
    pub from: Option<Ring>,
    pub to: Ring,
    /// Strongest reasons first; renderers show the top three.
    pub reasons: Vec<String>,
    pub links: Vec<String>,
}

/// One entry on the radar picture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blip {
    pub name: String,
    pub quadrant: Quadrant,
    pub ring: Ring,
    pub movement: Movement,
}

/// What changed for an entry since the previous digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    /// Not on the radar before.
    New,
    /// Moved towards adopt.
    MovedIn,
    /// Moved towards hold.
    MovedOut,
    Unchanged,
}

impl Movement {
    /// Movement from one ring to another (inner rings come first in `Ring`).
    pub fn between(from: Ring, to: Ring) -> Movement {
        match to.cmp(&from) {
            std::cmp::Ordering::Less => Movement::MovedIn,
            std::cmp::Ordering::Greater => Movement::MovedOut,
            std::cmp::Ordering::Equal => Movement::Unchanged,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Movement::New => "new",
            Movement::MovedIn => "moved in",
            Movement::MovedOut => "moved out",
            Movement::Unchanged => "",
        }
    }
}

/// An ISO 8601 week (`2026-W48`): Monday 00:00 UTC to the next Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    /// The week, if `week` exists in that ISO year (52 or 53 weeks).
    pub fn new(year: i32, week: u32) -> Option<IsoWeek> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| IsoWeek { year, week })
    }

    /// Parses `2026-W48` (also `2026-w48` and `2026W48`).
    pub fn parse(s: &str) -> Result<IsoWeek, DigestError> {
        let bad = || DigestError::BadWeek(s.to_string());
        let t = s.trim();
        let (y, w) = t
            .split_once(['W', 'w'])
            .map(|(y, w)| (y.trim_end_matches('-'), w))
            .ok_or_else(bad)?;
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        IsoWeek::new(year, week).ok_or_else(bad)
    }

    /// The ISO week that contains this day.
    pub fn containing(day: NaiveDate) -> IsoWeek {
        let w = day.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The last week that had fully ended at `now` (UTC): the week before
    /// the one `now` is in, because the current week always has time left.
    pub fn last_complete(now: DateTime<Utc>) -> IsoWeek {
        IsoWeek::containing(now.date_naive() - Duration::days(7))
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    /// Monday.
    pub fn first_day(self) -> NaiveDate {
        // Checked in `new`/`containing`: the Monday of a valid week exists.
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or_default()
    }

    /// Sunday.
    pub fn last_day(self) -> NaiveDate {
        self.first_day() + Duration::days(6)
    }

    /// Monday 00:00 UTC, inclusive.
    pub fn start(self) -> DateTime<Utc> {
        self.first_day().and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The next Monday 00:00 UTC, exclusive.
    pub fn end(self) -> DateTime<Utc> {
        self.start() + Duration::days(7)
    }

    pub fn contains(self, t: DateTime<Utc>) -> bool {
        self.start() <= t && t < self.end()
    }

    /// The week before.
    pub fn previous(self) -> IsoWeek {
        IsoWeek::containing(self.first_day() - Duration::days(7))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for IsoWeek {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<IsoWeek, DigestError> {
        IsoWeek::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn parses_iso_weeks() {
        let w = IsoWeek::parse("2026-W48").unwrap();
        assert_eq!((w.year(), w.week()), (2026, 48));
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.first_day().to_string(), "2026-11-23");
        assert_eq!(w.last_day().to_string(), "2026-11-29");
        assert_eq!(IsoWeek::parse("2026w01").unwrap().to_string(), "2026-W01");
        assert_eq!(IsoWeek::parse(" 2020-W53 ").unwrap().week(), 53);
        for bad in [
            "",
            "2026",
            "2026-48",
            "2026-W",
            "2026-W0",
            "2026-W54",
            "2021-W53",
            "26-W10",
            "2026-W123",
            "2026-Wx1",
        ] {
            assert!(IsoWeek::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn week_bounds_are_monday_to_monday_utc() {
        let w = IsoWeek::parse("2026-W48").unwrap();
        assert!(w.contains(at("2026-11-23T00:00:00Z")));
        assert!(w.contains(at("2026-11-29T23:59:59Z")));
        assert!(!w.contains(at("2026-11-30T00:00:00Z")));
        assert!(!w.contains(at("2026-11-22T23:59:59Z")));
    }

    #[test]
    fn last_complete_week_is_the_one_before_now() {
        // Monday morning: last week just ended.
        assert_eq!(
            IsoWeek::last_complete(at("2026-11-30T08:00:00Z")).to_string(),
            "2026-W48"
        );
        // Sunday night: this week is not over yet.
        assert_eq!(
            IsoWeek::last_complete(at("2026-11-29T23:59:00Z")).to_string(),
            "2026-W47"
        );
        // Across the year boundary: 2027-01-04 is Monday of 2027-W01.
        assert_eq!(
            IsoWeek::last_complete(at("2027-01-04T00:00:00Z")).to_string(),
            "2026-W53"
        );
        assert_eq!(
            IsoWeek::parse("2027-W01").unwrap().previous().to_string(),
            "2026-W53"
        );
    }

    #[test]
    fn severity_buckets_follow_cvss() {
        assert_eq!(
            Severity::from_score(Some(9.8)).level,
            SeverityLevel::Critical
        );
        assert_eq!(Severity::from_score(Some(7.0)).level, SeverityLevel::High);
        assert_eq!(Severity::from_score(Some(5.3)).level, SeverityLevel::Medium);
        assert_eq!(Severity::from_score(Some(0.1)).level, SeverityLevel::Low);
        assert_eq!(Severity::from_score(None).level, SeverityLevel::Unknown);
        assert_eq!(Severity::from_score(Some(7.5)).display(), "high 7.5");
    }
}
