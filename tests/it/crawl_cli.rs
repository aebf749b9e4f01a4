//! `radar crawl` as a user meets it: the single-writer lock and `--wait`,
//! the summary (human, `-q`, `--json` keys), local `path` sources and the
//! npm registry kind. Real binary, real index, servers on 127.0.0.1.

use crate::harness::{FAST, NOW, Run, crawl_radar, index_fingerprint, rss, source};
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn feed_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_string(rss("ok", 2)))
        .mount(&server)
        .await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(410))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn second_writer_fails_at_once_with_exit_2_naming_the_holder() {
    let server = feed_server().await;
    let radar = crawl_radar(FAST, &source("ok", &format!("{}/ok", server.uri()), ""));
    let index = techradar::index::RadarIndex::open_or_create(&radar.index()).unwrap();
    let writer = index.writer().unwrap();

    let crawl = Run::of(radar.command(NOW, &["crawl"]).output().unwrap());
    assert_eq!(crawl.code, 2, "{}", crawl.stderr);
    assert!(
        crawl.stderr.contains("is locked by another writer")
            && crawl
                .stderr
                .contains(&format!("pid {}", std::process::id()))
            && crawl.stderr.contains("--wait"),
        "{}",
        crawl.stderr
    );
    let feed = radar.path().join("a.xml");
    std::fs::write(&feed, rss("local", 1)).unwrap();
    let ingest = Run::of(
        radar
            .command(NOW, &["ingest", feed.to_str().unwrap()])
            .output()
            .unwrap(),
    );
    assert_eq!(ingest.code, 2);
    assert!(ingest.stderr.contains("is locked"), "{}", ingest.stderr);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing is fetched without the lock"
    );
    drop(writer);
}

#[tokio::test]
async fn wait_flag_waits_for_the_lock_then_crawls() {
    let server = feed_server().await;
    let radar = crawl_radar(FAST, &source("ok", &format!("{}/ok", server.uri()), ""));
    let index = techradar::index::RadarIndex::open_or_create(&radar.index()).unwrap();
    let writer = index.writer().unwrap();

    let mut child = radar
        .command(NOW, &["crawl", "--wait", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the child to say it is waiting: an event, not a delay.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "exited without waiting: {said}"
        );
        said.push_str(&line);
        if line.contains("waiting for it (--wait") {
            break;
        }
    }
    assert!(said.contains("is locked by another writer"), "{said}");
    drop(writer);

    let status = child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(
        !rest.contains("waiting"),
        "the waiting message is printed once: {rest}"
    );
    assert_eq!(status.code(), Some(0), "{out}{rest}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["totals"]["fetched"], 1);
}

#[tokio::test]
async fn json_summary_keeps_the_design_keys() {
    let server = feed_server().await;
    let radar = crawl_radar(
        FAST,
        &(source("ok", &format!("{}/ok", server.uri()), "")
            + &source("gone", &format!("{}/gone", server.uri()), "")),
    );
    let run = radar.crawl();
    assert_eq!(run.code, 1);
    for row in run.json["sources"].as_array().unwrap() {
        for key in [
            "name",
            "url",
            "status",
            "items_new",
            "items_updated",
            "error",
            "next_attempt",
            "consecutive_failures",
            "attempts",
        ] {
            assert!(row.get(key).is_some(), "source row lacks {key}: {row}");
        }
    }
    for key in [
        "fetched",
        "not_modified",
        "failed",
        "items_new",
        "items_updated",
        "backing_off",
    ] {
        assert!(run.json["totals"].get(key).is_some(), "totals lack {key}");
    }
    assert_eq!(run.json["interrupted"], false);
    assert_eq!(run.source("ok")["url"], format!("{}/ok", server.uri()));
    assert!(run.source("ok")["error"].is_null());
}

#[tokio::test]
async fn human_summary_shows_what_matters_and_no_progress_when_piped() {
    let server = feed_server().await;
    let radar = crawl_radar(
        FAST,
        &(source("ok", &format!("{}/ok", server.uri()), "")
            + &source("gone", &format!("{}/gone", server.uri()), "")),
    );
    let run = Run::of(radar.command(NOW, &["crawl"]).output().unwrap());
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0], "fetched      ok (2 new, 0 updated)");
    assert!(
        lines[1].starts_with("FAILED       gone: ")
            && lines[1].contains("HTTP 410 Gone (not retried)")
            && lines[1].ends_with("; next attempt after 2026-11-23 08:15 UTC"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "2 sources: 1 fetched, 0 not modified, 1 failed; 2 new items, 0 updated"
    );
    assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'));
    assert!(
        run.stderr.is_empty(),
        "no progress bar when piped: {}",
        run.stderr
    );

    // -q: failures and the totals only; unchanged sources stay quiet.
    let quiet = Run::of(
        radar
            .command("2026-11-23T09:00:00Z", &["-q", "crawl"])
            .output()
            .unwrap(),
    );
    let lines: Vec<&str> = quiet.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", quiet.stdout);
    assert!(lines[0].starts_with("FAILED       gone: "));
    assert_eq!(
        lines[1],
        "2 sources: 1 fetched, 0 not modified, 1 failed; 0 new items, 0 updated"
    );
}

