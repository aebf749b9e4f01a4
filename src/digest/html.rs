//! The digest as one self-contained HTML page: inline CSS, inline SVG radar,
//! no script, no external request. Readable on a phone (viewport meta,
//! fluid layout) and on paper (`@media print`). The same page, in other
//! [`Medium`]s, is the mail's HTML part and the static site's week page.
//!
//! Every element is written by maud, which escapes every spliced string:
//! untrusted text cannot become markup by mistake. Text from a source is
//! still cleaned with `sanitize::text` (controls, bidi, length) and every
//! URL goes through `sanitize::link`. The only raw inserts are our own
//! constants (CSS) and SVG made of numbers (`svg::render`, sparklines,
//! key icons), whose elements need the XML self-closing form maud does not
//! write. As a second line of defence the page carries a
//! Content-Security-Policy that forbids scripts and every fetch, so even a
//! sanitizer bug could not make the page run code or phone home.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::model::{ActionItem, DigestInput, EmergingTerm, Movement, SeverityLevel};
use super::rank::{self, Group, LIMITS, Ranked};
use super::sanitize;
use super::svg;
use crate::model::{Quadrant, Ring};
use std::fmt::Write as _;

const CSS: &str = include_str!("digest.css");

/// Nothing may load or run; inline styles are the only thing allowed.
pub const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The mail's one image is its own `cid:` part; nothing else may load.
const MAIL_CSP: &str = "default-src 'none'; img-src cid:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Where the page is going to be read.
#[derive(Debug, Clone, Default)]
pub enum Medium<'a> {
    /// The standalone page `radar digest` writes.
    #[default]
    Page,
    /// A mail's HTML part: the radar is the `cid:` PNG part (mail clients
    /// do not draw inline SVG) and the small decorative SVGs are left out.
    Mail { cid: &'a str },
    /// A week page of the static site: a link back to the site's index and
    /// the radar whose blips open entry pages (made by `site`).
    Site {
        home: &'a str,
        radar_svg: String,
        /// Entry name → its page, relative to the week page.
        entries: &'a std::collections::BTreeMap<String, String>,
    },
}

/// Renders the standalone page; sections in the issue's order, empty ones
/// left out.
pub fn render(input: &DigestInput) -> String {
    render_for(input, &Medium::Page)
}

/// Renders the page for `medium`.
pub fn render_for(input: &DigestInput, medium: &Medium) -> String {
    let r = Ranked::new(input);
    let title = sanitize::text(&input.title);
    let csp = match medium {
        Medium::Mail { .. } => MAIL_CSP,
        _ => CSP,
    };
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                (head_meta(csp, "radar digest")) "\n"
                title { (title) " digest " (input.week) } "\n"
                style { "\n" (PreEscaped(CSS)) (PreEscaped(shape_css(&crate::shape::active()))) } "\n"
            } "\n"
            body {
                "\n"
                div.page {
                    "\n"
                    header {
                        "\n"
                        @if let Medium::Site { home, .. } = medium {
                            p.nav { a href=(home) { "← The radar" } } "\n"
                        }
                        h1 { (title) ": week " (input.week.week()) " of " (input.week.year()) } "\n"
                        p.meta {
                            (rank::week_range(input)) " · generated "
                            (input.generated.format("%a %-d %b %Y, %H:%M UTC"))
                        } "\n"
                        (chips(&r))
                    } "\n"
                    main {
                        "\n"
                        (action_needed(&r))
                        (releases(&r))
                        (news(&r))
                        (emerging(&r, medium))
                        (proposals(&r))
                        (radar(&r, medium))
                    } "\n"
                    footer {
                        "Written by " code { "radar digest --week " (input.week) }
                        ". This page is self-contained: it runs no script and loads nothing from the network."
                    } "\n"
                } "\n"
            } "\n"
        } "\n"
    };
    page.into_string()
}

/// The `<meta>` lines every page of ours starts with: the CSP that forbids
/// scripts and fetches, no referrer, and who wrote it.
pub fn head_meta(csp: &str, generator: &str) -> Markup {
    html! {
        meta charset="utf-8"; "\n"
        meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
        meta http-equiv="Content-Security-Policy" content=(csp); "\n"
        meta name="referrer" content="no-referrer"; "\n"
        meta name="generator" content=(generator);
    }
}

