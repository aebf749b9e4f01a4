//! Writes the bundled sample digest (Markdown and HTML) for a look in a
//! browser: `cargo run --example digest_sample -- /tmp/digest` writes
//! `/tmp/digest.md` and `/tmp/digest.html`. Add `--blips N` for a radar of
//! N made-up entries instead of the sample radar.

use chrono::{DateTime, Utc};
use techradar::digest::{IsoWeek, html, markdown, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args.next().unwrap_or_else(|| "digest-sample".to_string());
    let blips: Option<usize> = match (args.next().as_deref(), args.next()) {
        (Some("--blips"), Some(n)) => Some(n.parse()?),
        _ => None,
    };
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z")?.into();
    let mut input = sample::sample(IsoWeek::last_complete(now), now);
    if let Some(n) = blips {
        input.radar = sample::many_blips(n);
    }
    std::fs::write(format!("{base}.md"), markdown::render(&input))?;
    std::fs::write(format!("{base}.html"), html::render(&input))?;
    println!("wrote {base}.md and {base}.html");
    Ok(())
}