#[test]
fn path_source_is_read_and_unchanged_file_costs_nothing() {
    let radar = crawl_radar(
        FAST,
        "[[source]]\nname = \"local\"\npath = \"feeds/a.xml\"\n",
    );
    let feeds = radar.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    std::fs::write(feeds.join("a.xml"), rss("local", 2)).unwrap();

    let first = radar.crawl();
    assert_eq!(first.code, 0, "{}", first.stdout);
    assert_eq!(first.status("local"), "fetched");
    assert_eq!(first.source("local")["items_new"], 2);
    assert!(
        first.source("local")["url"]
            .as_str()
            .unwrap()
            .ends_with("feeds/a.xml")
    );

    let before = index_fingerprint(&radar.index());
    let second = radar.crawl();
    assert_eq!(second.status("local"), "not_modified");
    assert_eq!(index_fingerprint(&radar.index()), before);

    std::fs::write(feeds.join("a.xml"), rss("local", 3)).unwrap();
    let third = radar.crawl();
    assert_eq!(third.status("local"), "fetched");
    assert_eq!(third.source("local")["items_new"], 1);
    assert_eq!(third.source("local")["items_unchanged"], 2);

    std::fs::remove_file(feeds.join("a.xml")).unwrap();
    let gone = radar.crawl_at("2026-11-24T08:00:00Z");
    assert_eq!(gone.code, 1);
    assert!(
        gone.error("local").contains("cannot read"),
        "{}",
        gone.error("local")
    );
}

#[tokio::test]
async fn npm_registry_json_becomes_release_items() {
    let packument = r#"{"name":"left-pad","description":"pad","dist-tags":{"latest":"1.3.0"},
      "versions":{"1.2.0":{},"1.3.0":{}},
      "time":{"created":"2014-03-14T00:00:00Z","modified":"2018-04-09T00:00:00Z",
              "1.2.0":"2017-11-11T00:00:00Z","1.3.0":"2018-04-09T00:00:00Z"}}"#;
    let server = MockServer::start().await;
    Mock::given(path("/left-pad"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(packument),
        )
        .mount(&server)
        .await;
    let radar = crawl_radar(
        FAST,
        &source(
            "left-pad",
            &format!("{}/left-pad", server.uri()),
            "kind = \"npm\"\npackage = \"npm/left-pad\"",
        ),
    );
    let run = radar.crawl();
    assert_eq!(run.code, 0, "{}", run.stdout);
    // Two releases, and the packument's status item (deprecated versions).
    assert_eq!(run.source("left-pad")["items_new"], 3);
    let mut items = radar.items();
    items.retain(|i| i.kind == techradar::model::ItemKind::Release);
    assert_eq!(items.len(), 2);
    items.sort_by(|a, b| a.title.cmp(&b.title));
    assert_eq!(items[1].title, "left-pad 1.3.0");
    assert_eq!(items[1].kind, techradar::model::ItemKind::Release);
    assert_eq!(items[1].packages, ["npm/left-pad"]);
    assert_eq!(items[1].tags, ["latest"]);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs[0].headers.get("accept").unwrap(),
        "application/json",
        "the full packument: the abbreviated one has no times"
    );
}

#[tokio::test]
async fn state_lives_beside_the_index_and_no_temp_file_is_left() {
    let server = feed_server().await;
    let radar = crawl_radar(FAST, &source("ok", &format!("{}/ok", server.uri()), ""));
    radar.crawl();
    let state = radar.state();
    assert_eq!(state["sources"]["ok"]["consecutive_failures"], 0);
    assert_eq!(
        state["sources"]["ok"]["last_success"],
        "2026-11-23T08:00:00Z"
    );
    let leftovers: Vec<String> = std::fs::read_dir(radar.index())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
