//! End-to-end tests of the spine: ingest, crawl over loopback HTTP, search,
//! config errors and the demo, all through the real `radar` binary.

use crate::harness::{fixture, radar, stdout_json};
use assert_cmd::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NOW: &str = "2026-11-25T12:00:00Z";

#[test]
fn every_fixture_feed_is_ingested_and_the_invalid_one_reported() {
    let feeds = fixtures_or_skip!("feeds");
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = radar(NOW)
        .args(["--index", index.to_str().unwrap(), "ingest", "--json"])
        .arg(&feeds)
        .output()
        .unwrap();
    // One feed in the folder is broken: the run fails, the rest lands.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = stdout_json(&out);
    let errors = first["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("rss_2.0_invalid_1.xml")
    );
    let files = std::fs::read_dir(&feeds).unwrap().count() as u64;
    assert_eq!(first["files"].as_u64(), Some(files));
    let new = first["items_new"].as_u64().unwrap();
    assert!(new > 400, "only {new} items from {files} feeds");

    let again = stdout_json(
        &radar(NOW)
            .args(["--index", index.to_str().unwrap(), "ingest", "--json"])
            .arg(&feeds)
            .output()
            .unwrap(),
    );
    assert_eq!(
        again["items_new"], 0,
        "a second ingest must not add documents"
    );
    assert_eq!(again["items_updated"], 0);

    let hits = stdout_json(
        &radar(NOW)
            .args([
                "--index",
                index.to_str().unwrap(),
                "search",
                "security",
                "--json",
            ])
            .output()
            .unwrap(),
    );
    assert!(hits["total"].as_u64().unwrap() > 0);
    let first_hit = &hits["hits"][0];
    assert!(!first_hit["snippet"].as_str().unwrap().is_empty());
    for key in [
        "id",
        "kind",
        "source",
        "title",
        "url",
        "published",
        "packages",
        "score",
    ] {
        assert!(first_hit.get(key).is_some(), "hit lacks {key}");
    }
}

fn write_config(dir: &Path, server: &MockServer) -> PathBuf {
    let cfg = dir.join("radar.toml");
    std::fs::write(
        &cfg,
        format!(
            "[index]\npath = \"idx\"\n\n[[source]]\nname = \"widgets\"\nurl = \"{}/widgets.xml\"\npackage = \"npm/widget\"\n",
            server.uri()
        ),
    )
    .unwrap();
    cfg
}

fn crawl_json(cfg: &Path) -> (Value, i32) {
    let out = radar(NOW)
        .args(["--config", cfg.to_str().unwrap(), "crawl", "--json"])
        .output()
        .unwrap();
    (stdout_json(&out), out.status.code().unwrap_or(-1))
}

