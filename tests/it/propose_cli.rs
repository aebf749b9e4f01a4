//! `radar propose` through the binary: a team radar in a temp git repo with
//! a bare remote. The branch, the commit, the entry diffs, the PR text,
//! `--push`, the refusals, and `--open-pr` with and without a usable `gh`
//! (a stand-in script: no network).

use crate::harness::{Run, TeamRadar, git, git_commit_all, git_init, parse_json, radar_at, strs};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-25T09:00:00Z";

/// An entry the tool proposes to move from adopt to hold.
const VITE: &str = r#"+++
name = "Vite"
quadrant = "tools"
ring = "adopt"
proposed = "hold"
score = -0.62
rule = "an unfixed severe advisory → hold"
updated = 2026-11-23

[[signal]]
kind = "advisory"
weight = -0.6
because = "DEMO-2026-0002 (severity 8.1) affects 5.4.10, no fix yet"
url = "https://example.org/advisories/DEMO-2026-0002"

[[signal]]
kind = "release"
weight = 0.1
because = "Vite 8.0.0 released 2026-11-20"
url = "https://github.com/vitejs/vite/releases/tag/v8.0.0"

[[history]]
date = 2025-02-03
ring = "adopt"
+++
Our bundler for every front end. Written by people; the tool keeps it.
"#;

/// An entry with nothing pending.
const TOKIO: &str = r#"+++
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
score = 0.3
rule = "score +0.30 between -0.20 and +0.40 → stay adopt"
updated = 2026-11-23

[[signal]]
kind = "release"
weight = 0.3
because = "tokio 1.48.0 released 2026-11-20"
url = "https://github.com/tokio-rs/tokio/releases/tag/tokio-1.48.0"
+++
The runtime.
"#;

/// A team radar in `radar/` of a temp folder, with `remote.git` beside it.
struct Repo {
    team: TeamRadar,
    remote: PathBuf,
}

/// A radar repository (radar.toml, entries/) with one commit, and a bare
/// remote named origin.
fn repo(entries: &[(&str, &str)]) -> Repo {
    let mut team = TeamRadar::in_folder("radar").file(".gitignore", "index/\n");
    for (file, text) in entries {
        team = team.entry(file, text);
    }
    let dir = team.path();
    let remote = team.root().join("remote.git");
    git(
        team.root(),
        &["init", "--quiet", "--bare", remote.to_str().unwrap()],
    );
    git_init(dir);
    git(dir, &["remote", "add", "origin", remote.to_str().unwrap()]);
    git_commit_all(dir, "radar as decided");
    Repo { team, remote }
}

impl Repo {
    /// The radar folder, a git repository on main.
    fn dir(&self) -> &Path {
        self.team.path()
    }

    fn radar(&self, args: &[&str]) -> Run {
        Run::of(
            self.team
                .command(NOW, args)
                .current_dir(self.dir())
                .output()
                .unwrap(),
        )
    }

    fn git(&self, args: &[&str]) -> String {
        git(self.dir(), args)
    }

    fn branches(&self) -> String {
        self.git(&["branch", "--list", "radar/*"])
    }
}

