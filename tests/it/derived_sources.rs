//! Release sources derived from the stack (`[crawl] track`), crawled from
//! one loopback server standing in for every registry through
//! `[registries]`, and `crawl --dry-run`, which lists them and fetches
//! nothing. The same server answers crates.io's sparse index and PyPI's
//! JSON API (which versions are yanked) and npm's `deprecated`, our own
//! sample documents, so yanked and deprecated versions in use become
//! signals on their entries.

use crate::harness::{FAST, Server, TeamRadar, crawl_radar, respond, row, strs};
use serde_json::Value;

/// A `[[tech]]` for `package`, ring adopt.
fn tech(name: &str, package: &str) -> String {
    format!(
        "[[tech]]\nname = \"{name}\"\nquadrant = \"languages-and-frameworks\"\nring = \"adopt\"\npackage = \"{package}\"\n\n"
    )
}

/// One package per registry we read.
fn stack() -> String {
    [
        ("serde", "crates.io/serde"),
        ("requests", "PyPI/requests"),
        ("react", "npm/react"),
        ("rails", "RubyGems/rails"),
        ("monolog", "Packagist/monolog/monolog"),
        (
            "jackson",
            "Maven/com.fasterxml.jackson.core:jackson-databind",
        ),
        ("cobra", "Go/github.com/spf13/cobra"),
        ("Newtonsoft.Json", "NuGet/Newtonsoft.Json"),
        ("phoenix", "Hex/phoenix"),
        ("http", "Pub/http"),
    ]
    .iter()
    .map(|(n, p)| tech(n, p))
    .collect()
}

fn registries(server: &Server) -> String {
    let mut s = String::from("[registries]\n");
    for key in [
        "crates-io",
        "pypi",
        "npm",
        "rubygems",
        "packagist",
        "maven",
        "go",
        "nuget",
        "hex",
        "pub",
    ] {
        s.push_str(&format!(
            "{key} = \"{}\"\n",
            server.url(&format!("/{key}/"))
        ));
    }
    s
}

fn rss(name: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{name}</title>\
         <item><title>{name} 2.0.0</title><link>https://example.org/{name}/2.0.0</link>\
         <guid>{name}-2.0.0</guid><pubDate>Tue, 17 Nov 2026 10:00:00 GMT</pubDate></item>\
         <item><title>{name} 1.9.0</title><link>https://example.org/{name}/1.9.0</link>\
         <guid>{name}-1.9.0</guid><pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate></item>\
         </channel></rss>"
    )
}

