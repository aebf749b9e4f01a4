//! Issue 14 through the binary: `radar audit` from the advisory table
//! beside the index, and `radar export --format ndjson` of every item.

use crate::harness::{radar, stdout_json};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// audit_cli's now: the demo data are rendered against it.
const NOW: &str = "2026-06-01T08:00:00Z";

/// The bundled demo data, rendered against the tests' now (audit_cli's).
fn demo_data(rel: &str) -> PathBuf {
    crate::audit_cli::demo().join(rel)
}

fn ingest(index: &Path, paths: &[PathBuf]) -> Value {
    let out = radar(NOW)
        .arg("--index")
        .arg(index)
        .args(["ingest", "--json"])
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(&out)
}

fn audit(index: &Path) -> (Value, i32) {
    let out = radar(NOW)
        .arg("--index")
        .arg(index)
        .args(["audit", "--json", "--lockfile"])
        .arg(demo_data("lockfiles/Cargo.lock"))
        .output()
        .unwrap();
    (stdout_json(&out), out.status.code().unwrap())
}

/// The first audit reads tantivy and writes the table; the second reads
/// only the table; both report the same. A new advisory makes the table
/// stale, and the next audit sees the advisory.
#[test]
fn audit_from_the_table_reports_what_the_index_reports() {
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("index");
    ingest(&ix, &[demo_data("rustsec")]);
    let table = ix.join("radar-advisories.tbl");
    assert!(!table.exists());
    let first = audit(&ix);
    assert!(table.exists(), "the first audit writes the table");
    let second = audit(&ix);
    assert_eq!(first, second);
    let before = first.0["summary"]["advisories_in_index"].as_u64().unwrap();

    // The demo OSV advisories include tokio's, which affects the demo lock.
    ingest(&ix, &[demo_data("advisories")]);
    let (after, code) = audit(&ix);
    assert_eq!(code, 1);
    assert!(after["summary"]["advisories_in_index"].as_u64().unwrap() > before);
    let ids: BTreeSet<&str> = after["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["id"].as_str())
        .collect();
    assert!(ids.contains("DEMO-2026-0001"), "{after}");
    assert_eq!(
        audit(&ix),
        (after, code),
        "and again from the rebuilt table"
    );
}

#[test]
fn export_ndjson_writes_every_item_once_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let ix = dir.path().join("index");
    let report = ingest(&ix, &[demo_data("advisories"), demo_data("feeds")]);
    let total = report["items_new"].as_u64().unwrap();
    assert!(total > 10, "{report}");
    let out_file = dir.path().join("items.ndjson");
    let out = radar(NOW)
        .arg("--index")
        .arg(&ix)
        .args(["export", "--format", "ndjson", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("wrote {total} items")));
    let text = std::fs::read_to_string(&out_file).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, total);
    let ids: BTreeSet<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids.len() as u64, total, "ids are unique");
    for l in &lines {
        for key in [
            "id",
            "kind",
            "source",
            "title",
            "body",
            "published",
            "packages",
            "tags",
        ] {
            assert!(l.get(key).is_some(), "missing {key} in {l}");
        }
    }
    // stdout gives the same lines.
    let out = radar(NOW)
        .arg("--index")
        .arg(&ix)
        .args(["export", "--format", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

#[test]
fn export_ndjson_without_an_index_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = radar(NOW)
        .arg("--index")
        .arg(dir.path().join("none"))
        .args(["export", "--format", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("radar crawl"), "{err}");
    assert!(!dir.path().join("none").exists(), "nothing created");
}
