//! Radar entries end to end, through the real `radar` binary: update on an
//! index built from our own feed fixtures, idempotence checked with a real
//! git repository, hand edits surviving, review, path safety, and export /
//! import round trips (plus the real radars in ../shared when present).

use crate::harness::{self, TeamRadar, fixture, git_output, parse_json, row, strs};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-25T10:00:00Z";

/// `radar` run in the team's folder.
fn radar(dir: &Path) -> Command {
    let mut c = harness::radar(NOW);
    c.current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = radar(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "radar {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    parse_json(&run(dir, args))
}

/// A team radar in a temp dir: radar.toml, the test stack, and an index
/// of the fixture feeds.
fn team() -> TeamRadar {
    // Release feeds are sources bound to their package (a release of a
    // stack tech comes only from such a source); the blogs are ingested.
    let sources = std::fs::read_to_string(fixture("entries/releases/sources.toml"))
        .unwrap()
        .replace(
            "path = \"",
            &format!("path = \"{}/", fixture("entries").display()),
        );
    let dir = TeamRadar::new()
        .copy("stack.toml", fixture("entries/stack.toml"))
        .config(&sources);
    run(dir.path(), &["crawl"]);
    let feeds = fixture("entries/feeds");
    run(dir.path(), &["ingest", feeds.to_str().unwrap()]);
    dir
}

/// Every file under `dir` (but the index) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.ends_with("index") || p.ends_with(".git") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn entry_named<'a>(report: &'a Value, name: &str) -> &'a Value {
    row(&report["entries"], "name", name)
}