#[test]
fn propose_makes_a_branch_with_the_moves_and_pushes_it() {
    let r = repo(&[
        ("tools/vite.md", VITE),
        ("languages-and-frameworks/tokio.md", TOKIO),
    ]);
    let run = r.radar(&["propose", "--push", "origin"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Branch radar/2026-W48")
            && run.stdout.contains("Vite: adopt → hold")
            && run.stdout.contains("Pushed to origin."),
        "{}",
        run.stdout
    );
    let description = r.dir().join(".git/radar/radar-2026-W48.md");
    assert!(
        run.stdout
            .contains(&format!("PR description: {}", description.display()))
            || run.stdout.contains("PR description: ")
                && run.stdout.contains(".git/radar/radar-2026-W48.md"),
        "{}",
        run.stdout
    );

    // The user's checkout is where it was, with the files as they were.
    assert_eq!(r.git(&["rev-parse", "--abbrev-ref", "HEAD"]).trim(), "main");
    assert_eq!(r.git(&["status", "--porcelain"]).trim(), "");
    assert_eq!(
        std::fs::read_to_string(r.dir().join("entries/tools/vite.md")).unwrap(),
        VITE
    );

    // One commit on top of main, touching only the moved entry.
    assert_eq!(
        r.git(&["rev-list", "--count", "main..radar/2026-W48"])
            .trim(),
        "1"
    );
    assert_eq!(
        r.git(&["diff", "--name-only", "main", "radar/2026-W48"])
            .trim(),
        "entries/tools/vite.md"
    );
    let diff = r.git(&["diff", "main", "radar/2026-W48"]);
    for line in [
        "-ring = \"adopt\"",
        "+ring = \"hold\"",
        "-proposed = \"hold\"",
        "+[[history]]\n+date = 2026-11-25\n+ring = \"hold\"\n+from = \"adopt\"",
        "+verdict = \"accepted\"",
    ] {
        assert!(diff.contains(line), "missing {line:?} in\n{diff}");
    }
    let moved = r.git(&["show", "radar/2026-W48:entries/tools/vite.md"]);
    assert!(moved.ends_with(
        "+++\nOur bundler for every front end. Written by people; the tool keeps it.\n"
    ));
    let message = r.git(&["log", "-1", "--format=%B", "radar/2026-W48"]);
    assert!(
        message.starts_with("radar: 1 proposed ring move (radar/2026-W48)")
            && message.contains("- Vite: adopt -> hold (DEMO-2026-0002 (severity 8.1)"),
        "{message}"
    );

    // The PR text: the table with the reasons that push towards hold (not
    // the release), their links, then the advisory.
    let body = std::fs::read_to_string(&description).unwrap();
    assert!(body.starts_with("## Radar 2026-W48: 1 ring move"), "{body}");
    assert!(
        body.contains(
            "| Vite | adopt | **hold** | DEMO-2026-0002 (severity 8.1) affects 5.4.10, no fix yet | [1](https://example.org/advisories/DEMO-2026-0002) |"
        ),
        "{body}"
    );
    assert!(
        body.contains("### Advisories behind these moves\n\n- Vite: DEMO-2026-0002 (severity 8.1) affects 5.4.10, no fix yet (https://example.org/advisories/DEMO-2026-0002)"),
        "{body}"
    );
    assert!(!body.contains("tokio"), "{body}");

    // --push landed the same commit in the remote.
    assert_eq!(
        git(&r.remote, &["rev-parse", "refs/heads/radar/2026-W48"]).trim(),
        r.git(&["rev-parse", "radar/2026-W48"]).trim()
    );
}

#[test]
fn json_names_the_branch_commit_description_and_moves() {
    let r = repo(&[("tools/vite.md", VITE)]);
    let run = r.radar(&["propose", "--branch", "radar/vite-hold", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = parse_json(&run.stdout);
    assert_eq!(v["branch"], "radar/vite-hold");
    assert_eq!(
        v["commit"].as_str().unwrap(),
        r.git(&["rev-parse", "radar/vite-hold"]).trim()
    );
    assert_eq!(v["moves"], 1);
    assert_eq!(v["pushed_to"], serde_json::Value::Null);
    assert_eq!(v["proposals"][0]["name"], "Vite");
    assert_eq!(v["proposals"][0]["from"], "adopt");
    assert_eq!(v["proposals"][0]["to"], "hold");
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .ends_with("radar-vite-hold.md")
    );
}

#[test]
fn a_hand_edit_to_an_entry_file_is_refused_and_no_branch_is_made() {
    let r = repo(&[("tools/vite.md", VITE)]);
    let path = r.dir().join("entries/tools/vite.md");
    std::fs::write(&path, VITE.replace("Written by people", "Half-written by")).unwrap();
    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("uncommitted edits that `radar update` did not make")
            && run.stderr.contains("entries/tools/vite.md")
            && run.stderr.contains("git stash"),
        "{}",
        run.stderr
    );
    assert_eq!(r.branches().trim(), "");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Half-written by"),
        "the edit is left alone"
    );

    // A deleted entry file is a person's change too.
    r.git(&["checkout", "--", "entries"]);
    std::fs::remove_file(&path).unwrap();
    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("entries/tools/vite.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn nothing_pending_is_refused_with_what_to_do() {
    let r = repo(&[("languages-and-frameworks/tokio.md", TOKIO)]);
    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nothing to propose") && run.stderr.contains("radar update"),
        "{}",
        run.stderr
    );
    assert_eq!(r.branches().trim(), "");

    // A proposal a lead already rejected on the same evidence is not pending.
    let rejected = VITE.replace(
        "[[history]]",
        "[[decision]]\ndate = 2026-11-24\nverdict = \"rejected\"\nproposed = \"hold\"\nevidence = [\"advisory:https://example.org/advisories/DEMO-2026-0002\", \"release:https://github.com/vitejs/vite/releases/tag/v8.0.0\"]\n\n[[history]]",
    );
    let r = repo(&[("tools/vite.md", &rejected)]);
    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("nothing to propose"), "{}", run.stderr);
}

