//! The digest as Markdown: for a terminal, a chat message or a PR comment.
//!
//! Reads a [`DigestInput`] through the shared ranking; every string from a
//! source goes through `sanitize::markdown` (no raw HTML, no forged links,
//! no control characters, so it is also safe to print to a terminal) and
//! every URL through `sanitize::link`.

use std::fmt::Write as _;

use super::model::{DigestInput, Movement};
use super::rank::{self, LIMITS, Ranked};
use super::sanitize::{self, escape_markdown};
use super::svg;
use crate::model::Ring;

/// Renders the digest; sections in the order, empty ones left out.
pub fn render(input: &DigestInput) -> String {
    let r = Ranked::new(input);
    let mut s = String::with_capacity(8192);
    let _ = writeln!(
        s,
        "# {} digest, {} ({})\n",
        sanitize::markdown(&input.title),
        input.week,
        rank::week_range(input)
    );
    let _ = writeln!(s, "{}\n", summary(&r));
    action_needed(&mut s, &r);
    releases(&mut s, &r);
    news(&mut s, input);
    emerging(&mut s, &r);
    proposals(&mut s, &r);
    radar(&mut s, &r);
    let _ = writeln!(
        s,
        "_Generated {} by `radar digest --week {}`._",
        input.generated.format("%Y-%m-%d %H:%M UTC"),
        input.week
    );
    s
}