/// What each registry answers, by path; None is a 404.
fn registry_body(path: &str) -> Option<String> {
    Some(match path {
        "/crates-io/rss/crates/serde.xml" => rss("serde"),
        // The index has no dates and no yank reasons; lines oldest first.
        "/crates-io/index/se/rd/serde" => concat!(
            "{\"name\":\"serde\",\"vers\":\"1.9.0\",\"deps\":[],\"yanked\":false}\n",
            "{\"name\":\"serde\",\"vers\":\"1.9.1\",\"deps\":[],\"yanked\":true}\n",
            "{\"name\":\"serde\",\"vers\":\"2.0.0\",\"deps\":[],\"yanked\":false}\n"
        )
        .into(),
        "/pypi/pypi/requests/json" => r#"{"info":{"name":"requests","version":"2.0.0"},
            "releases":{"1.9.0":[{"filename":"requests-1.9.0.tar.gz","yanked":true,
                "yanked_reason":"leaks credentials on redirect"}],
              "2.0.0":[{"filename":"requests-2.0.0.tar.gz","yanked":false}]}}"#
            .into(),
        "/pypi/rss/project/requests/releases.xml" => rss("requests"),
        "/npm/react" => r#"{"name":"react","dist-tags":{"latest":"19.0.0"},
            "versions":{"19.0.0":{},"18.3.1":{"deprecated":"18.3.1 breaks hydration, use 19"}},
            "time":{"19.0.0":"2026-11-16T00:00:00Z","18.3.1":"2026-04-01T00:00:00Z"}}"#
            .into(),
        "/rubygems/api/v1/versions/rails.json" => r#"[
            {"number":"8.1.0","platform":"ruby","created_at":"2026-11-18T00:00:00.000Z","prerelease":false},
            {"number":"8.0.3","platform":"ruby","created_at":"2026-09-01T00:00:00.000Z","prerelease":false}]"#
            .into(),
        "/packagist/p2/monolog/monolog.json" => r#"{"packages":{"monolog/monolog":[
            {"name":"monolog/monolog","version":"3.9.0","time":"2026-11-19T00:00:00+00:00"},
            {"version":"3.8.1","time":"2026-10-01T00:00:00+00:00"}]},"minified":"composer/2.0"}"#
            .into(),
        "/maven/com/fasterxml/jackson/core/jackson-databind/maven-metadata.xml" => {
            "<metadata><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId>\
             <versioning><release>2.20.1</release><versions><version>2.19.0</version><version>2.20.1</version></versions>\
             <lastUpdated>20261120101500</lastUpdated></versioning></metadata>"
                .into()
        }
        "/go/github.com/spf13/cobra/@v/list" => "v1.9.1\nv1.10.1\n".into(),
        "/go/github.com/spf13/cobra/@v/v1.10.1.info" => {
            r#"{"Version":"v1.10.1","Time":"2026-11-21T09:00:00Z"}"#.into()
        }
        "/go/github.com/spf13/cobra/@v/v1.9.1.info" => {
            r#"{"Version":"v1.9.1","Time":"2026-02-17T16:10:00Z"}"#.into()
        }
        "/nuget/newtonsoft.json/index.json" => r#"{"versions":["13.0.3","13.0.4"]}"#.into(),
        "/hex/packages/phoenix" => r#"{"name":"phoenix","releases":[
            {"version":"1.8.1","inserted_at":"2026-11-12T00:00:00Z"}]}"#
            .into(),
        "/pub/api/packages/http" => r#"{"name":"http","versions":[
            {"version":"1.5.0","published":"2026-11-10T00:00:00Z"}]}"#
            .into(),
        _ => return None,
    })
}

fn registry_server() -> Server {
    Server::start(|_, req, stream, _| match registry_body(&req.path) {
        Some(body) => respond(stream, "200 OK", &[("ETag", "\"v1\"")], body.as_bytes()),
        None => respond(stream, "404 Not Found", &[], b"not here"),
    })
}

fn radar_for(server: &Server, extra: &str) -> TeamRadar {
    crawl_radar(FAST, &format!("{extra}\n{}", registries(server)))
        .tracking()
        .stack(&stack())
}

#[test]
fn every_registry_is_crawled_from_its_mirror_without_a_source_line() {
    let server = registry_server();
    let team = radar_for(&server, "");
    let run = team.crawl();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let expected = [
        ("crates.io/serde", 2),
        ("PyPI/requests", 2),
        // Two releases and the packument's status item (deprecations).
        ("npm/react", 3),
        ("RubyGems/rails", 2),
        ("Packagist/monolog/monolog", 2),
        ("Maven/com.fasterxml.jackson.core:jackson-databind", 2),
        ("Go/github.com/spf13/cobra", 2),
        ("NuGet/Newtonsoft.Json", 2),
        ("Hex/phoenix", 1),
        ("Pub/http", 1),
    ];
    for (name, new) in expected {
        assert_eq!(run.status(name), "fetched", "{name}: {}", run.error(name));
        assert_eq!(run.source(name)["items_new"], new, "{name}");
    }
    for status in ["crates.io/serde status", "PyPI/requests status"] {
        assert_eq!(
            run.status(status),
            "fetched",
            "{status}: {}",
            run.error(status)
        );
        assert_eq!(run.source(status)["items_new"], 1, "{status}");
    }
    let items = team.items();
    // Every item carries its package, whatever the registry's format; the
    // registry-status items (one per package, undated) are not releases.
    for (name, _) in expected {
        let of: Vec<_> = items
            .iter()
            .filter(|i| i.source == name && !i.tags.iter().any(|t| t == "registry-status"))
            .collect();
        assert!(!of.is_empty(), "{name}");
        for i in of {
            assert_eq!(i.packages, [name.to_string()], "{}", i.title);
            assert_eq!(i.kind, techradar::model::ItemKind::Release, "{}", i.title);
        }
    }
    // The Go proxy's list is dated from each version's .info.
    let cobra = items
        .iter()
        .find(|i| i.title == "github.com/spf13/cobra v1.10.1")
        .expect("cobra v1.10.1");
    assert_eq!(
        cobra.published.map(|p| p.to_rfc3339()).as_deref(),
        Some("2026-11-21T09:00:00+00:00")
    );
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().any(|p| p.ends_with("/@v/v1.9.1.info")),
        "{paths:?}"
    );
    // Derived sources keep crawl state like configured ones.
    let state = team.state().to_string();
    assert!(
        state.contains("npm/react") && state.contains("\\\"v1\\\""),
        "{state}"
    );
}

