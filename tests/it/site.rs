//! `radar site` on the demo radar (plus one hand-written entry with hostile
//! text): the pages exist, every link between them resolves, the blips
//! open their entry pages, nothing loads from outside; then the same site
//! in headless Chromium (skips with a notice when Chromium is absent).

use crate::harness::browser::{Browser, file_url, png_size, shots_dir};
use crate::harness::radar;
use scraper::{Html, Selector};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use techradar::digest::IsoWeek;
use techradar::digest::html::CSP;

const NOW: &str = "2026-11-30T08:00:00Z";

/// An entry a lead wrote by hand: a pending proposal, history, a decision,
/// signals with evidence, and Markdown that tries everything it should not.
const HOSTILE_ENTRY: &str = r#"+++
name = "Hostile <b>Tool</b>"
quadrant = "tools"
ring = "assess"
proposed = "trial"
score = 0.35
rule = "recent releases and rising mentions"
updated = 2026-11-27

[[signal]]
kind = "release"
weight = 0.1
because = "released 2.0 on 2026-11-20"
url = "https://tool.example/releases/2.0"

[[signal]]
kind = "trend"
weight = 0.25
because = "mentions rising: 9 in the last 4 weeks"
evidence = ["https://blog.example/a", "javascript:alert(1)", "https://news.example/b"]

[[history]]
date = 2026-03-02
ring = "hold"

[[history]]
date = 2026-09-14
ring = "assess"
from = "hold"
note = "the maintainers are back"

[[decision]]
date = 2026-10-05
verdict = "rejected"
proposed = "trial"
evidence = ["release:https://tool.example/releases/1.9"]
reason = "wait for 2.0"
+++
We **like** it for [batch jobs](https://tool.example/docs).

<script>window.pwned=1</script>

<img src="http://127.0.0.1:9/beacon.png" onerror="window.pwned=1">

![tracker](http://127.0.0.1:9/pixel.png)

[bad](javascript:window.pwned=1) [relative](../platforms/kafka.md)
"#;

/// The demo radar, kept, with the hostile entry added; and its site.
fn demo_site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = radar(NOW)
        .arg("demo")
        .arg("--keep")
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tools = demo.join("entries/tools");
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::write(tools.join("hostile-tool.md"), HOSTILE_ENTRY).unwrap();
    let site = dir.path().join("public");
    build(&demo, &site, &[]);
    (dir, demo, site)
}

fn build(demo: &Path, site: &Path, extra: &[&str]) -> String {
    let out = radar(NOW)
        .arg("--config")
        .arg(demo.join("radar.toml"))
        .args(["site", "--weeks", "3", "--out"])
        .arg(site)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        site.join("index.html").display().to_string()
    );
    stderr
}

