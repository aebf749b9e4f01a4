//! What the team runs: packages from lockfiles and `stack.toml` `[[tech]]`
//! entries, each with its ecosystem, name, exact version and source.
//!
//! One reader per lockfile format (`cargo.rs`, `npm.rs`, `js/`, `python/`,
//! `jvm/`, `sbom/`, …); this file picks the reader and defines the shared
//! types.
//! Readers only read: they never touch the index or decide what is
//! vulnerable. A malformed lockfile is an error naming the file and line;
//! an entry the audit cannot use (an unpinned requirement) is a
//! [`Skipped`] note, not an error.

mod cargo;
mod cargo_manifest;
mod composer;
mod gemfile;
mod gomod;
mod js;
mod jvm;
mod mixlock;
mod npm;
mod nuget;
mod pip;
mod pubspec;
mod purl;
mod python;
mod read;
mod registry;
mod sbom;

pub use purl::{purl, purl_type};
pub use registry::yanked_from_crates_index;

use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::config::TechConfig;
use crate::model::{canonical_name, package_key};

#[derive(Debug, Error)]
pub enum StackError {
    #[error("{path}: cannot read (check the [[lockfile]] path in stack.toml or --lockfile)")]
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
        "{path}: not a lockfile radar reads. Supported: {}; keep that in the file name",
        SUPPORTED
    )]
    UnknownFormat { path: PathBuf },
}

/// Where a package comes from. Only registry packages are matched against
/// advisories (as cargo-audit does); the others are listed as skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageSource {
    Registry,
    Git,
    /// A tarball or archive fetched from a URL, not from the registry.
    Url,
    /// A local folder (`path = …`, `file:`, `link:`).
    Path,
    /// A member of the project's own workspace.
    Workspace,
}

impl PackageSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageSource::Registry => "registry",
            PackageSource::Git => "git",
            PackageSource::Url => "url",
            PackageSource::Path => "path",
            PackageSource::Workspace => "workspace",
        }
    }
}

/// One dependency edge as the lockfile records it: the name and, where the
/// lockfile says it, the exact version (else the one version of that name
/// in the same lockfile is meant).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dependency {
    pub name: String,
    pub version: Option<String>,
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
    /// Declared by the project itself (`None`: the format cannot tell).
    pub direct: Option<bool>,
    /// Only needed to develop or test (`None`: the format cannot tell).
    pub dev: Option<bool>,
    /// The packages this one depends on, where the lockfile records edges.
    #[serde(skip)]
    pub depends: Vec<Dependency>,
    /// The lockfile (or stack.toml) it came from.
    pub lockfile: PathBuf,
    /// Where in the lockfile: an npm install path, a requirements marker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Package {
    /// `ecosystem/name`, the key advisories are indexed under.
    pub fn key(&self) -> String {
        if self.ecosystem == "PyPI" {
            package_key(
                &self.ecosystem,
                &canonical_name(&self.ecosystem, &self.name),
            )
        } else {
            // canonical_name's answer outside PyPI, without its copy.
            package_key(&self.ecosystem, self.name.trim())
        }
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
    /// Its format, as [`Format::kind`] names it.
    pub kind: &'static str,
    pub packages: Vec<Package>,
    pub skipped: Vec<Skipped>,
}

/// The file names radar recognises, for error messages and help.
pub const SUPPORTED: &str = "Cargo.lock, package-lock.json (or npm-shrinkwrap.json), pnpm-lock.yaml, yarn.lock, requirements*.txt, poetry.lock, uv.lock, Pipfile.lock, pdm.lock, Gemfile.lock (or gems.locked), composer.lock, go.mod, bun.lock, gradle.lockfile, pom.xml, packages.lock.json, pubspec.lock, mix.lock, CycloneDX JSON (*.cdx.json, bom.json), SPDX JSON (*.spdx.json)";

/// Lockfile formats, recognised by file name (then by content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cargo,
    Npm,
    Pnpm,
    Yarn,
    Requirements,
    Poetry,
    Uv,
    Pipfile,
    Pdm,
    Gemfile,
    Composer,
    GoMod,
    Bun,
    Gradle,
    Pom,
    NuGet,
    Pubspec,
    MixLock,
    CycloneDx,
    Spdx,
}

