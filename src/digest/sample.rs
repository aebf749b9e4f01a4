//! A realistic digest written by us, for snapshots, screenshots, the
//! benchmark and `radar demo`. Pure data; no I/O.

use chrono::{DateTime, Duration, Utc};

use super::model::*;
use crate::model::{Quadrant, Ring};

/// One week of a mid-sized Rust/TypeScript team's radar.
pub fn sample(week: IsoWeek, generated: DateTime<Utc>) -> DigestInput {
    let day = |d: i64, h: u32| week.start() + Duration::days(d) + Duration::hours(i64::from(h));
    let s = |x: &str| x.to_string();
    DigestInput {
        title: s("Platform team radar"),
        week,
        generated,
        action_needed: vec![
            ActionItem {
                severity: Severity::from_score(Some(8.2)),
                package: s("hyper"),
                version: Some(s("1.4.0")),
                confirmed: true,
                fixed: vec![s("1.4.2"), s("1.5.1")],
                hint: s("Upgrade hyper to 1.4.2 or later (cargo update -p hyper)"),
                summary: s("Request smuggling through malformed chunked trailers"),
                ids: vec![
                    s("RUSTSEC-2026-0101"),
                    s("GHSA-7x2q-hm4c-9v3p"),
                    s("CVE-2026-41170"),
                ],
                links: vec![
                    s("https://rustsec.org/advisories/RUSTSEC-2026-0101.html"),
                    s("https://github.com/advisories/GHSA-7x2q-hm4c-9v3p"),
                ],
                published: Some(day(1, 14)),
            },
            ActionItem {
                severity: Severity::from_score(Some(5.3)),
                package: s("express"),
                version: Some(s("4.19.2")),
                confirmed: true,
                fixed: vec![s("4.21.1")],
                hint: s("Upgrade express to 4.21.1 or later (npm install express@^4.21.1)"),
                summary: s("Open redirect when res.location is given a user-controlled URL"),
                ids: vec![s("GHSA-qw6h-vgh9-j6wx"), s("CVE-2026-43796")],
                links: vec![s("https://github.com/advisories/GHSA-qw6h-vgh9-j6wx")],
                published: Some(day(3, 9)),
            },
            ActionItem {
                severity: Severity::informational(),
                package: s("serde_yaml"),
                version: Some(s("0.9.34")),
                confirmed: false,
                fixed: vec![],
                hint: s("Unmaintained: plan a move to serde_yml or toml"),
                summary: s("serde_yaml is no longer maintained"),
                ids: vec![s("RUSTSEC-2026-0088")],
                links: vec![s("https://rustsec.org/advisories/RUSTSEC-2026-0088.html")],
                published: Some(day(4, 16)),
            },
        ],
        end_of_life: vec![],
        news: vec![],
        releases: vec![
            ReleaseGroup {
                tech: s("tokio"),
                current: Some(s("1.38.0")),
                items: vec![
                    release(
                        "tokio 1.41.1",
                        "1.41.1",
                        false,
                        "https://github.com/tokio-rs/tokio/releases/tag/tokio-1.41.1",
                        day(2, 10),
                    ),
                    release(
                        "tokio-util 0.7.13",
                        "0.7.13",
                        false,
                        "https://github.com/tokio-rs/tokio/releases/tag/tokio-util-0.7.13",
                        day(2, 11),
                    ),
                ],
            },
            ReleaseGroup {
                tech: s("PostgreSQL"),
                current: Some(s("16.4")),
                items: vec![
                    release(
                        "PostgreSQL 17.2 released",
                        "17.2",
                        true,
                        "https://www.postgresql.org/about/news/postgresql-172/",
                        day(3, 13),
                    ),
                    release(
                        "PostgreSQL 16.6",
                        "16.6",
                        false,
                        "https://www.postgresql.org/docs/release/16.6/",
                        day(3, 13),
                    ),
                ],
            },
            ReleaseGroup {
                tech: s("TypeScript"),
                current: Some(s("5.6.3")),
                items: vec![release(
                    "TypeScript 5.7",
                    "5.7.2",
                    false,
                    "https://devblogs.microsoft.com/typescript/announcing-typescript-5-7/",
                    day(0, 18),
                )],
            },
            ReleaseGroup {
                tech: s("axum"),
                current: Some(s("0.7.9")),
                items: vec![release(
                    "axum v0.8.0",
                    "0.8.0",
                    true,
                    "https://github.com/tokio-rs/axum/releases/tag/axum-v0.8.0",
                    day(4, 8),
                )],
            },
            ReleaseGroup {
                tech: s("Kubernetes"),
                current: Some(s("1.30")),
                items: vec![
                    release(
                        "Kubernetes v1.31.4",
                        "1.31.4",
                        false,
                        "https://github.com/kubernetes/kubernetes/releases/tag/v1.31.4",
                        day(1, 20),
                    ),
                    release(
                        "Kubernetes v1.30.8",
                        "1.30.8",
                        false,
                        "https://github.com/kubernetes/kubernetes/releases/tag/v1.30.8",
                        day(1, 20),
                    ),
                    release(
                        "Kubernetes v1.29.12",
                        "1.29.12",
                        false,
                        "https://github.com/kubernetes/kubernetes/releases/tag/v1.29.12",
                        day(1, 19),
                    ),
                ],
            },
        ],
        emerging: vec![
            term("OpenTelemetry profiling", &[2, 3, 3, 5, 9, 14], 3.1, false),
            term("uv", &[4, 6, 9, 12, 15, 22], 2.3, true),
            term("WebAssembly components", &[1, 1, 2, 2, 4, 6], 2.7, false),
            term("Biome", &[3, 2, 4, 5, 6, 9], 1.9, false),
            term("OpenTofu", &[5, 5, 6, 7, 8, 10], 1.5, true),
        ],
        proposals: vec![
            ProposedMove {
                name: s("serde_yaml"),
                quadrant: Quadrant::LanguagesAndFrameworks,
                from: Some(Ring::Adopt),
                to: Ring::Hold,
                reasons: vec![
                    s("RUSTSEC-2026-0088: unmaintained since March"),
                    s("No release in 14 months"),
                    s("3 services depend on it"),
                ],
                links: vec![s("https://rustsec.org/advisories/RUSTSEC-2026-0088.html")],
            },
            ProposedMove {
                name: s("uv"),
                quadrant: Quadrant::Tools,
                from: Some(Ring::Assess),
                to: Ring::Trial,
                reasons: vec![
                    s("Mentions up ×2.3 over 6 weeks"),
                    s("Used by 2 of our repositories"),
                ],
                links: vec![],
            },
        ],
        radar: sample_radar(),
    }
}

