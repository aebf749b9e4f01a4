//! Headless Chromium driven over its DevTools protocol, for the browser
//! tests (the digest page, the static site).
//!
//! Method: `--remote-debugging-pipe` (JSON messages separated by NUL bytes
//! on file descriptors 3 and 4), so there is no port, no websocket and no
//! extra crate. `sh` maps the child's stdin/stdout pipes onto fds 3/4. With
//! the Network, Runtime, Log and Page domains enabled, every request a page
//! makes arrives as a `Network.requestWillBeSent` event and every console
//! error, uncaught exception or browser-side error (including
//! Content-Security-Policy violations) as an event too. No sleeps: calls
//! block on the browser's own events, with a generous watchdog that only
//! fires if Chromium hangs. `require_chromium!()` skips a test with a
//! notice when Chromium is not installed (`CHROMIUM` overrides the path).

use base64::Engine as _;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// Only a hung browser takes this long; a normal message arrives in ms.
const WATCHDOG: Duration = Duration::from_secs(90);

pub fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

macro_rules! require_chromium {
    () => {
        match $crate::harness::browser::chromium() {
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

pub struct Browser {
    child: Child,
    to_browser: ChildStdin,
    from_browser: Receiver<Value>,
    next_id: u64,
    /// Events seen while waiting for replies, in arrival order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn launch(exe: &Path) -> Browser {
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
                // No test may send traffic beyond loopback, and Chromium
                // otherwise resolves Google hosts and probes DNS-over-HTTPS
                // at every start (measured with strace): fail every name but
                // the loopback server's, and turn the probing features off.
                // What remains is a UDP connect to a public IPv6 address,
                // Chromium's route lookup, which sends no packet.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                "--disable-features=DnsOverHttps,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,NetworkTimeServiceQuerying,CertificateTransparencyComponentUpdater",
                "--dns-prefetch-disable",
                "--disable-domain-reliability",
                "--no-pings",
                "--disable-client-side-phishing-detection",
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

    pub fn recv(&mut self) -> Value {
        self.from_browser
            .recv_timeout(WATCHDOG)
            .expect("Chromium stopped answering")
    }

    /// Sends a command and waits for its reply; events seen meanwhile are kept.
    pub fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
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
    pub fn wait_event(&mut self, session: &str, method: &str) -> Value {
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
    pub fn open_tab(&mut self, width: u32, height: u32, mobile: bool) -> String {
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
    pub fn load(&mut self, session: &str, url: &str) {
        self.events
            .retain(|m| m["sessionId"] != session || m["method"] != "Page.loadEventFired");
        let nav = self.call(Some(session), "Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "navigation failed: {nav}");
        self.wait_event(session, "Page.loadEventFired");
    }

    pub fn eval(&mut self, session: &str, expr: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// URLs of every request the tab made.
    pub fn requests(&self, session: &str) -> Vec<String> {
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
    pub fn errors(&self, session: &str) -> Vec<String> {
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
    pub fn screenshot(&mut self, session: &str) -> Vec<u8> {
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
    pub fn close(mut self) {
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

pub fn file_url(p: &Path) -> String {
    url::Url::from_file_path(p).unwrap().to_string()
}

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&png[16..20]), be(&png[20..24]))
}

/// Screenshots go where a person can look at them after the run.
pub fn shots_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("digest-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

impl Browser {
    /// A real left click at page coordinates (CSS px) that navigates, and
    /// the wait for the new page's load event.
    pub fn click_to_load(&mut self, session: &str, x: f64, y: f64) {
        self.events
            .retain(|m| m["sessionId"] != session || m["method"] != "Page.loadEventFired");
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                Some(session),
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
        self.wait_event(session, "Page.loadEventFired");
    }
}
