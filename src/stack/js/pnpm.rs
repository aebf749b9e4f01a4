//! pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x.
//!
//! Package keys are dependency paths: `/name/1.0.0_peer@2.0.0` (5.x),
//! `/name@1.0.0(peer@2.0.0)` (6.x) and `name@1.0.0(peer@2.0.0)` (9.x).
//! The peer suffix is dropped: one name and version is one package, however
//! many peer combinations pnpm installed it under. Only the version part is
//! cut at `_`, so names with `_` (and scoped names with `/`) stay whole.
//! Entries that say their own `name`/`version` (git, tarball and `file:`
//! packages) are read from those fields. Importers say what is direct and
//! what is dev; 5.x and 6.x also mark each package `dev: true|false`.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use super::super::read::{empty, invalid, package, yaml_error};
use super::super::{Dependency, Lockfile, PackageSource, Skipped, StackError};

// Typed, not a serde_yaml_ng::Value tree: only the fields below are kept,
// everything else (integrity, engines, peer metadata...) is skipped without
// being allocated. The Value tree was most of the cost on big lockfiles
// (issue 11).

/// A YAML mapping kept in file order (output order follows the lockfile).
struct Ordered<T>(Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            // `key:` with nothing after it.
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Ordered::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0));
                while let Some(e) = m.next_entry()? {
                    out.push(e);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A scalar kept as text only when it is a string (`Value::as_str`).
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Text, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// lockfileVersion: `5.4` or `'9.0'`.
#[derive(Default)]
struct Number(f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<Number, E> {
                Ok(Number(v.parse().unwrap_or(0.0)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Number, E> {
                Ok(Number(0.0))
            }
            fn visit_unit<E>(self) -> Result<Number, E> {
                Ok(Number(0.0))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Number, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Number(0.0))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Number, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Number(0.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// An importer (or a 5.x root): its direct dependency groups.
#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    expecting = "an importer mapping (dependencies, devDependencies...)"
)]
struct Groups {
    dependencies: Ordered<Spec>,
    optional_dependencies: Ordered<Spec>,
    dev_dependencies: Ordered<Spec>,
}

impl Groups {
    fn all(&self) -> [(&Ordered<Spec>, bool); 3] {
        [
            (&self.dependencies, false),
            (&self.optional_dependencies, false),
            (&self.dev_dependencies, true),
        ]
    }
}

/// 6.x+ importers: {specifier, version}; 5.x: the version.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a version, or a mapping with specifier and version"
)]
enum Spec {
    Full {
        #[serde(default)]
        version: Text,
    },
    Plain(Text),
}

impl Spec {
    fn version(&self) -> Option<&str> {
        match self {
            Spec::Full { version } | Spec::Plain(version) => version.as_deref(),
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(
    default,
    expecting = "a resolution mapping ({integrity}, {tarball}, {commit, repo, type})"
)]
struct Resolution {
    commit: Text,
    #[serde(rename = "type")]
    kind: Text,
    tarball: Text,
}

#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    expecting = "a package entry mapping (resolution, dependencies...)"
)]
struct Entry {
    name: Text,
    version: Text,
    resolution: Option<Resolution>,
    dev: Option<bool>,
    dependencies: Ordered<Text>,
    optional_dependencies: Ordered<Text>,
}

#[derive(Default, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    expecting = "a pnpm-lock.yaml mapping (lockfileVersion, importers, packages...)"
)]
struct Doc {
    lockfile_version: Number,
    importers: Option<Ordered<Groups>>,
    packages: Option<Ordered<Option<Entry>>>,
    snapshots: Option<Ordered<Option<Entry>>>,
    // 5.x without importers: the root's own groups.
    dependencies: Ordered<Spec>,
    optional_dependencies: Ordered<Spec>,
    dev_dependencies: Ordered<Spec>,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    if text.trim().is_empty() {
        return Ok(lock);
    }
    let Some(doc) = project_document(path, text)? else {
        return Ok(lock);
    };
    let v5 = doc.lockfile_version.0 < 6.0;

