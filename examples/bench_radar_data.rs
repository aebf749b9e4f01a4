//! Writes a synthetic team radar for `scripts/bench_update.sh`: a stack of
//! N technologies and M feed items (releases and articles) spread over a
//! year, with a few terms rising in the last weeks.
//!
//! Usage: cargo run --release --example bench_radar_data -- OUT_DIR [ITEMS] [TECHS]

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
];
const PRODUCTS: &[&str] = &[
    "Quasar", "Nimbus", "Helix", "Vortex", "Lumen", "Zephyr", "Orbit", "Prism", "Cinder", "Drift",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: bench_radar_data OUT_DIR [ITEMS] [TECHS]")?,
    );
    let items: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let techs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(300);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")?.into();
    std::fs::create_dir_all(out.join("feeds"))?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    let quadrants = [
        "techniques",
        "tools",
        "platforms",
        "languages-and-frameworks",
    ];
    let rings = ["adopt", "trial", "assess", "hold"];
    let mut stack = String::from("# Synthetic stack for the update benchmark.\n");
    for t in 0..techs {
        let _ = write!(
            stack,
            "\n[[tech]]\nname = \"lib{t:03}\"\nquadrant = \"{}\"\nring = \"{}\"\npackage = \"crates.io/lib{t:03}\"\nversion = \"{}.{}.0\"\n",
            quadrants[t % 4],
            rings[(t / 4) % 4],
            1 + t % 3,
            t % 10
        );
    }
    std::fs::write(out.join("stack.toml"), stack)?;
    std::fs::write(out.join("radar.toml"), "[index]\npath = \"index\"\n")?;

    let per_file = 1000;
    for file in 0..items.div_ceil(per_file) {
        let mut xml = String::from(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>bench</title><link>https://bench.example/</link><description>synthetic</description>\n",
        );
        for n in file * per_file..((file + 1) * per_file).min(items) {
            let tech = rng.below(techs as u64);
            // Most items in the past year; products 0-2 cluster in the last
            // three weeks so some terms rise.
            let rising = rng.below(10) == 0;
            let days = if rising {
                rng.below(20)
            } else {
                rng.below(365)
            };
            let when = now - Duration::days(days as i64) - Duration::minutes(rng.below(600) as i64);
            let (title, body) = if rng.below(10) < 3 {
                let v = format!("{}.{}.{}", 1 + rng.below(4), rng.below(30), rng.below(10));
                (
                    format!("lib{tech:03} v{v}"),
                    format!("Release notes for lib{tech:03} {v}."),
                )
            } else {
                let product = if rising {
                    PRODUCTS[rng.below(3) as usize]
                } else {
                    PRODUCTS[rng.below(PRODUCTS.len() as u64) as usize]
                };
                let mut body = String::new();
                for _ in 0..40 {
                    body.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
                    body.push(' ');
                }
                let other = rng.below(techs as u64);
                let _ = write!(body, "lib{other:03} and {product}.");
                (
                    format!(
                        "Notes on lib{tech:03} with {product}: {}",
                        WORDS[n % WORDS.len()]
                    ),
                    body,
                )
            };
            let _ = writeln!(
                xml,
                "<item><title>{title}</title><link>https://bench.example/{n}</link><guid>bench-{n}</guid><pubDate>{}</pubDate><description>{body}</description></item>",
                when.to_rfc2822()
            );
        }
        xml.push_str("</channel></rss>\n");
        std::fs::write(out.join("feeds").join(format!("feed-{file:04}.xml")), xml)?;
    }
    println!("wrote {items} items and {techs} techs to {}", out.display());
    Ok(())
}