#[test]
fn update_proposes_with_reasons_and_a_second_run_changes_no_byte() {
    let team = team();
    let dir = team.path();
    let first = json(dir, &["update", "--json"]);
    let entries = first["entries"].as_array().unwrap();
    // Every [[tech]] plus the rising terms not in the stack.
    assert_eq!(entries.len(), 14, "{first:#}");
    assert!(entries.iter().all(|e| e["changed"] == true));

    let requests = entry_named(&first, "requests");
    assert_eq!(requests["ring"], "adopt");
    assert_eq!(requests["proposed"], "trial");
    assert_eq!(requests["pending"], "trial");
    assert_eq!(requests["score"], -0.3);
    assert_eq!(
        requests["reasons"][0],
        "no release since 2024-05-29 (requests 2.32.3); over 18 months"
    );
    let uv = entry_named(&first, "uv");
    assert_eq!(uv["ring"], Value::Null);
    assert_eq!(uv["proposed"], "assess");
    assert_eq!(uv["quadrant"], "tools");
    let axum = entry_named(&first, "axum");
    assert_eq!(
        axum["proposed"], "trial",
        "a new major alone does not move it"
    );
    assert_eq!(
        axum["reasons"],
        serde_json::json!([
            "axum 0.9.0 released 2026-11-12",
            "axum 0.9.0 is a new major (you run 0.8.4): trial the upgrade"
        ])
    );

    // A real git repository: the second update leaves `git diff` empty.
    std::fs::write(dir.join(".gitignore"), "index/\n").unwrap();
    assert!(git_output(dir, &["init", "-q"]).status.success());
    assert!(git_output(dir, &["add", "."]).status.success());
    assert!(
        git_output(dir, &["commit", "-qm", "first update"])
            .status
            .success()
    );
    let before = snapshot(dir);
    let second = json(dir, &["update", "--json"]);
    assert!(
        second["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["changed"] == false),
        "{second:#}"
    );
    assert_eq!(snapshot(dir), before);
    let diff = git_output(dir, &["status", "--porcelain"]);
    assert_eq!(
        String::from_utf8_lossy(&diff.stdout),
        "",
        "git sees changes"
    );
}

#[test]
fn hand_edits_of_ring_text_and_comments_survive_update() {
    let team = team();
    let dir = team.path();
    run(dir, &["update"]);
    let file = dir.join("entries/languages-and-frameworks/requests.md");
    let text = std::fs::read_to_string(&file).unwrap();
    // A lead moves it to hold by hand, explains why, and comments the ring.
    let edited = text.replace("ring = \"adopt\"", "ring = \"hold\"  # moving to httpx")
        + "We are replacing requests with httpx for async support.\n";
    std::fs::write(&file, &edited).unwrap();
    run(dir, &["update"]);
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("ring = \"hold\"  # moving to httpx\n"),
        "{after}"
    );
    assert!(after.ends_with("+++\nWe are replacing requests with httpx for async support.\n"));
    // Stale in hold: the tool now agrees, so nothing is pending.
    assert!(!after.contains("proposed ="), "{after}");
    // And a third run changes nothing.
    run(dir, &["update"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
}

#[test]
fn review_accept_and_reject() {
    let team = team();
    let dir = team.path();
    run(dir, &["update"]);
    let pending = json(dir, &["review", "list", "--json"]);
    let names = strs(&pending, "name");
    assert_eq!(names, ["python", "uv", "requests"]);
    let human = run(dir, &["review"]);
    assert!(
        human.contains("requests  adopt → trial  score -0.30"),
        "{human}"
    );
    assert!(
        human.contains("https://pypi.org/project/requests/2.32.3/"),
        "{human}"
    );

    let out = run(
        dir,
        &[
            "review",
            "accept",
            "requests",
            "--note",
            "agreed in arch review",
        ],
    );
    assert!(out.starts_with("requests: adopt → trial"), "{out}");
    let text =
        std::fs::read_to_string(dir.join("entries/languages-and-frameworks/requests.md")).unwrap();
    assert!(text.contains("ring = \"trial\""), "{text}");
    assert!(
        text.contains(
            "[[history]]\ndate = 2026-11-25\nring = \"trial\"\nfrom = \"adopt\"\nnote = \"agreed in arch review\"\n"
        ),
        "{text}"
    );

    let out = run(
        dir,
        &[
            "review",
            "reject",
            "Python",
            "--reason",
            "a language, not a tool",
        ],
    );
    assert!(out.contains("rejected assess"), "{out}");
    let text = std::fs::read_to_string(dir.join("entries/tools/python.md")).unwrap();
    assert!(text.contains("[[decision]]\ndate = 2026-11-25\nverdict = \"rejected\"\nproposed = \"assess\"\nevidence = [\"trend:\"]\nreason = \"a language, not a tool\"\n"), "{text}");

    // Update keeps both decisions; only uv is still pending.
    run(dir, &["update"]);
    let pending = json(dir, &["review", "list", "--json"]);
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending:#}");
    assert_eq!(pending[0]["name"], "uv");

    let out = radar(dir)
        .args(["review", "accept", "rust"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no entry named \"rust\"") && err.contains("pending: uv"),
        "{err}"
    );
}

#[test]
fn hostile_tech_names_write_only_under_entries() {
    let mut stack = String::new();
    for name in [
        "../../etc/passwd",
        "/tmp/evil",
        "..\\\\..\\\\boot.ini",
        "数据库 🦀",
        "\u{202e}fdp.exe",
        "NUL",
        ".hidden",
    ] {
        stack.push_str(&format!(
            "[[tech]]\nname = \"{name}\"\nquadrant = \"tools\"\nring = \"assess\"\n\n"
        ));
    }
    let dir = TeamRadar::new().stack(&stack);
    let root = dir.path();
    let report = json(root, &["update", "--json"]);
    assert_eq!(report["entries"].as_array().unwrap().len(), 7);
    let files: Vec<PathBuf> = snapshot(root).into_keys().collect();
    for f in &files {
        if f == Path::new("radar.toml") || f == Path::new("stack.toml") {
            continue;
        }
        assert!(f.starts_with("entries/tools"), "{} escaped", f.display());
        assert_eq!(f.components().count(), 3, "{}", f.display());
        let stem = f.file_stem().unwrap().to_str().unwrap();
        assert!(
            stem.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{stem}"
        );
    }
    assert_eq!(files.len(), 9, "{files:?}");
    // The names come back exactly as written.
    let back = json(root, &["update", "--json"]);
    let names = strs(&back["entries"], "name");
    assert!(names.contains(&"../../etc/passwd"), "{names:?}");
    assert!(names.contains(&"数据库 🦀"), "{names:?}");
}

#[test]
fn trends_rank_rising_terms() {
    let team = team();
    let t = json(team.path(), &["trends", "--json"]);
    assert_eq!(t["weeks"], 12);
    // The window ends with the last complete week: W48 is in progress.
    assert_eq!(t["week_labels"][11], "2026-W47");
    let terms = t["terms"].as_array().unwrap();
    assert_eq!(terms[0]["term"], "uv");
    assert_eq!(
        terms[0]["counts"],
        serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5])
    );
    assert_eq!(terms[0]["in_stack"], false);
    assert_eq!(terms[0]["direction"], "rising");
    assert_eq!(terms[0]["sources"], 2);
    assert!(terms[0]["p_value"].as_f64().unwrap() < 0.01);
    // Tracked terms are always listed, each with a direction.
    let k8s = row(&t["terms"], "term", "Kubernetes");
    assert_eq!(k8s["in_stack"], true);
    assert_eq!(
        k8s["direction"], "steady",
        "steady mentions do not rise: {k8s}"
    );
    assert_eq!(k8s["rising"], false);
    assert!(
        terms
            .iter()
            .all(|t| t["tracked"] == true || t["rising"] == true)
    );
    let human = run(team.path(), &["trends"]);
    assert!(human.contains("uv"), "{human}");
    assert!(human.contains("2026-W48 is in progress"), "{human}");
    assert!(
        !human.contains("Kubernetes"),
        "steady terms need --all: {human}"
    );
    assert!(
        human.contains("new: `radar update` proposes assess"),
        "{human}"
    );
    assert!(run(team.path(), &["trends", "--all"]).contains("Kubernetes"));
    // `--week` moves the window: nothing about uv before W45.
    let old = json(team.path(), &["trends", "--json", "--week", "2026-W44"]);
    assert_eq!(old["week_labels"][11], "2026-W44");
    assert!(row_opt(&old["terms"], "uv").is_none(), "{old:#}");
}