fn release(
    title: &str,
    version: &str,
    major: bool,
    url: &str,
    published: DateTime<Utc>,
) -> ReleaseItem {
    ReleaseItem {
        title: title.to_string(),
        version: Some(version.to_string()),
        major,
        url: Some(url.to_string()),
        published: Some(published),
    }
}

fn term(term: &str, counts: &[u32], growth: f64, in_stack: bool) -> EmergingTerm {
    EmergingTerm {
        term: term.to_string(),
        weekly_counts: counts.to_vec(),
        growth,
        in_stack,
    }
}

fn sample_radar() -> Vec<Blip> {
    use Movement::*;
    // The default shape's names, as the enums these once were.
    #[allow(non_upper_case_globals)]
    const Techniques: Quadrant = Quadrant::Techniques;
    #[allow(non_upper_case_globals)]
    const Tools: Quadrant = Quadrant::Tools;
    #[allow(non_upper_case_globals)]
    const Platforms: Quadrant = Quadrant::Platforms;
    #[allow(non_upper_case_globals)]
    const LanguagesAndFrameworks: Quadrant = Quadrant::LanguagesAndFrameworks;
    #[allow(non_upper_case_globals)]
    const Adopt: Ring = Ring::Adopt;
    #[allow(non_upper_case_globals)]
    const Trial: Ring = Ring::Trial;
    #[allow(non_upper_case_globals)]
    const Assess: Ring = Ring::Assess;
    #[allow(non_upper_case_globals)]
    const Hold: Ring = Ring::Hold;
    let rows: &[(&str, Quadrant, Ring, Movement)] = &[
        ("Trunk-based development", Techniques, Adopt, Unchanged),
        ("Infrastructure as code", Techniques, Adopt, Unchanged),
        ("Structured logging", Techniques, Adopt, Unchanged),
        ("Property-based testing", Techniques, Trial, MovedIn),
        ("SBOM per release", Techniques, Trial, New),
        ("Feature flags", Techniques, Trial, Unchanged),
        ("Contract testing", Techniques, Assess, Unchanged),
        ("Mutation testing", Techniques, Assess, New),
        ("Long-lived feature branches", Techniques, Hold, Unchanged),
        ("cargo-nextest", Tools, Adopt, Unchanged),
        ("Renovate", Tools, Adopt, Unchanged),
        ("GitHub Actions", Tools, Adopt, Unchanged),
        ("uv", Tools, Assess, New),
        ("Biome", Tools, Assess, Unchanged),
        ("OpenTofu", Tools, Trial, MovedIn),
        ("Terraform", Tools, Hold, MovedOut),
        ("Jenkins", Tools, Hold, Unchanged),
        ("PostgreSQL", Platforms, Adopt, Unchanged),
        ("Kubernetes", Platforms, Adopt, Unchanged),
        ("Redis", Platforms, Trial, MovedOut),
        ("Valkey", Platforms, Assess, New),
        ("NATS", Platforms, Trial, Unchanged),
        ("Self-hosted Kafka", Platforms, Hold, Unchanged),
        ("OpenTelemetry Collector", Platforms, Trial, Unchanged),
        ("Rust", LanguagesAndFrameworks, Adopt, Unchanged),
        ("TypeScript", LanguagesAndFrameworks, Adopt, Unchanged),
        ("tokio", LanguagesAndFrameworks, Adopt, Unchanged),
        ("axum", LanguagesAndFrameworks, Adopt, Unchanged),
        ("hyper", LanguagesAndFrameworks, Adopt, Unchanged),
        ("serde_yaml", LanguagesAndFrameworks, Adopt, Unchanged),
        ("express", LanguagesAndFrameworks, Trial, MovedOut),
        ("SvelteKit", LanguagesAndFrameworks, Trial, Unchanged),
        ("htmx", LanguagesAndFrameworks, Assess, New),
        ("Leptos", LanguagesAndFrameworks, Assess, Unchanged),
        ("AngularJS", LanguagesAndFrameworks, Hold, Unchanged),
    ];
    rows.iter()
        .map(|&(name, quadrant, ring, movement)| Blip {
            name: name.to_string(),
            quadrant,
            ring,
            movement,
        })
        .collect()
}

