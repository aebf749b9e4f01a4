//! The digest of the bundled demo: `radar demo` crawls its sample feeds and
//! advisories over loopback and audits its lockfiles; `radar digest` then
//! renders the fixed week. Snapshots pin both formats (issue 6: "snapshot
//! tests on demo data for a fixed week").

use crate::harness::radar;

const NOW: &str = "2026-11-30T08:00:00Z";

#[test]
fn demo_digest_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = radar(NOW)
        .arg("demo")
        .arg("--keep")
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = demo.join("radar.toml");

    let out = radar(NOW)
        .arg("--config")
        .arg(&config)
        .args(["digest", "--week", "2026-W48"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("demo_digest_md", md);

    let page_path = dir.path().join("demo-digest.html");
    let out = radar(NOW)
        .arg("--config")
        .arg(&config)
        .args(["digest", "--week", "2026-W48", "--out"])
        .arg(&page_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert!(
        !page.contains("127.0.0.1"),
        "no loopback URL may leak into the page"
    );
    insta::assert_snapshot!("demo_digest_html", page);
}
