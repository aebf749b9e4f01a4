//! Pipfile.lock: `default` (runtime) and `develop` (dev) sections, each a
//! map of name → {version: "==1.2.3"} or a git/path/editable entry. Every
//! entry in them is a direct or transitive pin; the file does not say which.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::super::read::{empty, json, package};
use super::super::{Lockfile, PackageSource, Skipped, StackError};
use crate::model::canonical_name;

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    default: BTreeMap<String, RawEntry>,
    #[serde(default)]
    develop: BTreeMap<String, RawEntry>,
}

#[derive(Deserialize)]
struct RawEntry {
    version: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    path: Option<String>,
    file: Option<String>,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    if text.trim().is_empty() {
        return Ok(lock);
    }
    let raw: Raw = json(path, text, "Pipfile.lock")?;
    for (section, dev) in [(&raw.default, false), (&raw.develop, true)] {
        for (name, e) in section {
            let name = canonical_name("PyPI", name);
            let source = if e.git.is_some() {
                PackageSource::Git
            } else if e.path.is_some() {
                PackageSource::Path
            } else if e.file.is_some() {
                PackageSource::Url
            } else {
                PackageSource::Registry
            };
            let version = e
                .version
                .as_deref()
                .map(|v| v.trim_start_matches("==").to_string());
            let Some(version) = version.filter(|v| !v.is_empty()) else {
                lock.skipped.push(Skipped {
                    package: format!("PyPI/{name}"),
                    version: None,
                    reason: match (&e.git, &e.git_ref) {
                        (Some(g), Some(r)) => format!("git {g} at {r}, no version pinned"),
                        _ => "no pinned version".into(),
                    },
                    lockfile: path.to_path_buf(),
                });
                continue;
            };
            // Present in both sections: runtime wins.
            if let Some(old) = lock
                .packages
                .iter_mut()
                .find(|p| p.name == name && p.version == version)
            {
                old.dev = Some(old.dev == Some(true) && dev);
                continue;
            }
            let mut p = package("PyPI", name, version, source, path);
            p.dev = Some(dev);
            lock.packages.push(p);
        }
    }
    Ok(lock)
}
