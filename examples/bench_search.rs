//! In-process search latency for `scripts/bench_scale.sh`: opens the index
//! once and runs each query shape RUNS times through the library's search
//! (the same call `radar search` makes), printing p50 and p99 per shape.
//! Beside it, the floor: tantivy alone on the same index and the same
//! parsed query, counting every match (`raw_count`, what a total costs)
//! and taking the BM25 top 10 (`raw_top10`, with tantivy's pruning; radar
//! ranks by relevance times recency, which cannot prune).
//!
//! Usage: cargo run --release --example bench_search -- INDEX_DIR [RUNS]

use chrono::DateTime;
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use techradar::index::{RadarIndex, SearchQuery, Since};
use techradar::model::ItemKind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().ok_or("usage: bench_search INDEX_DIR [RUNS]")?);
    let runs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let index = RadarIndex::open_or_create(&path)?;
    let raw = tantivy::Index::open_in_dir(&path)?;
    // The analyzer radar registers (src/index/schema.rs), so the query
    // parses to the same terms.
    raw.tokenizers().register(
        "radar_text",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .build(),
    );
    let raw_searcher = raw.reader()?.searcher();
    let schema = raw.schema();
    let mut parser = QueryParser::for_index(
        &raw,
        vec![
            schema.get_field("title")?,
            schema.get_field("body")?,
            schema.get_field("packages")?,
        ],
    );
    parser.set_conjunction_by_default();
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
        let p = |times: &mut Vec<f64>, q: f64| {
            times.sort_by(f64::total_cmp);
            times[((times.len() as f64 * q) as usize).min(times.len() - 1)]
        };
        let (p50, p99) = (p(&mut times, 0.50), p(&mut times, 0.99));
        let mut line = format!("shape={name} hits={total} p50_ms={p50:.2} p99_ms={p99:.2}");
        if kind.is_none() && text != "*" {
            let query = parser.parse_query(text)?;
            let (mut count_ms, mut top_ms) = (Vec::new(), Vec::new());
            for _ in 0..runs {
                let s = Instant::now();
                let n = raw_searcher.search(&query, &Count)?;
                count_ms.push(s.elapsed().as_secs_f64() * 1000.0);
                let s = Instant::now();
                let top = raw_searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
                top_ms.push(s.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box((n, top));
            }
            line.push_str(&format!(
                " raw_count_p50_ms={:.2} raw_top10_p50_ms={:.2}",
                p(&mut count_ms, 0.50),
                p(&mut top_ms, 0.50)
            ));
        }
        println!("{line}");
    }
    Ok(())
}
