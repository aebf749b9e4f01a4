//! Table-driven tests of the scoring rules (README.md "How proposals are scored").

use super::*;
use crate::model::ItemKind;
use crate::trend::{Direction, TermTrend, TrendReport};
use chrono::Duration;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn tech(ring: Ring, version: Option<&str>) -> TechConfig {
    TechConfig {
        name: "widget".into(),
        quadrant: Quadrant::LanguagesAndFrameworks,
        ring,
        package: Some("crates.io/widget".into()),
        version: version.map(str::to_string),
        aliases: vec![],
        repo: None,
        eol: None,
    }
}

fn release(title: &str, days_ago: i64) -> Item {
    Item {
        id: format!("r-{title}"),
        kind: ItemKind::Release,
        source: "widget releases".into(),
        title: title.into(),
        body: String::new(),
        url: Some(format!("https://example.org/{}", title.replace(' ', "-"))),
        published: Some(now() - Duration::days(days_ago)),
        packages: vec!["crates.io/widget".into()],
        tags: vec![],
        advisory: None,
    }
}

fn hit(
    id: &str,
    severity: Option<f64>,
    info: Option<Informational>,
    fixed: &[&str],
) -> AdvisoryHit {
    AdvisoryHit {
        package: "crates.io/widget".into(),
        version: "1.2.0".into(),
        id: id.into(),
        aliases: vec![],
        severity,
        informational: info,
        fixed: fixed.iter().map(|s| s.to_string()).collect(),
        url: Some(format!("https://rustsec.org/advisories/{id}")),
    }
}

fn rising(term: &str) -> TrendReport {
    TrendReport {
        weeks: 12,
        week_labels: vec![],
        test: String::new(),
        terms: vec![TermTrend {
            term: term.into(),
            counts: vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4],
            growth: 4.0,
            recent: 9,
            recent_weeks: 3,
            baseline_rate: 0.0,
            in_stack: true,
            tracked: true,
            rising: true,
            direction: Direction::Rising,
            sources: 2,
            recent_sources: 2,
            established_sources: 2,
            recent_established: 9,
            p_value: 0.000004,
            evidence: vec!["https://blog.example/1".into()],
        }],
    }
}

fn falling(term: &str) -> TrendReport {
    let mut t = rising(term);
    let f = &mut t.terms[0];
    f.counts = vec![9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1];
    f.recent = 3;
    f.baseline_rate = 9.0;
    f.growth = 0.2;
    f.rising = false;
    f.direction = Direction::Falling;
    f.p_value = 0.0;
    t
}

#[test]
fn falling_mentions_weigh_against_a_tech_on_the_radar_only() {
    let stack = StackConfig {
        techs: vec![TechConfig {
            name: "Jenkins".into(),
            quadrant: Quadrant::Tools,
            ring: Ring::Trial,
            package: None,
            version: None,
            aliases: vec![],
            repo: None,
            eol: None,
        }],
        ..Default::default()
    };
    let r = score_stack(
        &stack,
        &[],
        &[],
        &BTreeMap::new(),
        &falling("Jenkins"),
        now(),
    )
    .remove(0);
    assert_eq!(r.signals.len(), 1, "{r:#?}");
    let s = &r.signals[0];
    assert_eq!((s.kind, s.weight), (SignalKind::Trend, W_TREND_FALLING));
    assert_eq!(
        s.because,
        "mentions falling: 3 in the last 3 weeks against 9/week before (p < 0.0001)"
    );
    // A nudge: not a ring move on its own.
    assert_eq!(r.ring, Some(Ring::Trial), "{}", r.rule);
    // Falling candidates are never proposed.
    let mut t = falling("Jenkins");
    t.terms[0].tracked = false;
    assert!(score_candidates(&t).is_empty());
}

struct Case {
    what: &'static str,
    ring: Ring,
    version: Option<&'static str>,
    releases: Vec<Item>,
    hits: Vec<AdvisoryHit>,
    lockfiles: usize,
    trend: bool,
    want_score: f64,
    want_ring: Ring,
    want_kinds: &'static [SignalKind],
}

fn base(what: &'static str, ring: Ring) -> Case {
    Case {
        what,
        ring,
        version: Some("1.2.0"),
        releases: vec![],
        hits: vec![],
        lockfiles: 0,
        trend: false,
        want_score: 0.0,
        want_ring: ring,
        want_kinds: &[],
    }
}

