//! `radar stack` through the binary: the JSON shape, a malformed lockfile
//! (exit 2, file and line named) and an unknown one.

use crate::harness::radar;
use serde_json::Value;

const NOW: &str = "2026-03-02T09:00:00Z";

const PNPM: &str = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n    devDependencies:\n      '@types/node':\n        specifier: ^20\n        version: 20.1.0\npackages:\n  left-pad@1.3.0:\n    resolution: {integrity: x}\n  '@types/node@20.1.0':\n    resolution: {integrity: x}\nsnapshots:\n  left-pad@1.3.0: {}\n  '@types/node@20.1.0': {}\n";

#[test]
fn json_lists_lockfiles_and_packages() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("pnpm-lock.yaml");
    std::fs::write(&lock, PNPM).unwrap();
    let out = radar(NOW)
        .current_dir(dir.path())
        .args(["stack", "--lockfile", "pnpm-lock.yaml", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["lockfiles"][0]["kind"], "pnpm-lock.yaml");
    assert_eq!(v["lockfiles"][0]["packages"], 2);
    let pkgs = v["packages"].as_array().unwrap();
    let keys: Vec<&str> = pkgs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "dev",
            "direct",
            "ecosystem",
            "lockfile",
            "name",
            "source",
            "version"
        ]
    );
    let row = |n: &str| pkgs.iter().find(|p| p["name"] == n).unwrap();
    assert_eq!(row("left-pad")["dev"], false);
    assert_eq!(row("@types/node")["dev"], true);
    assert_eq!(row("@types/node")["direct"], true);
    assert_eq!(row("left-pad")["source"], "registry");
}

#[test]
fn malformed_and_unknown_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("poetry.lock"),
        "[[package]]\nname = \"x\"\nversion = 1.0\n",
    )
    .unwrap();
    let out = radar(NOW)
        .current_dir(dir.path())
        .args(["stack", "--lockfile", "poetry.lock"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("poetry.lock:3:"), "{err}");

    std::fs::write(dir.path().join("deps.txt"), "hello").unwrap();
    let out = radar(NOW)
        .current_dir(dir.path())
        .args(["stack", "--lockfile", "deps.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("deps.txt: not a lockfile radar reads. Supported:")
            && err.contains("pnpm-lock.yaml"),
        "{err}"
    );
}

/// `radar stack --json | head -1`: the reader closes the pipe after one
/// line (and `radar demo | head -1`). The output (thousands of packages) is far past a pipe's buffer, so
/// the binary is still writing when the read end goes: it must end quietly
/// (exit 0, nothing on stderr), not panic with "failed printing to stdout".
#[test]
fn closed_stdout_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("lockfileVersion: '9.0'\npackages:\n");
    for i in 0..4000 {
        text.push_str(&format!(
            "  pkg-{i}@1.0.{i}:\n    resolution: {{integrity: x}}\n"
        ));
    }
    std::fs::write(dir.path().join("pnpm-lock.yaml"), text).unwrap();
    let demo = dir.path().join("demo");
    let demo = demo.to_str().unwrap();
    for args in [
        // Writes as it goes (its own writer, not emit): a short output, so
        // the pipe may still hold it all; it must not fail either way.
        &["demo", "--keep", demo][..],
        &["stack", "--lockfile", "pnpm-lock.yaml", "--json"][..],
        &["stack", "--lockfile", "pnpm-lock.yaml"][..],
        &[
            "stack",
            "--lockfile",
            "pnpm-lock.yaml",
            "--format",
            "cyclonedx",
        ][..],
    ] {
        let mut child = radar(NOW)
            .current_dir(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{args:?}: no first line");
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
