//! What the team runs: packages from lockfiles and `stack.toml` `[[tech]]`
//! entries, each with its ecosystem, name, exact version and source.
//!
//! One reader per lockfile format (`cargo.rs`, `npm.rs`, `pip.rs`,
//! `gomod.rs`); this file picks the reader and defines the shared types.
//! Readers only read: they never touch the index or decide what is
//! vulnerable. A malformed lockfile is an error naming the file and line;
//! an entry the audit cannot use (an unpinned requirement) is a
//! [`Skipped`] note, not an error.

mod cargo;
mod gomod;
mod npm;
mod pip;
mod registry;

pub use registry::yanked_from_crates_index;

use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::config::TechConfig;
use crate::model::{canonical_name, package_key};

#[derive(Debug, Error)]
pub enum StackError {
    #[error(
        "{path}: cannot read: {source}. Check the [[lockfile]] path in stack.toml or --lockfile"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{path}: not a lockfile radar reads. Supported: Cargo.lock, package-lock.json (or npm-shrinkwrap.json), requirements*.txt, go.mod; keep that in the file name"
    )]
    UnknownFormat { path: PathBuf },
}

/// Where a package comes from. Only registry packages are matched against
/// advisories (as cargo-audit does); the others are listed as skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageSource {
    Registry,
    Path,
    Git,
}

/// One package at one exact version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// OSV ecosystem name: `crates.io`, `npm`, `PyPI`, `Go`, `Maven`, …
    pub ecosystem: String,
    /// As the lockfile spells it (PyPI names are normalised in [`Package::key`]).
    pub name: String,
    pub version: String,
    pub source: PackageSource,
    /// A registry other than the ecosystem's default (a private Cargo
    /// registry): its advisories are not the public database's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The lockfile (or stack.toml) it came from.
    pub lockfile: PathBuf,
    /// Where in the lockfile: an npm install path, a requirements marker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Package {
    /// `ecosystem/name`, the key advisories are indexed under.
    pub fn key(&self) -> String {
        package_key(
            &self.ecosystem,
            &canonical_name(&self.ecosystem, &self.name),
        )
    }
}

/// A line or entry that names a package but cannot be audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub package: String,
    pub version: Option<String>,
    pub reason: String,
    pub lockfile: PathBuf,
}

/// One lockfile, read.
#[derive(Debug, Clone)]
pub struct Lockfile {
    pub path: PathBuf,
    pub packages: Vec<Package>,
    pub skipped: Vec<Skipped>,
}

/// Lockfile formats, recognised by file name (then by content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cargo,
    Npm,
    Requirements,
    GoMod,
}

pub fn format_of(path: &Path, text: &str) -> Option<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with("cargo.lock") {
        return Some(Format::Cargo);
    }
    if name.ends_with(".json") && (name.contains("package-lock") || name.contains("shrinkwrap")) {
        return Some(Format::Npm);
    }
    if name.ends_with("go.mod") {
        return Some(Format::GoMod);
    }
    if name.ends_with(".txt") && name.contains("requirements") {
        return Some(Format::Requirements);
    }
    // Unusual names: look at the content.
    let head = text.trim_start();
    if head.starts_with('{') && text.contains("\"lockfileVersion\"") {
        Some(Format::Npm)
    } else if text.contains("[[package]]") {
        Some(Format::Cargo)
    } else if head.starts_with("module ") {
        Some(Format::GoMod)
    } else {
        None
    }
}

