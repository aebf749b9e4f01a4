//! The HTML digest in a real browser: headless Chromium opens the file from
//! disk, and the test checks what a reader would get.
//!
//! Method: Chromium's DevTools protocol over `--remote-debugging-pipe`
//! (JSON messages separated by NUL bytes on file descriptors 3 and 4), so
//! there is no port, no websocket and no extra crate. `sh` maps the child's
//! stdin/stdout pipes onto fds 3/4. With the Network, Runtime, Log and Page
//! domains enabled, every request the page makes arrives as a
//! `Network.requestWillBeSent` event and every console error, uncaught
//! exception or browser-side error (including Content-Security-Policy
//! violations) as an event too; the test asserts on those, counts blips in
//! the live DOM with `Runtime.evaluate`, and saves a full-page screenshot
//! (`Page.captureScreenshot`) and a PDF (`Page.printToPDF`).
//!
//! A control test runs the same harness on a page that does make a request
//! and log an error, so the "none seen" assertions cannot pass vacuously.
//!
//! Skips with a notice when Chromium is not installed (`CHROMIUM` overrides
//! the path). No sleeps: the test blocks on the browser's own events, with a
//! generous watchdog that only fires if Chromium hangs.

use crate::harness::utc;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;
use techradar::digest::{IsoWeek, html, sample};

/// Only a hung browser takes this long; a normal message arrives in ms.
const WATCHDOG: Duration = Duration::from_secs(90);

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

macro_rules! require_chromium {
    () => {
        match chromium() {
            Some(p) => p,
            None => {
                eprintln!(
                    "skipping: Chromium not installed (apt-get install chromium, or set CHROMIUM=/path)"
                );
                return;
            }
        }
    };
}

struct Browser {
    child: Child,
    to_browser: ChildStdin,
    from_browser: Receiver<Value>,
    next_id: u64,
    /// Events seen while waiting for replies, in arrival order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(exe: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new("sh")
            .arg("-c")
            // fd 3 = commands in, fd 4 = replies out; the browser's own
            // stdout goes to stderr, which we discard.
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let to_browser = child.stdin.take().unwrap();
        let mut out = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 64 * 1024];
            loop {
                let n = match out.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    let value: Value = serde_json::from_slice(&msg[..msg.len() - 1]).unwrap();
                    if tx.send(value).is_err() {
                        return;
                    }
                }
            }
        });
        Browser {
            child,
            to_browser,
            from_browser: rx,
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        }
    }

    fn recv(&mut self) -> Value {
        self.from_browser
            .recv_timeout(WATCHDOG)
            .expect("Chromium stopped answering")
    }

    /// Sends a command and waits for its reply; events seen meanwhile are kept.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to_browser.write_all(&bytes).unwrap();
        self.to_browser.flush().unwrap();
        loop {
            let m = self.recv();
            if m.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(e) = m.get("error") {
                    panic!("{method} failed: {e}");
                }
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    /// Waits until an event with this method has arrived for the session.
    fn wait_event(&mut self, session: &str, method: &str) -> Value {
        let is_it = |m: &Value| m["method"] == method && m["sessionId"] == session;
        if let Some(e) = self.events.iter().find(|m| is_it(m)) {
            return e.clone();
        }
        loop {
            let m = self.recv();
            let hit = is_it(&m);
            self.events.push(m.clone());
            if hit {
                return m;
            }
        }
    }

    /// A new tab with every domain we watch enabled, at this viewport.
    fn open_tab(&mut self, width: u32, height: u32, mobile: bool) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Network", "Runtime", "Log"] {
            self.call(Some(&session), &format!("{domain}.enable"), json!({}));
        }
        self.call(
            Some(&session),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
        session
    }

    /// Navigates and waits for the load event.
    fn load(&mut self, session: &str, url: &str) {
        self.events
            .retain(|m| m["sessionId"] != session || m["method"] != "Page.loadEventFired");
        let nav = self.call(Some(session), "Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "navigation failed: {nav}");
        self.wait_event(session, "Page.loadEventFired");
    }

    fn eval(&mut self, session: &str, expr: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// URLs of every request the tab made.
    fn requests(&self, session: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|m| m["sessionId"] == session && m["method"] == "Network.requestWillBeSent")
            .map(|m| {
                m["params"]["request"]["url"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    /// Console errors, uncaught exceptions and browser-logged errors.
    fn errors(&self, session: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|m| m["sessionId"] == session)
            .filter_map(|m| match m["method"].as_str()? {
                "Runtime.exceptionThrown" => Some(m["params"]["exceptionDetails"].to_string()),
                "Runtime.consoleAPICalled"
                    if matches!(m["params"]["type"].as_str(), Some("error" | "assert")) =>
                {
                    Some(m["params"]["args"].to_string())
                }
                "Log.entryAdded" if m["params"]["entry"]["level"] == "error" => {
                    Some(m["params"]["entry"]["text"].to_string())
                }
                _ => None,
            })
            .collect()
    }

    /// Full-page PNG.
    fn screenshot(&mut self, session: &str) -> Vec<u8> {
        let metrics = self.call(Some(session), "Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let shot = self.call(
            Some(session),
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            }),
        );
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap()
    }

    /// Asks the browser to quit and waits until its pipe closes (bounded
    /// by the watchdog); the reply may never come, as the browser exits.
    fn close(mut self) {
        self.next_id += 1;
        let msg = json!({"id": self.next_id, "method": "Browser.close", "params": {}});
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        let _ = self.to_browser.write_all(&bytes);
        let _ = self.to_browser.flush();
        while self.from_browser.recv_timeout(WATCHDOG).is_ok() {}
        // Drop reaps the process (and kills it if it is somehow still there).
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Still running only if a test failed half-way: do not leak it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now() -> DateTime<Utc> {
    utc("2026-11-30T08:00:00Z")
}

fn file_url(p: &Path) -> String {
    url::Url::from_file_path(p).unwrap().to_string()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

/// Screenshots go where a person can look at them after the run.
fn shots_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("digest-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
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
