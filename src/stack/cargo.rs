//! Cargo.lock v1, v2, v3 and v4, read into `cargo-lock`'s own types.
//!
//! Only `[[package]]` name, version and source are needed, so the file is
//! deserialized into those fields (`cargo_lock::Name`, `semver::Version`,
//! `cargo_lock::SourceId`, the same parsing `cargo_lock::Lockfile` does)
//! without resolving every `dependencies` entry: that resolution is most
//! of `Lockfile::from_str`'s time (a URL parse per dependency) and audit
//! has no use for the graph.
//!
//! A package without `source` is a workspace member or path dependency; a
//! `git+` source is git; a registry other than crates.io keeps its URL so
//! audit can skip it (its crates are not the ones advisories describe).

use serde::Deserialize;
use std::path::Path;

use super::{Lockfile, Package, PackageSource, StackError};

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<RawPackage>,
    /// Very old (v1) lockfiles keep the workspace root apart.
    root: Option<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: cargo_lock::Name,
    version: semver::Version,
    source: Option<cargo_lock::SourceId>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: RawLock = toml::from_str(text).map_err(|e| error(path, text, &e))?;
    let packages = raw
        .root
        .into_iter()
        .chain(raw.package)
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
                direct: None,
                dev: None,
                depends: Vec::new(),
                lockfile: path.to_path_buf(),
                detail: None,
            }
        })
        .collect();
    Ok(Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages,
        skipped: Vec::new(),
    })
}

fn error(path: &Path, text: &str, e: &toml::de::Error) -> StackError {
    let message = format!(
        "not a valid Cargo.lock: {}",
        e.message().trim().replace('`', "\"")
    );
    match e.span() {
        Some(span) => StackError::Parse {
            path: path.to_path_buf(),
            line: text[..span.start.min(text.len())].matches('\n').count() + 1,
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
