//! Cargo.lock v1, v2, v3 and v4, read into `cargo-lock`'s own types.
//!
//! Only `[[package]]` name, version, source and `dependencies` are needed,
//! so the file is deserialized into those fields (`cargo_lock::Name`,
//! `semver::Version`, `cargo_lock::SourceId`, the same parsing
//! `cargo_lock::Lockfile` does) without `Lockfile::from_str`'s URL parse
//! per dependency entry (most of its time): an edge is kept as the name
//! and version it spells.
//!
//! `direct`: packages without a source are the workspace's members (and
//! its path dependencies); what they depend on is direct, the rest is not.
//! `dev` needs the manifests (the lockfile does not say which edges are
//! dev-dependencies): see [`mark_dev`]; without them it stays unknown.
//!
//! A package without `source` is a workspace member or path dependency; a
//! `git+` source is git; a registry other than crates.io keeps its URL so
//! audit can skip it (its crates are not the ones advisories describe).

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Dependency, Lockfile, Package, PackageSource, StackError};

#[derive(Deserialize)]
struct RawLock {
    #[serde(default)]
    package: Vec<RawPackage>,
    /// Very old (v1) lockfiles keep the workspace root apart.
    root: Option<RawPackage>,
}

/// `version` and `source` stay text here: a lockfile repeats one source
/// URL hundreds of times, so each distinct one is parsed once (URL parsing
/// was a fifth of reading a lockfile), and a version that parses is kept
/// as written (semver's display of a parsed version is the same text).
#[derive(Deserialize)]
struct RawPackage {
    name: cargo_lock::Name,
    version: toml::Spanned<String>,
    source: Option<toml::Spanned<String>>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: RawLock = toml::from_str(text).map_err(|e| error(path, text, &e))?;
    let mut sources: HashMap<String, (PackageSource, Option<String>)> = HashMap::new();
    let mut packages: Vec<Package> = Vec::with_capacity(raw.package.len() + 1);
    for p in raw.root.into_iter().chain(raw.package) {
        let invalid = |span: std::ops::Range<usize>, message: String| StackError::Parse {
            path: path.to_path_buf(),
            line: line_of(text, span.start),
            message: format!("not a valid Cargo.lock: package \"{}\": {message}", p.name),
        };
        if let Err(e) = semver::Version::parse(p.version.get_ref()) {
            let message = format!("version \"{}\": {e}", p.version.get_ref());
            return Err(invalid(p.version.span(), message));
        }
        let (source, registry) = match &p.source {
            None => (PackageSource::Path, None),
            Some(s) => match sources.get(s.get_ref()) {
                Some(known) => known.clone(),
                None => {
                    let id = cargo_lock::SourceId::from_url(s.get_ref()).map_err(|e| {
                        invalid(s.span(), format!("source \"{}\": {e}", s.get_ref()))
                    })?;
                    let kind = source_kind(&id);
                    sources.insert(s.get_ref().clone(), kind.clone());
                    kind
                }
            },
        };
        packages.push(Package {
            ecosystem: "crates.io".into(),
            name: p.name.as_str().to_string(),
            version: p.version.into_inner(),
            source,
            registry,
            direct: None,
            dev: None,
            depends: p.dependencies.iter().map(|d| edge(d)).collect(),
            lockfile: path.to_path_buf(),
            detail: None,
        });
    }
    let graph = Graph::new(&packages);
    let direct: Vec<bool> = {
        let mut direct = vec![false; packages.len()];
        for &local in &graph.locals {
            direct[local] = true;
            for &to in &graph.edges[local] {
                direct[to] = true;
            }
        }
        direct
    };
    for (p, d) in packages.iter_mut().zip(direct) {
        p.direct = Some(d);
    }
    Ok(Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages,
        skipped: Vec::new(),
    })
}

/// Where a package comes from, and the registry's URL when it is not
/// crates.io (audit skips those: advisories describe crates.io's crates).
fn source_kind(id: &cargo_lock::SourceId) -> (PackageSource, Option<String>) {
    if id.is_git() {
        (PackageSource::Git, None)
    } else if id.is_path() {
        (PackageSource::Path, None)
    } else if id.is_default_registry() {
        (PackageSource::Registry, None)
    } else {
        (PackageSource::Registry, Some(id.url().to_string()))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `"serde"`, `"serde 1.0.200"` or `"serde 1.0.200 (registry+…)"`.
fn edge(spec: &str) -> Dependency {
    let mut words = spec.split_whitespace();
    Dependency {
        name: words.next().unwrap_or_default().to_string(),
        version: words.next().map(str::to_string),
    }
}

/// The lockfile's packages as a graph: edges resolved to indices.
struct Graph {
    /// Packages without a registry or git source: the workspace.
    locals: Vec<usize>,
    edges: Vec<Vec<usize>>,
}

impl Graph {
    fn new(packages: &[Package]) -> Graph {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_name.entry(p.name.as_str()).or_default().push(i);
        }
        let edges = packages
            .iter()
            .map(|p| {
                p.depends
                    .iter()
                    .filter_map(|d| {
                        let candidates = by_name.get(d.name.as_str())?;
                        match &d.version {
                            Some(v) => candidates
                                .iter()
                                .copied()
                                .find(|&i| &packages[i].version == v),
                            None => candidates.first().copied(),
                        }
                    })
                    .collect()
            })
            .collect();
        let locals = packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.source == PackageSource::Path)
            .map(|(i, _)| i)
            .collect();
        Graph { locals, edges }
    }
}

