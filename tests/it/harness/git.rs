//! `git` as the tests run it: one identity ("Test Lead"), no signing, so a
//! developer's global git config cannot make a commit fail.

use std::path::Path;
use std::process::{Command, Output};

const AS_TEST_LEAD: [&str; 6] = [
    "-c",
    "user.name=Test Lead",
    "-c",
    "user.email=lead@example.org",
    "-c",
    "commit.gpgsign=false",
];

/// `git <args>` in `dir`, whatever its outcome.
pub fn git_output(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(AS_TEST_LEAD)
        .args(args)
        .output()
        .expect("git runs")
}

/// `git <args>` in `dir`: its stdout; panics with its stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_output(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository in `dir` on branch main, configured so that the commits
/// `radar` itself makes there are the Test Lead's too.
pub fn git_init(dir: &Path) {
    git(dir, &["init", "--quiet", "-b", "main"]);
    git(dir, &["config", "user.name", "Test Lead"]);
    git(dir, &["config", "user.email", "lead@example.org"]);
    git(dir, &["config", "commit.gpgsign", "false"]);
}

/// Stages everything in `dir` and commits it.
pub fn git_commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", message]);
}