/// The digest's stylesheet, for pages that share its look (the site).
pub fn css() -> &'static str {
    CSS
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// The one-line headline of a digest: the chips at the top of its page.
pub fn chips_markup(input: &DigestInput) -> Markup {
    chips(&Ranked::new(input))
}

fn chips(r: &Ranked) -> Markup {
    let n = r.action.len();
    let releases = r.release_count();
    let proposals = r.proposals.len();
    let eol = r.input.end_of_life.len();
    html! {
        ul.chips {
            // End of life first, as in the Markdown headline: it is the
            // most common reason to move something to hold.
            @if eol > 0 {
                li.urgent {
                    a href="#action" style="color:inherit" {
                        (eol) " end-of-life warning" (plural(eol, "", "s"))
                    }
                }
            }
            @if n > 0 {
                li.urgent {
                    a href="#action" style="color:inherit" {
                        (n) " " (plural(n, "advisory", "advisories")) " need" (plural(n, "s", "")) " action"
                    }
                }
            } @else {
                li { "No advisories need action" }
            }
            @if releases > 0 {
                li { a href="#releases" { (releases) " release" (plural(releases, "", "s")) } }
            }
            @if !r.emerging.is_empty() {
                li { a href="#emerging" { (r.emerging.len()) " rising" } }
            }
            @if proposals > 0 {
                li { a href="#proposals" { (proposals) " proposed move" (plural(proposals, "", "s")) } }
            }
            @if !r.blips.is_empty() {
                li { a href="#radar" { (r.blips.len()) " on the radar" } }
            }
        } "\n"
    }
}

/// `<a>` for a safe URL, or the label as text when the URL is not safe.
pub fn anchor(label: &str, url: Option<&str>) -> Markup {
    let label = sanitize::text(label);
    html! {
        @match url.and_then(sanitize::link) {
            Some(u) => a href=(u) rel="noopener noreferrer nofollow" { (label) },
            None => (label),
        }
    }
}

/// The safe links among `urls`, labelled by host, joined by " · ".
pub fn link_list(urls: &[String]) -> Vec<Markup> {
    rank::safe_links(urls)
        .into_iter()
        .map(|(u, label)| html! { a href=(u) rel="noopener noreferrer nofollow" { (label) } })
        .collect()
}

