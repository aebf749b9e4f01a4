//! The HTML digest in a real browser: headless Chromium opens the file from
//! disk, and the test checks what a reader would get.
//!
//! Chromium is driven by `harness::browser` (DevTools over a pipe): every
//! request the page makes and every console error or CSP violation is
//! seen; the test counts blips in the live DOM, saves a full-page
//! screenshot and a PDF.
//!
//! A control test runs the same harness on a page that does make a request
//! and log an error, so the "none seen" assertions cannot pass vacuously.
//! Skips with a notice when Chromium is not installed.

use crate::harness::browser::{Browser, file_url, png_size, shots_dir};
use crate::harness::utc;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::json;
use techradar::digest::{IsoWeek, html, sample};

fn now() -> DateTime<Utc> {
    utc("2026-11-30T08:00:00Z")
}

#[test]
fn chromium_renders_the_digest_offline_without_errors() {
    let exe = require_chromium!();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("digest-2026-W48.html");
    let input = sample::sample(IsoWeek::last_complete(now()), now());
    std::fs::write(&page, html::render(&input)).unwrap();
    let url = file_url(&page);

    let mut b = Browser::launch(&exe);
    let desktop = b.open_tab(1280, 900, false);
    b.load(&desktop, &url);

    let blips = b.eval(
        &desktop,
        "document.querySelectorAll('svg.radar g.blip').length",
    );
    assert_eq!(blips, json!(input.radar.len()), "blips drawn");
    let legend = b.eval(&desktop, "document.querySelectorAll('.legend li').length");
    assert_eq!(legend, json!(input.radar.len()), "legend rows");
    // The radar is really laid out (not collapsed to nothing).
    let radar_width = b.eval(
        &desktop,
        "document.querySelector('svg.radar').getBoundingClientRect().width",
    );
    assert!(
        radar_width.as_f64().unwrap() > 300.0,
        "radar width {radar_width}"
    );
    assert_eq!(b.eval(&desktop, "document.scripts.length"), json!(0));

    let png = b.screenshot(&desktop);
    let (w, h) = png_size(&png);
    assert_eq!(w, 1280);
    assert!(h > 1500, "a full page, not just the viewport: {h}px");
    let shot = shots_dir().join("digest-desktop.png");
    std::fs::write(&shot, &png).unwrap();
    eprintln!("screenshot: {}", shot.display());

    // A phone: nothing wider than the screen, so no sideways scrolling.
    let phone = b.open_tab(390, 844, true);
    b.load(&phone, &url);
    let overflow = b.eval(&phone, "document.documentElement.scrollWidth");
    assert!(
        overflow.as_u64().unwrap() <= 390,
        "page is {overflow}px wide on a 390px phone"
    );
    std::fs::write(shots_dir().join("digest-phone.png"), b.screenshot(&phone)).unwrap();

    // Print: a PDF comes out.
    let pdf = b.call(Some(&desktop), "Page.printToPDF", json!({}));
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().unwrap())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    for tab in [&desktop, &phone] {
        let requests = b.requests(tab);
        assert_eq!(
            requests,
            vec![url.clone()],
            "the page must load nothing but itself"
        );
        assert_eq!(b.errors(tab), Vec::<String>::new(), "console errors");
    }
    b.close();
}

#[test]
fn chromium_finds_the_hostile_fixture_inert() {
    let exe = require_chromium!();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("hostile.html");
    let mut input = sample::sample(IsoWeek::last_complete(now()), now());
    let evil = [
        "<script>document.title='pwned';window.pwned=1</script>",
        "<img src=x onerror=\"document.title='pwned';window.pwned=1\">",
        "</svg><script>window.pwned=1</script><svg>",
        "\"><svg onload=\"window.pwned=1\">",
        "<img src=\"http://127.0.0.1:9/beacon.png\">",
        "<style>@import url(http://127.0.0.1:9/x.css)</style>",
        "\u{1b}[31m\u{1b}]0;pwned\u{7}",
    ];
    let (actions, groups) = (input.action_needed.len(), input.releases.len());
    for (i, e) in evil.iter().enumerate() {
        input.radar[i].name = e.to_string();
        input.action_needed[i % actions].summary = e.to_string();
        let release = &mut input.releases[i % groups].items[0];
        release.title = e.to_string();
        release.url = Some("javascript:window.pwned=1".into());
    }
    input.proposals[0].links = vec!["data:text/html,<script>window.pwned=1</script>".into()];
    std::fs::write(&page, html::render(&input)).unwrap();
    let url = file_url(&page);

    let mut b = Browser::launch(&exe);
    let tab = b.open_tab(1280, 900, false);
    b.load(&tab, &url);
    assert_eq!(b.eval(&tab, "typeof window.pwned"), json!("undefined"));
    assert_eq!(
        b.eval(&tab, "document.title"),
        json!("Platform team radar digest 2026-W48")
    );
    assert_eq!(
        b.eval(&tab, "document.querySelectorAll('svg.radar g.blip').length"),
        json!(input.radar.len())
    );
    assert_eq!(
        b.eval(
            &tab,
            "document.querySelectorAll('script, img, iframe, object, embed').length"
        ),
        json!(0)
    );
    let hrefs = b.eval(
        &tab,
        "[...document.querySelectorAll('[href]')].map(a => a.getAttribute('href')).filter(h => !/^(https?:|#)/.test(h))",
    );
    assert_eq!(hrefs, json!([]), "only http(s) and in-page links");
    std::fs::write(shots_dir().join("digest-hostile.png"), b.screenshot(&tab)).unwrap();
    assert_eq!(b.requests(&tab), vec![url.clone()]);
    assert_eq!(b.errors(&tab), Vec::<String>::new());
    b.close();
}

/// The harness itself: a page that does fetch and does log an error must be
/// caught, or the two tests above prove nothing.
#[test]
fn harness_sees_requests_and_console_errors() {
    let exe = require_chromium!();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    // Port 9 (discard) on loopback: the request is attempted and fails fast.
    std::fs::write(
        &page,
        r#"<!DOCTYPE html><title>bad</title><img src="http://127.0.0.1:9/pixel.png"><script>console.error("boom")</script>"#,
    )
    .unwrap();
    let url = file_url(&page);
    let mut b = Browser::launch(&exe);
    let tab = b.open_tab(800, 600, false);
    b.load(&tab, &url);
    let requests = b.requests(&tab);
    assert!(
        requests.iter().any(|r| r == "http://127.0.0.1:9/pixel.png"),
        "{requests:?}"
    );
    let errors = b.errors(&tab);
    assert!(errors.iter().any(|e| e.contains("boom")), "{errors:?}");
    b.close();
}
