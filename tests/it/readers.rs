//! Readers while a crawl commits: `radar search`, `audit` and `digest` run
//! as their own processes while `radar crawl` processes commit batch after
//! batch into the same index. Every reader must succeed, and search must
//! count whole batches only (the old state or the new, never half of one).
//! Synchronised with a barrier and counters; nothing sleeps.

use crate::harness::{
    FAST, NOW, Run, Server, TeamRadar, crawl_radar, fixture, respond, rss, source,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

/// Items per crawl: each fetch serves a feed of this many new items.
const BATCH: usize = 7;
/// The writer keeps crawling until it has committed this many batches and
/// every reader has run this many times while it did.
const MIN_CRAWLS: usize = 5;
const MIN_READS: usize = 5;

fn run(radar: &TeamRadar, args: &[&str]) -> Run {
    Run::of(radar.command(NOW, args).output().unwrap())
}

#[test]
fn readers_see_the_old_or_the_new_batch_and_never_fail() {
    // The n-th fetch serves batch n: BATCH items no earlier fetch had.
    let server = Server::start(|n, _req, stream, _server| {
        let body = rss(&format!("batch{n}"), BATCH);
        respond(
            stream,
            "200 OK",
            &[("content-type", "application/rss+xml")],
            body.as_bytes(),
        );
    });
    // track = "none": the stack (for audit) must not add registry sources.
    let crawl = format!("{FAST}track = \"none\"\n");
    let radar = Arc::new(
        crawl_radar(&crawl, &source("feed", &server.url("/feed"), ""))
            .copy("stack.toml", fixture("entries/stack.toml")),
    );
    // The index exists, with advisories for audit, before any reader starts.
    let advisories = fixture("entries/advisories");
    let ingest = run(&radar, &["ingest", advisories.to_str().unwrap()]);
    assert_eq!(ingest.code, 0, "{}", ingest.stderr);
    let first = run(&radar, &["crawl", "--json"]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert_eq!(first.json["sources"].as_array().map(Vec::len), Some(1));

    let readers: [(&str, &[&str]); 3] = [
        (
            "search",
            &[
                "search", "released", "--source", "feed", "--json", "--limit", "100000",
            ],
        ),
        ("audit", &["audit", "--json"]),
        ("digest", &["digest"]),
    ];
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(readers.len() + 1));

    let writer = {
        let (radar, done, reads, start) =
            (radar.clone(), done.clone(), reads.clone(), start.clone());
        std::thread::spawn(move || {
            start.wait();
            let mut crawls = 1;
            while crawls < MIN_CRAWLS || reads.load(Ordering::SeqCst) < MIN_READS * 3 {
                let c = run(&radar, &["crawl", "--json"]);
                assert_eq!(c.code, 0, "crawl {crawls}: {}", c.stderr);
                crawls += 1;
            }
            done.store(true, Ordering::SeqCst);
            crawls
        })
    };
    let threads: Vec<_> = readers
        .into_iter()
        .map(|(name, args)| {
            let (radar, done, reads, start) =
                (radar.clone(), done.clone(), reads.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut seen = Vec::new();
                while !done.load(Ordering::SeqCst) {
                    let r = run(&radar, args);
                    // audit exits 1 when it has findings; 2 would be a failure.
                    let ok = if name == "audit" {
                        r.code == 0 || r.code == 1
                    } else {
                        r.code == 0
                    };
                    assert!(ok, "{name} during a crawl: exit {}: {}", r.code, r.stderr);
                    assert!(!r.stderr.contains("error"), "{name}: {}", r.stderr);
                    if name == "search" {
                        let total = r.json["total"].as_u64().unwrap() as usize;
                        assert_eq!(total % BATCH, 0, "search saw part of a batch: {total}");
                        seen.push(total);
                    } else {
                        assert!(!r.stdout.trim().is_empty(), "{name} printed nothing");
                    }
                    reads.fetch_add(1, Ordering::SeqCst);
                }
                seen
            })
        })
        .collect();
    let crawls = writer.join().unwrap();
    let mut totals = Vec::new();
    for t in threads {
        totals.extend(t.join().unwrap());
    }
    // Each search saw a state some crawl committed; later crawls only add.
    assert!(
        totals.iter().all(|t| (BATCH..=crawls * BATCH).contains(t)),
        "{totals:?}"
    );
    let last = run(
        &radar,
        &[
            "search", "released", "--source", "feed", "--json", "--limit", "100000",
        ],
    );
    assert_eq!(last.json["total"].as_u64(), Some((crawls * BATCH) as u64));
}