#[test]
fn a_failing_registry_is_reported_and_backs_off_without_stopping_the_others() {
    let server = Server::start(|_, req, stream, _| {
        if req.path.starts_with("/rubygems/") {
            respond(stream, "404 Not Found", &[], b"no such gem");
        } else {
            match registry_body(&req.path) {
                Some(body) => respond(stream, "200 OK", &[], body.as_bytes()),
                None => respond(stream, "404 Not Found", &[], b""),
            }
        }
    });
    let team = radar_for(&server, "");
    let run = team.crawl();
    assert_eq!(run.code, 1, "a failing source fails the crawl");
    assert_eq!(run.status("RubyGems/rails"), "failed");
    assert!(
        run.error("RubyGems/rails").contains("404"),
        "{}",
        run.error("RubyGems/rails")
    );
    assert_eq!(run.status("npm/react"), "fetched");
    let again = team.crawl_at("2026-11-23T08:01:00Z");
    assert_eq!(again.status("RubyGems/rails"), "backing_off");
}

fn dry_run(team: &TeamRadar) -> Value {
    let out = team
        .command(crate::harness::NOW, &["crawl", "--dry-run", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::harness::stdout_json(&out)
}

#[test]
fn dry_run_lists_configured_and_derived_sources_and_fetches_nothing() {
    let server = registry_server();
    let team = radar_for(
        &server,
        "[[source]]\nname = \"serde releases\"\ngithub = \"serde-rs/serde\"\npackage = \"crates.io/serde\"\n\
         [[source]]\nname = \"blog\"\nurl = \"https://blog.example/feed.xml\"\n",
    );
    let plan = dry_run(&team);
    let sources = &plan["sources"];
    let names = strs(sources, "name");
    assert_eq!(names.len(), 12, "{names:?}");
    // The configured source about serde wins over the derived one, and
    // its yanked-versions source goes with it.
    assert!(!names.contains(&"crates.io/serde"), "{names:?}");
    assert!(!names.contains(&"crates.io/serde status"), "{names:?}");
    let status = row(sources, "name", "PyPI/requests status");
    assert_eq!(status["kind"], "pypi-json");
    assert_eq!(status["url"], server.url("/pypi/pypi/requests/json"));
    let serde = row(sources, "name", "serde releases");
    assert_eq!(serde["origin"], "configured");
    assert_eq!(serde["package"], "crates.io/serde");
    assert_eq!(row(sources, "name", "blog")["package"], Value::Null);
    let go = row(sources, "name", "Go/github.com/spf13/cobra");
    assert_eq!(go["kind"], "go");
    assert_eq!(go["origin"], "derived");
    assert_eq!(go["url"], server.url("/go/github.com/spf13/cobra/@v/list"));
    assert_eq!(row(sources, "name", "Pub/http")["kind"], "pub");
    assert!(server.requests().is_empty(), "a dry run fetches nothing");
    assert!(!team.index().exists(), "nor opens the index");

    let text = team
        .command(crate::harness::NOW, &["crawl", "--dry-run"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("12 sources (2 configured, 10 derived from the stack); nothing fetched"),
        "{text}"
    );
}

#[test]
fn track_none_and_all() {
    let server = registry_server();
    let none =
        crawl_radar(&format!("{FAST}track = \"none\"\n"), &registries(&server)).stack(&stack());
    assert_eq!(dry_run(&none)["sources"].as_array().map(Vec::len), Some(0));
    // The harness's default: a test radar derives nothing unless it asks.
    let default = crawl_radar(FAST, &registries(&server)).stack(&stack());
    assert_eq!(
        dry_run(&default)["sources"].as_array().map(Vec::len),
        Some(0)
    );

    let all = crawl_radar(&format!("{FAST}track = \"all\"\n"), &registries(&server))
        .stack(&format!(
            "{}[[lockfile]]\npath = \"requirements.txt\"\n",
            tech("requests", "PyPI/requests")
        ))
        .file(
            "requirements.txt",
            "requests==2.32.0\nurllib3==2.2.1\nDjango_Rest==1.0\n",
        );
    let plan = dry_run(&all);
    assert_eq!(
        strs(&plan["sources"], "name"),
        [
            "PyPI/django-rest",
            "PyPI/django-rest status",
            "PyPI/requests",
            "PyPI/requests status",
            "PyPI/urllib3",
            "PyPI/urllib3 status"
        ]
    );
    let bad = crawl_radar(&format!("{FAST}track = \"everything\"\n"), "").stack("");
    let out = bad
        .command(crate::harness::NOW, &["crawl", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("radar.toml:13:9:") && e.contains("\"direct\", \"all\", \"none\" in [crawl]"),
        "{e}"
    );
}

/// A tech pinned (in stack.toml or a lockfile) to a yanked or deprecated
/// version gets a −0.3 signal with the registry's words and the version to
/// move to; a good version gets none.
#[test]
fn yanked_and_deprecated_versions_in_use_become_signals() {
    let server = registry_server();
    let stack = format!(
        "{}version = \"1.9.1\"\n\n{}\n{}version = \"18.3.1\"\n\n{}version = \"8.0.3\"\n\n[[lockfile]]\npath = \"requirements.txt\"\n",
        tech("serde", "crates.io/serde"),
        tech("requests", "PyPI/requests"),
        tech("react", "npm/react"),
        tech("rails", "RubyGems/rails"),
    );
    let team = crawl_radar(&format!("{FAST}track = \"direct\"\n"), &registries(&server))
        .stack(&stack)
        .file("requirements.txt", "requests==1.9.0\n");
    let run = team.crawl();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let out = team
        .command(crate::harness::NOW, &["update", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = crate::harness::stdout_json(&out);
    let reasons = |name: &str| -> Vec<String> {
        row(&report["entries"], "name", name)["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        reasons("serde").contains(
            &"serde 1.9.1 in use was yanked from crates.io; 2.0.0 is the newest good version"
                .to_string()
        ),
        "{:?}",
        reasons("serde")
    );
    // The lockfile's version, with the publisher's reason.
    assert!(
        reasons("requests").contains(
            &"requests 1.9.0 in use was yanked from PyPI: \"leaks credentials on redirect\"; 2.0.0 is the newest good version".to_string()
        ),
        "{:?}",
        reasons("requests")
    );
    assert!(
        reasons("react").contains(
            &"react 18.3.1 in use is deprecated on npm: \"18.3.1 breaks hydration, use 19\"; 19.0.0 is the newest good version".to_string()
        ),
        "{:?}",
        reasons("react")
    );
    // A version the registry says nothing against: no such signal.
    assert!(
        reasons("rails")
            .iter()
            .all(|r| !r.contains("yanked") && !r.contains("deprecated")),
        "{:?}",
        reasons("rails")
    );
    // The entry file stores the signal with its kind, weight and link.
    let serde = std::fs::read_to_string(
        team.path()
            .join("entries/languages-and-frameworks/serde.md"),
    )
    .unwrap_or_default();
    assert!(
        serde.contains("kind = \"yanked\"")
            && serde.contains("weight = -0.3")
            && serde.contains("https://crates.io/crates/serde/1.9.1"),
        "{serde}"
    );
}
