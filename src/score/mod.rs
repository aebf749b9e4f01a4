//! Scoring: evidence about each technology becomes a ring proposal.
//!
//! Input: the stack (stack.toml techs, rings as they stand today), indexed
//! items, advisory findings from the audit engine ([`AdvisoryHit`]; this
//! module never matches versions against advisories itself), how many
//! services (folders with lockfiles) use each package, the trend report and `now`. Output: one
//! [`Recommendation`] per technology: signals (weight, one-line reason,
//! evidence link), a score, and the proposed ring with the rule that chose
//! it. Pure computation: no index, no files, no clock.
//!
//! The rules are documented in README.md ("How proposals are scored") and
//! pinned by the table-driven tests in `tests.rs`; change both together.

mod releases;
mod signal;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

pub use releases::github_release_repo;
use releases::{ReleaseIndex, release_signals};
pub use signal::{Signal, SignalKind};

use crate::config::{StackConfig, TechConfig};
use crate::model::{Informational, Item, Quadrant, Ring};
use crate::shape::Shape;
use crate::sources::eol::{EolFacts, EolProduct};
use crate::sources::registry::status::{Standing, StatusFacts, VersionStatus};
use crate::trend::{Direction, TrendReport};

/// One advisory affecting a version the stack uses, as the audit engine
/// reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdvisoryHit {
    /// `ecosystem/name`, e.g. `crates.io/tokio`.
    pub package: String,
    /// The version in use that is affected.
    pub version: String,
    pub id: String,
    pub aliases: Vec<String>,
    /// CVSS base score (0–10) when known.
    pub severity: Option<f64>,
    /// Unmaintained / unsound / notice; `None` for a vulnerability.
    pub informational: Option<Informational>,
    /// Versions that fix it; empty when there is no fix.
    pub fixed: Vec<String>,
    pub url: Option<String>,
}

/// The proposal for one technology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub name: String,
    pub quadrant: Quadrant,
    /// The ring today (`None`: not on the radar).
    pub current: Option<Ring>,
    /// The proposed ring (`None`: nothing to propose for an unplaced term).
    pub ring: Option<Ring>,
    pub score: f64,
    pub signals: Vec<Signal>,
    /// Which documented rule chose `ring`, in words.
    pub rule: String,
}

// ---- the rules, in one place (README.md "How proposals are scored") ------

/// A release this recent shows the project is alive.
pub const RECENT_RELEASE_DAYS: i64 = 90;
pub const W_RECENT_RELEASE: f64 = 0.1;
/// A newer major version than the one in use.
pub const W_NEW_MAJOR: f64 = 0.2;
/// No release for this long (about 18 months).
pub const STALE_DAYS: i64 = 548;
pub const W_STALE: f64 = -0.3;
/// Mentions rising (see `trend`).
pub const W_TREND: f64 = 0.2;
/// Mentions falling on a technology already on the radar: a nudge, not a
/// ring move on its own (it stays above [`OUT_SCORE`]).
pub const W_TREND_FALLING: f64 = -0.1;
/// Per service (a folder with lockfiles) using the package, up to
/// [`USAGE_CAP`] services.
pub const W_USAGE_PER_SERVICE: f64 = 0.05;
/// The release cycle in use reached its end of life (forces hold).
pub const W_EOL_PAST: f64 = -0.5;
/// The release cycle in use reaches its end of life within
/// [`EOL_SOON_DAYS`].
pub const W_EOL_SOON: f64 = -0.2;
pub const EOL_SOON_DAYS: i64 = 180;
/// The registry marks the version in use deprecated, with the
/// maintainer's message (npm).
pub const W_DEPRECATED: f64 = -0.3;
/// The registry withdrew the version in use (crates.io, PyPI).
pub const W_YANKED: f64 = -0.3;
pub const USAGE_CAP: usize = 4;
pub const W_UNMAINTAINED: f64 = -0.5;
pub const W_UNSOUND: f64 = -0.2;
pub const W_NOTICE: f64 = -0.05;
/// A vulnerability weighs severity / 20 (CVSS 10 → -0.5), half that when a
/// fixed version exists (upgrading is the answer, not a ring move); see
/// `severity_weight`.
/// Severity assumed when an advisory gives none.
pub const DEFAULT_SEVERITY: f64 = 5.0;
/// An unfixed vulnerability at least this severe forces hold.
pub const HOLD_SEVERITY: f64 = 7.0;
/// Score at or below which the proposal is hold.
pub const HOLD_SCORE: f64 = -0.5;
/// Score at or below which the proposal is one ring further out.
pub const OUT_SCORE: f64 = -0.2;
/// Score at or above which the proposal is one ring further in (never
/// into adopt: adopting is a decision made from experience).
pub const IN_SCORE: f64 = 0.4;