fn row_opt<'a>(rows: &'a Value, term: &str) -> Option<&'a Value> {
    rows.as_array()?.iter().find(|r| r["term"] == term)
}

/// (name, ring, quadrant) of every placed entry, sorted.
fn placed(dir: &Path) -> Vec<(String, String, String)> {
    let report = json(dir, &["update", "--json"]);
    let mut out: Vec<(String, String, String)> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["ring"].is_null())
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["ring"].as_str().unwrap().to_string(),
                e["quadrant"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn empty_radar() -> TeamRadar {
    TeamRadar::new().stack("")
}

#[test]
fn export_then_import_round_trips_every_format() {
    let team = team();
    let dir = team.path();
    run(dir, &["update"]);
    run(dir, &["review", "accept", "requests"]);
    run(dir, &["review", "accept", "uv"]);
    let want = placed(dir);
    assert!(want.contains(&("uv".into(), "assess".into(), "tools".into())));
    for format in ["byor-csv", "byor-json", "zalando", "backstage", "aoe"] {
        let out_dir = tempfile::tempdir().unwrap();
        let out = if format == "aoe" {
            out_dir.path().join("radar")
        } else {
            out_dir.path().join(format!(
                "radar.{}",
                if format == "byor-csv" { "csv" } else { "json" }
            ))
        };
        run(
            dir,
            &["export", "--format", format, "--out", out.to_str().unwrap()],
        );
        let fresh = empty_radar();
        let report = json(fresh.path(), &["import", out.to_str().unwrap(), "--json"]);
        assert_eq!(
            report["skipped"],
            serde_json::json!([]),
            "{format}: {report:#}"
        );
        assert_eq!(placed(fresh.path()), want, "{format}");
    }
}

#[test]
fn export_shapes_are_what_the_viewers_read() {
    let team = team();
    let dir = team.path();
    run(dir, &["update"]);
    run(dir, &["review", "accept", "requests"]);
    let csv = run(dir, &["export", "--format", "byor-csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("name,ring,quadrant,isNew,status,description")
    );
    assert!(
        csv.contains("\nrequests,Trial,Languages & Frameworks,FALSE,Moved Out,\n"),
        "{csv}"
    );
    assert!(
        csv.contains("\nGitHub Actions,Adopt,Tools,FALSE,No Change,\n"),
        "{csv}"
    );
    assert!(
        !csv.contains("\nuv,"),
        "unplaced proposals are not exported"
    );

    let z: Value = serde_json::from_str(&run(dir, &["export", "--format", "zalando"])).unwrap();
    let req = row(&z["entries"], "label", "requests");
    assert_eq!(req["quadrant"], 3);
    assert_eq!(req["ring"], 1);
    assert_eq!(req["moved"], -1);
    assert_eq!(z["rings"][3]["name"], "HOLD");

    let b: Value = serde_json::from_str(&run(dir, &["export", "--format", "backstage"])).unwrap();
    let req = row(&b["entries"], "title", "requests");
    assert_eq!(req["quadrant"], "languages-and-frameworks");
    assert_eq!(req["timeline"][0]["ringId"], "trial");
    assert_eq!(req["timeline"][0]["moved"], -1);
    assert_eq!(req["timeline"][0]["date"], "2026-11-25T00:00:00.000Z");

    let out = radar(dir)
        .args(["export", "--format", "aoe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "aoe needs --out");
}

#[test]
fn aoe_radar_import_reproduces_ring_history() {
    let radars = fixtures_or_skip!("radars");
    let fresh = empty_radar();
    let dir = fresh.path();
    let report = json(
        dir,
        &["import", radars.join("aoe").to_str().unwrap(), "--json"],
    );
    assert_eq!(report["format"], "aoe");
    assert_eq!(report["skipped"], serde_json::json!([]), "{report:#}");
    // 528 blips over 9 releases are 249 distinct technologies.
    assert_eq!(report["imported"].as_array().unwrap().len(), 249);
    let docker = std::fs::read_to_string(dir.join("entries/platforms/docker.md")).unwrap();
    // Two AOE items titled "Flow" stay two entries.
    let flow = std::fs::read_to_string(dir.join("entries/tools/flowtype.md")).unwrap();
    assert!(
        flow.starts_with("+++\nname = \"Flow (flowtype)\"\n"),
        "{flow}"
    );
    assert!(
        docker.contains(
            "[[history]]\ndate = 2017-03-01\nring = \"assess\"\n\n[[history]]\ndate = 2018-03-01\nring = \"adopt\"\nfrom = \"assess\"\n"
        ),
        "{docker}"
    );
    // Importing again adds nothing and overwrites nothing.
    let before = snapshot(dir);
    let again = json(
        dir,
        &["import", radars.join("aoe").to_str().unwrap(), "--json"],
    );
    assert_eq!(again["imported"], serde_json::json!([]));
    assert_eq!(snapshot(dir), before);

    // AOE out, AOE in: the history survives the round trip.
    let out = tempfile::tempdir().unwrap();
    run(
        dir,
        &[
            "export",
            "--format",
            "aoe",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    let docker_2018 = std::fs::read_to_string(out.path().join("2018-03-01/docker.md")).unwrap();
    assert!(docker_2018.starts_with("---\ntitle: Docker\nring: adopt\nsegment: platforms\n---\n"));
    let second = empty_radar();
    run(second.path(), &["import", out.path().to_str().unwrap()]);
    let docker2 =
        std::fs::read_to_string(second.path().join("entries/platforms/docker.md")).unwrap();
    assert_eq!(docker2, docker);
}

#[test]
fn real_byor_zalando_and_backstage_radars_import() {
    let radars = fixtures_or_skip!("radars");
    for (file, format, imported, skipped) in [
        ("byor-sheet.csv", "byor-csv", 36, 2),
        ("byor-data.json", "byor-json", 36, 2),
        ("byor-local.csv", "byor-csv", 99, 0),
        ("byor-local.json", "byor-json", 4, 0),
        ("zalando-config.json", "zalando", 81, 0),
        ("backstage-sample.json", "backstage", 9, 0),
    ] {
        let fresh = empty_radar();
        let r = json(
            fresh.path(),
            &["import", radars.join(file).to_str().unwrap(), "--json"],
        );
        assert_eq!(r["format"], format, "{file}");
        assert_eq!(
            r["imported"].as_array().unwrap().len(),
            imported,
            "{file}: {r:#}"
        );
        assert_eq!(
            r["skipped"].as_array().unwrap().len(),
            skipped,
            "{file}: {r:#}"
        );
    }
    // The BYOR sheet's duplicate rows are named.
    let fresh = empty_radar();
    let r = json(
        fresh.path(),
        &[
            "import",
            radars.join("byor-sheet.csv").to_str().unwrap(),
            "--json",
        ],
    );
    let dup = strs(&r["skipped"], "name");
    assert_eq!(dup, ["Delta Lake", "Databricks Overwatch"]);
    // A Backstage timeline becomes history, oldest first.
    let fresh = empty_radar();
    run(
        fresh.path(),
        &[
            "import",
            radars.join("backstage-sample.json").to_str().unwrap(),
        ],
    );
    let ts = std::fs::read_to_string(
        fresh
            .path()
            .join("entries/languages-and-frameworks/typescript.md"),
    )
    .unwrap();
    assert!(
        ts.contains("[[history]]\ndate = 2020-08-06\nring = \"adopt\"\n"),
        "{ts}"
    );
}

#[test]
fn the_embedded_default_radar_loads_and_update_keeps_its_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("radar");
    let cfg = techradar::config::load_radar(&root.join("radar.toml")).expect("radar.toml parses");
    assert!(cfg.sources.len() >= 10);
    let stack = techradar::config::load_stack(&cfg.stack_path).expect("stack.toml parses");
    for name in [
        "tokio", "axum", "serde", "hyper", "React", "Vite", "Django", "requests",
    ] {
        assert!(stack.techs.iter().any(|t| t.name == name), "{name} missing");
    }
    let entries = techradar::radar::load_entries(&cfg.entries_path).unwrap();
    assert_eq!(entries.len(), 5);

    // A copy of it, updated against an empty index, keeps every hand-written
    // line and adds the rest of the stack.
    let mut team = TeamRadar::new().copy("stack.toml", root.join("stack.toml"));
    let mut originals = Vec::new();
    for e in &entries {
        let rel = e.file.clone().unwrap();
        let text = std::fs::read_to_string(root.join("entries").join(&rel)).unwrap();
        team = team.entry(&rel, &text);
        originals.push((rel, text));
    }
    let copy = team.path();
    let report = json(copy, &["update", "--json"]);
    assert_eq!(
        report["entries"].as_array().unwrap().len(),
        stack.techs.len()
    );
    for (rel, text) in originals {
        let after = std::fs::read_to_string(copy.join("entries").join(&rel)).unwrap();
        let (_, body) = text.split_once("\n+++\n").unwrap();
        assert!(
            after.ends_with(&format!("\n+++\n{body}")),
            "{}",
            rel.display()
        );
        for line in text
            .lines()
            .filter(|l| l.starts_with("ring") || l.starts_with("note"))
        {
            assert!(after.contains(line), "{}: lost {line:?}", rel.display());
        }
    }
}

#[test]
fn audit_findings_become_hold_proposals() {
    let team = team();
    let dir = team.path();
    let advisories = fixture("entries/advisories");
    run(dir, &["ingest", advisories.to_str().unwrap()]);
    let report = json(dir, &["update", "--json"]);
    let tokio = entry_named(&report, "tokio");
    assert_eq!(tokio["pending"], "hold");
    assert_eq!(
        tokio["rule"],
        "TEST-2026-0001: unfixed, severity 9.8 ≥ 7.0 → hold"
    );
    assert_eq!(
        tokio["reasons"][0],
        "TEST-2026-0001 (severity 9.8) affects 1.38.0 (no fixed release)"
    );
    let hyper = entry_named(&report, "hyper");
    assert_eq!(hyper["pending"], "hold");
    assert_eq!(hyper["rule"], "TEST-2026-0002: unmaintained → hold");
    // An acknowledged advisory ([[ignore]] in stack.toml) no longer counts.
    let stack = std::fs::read_to_string(dir.join("stack.toml")).unwrap();
    std::fs::write(
        dir.join("stack.toml"),
        format!("{stack}\n[[ignore]]\nid = \"CVE-2026-99001\"\nreason = \"not reachable from our code\"\n"),
    )
    .unwrap();
    let report = json(dir, &["update", "--json"]);
    assert_eq!(entry_named(&report, "tokio")["pending"], Value::Null);
}

#[test]
fn lockfiles_in_the_stack_count_as_usage() {
    let team = team();
    let dir = team.path();
    for sub in ["api", "worker"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::write(
            dir.join(sub).join("Cargo.lock"),
            "version = 3\n\n[[package]]\nname = \"tokio\"\nversion = \"1.38.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
        )
        .unwrap();
    }
    let stack = std::fs::read_to_string(dir.join("stack.toml")).unwrap();
    std::fs::write(
        dir.join("stack.toml"),
        format!("{stack}\n[[lockfile]]\npath = \"api/Cargo.lock\"\n\n[[lockfile]]\npath = \"worker/Cargo.lock\"\n"),
    )
    .unwrap();
    let report = json(dir, &["update", "--json"]);
    let tokio = entry_named(&report, "tokio");
    assert_eq!(
        tokio["reasons"],
        serde_json::json!(["tokio 1.47.1 released 2026-11-23", "used in 2 services"])
    );
    assert_eq!(tokio["score"], 0.2);
}
