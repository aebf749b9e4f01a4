//! The digest as one self-contained HTML page: inline CSS, inline SVG radar,
//! no script, no external request. Readable on a phone (viewport meta,
//! fluid layout) and on paper (`@media print`).
//!
//! Every string from a source goes through `sanitize::html` and every URL
//! through `sanitize::link`. As a second line of defence the page carries a
//! Content-Security-Policy that forbids scripts and every fetch, so even a
//! sanitizer bug could not make the page run code or phone home.

use std::fmt::Write as _;

use super::model::{ActionItem, DigestInput, EmergingTerm, Movement, SeverityLevel};
use super::rank::{self, Group, LIMITS, Ranked};
use super::sanitize::{self, escape_html};
use super::svg;
use crate::model::{Quadrant, Ring};

const CSS: &str = include_str!("digest.css");

/// Nothing may load or run; inline styles are the only thing allowed.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Renders the page; sections in the issue's order, empty ones left out.
pub fn render(input: &DigestInput) -> String {
    let r = Ranked::new(input);
    let mut s = String::with_capacity(32 * 1024 + input.radar.len() * 700);
    let title = format!("{} digest {}", sanitize::html(&input.title), input.week);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="radar digest">
<title>{title}</title>
<style>
{CSS}{}</style>
</head>
<body>
<div class="page">
<header>
<h1>{}: week {} of {}</h1>
<p class="meta">{} · generated {}</p>
"#,
        shape_css(&crate::shape::active()),
        sanitize::html(&input.title),
        input.week.week(),
        input.week.year(),
        escape_html(&rank::week_range(input)),
        input.generated.format("%a %-d %b %Y, %H:%M UTC"),
    );
    chips(&mut s, &r);
    s.push_str("</header>\n<main>\n");
    action_needed(&mut s, &r);
    releases(&mut s, &r);
    news(&mut s, &r);
    emerging(&mut s, &r);
    proposals(&mut s, &r);
    radar(&mut s, &r);
    let _ = write!(
        s,
        "</main>\n<footer>Written by <code>radar digest --week {}</code>. This page is self-contained: it runs no script and loads nothing from the network.</footer>\n</div>\n</body>\n</html>\n",
        input.week
    );
    s
}

fn chips(s: &mut String, r: &Ranked) {
    s.push_str(r#"<ul class="chips">"#);
    let n = r.action.len();
    if n > 0 {
        let _ = write!(
            s,
            r##"<li class="urgent"><a href="#action" style="color:inherit">{n} {} need{} action</a></li>"##,
            if n == 1 { "advisory" } else { "advisories" },
            if n == 1 { "s" } else { "" }
        );
    } else {
        s.push_str("<li>No advisories need action</li>");
    }
    let releases = r.release_count();
    if releases > 0 {
        let _ = write!(
            s,
            r##"<li><a href="#releases">{releases} release{}</a></li>"##,
            if releases == 1 { "" } else { "s" }
        );
    }
    if !r.emerging.is_empty() {
        let _ = write!(
            s,
            r##"<li><a href="#emerging">{} rising</a></li>"##,
            r.emerging.len()
        );
    }
    if !r.proposals.is_empty() {
        let _ = write!(
            s,
            r##"<li><a href="#proposals">{} proposed move{}</a></li>"##,
            r.proposals.len(),
            if r.proposals.len() == 1 { "" } else { "s" }
        );
    }
    if !r.blips.is_empty() {
        let _ = write!(
            s,
            r##"<li><a href="#radar">{} on the radar</a></li>"##,
            r.blips.len()
        );
    }
    s.push_str("</ul>\n");
}

/// `<a>` for a safe URL, or the label as text when the URL is not safe.
fn anchor(label: &str, url: Option<&str>) -> String {
    match url.and_then(sanitize::link) {
        Some(u) => format!(
            r#"<a href="{}" rel="noopener noreferrer nofollow">{}</a>"#,
            escape_html(&u),
            sanitize::html(label)
        ),
        None => sanitize::html(label),
    }
}

fn link_list(urls: &[String]) -> Vec<String> {
    rank::safe_links(urls)
        .into_iter()
        .map(|(u, label)| {
            format!(
                r#"<a href="{}" rel="noopener noreferrer nofollow">{}</a>"#,
                escape_html(&u),
                escape_html(&label)
            )
        })
        .collect()
}

fn severity_class(level: SeverityLevel) -> &'static str {
    match level {
        SeverityLevel::Critical => "sev-critical",
        SeverityLevel::High => "sev-high",
        SeverityLevel::Medium => "sev-medium",
        SeverityLevel::Low => "sev-low",
        SeverityLevel::Unknown => "sev-unknown",
        SeverityLevel::Informational => "sev-info",
    }
}