/// A technology to score, with its ring today (`None`: not on the radar).
#[derive(Debug, Clone)]
pub struct Tracked {
    pub tech: TechConfig,
    pub current: Option<Ring>,
}

/// Binds `github = "owner/name"` sources of radar.toml to the techs they
/// are about, for techs without a `repo`: the repository's name must equal
/// the tech's name or its package's name. A source the lead configured is
/// as authoritative as `repo = …`.
pub fn bind_source_repos(techs: &mut [TechConfig], repos: &[String]) {
    for t in techs.iter_mut().filter(|t| t.repo.is_none()) {
        let pkg = t
            .package
            .as_deref()
            .and_then(|p| p.rsplit_once('/'))
            .map(|(_, n)| n.to_lowercase());
        t.repo = repos
            .iter()
            .find(|r| {
                r.rsplit_once('/').is_some_and(|(_, name)| {
                    let name = name.to_lowercase();
                    name == t.name.to_lowercase() || Some(&name) == pkg.as_ref()
                })
            })
            .cloned();
    }
}

/// Scores every tech of `stack` against its stack.toml ring.
pub fn score_stack(
    stack: &StackConfig,
    items: &[Item],
    hits: &[AdvisoryHit],
    services: &BTreeMap<String, usize>,
    trends: &TrendReport,
    now: DateTime<Utc>,
) -> Vec<Recommendation> {
    let tracked: Vec<Tracked> = stack
        .techs
        .iter()
        .map(|t| Tracked {
            tech: t.clone(),
            current: Some(t.ring),
        })
        .collect();
    score_tracked(
        &tracked,
        items,
        hits,
        services,
        &BTreeMap::new(),
        trends,
        now,
    )
}

/// Scores technologies whose ring today is given (the entries' rings, which
/// win over stack.toml's), so a proposal is relative to the team's current
/// decision. `tech.ring` is ignored in favour of `current`. `locked` maps
/// lower-cased package keys to the highest version the lockfiles pin: the
/// version in use for end-of-life and registry facts when stack.toml gives
/// none.
pub fn score_tracked(
    tracked: &[Tracked],
    items: &[Item],
    hits: &[AdvisoryHit],
    services: &BTreeMap<String, usize>,
    locked: &BTreeMap<String, String>,
    trends: &TrendReport,
    now: DateTime<Utc>,
) -> Vec<Recommendation> {
    let techs: Vec<&TechConfig> = tracked.iter().map(|t| &t.tech).collect();
    let releases = ReleaseIndex::build(&techs, items);
    let eol = EolFacts::from_items(items);
    let status = StatusFacts::from_items(items);
    tracked
        .iter()
        .enumerate()
        .map(|(n, Tracked { tech, current })| {
            let mut ev = Evidence::default();
            let package = tech.package.as_deref().map(str::to_lowercase);
            let my_hits: Vec<&AdvisoryHit> = match &package {
                Some(p) => hits
                    .iter()
                    .filter(|h| h.package.to_lowercase() == *p)
                    .collect(),
                None => Vec::new(),
            };
            advisory_signals(&my_hits, &mut ev);
            let in_use = tech
                .version
                .clone()
                .or_else(|| my_hits.first().map(|h| h.version.clone()));
            release_signals(&tech.name, releases.of(n), in_use.as_deref(), now, &mut ev);
            // Facts about one version need the version we actually run:
            // stack.toml's, else the lockfiles'.
            let running = tech
                .version
                .clone()
                .or_else(|| {
                    let p = tech.package.as_deref()?;
                    locked.get(&crate::model::canonical_key(p)).cloned()
                })
                .or(in_use);
            if let Some(product) = eol.product_for(tech.eol.as_deref(), tech.package.as_deref())
                && let Some(v) = running.as_deref()
            {
                eol_signal(product, v, now, &mut ev);
            }
            if let (Some(p), Some(v)) = (tech.package.as_deref(), running.as_deref())
                && let Some(s) = status.of(p)
            {
                registry_signal(s, v, &mut ev);
            }
            if let Some(t) = trends.term(&tech.name) {
                match t.direction {
                    Direction::Rising => ev.push(trend_signal(t)),
                    Direction::Falling if current.is_some() => ev.push(falling_signal(t)),
                    _ => {}
                }
            }
            if let Some(p) = &tech.package {
                let count = services
                    .get(&crate::model::canonical_key(p))
                    .copied()
                    .unwrap_or(0);
                if count > 0 {
                    ev.push(Signal {
                        kind: SignalKind::Usage,
                        weight: round2(W_USAGE_PER_SERVICE * count.min(USAGE_CAP) as f64),
                        because: format!(
                            "used in {count} service{}",
                            if count == 1 { "" } else { "s" }
                        ),
                        url: None,
                        evidence: Vec::new(),
                    });
                }
            }
            ev.finish(&tech.name, tech.quadrant, *current)
        })
        .collect()
}