    // name → (version as importers write it, dev?) for the direct deps.
    let mut direct: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    let root_importer = [(
        ".".to_string(),
        Groups {
            dependencies: doc.dependencies,
            optional_dependencies: doc.optional_dependencies,
            dev_dependencies: doc.dev_dependencies,
        },
    )];
    let importers: &[(String, Groups)] = match &doc.importers {
        Some(imp) => &imp.0,
        None => &root_importer,
    };
    for (importer, m) in importers {
        if importer != "." {
            let name = importer.rsplit('/').next().unwrap_or(importer);
            lock.skipped.push(Skipped {
                package: format!("npm/{name}"),
                version: None,
                reason: format!("workspace importer {importer}"),
                lockfile: path.to_path_buf(),
            });
        }
        for (deps, dev) in m.all() {
            for (name, spec) in &deps.0 {
                let Some(v) = spec.version() else { continue };
                let v = strip_peers(v, v5);
                direct
                    .entry(name.to_string())
                    .or_default()
                    .push((v.to_string(), dev));
            }
        }
    }

    let Some(packages) = &doc.packages else {
        return Ok(lock);
    };
    // 9.x keeps edges in snapshots (with peer suffixes), keyed like packages.
    let mut edges: HashMap<&str, Vec<Dependency>> = HashMap::new();
    if let Some(snaps) = &doc.snapshots {
        for (k, v) in &snaps.0 {
            edges
                .entry(strip_parens(k))
                .or_default()
                .extend(deps_of(v.as_ref(), v5));
        }
    }
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (key, entry) in &packages.0 {
        let key = key.as_str();
        let entry = entry.as_ref();
        let resolution = entry.and_then(|e| e.resolution.as_ref());
        let r_type = resolution.and_then(|r| r.kind.as_deref());
        let r_tarball = resolution.and_then(|r| r.tarball.as_deref());
        let r_commit = resolution.and_then(|r| r.commit.as_deref());
        let local = key.starts_with("file:")
            || key.starts_with("link:")
            || r_type == Some("directory")
            || r_tarball.is_some_and(|t| t.starts_with("file:"));
        let git = r_commit.is_some() || r_type == Some("git");
        let tarball = r_tarball.is_some_and(|t| !t.starts_with("file:"));
        let field_name = entry.and_then(|e| e.name.as_deref());
        let field_version = entry.and_then(|e| e.version.as_deref());
        let (name, version) = match (field_name, field_version) {
            (Some(n), Some(v)) => (n.to_string(), v.to_string()),
            (n, v) => match split_key(key, v5) {
                Some((kn, kv)) => (n.unwrap_or(kn).to_string(), v.unwrap_or(kv).to_string()),
                // 9.x git and tarball keys: name@<url>, version in the entry.
                None if v.is_some() && key.get(1..).is_some_and(|k| k.contains('@')) => {
                    let at = key[1..].find('@').map_or(0, |i| i + 1);
                    (key[..at].to_string(), v.unwrap_or_default().to_string())
                }
                None if key.contains('/') => {
                    // A git or tarball path without a version (pnpm wrote
                    // these before it recorded one): nothing to audit.
                    lock.skipped.push(Skipped {
                        package: format!("npm/{key}"),
                        version: None,
                        reason: "dependency path without a version".into(),
                        lockfile: path.to_path_buf(),
                    });
                    continue;
                }
                None if local => {
                    lock.skipped.push(Skipped {
                        package: format!("npm/{key}"),
                        version: v.map(str::to_string),
                        reason: "local package without a name".into(),
                        lockfile: path.to_path_buf(),
                    });
                    continue;
                }
                None => {
                    return Err(invalid(
                        path,
                        format!(
                            "invalid dependency path {key:?} under \"packages\": expected name@version (or /name/version in 5.x)"
                        ),
                    ));
                }
            },
        };
        let source = if local {
            PackageSource::Path
        } else if git || codeload(r_tarball) {
            PackageSource::Git
        } else if tarball && !is_registry_tarball(r_tarball) {
            PackageSource::Url
        } else {
            PackageSource::Registry
        };
        let mut p = package("npm", name.clone(), version.clone(), source, path);
        let listed = direct.get(&name);
        let direct_dev: Vec<bool> = listed
            .map(|l| {
                l.iter()
                    .filter(|(v, _)| *v == version || v.ends_with(key))
                    .map(|(_, d)| *d)
                    .collect()
            })
            .unwrap_or_default();
        p.direct = Some(!direct_dev.is_empty());
        p.dev = match entry.and_then(|e| e.dev) {
            Some(d) => Some(d),
            None if !direct_dev.is_empty() => Some(direct_dev.iter().all(|d| *d)),
            // 9.x does not mark transitive packages.
            None => None,
        };
        let mut deps = deps_of(entry, v5);
        if let Some(e) = edges.get(strip_parens(key)) {
            deps.extend(e.iter().cloned());
        }
        p.depends = deps;
        p.detail = r_commit
            .or_else(|| {
                r_tarball
                    .filter(|_| codeload(r_tarball))
                    .and_then(|t| t.rsplit('/').next())
            })
            .map(|c| format!("commit {c}"));
        match seen.get(&(name.clone(), version.clone())) {
            Some(&i) => {
                let old = &mut lock.packages[i];
                old.depends.extend(p.depends);
                old.direct = Some(old.direct == Some(true) || p.direct == Some(true));
            }
            None => {
                seen.insert((name, version), lock.packages.len());
                lock.packages.push(p);
            }
        }
    }
    Ok(lock)
}

