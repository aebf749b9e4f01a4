//! Cargo.lock v1, v2 and v3 (and v4), through the `cargo-lock` crate.
//!
//! A package without `source` is a workspace member or path dependency; a
//! `git+` source is git; a registry other than crates.io keeps its URL so
//! audit can skip it (its crates are not the ones advisories describe).

use std::path::Path;
use std::str::FromStr;

use super::{Lockfile, Package, PackageSource, StackError};

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let lock = cargo_lock::Lockfile::from_str(text).map_err(|e| error(path, &e))?;
    let packages = lock
        .packages
        .into_iter()
        .map(|p| {
            let (source, registry) = match &p.source {
                None => (PackageSource::Path, None),
                Some(s) if s.is_git() => (PackageSource::Git, None),
                Some(s) if s.is_path() => (PackageSource::Path, None),
                Some(s) if s.is_default_registry() => (PackageSource::Registry, None),
                Some(s) => (PackageSource::Registry, Some(s.url().to_string())),
            };
            Package {
                ecosystem: "crates.io".into(),
                name: p.name.as_str().to_string(),
                version: p.version.to_string(),
                source,
                registry,
                lockfile: path.to_path_buf(),
                detail: None,
            }
        })
        .collect();
    Ok(Lockfile {
        path: path.to_path_buf(),
        packages,
        skipped: Vec::new(),
    })
}

/// cargo-lock reports TOML errors as "TOML parse error at line N, column M"
/// followed by a snippet and the message; keep the line and the message.
fn error(path: &Path, e: &cargo_lock::Error) -> StackError {
    let text = e.to_string();
    let line = text.split_once("at line ").and_then(|(_, rest)| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<usize>().ok()
    });
    // The last non-snippet line is the message proper.
    let message = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('|') && !l.contains(" | ") && *l != "|")
        .unwrap_or(&text)
        .trim_start_matches("parse error: ")
        .to_string();
    let message = format!("not a valid Cargo.lock: {message}");
    match line {
        Some(line) => StackError::Parse {
            path: path.to_path_buf(),
            line,
            message,
        },
        None => StackError::Invalid {
            path: path.to_path_buf(),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde", "forked"]

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"

[[package]]
name = "forked"
version = "0.3.0-beta.1"
source = "git+https://github.com/someone/forked?branch=main#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "private"
version = "2.0.0"
source = "registry+https://example.com/index"
"#;

    #[test]
    fn sources_are_told_apart() {
        let l = parse(Path::new("Cargo.lock"), LOCK).unwrap();
        let by_name = |n: &str| l.packages.iter().find(|p| p.name == n).unwrap();
        assert_eq!(by_name("app").source, PackageSource::Path);
        assert_eq!(by_name("serde").source, PackageSource::Registry);
        assert_eq!(by_name("serde").registry, None);
        assert_eq!(by_name("forked").source, PackageSource::Git);
        assert_eq!(by_name("forked").version, "0.3.0-beta.1");
        assert!(by_name("private").registry.is_some());
    }

    #[test]
    fn errors_name_the_line() {
        let bad = LOCK.replace("version = \"1.0.200\"", "version = 1.0.200");
        let e = parse(Path::new("Cargo.lock"), &bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("Cargo.lock:10: not a valid Cargo.lock"),
            "{e}"
        );
        let bad_version = LOCK.replace("\"1.0.200\"", "\"1.x\"");
        let e = parse(Path::new("Cargo.lock"), &bad_version)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Cargo.lock:10:"), "{e}");
    }
}