/// `assess` proposals for rising terms that are neither in the stack nor
/// on the radar. They land in `tools` until a lead moves them.
pub fn score_candidates(trends: &TrendReport) -> Vec<Recommendation> {
    // A radar without a Tools quadrant takes newcomers in its first slice.
    let shape = crate::shape::active();
    let landing = shape
        .quadrant(Quadrant::Tools.as_str())
        .unwrap_or(shape.quadrants()[0]);
    trends
        .candidates()
        .map(|t| {
            let mut ev = Evidence::default();
            ev.push(trend_signal(t));
            ev.finish(&t.term, landing, None)
        })
        .collect()
}

fn trend_signal(t: &crate::trend::TermTrend) -> Signal {
    let weeks = t.counts.len();
    Signal {
        kind: SignalKind::Trend,
        weight: W_TREND,
        because: format!(
            "mentions rising: {} in the last {} weeks against {}/week in the {} weeks before, from {} sources ({})",
            t.recent,
            t.recent_weeks,
            rate(t.baseline_rate),
            weeks.saturating_sub(t.recent_weeks),
            t.recent_sources,
            p_text(t.p_value)
        ),
        // No single link: a trend rests on many items, listed as evidence.
        // Keeping `url` empty also keeps the signal's key stable, so a
        // rejected trend proposal is not re-raised by every new mention.
        url: None,
        evidence: t.evidence.clone(),
    }
}

fn falling_signal(t: &crate::trend::TermTrend) -> Signal {
    Signal {
        kind: SignalKind::Trend,
        weight: W_TREND_FALLING,
        because: format!(
            "mentions falling: {} in the last {} weeks against {}/week before ({})",
            t.recent,
            t.recent_weeks,
            rate(t.baseline_rate),
            p_text(t.p_value)
        ),
        url: None,
        evidence: t.evidence.clone(),
    }
}