impl Format {
    /// The kind as `radar stack` prints it: the file name it is known by.
    pub fn kind(self) -> &'static str {
        match self {
            Format::Cargo => "Cargo.lock",
            Format::Npm => "package-lock.json",
            Format::Pnpm => "pnpm-lock.yaml",
            Format::Yarn => "yarn.lock",
            Format::Requirements => "requirements.txt",
            Format::Poetry => "poetry.lock",
            Format::Uv => "uv.lock",
            Format::Pipfile => "Pipfile.lock",
            Format::Pdm => "pdm.lock",
            Format::Gemfile => "Gemfile.lock",
            Format::Composer => "composer.lock",
            Format::GoMod => "go.mod",
            Format::Bun => "bun.lock",
            Format::Gradle => "gradle.lockfile",
            Format::Pom => "pom.xml",
            Format::NuGet => "packages.lock.json",
            Format::Pubspec => "pubspec.lock",
            Format::MixLock => "mix.lock",
            Format::CycloneDx => "CycloneDX",
            Format::Spdx => "SPDX",
        }
    }
}

pub fn format_of(path: &Path, text: &str) -> Option<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = [
        ("pnpm-lock.yaml", Format::Pnpm),
        ("pnpm-lock.yml", Format::Pnpm),
        ("yarn.lock", Format::Yarn),
        ("poetry.lock", Format::Poetry),
        ("uv.lock", Format::Uv),
        ("pipfile.lock", Format::Pipfile),
        ("pdm.lock", Format::Pdm),
        ("gemfile.lock", Format::Gemfile),
        ("gems.locked", Format::Gemfile),
        ("composer.lock", Format::Composer),
        ("bun.lock", Format::Bun),
        ("gradle.lockfile", Format::Gradle),
        ("pom.xml", Format::Pom),
        ("packages.lock.json", Format::NuGet),
        ("pubspec.lock", Format::Pubspec),
        ("mix.lock", Format::MixLock),
        (".cdx.json", Format::CycloneDx),
        ("bom.json", Format::CycloneDx),
        (".spdx.json", Format::Spdx),
    ];
    if let Some((_, f)) = by_name.iter().find(|(n, _)| name.ends_with(n)) {
        return Some(*f);
    }
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
    if head.starts_with('{') && text.contains("\"bomFormat\"") {
        Some(Format::CycloneDx)
    } else if head.starts_with('{') && text.contains("\"spdxVersion\"") {
        Some(Format::Spdx)
    } else if head.starts_with('{') && text.contains("\"lockfileVersion\"") {
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
    let mut lock = parse_lockfile(path, &text)?;
    if lock.kind == Format::Cargo.kind() {
        cargo_manifest::apply(&mut lock);
    }
    Ok(lock)
}

/// Parses lockfile text; `path` names it in errors and in each package.
pub fn parse_lockfile(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let format = format_of(path, text).ok_or_else(|| StackError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    parse_lockfile_as(format, path, text)
}

/// Parses `text` as `format`, whatever the file is called.
pub fn parse_lockfile_as(format: Format, path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = match format {
        Format::Cargo => cargo::parse(path, text)?,
        Format::Npm => npm::parse(path, text)?,
        Format::Pnpm => js::pnpm::parse(path, text)?,
        Format::Yarn => js::yarn::parse(path, text)?,
        Format::Requirements => pip::parse(path, text)?,
        Format::Poetry => python::poetry::parse(path, text)?,
        Format::Uv => python::uv::parse(path, text)?,
        Format::Pipfile => python::pipfile::parse(path, text)?,
        Format::Pdm => python::pdm::parse(path, text)?,
        Format::Gemfile => gemfile::parse(path, text)?,
        Format::Composer => composer::parse(path, text)?,
        Format::GoMod => gomod::parse(path, text)?,
        Format::Bun => js::bun::parse(path, text)?,
        Format::Gradle => jvm::gradle::parse(path, text)?,
        Format::Pom => jvm::pom::parse(path, text)?,
        Format::NuGet => nuget::parse(path, text)?,
        Format::Pubspec => pubspec::parse(path, text)?,
        Format::MixLock => mixlock::parse(path, text)?,
        Format::CycloneDx => sbom::cyclonedx::parse(path, text)?,
        Format::Spdx => sbom::spdx::parse(path, text)?,
    };
    lock.kind = format.kind();
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
    /// Per lockfile, in the order read: its kind and package count.
    pub kinds: Vec<(&'static str, usize)>,
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
        inv.kinds.push((lock.kind, lock.packages.len()));
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
            // As OSV spells it, so `rubygems/rack` meets RubyGems advisories.
            ecosystem: crate::model::ecosystem_name(ecosystem).to_string(),
            name: name.to_string(),
            version: String::new(),
            source: PackageSource::Registry,
            registry: None,
            direct: None,
            dev: None,
            depends: Vec::new(),
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
