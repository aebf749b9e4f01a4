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
    shows_the_hostile_post_as_news_and_end_of_life_as_action(&demo, &md);

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

/// The demo's two judgment cases, stated outright so a snapshot update
/// cannot quietly lose them: the Acme blog's "tokio 9.9.9" post is news
/// (flagged, never a release, never Major, no signal on tokio's entry), and
/// Python 3.8 / Django 3.2 are past end of life (hold, action needed).
fn shows_the_hostile_post_as_news_and_end_of_life_as_action(demo: &std::path::Path, md: &str) {
    let news = md
        .lines()
        .find(|l| l.contains("tokio 9.9.9"))
        .unwrap_or_else(|| panic!("the post is listed as news:\n{md}"));
    assert!(news.contains("not trusted"), "{news}");
    assert!(
        md.lines()
            .filter(|l| l.contains("9.9.9"))
            .all(|l| !l.contains("Major")),
        "{md}"
    );
    let entry = |rel: &str| std::fs::read_to_string(demo.join("entries").join(rel)).unwrap();
    let tokio = entry("languages-and-frameworks/tokio.md");
    assert!(
        !tokio.contains("9.9.9") && !tokio.contains("tokio-9-9-9"),
        "{tokio}"
    );
    let python = entry("languages-and-frameworks/python.md");
    assert!(
        python
            .contains("Python 3.8 reached end of life on 2024-10-07; 3.11 and later are supported"),
        "{python}"
    );
    assert!(python.contains("proposed = \"hold\""), "{python}");
    let django = entry("languages-and-frameworks/django.md");
    assert!(
        django.contains("Django 3.2 (LTS) reached end of life on 2024-04-01"),
        "{django}"
    );
    assert!(django.contains("proposed = \"hold\""), "{django}");
    let actions = md
        .split("## ")
        .find(|s| s.starts_with("Action needed"))
        .unwrap_or_else(|| panic!("no action-needed section:\n{md}"));
    assert!(
        actions.contains("Python 3.8") && actions.contains("Django 3.2"),
        "{actions}"
    );
}
