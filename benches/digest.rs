//! Digest generation time for a busy week: 5,000 items in the week and a
//! 150-entry radar (issue 6 target: ≤ 200 ms).
//!
//! Run: `cargo bench --bench digest` (optionally `-- RUNS OLDER_ITEMS`).
//! Builds a real tantivy index and a real radar.toml + stack.toml in a temp
//! folder, then times `digest::collect` (index read, stack matching) and the
//! Markdown and HTML renderers separately, and prints a table of medians.
//! A second scenario adds items from the year before: `digest::collect`
//! reads only the week, the trend window before it and the advisories, so
//! older history should cost little.

use chrono::{DateTime, Duration, Utc};
use std::path::Path;
use std::time::Instant;
use techradar::digest;
use techradar::digest::{IsoWeek, html, markdown};
use techradar::index::RadarIndex;
use techradar::model::{Advisory, Affected, Event, Item, ItemKind, Range, Severity};
use techradar::settings::Settings;

const TECHS: usize = 150;
const WEEK_ITEMS: usize = 5_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(15);
    let older: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z")?.into();
    let week = IsoWeek::last_complete(now);

    println!(
        "digest benchmark: {WEEK_ITEMS} items in {week}, {TECHS} radar entries, {runs} runs (median)\n"
    );
    println!(
        "| index holds | action items | release groups | collect_input | markdown | html (+svg) | total md | total html | md bytes | html bytes |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for extra in [0, older] {
        let dir = tempfile::tempdir()?;
        setup(dir.path(), week, extra)?;
        let mut settings = Settings::new(dir.path().to_path_buf(), now);
        settings.config = Some(dir.path().join("radar.toml"));
        settings.quiet = true;
        let (mut collect, mut md, mut page) = (Vec::new(), Vec::new(), Vec::new());
        let (mut md_len, mut html_len, mut actions, mut groups) = (0, 0, 0, 0);
        for _ in 0..runs {
            let t = Instant::now();
            let input = digest::collect(&settings, week)?;
            collect.push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(input.radar.len(), TECHS);
            (actions, groups) = (input.action_needed.len(), input.releases.len());
            let t = Instant::now();
            md_len = markdown::render(&input).len();
            md.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            html_len = html::render(&input).len();
            page.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (c, m, h) = (median(&mut collect), median(&mut md), median(&mut page));
        println!(
            "| {} items | {actions} | {groups} | {c:.1} ms | {m:.2} ms | {h:.2} ms | {:.1} ms | {:.1} ms | {md_len} | {html_len} |",
            WEEK_ITEMS + extra,
            c + m,
            c + h
        );
    }
    Ok(())
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// radar.toml, a 150-tech stack.toml, and an index with `WEEK_ITEMS` items
/// in `week` (60% releases of our techs and others, 10% advisories, 30%
/// articles) plus `older` items from the 52 weeks before.
fn setup(dir: &Path, week: IsoWeek, older: usize) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(dir.join("radar.toml"), "[index]\npath = \"index\"\n")?;
    let quadrants = [
        "techniques",
        "tools",
        "platforms",
        "languages-and-frameworks",
    ];
    let rings = ["adopt", "trial", "assess", "hold"];
    let mut stack = String::new();
    for i in 0..TECHS {
        stack.push_str(&format!(
            "[[tech]]\nname = \"tech-{i:03}\"\nquadrant = \"{}\"\nring = \"{}\"\npackage = \"crates.io/tech-{i:03}\"\nversion = \"1.{}.0\"\n\n",
            quadrants[i % 4],
            rings[(i / 4) % 4],
            i % 10
        ));
    }
    std::fs::write(dir.join("stack.toml"), stack)?;
    let index = RadarIndex::open_or_create(&dir.join("index"))?;
    let mut w = index.writer()?;
    let total = WEEK_ITEMS + older;
    for n in 0..total {
        let published = if n < WEEK_ITEMS {
            week.start() + Duration::minutes((n as i64 * 7) % (7 * 24 * 60))
        } else {
            week.start() - Duration::hours(1 + (n as i64 % (52 * 7 * 24)))
        };
        // Even-numbered items are about our techs (so every advisory is).
        let pkg = if n % 2 == 0 {
            format!("crates.io/tech-{:03}", n % TECHS)
        } else {
            format!("crates.io/other-{}", n % 997)
        };
        let kind = match n % 10 {
            0 => ItemKind::Advisory,
            1..=6 => ItemKind::Release,
            _ => ItemKind::Article,
        };
        let name = pkg.trim_start_matches("crates.io/").to_string();
        let mut item = Item {
            id: format!("item-{n:06}"),
            kind,
            source: format!("{name} releases"),
            title: format!("{name} v{}.{}.{}", 1 + n % 3, n % 40, n % 7),
            body: "Release notes: bug fixes, performance work and a new API. ".repeat(8),
            url: Some(format!("https://example.test/{name}/{n}")),
            published: Some(published),
            packages: vec![pkg.clone()],
            tags: vec![],
            advisory: None,
        };
        if kind == ItemKind::Advisory {
            item.title = format!("Memory safety issue in {name}");
            item.advisory = Some(Box::new(Advisory {
                id: format!("RUSTSEC-2026-{n:04}"),
                summary: item.title.clone(),
                published: Some(published),
                modified: Some(published),
                severity: vec![Severity {
                    kind: "CVSS_V3".into(),
                    vector: String::new(),
                    score: Some((n % 100) as f64 / 10.0),
                }],
                affected: vec![Affected {
                    ecosystem: "crates.io".into(),
                    name: name.clone(),
                    ranges: vec![Range {
                        kind: "SEMVER".into(),
                        events: vec![
                            Event::Introduced("0".into()),
                            Event::Fixed(format!("1.{}.1", n % 10)),
                        ],
                    }],
                    versions: vec![],
                    patched: vec![],
                }],
                references: vec![format!("https://rustsec.test/{n}")],
                ..Advisory::default()
            }));
        }
        w.upsert(&item)?;
    }
    w.commit()?;
    Ok(())
}