#[test]
fn an_existing_branch_is_refused() {
    let r = repo(&[("tools/vite.md", VITE)]);
    r.git(&["branch", "radar/2026-W48"]);
    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("already exists") && run.stderr.contains("--branch"),
        "{}",
        run.stderr
    );
}

#[test]
fn open_pr_without_gh_prints_the_description_to_paste() {
    let r = repo(&[("tools/vite.md", VITE)]);
    let run = r.radar(&["propose", "--open-pr", "--gh", "/nonexistent/radar-test-gh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Pull request not opened: `gh` (GitHub CLI) is not installed")
            && run
                .stdout
                .contains("----- paste as the PR description -----\n## Radar 2026-W48")
            && run.stdout.contains("| Vite | adopt | **hold** |"),
        "{}",
        run.stdout
    );
    assert!(
        r.branches().contains("radar/2026-W48"),
        "the branch is made"
    );
}

/// A stand-in `gh`: logs its arguments, and answers `auth status` as told.
#[cfg(unix)]
fn fake_gh(dir: &Path, logged_in: bool) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join("gh.log");
    let script = dir.join("gh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nif [ \"$1\" = auth ]; then exit {}; fi\necho https://github.example/acme/radar/pull/7\n",
            log.display(),
            if logged_in { 0 } else { 1 }
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[cfg(unix)]
#[test]
fn open_pr_uses_gh_when_logged_in_and_says_so_when_not() {
    let r = repo(&[("tools/vite.md", VITE)]);
    let bin = tempfile::tempdir().unwrap();
    let gh = fake_gh(bin.path(), false);
    let run = r.radar(&["propose", "--open-pr", "--gh", gh.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("`gh` is not logged in (run `gh auth login`)")
            && run.stdout.contains("paste as the PR description"),
        "{}",
        run.stdout
    );

    let r = repo(&[("tools/vite.md", VITE)]);
    let bin = tempfile::tempdir().unwrap();
    let gh = fake_gh(bin.path(), true);
    let run = r.radar(&[
        "propose",
        "--push",
        "origin",
        "--open-pr",
        "--gh",
        gh.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Pull request: https://github.example/acme/radar/pull/7")
            && !run.stdout.contains("paste"),
        "{}",
        run.stdout
    );
    let calls = std::fs::read_to_string(bin.path().join("gh.log")).unwrap();
    assert!(
        calls.contains(
            "pr create --head radar/2026-W48 --title Radar 2026-W48: 1 ring move --body-file"
        ) && calls.contains(".git/radar/radar-2026-W48.md"),
        "{calls}"
    );
}

/// `radar update` leaves its output uncommitted; propose carries it into
/// the branch and leaves the working tree as it was.
#[test]
fn update_output_left_uncommitted_goes_into_the_branch() {
    let quiet_tokio = TOKIO.to_string();
    let r = repo(&[
        ("tools/vite.md", &VITE.replace("proposed = \"hold\"\n", "")),
        ("languages-and-frameworks/tokio.md", &quiet_tokio),
    ]);
    // What update would write: a proposal on vite, a new score on tokio, a new entry.
    let vite = r.dir().join("entries/tools/vite.md");
    std::fs::write(&vite, VITE).unwrap();
    let tokio = r.dir().join("entries/languages-and-frameworks/tokio.md");
    std::fs::write(&tokio, TOKIO.replace("score = 0.3", "score = 0.35")).unwrap();
    let uv = r.dir().join("entries/tools/uv.md");
    std::fs::write(
        &uv,
        "+++\nname = \"uv\"\nquadrant = \"tools\"\nproposed = \"assess\"\nscore = 0.2\nrule = \"rising, not on the radar → assess\"\nupdated = 2026-11-25\n\n[[signal]]\nkind = \"trend\"\nweight = 0.2\nbecause = \"mentions rising\"\n+++\n",
    )
    .unwrap();
    let before = r.git(&["status", "--porcelain"]);

    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("2 ring moves")
            && run.stdout.contains("uv: new → assess")
            && run
                .stdout
                .contains("radar update's refresh of 1 other entry"),
        "{}",
        run.stdout
    );
    assert_eq!(
        r.git(&["status", "--porcelain"]),
        before,
        "working tree untouched"
    );
    let files = r.git(&["diff", "--name-only", "main", "radar/2026-W48"]);
    assert_eq!(
        files.lines().collect::<Vec<_>>(),
        [
            "entries/languages-and-frameworks/tokio.md",
            "entries/tools/uv.md",
            "entries/tools/vite.md"
        ]
    );
    assert!(
        r.git(&[
            "show",
            "radar/2026-W48:entries/languages-and-frameworks/tokio.md"
        ])
        .contains("score = 0.35")
    );
    assert!(
        r.git(&["show", "radar/2026-W48:entries/tools/uv.md"])
            .contains("ring = \"assess\"")
    );
    let message = r.git(&["log", "-1", "--format=%B", "radar/2026-W48"]);
    assert!(
        message.contains("refreshed scores and signals for 1 other entry"),
        "{message}"
    );
}

#[test]
fn outside_a_git_repository_says_where_to_run_it() {
    let team = TeamRadar::new().entry("tools/vite.md", VITE);
    let out = team
        .command(NOW, &["propose"])
        .env("GIT_CEILING_DIRECTORIES", team.path().parent().unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("is not inside a git repository") && stderr.contains("git init"),
        "{stderr}"
    );
}

/// The whole flow a lead runs: the demo radar committed to git, `radar
/// update` (leaving its output uncommitted), `radar propose --push`.
#[test]
fn demo_then_update_then_propose_lands_a_branch_in_the_remote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("radar");
    let remote = tmp.path().join("remote.git");
    let radar = |args: &[&str]| {
        let out = radar_at(NOW).args(args).output().unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}{stderr}");
        stdout
    };
    radar(&["demo", "--keep", dir.to_str().unwrap()]);
    std::fs::write(dir.join(".gitignore"), "index/\n").unwrap();
    git(
        tmp.path(),
        &["init", "--quiet", "--bare", remote.to_str().unwrap()],
    );
    git_init(&dir);
    git_commit_all(&dir, "demo radar");

    let config = dir.join("radar.toml");
    let config = config.to_str().unwrap();
    radar(&["--config", config, "update"]);
    let pending = radar(&["--config", config, "review", "list", "--json"]);
    let pending = parse_json(&pending);
    let names = strs(&pending, "name");
    assert!(!names.is_empty(), "the demo data yields proposals");
    let status_before = git(&dir, &["status", "--porcelain"]);

    let out = radar(&[
        "--config",
        config,
        "propose",
        "--push",
        remote.to_str().unwrap(),
    ]);
    assert!(out.contains("Branch radar/2026-W48"), "{out}");
    assert_eq!(git(&dir, &["status", "--porcelain"]), status_before);
    let message = git(&remote, &["log", "-1", "--format=%B", "radar/2026-W48"]);
    for name in &names {
        assert!(message.contains(&format!("- {name}: ")), "{message}");
    }
    let body = std::fs::read_to_string(dir.join(".git/radar/radar-2026-W48.md")).unwrap();
    for name in &names {
        assert!(body.contains(&format!("| {name} |")), "{body}");
    }
    // In the branch nothing is pending any more: every move was accepted.
    let check = tmp.path().join("check");
    git(
        tmp.path(),
        &[
            "clone",
            "--quiet",
            "--branch",
            "radar/2026-W48",
            remote.to_str().unwrap(),
            check.to_str().unwrap(),
        ],
    );
    let after = radar(&[
        "--config",
        check.join("radar.toml").to_str().unwrap(),
        "review",
        "list",
        "--json",
    ]);
    assert_eq!(after.trim(), "[]");
}