/// Reads one lockfile from disk.
pub fn read_lockfile(path: &Path) -> Result<Lockfile, StackError> {
    let text = std::fs::read_to_string(path).map_err(|source| StackError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_lockfile(path, &text)
}

/// Parses lockfile text; `path` names it in errors and in each package.
pub fn parse_lockfile(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let format = format_of(path, text).ok_or_else(|| StackError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    let mut lock = match format {
        Format::Cargo => cargo::parse(path, text)?,
        Format::Npm => npm::parse(path, text)?,
        Format::Requirements => pip::parse(path, text)?,
        Format::GoMod => gomod::parse(path, text)?,
    };
    lock.packages.sort_by(|a, b| {
        (&a.ecosystem, &a.name, &a.version, &a.detail).cmp(&(
            &b.ecosystem,
            &b.name,
            &b.version,
            &b.detail,
        ))
    });
    Ok(lock)
}

/// Everything to audit: the packages of every lockfile, plus `[[tech]]`
/// entries with a `package` and `version` that no lockfile already lists.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub lockfiles: Vec<PathBuf>,
    pub packages: Vec<Package>,
    pub skipped: Vec<Skipped>,
}

/// Reads every lockfile (the first malformed one is the error) and adds
/// the versioned `[[tech]]` packages from `stack_path`.
pub fn inventory(
    lockfiles: &[PathBuf],
    techs: &[TechConfig],
    stack_path: Option<&Path>,
) -> Result<Inventory, StackError> {
    let mut inv = Inventory::default();
    for path in lockfiles {
        let lock = read_lockfile(path)?;
        inv.lockfiles.push(lock.path);
        inv.packages.extend(lock.packages);
        inv.skipped.extend(lock.skipped);
    }
    let stack_file = stack_path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("stack.toml"));
    let locked: std::collections::HashSet<String> = inv.packages.iter().map(Package::key).collect();
    for t in techs {
        let Some(key) = &t.package else { continue };
        let Some((ecosystem, name)) = key.split_once('/') else {
            continue;
        };
        let probe = Package {
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: String::new(),
            source: PackageSource::Registry,
            registry: None,
            lockfile: stack_file.clone(),
            detail: Some(format!("[[tech]] {}", t.name)),
        };
        if locked.contains(&probe.key()) {
            continue;
        }
        match &t.version {
            Some(v) => inv.packages.push(Package {
                version: v.clone(),
                ..probe
            }),
            None => inv.skipped.push(Skipped {
                package: key.clone(),
                version: None,
                reason: format!(
                    "[[tech]] {:?} has no version and no lockfile lists it",
                    t.name
                ),
                lockfile: stack_file.clone(),
            }),
        }
    }
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name_then_content() {
        let p = |n: &str| PathBuf::from(n);
        assert_eq!(
            format_of(&p("x/ripgrep-Cargo.lock"), ""),
            Some(Format::Cargo)
        );
        assert_eq!(
            format_of(&p("express-package-lock-v1.json"), ""),
            Some(Format::Npm)
        );
        assert_eq!(
            format_of(&p("requirements-dev.txt"), ""),
            Some(Format::Requirements)
        );
        assert_eq!(format_of(&p("go.mod"), ""), Some(Format::GoMod));
        assert_eq!(
            format_of(&p("deps.lock"), "version = 3\n[[package]]\n"),
            Some(Format::Cargo)
        );
        assert_eq!(format_of(&p("notes.md"), "hello"), None);
    }

    #[test]
    fn techs_fill_in_what_lockfiles_do_not_list() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("requirements.txt");
        std::fs::write(&lock, "Django==4.2.1\n").unwrap();
        let tech = |name: &str, package: &str, version: Option<&str>| TechConfig {
            name: name.into(),
            quadrant: crate::model::Quadrant::Tools,
            ring: crate::model::Ring::Adopt,
            package: Some(package.into()),
            version: version.map(str::to_string),
            aliases: vec![],
            repo: None,
            eol: None,
        };
        let inv = inventory(
            &[lock],
            &[
                tech("django", "PyPI/django", Some("3.0")),
                tech("tokio", "crates.io/tokio", Some("1.38.0")),
                tech("serde", "crates.io/serde", None),
            ],
            Some(Path::new("/team/stack.toml")),
        )
        .unwrap();
        let keys: Vec<(String, String)> = inv
            .packages
            .iter()
            .map(|p| (p.key(), p.version.clone()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("PyPI/django".to_string(), "4.2.1".to_string()),
                ("crates.io/tokio".to_string(), "1.38.0".to_string())
            ]
        );
        assert_eq!(inv.skipped.len(), 1);
        assert_eq!(inv.skipped[0].package, "crates.io/serde");
    }
}
