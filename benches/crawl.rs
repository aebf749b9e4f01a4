//! Crawl benchmark (issue 3): 1,000 feeds from a loopback server, crawled
//! twice by the release `radar` binary, against `curl --parallel` fetching
//! the same URLs; then the kill -9 experiment. Prints a table.
//!
//! Run with `scripts/bench_crawl.sh` (builds the release binary first), or:
//!   cargo build --release && cargo bench --bench crawl
//! Knobs (env): BENCH_FEEDS (1000), BENCH_ITEMS (10 per feed), BENCH_HOSTS
//! (8 loopback addresses, 127.0.0.1..), BENCH_CONCURRENCY (16),
//! BENCH_PER_HOST (2), BENCH_TRIALS (3), BENCH_KILL (1; 0 skips the kill -9
//! part), RADAR_BIN (target/release/radar), BENCH_SERVE=DIR (only serve the
//! feeds and write DIR/radar.toml, for profiling a crawl by hand).
//!
//! Every run also reports CPU time: the child's (radar or curl, from
//! getrusage of waited-for children) and this process's (the loopback
//! server). Then a floor: what feed-rs and tantivy alone cost on the same
//! 10,000 items, in process, which no crawler built on them can go below.
//!
//! The server answers `If-None-Match` with 304, like GitHub or crates.io.
//! Nothing here leaves 127.0.0.0/8.

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Feeds {
    bodies: Vec<axum::body::Bytes>,
    /// The same bytes with the items commented out: a crawl of these costs
    /// the fetching (and an XML scan) but yields no item to build or index.
    /// It separates the crawler's HTTP machinery from item parsing and
    /// tantivy indexing in the comparison with curl.
    quiet: Vec<axum::body::Bytes>,
}

fn quiet(feed: &str) -> String {
    let start = feed.find("<item>").unwrap_or(feed.len());
    let end = feed.rfind("</channel>").unwrap_or(feed.len());
    format!(
        "{}<!--{}-->{}",
        &feed[..start],
        feed[start..end].replace("--", "- "),
        &feed[end..]
    )
}

const WORDS: &[&str] = &[
    "fixes",
    "a",
    "race",
    "in",
    "the",
    "scheduler",
    "when",
    "tasks",
    "are",
    "cancelled",
    "adds",
    "support",
    "for",
    "streaming",
    "bodies",
    "improves",
    "error",
    "messages",
    "drops",
    "old",
    "platforms",
    "memory",
    "use",
    "is",
    "lower",
    "by",
    "ten",
    "percent",
    "on",
    "large",
    "inputs",
];

fn feed(n: usize, items: usize) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>pkg{n} releases</title><link>https://example.org/pkg{n}</link>\n"
    );
    for i in 0..items {
        let words: Vec<&str> = (0..80)
            .map(|w| WORDS[(n * 7 + i * 13 + w * 3) % WORDS.len()])
            .collect();
        s.push_str(&format!(
            "<item><title>pkg{n} 1.{i}.0 released</title><link>https://example.org/pkg{n}/releases/1.{i}.0</link>\
<guid>pkg{n}-1.{i}.0</guid><pubDate>Mon, {:02} Nov 2026 10:00:00 GMT</pubDate>\
<description>&lt;p&gt;{}&lt;/p&gt;</description></item>\n",
            1 + i % 28,
            words.join(" ")
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

async fn serve_feed(
    State(feeds): State<Arc<Feeds>>,
    UrlPath((kind, file)): UrlPath<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let bodies = if kind == "quiet" {
        &feeds.quiet
    } else {
        &feeds.bodies
    };
    let Some(n) = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < feeds.bodies.len())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{kind}{n}-v1\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_string()),
            (header::ETAG, etag),
        ],
        bodies[n].clone(),
    )
        .into_response()
}

/// Starts one listener per loopback host; returns "127.0.0.h:port" each.
fn start_server(rt: &tokio::runtime::Runtime, feeds: Arc<Feeds>, hosts: usize) -> Vec<String> {
    let app = Router::new()
        .route("/{kind}/{file}", get(serve_feed))
        .with_state(feeds);
    (1..=hosts)
        .map(|h| {
            let listener = rt
                .block_on(tokio::net::TcpListener::bind(format!("127.0.0.{h}:0")))
                .expect("bind a loopback address");
            let addr = listener.local_addr().expect("local addr").to_string();
            let app = app.clone();
            rt.spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            addr
        })
        .collect()
}