/// `9`, `1.5`: a weekly rate as a lead would say it.
fn rate(r: f64) -> String {
    let r = (r * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 {
        "p < 0.0001".to_string()
    } else {
        format!("p = {p:.4}")
    }
}

/// Past end of life: −0.5 and hold; within [`EOL_SOON_DAYS`]: −0.2.
fn eol_signal(product: &EolProduct, version: &str, now: DateTime<Utc>, ev: &mut Evidence) {
    let today = now.date_naive();
    let Some(s) = product.standing(version, today) else {
        return;
    };
    let name = format!(
        "{} {}{}",
        product.label,
        s.cycle.name,
        if s.cycle.lts { " (LTS)" } else { "" }
    );
    let supported = match s.oldest_supported {
        Some(c) if c.name != s.cycle.name => format!("; {} and later are supported", c.name),
        _ => String::new(),
    };
    let url = Some(format!("https://endoflife.date/{}", product.name));
    if s.past {
        let when = s.eol.map(|d| format!(" on {d}")).unwrap_or_default();
        ev.forced_hold
            .get_or_insert_with(|| format!("{name} reached end of life{when}"));
        ev.push(Signal {
            kind: SignalKind::Eol,
            weight: W_EOL_PAST,
            because: format!("{name} reached end of life{when}{supported}"),
            url,
            evidence: Vec::new(),
        });
    } else if let Some(d) = s.eol
        && (d - today).num_days() <= EOL_SOON_DAYS
    {
        ev.push(Signal {
            kind: SignalKind::Eol,
            weight: W_EOL_SOON,
            because: format!(
                "{name} reaches end of life on {d} (in {} days){supported}",
                (d - today).num_days()
            ),
            url,
            evidence: Vec::new(),
        });
    }
}

/// The version in use is yanked (−0.3) or deprecated (−0.3, with the
/// maintainer's message), naming the upgrade target when the registry has
/// one.
fn registry_signal(s: &VersionStatus, version: &str, ev: &mut Evidence) {
    let Some(standing) = s.standing(version) else {
        return;
    };
    let upgrade = match s.latest.as_deref() {
        Some(l) if l != version => format!("; {l} is the newest good version"),
        _ => String::new(),
    };
    let (kind, weight, because) = match standing {
        Standing::Yanked { reason } => (
            SignalKind::Yanked,
            W_YANKED,
            format!(
                "{} {version} in use was yanked from {}{}{upgrade}",
                s.name,
                s.registry,
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(": \"{reason}\"")
                }
            ),
        ),
        Standing::Deprecated { message } => (
            SignalKind::Deprecated,
            W_DEPRECATED,
            format!(
                "{} {version} in use is deprecated on {}: \"{message}\"{upgrade}",
                s.name, s.registry
            ),
        ),
    };
    ev.push(Signal {
        kind,
        weight,
        because,
        url: Some(s.url(version)),
        evidence: Vec::new(),
    });
}

/// Signals collected for one technology, and what forced hold if anything.
#[derive(Default)]
struct Evidence {
    signals: Vec<Signal>,
    forced_hold: Option<String>,
}

impl Evidence {
    fn push(&mut self, s: Signal) {
        self.signals.push(s);
    }

    fn finish(self, name: &str, quadrant: Quadrant, current: Option<Ring>) -> Recommendation {
        let score = round2(
            self.signals
                .iter()
                .map(|s| s.weight)
                .sum::<f64>()
                .clamp(-1.0, 1.0),
        );
        let shape = crate::shape::active();
        let (ring, rule) = propose(
            &shape,
            current,
            score,
            self.forced_hold.as_deref(),
            &self.signals,
        );
        Recommendation {
            name: name.to_string(),
            quadrant,
            current,
            ring,
            score,
            signals: self.signals,
            rule,
        }
    }
}

/// The ring rules, first match wins. Returns the proposal and the rule.
/// The rules speak of positions in `shape`: the hold ring, one ring out
/// (never past hold), one ring in (never into the innermost), and the ring
/// a newcomer enters (just inside hold).
pub fn propose(
    shape: &Shape,
    current: Option<Ring>,
    score: f64,
    forced_hold: Option<&str>,
    signals: &[Signal],
) -> (Option<Ring>, String) {
    let hold = shape.hold();
    if let Some(why) = forced_hold {
        return (Some(hold), format!("{why} → {hold}"));
    }
    if score <= HOLD_SCORE {
        return (
            Some(hold),
            format!("score {score:+.2} ≤ {HOLD_SCORE:+.2} → {hold}"),
        );
    }
    let Some(current) = current else {
        // Not on the radar: only a rising trend earns a place, in assess.
        let entry = shape.entry_ring();
        return if signals.iter().any(|s| s.kind == SignalKind::Trend) {
            (Some(entry), format!("rising, not on the radar → {entry}"))
        } else {
            (None, "not on the radar, nothing rising".into())
        };
    };
    if score <= OUT_SCORE {
        let out = shape.outward(current);
        return (
            Some(out),
            if out == current {
                format!(
                    "score {score:+.2} ≤ {OUT_SCORE:+.2}, but the tool never proposes past {hold} → stay {current}"
                )
            } else {
                format!("score {score:+.2} ≤ {OUT_SCORE:+.2} → one ring out ({current} → {out})")
            },
        );
    }
    if score >= IN_SCORE {
        let inn = shape.inward(current);
        return (
            Some(inn),
            if inn == current {
                format!(
                    "score {score:+.2} ≥ {IN_SCORE:+.2}, but the tool never proposes {} → stay {current}",
                    shape.innermost()
                )
            } else {
                format!("score {score:+.2} ≥ {IN_SCORE:+.2} → one ring in ({current} → {inn})")
            },
        );
    }
    (
        Some(current),
        format!("score {score:+.2} between {OUT_SCORE:+.2} and {IN_SCORE:+.2} → stay {current}"),
    )
}

