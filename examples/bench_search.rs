//! In-process search latency for `scripts/bench_scale.sh`: opens the index
//! once and runs each query shape RUNS times through the library's search
//! (the same call `radar search` makes), printing p50 and p99 per shape.
//!
//! Usage: cargo run --release --example bench_search -- INDEX_DIR [RUNS]

use chrono::DateTime;
use std::path::PathBuf;
use std::time::Instant;
use techradar::index::{RadarIndex, SearchQuery, Since};
use techradar::model::ItemKind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: bench_search INDEX_DIR [RUNS]")?);
    let runs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let index = RadarIndex::open_or_create(&path)?;
    let now = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")?.into();
    let shapes: [(&str, &str, Option<ItemKind>, Option<Since>); 5] = [
        ("term", "kubernetes", None, None),
        ("and", "tokio latency", None, None),
        ("phrase", "\"feature flag\"", None, None),
        ("field", "title:migration", None, None),
        (
            "star+kind+since",
            "*",
            Some(ItemKind::Article),
            Some(Since::Days(30)),
        ),
    ];
    for (name, text, kind, since) in shapes {
        let q = SearchQuery {
            text: text.into(),
            kind,
            source: None,
            since,
            limit: 10,
            now,
        };
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for _ in 0..runs {
            let s = Instant::now();
            total = index.search(&q)?.total;
            times.push(s.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "shape={name} hits={total} p50_ms={:.2} p99_ms={:.2}",
            p(0.50),
            p(0.99)
        );
    }
    Ok(())
}