fn summary(r: &Ranked) -> String {
    let mut parts = Vec::new();
    let n = r.action.len();
    let eol = r.input.end_of_life.len();
    if eol > 0 {
        parts.push(format!(
            "**{eol} end-of-life {}**",
            plural(eol, "warning", "warnings")
        ));
    }
    if n > 0 {
        parts.push(format!(
            "**{n} {} need{} action**",
            plural(n, "advisory", "advisories"),
            if n == 1 { "s" } else { "" }
        ));
    } else {
        parts.push("No advisories need action".to_string());
    }
    let releases = r.release_count();
    if releases > 0 {
        parts.push(format!(
            "{releases} {} of {} {}",
            plural(releases, "release", "releases"),
            r.releases.len(),
            plural(r.releases.len(), "technology", "technologies")
        ));
    }
    if !r.emerging.is_empty() {
        parts.push(format!("{} rising", r.emerging.len()));
    }
    if !r.proposals.is_empty() {
        parts.push(format!(
            "{} proposed {}",
            r.proposals.len(),
            plural(r.proposals.len(), "move", "moves")
        ));
    }
    parts.push(format!(
        "{} {} on the radar",
        r.blips.len(),
        plural(r.blips.len(), "entry", "entries")
    ));
    parts.join(" · ")
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `[label](url)` for a safe URL, or nothing.
fn link(label: &str, url: &str) -> Option<String> {
    sanitize::link(url).map(|u| format!("[{}]({u})", sanitize::markdown(label)))
}

fn links(urls: &[String]) -> Vec<String> {
    rank::safe_links(urls)
        .into_iter()
        .map(|(u, label)| format!("[{}]({u})", escape_markdown(&label)))
        .collect()
}

fn action_needed(s: &mut String, r: &Ranked) {
    if r.action.is_empty() && r.input.end_of_life.is_empty() {
        return;
    }
    s.push_str("## Action needed\n\n");
    for e in &r.input.end_of_life {
        let label = if e.past {
            "End of life"
        } else {
            "End of life soon"
        };
        let mut line = format!("- **{label}** · {}", sanitize::markdown(&rank::eol_line(e)));
        if let Some(l) = e.url.as_deref().and_then(|u| link("endoflife.date", u)) {
            let _ = write!(line, " · {l}");
        }
        let _ = writeln!(s, "{line}");
    }
    for a in &r.action {
        let mut head = format!(
            "- **{}** · **{}**",
            a.severity.display(),
            sanitize::markdown(&a.package)
        );
        if let Some(v) = &a.version {
            let _ = write!(head, " {}", sanitize::markdown(v));
        }
        if !a.confirmed {
            head.push_str(" (version not checked)");
        }
        if !a.fixed.is_empty() {
            let fixed: Vec<String> = a.fixed.iter().map(|f| sanitize::markdown(f)).collect();
            let _ = write!(head, " · fixed in {}", fixed.join(", "));
        }
        let _ = writeln!(s, "{head}  ");
        if !a.hint.is_empty() {
            let _ = writeln!(s, "  {}  ", sanitize::markdown(&a.hint));
        }
        let mut tail = Vec::new();
        if !a.summary.is_empty() {
            tail.push(sanitize::markdown(&a.summary));
        }
        if !a.ids.is_empty() {
            let ids: Vec<String> = a.ids.iter().map(|i| sanitize::markdown(i)).collect();
            tail.push(ids.join(", "));
        }
        tail.extend(links(&a.links));
        if !tail.is_empty() {
            let _ = writeln!(s, "  {}", tail.join(" · "));
        }
    }
    s.push('\n');
}

/// Titles naming a stack tech next to a version from sources not bound to
/// it: shown under their source, never as releases.
fn news(s: &mut String, input: &super::model::DigestInput) {
    if input.news.is_empty() {
        return;
    }
    s.push_str("## News naming our stack\n\n");
    let mut by_source: std::collections::BTreeMap<&str, Vec<&super::model::NewsItem>> =
        std::collections::BTreeMap::new();
    for n in &input.news {
        by_source.entry(n.source.as_str()).or_default().push(n);
    }
    for (source, items) in by_source {
        let _ = writeln!(s, "- *{}*", sanitize::markdown(source));
        for n in items.iter().take(LIMITS.releases_per_tech) {
            let title = match n.url.as_deref().and_then(|u| link(&n.title, u)) {
                Some(l) => l,
                None => sanitize::markdown(&n.title),
            };
            let warn = if n.suspicious_above.is_some() {
                "⚠ "
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  - {title}: {warn}{}",
                sanitize::markdown(&rank::news_line(n))
            );
        }
    }
    s.push('\n');
}

fn releases(s: &mut String, r: &Ranked) {
    if r.releases.is_empty() {
        return;
    }
    s.push_str("## Releases of our stack\n\n");
    for g in &r.releases {
        let _ = write!(s, "### {}", sanitize::markdown(&g.group.tech));
        if let Some(v) = &g.group.current {
            let _ = write!(s, " (we run {})", sanitize::markdown(v));
        }
        s.push_str("\n\n");
        for i in &g.shown {
            s.push_str("- ");
            if i.major {
                s.push_str("**Major:** ");
            }
            let title = i
                .url
                .as_deref()
                .and_then(|u| link(&i.title, u))
                .unwrap_or_else(|| sanitize::markdown(&i.title));
            s.push_str(&title);
            if let Some(v) = &i.version
                && !sanitize::text(&i.title).contains(&sanitize::text(v))
            {
                let _ = write!(s, " ({})", sanitize::markdown(v));
            }
            if let Some(p) = i.published {
                let _ = write!(s, " · {}", p.format("%a %-d %b"));
            }
            s.push('\n');
        }
        if g.hidden > 0 {
            let _ = writeln!(
                s,
                "- …and {} more {}",
                g.hidden,
                plural(g.hidden, "release", "releases")
            );
        }
        s.push('\n');
    }
}

fn emerging(s: &mut String, r: &Ranked) {
    if r.emerging.is_empty() {
        return;
    }
    s.push_str("## Emerging\n\n");
    for t in &r.emerging {
        let counts: Vec<String> = t.weekly_counts.iter().map(u32::to_string).collect();
        let _ = write!(
            s,
            "- **{}** {} {} (weekly: {})",
            sanitize::markdown(&t.term),
            rank::sparkline(&t.weekly_counts),
            rank::growth(t.growth),
            counts.join(", ")
        );
        if t.in_stack {
            s.push_str(" · in our stack");
        }
        s.push('\n');
    }
    s.push('\n');
}

fn proposals(s: &mut String, r: &Ranked) {
    if r.proposals.is_empty() {
        return;
    }
    s.push_str("## Proposed ring moves\n\n");
    for p in &r.proposals {
        let _ = writeln!(
            s,
            "- **{}** ({}): {} → {}",
            sanitize::markdown(&p.name),
            escape_markdown(svg::quadrant_title(p.quadrant)),
            p.from.map_or("Not on the radar", Ring::title),
            p.to.title()
        );
        for reason in p.reasons.iter().take(LIMITS.reasons) {
            let _ = writeln!(s, "  - {}", sanitize::markdown(reason));
        }
        let l = links(&p.links);
        if !l.is_empty() {
            let _ = writeln!(s, "  - {}", l.join(" · "));
        }
    }
    s.push_str("\nDecide with `radar review accept NAME` or `radar review reject NAME`.\n\n");
}

fn radar(s: &mut String, r: &Ranked) {
    if r.blips.is_empty() {
        return;
    }
    s.push_str("## The radar\n\n");
    let shape = crate::shape::active();
    for &q in shape.quadrants() {
        let in_q: Vec<_> = r.blips.iter().filter(|(_, b)| b.quadrant == q).collect();
        if in_q.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {}\n", escape_markdown(svg::quadrant_title(q)));
        for &ring in shape.rings() {
            let names: Vec<String> = in_q
                .iter()
                .filter(|(_, b)| b.ring == ring)
                .map(|(n, b)| {
                    let mark = match b.movement {
                        Movement::New => " ★ new",
                        Movement::MovedIn => " ▲ moved in",
                        Movement::MovedOut => " ▼ moved out",
                        Movement::Unchanged => "",
                    };
                    format!("{n}\\. {}{mark}", sanitize::markdown(&b.name))
                })
                .collect();
            if !names.is_empty() {
                let _ = writeln!(s, "- **{}:** {}", ring.title(), names.join(" · "));
            }
        }
        s.push('\n');
    }
}
