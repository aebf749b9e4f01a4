//! Helpers for the crawl tests: a team radar in a temp dir, the real `radar`
//! binary run against it, and a raw HTTP/1.1 server on 127.0.0.1 for the
//! faults wiremock cannot produce (reset connections, stalled bodies,
//! chunked bodies, concurrency counting). No traffic leaves loopback.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The injected clock for every run unless a test moves it.
pub const NOW: &str = "2026-11-23T08:00:00Z";

/// `[crawl]` settings for tests: no real waiting between retries.
pub const FAST: &str = "concurrency = 4\nper_host = 4\ntimeout_secs = 5\nconnect_timeout_secs = 5\nretries = 2\nretry_base_ms = 0\nmax_retry_wait_secs = 60\nfailure_backoff_secs = 900\n";

pub struct Radar {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The row for a source, by name.
    pub fn source(&self, name: &str) -> &Value {
        self.json["sources"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["name"] == name))
            .unwrap_or_else(|| panic!("no source {name:?} in {}", self.stdout))
    }

    pub fn status(&self, name: &str) -> String {
        self.source(name)["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn error(&self, name: &str) -> String {
        self.source(name)["error"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Radar {
    /// A radar whose radar.toml has `crawl` as its `[crawl]` table and
    /// `sources` appended verbatim.
    pub fn new(crawl: &str, sources: &str) -> Radar {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("radar.toml"),
            format!("[index]\npath = \"index\"\n\n[crawl]\n{crawl}\n{sources}"),
        )
        .unwrap();
        Radar { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("radar.toml")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_radar"));
        c.arg("--config")
            .arg(self.config())
            .arg("--now")
            .arg(now)
            .args(args)
            .env_remove("RADAR_CONFIG")
            .env_remove("RADAR_INDEX")
            .env_remove("RADAR_NOW");
        c
    }

    /// `radar crawl --json` at `now`.
    pub fn crawl_at(&self, now: &str) -> Run {
        let out = self.command(now, &["crawl", "--json"]).output().unwrap();
        run_of(out)
    }

    pub fn crawl(&self) -> Run {
        self.crawl_at(NOW)
    }

    /// Every stored item, from the index the binary wrote.
    pub fn items(&self) -> Vec<techradar::model::Item> {
        let index = techradar::index::RadarIndex::open_or_create(&self.index()).unwrap();
        index.all_items().unwrap()
    }

    pub fn state(&self) -> Value {
        let bytes = std::fs::read(self.index().join("crawl-state.json")).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

pub fn run_of(out: Output) -> Run {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    // `CRAWL_TEST_SHOW=1 cargo test --test crawl_faults -- --nocapture`
    // prints every summary: the fault matrix as the binary reports it.
    if std::env::var_os("CRAWL_TEST_SHOW").is_some() {
        for s in json["sources"].as_array().into_iter().flatten() {
            eprintln!(
                "SHOW exit={} {} | {} | {}",
                out.status.code().unwrap_or(-1),
                s["name"],
                s["status"],
                s["error"].as_str().or(s["warning"].as_str()).unwrap_or("")
            );
        }
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        json,
        stdout,
        stderr,
    }
}

/// `[[source]]` with a URL and optional extra lines.
pub fn source(name: &str, url: &str, extra: &str) -> String {
    format!("[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n{extra}\n")
}

/// A small RSS feed with `n` items whose titles carry `tag`.
pub fn rss(tag: &str, n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>{tag} 1.{i}.0 released</title><link>https://example.org/{tag}/{i}</link>\
             <guid>{tag}-{i}</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>\
             <description>Notes for {tag} {i}</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// The file names and meta.json of an index: what "no index write" means.
pub fn index_fingerprint(index: &Path) -> (Vec<String>, Vec<u8>) {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "crawl-state.json" && n != "radar-writer.pid" && !n.starts_with('.'))
        .collect();
    names.sort();
    let meta = std::fs::read(index.join("meta.json")).unwrap_or_default();
    (names, meta)
}

// ---- raw server ---------------------------------------------------------------

/// One request as the raw server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(usize, &Req, &mut TcpStream, &Server) + Send + Sync;

/// A thread-per-connection HTTP/1.1 server; the handler writes the raw
/// response (or misbehaves) for the n-th request.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Req>>>,
    pub in_flight: Arc<AtomicUsize>,
    pub max_in_flight: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(
        handler: impl Fn(usize, &Req, &mut TcpStream, &Server) + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            addr: listener.local_addr().unwrap(),
            log: Arc::default(),
            in_flight: Arc::default(),
            max_in_flight: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (s, handler) = (s.clone(), handler.clone());
                std::thread::spawn(move || {
                    let Some(req) = read_head(&mut stream) else {
                        return;
                    };
                    let n = {
                        let mut log = s.log.lock().unwrap();
                        log.push(req.clone());
                        log.len() - 1
                    };
                    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    s.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    handler(n, &req, &mut stream, &s);
                    s.in_flight.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }
}

fn read_head(stream: &mut TcpStream) -> Option<Req> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Req { path, headers })
}

/// Writes a complete response with Content-Length and `Connection: close`.
pub fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// Makes the connection end with a TCP RST (when the handler returns and
/// the stream is dropped) instead of a response.
pub fn reset(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}
