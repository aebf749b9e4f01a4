//! What goes in which order, and how much of it: shared by every renderer.
//!
//! The digest must be short and ranked, and the same input must give the
//! same bytes whatever order the collector produced. This module sorts and
//! caps a [`DigestInput`] into a [`Ranked`] view; renderers only format it.

use super::model::{
    ActionItem, Blip, DigestInput, EmergingTerm, ProposedMove, ReleaseGroup, ReleaseItem,
};
use super::svg;

/// How much of each section a digest shows.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Releases per technology (majors are always shown on top of this).
    pub releases_per_tech: usize,
    pub emerging: usize,
    pub reasons: usize,
    pub links: usize,
}

pub const LIMITS: Limits = Limits {
    releases_per_tech: 4,
    emerging: 10,
    reasons: 3,
    links: 3,
};

pub struct Ranked<'a> {
    pub input: &'a DigestInput,
    pub action: Vec<&'a ActionItem>,
    pub releases: Vec<Group<'a>>,
    pub emerging: Vec<&'a EmergingTerm>,
    pub proposals: Vec<&'a ProposedMove>,
    /// In legend order with their picture numbers.
    pub blips: Vec<(u32, &'a Blip)>,
}

pub struct Group<'a> {
    pub group: &'a ReleaseGroup,
    pub shown: Vec<&'a ReleaseItem>,
    /// Releases left out to keep the digest short.
    pub hidden: usize,
}

impl<'a> Ranked<'a> {
    pub fn new(input: &'a DigestInput) -> Ranked<'a> {
        let mut action: Vec<&ActionItem> = input.action_needed.iter().collect();
        action.sort_by(|a, b| {
            a.severity
                .level
                .cmp(&b.severity.level)
                .then_with(|| {
                    let (x, y) = (a.severity.score, b.severity.score);
                    y.unwrap_or(-1.0).total_cmp(&x.unwrap_or(-1.0))
                })
                .then_with(|| b.confirmed.cmp(&a.confirmed))
                .then_with(|| b.published.cmp(&a.published))
                .then_with(|| a.package.cmp(&b.package))
                .then_with(|| a.ids.cmp(&b.ids))
        });

        let mut releases: Vec<Group> = input
            .releases
            .iter()
            .filter(|g| !g.items.is_empty())
            .map(rank_group)
            .collect();
        releases.sort_by(|a, b| {
            let major = |g: &Group| g.shown.iter().any(|i| i.major);
            major(b)
                .cmp(&major(a))
                .then_with(|| {
                    a.group
                        .tech
                        .to_lowercase()
                        .cmp(&b.group.tech.to_lowercase())
                })
                .then_with(|| a.group.tech.cmp(&b.group.tech))
        });

        let mut emerging: Vec<&EmergingTerm> = input.emerging.iter().collect();
        emerging.sort_by(|a, b| {
            b.growth
                .total_cmp(&a.growth)
                .then_with(|| a.term.cmp(&b.term))
        });
        emerging.truncate(LIMITS.emerging);

        let mut proposals: Vec<&ProposedMove> = input.proposals.iter().collect();
        proposals.sort_by(|a, b| (a.quadrant, &a.name).cmp(&(b.quadrant, &b.name)));

        Ranked {
            input,
            action,
            releases,
            emerging,
            proposals,
            blips: svg::number(&input.radar),
        }
    }

    pub fn release_count(&self) -> usize {
        self.releases.iter().map(|g| g.group.items.len()).sum()
    }
}

/// Majors always, first; then the newest others up to the limit.
fn rank_group(group: &ReleaseGroup) -> Group<'_> {
    let mut items: Vec<&ReleaseItem> = group.items.iter().collect();
    items.sort_by(|a, b| {
        b.major
            .cmp(&a.major)
            .then_with(|| b.published.cmp(&a.published))
            .then_with(|| a.title.cmp(&b.title))
    });
    let majors = items.iter().filter(|i| i.major).count();
    let mut room = LIMITS.releases_per_tech.saturating_sub(majors);
    let shown: Vec<&ReleaseItem> = items
        .into_iter()
        .filter(|i| {
            if i.major {
                return true;
            }
            let keep = room > 0;
            room = room.saturating_sub(1);
            keep
        })
        .collect();
    Group {
        group,
        hidden: group.items.len() - shown.len(),
        shown,
    }
}

