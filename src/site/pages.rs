//! The site's own pages, rendered by maud from a [`SiteInput`]: the index
//! (linked radar, legend, latest digest's headline, the weeks) and one page
//! per entry. Pure: no I/O; the week pages are the digest's own renderer in
//! its `Site` medium. Every string is escaped by maud; the lead's text is
//! the only HTML taken in, and it is cleaned first (`text`).

use chrono::{DateTime, NaiveDate, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::BTreeMap;

use super::gather::{EntryView, Related, SiteInput};
use super::paths;
use super::text::lead_text;
use crate::audit::Finding;
use crate::digest::html::{self as digest_html, CSP};
use crate::digest::rank::{self, Ranked};
use crate::digest::{DigestInput, sanitize, svg};
use crate::radar::Verdict;

const SITE_CSS: &str = include_str!("site.css");

/// A page of the site: the digest's look plus the site's additions, the
/// digest's CSP (no script, no fetch).
fn page(title: &str, home: Option<&str>, body: Markup) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                (digest_html::head_meta(CSP, "radar site")) "\n"
                title { (title) } "\n"
                style { "\n" (PreEscaped(digest_html::css())) (PreEscaped(SITE_CSS)) } "\n"
            } "\n"
            body {
                "\n"
                div.page {
                    "\n"
                    @if let Some(h) = home {
                        nav.nav { a href=(h) { "← The radar" } } "\n"
                    }
                    (body)
                    footer {
                        "Written by " code { "radar site" } ". Static pages: no script, nothing loaded from the network."
                    } "\n"
                } "\n"
            } "\n"
        } "\n"
    }
    .into_string()
}

/// `index.html`.
pub fn index(site: &SiteInput, files: &BTreeMap<String, String>) -> String {
    let title = sanitize::text(&site.title);
    let latest = site.weeks.first();
    let href = |name: &str| files.get(name).cloned();
    let body = html! {
        header {
            "\n"
            h1 { (title) } "\n"
            p.meta { "Generated " (site.generated.format("%a %-d %b %Y, %H:%M UTC")) } "\n"
            @if let Some(d) = latest {
                (headline(d)) "\n"
            }
        } "\n"
        main {
            "\n"
            @if let Some(d) = latest {
                @let r = Ranked::new(d);
                @if r.blips.is_empty() {
                    p { "Nothing on the radar yet: run " code { "radar update" } "." } "\n"
                } @else {
                    section id="radar" {
                        "\n" h2 { "The radar" } "\n"
                        figure {
                            "\n" (PreEscaped(paths::linked_radar(&d.radar, &href))) "\n"
                            figcaption.hint-small { "Select a blip or a name to open its page." } "\n"
                        } "\n"
                        (digest_html::legend(&r, &href)) "\n"
                    } "\n"
                }
            }
            (unplaced(site, files))
            (weeks(site))
        } "\n"
    };
    page(&title, None, body)
}

/// The latest digest in one line, its chips linking into its week page.
fn headline(d: &DigestInput) -> Markup {
    let week_page = paths::week_page(d.week);
    let r = Ranked::new(d);
    let n = r.action.len();
    html! {
        section.headline {
            h2 { "This week: " a href=(week_page) { (d.week) " digest" } }
            ul.chips {
                @if n > 0 {
                    li.urgent { a href={ (week_page) "#action" } style="color:inherit" {
                        (n) " " (if n == 1 { "advisory needs" } else { "advisories need" }) " action" } }
                } @else {
                    li { "No advisories need action" }
                }
                @let rel = r.release_count();
                @if rel > 0 { li { a href={ (week_page) "#releases" } { (rel) " release" (if rel == 1 { "" } else { "s" }) } } }
                @if !r.emerging.is_empty() { li { a href={ (week_page) "#emerging" } { (r.emerging.len()) " rising" } } }
                @let p = r.proposals.len();
                @if p > 0 { li { a href={ (week_page) "#proposals" } { (p) " proposed move" (if p == 1 { "" } else { "s" }) } } }
            }
        }
    }
}

