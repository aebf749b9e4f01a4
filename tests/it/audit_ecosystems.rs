//! `radar audit` on a pnpm, a poetry and a Bundler lockfile: OSV records
//! of our own, ingested like any advisory folder, each found in the
//! lockfile that pins an affected version (and only there), with each
//! ecosystem's own version ordering.

use serde_json::Value;
use std::path::Path;

use crate::harness::{TeamRadar, radar, stdout_json};
use assert_cmd::prelude::*;

const NOW: &str = "2026-06-01T08:00:00Z";

const PNPM: &str = "\
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      left-pad:
        specifier: ^1.1.0
        version: 1.1.0
    devDependencies:
      lodash:
        specifier: ^4.17.20
        version: 4.17.21

packages:

  left-pad@1.1.0:
    resolution: {integrity: sha512-AAAA}

  lodash@4.17.21:
    resolution: {integrity: sha512-BBBB}

snapshots:

  left-pad@1.1.0: {}

  lodash@4.17.21: {}
";

const POETRY: &str = r#"
[[package]]
name = "Jinja2"
version = "3.1.2"
description = "A very fast and expressive template engine."
optional = false
python-versions = ">=3.7"
files = []

[package.dependencies]
MarkupSafe = ">=2.0"

[[package]]
name = "markupsafe"
version = "2.1.5"
description = "Safely add untrusted strings to HTML/XML markup."
optional = false
python-versions = ">=3.7"
files = []

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "0000"
"#;

const GEMFILE: &str = "\
GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.3)
    rack (3.0.8)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  nokogiri
  rack

BUNDLED WITH
   2.5.3
";

/// An OSV record: one package, one range.
fn osv(id: &str, ecosystem: &str, name: &str, range: &str, events: &str) -> String {
    format!(
        r#"{{"schema_version": "1.6.0", "id": "{id}", "modified": "2026-05-20T00:00:00Z",
  "published": "2026-05-20T00:00:00Z", "summary": "{name} sample advisory",
  "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
    "ranges": [{{"type": "{range}", "events": {events}}}]}}]}}"#
    )
}

fn team() -> TeamRadar {
    let advisories = [
        // Affects left-pad 1.1.0 (pnpm, npm SemVer).
        osv(
            "TEAM-NPM-1",
            "npm",
            "left-pad",
            "SEMVER",
            r#"[{"introduced": "0"}, {"fixed": "1.3.0"}]"#,
        ),
        // Fixed in the lodash we run: must not be found.
        osv(
            "TEAM-NPM-2",
            "npm",
            "lodash",
            "SEMVER",
            r#"[{"introduced": "0"}, {"fixed": "4.17.21"}]"#,
        ),
        // Poetry writes Jinja2; the reader and this advisory use the PEP 503 name.
        osv(
            "TEAM-PYPI-1",
            "PyPI",
            "jinja2",
            "ECOSYSTEM",
            r#"[{"introduced": "0"}, {"fixed": "3.1.3"}]"#,
        ),
        // PEP 440: 2.1.5 is above 2.1.5rc1's fix, so not affected.
        osv(
            "TEAM-PYPI-2",
            "PyPI",
            "MarkupSafe",
            "ECOSYSTEM",
            r#"[{"introduced": "0"}, {"fixed": "2.1.5rc1"}]"#,
        ),
        // The platform build nokogiri-1.16.0-x86_64-linux is nokogiri 1.16.0.
        osv(
            "TEAM-GEM-1",
            "RubyGems",
            "nokogiri",
            "ECOSYSTEM",
            r#"[{"introduced": "1.14.0"}, {"fixed": "1.16.2"}]"#,
        ),
        // RubyGems ordering: 3.0.8 < 3.0.9.1.
        osv(
            "TEAM-GEM-2",
            "RubyGems",
            "rack",
            "ECOSYSTEM",
            r#"[{"introduced": "3.0.0"}, {"fixed": "3.0.9.1"}]"#,
        ),
        // A different ecosystem's package of the same name: not ours.
        osv(
            "TEAM-NPM-3",
            "npm",
            "rack",
            "SEMVER",
            r#"[{"introduced": "0"}]"#,
        ),
    ];
    let mut team = TeamRadar::new()
        .file("web/pnpm-lock.yaml", PNPM)
        .file("ml/poetry.lock", POETRY)
        .file("shop/Gemfile.lock", GEMFILE)
        .stack(
            "[[lockfile]]\npath = \"web/pnpm-lock.yaml\"\n\n\
             [[lockfile]]\npath = \"ml/poetry.lock\"\n\n\
             [[lockfile]]\npath = \"shop/Gemfile.lock\"\n",
        );
    for (i, a) in advisories.iter().enumerate() {
        team = team.file(format!("advisories/{i}.json"), a);
    }
    radar(NOW)
        .current_dir(team.path())
        .args(["ingest", "advisories"])
        .assert()
        .success();
    team
}

fn found(json: &Value) -> Vec<(String, String, String, String)> {
    let mut out: Vec<(String, String, String, String)> = json["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let lockfile = v["lockfile"].as_str().unwrap_or_default();
            let folder = Path::new(lockfile)
                .parent()
                .and_then(Path::file_name)
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (
                v["id"].as_str().unwrap().to_string(),
                v["package"].as_str().unwrap().to_string(),
                v["version"].as_str().unwrap().to_string(),
                folder,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn advisories_are_found_in_pnpm_poetry_and_gemfile_lockfiles() {
    let team = team();
    let out = radar(NOW)
        .current_dir(team.path())
        .args(["audit", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    let s = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        found(&json),
        vec![
            s("TEAM-GEM-1", "nokogiri", "1.16.0", "shop"),
            s("TEAM-GEM-2", "rack", "3.0.8", "shop"),
            s("TEAM-NPM-1", "left-pad", "1.1.0", "web"),
            s("TEAM-PYPI-1", "jinja2", "3.1.2", "ml"),
        ]
    );
    let ecosystems: Vec<&str> = json["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["ecosystem"].as_str())
        .collect();
    for e in ["npm", "PyPI", "RubyGems"] {
        assert!(ecosystems.contains(&e), "{ecosystems:?}");
    }
}

#[test]
fn one_lockfile_at_a_time() {
    let team = team();
    let out = radar(NOW)
        .current_dir(team.path())
        .args(["audit", "--json", "--lockfile", "shop/Gemfile.lock"])
        .output()
        .unwrap();
    let json = stdout_json(&out);
    let ids: Vec<String> = found(&json).into_iter().map(|f| f.0).collect();
    assert_eq!(ids, ["TEAM-GEM-1", "TEAM-GEM-2"]);
}
