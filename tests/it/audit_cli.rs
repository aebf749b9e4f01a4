//! `radar ingest` + `radar audit` end to end through the binary, on the
//! bundled demo data (`src/demo/data`), so these run anywhere.

use crate::harness::{TeamRadar, radar, row, stdout_json, strs, utc};
use assert_cmd::prelude::*;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The bundled demo data with its relative dates rendered against the
/// tests' "now" (the files are templates; the demo renders them the same way).
pub(crate) fn demo() -> PathBuf {
    static RENDERED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    RENDERED
        .get_or_init(|| {
            let now = utc(NOW);
            let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-cli-demo-data");
            let _ = std::fs::remove_dir_all(&out);
            copy_rendered(
                &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/data"),
                &out,
                now,
            );
            out
        })
        .clone()
}

fn copy_rendered(from: &Path, to: &Path, now: chrono::DateTime<chrono::Utc>) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_rendered(&path, &target, now);
        } else {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(target, techradar::demo::data::render(&text, now)).unwrap();
        }
    }
}

const NOW: &str = "2026-06-01T08:00:00Z";

/// A temp index with the demo advisories (OSV JSON + RustSec Markdown).
fn demo_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    radar(NOW)
        .arg("--index")
        .arg(dir.path())
        .arg("ingest")
        .arg(demo().join("advisories"))
        .arg(demo().join("rustsec"))
        .assert()
        .success();
    dir
}

fn audit_json(index: &Path, args: &[&str]) -> (Value, i32) {
    let out = radar(NOW)
        .arg("--index")
        .arg(index)
        .arg("audit")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    (stdout_json(&out), out.status.code().unwrap())
}

fn lock(name: &str) -> String {
    demo().join("lockfiles").join(name).display().to_string()
}

fn ids(list: &Value) -> Vec<&str> {
    let mut v = strs(list, "id");
    v.sort();
    v
}

