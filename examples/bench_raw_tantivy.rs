//! The raw-tantivy column of `scripts/bench_scale.sh`: indexes the same
//! JSON Feed files as `radar ingest` into a schema of the same shape (same
//! fields, tokenizer settings, stored item JSON, one writer thread with the
//! same heap), with none of radar's work around it (feed normalisation,
//! upsert-by-id, crawl state). The ratio radar/raw is what radar's own
//! layers cost.
//!
//! Usage: cargo run --release --example bench_raw_tantivy -- FEEDS_DIR INDEX_DIR
//! Prints `items=N seconds=S items_per_s=R bytes=B`.

use std::path::PathBuf;
use std::time::Instant;
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, TantivyDocument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let feeds = PathBuf::from(
        args.next()
            .ok_or("usage: bench_raw_tantivy FEEDS_DIR INDEX_DIR")?,
    );
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: bench_raw_tantivy FEEDS_DIR INDEX_DIR")?,
    );
    let started = Instant::now();
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("radar_text")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_text_field("id", STRING | STORED);
    let kind = b.add_text_field("kind", STRING | FAST);
    let source = b.add_text_field("source", STRING | FAST);
    let title = b.add_text_field("title", text.clone());
    let body = b.add_text_field("body", text.clone());
    let _packages = b.add_text_field("packages", text);
    let _package_key = b.add_text_field("package_key", STRING);
    let tags = b.add_text_field("tags", STRING);
    let published = b.add_date_field("published", INDEXED | FAST);
    let item = b.add_text_field("item", STORED);
    let _about = b.add_text_field("about", STRING);
    std::fs::create_dir_all(&out)?;
    let index = Index::create_in_dir(&out, b.build())?;
    index.tokenizers().register(
        "radar_text",
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(64))
            .filter(LowerCaser)
            .build(),
    );
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64 * 1024 * 1024)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&feeds)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut n = 0u64;
    for f in files {
        let feed: serde_json::Value = serde_json::from_slice(&std::fs::read(&f)?)?;
        let src = feed["title"].as_str().unwrap_or_default().to_string();
        for it in feed["items"].as_array().into_iter().flatten() {
            let mut doc = TantivyDocument::default();
            doc.add_text(id, it["id"].as_str().unwrap_or_default());
            doc.add_text(kind, "article");
            doc.add_text(source, &src);
            doc.add_text(title, it["title"].as_str().unwrap_or_default());
            doc.add_text(body, it["content_text"].as_str().unwrap_or_default());
            for t in it["tags"].as_array().into_iter().flatten() {
                doc.add_text(tags, t.as_str().unwrap_or_default());
            }
            if let Some(p) = it["date_published"]
                .as_str()
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            {
                doc.add_date(
                    published,
                    tantivy::DateTime::from_timestamp_secs(p.timestamp()),
                );
            }
            doc.add_text(item, serde_json::to_string(it)?);
            writer.add_document(doc)?;
            n += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let secs = started.elapsed().as_secs_f64();
    let bytes: u64 = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "items={n} seconds={secs:.3} items_per_s={:.0} bytes={bytes}",
        n as f64 / secs
    );
    Ok(())
}
