//! `radar schedule` and `radar run` through the binary: SIGTERM in the
//! middle of a scheduled crawl, `--once` for cron and systemd timers, and
//! one `radar run` cycle. A raw HTTP server on 127.0.0.1 can hold a
//! response until the test lets it go, so the test knows a fetch is in
//! flight from an event, never from a sleep.

use crate::harness::{HoldServer, TeamRadar, stdout_json};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

const NOW: &str = "2026-11-23T08:10:00Z";

/// Safety bound for waiting on an event; a test that hits it fails.
const BOUND: Duration = Duration::from_secs(120);

/// A radar crawling the server's `/fast` and `/slow` feeds, with `schedule`
/// as its `[schedule]` table and `fast` in its stack.
fn scheduled(server: &HoldServer, schedule: &str) -> TeamRadar {
    TeamRadar::new()
        .config(&format!(
            "\n[crawl]\nretries = 0\ntimeout_secs = 300\n\n[schedule]\n{schedule}\n\n\
             [[source]]\nname = \"fast\"\nurl = \"{}\"\n\n[[source]]\nname = \"slow\"\nurl = \"{}\"\n",
            server.url("/fast"),
            server.url("/slow")
        ))
        .stack("[[tech]]\nname = \"fast\"\nquadrant = \"tools\"\nring = \"adopt\"\n")
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
    let server = HoldServer::start();
    let radar = scheduled(&server, "crawl = \"* * * * * *\"");
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
    let server = HoldServer::start();
    let radar = scheduled(
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
    assert!(radar.path().join("digests/digest-2026-W47.html").is_file());
    assert_eq!(server.requests(), 2);
    assert_eq!(radar.ids().len(), 6);
    assert!(radar.path().join("entries/tools/fast.md").is_file());
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
    assert_eq!(server.requests(), 2);

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
    assert_eq!(server.requests(), 4);
    assert_eq!(radar.ids().len(), 6, "re-crawling adds no duplicates");
}

#[test]
fn once_logs_a_failing_job_runs_the_next_and_exits_1() {
    let server = HoldServer::start();
    let radar = scheduled(&server, "update = \"0 0 6 * * *\"\ncrawl = \"0 0 * * * *\"");
    std::fs::remove_file(radar.path().join("stack.toml")).unwrap();
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
    let server = HoldServer::start();
    // A crontab line (5 fields) is the usual mistake.
    let radar = scheduled(&server, "digest = \"0 8 * * MON\"");
    let out = radar.command(NOW, &["schedule"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("digest = \"0 8 * * MON\"")
            && stderr.contains("seconds field first")
            && stderr.contains("\"0 0 8 * * MON\""),
        "{stderr}"
    );
    let radar = scheduled(&server, "crawl = \"0 0 8 * * FOO\"");
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
    assert_eq!(server.requests(), 0);
}

#[test]
fn run_crawls_updates_and_writes_the_digest_in_one_cycle() {
    let server = HoldServer::start();
    let radar = scheduled(&server, "");
    let out = radar.command(NOW, &["run", "--json"]).output().unwrap();
    let report = stdout_json(&out);
    assert_eq!(report["crawl"]["totals"]["items_new"], 6, "{report}");
    assert_eq!(report["crawl"]["index_items"], 6);
    assert_eq!(report["update"]["entries"][0]["name"], "fast");
    assert_eq!(report["interrupted"], false);
    assert!(Path::new(&radar.path().join("entries/tools/fast.md")).is_file());
    // Monday 2026-11-23: the last complete week is W47.
    assert_eq!(report["digest"]["week"], "2026-W47");
    let files: Vec<&str> = report["digest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    let digests = radar.path().join("digests");
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
    let server = HoldServer::start();
    let radar = scheduled(&server, "crawl = \"0 0 * * * *\"\nupdate = \"0 0 6 * * *\"");
    std::fs::remove_file(radar.path().join("stack.toml")).unwrap();
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
