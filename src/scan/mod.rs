//! `radar init --scan`: finds a team's stack in its folders. Walks them as
//! ripgrep does (`.gitignore`/`.ignore` respected; hidden folders,
//! `node_modules`, `vendor` and `target` skipped), takes every lockfile
//! `crate::stack` recognises and every manifest beside it, and says which
//! packages the team depends on directly, at the version the nearest
//! lockfile pins. `merge` writes that into stack.toml and radar.toml
//! without touching what a lead wrote.
//!
//! Reads files only; never the index or the network. Owns no lockfile
//! format (that is `stack`'s) beyond the manifests in `manifests`.

pub mod eol;
pub mod manifests;
pub mod merge;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::{canonical_name, package_key};
use crate::stack::{Package, PackageSource};
use manifests::MANIFESTS;

/// Folders never walked: installed dependencies and build output.
const SKIPPED_DIRS: &[&str] = &["node_modules", "vendor", "target"];

/// A direct dependency found, with the version its lockfile pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTech {
    /// `ecosystem/name`.
    pub package: String,
    pub name: String,
    pub version: Option<String>,
    /// Dev-only everywhere it is declared.
    pub dev: bool,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct Found {
    /// Absolute, in walk order.
    pub lockfiles: Vec<PathBuf>,
    pub techs: Vec<FoundTech>,
    /// OSV ecosystems of the lockfiles and manifests found.
    pub ecosystems: BTreeSet<String>,
    /// Files that could not be read (each names the file); the scan went on.
    pub warnings: Vec<String>,
    /// Runtimes the manifests declare, one per product at the oldest
    /// version any manifest allows.
    pub runtimes: Vec<eol::Runtime>,
}

/// Walks `roots` and reads what it finds.
pub fn scan(roots: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let Some((first, rest)) = roots.split_first() else {
        return found;
    };
    let mut walk = ignore::WalkBuilder::new(first);
    for r in rest {
        walk.add(r);
    }
    walk.hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(true)
        // A folder that is not (yet) a git repository still means its
        // .gitignore.
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        });
    let mut manifests = Vec::new();
    // Folder → the registry packages its lockfiles pin.
    let mut pinned: BTreeMap<PathBuf, Vec<Package>> = BTreeMap::new();
    for entry in walk.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                found.warnings.push(e.to_string());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if MANIFESTS.contains(&name) {
            manifests.push(abs.clone());
        }
        if crate::stack::format_of(path, "").is_none() {
            continue;
        }
        match crate::stack::read_lockfile(&abs) {
            Ok(lock) => {
                let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
                for p in &lock.packages {
                    found.ecosystems.insert(p.ecosystem.clone());
                }
                pinned.entry(dir).or_default().extend(
                    lock.packages
                        .into_iter()
                        .filter(|p| p.source == PackageSource::Registry),
                );
                found.lockfiles.push(abs);
            }
            Err(e) => found.warnings.push(format!("{e} (not added)")),
        }
    }
    let mut techs: BTreeMap<String, FoundTech> = BTreeMap::new();
    for manifest in &manifests {
        let text = std::fs::read_to_string(manifest).unwrap_or_default();
        for r in eol::runtimes(manifest, &text) {
            match found.runtimes.iter_mut().find(|k| k.product == r.product) {
                Some(k) if eol::older(&r.version, &k.version) => *k = r,
                Some(_) => {}
                None => found.runtimes.push(r),
            }
        }
    }
    for manifest in manifests {
        let deps = match manifests::read(&manifest) {
            Ok(d) => d,
            Err(e) => {
                found.warnings.push(e.to_string());
                continue;
            }
        };
        let dir = manifest.parent().unwrap_or(Path::new("/"));
        for d in deps {
            found.ecosystems.insert(d.ecosystem.to_string());
            let version = d
                .version
                .clone()
                .or_else(|| pinned_version(&pinned, dir, d.ecosystem, &d.name));
            let key = package_key(d.ecosystem, &d.name);
            let t = techs.entry(key.clone()).or_insert_with(|| FoundTech {
                package: key,
                name: d.name.clone(),
                version: None,
                dev: true,
            });
            t.dev &= d.dev;
            if t.version.is_none() {
                t.version = version;
            }
        }
    }
    found.techs = techs.into_values().collect();
    found
}

/// The version the nearest lockfile of `ecosystem` (in `dir` or a folder
/// above it, as workspaces keep one lockfile at the root) pins for `name`.
fn pinned_version(
    pinned: &BTreeMap<PathBuf, Vec<Package>>,
    dir: &Path,
    ecosystem: &str,
    name: &str,
) -> Option<String> {
    let want = canonical_name(ecosystem, name);
    for folder in dir.ancestors() {
        let Some(packages) = pinned.get(folder) else {
            continue;
        };
        let mut same: Vec<&Package> = packages
            .iter()
            .filter(|p| p.ecosystem == ecosystem)
            .collect();
        if same.is_empty() {
            continue;
        }
        // npm nests copies of a package; the top-level one is the direct dependency.
        same.retain(|p| canonical_name(ecosystem, &p.name) == want);
        let top = format!("node_modules/{name}");
        return same
            .iter()
            .find(|p| p.detail.as_deref() == Some(top.as_str()))
            .or(same.first())
            .map(|p| p.version.clone());
    }
    None
}

/// The advisory source for an ecosystem found: RustSec's advisory-db for
/// crates.io, OSV's public per-ecosystem export for the others.
pub fn advisory_source(ecosystem: &str) -> Option<(String, &'static str, String)> {
    let ecosystem = crate::sources::registry::osv_ecosystem(ecosystem)?;
    Some(if ecosystem == "crates.io" {
        (
            "RustSec advisories".to_string(),
            "rustsec",
            "https://github.com/rustsec/advisory-db/archive/refs/heads/main.zip".to_string(),
        )
    } else {
        (
            format!("{ecosystem} advisories (OSV)"),
            "osv",
            format!("https://osv-vulnerabilities.storage.googleapis.com/{ecosystem}/all.zip"),
        )
    })
}