/// Entries with a page but no ring (proposed additions, rising terms).
fn unplaced(site: &SiteInput, files: &BTreeMap<String, String>) -> Markup {
    let drawn: Vec<&str> = site
        .weeks
        .first()
        .map(|d| d.radar.iter().map(|b| b.name.as_str()).collect())
        .unwrap_or_default();
    let rest: Vec<&EntryView> = site
        .entries
        .iter()
        .filter(|e| !drawn.contains(&e.name.as_str()))
        .collect();
    if rest.is_empty() {
        return html! {};
    }
    html! {
        section id="unplaced" {
            "\n" h2 { "Not on the radar" } "\n"
            ul {
                @for e in rest {
                    li {
                        @if let Some(h) = files.get(&e.name) { a href=(h) { (sanitize::text(&e.name)) } }
                        " " span.muted { (svg::quadrant_title(e.quadrant)) }
                        @if let Some(p) = e.entry.as_ref().and_then(|x| x.pending()) {
                            " · proposed for " (p.title())
                        }
                    }
                }
            } "\n"
        } "\n"
    }
}

fn weeks(site: &SiteInput) -> Markup {
    html! {
        section id="weeks" {
            "\n" h2 { "Weekly digests" } "\n"
            ul.weeks {
                @for d in &site.weeks {
                    @let r = Ranked::new(d);
                    li {
                        a href=(paths::week_page(d.week)) { (d.week) }
                        " " span.muted { (rank::week_range(d)) }
                        " · " (r.action.len()) " to act on · " (r.release_count()) " releases"
                    }
                }
            } "\n"
        } "\n"
    }
}

/// `entries/<slug>.html`.
pub fn entry(site: &SiteInput, v: &EntryView) -> String {
    let name = sanitize::text(&v.name);
    let e = v.entry.as_ref();
    let qc = digest_html::quadrant_class(v.quadrant);
    let body = html! {
        header {
            "\n"
            h1 { (name) } "\n"
            p.placement {
                span class={ "ring ring-" (v.ring.map_or("none", |r| r.as_str())) } {
                    (v.ring.map_or("Not on the radar", crate::model::Ring::title))
                }
                " " span class=(qc) { (svg::quadrant_title(v.quadrant)) }
                @if let Some(p) = &v.package { " · " code { (sanitize::text(p)) } }
                @if let Some(s) = e.and_then(|x| x.score) { " · score " (format!("{s:+.2}")) }
                @if let Some(u) = e.and_then(|x| x.updated) { " · updated " (u) }
            } "\n"
        } "\n"
        main {
            "\n"
            @if e.is_none() {
                p.muted { "No entry file yet: " code { "radar update" } " writes one with the signals behind its ring." } "\n"
            }
            @if let Some(x) = e { (proposal(x)) }
            @if let Some(x) = e.filter(|x| !x.text.trim().is_empty()) {
                section id="notes" { "\n" h2 { "Our notes" } "\n" div.lead { (lead_text(&x.text)) } "\n" } "\n"
            }
            @if let Some(x) = e { (signals(x)) }
            (findings(&v.findings))
            @if let Some(x) = e { (history(x)) }
            (related(&v.related))
            (weeks_drawn(site, v))
        } "\n"
    };
    page(
        &format!("{name} · {}", sanitize::text(&site.title)),
        Some("../index.html"),
        body,
    )
}

fn proposal(e: &crate::radar::Entry) -> Markup {
    let Some(to) = e.pending() else {
        return html! {};
    };
    let mut reasons: Vec<&crate::score::Signal> = e.signals.iter().collect();
    reasons.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    html! {
        section.card id="proposal" {
            "\n"
            h2 { "Proposed: " (e.ring.map_or("Not on the radar", crate::model::Ring::title)) " → " (to.title()) } "\n"
            @if let Some(rule) = &e.rule { p.hint { (sanitize::text(rule)) } "\n" }
            ul.reasons {
                @for s in reasons.iter().take(rank::LIMITS.reasons) { li { (sanitize::text(&s.because)) } }
            } "\n"
            p.muted {
                "Decide with " code { "radar review accept " (quoted(&e.name)) }
                " or " code { "radar review reject " (quoted(&e.name)) } "."
            } "\n"
        } "\n"
    }
}

/// A name as a shell argument a lead can paste.
fn quoted(name: &str) -> String {
    let clean = sanitize::text(name);
    if clean
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.+/".contains(c))
    {
        clean
    } else {
        format!("'{}'", clean.replace('\'', r"'\''"))
    }
}