#[test]
fn demo_stack_has_vulnerabilities_warnings_and_the_design_json_shape() {
    let index = demo_index();
    let (json, code) = audit_json(
        index.path(),
        &[
            "--lockfile",
            &lock("Cargo.lock"),
            "--lockfile",
            &lock("package-lock.json"),
            "--lockfile",
            &lock("requirements.txt"),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        ids(&json["vulnerabilities"]),
        vec![
            "DEMO-2026-0001",
            "DEMO-2026-0002",
            "DEMO-2026-0003",
            "DEMO-2026-0005"
        ],
        "DEMO-2026-0004 (react 19 only) does not affect react 18.3.1"
    );
    let tokio = row(&json["vulnerabilities"], "package", "tokio");
    // DESIGN.md keys.
    for key in [
        "id",
        "aliases",
        "package",
        "ecosystem",
        "version",
        "severity",
        "fixed",
        "url",
        "lockfile",
    ] {
        assert!(tokio.get(key).is_some(), "missing {key}");
    }
    assert_eq!(tokio["version"], "1.38.0");
    assert_eq!(tokio["severity"], "medium");
    assert_eq!(tokio["fixed"], serde_json::json!(["1.38.2"]));
    let aliases = tokio["aliases"].as_array().unwrap();
    assert!(aliases.contains(&Value::from("GHSA-demo-7q2x-v4mh")));
    assert!(aliases.contains(&Value::from("CVE-2026-99001")));
    assert_eq!(tokio["matched_by"].as_array().unwrap().len(), 2);

    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["kind"], "unmaintained");
    assert_eq!(warnings[0]["id"], "DEMO-2026-0006");
    assert_eq!(warnings[0]["package"], "yaml-rust");
    let skipped = json["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["package"] == "demo-api"));
    assert_eq!(json["summary"]["lockfiles"], 3);
    assert_eq!(json["summary"]["fails"], true);
}

#[test]
fn human_output_groups_by_package_and_says_what_to_upgrade_to() {
    let index = demo_index();
    radar(NOW)
        .arg("--index")
        .arg(index.path())
        .args(["audit", "--lockfile", &lock("Cargo.lock")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("tokio 1.38.0"))
        .stdout(predicate::str::contains("upgrade to >=1.38.2"))
        .stdout(predicate::str::contains(
            "also CVE-2026-99001, GHSA-demo-7q2x-v4mh",
        ))
        .stdout(predicate::str::contains("yaml-rust 0.4.5"))
        .stdout(predicate::str::contains("fail the run (exit 1)"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn nothing_affected_exits_zero() {
    let index = demo_index();
    let dir = tempfile::tempdir().unwrap();
    let reqs = dir.path().join("requirements.txt");
    std::fs::write(&reqs, "six==1.16.0\nrequests==2.32.3\n").unwrap();
    let (json, code) = audit_json(index.path(), &["--lockfile", reqs.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(json["vulnerabilities"].as_array().unwrap().is_empty());
    assert_eq!(json["summary"]["fails"], false);
}

#[test]
fn severity_threshold_decides_what_fails_but_everything_is_listed() {
    let index = demo_index();
    let locks = [
        "--lockfile",
        &lock("Cargo.lock"),
        "--lockfile",
        &lock("package-lock.json"),
    ];
    // tokio is medium, vite high.
    let (json, code) = audit_json(
        index.path(),
        &[&locks[..], &["--severity-threshold", "critical"]].concat(),
    );
    assert_eq!(code, 0);
    assert_eq!(json["vulnerabilities"].as_array().unwrap().len(), 2);
    assert!(
        json["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["fails"] == false)
    );
    let (_, code) = audit_json(
        index.path(),
        &[&locks[..], &["--severity-threshold", "high"]].concat(),
    );
    assert_eq!(code, 1);
}

/// A team radar folder: radar.toml + stack.toml with a lockfile and ignores.
fn team(ignores: &str) -> TeamRadar {
    let dir = TeamRadar::new()
        .copy("Cargo.lock", lock("Cargo.lock"))
        .stack(&format!("[[lockfile]]\npath = \"Cargo.lock\"\n\n{ignores}"));
    radar(NOW)
        .current_dir(dir.path())
        .arg("ingest")
        .arg(demo().join("advisories"))
        .arg(demo().join("rustsec"))
        .assert()
        .success();
    dir
}

fn team_audit(dir: &Path, now: &str, args: &[&str]) -> (Value, i32) {
    let out = radar(now)
        .current_dir(dir)
        .args(["audit", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout_json(&out), out.status.code().unwrap())
}

const IGNORES: &str = r#"
[[ignore]]
id = "GHSA-demo-7q2x-v4mh"   # an alias of DEMO-2026-0001
reason = "our runtime is single-threaded"
until = 2026-12-31

[[ignore]]
id = "DEMO-2099-0001"
reason = "left over from last year"
"#;

#[test]
fn ignores_acknowledge_by_alias_expire_and_report_unused() {
    let dir = team(IGNORES);
    let (json, code) = team_audit(dir.path(), "2026-06-01T08:00:00Z", &[]);
    assert_eq!(code, 0, "the only vulnerability is acknowledged: {json:#}");
    assert!(json["vulnerabilities"].as_array().unwrap().is_empty());
    let ack = &json["acknowledged"][0];
    assert_eq!(ack["id"], "DEMO-2026-0001");
    assert_eq!(ack["ignore"]["reason"], "our runtime is single-threaded");
    assert_eq!(ack["ignore"]["until"], "2026-12-31");
    assert_eq!(ids(&json["unused_ignores"]), vec!["DEMO-2099-0001"]);
    // The warning is still listed, and fails only when denied.
    assert_eq!(json["warnings"][0]["package"], "yaml-rust");
    let (_, code) = team_audit(dir.path(), "2026-06-01T08:00:00Z", &["--deny", "warnings"]);
    assert_eq!(code, 1);
    let (_, code) = team_audit(dir.path(), "2026-06-01T08:00:00Z", &["--deny", "unsound"]);
    assert_eq!(code, 0);

    // The last valid day, then the day after.
    let (_, code) = team_audit(dir.path(), "2026-12-31T23:00:00Z", &[]);
    assert_eq!(code, 0);
    let (json, code) = team_audit(dir.path(), "2027-01-01T08:00:00Z", &[]);
    assert_eq!(code, 1, "an expired ignore fails again");
    let v = &json["vulnerabilities"][0];
    assert_eq!(v["id"], "DEMO-2026-0001");
    assert_eq!(v["ignore_expired"]["until"], "2026-12-31");
    assert!(json["acknowledged"].as_array().unwrap().is_empty());

    // The human report says so too.
    radar("2027-01-01T08:00:00Z")
        .current_dir(dir.path())
        .arg("audit")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("ignore expired on 2026-12-31"))
        .stdout(predicate::str::contains(
            "DEMO-2099-0001: matches no finding",
        ));
}

#[test]
fn malformed_lockfile_is_exit_2_naming_file_and_line() {
    let index = demo_index();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Cargo.lock");
    std::fs::write(
        &bad,
        "version = 3\n\n[[package]]\nname = \"tokio\"\nversion = 1.38\n",
    )
    .unwrap();
    radar(NOW)
        .arg("--index")
        .arg(index.path())
        .args(["audit", "--lockfile", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:5:", bad.display())));
    let reqs = dir.path().join("requirements.txt");
    std::fs::write(&reqs, "django==4.2\nrequests==two\n").unwrap();
    radar(NOW)
        .arg("--index")
        .arg(index.path())
        .args(["audit", "--lockfile", reqs.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:2:", reqs.display())));
}

#[test]
fn an_index_without_advisories_cannot_audit() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    std::fs::write(
        &feed,
        "<rss version=\"2.0\"><channel><title>t</title><item><title>hello</title><link>https://example.org/a</link></item></channel></rss>",
    )
    .unwrap();
    let index = dir.path().join("index");
    radar(NOW)
        .arg("--index")
        .arg(&index)
        .arg("ingest")
        .arg(&feed)
        .assert()
        .success();
    radar(NOW)
        .arg("--index")
        .arg(&index)
        .args(["audit", "--lockfile", &lock("Cargo.lock")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no advisories"));
    radar(NOW)
        .arg("--index")
        .arg(dir.path().join("missing"))
        .args(["audit", "--lockfile", &lock("Cargo.lock")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no index at"));
}

#[test]
fn malformed_advisories_are_reported_with_their_path_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let adv = dir.path().join("advisories");
    std::fs::create_dir_all(adv.join("crates/broken")).unwrap();
    std::fs::copy(
        demo().join("advisories/DEMO-2026-0002.json"),
        adv.join("DEMO-2026-0002.json"),
    )
    .unwrap();
    let good = std::fs::read_to_string(demo().join("advisories/DEMO-2026-0003.json")).unwrap();
    std::fs::write(
        adv.join("bad-range.json"),
        good.replace("\"fixed\": \"4.2.17\"", "\"fixed\": \"four\""),
    )
    .unwrap();
    std::fs::write(
        adv.join("bad-ecosystem.json"),
        good.replace("\"PyPI\"", "\"pypi-ish\""),
    )
    .unwrap();
    std::fs::write(
        adv.join("crates/broken/RUSTSEC-2099-0001.md"),
        "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \n```\n\n# Broken\n\ntext\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    let out = radar(NOW)
        .arg("--index")
        .arg(&index)
        .args(["ingest", "--json"])
        .arg(&adv)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "malformed advisories fail the run"
    );
    let json = stdout_json(&out);
    assert_eq!(json["items_new"], 1);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let find = |file: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(file))
            .unwrap_or_else(|| panic!("{file} not reported"))["error"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(find("bad-range.json").contains("\"four\""));
    assert!(find("bad-ecosystem.json").contains("unknown ecosystem \"pypi-ish\""));
    assert!(find("RUSTSEC-2099-0001.md").contains("line"));
}

/// The demo advisories under `osv/` plus one malformed record. `stream`
/// writes the way a writer that cannot seek does (Go's `archive/zip`,
/// which osv.dev's exporter uses): sizes in data descriptors after each
/// entry.
fn write_demo_zip(zip_path: &std::path::Path, stream: bool) {
    fn entries<W: std::io::Write + std::io::Seek>(w: &mut zip::ZipWriter<W>) {
        let opts = zip::write::SimpleFileOptions::default();
        for entry in std::fs::read_dir(demo().join("advisories")).unwrap() {
            let path = entry.unwrap().path();
            w.start_file(
                format!("osv/{}", path.file_name().unwrap().to_string_lossy()),
                opts,
            )
            .unwrap();
            w.write_all(&std::fs::read(&path).unwrap()).unwrap();
        }
        w.start_file("osv/BROKEN.json", opts).unwrap();
        w.write_all(b"{\"id\": \"BROKEN\", \"affected\": 7}")
            .unwrap();
    }
    let file = std::fs::File::create(zip_path).unwrap();
    if stream {
        let mut w = zip::ZipWriter::new_stream(file);
        entries(&mut w);
        w.finish().unwrap();
    } else {
        let mut w = zip::ZipWriter::new(file);
        entries(&mut w);
        w.finish().unwrap();
    }
}

#[test]
fn a_zip_with_data_descriptors_ingests_like_one_without() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    for stream in [false, true] {
        let zip_path = dir.path().join(format!("all-{stream}.zip"));
        write_demo_zip(&zip_path, stream);
        let out = radar(NOW)
            .arg("--index")
            .arg(dir.path().join(format!("index-{stream}")))
            .args(["ingest", "--json"])
            .arg(&zip_path)
            .output()
            .unwrap();
        let json = stdout_json(&out);
        assert_eq!(json["items_new"], 6, "stream={stream}: {json}");
        let errors = json["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{json}");
        assert!(
            errors[0]["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("all-{stream}.zip/osv/BROKEN.json")),
            "{json}"
        );
        reports.push(errors[0]["error"].clone());
    }
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn a_zip_is_ingested_entry_by_entry_and_audits_like_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    write_demo_zip(&zip_path, false);
    let index = dir.path().join("index");
    let out = radar(NOW)
        .arg("--index")
        .arg(&index)
        .args(["ingest", "--json"])
        .arg(&zip_path)
        .output()
        .unwrap();
    let json = stdout_json(&out);
    assert_eq!(json["items_new"], 6);
    assert_eq!(json["errors"].as_array().unwrap().len(), 1);
    assert!(
        json["errors"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("all.zip/osv/BROKEN.json")
    );
    let (report, code) = audit_json(&index, &["--lockfile", &lock("requirements.txt")]);
    assert_eq!(code, 1);
    assert_eq!(
        ids(&report["vulnerabilities"]),
        vec!["DEMO-2026-0003", "DEMO-2026-0005"]
    );
    // Ingesting again changes nothing.
    let out = radar(NOW)
        .arg("--index")
        .arg(&index)
        .args(["ingest", "--json"])
        .arg(&zip_path)
        .output()
        .unwrap();
    let json = stdout_json(&out);
    assert_eq!(json["items_new"], 0);
    assert_eq!(json["items_updated"], 0);
}

#[test]
fn tech_entries_with_a_version_are_audited_without_a_lockfile() {
    let dir = TeamRadar::new().stack(
        r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"
version = "1.38.0"

[[tech]]
name = "Django"
quadrant = "languages-and-frameworks"
ring = "trial"
package = "PyPI/Django"
version = "5.1.4"

[[tech]]
name = "serde"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/serde"
"#,
    );
    radar(NOW)
        .current_dir(dir.path())
        .arg("ingest")
        .arg(demo().join("advisories"))
        .assert()
        .success();
    let (json, code) = team_audit(dir.path(), "2026-06-01T08:00:00Z", &[]);
    assert_eq!(code, 1);
    assert_eq!(ids(&json["vulnerabilities"]), vec!["DEMO-2026-0001"]);
    assert!(
        json["vulnerabilities"][0]["lockfile"]
            .as_str()
            .unwrap()
            .ends_with("stack.toml")
    );
    let skipped = json["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(
            |s| s["package"] == "serde" && s["reason"].as_str().unwrap().contains("no version")
        )
    );
}
