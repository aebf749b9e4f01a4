//! `radar schedule` and `radar run` through the binary: SIGTERM in the
//! middle of a scheduled crawl, `--once` for cron and systemd timers, and
//! one `radar run` cycle. A raw HTTP server on 127.0.0.1 can hold a
//! response until the test lets it go, so the test knows a fetch is in
//! flight from an event, never from a sleep.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const NOW: &str = "2026-11-23T08:10:00Z";

/// Safety bound for waiting on an event; a test that hits it fails.
const BOUND: Duration = Duration::from_secs(120);

fn rss(tag: &str, n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>{tag} 1.{i}.0 released</title><link>https://example.org/{tag}/{i}</link>\
             <guid>{tag}-{i}</guid><pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Serves `/fast` and `/slow` (3 items each). While `hold` is set, a
/// request for `/slow` is reported on the channel and answered only after
/// [`Server::release`].
struct Server {
    addr: String,
    hold: Arc<AtomicBool>,
    released: Arc<(Mutex<bool>, Condvar)>,
    held: mpsc::Receiver<()>,
    requests: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let hold = Arc::new(AtomicBool::new(false));
        let released = Arc::new((Mutex::new(false), Condvar::new()));
        let requests = Arc::new(AtomicUsize::new(0));
        let (held_tx, held) = mpsc::channel();
        let (h, r, n) = (hold.clone(), released.clone(), requests.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let (h, r, n, held_tx) = (h.clone(), r.clone(), n.clone(), held_tx.clone());
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match conn.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    n.fetch_add(1, Ordering::SeqCst);
                    let head = String::from_utf8_lossy(&head);
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let tag = path.trim_start_matches('/');
                    if tag == "slow" && h.load(Ordering::SeqCst) {
                        let _ = held_tx.send(());
                        let (lock, cv) = &*r;
                        let mut go = lock.lock().unwrap();
                        while !*go {
                            go = cv.wait(go).unwrap();
                        }
                    }
                    let body = rss(tag, 3);
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        Server {
            addr,
            hold,
            released,
            held,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    fn release(&self) {
        let (lock, cv) = &*self.released;
        *lock.lock().unwrap() = true;
        cv.notify_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.release();
    }
}

struct Radar {
    dir: tempfile::TempDir,
}

impl Radar {
    fn new(server: &Server, schedule: &str) -> Radar {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("radar.toml"),
            format!(
                "[index]\npath = \"index\"\n\n[crawl]\nretries = 0\ntimeout_secs = 300\n\n[schedule]\n{schedule}\n\n\
                 [[source]]\nname = \"fast\"\nurl = \"{}\"\n\n[[source]]\nname = \"slow\"\nurl = \"{}\"\n",
                server.url("fast"),
                server.url("slow")
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("stack.toml"),
            "[[tech]]\nname = \"fast\"\nquadrant = \"tools\"\nring = \"adopt\"\n",
        )
        .unwrap();
        Radar { dir }
    }

    fn command(&self, now: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_radar"));
        c.arg("--config")
            .arg(self.dir.path().join("radar.toml"))
            .args(["--now", now])
            .args(args)
            .env_remove("RADAR_CONFIG")
            .env_remove("RADAR_INDEX")
            .env_remove("RADAR_NOW")
            .env_remove("RADAR_LOG");
        c
    }

    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Item ids in the index; panics if the index does not open.
    fn ids(&self) -> Vec<String> {
        let index = techradar::index::RadarIndex::open_or_create(&self.index()).unwrap();
        index
            .all_items()
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect()
    }
}

/// Lines of the child's stderr as they arrive.
fn lines_of(stderr: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Reads lines until one contains every needle; returns everything read.
fn wait_for(lines: &mpsc::Receiver<String>, needles: &[&str], seen: &mut Vec<String>) {
    loop {
        let line = lines.recv_timeout(BOUND).unwrap_or_else(|_| {
            panic!("never logged {needles:?}; log so far:\n{}", seen.join("\n"))
        });
        let hit = needles.iter().all(|n| line.contains(n));
        seen.push(line);
        if hit {
            return;
        }
    }
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_scheduled_crawl_exits_0_and_leaves_a_clean_index() {
    let server = Server::start();
    let radar = Radar::new(&server, "crawl = \"* * * * * *\"");
    // A first, complete crawl: 6 items.
    let first = radar.command(NOW, &["crawl"]).output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = radar.ids();
    assert_eq!(before.len(), 6);

    server.hold.store(true, Ordering::SeqCst);
    let mut child = radar
        .command(NOW, &["schedule"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(child.stderr.take().unwrap());
    let mut log = Vec::new();
    wait_for(&lines, &["started", "job=crawl"], &mut log);
    server
        .held
        .recv_timeout(BOUND)
        .expect("the scheduled crawl reached the slow source");

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    wait_for(&lines, &["radar schedule stopped"], &mut log);
    // The log ends when the process does.
    while let Ok(line) = lines.recv_timeout(BOUND) {
        log.push(line);
    }
    let status = child.wait().unwrap();
    let log = log.join("\n");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("received SIGTERM: stopping"), "{log}");
    assert!(
        log.contains("finished job=crawl")
            && log.contains("[interrupted: finished sources were saved]"),
        "the crawl in flight stopped and said so:\n{log}"
    );
    // Timestamps on every scheduler line (RFC 3339, UTC).
    for line in log.lines().filter(|l| l.contains("techradar::schedule")) {
        assert!(
            line.get(..4).is_some_and(|y| y.parse::<u32>().is_ok()) && line.contains('T'),
            "{line}"
        );
    }

    let after = radar.ids();
    let unique: HashSet<&String> = after.iter().collect();
    assert_eq!(unique.len(), after.len(), "no duplicate ids: {after:?}");
    assert_eq!(
        unique,
        before.iter().collect::<HashSet<_>>(),
        "same items as before"
    );
    // The writer lock was released: another crawl may run.
    let index = techradar::index::RadarIndex::open_or_create(&radar.index()).unwrap();
    assert!(index.writer().is_ok());
}

#[test]
fn once_runs_what_is_due_then_exits_and_remembers() {
    let server = Server::start();
    let radar = Radar::new(
        &server,
        "crawl = \"0 0 * * * *\"\nupdate = \"0 0 6 * * *\"\ndigest = \"0 0 8 * * MON\"",
    );
    // First call: nothing ran before, so both jobs are due.
    let out = radar
        .command(NOW, &["schedule", "--once"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("finished job=crawl") && log.contains("finished job=update"),
        "{log}"
    );
    assert!(log.contains("finished job=digest"), "{log}");
    assert!(log.find("job=crawl").unwrap() < log.find("job=update").unwrap());
    assert!(log.find("job=update").unwrap() < log.find("job=digest").unwrap());
    assert!(
        radar
            .dir
            .path()
            .join("digests/digest-2026-W47.html")
            .is_file()
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    assert_eq!(radar.ids().len(), 6);
    assert!(radar.dir.path().join("entries/tools/fast.md").is_file());
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(radar.index().join("schedule-state.json")).unwrap())
            .unwrap();
    assert_eq!(state["last_run"]["crawl"], "2026-11-23T08:10:00Z");
    assert_eq!(state["last_run"]["update"], "2026-11-23T08:10:00Z");
    assert_eq!(state["last_run"]["digest"], "2026-11-23T08:10:00Z");

    // Same instant again: nothing is due, nothing is fetched.
    let out = radar
        .command(NOW, &["schedule", "--once"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0));
    assert!(log.contains("no job is due"), "{log}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);

    // Past 09:00 the hourly crawl is due again; the 06:00 update is not.
    let out = radar
        .command("2026-11-23T09:05:00Z", &["schedule", "--once"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("finished job=crawl")
            && !log.contains("job=update")
            && !log.contains("job=digest"),
        "{log}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 4);
    assert_eq!(radar.ids().len(), 6, "re-crawling adds no duplicates");
}

#[test]
fn once_logs_a_failing_job_runs_the_next_and_exits_1() {
    let server = Server::start();
    let radar = Radar::new(&server, "update = \"0 0 6 * * *\"\ncrawl = \"0 0 * * * *\"");
    std::fs::remove_file(radar.dir.path().join("stack.toml")).unwrap();
    let out = radar
        .command(NOW, &["schedule", "--once"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("finished job=crawl")
            && log.contains("job=update")
            && log.contains("failed; will run again at its next time")
            && log.contains("stack.toml"),
        "{log}"
    );
    // Failed or not, the update ran at this time; it waits for its next one.
    let out = radar
        .command(NOW, &["schedule", "--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_bad_cron_expression_is_refused_with_the_day_numbering_hint() {
    let server = Server::start();
    // A crontab line (5 fields) is the usual mistake.
    let radar = Radar::new(&server, "digest = \"0 8 * * MON\"");
    let out = radar.command(NOW, &["schedule"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("digest = \"0 8 * * MON\"")
            && stderr.contains("seconds field first")
            && stderr.contains("\"0 0 8 * * MON\""),
        "{stderr}"
    );
    let radar = Radar::new(&server, "crawl = \"0 0 8 * * FOO\"");
    let out = radar
        .command(NOW, &["schedule", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("MON..SUN") && stderr.contains("1 = Sunday"),
        "{stderr}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn run_crawls_updates_and_writes_the_digest_in_one_cycle() {
    let server = Server::start();
    let radar = Radar::new(&server, "");
    let out = radar.command(NOW, &["run", "--json"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["crawl"]["totals"]["items_new"], 6, "{report}");
    assert_eq!(report["crawl"]["index_items"], 6);
    assert_eq!(report["update"]["entries"][0]["name"], "fast");
    assert_eq!(report["interrupted"], false);
    assert!(Path::new(&radar.dir.path().join("entries/tools/fast.md")).is_file());
    // Monday 2026-11-23: the last complete week is W47.
    assert_eq!(report["digest"]["week"], "2026-W47");
    let files: Vec<&str> = report["digest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    let digests = radar.dir.path().join("digests");
    assert_eq!(Path::new(files[0]), digests.join("digest-2026-W47.html"));
    assert_eq!(Path::new(files[1]), digests.join("digest-2026-W47.md"));
    assert!(files.iter().all(|f| Path::new(f).is_file()));

    // The human summary names each stage.
    let out = radar.command(NOW, &["run"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("index holds 6 items")
            && text.contains("update: 1 entries")
            && text.contains("digest: 2026-W47: wrote "),
        "{text}"
    );
}

/// From cron, `-q` keeps the log to what needs a look: failures, not
/// every start and finish.
#[test]
fn quiet_once_logs_only_failures() {
    let server = Server::start();
    let radar = Radar::new(&server, "crawl = \"0 0 * * * *\"\nupdate = \"0 0 6 * * *\"");
    std::fs::remove_file(radar.dir.path().join("stack.toml")).unwrap();
    let out = radar
        .command(NOW, &["-q", "schedule", "--once"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(!log.contains("finished job=crawl"), "{log}");
    assert!(
        log.contains("job=update") && log.contains("failed; will run again"),
        "{log}"
    );
}
