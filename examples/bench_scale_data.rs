//! Writes the growth-curve corpus for `scripts/bench_scale.sh`: N JSON Feed
//! items over three years (newest at 2026-11-25), titles and bodies of
//! realistic length, 20 technologies each mentioned at a known rate (three
//! of them rising in the last three weeks), releases of five of them as
//! GitHub release links, and a stack.toml tracking those five.
//!
//! Usage: cargo run --release --example bench_scale_data -- OUT_DIR ITEMS

use chrono::{DateTime, Duration, Utc};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Deterministic xorshift, so every run benchmarks the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The 20 technologies and how often an item mentions each, in items per
/// thousand. The first three rise 4× in the last three weeks.
const TECHS: &[(&str, u64)] = &[
    ("Kestrel", 20),
    ("Bramble", 15),
    ("Ferrule", 10),
    ("PostgreSQL", 60),
    ("Kubernetes", 80),
    ("Tokio", 40),
    ("React", 70),
    ("Terraform", 30),
    ("Kafka", 25),
    ("Redis", 35),
    ("GraphQL", 20),
    ("Deno", 8),
    ("Svelte", 12),
    ("OpenTelemetry", 18),
    ("Prometheus", 22),
    ("Envoy", 9),
    ("Tantivy", 5),
    ("DuckDB", 7),
    ("Zig", 6),
    ("htmx", 4),
];
/// Techs in stack.toml (with `repo`), whose releases the corpus carries.
const STACK: &[usize] = &[3, 4, 5, 6, 7];

const WORDS: &[&str] = &[
    "latency",
    "migration",
    "release",
    "cluster",
    "runtime",
    "schema",
    "upgrade",
    "cache",
    "queue",
    "tracing",
    "build",
    "deploy",
    "incident",
    "review",
    "budget",
    "service",
    "client",
    "server",
    "index",
    "storage",
    "network",
    "policy",
    "test",
    "pipeline",
    "config",
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "we",
    "our",
    "team",
    "moved",
    "from",
    "after",
    "months",
    "production",
    "memory",
    "throughput",
    "p99",
    "rollout",
    "feature",
    "flag",
    "observability",
];

fn sentence(rng: &mut Rng, words: usize, out: &mut String) {
    for i in 0..words {
        let w = WORDS[rng.below(WORDS.len() as u64) as usize];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(". ");
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().ok_or("usage: bench_scale_data OUT_DIR ITEMS")?);
    let items: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")?.into();
    std::fs::create_dir_all(out.join("feeds"))?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    let mut stack = String::from("# Growth-curve benchmark stack.\n");
    for &t in STACK {
        let name = TECHS[t].0;
        let _ = write!(
            stack,
            "\n[[tech]]\nname = \"{name}\"\nquadrant = \"platforms\"\nring = \"adopt\"\nrepo = \"bench/{}\"\nversion = \"2.0.0\"\n",
            name.to_lowercase()
        );
    }
    std::fs::write(out.join("stack.toml"), stack)?;
    std::fs::write(out.join("radar.toml"), "[index]\npath = \"index\"\n")?;

    let days = 3 * 365;
    let sources = 40;
    let per_file = 2000;
    for file in 0..items.div_ceil(per_file) {
        let mut feed = format!(
            "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"bench source {}\",\"home_page_url\":\"https://bench.example/{}\",\"items\":[\n",
            file % sources,
            file % sources
        );
        for n in file * per_file..((file + 1) * per_file).min(items) {
            let ago = rng.below(days);
            let when = now - Duration::days(ago as i64) - Duration::minutes(rng.below(1440) as i64);
            let recent = ago < 21;
            let mut title = String::new();
            let mut body = String::new();
            let mut url = format!("https://bench.example/{}/posts/{n}", file % sources);
            if rng.below(10) == 0 {
                // A release of a stack tech, linked to its GitHub release.
                let t = STACK[rng.below(STACK.len() as u64) as usize];
                let v = format!("{}.{}.{}", 1 + rng.below(3), rng.below(30), rng.below(10));
                title = format!("{} v{v}", TECHS[t].0);
                url = format!(
                    "https://github.com/bench/{}/releases/tag/v{v}",
                    TECHS[t].0.to_lowercase()
                );
                sentence(&mut rng, 25, &mut body);
            } else {
                sentence(&mut rng, 8, &mut title);
                for _ in 0..6 {
                    sentence(&mut rng, 18, &mut body);
                }
            }
            for (i, (name, per_mille)) in TECHS.iter().enumerate() {
                let rate = if recent && i < 3 {
                    per_mille * 4
                } else {
                    *per_mille
                };
                if rng.below(1000) < rate {
                    let _ = write!(body, "We use {name} here. ");
                }
            }
            let tag = WORDS[rng.below(WORDS.len() as u64) as usize];
            let _ = writeln!(
                feed,
                "{}{{\"id\":\"bench-{n}\",\"url\":{},\"title\":{},\"content_text\":{},\"date_published\":\"{}\",\"tags\":[\"{tag}\"]}}",
                if n == file * per_file { "" } else { "," },
                json_str(&url),
                json_str(title.trim()),
                json_str(body.trim()),
                when.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
        feed.push_str("]}\n");
        std::fs::write(out.join("feeds").join(format!("feed-{file:05}.json")), feed)?;
    }
    println!("wrote {items} items to {}", out.display());
    Ok(())
}