/// User + system CPU of this process (the server) and of waited-for
/// children (radar, curl) so far.
fn cpu_now() -> (Duration, Duration) {
    fn get(who: libc::c_int) -> Duration {
        // SAFETY: getrusage only writes the struct we hand it.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut u) } != 0 {
            return Duration::ZERO;
        }
        let tv = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
        };
        tv(u.ru_utime) + tv(u.ru_stime)
    }
    (get(libc::RUSAGE_SELF), get(libc::RUSAGE_CHILDREN))
}

/// Wall time and CPU (server, child) of one child run.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    server_cpu: Duration,
    child_cpu: Duration,
}

fn measure<T>(f: impl FnOnce() -> T) -> (Run, T) {
    let (s0, c0) = cpu_now();
    let started = Instant::now();
    let out = f();
    let wall = started.elapsed();
    let (s1, c1) = cpu_now();
    (
        Run {
            wall,
            server_cpu: s1.saturating_sub(s0),
            child_cpu: c1.saturating_sub(c0),
        },
        out,
    )
}

/// The run with the median wall time.
fn median_run(mut v: Vec<Run>) -> Run {
    v.sort_by_key(|r| r.wall);
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

struct Setup {
    urls: Vec<String>,
    concurrency: usize,
    per_host: usize,
}

fn write_radar(dir: &Path, s: &Setup) -> PathBuf {
    let mut toml = format!(
        "[index]\npath = \"index\"\n\n[crawl]\nconcurrency = {}\nper_host = {}\n\n",
        s.concurrency, s.per_host
    );
    for (n, u) in s.urls.iter().enumerate() {
        toml.push_str(&format!(
            "[[source]]\nname = \"feed {n}\"\nurl = \"{u}\"\n\n"
        ));
    }
    let path = dir.join("radar.toml");
    std::fs::write(&path, toml).expect("write radar.toml");
    path
}

fn radar_bin() -> PathBuf {
    std::env::var_os("RADAR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/radar"))
}

const NOW: &str = "2026-11-23T08:00:00Z";

/// Runs `radar crawl --json`; returns wall time and the summary.
fn radar_crawl(config: &Path) -> (Duration, serde_json::Value) {
    let started = Instant::now();
    let out = Command::new(radar_bin())
        .args(["--config"])
        .arg(config)
        .args(["--now", NOW, "crawl", "--json"])
        .output()
        .expect("run radar");
    let took = started.elapsed();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "radar crawl printed no JSON (exit {:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (took, json)
}

fn curl(urls: &[String], parallel: usize, dir: &Path) -> (Duration, usize) {
    let cfg = dir.join("curl.cfg");
    let mut text = String::new();
    for u in urls {
        text.push_str(&format!("url = \"{u}\"\noutput = \"/dev/null\"\n"));
    }
    std::fs::write(&cfg, text).expect("write curl config");
    let started = Instant::now();
    let out = Command::new("curl")
        .args(["--parallel", "--parallel-max", &parallel.to_string()])
        .args(["-s", "-w", "%{http_code}\n", "-K"])
        .arg(&cfg)
        .output()
        .expect("run curl (is it installed?)");
    let took = started.elapsed();
    let ok = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| *l == "200")
        .count();
    (took, ok)
}