fn action_needed(s: &mut String, r: &Ranked) {
    if r.action.is_empty() && r.input.end_of_life.is_empty() {
        return;
    }
    s.push_str("<section id=\"action\">\n<h2>Action needed</h2>\n<ol class=\"cards\">\n");
    for e in &r.input.end_of_life {
        let label = if e.past {
            "End of life"
        } else {
            "End of life soon"
        };
        let _ = write!(
            s,
            "<li class=\"card\"><strong>{label}</strong> · {}",
            sanitize::html(&super::rank::eol_line(e))
        );
        if let Some(u) = &e.url {
            let _ = write!(s, " · {}", anchor("endoflife.date", Some(u)));
        }
        s.push_str("</li>\n");
    }
    for a in &r.action {
        action_card(s, a);
    }
    s.push_str("</ol>\n</section>\n");
}

fn action_card(s: &mut String, a: &ActionItem) {
    let _ = write!(
        s,
        r#"<li class="card {}"><p><span class="sev">{}</span><span class="pkg">{}</span>"#,
        severity_class(a.severity.level),
        escape_html(&a.severity.display()),
        sanitize::html(&a.package)
    );
    if let Some(v) = &a.version {
        let _ = write!(s, " {}", sanitize::html(v));
    }
    if !a.confirmed {
        s.push_str(r#" <span class="unconfirmed" title="only the package name matched; run radar audit">version not checked</span>"#);
    }
    if !a.fixed.is_empty() {
        let fixed: Vec<String> = a.fixed.iter().map(|f| sanitize::html(f)).collect();
        let _ = write!(
            s,
            r#" <span class="muted">· fixed in {}</span>"#,
            fixed.join(", ")
        );
    }
    s.push_str("</p>");
    if !a.hint.is_empty() {
        let _ = write!(s, r#"<p class="hint">{}</p>"#, sanitize::html(&a.hint));
    }
    if !a.summary.is_empty() {
        let _ = write!(s, "<p>{}</p>", sanitize::html(&a.summary));
    }
    let mut tail = Vec::new();
    if !a.ids.is_empty() {
        let ids: Vec<String> = a.ids.iter().map(|i| sanitize::html(i)).collect();
        tail.push(ids.join(", "));
    }
    if let Some(p) = a.published {
        tail.push(p.format("%-d %b").to_string());
    }
    tail.extend(link_list(&a.links));
    if !tail.is_empty() {
        let _ = write!(s, r#"<p class="ids">{}</p>"#, tail.join(" · "));
    }
    s.push_str("</li>\n");
}

fn news(s: &mut String, r: &Ranked) {
    if r.input.news.is_empty() {
        return;
    }
    s.push_str("<section id=\"news\">\n<h2>News naming our stack</h2>\n<ul>\n");
    for n in &r.input.news {
        let warn = if n.suspicious_above.is_some() {
            "⚠ "
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<li><em>{}</em>: {}: {warn}{}</li>",
            sanitize::html(&n.source),
            anchor(&n.title, n.url.as_deref()),
            sanitize::html(&super::rank::news_line(n))
        );
    }
    s.push_str("</ul>\n</section>\n");
}

fn releases(s: &mut String, r: &Ranked) {
    if r.releases.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"releases\">\n<h2>Releases of our stack</h2>\n<div class=\"releases\">\n",
    );
    for g in &r.releases {
        release_group(s, g);
    }
    s.push_str("</div>\n</section>\n");
}

fn release_group(s: &mut String, g: &Group) {
    let _ = write!(s, "<section><h3>{}", sanitize::html(&g.group.tech));
    if let Some(v) = &g.group.current {
        let _ = write!(
            s,
            r#" <span class="muted">we run {}</span>"#,
            sanitize::html(v)
        );
    }
    s.push_str("</h3><ul>");
    for i in &g.shown {
        s.push_str("<li>");
        if i.major {
            s.push_str(r#"<span class="major">MAJOR</span>"#);
        }
        s.push_str(&anchor(&i.title, i.url.as_deref()));
        if let Some(v) = &i.version
            && !sanitize::text(&i.title).contains(&sanitize::text(v))
        {
            let _ = write!(s, " ({})", sanitize::html(v));
        }
        if let Some(p) = i.published {
            let _ = write!(s, r#" <span class="date">{}</span>"#, p.format("%a %-d %b"));
        }
        s.push_str("</li>");
    }
    if g.hidden > 0 {
        let _ = write!(
            s,
            r#"<li class="muted">…and {} more release{}</li>"#,
            g.hidden,
            if g.hidden == 1 { "" } else { "s" }
        );
    }
    s.push_str("</ul></section>\n");
}

fn emerging(s: &mut String, r: &Ranked) {
    if r.emerging.is_empty() {
        return;
    }
    s.push_str("<section id=\"emerging\">\n<h2>Emerging</h2>\n<ul class=\"terms\">\n");
    for t in &r.emerging {
        let counts: Vec<String> = t.weekly_counts.iter().map(u32::to_string).collect();
        let _ = write!(
            s,
            r#"<li><span class="term">{}</span>{}<span class="growth">{}</span><span class="weekly">weekly: {}"#,
            sanitize::html(&t.term),
            spark_svg(t),
            escape_html(&rank::growth(t.growth)),
            counts.join(", ")
        );
        if t.in_stack {
            s.push_str(r#" <span class="stack-tag">in our stack</span>"#);
        }
        s.push_str("</span></li>\n");
    }
    s.push_str("</ul>\n</section>\n");
}

/// A 96×24 inline sparkline; the counts are also printed as text beside it.
fn spark_svg(t: &EmergingTerm) -> String {
    let c = &t.weekly_counts;
    if c.is_empty() {
        return String::new();
    }
    let max = f64::from(c.iter().copied().max().unwrap_or(0).max(1));
    let (w, h, pad) = (96.0_f64, 24.0_f64, 3.0_f64);
    let step = if c.len() > 1 {
        (w - 2.0 * pad) / (c.len() - 1) as f64
    } else {
        0.0
    };
    let pts: Vec<(f64, f64)> = c
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let x = pad + step * i as f64;
            let y = h - pad - (h - 2.0 * pad) * f64::from(n) / max;
            ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
        })
        .collect();
    let line: Vec<String> = pts.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let (lx, ly) = pts[pts.len() - 1];
    format!(
        r##"<svg class="spark" viewBox="0 0 96 24" aria-hidden="true"><polyline points="{}" fill="none" stroke="#0b5cad" stroke-width="2" stroke-linejoin="round"/><circle cx="{lx}" cy="{ly}" r="2.5" fill="#0b5cad"/></svg>"##,
        line.join(" ")
    )
}

fn proposals(s: &mut String, r: &Ranked) {
    if r.proposals.is_empty() {
        return;
    }
    s.push_str("<section id=\"proposals\">\n<h2>Proposed ring moves</h2>\n<ul class=\"cards\">\n");
    for p in &r.proposals {
        let _ = write!(
            s,
            r#"<li class="card"><p><span class="pkg">{}</span> <span class="muted {}">{}</span></p><p class="move">{} → {}</p>"#,
            sanitize::html(&p.name),
            quadrant_class(p.quadrant),
            escape_html(svg::quadrant_title(p.quadrant)),
            p.from.map_or("Not on the radar", Ring::title),
            p.to.title()
        );
        let reasons: Vec<String> = p
            .reasons
            .iter()
            .take(LIMITS.reasons)
            .map(|x| format!("<li>{}</li>", sanitize::html(x)))
            .collect();
        if !reasons.is_empty() {
            let _ = write!(s, r#"<ul class="reasons">{}</ul>"#, reasons.concat());
        }
        let links = link_list(&p.links);
        if !links.is_empty() {
            let _ = write!(s, r#"<p class="ids">{}</p>"#, links.join(" · "));
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n<p class=\"muted\">Decide with <code>radar review accept NAME</code> or <code>radar review reject NAME</code>.</p>\n</section>\n");
}

/// Colour classes for a configured shape's quadrants; digest.css has the
/// default four.
fn shape_css(shape: &crate::shape::Shape) -> String {
    if shape.is_default() {
        return String::new();
    }
    let mut css = String::new();
    for &q in shape.quadrants() {
        let (c, qc) = (svg::quadrant_color(q), quadrant_class(q));
        let _ = writeln!(
            css,
            ".{qc}{{color:{c}}}.n.{qc}{{background:{c};color:#fff}}"
        );
    }
    css
}

fn quadrant_class(q: Quadrant) -> String {
    format!("q-{}", q.as_str())
}

fn radar(s: &mut String, r: &Ranked) {
    if r.blips.is_empty() {
        return;
    }
    s.push_str("<section id=\"radar\">\n<h2>The radar</h2>\n<figure>\n");
    s.push_str(&svg::render(&r.input.radar));
    s.push_str("\n<figcaption><ul class=\"key\">");
    for (m, label) in [
        (Movement::Unchanged, "no change"),
        (Movement::New, "new"),
        (Movement::MovedIn, "moved in"),
        (Movement::MovedOut, "moved out"),
    ] {
        let _ = write!(s, "<li>{}{label}</li>", key_icon(m));
    }
    s.push_str("</ul></figcaption>\n</figure>\n<div class=\"legend\">\n");
    let shape = crate::shape::active();
    for &q in shape.quadrants() {
        let in_q: Vec<_> = r.blips.iter().filter(|(_, b)| b.quadrant == q).collect();
        if in_q.is_empty() {
            continue;
        }
        let qc = quadrant_class(q);
        let _ = write!(
            s,
            r#"<section><h3 class="{qc}">{}</h3>"#,
            escape_html(svg::quadrant_title(q))
        );
        for &ring in shape.rings() {
            let in_ring: Vec<_> = in_q.iter().filter(|(_, b)| b.ring == ring).collect();
            if in_ring.is_empty() {
                continue;
            }
            let _ = write!(s, "<h4>{}</h4><ol>", ring.title());
            for (n, b) in in_ring {
                let _ = write!(
                    s,
                    r#"<li><span class="n {qc}">{n}</span><span>{}</span>"#,
                    sanitize::html(&b.name)
                );
                if b.movement != Movement::Unchanged {
                    let _ = write!(
                        s,
                        r#"<span class="mv mv-{}">{}</span>"#,
                        svg::movement_class(b.movement),
                        b.movement.label()
                    );
                }
                s.push_str("</li>");
            }
            s.push_str("</ol>");
        }
        s.push_str("</section>\n");
    }
    s.push_str("</div>\n</section>\n");
}

/// Small pictures of the blip styles for the key under the radar.
fn key_icon(m: Movement) -> String {
    let mark = match m {
        Movement::Unchanged => "",
        Movement::New => {
            r##"<circle cx="8" cy="8" r="6.6" fill="none" stroke="#5b6673" stroke-width="1.6"/>"##
        }
        Movement::MovedIn => {
            r##"<path d="M4.7 2.3A6.6 6.6 0 0 0 4.7 13.7" fill="none" stroke="#5b6673" stroke-width="1.6"/>"##
        }
        Movement::MovedOut => {
            r##"<path d="M11.3 2.3A6.6 6.6 0 0 1 11.3 13.7" fill="none" stroke="#5b6673" stroke-width="1.6"/>"##
        }
    };
    format!(
        r##"<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="5" fill="#5b6673"/>{mark}</svg>"##
    )
}