fn signals(e: &crate::radar::Entry) -> Markup {
    if e.signals.is_empty() {
        return html! {};
    }
    html! {
        section id="signals" {
            "\n" h2 { "Signals" } "\n"
            ul.cards {
                "\n"
                @for s in &e.signals {
                    @let links = digest_html::link_list(&signal_urls(s));
                    li.card {
                        p {
                            span.kind { (s.kind.as_str()) } " "
                            span class={ "weight " (if s.weight < 0.0 { "neg" } else { "pos" }) } { (format!("{:+.2}", s.weight)) }
                            " " (sanitize::text(&s.because))
                        }
                        @if !links.is_empty() {
                            p.ids {
                                @for (i, l) in links.iter().enumerate() { @if i > 0 { " · " } (l) }
                            }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn signal_urls(s: &crate::score::Signal) -> Vec<String> {
    s.url.iter().chain(&s.evidence).cloned().collect()
}

fn findings(findings: &[Finding]) -> Markup {
    if findings.is_empty() {
        return html! {};
    }
    html! {
        section id="findings" {
            "\n" h2 { "Audit findings" } "\n"
            ul.cards {
                "\n"
                @for f in findings {
                    @let sev = f.severity.map_or("unscored", |s| s.as_str());
                    li class={ "card sev-" (sev) } {
                        p {
                            span.sev { (sev) @if let Some(s) = f.score { " " (format!("{s:.1}")) } }
                            span.pkg { (sanitize::text(&f.package)) } " " (sanitize::text(&f.version))
                            " " span.muted { (f.kind.as_str()) }
                        }
                        p { (sanitize::text(&f.title)) }
                        @if !f.upgrade.is_empty() {
                            p.hint { "Upgrade to " (sanitize::text(&f.upgrade.join(" or "))) }
                        }
                        p.ids {
                            (digest_html::anchor(&f.id, f.url.as_deref()))
                            @for a in &f.aliases { ", " (sanitize::text(a)) }
                            " · " (sanitize::text(&f.lockfile))
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

/// Ring moves and review decisions, oldest first.
fn history(e: &crate::radar::Entry) -> Markup {
    enum Event<'a> {
        Move(&'a crate::radar::HistoryEntry),
        Decision(&'a crate::radar::Decision),
    }
    let mut events: Vec<(NaiveDate, Event)> = e
        .history
        .iter()
        .map(|h| (h.date, Event::Move(h)))
        .chain(e.decisions.iter().map(|d| (d.date, Event::Decision(d))))
        .collect();
    if events.is_empty() {
        return html! {};
    }
    events.sort_by_key(|(d, _)| *d);
    html! {
        section id="history" {
            "\n" h2 { "History" } "\n"
            ol.timeline {
                "\n"
                @for (date, ev) in &events {
                    li {
                        time datetime=(date) { (date) } " "
                        @match ev {
                            Event::Move(h) => {
                                @match h.from {
                                    Some(f) => { "Moved from " (f.title()) " to " strong { (h.ring.title()) } },
                                    None => { "Placed in " strong { (h.ring.title()) } },
                                }
                                @if let Some(n) = &h.note { ": " (sanitize::text(n)) }
                            }
                            Event::Decision(d) => {
                                (match d.verdict { Verdict::Accepted => "Accepted", Verdict::Rejected => "Rejected" })
                                " the proposal " strong { (d.proposed.title()) }
                                @if let Some(r) = &d.reason { ": " (sanitize::text(r)) }
                            }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn related(items: &[Related]) -> Markup {
    if items.is_empty() {
        return html! {};
    }
    html! {
        section id="related" {
            "\n" h2 { "Newest in the index" } "\n"
            ul {
                "\n"
                @for i in items {
                    li {
                        (digest_html::anchor(&i.title, i.url.as_deref()))
                        " " span.muted {
                            (i.kind.as_str()) " · " (sanitize::text(&i.source))
                            @if let Some(p) = i.published { " · " (date(p)) }
                        }
                    } "\n"
                }
            } "\n"
        } "\n"
    }
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

/// The weeks whose digest draws this entry, with its ring there.
fn weeks_drawn(site: &SiteInput, v: &EntryView) -> Markup {
    let seen: Vec<(&DigestInput, &crate::digest::Blip)> = site
        .weeks
        .iter()
        .filter_map(|d| Some((d, d.radar.iter().find(|b| b.name == v.name)?)))
        .collect();
    if seen.is_empty() {
        return html! {};
    }
    html! {
        section id="in-digests" {
            "\n" h2 { "In the weekly digests" } "\n"
            ul.weeks {
                @for (d, b) in seen {
                    li {
                        a href={ "../" (paths::week_page(d.week)) } { (d.week) }
                        " " (b.ring.title())
                        @if b.movement != crate::digest::Movement::Unchanged { " · " (b.movement.label()) }
                    }
                }
            } "\n"
        } "\n"
    }
}