/// Documents and distinct ids in an index.
fn count(index: &Path) -> (u64, usize) {
    let idx = techradar::index::RadarIndex::open_or_create(index).expect("open index");
    let items = idx.all_items().expect("read items");
    let ids: std::collections::HashSet<_> = items.iter().map(|i| i.id.clone()).collect();
    (idx.count(), ids.len())
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// What feed-rs and tantivy alone cost on these bodies, in this process,
/// best of 3: parsing every feed on one thread, then indexing the entries
/// on one indexing thread with one commit, twice: titles and bodies only
/// (two `TEXT` fields), and with what any crawler here must add: an id
/// term to upsert by (the entry's guid) and a stored copy to show results
/// from (title, link, date, body as JSON, built before the clock starts).
/// A crawl built on these libraries spends at least this CPU on top of
/// fetching, so on this machine's cores pass 1 cannot be faster than
/// (fetching CPU + this) / cores. Fetching is counted twice: at radar's
/// cost, and at curl's (the most generous assumption).
fn floor(bodies: &[axum::body::Bytes], fetch_only: &Run, curl: &Run) {
    use tantivy::schema::{STORED, STRING, Schema, TEXT, TantivyDocument};
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut parse_best = Duration::MAX;
    // (title, body, guid, stored JSON)
    let mut docs: Vec<(String, String, String, String)> = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let feeds: Vec<feed_rs::model::Feed> = bodies
            .iter()
            .map(|b| feed_rs::parser::parse(&b[..]).expect("the benchmark's own feeds parse"))
            .collect();
        parse_best = parse_best.min(started.elapsed());
        docs = feeds
            .into_iter()
            .flat_map(|f| f.entries)
            .map(|e| {
                let title = e.title.map(|t| t.content).unwrap_or_default();
                let body = e.summary.map(|s| s.content).unwrap_or_default();
                let body = body.replace("<p>", " ").replace("</p>", " ");
                let link = e.links.first().map(|l| l.href.clone());
                let stored = serde_json::json!({
                    "title": title, "url": link, "published": e.published, "body": body,
                })
                .to_string();
                (title, body, e.id, stored)
            })
            .collect();
    }
    let index_best = |with_id_and_store: bool| {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let mut b = Schema::builder();
            let title = b.add_text_field("title", TEXT);
            let body = b.add_text_field("body", TEXT);
            let id = b.add_text_field("id", STRING);
            let item = b.add_text_field("item", STORED);
            let dir = tempfile::tempdir().expect("tempdir");
            let started = Instant::now();
            let index = tantivy::Index::create_in_dir(dir.path(), b.build()).expect("create index");
            let mut w: tantivy::IndexWriter =
                index.writer_with_num_threads(1, 64 << 20).expect("writer");
            for (t, text, guid, stored) in &docs {
                let mut d = TantivyDocument::default();
                d.add_text(title, t);
                d.add_text(body, text);
                if with_id_and_store {
                    d.add_text(id, guid);
                    d.add_text(item, stored);
                }
                w.add_document(d).expect("add document");
            }
            w.commit().expect("commit");
            w.wait_merging_threads().expect("merges");
            best = best.min(started.elapsed());
        }
        best
    };
    let bare = index_best(false);
    let minimum = index_best(true);
    let radar_fetch = fetch_only.child_cpu + fetch_only.server_cpu;
    let curl_fetch = curl.child_cpu + curl.server_cpu;
    let bound = |fetch: Duration| {
        let b = (fetch + parse_best + minimum) / cores as u32;
        format!(
            "({} + {} + {}) / {cores} = {} = {:.2}x curl",
            ms(fetch),
            ms(parse_best),
            ms(minimum),
            ms(b),
            b.as_secs_f64() / curl.wall.as_secs_f64()
        )
    };
    println!();
    println!(
        "## Floor: the required libraries alone on the same {} items",
        docs.len()
    );
    println!();
    println!("| part | CPU |");
    println!("|---|---|");
    println!(
        "| fetching: radar's pass above / curl's (client + server) | {} / {} |",
        ms(radar_fetch),
        ms(curl_fetch)
    );
    println!(
        "| feed-rs parses the {} feeds (1 thread) | {} |",
        bodies.len(),
        ms(parse_best)
    );
    println!(
        "| tantivy indexes {} titles and bodies (2 TEXT fields, 1 thread, one commit) | {} |",
        docs.len(),
        ms(bare)
    );
    println!(
        "| the same plus an id term and a stored copy (upsert by id; results to show) | {} |",
        ms(minimum)
    );
    println!();
    println!(
        "Lower bound for pass 1 on {cores} cores: {} with radar's fetching; {} even with curl's. Anything else a crawler does (text clean-up, more fields, crawl state) comes on top.",
        bound(radar_fetch),
        bound(curl_fetch)
    );
}