#[test]
fn each_signal_alone_and_combined_gives_the_documented_ring() {
    use Informational::*;
    use SignalKind as K;
    let cases = vec![
        Case {
            ..base("no evidence: stay", Ring::Adopt)
        },
        Case {
            releases: vec![release("widget v1.3.0", 10)],
            want_score: 0.1,
            want_kinds: &[K::Release],
            ..base("recent release alone: stay", Ring::Trial)
        },
        Case {
            releases: vec![release("widget v1.3.0", 200)],
            ..base("release older than 90 days: no signal", Ring::Trial)
        },
        Case {
            releases: vec![release("widget v2.0.0", 200)],
            want_score: 0.2,
            want_kinds: &[K::Major],
            ..base("new major alone: stay", Ring::Adopt)
        },
        Case {
            version: Some("0.8.4"),
            releases: vec![release("widget v0.9.0", 200), release("widget v0.8.9", 100)],
            want_score: 0.2,
            want_kinds: &[K::Major],
            ..base("0.x: a new minor is a new major", Ring::Trial)
        },
        Case {
            releases: vec![release("widget v2.0.0-rc.1", 5)],
            ..base(
                "prerelease of a major: neither release nor major",
                Ring::Adopt,
            )
        },
        Case {
            releases: vec![release("widget v1.1.0", 600)],
            want_score: -0.3,
            want_ring: Ring::Trial,
            want_kinds: &[K::Staleness],
            ..base("stale alone: one ring out", Ring::Adopt)
        },
        Case {
            releases: vec![release("widget v1.1.0", 600)],
            want_score: -0.3,
            want_ring: Ring::Hold,
            want_kinds: &[K::Staleness],
            ..base("stale in assess: hold", Ring::Assess)
        },
        Case {
            trend: true,
            want_score: 0.2,
            want_kinds: &[K::Trend],
            ..base("trend alone: stay", Ring::Assess)
        },
        Case {
            lockfiles: 9,
            want_score: 0.2,
            want_kinds: &[K::Usage],
            ..base("usage alone, capped at 4 lockfiles: stay", Ring::Adopt)
        },
        Case {
            hits: vec![hit("RUSTSEC-2026-0001", None, Some(Unmaintained), &[])],
            want_score: -0.5,
            want_ring: Ring::Hold,
            want_kinds: &[K::Unmaintained],
            ..base("unmaintained: hold", Ring::Adopt)
        },
        Case {
            hits: vec![hit("RUSTSEC-2026-0001", None, Some(Unmaintained), &[])],
            releases: vec![release("widget v1.3.0", 3), release("widget v2.0.0", 4)],
            trend: true,
            lockfiles: 4,
            want_score: 0.2,
            want_ring: Ring::Hold,
            want_kinds: &[K::Unmaintained, K::Release, K::Major, K::Trend, K::Usage],
            ..base("unmaintained wins over good news", Ring::Adopt)
        },
        Case {
            hits: vec![hit("GHSA-aaaa", Some(9.8), None, &[])],
            want_score: -0.49,
            want_ring: Ring::Hold,
            want_kinds: &[K::Advisory],
            ..base("unfixed critical: hold", Ring::Adopt)
        },
        Case {
            hits: vec![hit("GHSA-aaaa", Some(9.8), None, &["1.2.1"])],
            want_score: -0.25,
            want_ring: Ring::Trial,
            want_kinds: &[K::Advisory],
            ..base("fixed critical: half weight, one ring out", Ring::Adopt)
        },
        Case {
            hits: vec![hit("GHSA-aaaa", Some(7.5), None, &["1.2.1"])],
            releases: vec![release("widget v1.2.1", 5)],
            want_score: -0.09,
            want_kinds: &[K::Advisory, K::Release],
            ..base(
                "fixed high plus a fresh release: stay, upgrade",
                Ring::Adopt,
            )
        },
        Case {
            hits: vec![hit("GHSA-aaaa", None, None, &[])],
            want_score: -0.25,
            want_ring: Ring::Trial,
            want_kinds: &[K::Advisory],
            ..base(
                "unfixed, severity unknown (5.0): one ring out, not hold",
                Ring::Adopt,
            )
        },
        Case {
            hits: vec![
                hit("GHSA-aaaa", Some(9.0), None, &["1.2.1"]),
                hit("GHSA-bbbb", Some(8.0), None, &["1.2.1"]),
                hit("GHSA-cccc", Some(6.0), None, &["1.2.1"]),
                hit("RUSTSEC-2026-0002", None, Some(Unsound), &["1.2.1"]),
            ],
            want_score: -0.78,
            want_ring: Ring::Hold,
            want_kinds: &[K::Advisory, K::Advisory, K::Advisory, K::Advisory],
            ..base("many fixed advisories add up: score hold", Ring::Adopt)
        },
        Case {
            hits: vec![hit("RUSTSEC-2026-0003", None, Some(Notice), &[])],
            want_score: -0.05,
            want_kinds: &[K::Advisory],
            ..base("notice: small weight, stay", Ring::Adopt)
        },
        Case {
            releases: vec![release("widget v1.3.0", 3), release("widget v2.0.0", 10)],
            trend: true,
            want_score: 0.5,
            want_ring: Ring::Trial,
            want_kinds: &[K::Release, K::Major, K::Trend],
            ..base("release + major + trend: assess → trial", Ring::Assess)
        },
        Case {
            releases: vec![release("widget v1.3.0", 3), release("widget v2.0.0", 10)],
            trend: true,
            want_score: 0.5,
            want_ring: Ring::Trial,
            want_kinds: &[K::Release, K::Major, K::Trend],
            ..base("never proposes adopt: trial stays trial", Ring::Trial)
        },
        Case {
            releases: vec![release("widget v1.3.0", 3), release("widget v2.0.0", 10)],
            trend: true,
            want_score: 0.5,
            want_ring: Ring::Assess,
            want_kinds: &[K::Release, K::Major, K::Trend],
            ..base("hold with momentum: assess", Ring::Hold)
        },
    ];
    for c in cases {
        let stack = StackConfig {
            techs: vec![tech(c.ring, c.version)],
            ..Default::default()
        };
        let mut lockfiles = BTreeMap::new();
        if c.lockfiles > 0 {
            lockfiles.insert("crates.io/widget".to_string(), c.lockfiles);
        }
        let trends = if c.trend {
            rising("widget")
        } else {
            TrendReport {
                weeks: 12,
                week_labels: vec![],
                test: String::new(),
                terms: vec![],
            }
        };
        let r = score_stack(&stack, &c.releases, &c.hits, &lockfiles, &trends, now()).remove(0);
        let kinds: Vec<SignalKind> = r.signals.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, c.want_kinds, "{}: {r:#?}", c.what);
        assert_eq!(r.score, c.want_score, "{}: {r:#?}", c.what);
        assert_eq!(r.ring, Some(c.want_ring), "{}: {}", c.what, r.rule);
        assert!(
            r.signals.iter().all(|s| !s.because.contains('\n')),
            "{}",
            c.what
        );
    }
}

