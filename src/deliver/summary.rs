//! The short version of a digest that chat targets post: actions needed,
//! majors of our stack, top rising terms, proposals, and the link to the
//! week's page. Pure: reads a `DigestInput`, returns plain text lines that
//! each chat format escapes for itself.

use crate::digest::{DigestInput, IsoWeek};

/// Lines shown per section; the counts say how many there are in all.
const TOP: usize = 5;
const TOP_TERMS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub title: String,
    pub week: String,
    pub actions_total: usize,
    /// "high 8.2 · crates.io/tokio 1.38.0: Upgrade tokio to 1.38.2 or later"
    pub actions: Vec<String>,
    /// "tokio 2.0.0 (we run 1.38.0)"
    pub majors: Vec<String>,
    /// "wasm components ×3.0"
    pub rising: Vec<String>,
    pub proposals_total: usize,
    /// "tokio: trial → adopt"
    pub proposals: Vec<String>,
    /// The week's page on the published site, when `[site] url` is set.
    pub link: Option<String>,
}

impl Summary {
    pub fn of(input: &DigestInput, site_url: Option<&str>) -> Summary {
        let mut actions: Vec<_> = input.action_needed.iter().collect();
        actions.sort_by(|a, b| {
            a.severity
                .level
                .cmp(&b.severity.level)
                .then_with(|| a.package.cmp(&b.package))
        });
        let actions = actions
            .iter()
            .take(TOP)
            .map(|a| {
                let version = a
                    .version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default();
                clean(&format!(
                    "{} · {}{version}: {}",
                    a.severity.display(),
                    a.package,
                    a.hint
                ))
            })
            .collect();
        let mut majors: Vec<String> = input
            .releases
            .iter()
            .flat_map(|g| {
                g.items.iter().filter(|i| i.major).map(move |i| {
                    let v = i.version.as_deref().unwrap_or(&i.title);
                    match &g.current {
                        Some(c) => clean(&format!("{} {v} (we run {c})", g.tech)),
                        None => clean(&format!("{} {v}", g.tech)),
                    }
                })
            })
            .collect();
        majors.sort();
        majors.dedup();
        majors.truncate(TOP);
        let mut terms: Vec<_> = input.emerging.iter().collect();
        terms.sort_by(|a, b| {
            b.growth
                .total_cmp(&a.growth)
                .then_with(|| a.term.cmp(&b.term))
        });
        let rising = terms
            .iter()
            .take(TOP_TERMS)
            .map(|t| clean(&format!("{} ×{:.1}", t.term, t.growth)))
            .collect();
        let mut proposals: Vec<_> = input.proposals.iter().collect();
        proposals.sort_by(|a, b| a.name.cmp(&b.name));
        let proposals = proposals
            .iter()
            .take(TOP)
            .map(|p| {
                let from = p.from.map(|r| r.as_str()).unwrap_or("new");
                clean(&format!("{}: {from} → {}", p.name, p.to.as_str()))
            })
            .collect();
        Summary {
            title: clean(&input.title),
            week: input.week.to_string(),
            actions_total: input.action_needed.len(),
            actions,
            majors,
            rising,
            proposals_total: input.proposals.len(),
            proposals,
            link: site_url.map(|u| week_page_url(u, input.week)),
        }
    }

    /// "3 actions needed", "no action needed": the mail subject and the
    /// chat headline say it the same way.
    pub fn actions_phrase(&self) -> String {
        actions_phrase(self.actions_total)
    }
}

pub fn actions_phrase(n: usize) -> String {
    match n {
        0 => "no action needed".into(),
        1 => "1 action needed".into(),
        n => format!("{n} actions needed"),
    }
}

/// The week's page on the published site: `<site>/weeks/<week>.html`.
pub fn week_page_url(site: &str, week: IsoWeek) -> String {
    format!(
        "{}/{}",
        site.trim_end_matches('/'),
        crate::site::week_page(week)
    )
}

fn clean(s: &str) -> String {
    crate::terminal::clean(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::sample;

    #[test]
    fn the_sample_digest_summarises_with_counts_and_a_link() {
        let week = IsoWeek::parse("2026-W47").unwrap();
        let generated = week.end();
        let input = sample::sample(week, generated);
        let s = Summary::of(&input, Some("https://radar.team.example/"));
        assert_eq!(s.actions_total, input.action_needed.len());
        assert!(s.actions.len() <= TOP);
        assert!(s.rising.len() <= TOP_TERMS);
        assert_eq!(
            s.link.as_deref(),
            Some(format!("https://radar.team.example/weeks/{}.html", input.week).as_str())
        );
        assert!(Summary::of(&input, None).link.is_none());
        assert_eq!(actions_phrase(1), "1 action needed");
        assert_eq!(actions_phrase(0), "no action needed");
    }
}