fn main() {
    // `cargo bench` passes --bench; nothing else to parse.
    let n_feeds = env_usize("BENCH_FEEDS", 1000);
    let n_items = env_usize("BENCH_ITEMS", 10);
    let hosts = env_usize("BENCH_HOSTS", 8).clamp(1, 250);
    let concurrency = env_usize("BENCH_CONCURRENCY", 16);
    let per_host = env_usize("BENCH_PER_HOST", 2);
    let trials = env_usize("BENCH_TRIALS", 3).max(1);
    if !radar_bin().is_file() {
        eprintln!(
            "no release binary at {}; run `cargo build --release` first (or set RADAR_BIN)",
            radar_bin().display()
        );
        std::process::exit(2);
    }

    let texts: Vec<String> = (0..n_feeds).map(|n| feed(n, n_items)).collect();
    let feeds = Arc::new(Feeds {
        quiet: texts
            .iter()
            .map(|t| axum::body::Bytes::from(quiet(t)))
            .collect(),
        bodies: texts.into_iter().map(axum::body::Bytes::from).collect(),
    });
    let bytes: usize = feeds.bodies.iter().map(|b| b.len()).sum();
    // For the floor at the end (Bytes clones share the buffers).
    let bodies = feeds.bodies.clone();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addrs = start_server(&rt, feeds, hosts);
    let urls: Vec<String> = (0..n_feeds)
        .map(|n| format!("http://{}/feeds/{n}.xml", addrs[n % hosts]))
        .collect();
    let quiet_setup = Setup {
        urls: urls
            .iter()
            .map(|u| u.replace("/feeds/", "/quiet/"))
            .collect(),
        concurrency,
        per_host,
    };
    let setup = Setup {
        urls,
        concurrency,
        per_host,
    };

    // Profiling aid: serve the feeds and wait, so a crawl can run under
    // perf without the benchmark's own threads in the profile.
    if let Some(dir) = std::env::var_os("BENCH_SERVE") {
        let config = write_radar(Path::new(&dir), &setup);
        println!(
            "serving {n_feeds} feeds; crawl with: radar --config {} crawl (Ctrl-C to stop)",
            config.display()
        );
        rt.block_on(std::future::pending::<()>());
    }

    println!(
        "## radar crawl: {n_feeds} feeds x {n_items} items ({:.1} MiB), {hosts} loopback hosts, concurrency {concurrency}, per_host {per_host}, {} cores, median of {trials}",
        bytes as f64 / 1048576.0,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let scratch = tempfile::tempdir().expect("tempdir");
    // Warm the server and the page cache once.
    curl(&setup.urls, concurrency, scratch.path());

    let mut curl_t = Vec::new();
    let mut quiet_t = Vec::new();
    let mut pass1_t = Vec::new();
    let mut pass2_t = Vec::new();
    let mut pass1 = serde_json::Value::Null;
    let mut pass2 = serde_json::Value::Null;
    let mut curl_ok = 0;
    let mut clean_docs = 0;
    let mut index_unchanged = true;
    for _ in 0..trials {
        let (t, (_, ok)) = measure(|| curl(&setup.urls, concurrency, scratch.path()));
        curl_t.push(t);
        curl_ok = ok;
        let qdir = tempfile::tempdir().expect("tempdir");
        let qconfig = write_radar(qdir.path(), &quiet_setup);
        let (tq, (_, jq)) = measure(|| radar_crawl(&qconfig));
        assert_eq!(jq["totals"]["fetched"], n_feeds, "quiet crawl: {jq}");
        quiet_t.push(tq);
        let dir = tempfile::tempdir().expect("tempdir");
        let config = write_radar(dir.path(), &setup);
        let (t1, (_, j1)) = measure(|| radar_crawl(&config));
        let meta_before = std::fs::read(dir.path().join("index/meta.json")).unwrap_or_default();
        let (t2, (_, j2)) = measure(|| radar_crawl(&config));
        let meta_after = std::fs::read(dir.path().join("index/meta.json")).unwrap_or_default();
        index_unchanged &= meta_before == meta_after;
        pass1_t.push(t1);
        pass2_t.push(t2);
        pass1 = j1;
        pass2 = j2;
        clean_docs = count(&dir.path().join("index")).0;
    }
    let (c, q, p1, p2) = (
        median_run(curl_t),
        median_run(quiet_t),
        median_run(pass1_t),
        median_run(pass2_t),
    );
    let t1 = &pass1["totals"];
    let t2 = &pass2["totals"];
    println!();
    println!("| run | wall (median) | CPU: client + server | result |");
    println!("|---|---|---|---|");
    let cpu = |r: &Run| format!("{} + {}", ms(r.child_cpu), ms(r.server_cpu));
    println!(
        "| `curl --parallel --parallel-max {concurrency}` (same URLs) | {} | {} | {curl_ok} × HTTP 200 |",
        secs(c.wall),
        cpu(&c)
    );
    println!(
        "| `radar crawl` pass 1 on the same bytes with the items commented out (fetching only: no item to parse or index) | {} | {} | {n_feeds} fetched |",
        secs(q.wall),
        cpu(&q)
    );
    println!(
        "| `radar crawl` pass 1 (empty index) | {} | {} | {} fetched, {} failed, {} new items |",
        secs(p1.wall),
        cpu(&p1),
        t1["fetched"],
        t1["failed"],
        t1["items_new"]
    );
    println!(
        "| `radar crawl` pass 2 (conditional GET) | {} | {} | {} not_modified, {} fetched, {} new + {} updated written; index {} |",
        secs(p2.wall),
        cpu(&p2),
        t2["not_modified"],
        t2["fetched"],
        t2["items_new"],
        t2["items_updated"],
        if index_unchanged {
            "untouched (meta.json identical)"
        } else {
            "CHANGED"
        }
    );
    println!();
    println!(
        "pass 1 / curl = {:.2}x (target <= 2x); fetching-only pass / curl = {:.2}x; pass 2 = {} (target <= 1 s)",
        p1.wall.as_secs_f64() / c.wall.as_secs_f64(),
        q.wall.as_secs_f64() / c.wall.as_secs_f64(),
        secs(p2.wall)
    );

    floor(&bodies, &q, &c);
    let p1 = p1.wall;

    if std::env::var("BENCH_KILL").is_ok_and(|v| v == "0") {
        return;
    }
    // ---- kill -9 ------------------------------------------------------------
    println!();
    println!("## kill -9 during a crawl of the same {n_feeds} feeds, then crawl again");
    println!();
    println!(
        "| killed after | docs at kill | exit of recrawl | docs after recrawl | distinct ids | clean run |"
    );
    println!("|---|---|---|---|---|---|");
    let mut all_good = true;
    for fraction in [0.1, 0.3, 0.5, 0.7, 0.9] {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = write_radar(dir.path(), &setup);
        let delay = p1.mul_f64(fraction);
        let mut child = Command::new(radar_bin())
            .arg("--config")
            .arg(&config)
            .args(["--now", NOW, "-q", "crawl"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn radar");
        std::thread::sleep(delay);
        let finished_already = matches!(child.try_wait(), Ok(Some(_)));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let at_kill = count(&dir.path().join("index")).0;
        let (_, j) = radar_crawl(&config);
        let (docs, distinct) = count(&dir.path().join("index"));
        let ok = docs == clean_docs && distinct as u64 == docs && j["totals"]["failed"] == 0;
        all_good &= ok;
        println!(
            "| {:.0} ms ({:.0}%){} | {at_kill} | failed={} | {docs} | {distinct} | {clean_docs} {} |",
            delay.as_secs_f64() * 1000.0,
            fraction * 100.0,
            if finished_already {
                " (had finished)"
            } else {
                ""
            },
            j["totals"]["failed"],
            if ok { "✓" } else { "✗" }
        );
    }
    println!();
    println!(
        "kill -9: {}",
        if all_good {
            "every recrawl ends with the clean run's document count and no duplicate ids"
        } else {
            "MISMATCH (see table)"
        }
    );
}