fn pages(site: &Path) -> Vec<PathBuf> {
    let mut out = vec![site.join("index.html")];
    for sub in ["entries", "weeks"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(site.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn doc(path: &Path) -> Html {
    Html::parse_document(&std::fs::read_to_string(path).unwrap())
}

#[derive(Debug, Default)]
struct LinkCount {
    pages: usize,
    internal: usize,
    fragments: usize,
    external: usize,
    broken: Vec<String>,
}

/// Every `href` of every page: external ones must be http(s); internal
/// ones relative, inside the site, to a file that exists and, with a
/// fragment, to an element with that id.
fn check_links(site: &Path) -> LinkCount {
    let site = site.canonicalize().unwrap();
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let all = pages(&site);
    for p in &all {
        let d = doc(p);
        let set = d
            .select(&sel("[id]"))
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect();
        ids.insert(p.clone(), set);
    }
    let mut count = LinkCount {
        pages: all.len(),
        ..LinkCount::default()
    };
    for p in &all {
        let d = doc(p);
        for a in d.select(&sel("[href]")) {
            let href = a.value().attr("href").unwrap();
            if href.starts_with("https://") || href.starts_with("http://") {
                count.external += 1;
                continue;
            }
            let (file, frag) = href.split_once('#').unwrap_or((href, ""));
            if href.contains(':') || href.starts_with('/') {
                count
                    .broken
                    .push(format!("{}: not relative: {href}", p.display()));
                continue;
            }
            let target = if file.is_empty() {
                p.clone()
            } else {
                match p.parent().unwrap().join(file).canonicalize() {
                    Ok(t) if t.starts_with(&site) => t,
                    _ => {
                        count.broken.push(format!("{}: {href}", p.display()));
                        continue;
                    }
                }
            };
            if frag.is_empty() {
                count.internal += 1;
            } else if ids.get(&target).is_some_and(|s| s.contains(frag)) {
                count.fragments += 1;
            } else {
                count
                    .broken
                    .push(format!("{}: no #{frag} in {href}", p.display()));
            }
        }
    }
    count
}

#[test]
fn the_demo_site_has_a_page_per_entry_and_week_and_no_broken_link() {
    let (_dir, _demo, site) = demo_site();
    let all = pages(&site);
    assert!(site.join("weeks/2026-W48.html").is_file());
    assert!(site.join("weeks/2026-W46.html").is_file());
    // Mail and chat link to the week pages by the same rule.
    let url = techradar::deliver::summary::week_page_url(
        "https://radar.team.example/",
        IsoWeek::parse("2026-W48").unwrap(),
    );
    assert_eq!(url, "https://radar.team.example/weeks/2026-W48.html");

    for p in &all {
        let text = std::fs::read_to_string(p).unwrap();
        let d = Html::parse_document(&text);
        let csp: Vec<_> = d
            .select(&sel(r#"meta[http-equiv="Content-Security-Policy"]"#))
            .filter_map(|m| m.value().attr("content"))
            .collect();
        assert_eq!(csp, vec![CSP], "{}", p.display());
        assert!(!text.contains("<script"), "{}", p.display());
        assert!(!text.contains("127.0.0.1"), "{}", p.display());
        assert_eq!(
            d.select(&sel("img, iframe, object, embed, link")).count(),
            0
        );
    }

    let links = check_links(&site);
    eprintln!(
        "link check: {} pages, {} internal links, {} fragment links, {} external, {} broken",
        links.pages,
        links.internal,
        links.fragments,
        links.external,
        links.broken.len()
    );
    assert_eq!(links.broken, Vec::<String>::new());
    assert!(links.internal > all.len(), "{links:?}");

    // Every blip is a link, to the page the legend gives its number.
    let index = doc(&site.join("index.html"));
    let blips = index.select(&sel("svg.radar g.blip")).count();
    let linked: Vec<(String, String)> = index
        .select(&sel("svg.radar a"))
        .map(|a| {
            let g = a.select(&sel("g.blip")).next().unwrap();
            (
                g.value().attr("data-n").unwrap().to_string(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert!(blips >= 5, "{blips}");
    assert_eq!(linked.len(), blips, "every blip links somewhere");
    let legend: BTreeMap<String, (String, String)> = index
        .select(&sel(".legend li"))
        .map(|li| {
            let n = li.select(&sel(".n")).next().unwrap().text().collect();
            let a = li.select(&sel("a")).next().unwrap();
            (
                n,
                (
                    a.value().attr("href").unwrap().to_string(),
                    a.text().collect(),
                ),
            )
        })
        .collect();
    for (n, href) in &linked {
        let (legend_href, name) = &legend[n];
        assert_eq!(href, legend_href, "blip {n}");
        let page = doc(&site.join(href));
        let h1: String = page.select(&sel("h1")).next().unwrap().text().collect();
        assert_eq!(&h1, name, "{href}");
    }
    // The headline of the latest digest links into its week page.
    let headline: Vec<String> = index
        .select(&sel(".headline a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(headline[0], "weeks/2026-W48.html", "{headline:?}");
}

#[test]
fn an_entry_page_shows_proposal_history_signals_and_safe_notes() {
    let (_dir, _demo, site) = demo_site();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    // Drawn (an entry with a ring), so in the legend, linked.
    let hostile_link = Html::parse_document(&index)
        .select(&sel(".legend a"))
        .find(|a| a.text().collect::<String>() == "Hostile <b>Tool</b>")
        .map(|a| a.value().attr("href").unwrap().to_string())
        .expect("the hand-written entry is listed");
    let text = std::fs::read_to_string(site.join(&hostile_link)).unwrap();
    let d = Html::parse_document(&text);
    let h1: String = d.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, "Hostile <b>Tool</b>", "the name is text, not markup");
    for bad in [
        "<script",
        "<img",
        "pwned",
        "javascript:",
        "127.0.0.1",
        "kafka.md",
        "<b>",
    ] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
    let placement: String = d
        .select(&sel(".placement"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(placement.contains("Assess"), "{placement}");
    assert!(placement.contains("Tools"), "{placement}");
    // The proposal with its reasons, strongest first, and the commands.
    let proposal: String = d.select(&sel("#proposal")).next().unwrap().text().collect();
    assert!(proposal.contains("Proposed: Assess → Trial"), "{proposal}");
    let reasons: Vec<String> = d
        .select(&sel("#proposal .reasons li"))
        .map(|l| l.text().collect())
        .collect();
    assert_eq!(
        reasons,
        vec![
            "mentions rising: 9 in the last 4 weeks",
            "released 2.0 on 2026-11-20"
        ]
    );
    assert!(proposal.contains("radar review accept 'Hostile <b>Tool</b>'"));
    // The lead's notes as formatting, the safe link kept.
    let notes = d.select(&sel("#notes .lead")).next().unwrap().inner_html();
    assert!(notes.contains("<strong>like</strong>"), "{notes}");
    assert!(
        notes.contains(r#"href="https://tool.example/docs""#),
        "{notes}"
    );
    // History and decision in date order.
    let timeline: Vec<String> = d
        .select(&sel("#history li"))
        .map(|l| l.text().collect())
        .collect();
    assert_eq!(
        timeline,
        vec![
            "2026-03-02 Placed in Hold",
            "2026-09-14 Moved from Hold to Assess: the maintainers are back",
            "2026-10-05 Rejected the proposal Trial: wait for 2.0",
        ]
    );
    // Signals with their evidence links (the unsafe one dropped).
    let evidence: Vec<String> = d
        .select(&sel("#signals a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        evidence,
        vec![
            "https://tool.example/releases/2.0",
            "https://blog.example/a",
            "https://news.example/b"
        ]
    );
}

#[test]
fn a_demo_entry_page_lists_related_items_and_audit_findings() {
    let (_dir, _demo, site) = demo_site();
    let mut with_findings = 0;
    let mut with_related = 0;
    for p in pages(&site)
        .iter()
        .filter(|p| p.starts_with(site.join("entries")))
    {
        let d = doc(p);
        if d.select(&sel("#findings li")).count() > 0 {
            with_findings += 1;
            let ids: String = d
                .select(&sel("#findings .ids"))
                .next()
                .unwrap()
                .text()
                .collect();
            // The lockfile as the repository names it, not this machine's path.
            assert!(ids.contains("lockfiles/"), "{ids}");
            assert!(!ids.contains("/tmp"), "{ids}");
        }
        if d.select(&sel("#related li")).count() > 0 {
            with_related += 1;
        }
    }
    assert!(with_findings >= 1, "the demo's lockfiles have findings");
    assert!(with_related >= 1, "the demo's feeds name its techs");
}

#[test]
fn a_rebuild_removes_pages_of_entries_that_are_gone() {
    let (_dir, demo, site) = demo_site();
    let before = pages(&site).len();
    let stale = site.join("entries/stale-page.html");
    std::fs::write(&stale, "old").unwrap();
    std::fs::remove_file(demo.join("entries/tools/hostile-tool.md")).unwrap();
    let stderr = build(&demo, &site, &[]);
    assert!(stderr.contains("2 old pages removed"), "{stderr}");
    assert!(!stale.exists());
    assert_eq!(pages(&site).len(), before - 1);
    // Files of our own beside the pages are left alone.
    std::fs::write(site.join("CNAME"), "radar.team.example").unwrap();
    build(&demo, &site, &[]);
    assert!(site.join("CNAME").is_file());
}

#[test]
fn site_without_an_index_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("radar.toml"), "").unwrap();
    let out = radar(NOW)
        .current_dir(dir.path())
        .arg("site")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("radar crawl"), "{stderr}");
}

// ---- in Chromium ---------------------------------------------------------

/// Every link in the page as the browser resolved it.
/// (An SVG `<a>`'s `href` is an object, not a string: resolve the attribute.)
const HREFS: &str = "[...document.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), document.baseURI).href)";

#[test]
fn chromium_walks_the_demo_site() {
    let exe = require_chromium!();
    let (_dir, _demo, site) = demo_site();
    let site = site.canonicalize().unwrap();
    let root = file_url(&site) + "/";
    let index_url = file_url(&site.join("index.html"));
    let mut b = Browser::launch(&exe);

    // Follow every internal link from the index, as a reader would.
    let desktop = b.open_tab(1280, 900, false);
    let mut queue = vec![index_url.clone()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let (mut internal, mut external) = (0, 0);
    while let Some(url) = queue.pop() {
        if !seen.insert(url.clone()) {
            continue;
        }
        b.load(&desktop, &url);
        let ok = b.eval(
            &desktop,
            "document.body !== null && document.title.length > 0",
        );
        assert_eq!(ok, json!(true), "{url} did not load as a page");
        for href in b.eval(&desktop, HREFS).as_array().unwrap() {
            let href = href.as_str().unwrap();
            if href.starts_with("http") {
                external += 1;
                continue;
            }
            internal += 1;
            assert!(
                href.starts_with(&root),
                "{url} links outside the site: {href}"
            );
            let (page, frag) = href.split_once('#').unwrap_or((href, ""));
            let path = url::Url::parse(page).unwrap().to_file_path().unwrap();
            assert!(path.is_file(), "{url} links to a missing page: {href}");
            if !frag.is_empty() && page == url {
                let found = b.eval(
                    &desktop,
                    &format!("document.getElementById({frag:?}) !== null"),
                );
                assert_eq!(found, json!(true), "{url}: no #{frag}");
            }
            queue.push(page.to_string());
        }
    }
    let on_disk = pages(&site).len();
    eprintln!(
        "chromium link walk: {} pages visited of {on_disk} written, {internal} internal links resolved, {external} external not followed, 0 broken",
        seen.len()
    );
    assert_eq!(
        seen.len(),
        on_disk,
        "every page is reachable from the index"
    );

    // Every blip, clicked with the mouse, opens its entry page.
    b.load(&desktop, &index_url);
    let blips = b.eval(
        &desktop,
        "[...document.querySelectorAll('svg.radar a')].map(a => { const r = a.getBoundingClientRect(); return {href: new URL(a.getAttribute('href'), document.baseURI).href, x: r.x + r.width / 2, y: r.y + r.height / 2, n: a.querySelector('g.blip').dataset.n}; })",
    );
    let blips = blips.as_array().unwrap().clone();
    assert!(blips.len() >= 5);
    for blip in &blips {
        b.load(&desktop, &index_url);
        // Scroll the blip into view, then click where it is drawn.
        let n = blip["n"].as_str().unwrap();
        let pos = b.eval(
            &desktop,
            &format!("(() => {{ const g = document.querySelector('g.blip[data-n=\"{n}\"]'); g.scrollIntoView({{block: 'center'}}); const r = g.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"),
        );
        b.click_to_load(&desktop, pos[0].as_f64().unwrap(), pos[1].as_f64().unwrap());
        let at = b.eval(&desktop, "location.href");
        assert_eq!(at, blip["href"], "blip {n}");
        assert!(at.as_str().unwrap().contains("/entries/"), "{at}");
    }

    // Screenshots: the index and the first blip's entry page.
    b.load(&desktop, &index_url);
    let shot = b.screenshot(&desktop);
    assert_eq!(png_size(&shot).0, 1280);
    save_shot("site-index.png", &shot);
    let first_entry = blips[0]["href"].as_str().unwrap().to_string();
    b.load(&desktop, &first_entry);
    save_shot("site-entry.png", &b.screenshot(&desktop));

    // A phone: no page scrolls sideways.
    let phone = b.open_tab(390, 844, true);
    for url in &seen {
        b.load(&phone, url);
        let width = b.eval(&phone, "document.documentElement.scrollWidth");
        assert!(
            width.as_u64().unwrap() <= 390,
            "{url} is {width}px wide on a 390px phone"
        );
    }
    b.load(&phone, &index_url);
    save_shot("site-index-phone.png", &b.screenshot(&phone));

    // Nothing but the site's own files was requested; nothing complained.
    for tab in [&desktop, &phone] {
        let outside: Vec<String> = b
            .requests(tab)
            .into_iter()
            .filter(|r| !r.starts_with(&root))
            .collect();
        assert_eq!(outside, Vec::<String>::new(), "requests leaving the site");
        assert_eq!(b.errors(tab), Vec::<String>::new(), "console errors");
    }
    b.close();
}

/// Into the test's screenshot folder, and into `SITE_SHOTS_DIR` when set
/// (where a person collects them).
fn save_shot(name: &str, png: &[u8]) {
    let path = shots_dir().join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
    if let Some(d) = std::env::var_os("SITE_SHOTS_DIR") {
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(Path::new(&d).join(name), png).unwrap();
    }
}
