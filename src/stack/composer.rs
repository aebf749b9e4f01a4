//! composer.lock: `packages` (runtime) and `packages-dev` (dev). Versions
//! are kept as written, leading `v` included, as OSV's Packagist records
//! are. A `path` dist is local; a package with only a VCS source is git.
//! Which are direct is in composer.json, not here: `direct` is null.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::read::{empty, json, package};
use super::{Dependency, Lockfile, PackageSource, StackError};

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    packages: Option<Vec<RawPackage>>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Option<Vec<RawPackage>>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    source: Option<RawRef>,
    dist: Option<RawRef>,
    #[serde(default)]
    require: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawRef {
    #[serde(rename = "type")]
    kind: Option<String>,
    reference: Option<String>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: Raw = json(path, text, "composer.lock")?;
    let mut lock = empty(path);
    let sections = [(raw.packages, false), (raw.packages_dev, true)];
    for (list, dev) in sections {
        for p in list.into_iter().flatten() {
            let dist = p.dist.as_ref().and_then(|d| d.kind.as_deref());
            let source = match dist {
                Some("path") => PackageSource::Path,
                Some(_) => PackageSource::Registry,
                None if p.source.is_some() => PackageSource::Git,
                None => PackageSource::Registry,
            };
            let mut pkg = package("Packagist", p.name, p.version, source, path);
            pkg.dev = Some(dev);
            pkg.detail = p
                .source
                .and_then(|s| s.reference)
                .or_else(|| p.dist.and_then(|d| d.reference))
                .map(|c| format!("commit {c}"));
            pkg.depends = p
                .require
                .keys()
                // php and ext-* are the platform, not packages.
                .filter(|n| n.contains('/'))
                .map(|n| Dependency {
                    name: n.clone(),
                    version: None,
                })
                .collect();
            lock.packages.push(pkg);
        }
    }
    Ok(lock)
}