/// What a workspace member's Cargo.toml declares as dev-only: package names
/// under `[dev-dependencies]` (any target) and not under `[dependencies]`
/// or `[build-dependencies]`.
pub(super) struct MemberDevDeps {
    pub name: String,
    pub dev_only: HashSet<String>,
}

/// Sets `dev` on every package of a Cargo.lock from its workspace members'
/// manifests: a package reachable from a member without passing through
/// one of its dev-only edges is needed to build (`dev: false`); one reached
/// only through them is dev (`true`). Members without a manifest here keep
/// every edge as a build edge.
pub(super) fn mark_dev(lock: &mut Lockfile, members: &[MemberDevDeps]) {
    let graph = Graph::new(&lock.packages);
    let dev_only: HashMap<&str, &HashSet<String>> = members
        .iter()
        .map(|m| (m.name.as_str(), &m.dev_only))
        .collect();
    let mut needed = vec![false; lock.packages.len()];
    let mut todo: Vec<usize> = graph.locals.clone();
    for &l in &graph.locals {
        needed[l] = true;
    }
    while let Some(at) = todo.pop() {
        let skip = match lock.packages[at].source {
            PackageSource::Path => dev_only.get(lock.packages[at].name.as_str()).copied(),
            _ => None,
        };
        for &to in &graph.edges[at] {
            if needed[to] || skip.is_some_and(|s| s.contains(&lock.packages[to].name)) {
                continue;
            }
            needed[to] = true;
            todo.push(to);
        }
    }
    for (p, needed) in lock.packages.iter_mut().zip(needed) {
        p.dev = Some(!needed);
    }
}

fn error(path: &Path, text: &str, e: &toml::de::Error) -> StackError {
    let message = format!(
        "not a valid Cargo.lock: {}",
        e.message().trim().replace('`', "\"")
    );
    match e.span() {
        Some(span) => StackError::Parse {
            path: path.to_path_buf(),
            line: line_of(text, span.start),
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
    fn workspace_edges_make_direct_and_manifests_make_dev() {
        let lock = r#"version = 3
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde", "helper", "proptest"]

[[package]]
name = "helper"
version = "0.1.0"
dependencies = ["itoa 1.0.0", "proptest"]

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["itoa 0.4.8"]

[[package]]
name = "itoa"
version = "0.4.8"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "itoa"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "proptest"
version = "1.4.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["rand"]

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        let mut l = parse(Path::new("Cargo.lock"), lock).unwrap();
        let get = |l: &Lockfile, n: &str, v: &str| {
            let p = l
                .packages
                .iter()
                .find(|p| p.name == n && p.version == v)
                .unwrap();
            (p.direct, p.dev)
        };
        assert_eq!(get(&l, "serde", "1.0.200"), (Some(true), None));
        assert_eq!(get(&l, "itoa", "1.0.0"), (Some(true), None), "helper's");
        assert_eq!(get(&l, "itoa", "0.4.8"), (Some(false), None));
        assert_eq!(get(&l, "rand", "0.8.5"), (Some(false), None));
        assert_eq!(get(&l, "app", "0.1.0"), (Some(true), None));
        let dev_only = |n: &str, d: &[&str]| MemberDevDeps {
            name: n.into(),
            dev_only: d.iter().map(|s| s.to_string()).collect(),
        };
        // proptest is dev-only for app and helper: it and what only it
        // pulls in are dev.
        mark_dev(
            &mut l,
            &[
                dev_only("app", &["proptest"]),
                dev_only("helper", &["proptest"]),
            ],
        );
        assert_eq!(get(&l, "proptest", "1.4.0").1, Some(true));
        assert_eq!(get(&l, "rand", "0.8.5").1, Some(true));
        assert_eq!(get(&l, "itoa", "0.4.8").1, Some(false));
        assert_eq!(get(&l, "serde", "1.0.200").1, Some(false));
        assert_eq!(get(&l, "app", "0.1.0").1, Some(false));
        // helper needs proptest to build: then nobody's dev-only edge hides it.
        mark_dev(&mut l, &[dev_only("app", &["proptest"])]);
        assert_eq!(get(&l, "proptest", "1.4.0").1, Some(false));
        assert_eq!(get(&l, "rand", "0.8.5").1, Some(false));
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
        assert!(e.contains("\"serde\"") && e.contains("\"1.x\""), "{e}");
        // A source is parsed once per distinct URL; a bad one still names
        // its own line.
        let at = LOCK.find("source = ").unwrap();
        let line = LOCK[..at].matches('\n').count() + 1;
        let bad_source = format!("{}source = \"nope\"{}", &LOCK[..at], {
            let rest = &LOCK[at..];
            &rest[rest.find('\n').unwrap()..]
        });
        let e = parse(Path::new("Cargo.lock"), &bad_source)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("Cargo.lock:{line}:")), "{e}");
        assert!(e.contains("source \"nope\""), "{e}");
    }
}
