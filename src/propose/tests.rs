use super::*;
use std::process::Command;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn sh(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repo with one committed entry and a bare remote named origin.
fn repo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("radar");
    let remote = tmp.path().join("remote.git");
    std::fs::create_dir_all(repo.join("entries/tools")).unwrap();
    sh(
        tmp.path(),
        &["init", "--quiet", "--bare", remote.to_str().unwrap()],
    );
    sh(&repo, &["init", "--quiet", "-b", "main"]);
    sh(&repo, &["config", "user.name", "Test Lead"]);
    sh(&repo, &["config", "user.email", "lead@example.org"]);
    sh(
        &repo,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    std::fs::write(
        repo.join("entries/tools/vite.md"),
        "+++\nname = \"Vite\"\nring = \"adopt\"\n+++\nOur bundler.\n",
    )
    .unwrap();
    sh(&repo, &["add", "-A"]);
    sh(&repo, &["commit", "--quiet", "-m", "initial radar"]);
    (tmp, repo, remote)
}

fn moves() -> Vec<Move> {
    vec![Move {
        name: "Vite".into(),
        path: PathBuf::from("entries/tools/vite.md"),
        from: Some(Ring::Adopt),
        to: Ring::Hold,
        reasons: vec![
            "DEMO-2026-0002 affects 7.3.1 (fixed in 7.3.2)".into(),
            "a | pipe".into(),
        ],
        links: vec![
            "https://example.org/DEMO-2026-0002".into(),
            "javascript:alert(1)".into(),
        ],
        advisories: vec!["DEMO-2026-0002: path traversal in the dev server".into()],
    }]
}

/// Stands in for the entry writer: moves the ring line.
fn apply(root: &Path, m: &Move) -> Result<(), String> {
    let p = root.join(&m.path);
    let text = std::fs::read_to_string(&p).map_err(|e| e.to_string())?;
    let from = format!(
        "ring = \"{}\"",
        m.from.map(|r| r.to_string()).unwrap_or_default()
    );
    std::fs::write(&p, text.replace(&from, &format!("ring = \"{}\"", m.to)))
        .map_err(|e| e.to_string())
}

fn opts() -> ProposeOptions {
    ProposeOptions {
        gh_program: Some("radar-test-no-such-gh".into()),
        ..Default::default()
    }
}

#[test]
fn makes_a_branch_with_the_moves_and_leaves_the_checkout_alone() {
    let (_tmp, repo, _) = repo();
    let entries = repo.join("entries");
    let r = propose(&repo, &entries, &moves(), &opts(), now(), &apply).unwrap();
    assert_eq!(r.branch, "radar/2026-W48");
    assert_eq!(
        sh(&repo, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "main"
    );
    assert!(
        sh(&repo, &["status", "--porcelain"]).trim().is_empty(),
        "working tree untouched"
    );
    let on_disk = std::fs::read_to_string(repo.join("entries/tools/vite.md")).unwrap();
    assert!(
        on_disk.contains("ring = \"adopt\""),
        "checkout keeps the old ring"
    );

    let diff = sh(&repo, &["diff", "main", &r.branch]);
    assert!(
        diff.contains("-ring = \"adopt\"") && diff.contains("+ring = \"hold\""),
        "{diff}"
    );
    let msg = sh(&repo, &["log", "-1", "--format=%B", &r.branch]);
    assert!(
        msg.starts_with("radar: 1 proposed ring move (radar/2026-W48)"),
        "{msg}"
    );
    assert!(
        msg.contains("- Vite: adopt -> hold (DEMO-2026-0002 affects 7.3.1"),
        "{msg}"
    );
    assert_eq!(sh(&repo, &["rev-parse", &r.branch]).trim(), r.commit);

    let body = std::fs::read_to_string(&r.description).unwrap();
    assert!(body.contains("| Vite | adopt | **hold** |"), "{body}");
    assert!(body.contains("a \\| pipe"), "pipes escaped: {body}");
    assert!(body.contains("[1](https://example.org/DEMO-2026-0002)"));
    assert!(!body.contains("javascript:"), "only http(s) links: {body}");
    assert!(body.contains("### Advisories behind these moves"));
    assert!(
        !r.description.starts_with(&entries),
        "description lives outside the tree"
    );
    assert!(
        sh(&repo, &["worktree", "list"]).lines().count() == 1,
        "temp worktree removed"
    );
}

#[test]
fn push_lands_the_branch_in_the_remote() {
    let (_tmp, repo, remote) = repo();
    let mut o = opts();
    o.push = Some("origin".into());
    o.branch = Some("radar/vite-hold".into());
    let r = propose(&repo, &repo.join("entries"), &moves(), &o, now(), &apply).unwrap();
    assert_eq!(r.pushed_to.as_deref(), Some("origin"));
    assert_eq!(
        sh(&remote, &["rev-parse", "refs/heads/radar/vite-hold"]).trim(),
        r.commit
    );
}

#[test]
fn refuses_a_dirty_entries_tree_and_an_empty_proposal() {
    let (_tmp, repo, _) = repo();
    let entries = repo.join("entries");
    assert!(matches!(
        propose(&repo, &entries, &[], &opts(), now(), &apply),
        Err(ProposeError::NothingPending)
    ));
    std::fs::write(repo.join("entries/tools/vite.md"), "edited by hand\n").unwrap();
    let e = propose(&repo, &entries, &moves(), &opts(), now(), &apply).unwrap_err();
    assert!(matches!(e, ProposeError::DirtyEntries { .. }), "{e}");
    assert!(e.to_string().contains("entries/tools/vite.md") && e.to_string().contains("git stash"));
    assert!(
        sh(&repo, &["branch", "--list", "radar/*"])
            .trim()
            .is_empty(),
        "no branch made"
    );
}

#[test]
fn refuses_an_existing_branch_and_a_non_repo() {
    let (_tmp, repo, _) = repo();
    sh(&repo, &["branch", "radar/2026-W48"]);
    let e = propose(
        &repo,
        &repo.join("entries"),
        &moves(),
        &opts(),
        now(),
        &apply,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("already exists") && e.to_string().contains("--branch"),
        "{e}"
    );
    let plain = tempfile::tempdir().unwrap();
    let e = propose(plain.path(), plain.path(), &moves(), &opts(), now(), &apply).unwrap_err();
    assert!(matches!(e, ProposeError::NotARepo { .. }), "{e}");
}

#[test]
fn without_gh_open_pr_falls_back_to_a_message() {
    let (_tmp, repo, _) = repo();
    let mut o = opts();
    o.open_pr = true;
    let r = propose(&repo, &repo.join("entries"), &moves(), &o, now(), &apply).unwrap();
    assert!(r.pr_url.is_none());
    assert!(r.pr_note.unwrap().contains("not installed"));
}

#[test]
fn a_failed_apply_leaves_no_branch_behind() {
    let (_tmp, repo, _) = repo();
    let fail = |_: &Path, _: &Move| Err("entry file is malformed".to_string());
    let e = propose(
        &repo,
        &repo.join("entries"),
        &moves(),
        &opts(),
        now(),
        &fail,
    )
    .unwrap_err();
    assert!(e.to_string().contains("malformed"));
    assert!(
        sh(&repo, &["branch", "--list", "radar/*"])
            .trim()
            .is_empty()
    );
}
