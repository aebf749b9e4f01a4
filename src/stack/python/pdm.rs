//! pdm.lock: `[[package]]` with name, version and `groups` (`default` is
//! runtime; anything else, like `dev` or `test`, is dev). Git packages
//! carry `git` and `revision`; local ones `path`.

use serde::Deserialize;
use std::path::Path;

use super::super::read::{empty, package, toml_packages};
use super::super::{Dependency, Lockfile, PackageSource, StackError};
use crate::model::canonical_name;

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    groups: Option<Vec<String>>,
    git: Option<String>,
    revision: Option<String>,
    path: Option<String>,
    url: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let packages: Vec<RawPackage> = toml_packages(path, text, "pdm.lock")?;
    let mut lock = empty(path);
    for p in packages {
        let source = if p.git.is_some() {
            PackageSource::Git
        } else if p.path.is_some() {
            PackageSource::Path
        } else if p.url.is_some() {
            PackageSource::Url
        } else {
            PackageSource::Registry
        };
        let mut pkg = package(
            "PyPI",
            canonical_name("PyPI", &p.name),
            p.version,
            source,
            path,
        );
        pkg.dev = p.groups.as_ref().map(|g| !g.iter().any(|g| g == "default"));
        pkg.detail = p.revision.map(|r| format!("commit {r}"));
        pkg.depends = p
            .dependencies
            .iter()
            .map(|d| {
                let end = d
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                    .unwrap_or(d.len());
                Dependency {
                    name: canonical_name("PyPI", &d[..end]),
                    version: None,
                }
            })
            .collect();
        lock.packages.push(pkg);
    }
    Ok(lock)
}