/// The project's document. pnpm 10+ may write two: first an "env"
/// document (its own version under `packageManagerDependencies`, and
/// `configDependencies`), then the project's lockfile. The env document is
/// the package manager's install, not the project's dependencies: only
/// the last document is read.
fn project_document(path: &Path, text: &str) -> Result<Option<Doc>, StackError> {
    let mut last = None;
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        last = Option::<Doc>::deserialize(document)
            .map_err(|e| yaml_error(path, "pnpm-lock.yaml", &e))?;
    }
    Ok(last)
}

fn deps_of(entry: Option<&Entry>, v5: bool) -> Vec<Dependency> {
    let mut out = Vec::new();
    let Some(entry) = entry else { return out };
    for deps in [&entry.dependencies, &entry.optional_dependencies] {
        {
            for (n, v) in &deps.0 {
                if let Some(v) = v.as_deref() {
                    let v = strip_peers(v, v5);
                    out.push(Dependency {
                        name: n.to_string(),
                        version: v
                            .starts_with(|c: char| c.is_ascii_digit())
                            .then(|| v.to_string()),
                    });
                }
            }
        }
    }
    out
}

fn codeload(tarball: Option<&str>) -> bool {
    tarball.is_some_and(|t| t.contains("codeload.github.com") || t.contains("/tar.gz/"))
}

fn is_registry_tarball(tarball: Option<&str>) -> bool {
    tarball.is_some_and(|t| t.contains("/-/"))
}

fn strip_parens(s: &str) -> &str {
    s.split('(').next().unwrap_or(s)
}

/// `1.0.0_react@18.2.0` (5.x) or `1.0.0(react@18.2.0)` → `1.0.0`.
fn strip_peers(v: &str, v5: bool) -> &str {
    let v = strip_parens(v);
    if v5 {
        v.split('_').next().unwrap_or(v)
    } else {
        v
    }
}