/// "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027".
pub fn week_range(input: &DigestInput) -> String {
    use chrono::Datelike;
    let (a, b) = (input.week.first_day(), input.week.last_day());
    if a.year() != b.year() {
        format!("{} – {}", a.format("%-d %b %Y"), b.format("%-d %b %Y"))
    } else if a.month() != b.month() {
        format!("{} – {}", a.format("%-d %b"), b.format("%-d %b %Y"))
    } else {
        format!("{}–{}", a.format("%-d"), b.format("%-d %b %Y"))
    }
}

/// Unicode block sparkline scaled to the largest count.
pub fn sparkline(counts: &[u32]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .map(|&c| BARS[((u64::from(c) * 7 + u64::from(max) / 2) / u64::from(max)) as usize])
        .collect()
}

/// Growth factor as people say it: "×3.4".
pub fn growth(g: f64) -> String {
    if g.is_finite() {
        format!("×{g:.1}")
    } else {
        "new".to_string()
    }
}

/// The links worth showing: only safe ones (`sanitize::link`), each once,
/// at most `LIMITS.links`, each with a short label: its host
/// ("github.com"), or host and last path segment when several links share
/// a host ("acme.example/moving-to-uv").
pub fn safe_links(urls: &[String]) -> Vec<(String, String)> {
    let mut kept: Vec<url::Url> = Vec::new();
    for u in urls.iter().filter_map(|u| super::sanitize::link(u)) {
        if let Ok(parsed) = url::Url::parse(&u)
            && !kept.contains(&parsed)
        {
            kept.push(parsed);
        }
    }
    kept.truncate(LIMITS.links);
    let host = |u: &url::Url| {
        u.host_str()
            .unwrap_or("link")
            .trim_start_matches("www.")
            .to_string()
    };
    kept.iter()
        .map(|u| {
            let shared = kept.iter().filter(|o| o.host_str() == u.host_str()).count() > 1;
            let tail = u
                .path_segments()
                .and_then(|mut s| s.rfind(|seg| !seg.is_empty()))
                .unwrap_or("");
            let label = if shared && !tail.is_empty() {
                super::sanitize::text_max(&format!("{}/{tail}", host(u)), 44)
            } else {
                host(u)
            };
            // Re-apply the link escaping (the parsed form decodes nothing,
            // but keep one place that decides what a safe href is).
            (super::sanitize::link(u.as_str()).unwrap_or_default(), label)
        })
        .filter(|(u, _)| !u.is_empty())
        .collect()
}

/// The one line an end-of-life action reads as, in plain text (renderers
/// escape it): "Python 3.8 (we run 3.8.18) reached end of life on
/// 2024-10-07: upgrade to 3.9 or later".
pub fn eol_line(e: &super::model::EolAction) -> String {
    let lts = if e.lts { " (LTS)" } else { "" };
    let what = if e.past {
        format!("reached end of life on {}", e.eol)
    } else {
        format!("reaches end of life on {}", e.eol)
    };
    let upgrade = match &e.upgrade_to {
        Some(c) => format!(": upgrade to {c} or later"),
        None => String::new(),
    };
    format!(
        "{} {}{lts} (we run {}) {what}{upgrade}",
        e.tech, e.cycle, e.version
    )
}

/// The one line a news item about a stack tech reads as, in plain text.
pub fn news_line(n: &super::model::NewsItem) -> String {
    match &n.suspicious_above {
        Some(k) => format!(
            "claims {} {}, far above the newest release seen ({k}): not trusted",
            n.tech, n.claimed
        ),
        None => format!("names {} {} (not a release source)", n.tech, n.claimed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_deduplicated_capped_and_labelled() {
        let urls: Vec<String> = [
            "javascript:alert(1)",
            "https://www.github.com/a/b",
            "https://acme.example/posts/moving-to-uv/",
            "https://www.github.com/a/b",
            "https://acme.example/posts/uv-workspaces",
            "https://more.example/",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let labels: Vec<String> = safe_links(&urls).into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            labels,
            [
                "github.com",
                "acme.example/moving-to-uv",
                "acme.example/uv-workspaces"
            ]
        );
    }

    #[test]
    fn sparkline_scales_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8]), "▁▂▃▅█");
        assert_eq!(sparkline(&[0, 0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }
}