#[test]
fn reasons_read_well() {
    let stack = StackConfig {
        techs: vec![tech(Ring::Adopt, Some("1.2.0"))],
        ..Default::default()
    };
    let hits = vec![
        hit("GHSA-aaaa", Some(7.5), None, &["1.2.1"]),
        AdvisoryHit {
            version: "1.1.9".into(),
            ..hit("GHSA-aaaa", Some(7.5), None, &["1.2.1"])
        },
    ];
    let items = vec![release("widget v2.0.0", 10)];
    let empty = TrendReport {
        weeks: 12,
        week_labels: vec![],
        test: String::new(),
        terms: vec![],
    };
    let r = score_stack(&stack, &items, &hits, &BTreeMap::new(), &empty, now()).remove(0);
    let reasons: Vec<&str> = r.signals.iter().map(|s| s.because.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "GHSA-aaaa (severity 7.5) affects 1.1.9, 1.2.0 (fixed in 1.2.1): upgrade",
            "widget 2.0.0 released 2026-11-15",
            "widget 2.0.0 is a new major (you run 1.2.0): trial the upgrade",
        ]
    );
    assert_eq!(r.rule, "score +0.11 between -0.20 and +0.40 → stay adopt");
}

#[test]
fn candidates_become_assess() {
    let mut t = rising("Bun");
    t.terms[0].tracked = false;
    t.terms[0].in_stack = false;
    let r = score_candidates(&t);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].ring, Some(Ring::Assess));
    assert_eq!(r[0].current, None);
    assert_eq!(r[0].quadrant, Quadrant::Tools);
    assert_eq!(r[0].signals[0].evidence, ["https://blog.example/1"]);
}