/// A dependency path's name and version, peer suffix dropped.
fn split_key(key: &str, v5: bool) -> Option<(&str, &str)> {
    let key = strip_parens(key);
    let key = key.strip_prefix('/').unwrap_or(key);
    let version_like = |v: &str| v.starts_with(|c: char| c.is_ascii_digit());
    if !v5 {
        // 6.x/9.x: name@version (a scoped name starts with @).
        let at = key.get(1..)?.find('@')? + 1;
        let (n, v) = (&key[..at], &key[at + 1..]);
        return version_like(v).then_some((n, v));
    }
    // 5.x: [host/]name/version[_peers], name maybe @scope/name. Sliced by
    // separators, not by summed lengths: the old length arithmetic
    // underflowed on every key (release builds wrapped it back into range,
    // the fuzzer's overflow checks did not).
    let key = match key.split_once('/') {
        Some((host, rest)) if host.contains('.') && !host.starts_with('@') => rest,
        _ => key,
    };
    let (name, version) = key.rsplit_once('/')?;
    let slashes_in_name = usize::from(name.starts_with('@'));
    if name.is_empty() || name.matches('/').count() != slashes_in_name {
        return None;
    }
    let version = strip_peers(version, true);
    version_like(version).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_version() {
        assert_eq!(split_key("/acorn/8.7.0", true), Some(("acorn", "8.7.0")));
        assert_eq!(
            split_key("/@types/babel__core/7.1.14_x@1.0.0", true),
            Some(("@types/babel__core", "7.1.14"))
        );
        assert_eq!(
            split_key("/foo/1.4.0_@types+babel__core@7.1.14", true),
            Some(("foo", "1.4.0"))
        );
        assert_eq!(
            split_key("registry.npmjs.org/@foo/bar/1.1.0", true),
            Some(("@foo/bar", "1.1.0"))
        );
        assert_eq!(
            split_key("/@eslint/eslintrc@2.1.4(supports-color@8.1.1)", false),
            Some(("@eslint/eslintrc", "2.1.4"))
        );
        assert_eq!(split_key("my_pkg@1.0.0", false), Some(("my_pkg", "1.0.0")));
        assert_eq!(split_key("/foo/bar", true), None);
        // Without the leading `/` (the old arithmetic underflowed here).
        assert_eq!(split_key("acorn/8.7.0", true), Some(("acorn", "8.7.0")));
        assert_eq!(split_key("@a/b/1.0.0_c@2", true), Some(("@a/b", "1.0.0")));
        assert_eq!(split_key("/a/b/1.0.0", true), None);
        assert_eq!(split_key("/@a/1.0.0", true), None);
        assert_eq!(split_key("//1.0.0", true), None);
        assert_eq!(split_key("/", true), None);
        assert_eq!(split_key("invalidpath", true), None);
        assert_eq!(split_key("invalidpath", false), None);
    }

    #[test]
    fn v9_importers_mark_direct_and_dev() {
        let text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a_b:\n        specifier: ^1\n        version: 1.0.0(c@2.0.0)\n    devDependencies:\n      d:\n        specifier: ^1\n        version: 1.0.0\n  packages/web:\n    dependencies:\n      mine:\n        specifier: workspace:*\n        version: link:../mine\npackages:\n  a_b@1.0.0:\n    resolution: {integrity: x}\n  c@2.0.0:\n    resolution: {integrity: x}\n  d@1.0.0:\n    resolution: {integrity: x}\nsnapshots:\n  a_b@1.0.0(c@2.0.0):\n    dependencies:\n      c: 2.0.0\n  c@2.0.0: {}\n  d@1.0.0: {}\n";
        let l = parse(Path::new("pnpm-lock.yaml"), text).unwrap();
        let got: Vec<_> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a_b", "1.0.0", Some(true), Some(false)),
                ("c", "2.0.0", Some(false), None),
                ("d", "1.0.0", Some(true), Some(true)),
            ]
        );
        assert_eq!(l.packages[0].depends[0].name, "c");
        assert_eq!(l.skipped.len(), 1, "{:?}", l.skipped);
    }

    #[test]
    fn env_document_of_pnpm_10_is_not_the_project() {
        let text = "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n    packageManagerDependencies:\n      pnpm:\n        specifier: 11.0.0\n        version: 11.0.0\n\npackages:\n\n  pnpm@11.0.0:\n    resolution: {integrity: x}\n\nsnapshots:\n\n  pnpm@11.0.0: {}\n\n---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: x}\n\nsnapshots:\n\n  a@1.0.0: {}\n";
        let l = parse(Path::new("pnpm-lock.yaml"), text).unwrap();
        let got: Vec<_> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct))
            .collect();
        assert_eq!(got, vec![("a", "1.0.0", Some(true))]);
        // An error in the second document names its line in the file.
        let bad = text.replace("  a@1.0.0:\n    resolution: {integrity: x}", "  a@1.0.0: [");
        let e = parse(Path::new("pnpm-lock.yaml"), &bad)
            .unwrap_err()
            .to_string();
        let at = bad.lines().position(|l| l.contains("a@1.0.0: [")).unwrap() + 1;
        let line: usize = e
            .strip_prefix("pnpm-lock.yaml:")
            .and_then(|r| r.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(line >= at, "{e} (the bad line is {at})");
    }

    #[test]
    fn malformed_names_the_line() {
        let e = parse(
            Path::new("pnpm-lock.yaml"),
            "lockfileVersion: 5.4\npackages:\n  - [\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("pnpm-lock.yaml:"), "{e}");
    }

    #[test]
    fn wrong_structure_names_the_line_and_what_was_expected() {
        let e = |text: &str| {
            parse(Path::new("pnpm-lock.yaml"), text)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e("lockfileVersion: '9.0'\npackages:\n  - a\n"),
            "pnpm-lock.yaml:3: not a valid pnpm-lock.yaml: packages: invalid type: sequence, expected a mapping (column 3)"
        );
        let got = e("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: 5\n");
        assert!(
            got.starts_with("pnpm-lock.yaml:4: not a valid pnpm-lock.yaml: packages.a@1.0.0.resolution: invalid type: integer `5`, expected a resolution mapping"),
            "{got}"
        );
        assert!(got.ends_with("(column 17)"), "{got}");
        let got = e("- 1\n- 2\n");
        assert!(
            got.starts_with("pnpm-lock.yaml:1: not a valid pnpm-lock.yaml: invalid type: sequence, expected a pnpm-lock.yaml mapping"),
            "{got}"
        );
    }
}