#[tokio::test(flavor = "multi_thread")]
async fn crawl_indexes_once_and_updates_changed_items_in_place() {
    let server = MockServer::start().await;
    let v1 = include_str!("../fixtures/widgets-v1.xml");
    Mock::given(method("GET"))
        .and(path("/widgets.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(v1, "application/rss+xml"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &server);

    let (first, code) = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        move || crawl_json(&cfg)
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{first}");
    assert_eq!(first["totals"]["items_new"], 3);
    assert_eq!(first["sources"][0]["status"], "fetched");

    let (second, _) = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        move || crawl_json(&cfg)
    })
    .await
    .unwrap();
    assert_eq!(second["totals"]["items_new"], 0);
    assert_eq!(second["totals"]["items_updated"], 0);

    server.reset().await;
    let v2 = v1.replace(
        "Adds async rendering and drops the legacy canvas backend.",
        "Adds async rendering. The legacy canvas backend stays until 4.0.",
    );
    Mock::given(method("GET"))
        .and(path("/widgets.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(v2, "application/rss+xml"))
        .mount(&server)
        .await;
    let (third, _) = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        move || crawl_json(&cfg)
    })
    .await
    .unwrap();
    assert_eq!(third["totals"]["items_new"], 0);
    assert_eq!(third["totals"]["items_updated"], 1);

    let hits = stdout_json(
        &radar(NOW)
            .args([
                "--config",
                cfg.to_str().unwrap(),
                "search",
                "canvas",
                "--json",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(
        hits["total"], 1,
        "the changed item replaced the old one: {hits}"
    );
    assert!(hits["hits"][0]["title"].as_str().unwrap().contains("3.1.0"));
    assert_eq!(hits["hits"][0]["packages"][0], "npm/widget");
}

#[test]
fn config_errors_name_file_line_and_field_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("radar.toml");
    std::fs::write(
        &cfg,
        "[crawl]\nconcurrency = 4\n\n[[source]]\nname = \"tokio releases\"\nurll = \"https://example.org/feed\"\n",
    )
    .unwrap();
    let out = radar(NOW)
        .args(["--config", cfg.to_str().unwrap(), "crawl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("radar.toml:6:1: unknown field \"urll\"")
            && err.contains("in [[source]] \"tokio releases\""),
        "{err}"
    );

    std::fs::write(&cfg, "[crawl]\nper_host = \"two\"\n").unwrap();
    let out = radar(NOW)
        .args(["--config", cfg.to_str().unwrap(), "crawl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("radar.toml:2:12:") && err.contains("in [crawl]"),
        "{err}"
    );

    let missing = dir.path().join("nope.toml");
    let out = radar(NOW)
        .args(["--config", missing.to_str().unwrap(), "crawl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope.toml: cannot read") && err.contains("radar init"),
        "{err}"
    );

    let empty = tempfile::tempdir().unwrap();
    let out = radar(NOW)
        .current_dir(empty.path())
        .args(["crawl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no radar.toml anywhere");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no radar.toml found"));
}

#[test]
fn invalid_query_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = radar(NOW)
        .args([
            "--index",
            index.to_str().unwrap(),
            "search",
            "title:(unclosed",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid query"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let out = radar(NOW)
        .args([
            "--index",
            index.to_str().unwrap(),
            "search",
            "x",
            "--since",
            "soon",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("30d"));
}

#[test]
fn search_filters_by_kind_source_and_since() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let fixture = fixture("widgets-v1.xml");
    radar(NOW)
        .args(["--index", index.to_str().unwrap(), "ingest"])
        .arg(&fixture)
        .assert()
        .success();
    let search = |extra: &[&str]| {
        let mut c = radar(NOW);
        c.args([
            "--index",
            index.to_str().unwrap(),
            "search",
            "widget",
            "--json",
        ]);
        c.args(extra);
        stdout_json(&c.output().unwrap())
    };
    assert_eq!(search(&[])["total"], 3);
    assert_eq!(search(&["--kind", "release"])["total"], 2);
    assert_eq!(search(&["--kind", "article"])["total"], 1);
    // NOW is 2026-11-25: only the 16 Nov release is within 10 days.
    assert_eq!(search(&["--since", "10d"])["total"], 1);
    assert_eq!(search(&["--since", "2026-11-01"])["total"], 2);
    assert_eq!(search(&["--source", "widgets-v1.xml"])["total"], 3);
    assert_eq!(search(&["--source", "elsewhere"])["total"], 0);
    let newest = search(&["--limit", "1"]);
    assert_eq!(newest["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn demo_runs_end_to_end_and_leaves_a_working_radar() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("demo");
    let out = radar(NOW)
        .args(["demo", "--keep", keep.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Everything is in"), "{stdout}");
    for f in [
        "radar.toml",
        "stack.toml",
        "entries",
        "index",
        "feeds",
        "lockfiles",
    ] {
        assert!(keep.join(f).exists(), "demo left no {f}");
    }
    // NOW is Wednesday 2026-11-25: the last complete week is W47.
    let digest = keep.join("digests/digest-2026-W47.html");
    assert!(
        stdout.contains(&format!("Open the digest: {}", digest.display())),
        "{stdout}"
    );
    let html = std::fs::read_to_string(&digest).unwrap();
    assert!(
        html.contains("Action needed") && html.contains("<svg"),
        "digest lacks sections"
    );
    assert!(
        stdout.contains("yaml-rust  adopt → hold"),
        "proposals printed: {stdout}"
    );
    assert!(
        stdout.contains("4 vulnerabilities, 1 warnings"),
        "audit printed: {stdout}"
    );
    let cfg = keep.join("radar.toml");
    let hits = stdout_json(
        &radar(NOW)
            .args(["--config", cfg.to_str().unwrap(), "search", "uv", "--json"])
            .output()
            .unwrap(),
    );
    assert!(hits["total"].as_u64().unwrap() >= 3, "{hits}");
}

#[test]
fn init_scaffolds_a_radar_that_loads_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team-radar");
    radar(NOW)
        .args(["init", team.to_str().unwrap()])
        .assert()
        .success();
    assert!(team.join("entries").is_dir());
    let toml = std::fs::read_to_string(team.join("radar.toml")).unwrap();
    assert!(toml.contains("path = \"index\""));
    // The scaffold is valid: search works against it (empty index).
    radar(NOW)
        .args([
            "--config",
            team.join("radar.toml").to_str().unwrap(),
            "search",
            "tokio",
        ])
        .assert()
        .success();
    let out = radar(NOW)
        .args(["init", team.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwrites"));
}

#[test]
fn documentation_in_a_walked_folder_is_skipped_quietly_but_named_files_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("README.md"),
        "# Our feeds\nNothing to index here.\n",
    )
    .unwrap();
    std::fs::copy(fixture("widgets-v1.xml"), input.join("widgets.xml")).unwrap();
    let index = dir.path().join("index");
    std::fs::write(input.join("LICENSE.txt"), "MIT\n").unwrap();
    let out = radar(NOW)
        .args(["--index", index.to_str().unwrap(), "ingest", "--json"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let walked = stdout_json(&out);
    assert_eq!(walked["files"], 1, "{walked}");
    assert_eq!(walked["errors"].as_array().unwrap().len(), 0, "{walked}");
    let out = radar(NOW)
        .args(["--index", index.to_str().unwrap(), "ingest", "--json"])
        .arg(input.join("README.md"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a named file that is not input fails"
    );
    let named = stdout_json(&out);
    assert_eq!(
        named["errors"].as_array().unwrap().len(),
        1,
        "a file named on the command line is reported"
    );
}

/// `radar ingest garbage.xml` in a CI step must fail the step, and say
/// which file and why; a good file beside it still lands.
#[test]
fn a_named_file_that_fails_to_parse_exits_1_and_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.xml");
    std::fs::write(&garbage, "<rss><channel><item><title>half").unwrap();
    let index = dir.path().join("index");
    let out = radar(NOW)
        .args(["--index", index.to_str().unwrap(), "ingest"])
        .arg(&garbage)
        .arg(fixture("widgets-v1.xml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed ") && stderr.contains("garbage.xml"),
        "{stderr}"
    );
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(
        !stdout.contains(" 0 new"),
        "the good file still lands: {stdout}"
    );
}