fn advisory_signals(hits: &[&AdvisoryHit], ev: &mut Evidence) {
    // One signal per advisory, however many lockfiles or versions it hit;
    // the worst-affected (lowest) version in use names it.
    let mut by_id: BTreeMap<&str, Vec<&AdvisoryHit>> = BTreeMap::new();
    for h in hits {
        by_id.entry(h.id.as_str()).or_default().push(h);
    }
    for (id, group) in by_id {
        let h = group[0];
        let mut versions: Vec<&str> = group.iter().map(|h| h.version.as_str()).collect();
        versions.sort();
        versions.dedup();
        let in_use = versions.join(", ");
        let fixed = if h.fixed.is_empty() {
            "no fixed release".to_string()
        } else {
            format!("fixed in {}", h.fixed.join(", "))
        };
        let (kind, weight, because) = match h.informational {
            Some(Informational::Unmaintained) => {
                ev.forced_hold
                    .get_or_insert_with(|| format!("{id}: unmaintained"));
                (
                    SignalKind::Unmaintained,
                    W_UNMAINTAINED,
                    format!("{id}: {} is unmaintained; plan a replacement", h.package),
                )
            }
            Some(Informational::Unsound) => (
                SignalKind::Advisory,
                W_UNSOUND,
                format!("{id}: unsound in {in_use} ({fixed})"),
            ),
            // Kinds this version does not know weigh like a notice: never
            // nothing, never a ring move on their own.
            Some(Informational::Notice | Informational::Other) => (
                SignalKind::Advisory,
                W_NOTICE,
                format!("{id}: notice for {in_use}"),
            ),
            None => {
                let sev = h.severity.unwrap_or(DEFAULT_SEVERITY).clamp(0.0, 10.0);
                let sev_text = match h.severity {
                    Some(s) => format!("severity {s:.1}"),
                    None => "severity unknown".to_string(),
                };
                if h.fixed.is_empty() && sev >= HOLD_SEVERITY {
                    ev.forced_hold.get_or_insert_with(|| {
                        format!("{id}: unfixed, severity {sev:.1} ≥ {HOLD_SEVERITY:.1}")
                    });
                }
                let weight = severity_weight(sev, !h.fixed.is_empty());
                let action = if h.fixed.is_empty() { "" } else { ": upgrade" };
                (
                    SignalKind::Advisory,
                    weight,
                    format!("{id} ({sev_text}) affects {in_use} ({fixed}){action}"),
                )
            }
        };
        ev.push(Signal {
            kind,
            weight,
            because: one_line(&because),
            url: h.url.clone(),
            evidence: Vec::new(),
        });
    }
}

/// severity / 20, halved when a fix exists, in whole hundredths rounded
/// half up (integer arithmetic, so 9.8 / 40 is 0.25 on every machine).
fn severity_weight(severity: f64, fixed: bool) -> f64 {
    let tenths = (severity.clamp(0.0, 10.0) * 10.0).round() as i64;
    // weight × 100 = tenths × 10 / SEVERITY_DIVISOR (20) = tenths / 2.
    let divisor = if fixed { 4 } else { 2 };
    -(((tenths + divisor / 2) / divisor) as f64) / 100.0
}

fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// Reasons are one line: feed text can carry newlines.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
