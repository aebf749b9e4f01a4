//! uv.lock. Editable, virtual, path, directory and workspace sources are
//! local (the project and its members); git sources are git; `url` is a
//! URL. The project's own packages (editable or virtual) list the direct
//! dependencies, and their `dev-dependencies` groups the dev ones.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::super::read::{empty, package, toml_packages};
use super::super::{Dependency, Lockfile, PackageSource, StackError};
use crate::model::canonical_name;

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    #[serde(default)]
    dependencies: Vec<RawDep>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: HashMap<String, Vec<RawDep>>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: HashMap<String, Vec<RawDep>>,
}

#[derive(Deserialize)]
struct RawDep {
    name: String,
    version: Option<String>,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let packages: Vec<RawPackage> = toml_packages(path, text, "uv.lock")?;
    let mut lock = empty(path);
    let local = |p: &RawPackage| {
        ["editable", "virtual", "path", "directory", "workspace"]
            .iter()
            .any(|k| p.source.contains_key(*k))
    };
    let mut runtime = HashSet::new();
    let mut dev = HashSet::new();
    for p in packages.iter().filter(|p| local(p)) {
        runtime.extend(
            p.dependencies
                .iter()
                .map(|d| canonical_name("PyPI", &d.name)),
        );
        for deps in p.optional_dependencies.values() {
            runtime.extend(deps.iter().map(|d| canonical_name("PyPI", &d.name)));
        }
        for deps in p.dev_dependencies.values() {
            dev.extend(deps.iter().map(|d| canonical_name("PyPI", &d.name)));
        }
    }
    let has_root = packages.iter().any(local);
    for p in &packages {
        let name = canonical_name("PyPI", &p.name);
        let source = if local(p) {
            if p.source.contains_key("path") || p.source.contains_key("directory") {
                PackageSource::Path
            } else {
                PackageSource::Workspace
            }
        } else if p.source.contains_key("git") {
            PackageSource::Git
        } else if p.source.contains_key("url") {
            PackageSource::Url
        } else {
            PackageSource::Registry
        };
        let version = p.version.clone().unwrap_or_default();
        let mut pkg = package("PyPI", name.clone(), version, source, path);
        if has_root {
            let (r, d) = (runtime.contains(&name), dev.contains(&name));
            pkg.direct = Some(r || d);
            pkg.dev = (r || d).then_some(d && !r);
        }
        if let Some(git) = p.source.get("git").and_then(toml::Value::as_str) {
            pkg.detail = git.rsplit_once('#').map(|(_, c)| format!("commit {c}"));
        }
        pkg.depends = p
            .dependencies
            .iter()
            .chain(p.dev_dependencies.values().flatten())
            .map(|d| Dependency {
                name: canonical_name("PyPI", &d.name),
                version: d.version.clone(),
            })
            .collect();
        lock.packages.push(pkg);
    }
    Ok(lock)
}