/// The radar may live in a folder of a bigger repository; files in the
/// entries folder that are not entries (an editor's swap file) are no
/// reason to refuse.
#[test]
fn a_radar_in_a_subfolder_and_stray_files_beside_the_entries() {
    let team = TeamRadar::in_folder("platform/radar").entry("tools/vite.md", VITE);
    let top = team.root().join("platform");
    let radar_dir = team.path();
    std::fs::write(top.join("README.md"), "platform team\n").unwrap();
    git_init(&top);
    git_commit_all(&top, "platform");
    std::fs::write(radar_dir.join("entries/tools/.vite.md.swp"), "swap").unwrap();
    std::fs::write(top.join("README.md"), "edited outside the radar\n").unwrap();

    let out = radar_at(NOW)
        .args(["--config", "radar/radar.toml", "propose"])
        .current_dir(&top)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        git(&top, &["diff", "--name-only", "main", "radar/2026-W48"]).trim(),
        "radar/entries/tools/vite.md"
    );
    assert!(
        git(
            &top,
            &["show", "radar/2026-W48:radar/entries/tools/vite.md"]
        )
        .contains("ring = \"hold\"")
    );
    assert!(radar_dir.join("entries/tools/.vite.md.swp").is_file());
}

/// What a `radar propose` killed with SIGKILL leaves (its temp worktree,
/// still registered, and the branch it made) does not block the next one:
/// the leftover worktree goes, a branch killed before its commit (it
/// carries nothing) goes, and one that got its commit is kept whole.
#[test]
fn leftovers_of_a_killed_propose_do_not_block_the_next() {
    let r = repo(&[("tools/vite.md", VITE)]);
    // pid_max is at most 2^22: these pids run no process.
    let scratch = r.team.root().join("scratch");
    let half = scratch.join("radar-propose-4999999-aB3xYz/wt");
    let whole = scratch.join("radar-propose-4999998-cD4eFg/wt");
    let add = |wt: &Path, branch: &str| {
        std::fs::create_dir_all(wt.parent().unwrap()).unwrap();
        r.git(&[
            "worktree",
            "add",
            "--quiet",
            "-b",
            branch,
            wt.to_str().unwrap(),
            "HEAD",
        ]);
    };
    // Killed right after `git worktree add`, under the default name.
    add(&half, "radar/2026-W48");
    // Killed after the commit, before cleaning up.
    add(&whole, "radar/earlier");
    std::fs::write(whole.join("note.md"), "moved\n").unwrap();
    git(&whole, &["add", "note.md"]);
    git(&whole, &["commit", "--quiet", "-m", "radar: earlier moves"]);

    let run = r.radar(&["propose"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Branch radar/2026-W48"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("killed radar propose"),
        "{}",
        run.stderr
    );
    let worktrees = r.git(&["worktree", "list", "--porcelain"]);
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{worktrees}");
    assert!(!half.exists() && !whole.exists());
    // The new branch has the move; the whole one is kept as it was.
    let log = r.git(&["log", "--format=%s", "main..radar/2026-W48"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    let kept = r.git(&["log", "--format=%s", "main..radar/earlier"]);
    assert_eq!(kept.trim(), "radar: earlier moves");
}