fn joined(parts: &[Markup]) -> Markup {
    html! {
        @for (i, p) in parts.iter().enumerate() {
            @if i > 0 { " · " }
            (p)
        }
    }
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

fn action_needed(r: &Ranked) -> Markup {
    if r.action.is_empty() && r.input.end_of_life.is_empty() {
        return html! {};
    }
    html! {
        section id="action" {
            "\n" h2 { "Action needed" } "\n"
            ol.cards {
                "\n"
                @for e in &r.input.end_of_life {
                    li.card {
                        strong { (if e.past { "End of life" } else { "End of life soon" }) }
                        " · " (sanitize::text(&rank::eol_line(e)))
                        @if let Some(u) = &e.url {
                            " · " (anchor("endoflife.date", Some(u)))
                        }
                    } "\n"
                }
                @for a in &r.action {
                    (action_card(a)) "\n"
                }
            } "\n"
        } "\n"
    }
}

fn action_card(a: &ActionItem) -> Markup {
    let mut tail: Vec<Markup> = Vec::new();
    if !a.ids.is_empty() {
        let ids: Vec<String> = a.ids.iter().map(|i| sanitize::text(i)).collect();
        tail.push(html! { (ids.join(", ")) });
    }
    if let Some(p) = a.published {
        tail.push(html! { (p.format("%-d %b")) });
    }
    tail.extend(link_list(&a.links));
    html! {
        li class={ "card " (severity_class(a.severity.level)) } {
            p {
                span.sev { (a.severity.display()) }
                span.pkg { (sanitize::text(&a.package)) }
                @if let Some(v) = &a.version { " " (sanitize::text(v)) }
                @if !a.confirmed {
                    " " span.unconfirmed title="only the package name matched; run radar audit" { "version not checked" }
                }
                @if !a.fixed.is_empty() {
                    @let fixed: Vec<String> = a.fixed.iter().map(|f| sanitize::text(f)).collect();
                    " " span.muted { "· fixed in " (fixed.join(", ")) }
                }
            }
            @if !a.hint.is_empty() { p.hint { (sanitize::text(&a.hint)) } }
            @if !a.summary.is_empty() { p { (sanitize::text(&a.summary)) } }
            @if !tail.is_empty() { p.ids { (joined(&tail)) } }
        }
    }
}

fn news(r: &Ranked) -> Markup {
    if r.input.news.is_empty() {
        return html! {};
    }
    html! {
        section id="news" {
            "\n" h2 { "News naming our stack" } "\n"
            ul {
                "\n"
                @for n in &r.input.news {
                    li {
                        em { (sanitize::text(&n.source)) } ": "
                        (anchor(&n.title, n.url.as_deref())) ": "
                        @if n.suspicious_above.is_some() { "⚠ " }
                        (sanitize::text(&rank::news_line(n)))
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn releases(r: &Ranked) -> Markup {
    if r.releases.is_empty() {
        return html! {};
    }
    html! {
        section id="releases" {
            "\n" h2 { "Releases of our stack" } "\n"
            div.releases {
                "\n"
                @for g in &r.releases { (release_group(g)) "\n" }
            } "\n"
        } "\n"
    }
}

fn release_group(g: &Group) -> Markup {
    html! {
        section {
            h3 {
                (sanitize::text(&g.group.tech))
                @if let Some(v) = &g.group.current {
                    " " span.muted { "we run " (sanitize::text(v)) }
                }
            }
            ul {
                @for i in &g.shown {
                    li {
                        @if i.major { span.major { "MAJOR" } }
                        (anchor(&i.title, i.url.as_deref()))
                        @if let Some(v) = version_beside_title(i) {
                            " (" (v) ")"
                        }
                        @if let Some(p) = i.published {
                            " " span.date { (p.format("%a %-d %b")) }
                        }
                    }
                }
                @if g.hidden > 0 {
                    li.muted { "…and " (g.hidden) " more release" (plural(g.hidden, "", "s")) }
                }
            }
        }
    }
}

/// The version, cleaned, unless the title already says it.
fn version_beside_title(i: &super::model::ReleaseItem) -> Option<String> {
    let v = sanitize::text(i.version.as_deref()?);
    (!sanitize::text(&i.title).contains(&v)).then_some(v)
}

fn emerging(r: &Ranked, medium: &Medium) -> Markup {
    if r.emerging.is_empty() {
        return html! {};
    }
    let pictures = !matches!(medium, Medium::Mail { .. });
    html! {
        section id="emerging" {
            "\n" h2 { "Emerging" } "\n"
            ul.terms {
                "\n"
                @for t in &r.emerging {
                    @let counts: Vec<String> = t.weekly_counts.iter().map(u32::to_string).collect();
                    li {
                        span.term { (sanitize::text(&t.term)) }
                        @if pictures { (spark_svg(t)) }
                        span.growth { (rank::growth(t.growth)) }
                        span.weekly {
                            "weekly: " (counts.join(", "))
                            @if t.in_stack { " " span.stack-tag { "in our stack" } }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

/// A 96×24 inline sparkline; the counts are also printed as text beside it.
/// Numbers only, so it is written as SVG text (see the module comment).
fn spark_svg(t: &EmergingTerm) -> PreEscaped<String> {
    let c = &t.weekly_counts;
    if c.is_empty() {
        return PreEscaped(String::new());
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
    PreEscaped(format!(
        r##"<svg class="spark" viewBox="0 0 96 24" aria-hidden="true"><polyline points="{}" fill="none" stroke="#0b5cad" stroke-width="2" stroke-linejoin="round"/><circle cx="{lx}" cy="{ly}" r="2.5" fill="#0b5cad"/></svg>"##,
        line.join(" ")
    ))
}

fn proposals(r: &Ranked) -> Markup {
    if r.proposals.is_empty() {
        return html! {};
    }
    html! {
        section id="proposals" {
            "\n" h2 { "Proposed ring moves" } "\n"
            ul.cards {
                "\n"
                @for p in &r.proposals {
                    @let links = link_list(&p.links);
                    li.card {
                        p {
                            span.pkg { (sanitize::text(&p.name)) } " "
                            span class={ "muted " (quadrant_class(p.quadrant)) } { (svg::quadrant_title(p.quadrant)) }
                        }
                        p.move { (p.from.map_or("Not on the radar", Ring::title)) " → " (p.to.title()) }
                        @if !p.reasons.is_empty() {
                            ul.reasons {
                                @for x in p.reasons.iter().take(LIMITS.reasons) { li { (sanitize::text(x)) } }
                            }
                        }
                        @if !links.is_empty() { p.ids { (joined(&links)) } }
                    } "\n"
                }
            } "\n"
            p.muted {
                "Decide with " code { "radar review accept NAME" } " or " code { "radar review reject NAME" } "."
            } "\n"
        } "\n"
    }
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

pub fn quadrant_class(q: Quadrant) -> String {
    format!("q-{}", q.as_str())
}

fn radar(r: &Ranked, medium: &Medium) -> Markup {
    if r.blips.is_empty() {
        return html! {};
    }
    let picture = match medium {
        Medium::Page => PreEscaped(svg::render(&r.input.radar)),
        Medium::Site { radar_svg, .. } => PreEscaped(radar_svg.clone()),
        Medium::Mail { .. } => PreEscaped(String::new()),
    };
    html! {
        section id="radar" {
            "\n" h2 { "The radar" } "\n"
            figure {
                "\n"
                @if let Medium::Mail { cid } = medium {
                    img src={ "cid:" (cid) } width="600" height="600"
                        alt={ "Technology radar, " (r.input.radar.len()) " entries" }
                        style="display:block;width:100%;max-width:600px;height:auto";
                } @else {
                    (picture)
                }
                "\n"
                @if !matches!(medium, Medium::Mail { .. }) {
                    figcaption {
                        ul.key {
                            @for (m, label) in [
                                (Movement::Unchanged, "no change"),
                                (Movement::New, "new"),
                                (Movement::MovedIn, "moved in"),
                                (Movement::MovedOut, "moved out"),
                            ] {
                                li { (key_icon(m)) (label) }
                            }
                        }
                    } "\n"
                }
            } "\n"
            @match medium {
                Medium::Site { entries, .. } => (legend(r, &|name| entries.get(name).cloned())),
                _ => (legend(r, &|_| None)),
            }
            "\n"
        } "\n"
    }
}

/// The numbered list of blips beside the radar, per quadrant and ring.
/// `href` gives an entry's page (the site) or nothing (the digest).
pub fn legend(r: &Ranked, href: &dyn Fn(&str) -> Option<String>) -> Markup {
    html! {
        div.legend {
            "\n"
            @let shape = crate::shape::active();
            @for &q in shape.quadrants() {
                @let in_q: Vec<_> = r.blips.iter().filter(|(_, b)| b.quadrant == q).collect();
                @if !in_q.is_empty() {
                    @let qc = quadrant_class(q);
                    section {
                        h3 class=(qc) { (svg::quadrant_title(q)) }
                        @for &ring in shape.rings() {
                            @let in_ring: Vec<_> = in_q.iter().filter(|(_, b)| b.ring == ring).collect();
                            @if !in_ring.is_empty() {
                                h4 { (ring.title()) }
                                ol {
                                    @for (n, b) in in_ring {
                                        li {
                                            span class={ "n " (qc) } { (n) }
                                            @match href(&b.name) {
                                                Some(h) => a href=(h) { (sanitize::text(&b.name)) },
                                                None => span { (sanitize::text(&b.name)) },
                                            }
                                            @if b.movement != Movement::Unchanged {
                                                span class={ "mv mv-" (svg::movement_class(b.movement)) } { (b.movement.label()) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    } "\n"
                }
            }
        }
    }
}

/// Small pictures of the blip styles for the key under the radar (numbers
/// and constants only).
fn key_icon(m: Movement) -> PreEscaped<String> {
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
    PreEscaped(format!(
        r##"<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="5" fill="#5b6673"/>{mark}</svg>"##
    ))
}