/// `n` made-up entries spread over the radar the way real radars are
/// (more in the outer rings, uneven across quadrants), for layout tests and
/// the benchmark. Deterministic.
pub fn many_blips(n: usize) -> Vec<Blip> {
    // Shares per quadrant and ring, in per-mille; uneven on purpose.
    const Q: [(Quadrant, u32); 4] = [
        (Quadrant::Techniques, 200),
        (Quadrant::Tools, 300),
        (Quadrant::Platforms, 150),
        (Quadrant::LanguagesAndFrameworks, 350),
    ];
    const R: [(Ring, u32); 4] = [
        (Ring::Adopt, 200),
        (Ring::Trial, 250),
        (Ring::Assess, 300),
        (Ring::Hold, 250),
    ];
    const M: [Movement; 6] = [
        Movement::Unchanged,
        Movement::Unchanged,
        Movement::Unchanged,
        Movement::New,
        Movement::MovedIn,
        Movement::MovedOut,
    ];
    (0..n)
        .map(|i| {
            // A cheap deterministic spread: position in per-mille.
            let x = ((i as u64 * 7919) % 1000) as u32;
            let y = ((i as u64 * 104_729 / 7) % 1000) as u32;
            Blip {
                name: format!("tech-{i:03}"),
                quadrant: pick(&Q, x),
                ring: pick(&R, y),
                movement: M[i % M.len()],
            }
        })
        .collect()
}

/// `n` blips spread unevenly over every segment of `shape` (for geometry
/// tests and screenshots of radars with other shapes).
pub fn many_blips_in(shape: &crate::shape::Shape, n: usize) -> Vec<Blip> {
    // Uneven weights, then shares in per-mille (the last takes the rest).
    fn shares<T: Copy>(items: &[T]) -> Vec<(T, u32)> {
        let weights: Vec<u32> = (0..items.len()).map(|k| 2 + (k as u32 * 5) % 4).collect();
        let total: u32 = weights.iter().sum();
        let mut out: Vec<(T, u32)> = items
            .iter()
            .zip(&weights)
            .map(|(&v, w)| (v, w * 1000 / total))
            .collect();
        let used: u32 = out.iter().map(|x| x.1).sum();
        if let Some(last) = out.last_mut() {
            last.1 += 1000 - used;
        }
        out
    }
    let q = shares(shape.quadrants());
    let r = shares(shape.rings());
    (0..n)
        .map(|i| {
            let x = ((i as u64 * 7919) % 1000) as u32;
            let y = ((i as u64 * 104_729 / 7) % 1000) as u32;
            // One blip in every segment first, so each is exercised.
            let (quadrant, ring) = if i < q.len() * r.len() {
                (q[i % q.len()].0, r[i / q.len()].0)
            } else {
                (pick(&q, x), pick(&r, y))
            };
            Blip {
                name: format!("tech-{i:03}"),
                quadrant,
                ring,
                movement: [
                    Movement::Unchanged,
                    Movement::New,
                    Movement::MovedIn,
                    Movement::MovedOut,
                ][i % 4],
            }
        })
        .collect()
}

/// The value whose cumulative share (per-mille) covers `at`.
fn pick<T: Copy>(table: &[(T, u32)], at: u32) -> T {
    let mut acc = 0;
    for &(v, share) in table {
        acc += share;
        if at < acc {
            return v;
        }
    }
    table[table.len() - 1].0
}