/// Registry facts about the version in use: stack.toml's version first,
/// else the lockfiles' (`locked`); a yanked or deprecated version weighs
/// −0.3 and names the newest good version; a good one says nothing.
#[test]
fn yanked_and_deprecated_versions_in_use_weigh_against() {
    let ctx = crate::sources::ParseContext {
        source: "crates.io/widget status".into(),
        package: Some("crates.io/widget".into()),
        ..Default::default()
    };
    let index = "{\"name\":\"widget\",\"vers\":\"1.2.0\",\"yanked\":true}\n{\"name\":\"widget\",\"vers\":\"1.3.0\",\"yanked\":false}\n";
    let items =
        crate::sources::registry::status::parse_crates_index(&ctx, index.as_bytes()).unwrap();
    let empty = TrendReport {
        weeks: 12,
        week_labels: vec![],
        test: String::new(),
        terms: vec![],
    };
    let tracked = |version: Option<&str>| {
        vec![Tracked {
            tech: tech(Ring::Adopt, version),
            current: Some(Ring::Adopt),
        }]
    };
    let mut locked = BTreeMap::new();
    locked.insert("crates.io/widget".to_string(), "1.2.0".to_string());
    let none = BTreeMap::new();
    // From the lockfiles.
    let r = score_tracked(&tracked(None), &items, &[], &none, &locked, &empty, now()).remove(0);
    assert_eq!(r.signals.len(), 1, "{:?}", r.signals);
    let s = &r.signals[0];
    assert_eq!((s.kind, s.weight), (SignalKind::Yanked, W_YANKED));
    assert_eq!(
        s.because,
        "widget 1.2.0 in use was yanked from crates.io; 1.3.0 is the newest good version"
    );
    assert_eq!(
        s.url.as_deref(),
        Some("https://crates.io/crates/widget/1.2.0")
    );
    assert_eq!(r.ring, Some(Ring::Trial), "−0.3 is one ring out");
    // stack.toml's version wins over the lockfiles'.
    let r = score_tracked(
        &tracked(Some("1.3.0")),
        &items,
        &[],
        &none,
        &locked,
        &empty,
        now(),
    )
    .remove(0);
    assert!(r.signals.is_empty(), "{:?}", r.signals);
    // No version known: nothing to judge.
    let r = score_tracked(
        &tracked(None),
        &items,
        &[],
        &none,
        &BTreeMap::new(),
        &empty,
        now(),
    )
    .remove(0);
    assert!(r.signals.is_empty());

    // npm's deprecated message, through the packument.
    let ctx = crate::sources::ParseContext {
        source: "widget npm".into(),
        package: Some("npm/widget".into()),
        ..Default::default()
    };
    let doc = r#"{"name":"widget","dist-tags":{"latest":"2.0.0"},
        "versions":{"1.0.0":{"deprecated":"no longer maintained, use gadget"},"2.0.0":{}},
        "time":{"1.0.0":"2020-01-01T00:00:00Z","2.0.0":"2020-06-01T00:00:00Z"}}"#;
    let items = crate::sources::npm::parse_packument(&ctx, doc.as_bytes()).unwrap();
    let mut npm = tech(Ring::Adopt, Some("1.0.0"));
    npm.package = Some("npm/widget".into());
    let r = score_tracked(
        &[Tracked {
            tech: npm,
            current: Some(Ring::Adopt),
        }],
        &items,
        &[],
        &none,
        &BTreeMap::new(),
        &empty,
        now(),
    )
    .remove(0);
    let d = r
        .signals
        .iter()
        .find(|s| s.kind == SignalKind::Deprecated)
        .expect("deprecated signal");
    assert_eq!(d.weight, W_DEPRECATED);
    assert_eq!(
        d.because,
        "widget 1.0.0 in use is deprecated on npm: \"no longer maintained, use gadget\"; 2.0.0 is the newest good version"
    );
}

#[test]
fn rules_speak_of_positions_in_a_custom_shape() {
    let shape = crate::shape::Shape::new(
        &["Techniques", "Tools", "Data & AI"],
        &["Use", "Try", "Watch", "Hold", "Retire"],
        None,
    )
    .unwrap();
    let r = |slug: &str| shape.ring(slug).unwrap();
    let trend = Signal {
        kind: SignalKind::Trend,
        weight: 0.2,
        because: "rising".into(),
        url: None,
        evidence: vec![],
    };
    // Forced and score-based hold go to the hold ring, not the outermost.
    assert_eq!(
        propose(&shape, Some(r("use")), 0.0, Some("unmaintained"), &[]).0,
        Some(r("hold"))
    );
    assert_eq!(
        propose(&shape, Some(r("try")), -0.6, None, &[]),
        (Some(r("hold")), "score -0.60 ≤ -0.50 → hold".into())
    );
    // Newcomers enter just inside hold.
    assert_eq!(
        propose(&shape, None, 0.2, None, &[trend]).0,
        Some(r("watch"))
    );
    // One ring out stops at hold; retire is a lead's call.
    assert_eq!(
        propose(&shape, Some(r("watch")), -0.3, None, &[]).0,
        Some(r("hold"))
    );
    let (ring, rule) = propose(&shape, Some(r("hold")), -0.3, None, &[]);
    assert_eq!(ring, Some(r("hold")));
    assert!(rule.contains("never proposes past hold"), "{rule}");
    assert_eq!(
        propose(&shape, Some(r("retire")), -0.3, None, &[]).0,
        Some(r("retire"))
    );
    // One ring in, never into the innermost.
    assert_eq!(
        propose(&shape, Some(r("retire")), 0.5, None, &[]).0,
        Some(r("hold"))
    );
    let (ring, rule) = propose(&shape, Some(r("try")), 0.5, None, &[]);
    assert_eq!(ring, Some(r("try")));
    assert!(rule.contains("never proposes use"), "{rule}");
}
