//! poetry.lock (lock-version 1.x and 2.x).
//!
//! `category = "dev"` (1.x) or `groups` without `main` (2.1+) mark dev
//! packages; lockfiles with neither leave dev null. A `git` source is
//! git, `directory`/`file` are local, `url` is a URL; `legacy` is a private
//! index of the same packages, kept as registry with its URL.

use serde::Deserialize;
use std::path::Path;

use super::super::read::{empty, package, toml_packages};
use super::super::{Dependency, Lockfile, PackageSource, StackError};
use crate::model::canonical_name;

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    category: Option<String>,
    /// lock-version 2.1+ (Poetry 2): the dependency groups.
    groups: Option<Vec<String>>,
    source: Option<RawSource>,
    #[serde(default)]
    dependencies: toml::Table,
}

#[derive(Deserialize)]
struct RawSource {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    resolved_reference: Option<String>,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let packages: Vec<RawPackage> = toml_packages(path, text, "poetry.lock")?;
    let mut lock = empty(path);
    for p in packages {
        let (source, registry) = match p.source.as_ref().map(|s| s.kind.as_str()) {
            Some("git") => (PackageSource::Git, None),
            Some("directory" | "file") => (PackageSource::Path, None),
            Some("url") => (PackageSource::Url, None),
            Some("legacy") => (
                PackageSource::Registry,
                p.source.as_ref().and_then(|s| s.url.clone()),
            ),
            _ => (PackageSource::Registry, None),
        };
        let mut pkg = package(
            "PyPI",
            canonical_name("PyPI", &p.name),
            p.version,
            source,
            path,
        );
        // A legacy source is usually a mirror of PyPI: audit it as PyPI,
        // but say where it came from.
        pkg.detail = registry.map(|u| format!("index {u}")).or_else(|| {
            p.source
                .and_then(|s| s.resolved_reference)
                .map(|c| format!("commit {c}"))
        });
        pkg.dev = match (p.category, p.groups) {
            (Some(c), _) => Some(c == "dev"),
            (None, Some(g)) => Some(!g.iter().any(|g| g == "main")),
            (None, None) => None,
        };
        pkg.depends = p
            .dependencies
            .keys()
            .map(|n| Dependency {
                name: canonical_name("PyPI", n),
                version: None,
            })
            .collect();
        lock.packages.push(pkg);
    }
    Ok(lock)
}
