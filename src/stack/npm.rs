//! package-lock.json (and npm-shrinkwrap.json), lockfileVersion 1, 2 and 3.
//!
//! v2/v3 list every installed copy under `packages`, keyed by install path
//! (`node_modules/a/node_modules/b`); v1 nests `dependencies`. Either way a
//! nested copy is its own package: `send@0.2.0` at the top and
//! `serve-static/node_modules/send@0.1.4` are both audited. The install
//! path is kept in `detail`.
//!
//! `direct`: v2/v3 record what the project (`packages[""]`) and each
//! workspace member declare (`dependencies`, `devDependencies`,
//! `optionalDependencies`, `peerDependencies`); a copy installed where
//! such a declaration resolves (`node_modules/NAME` at the top, or inside
//! the member's own `node_modules`) is direct, every other copy is not.
//! v1 records no declarations, so `direct` is unknown there. `dev` is each
//! entry's `dev` flag (both versions write it; `devOptional` copies may be
//! installed in production, so they are not dev).

use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{Lockfile, Package, PackageSource, Skipped, StackError};

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let root: Value = serde_json::from_str(text).map_err(|e| StackError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        message: format!("not valid JSON: {e}"),
    })?;
    let invalid = |message: String| StackError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let Some(root) = root.as_object() else {
        return Err(invalid(
            "expected a JSON object with \"lockfileVersion\"".into(),
        ));
    };
    let mut lock = Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages: Vec::new(),
        skipped: Vec::new(),
    };
    if let Some(packages) = root.get("packages") {
        let packages = packages
            .as_object()
            .ok_or_else(|| invalid("\"packages\" is not an object".into()))?;
        let declared = declarations(packages);
        for (install_path, entry) in packages {
            if install_path.is_empty() {
                continue; // the project itself
            }
            let entry = entry
                .as_object()
                .ok_or_else(|| invalid(format!("packages[{install_path:?}] is not an object")))?;
            v2_entry(path, install_path, entry, &declared, &mut lock);
        }
    } else if let Some(deps) = root.get("dependencies") {
        let deps = deps
            .as_object()
            .ok_or_else(|| invalid("\"dependencies\" is not an object".into()))?;
        v1_tree(path, "", deps, &mut lock)?;
    } else {
        return Err(invalid(
            "neither \"packages\" (lockfileVersion 2/3) nor \"dependencies\" (v1) found".into(),
        ));
    }
    Ok(lock)
}

/// Install folder of the project or a workspace member (`""`,
/// `packages/a`) → the names it declares.
type Declared<'a> = HashMap<&'a str, HashSet<&'a str>>;

fn declarations(packages: &Map<String, Value>) -> Declared<'_> {
    let mut out: Declared = HashMap::new();
    for (install_path, entry) in packages {
        if install_path.contains("node_modules/") {
            continue;
        }
        let names = out.entry(install_path.as_str()).or_default();
        for field in [
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ] {
            if let Some(deps) = entry.get(field).and_then(Value::as_object) {
                names.extend(deps.keys().map(String::as_str));
            }
        }
    }
    out
}

/// Whether the copy at `install_path` is one the project or a workspace
/// member declares: `node_modules/x` (hoisted) for anyone's `x`,
/// `packages/a/node_modules/x` for `packages/a`'s.
fn is_direct(install_path: &str, declared: &Declared) -> bool {
    let Some((owner, name)) = install_path.rsplit_once("node_modules/") else {
        return true; // the project's own workspace member
    };
    match owner.strip_suffix('/') {
        None if owner.is_empty() => declared.values().any(|names| names.contains(name)),
        Some(member) if !member.contains("node_modules") => declared
            .get(member)
            .is_some_and(|names| names.contains(name)),
        _ => false,
    }
}

fn v2_entry(
    path: &Path,
    install_path: &str,
    entry: &Map<String, Value>,
    declared: &Declared,
    lock: &mut Lockfile,
) {
    let installed_name = match install_path.rsplit_once("node_modules/") {
        Some((_, n)) => n,
        // A workspace member: its folder name.
        None => install_path.rsplit('/').next().unwrap_or(install_path),
    };
    // An aliased install or a workspace member says its real name.
    let name = entry
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(installed_name)
        .to_string();
    let resolved = entry.get("resolved").and_then(Value::as_str).unwrap_or("");
    let is_link = entry.get("link").and_then(Value::as_bool).unwrap_or(false);
    let source = if is_link || !install_path.contains("node_modules/") {
        // A symlink to, or a workspace member in, a local folder.
        PackageSource::Path
    } else {
        source_of(resolved)
    };
    match entry.get("version").and_then(Value::as_str) {
        Some(version) => lock.packages.push(Package {
            ecosystem: "npm".into(),
            name,
            version: version.to_string(),
            source,
            registry: None,
            direct: Some(is_direct(install_path, declared)),
            dev: Some(entry.get("dev").and_then(Value::as_bool).unwrap_or(false)),
            depends: Vec::new(),
            lockfile: path.to_path_buf(),
            detail: Some(install_path.to_string()),
        }),
        None if is_link => {} // the link target has its own entry
        None => lock.skipped.push(Skipped {
            package: format!("npm/{name}"),
            version: None,
            reason: format!("{install_path} has no \"version\""),
            lockfile: path.to_path_buf(),
        }),
    }
}

fn v1_tree(
    path: &Path,
    parent: &str,
    deps: &Map<String, Value>,
    lock: &mut Lockfile,
) -> Result<(), StackError> {
    for (name, entry) in deps {
        let install_path = format!("{parent}node_modules/{name}");
        let entry = entry.as_object().ok_or_else(|| StackError::Invalid {
            path: path.to_path_buf(),
            message: format!("dependencies {install_path:?} is not an object"),
        })?;
        let raw = entry.get("version").and_then(Value::as_str).unwrap_or("");
        // v1 writes git and file dependencies' URL in place of the version,
        // and `npm:real@1.2.3` for an alias.
        let (real_name, version, source) = if let Some(alias) = raw.strip_prefix("npm:") {
            match alias.rsplit_once('@') {
                Some((n, v)) if !n.is_empty() => {
                    (n.to_string(), v.to_string(), PackageSource::Registry)
                }
                _ => (name.clone(), alias.to_string(), PackageSource::Registry),
            }
        } else {
            let source = source_of(raw);
            let resolved = entry.get("resolved").and_then(Value::as_str).unwrap_or("");
            let source = if source == PackageSource::Registry {
                source_of(resolved)
            } else {
                source
            };
            (name.clone(), raw.to_string(), source)
        };
        if version.is_empty() {
            lock.skipped.push(Skipped {
                package: format!("npm/{name}"),
                version: None,
                reason: format!("{install_path} has no \"version\""),
                lockfile: path.to_path_buf(),
            });
        } else {
            lock.packages.push(Package {
                ecosystem: "npm".into(),
                name: real_name,
                version,
                source,
                registry: None,
                direct: None,
                dev: Some(entry.get("dev").and_then(Value::as_bool).unwrap_or(false)),
                depends: Vec::new(),
                lockfile: path.to_path_buf(),
                detail: Some(install_path.clone()),
            });
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            v1_tree(path, &format!("{install_path}/"), nested, lock)?;
        }
    }
    Ok(())
}

fn source_of(spec: &str) -> PackageSource {
    if spec.starts_with("git")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
    {
        PackageSource::Git
    } else if spec.starts_with("file:") || spec.starts_with("link:") {
        PackageSource::Path
    } else {
        PackageSource::Registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = r#"{
  "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": {"name": "web", "version": "1.0.0"},
    "node_modules/send": {"version": "0.2.0", "resolved": "https://registry.npmjs.org/send/-/send-0.2.0.tgz"},
    "node_modules/serve-static/node_modules/send": {"version": "0.1.4"},
    "node_modules/@scope/pkg": {"version": "2.0.0"},
    "node_modules/alias": {"name": "real", "version": "3.0.0"},
    "node_modules/forked": {"version": "1.0.0", "resolved": "git+ssh://git@github.com/x/forked.git#abc"},
    "node_modules/local": {"resolved": "packages/local", "link": true},
    "packages/local": {"name": "local", "version": "0.0.1"}
  }
}"#;

    #[test]
    fn v3_nested_copies_aliases_and_sources() {
        let l = parse(Path::new("package-lock.json"), V3).unwrap();
        let got: Vec<(&str, &str, PackageSource)> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source))
            .collect();
        assert!(got.contains(&("send", "0.2.0", PackageSource::Registry)));
        assert!(got.contains(&("send", "0.1.4", PackageSource::Registry)));
        assert!(got.contains(&("@scope/pkg", "2.0.0", PackageSource::Registry)));
        assert!(got.contains(&("real", "3.0.0", PackageSource::Registry)));
        assert!(got.contains(&("forked", "1.0.0", PackageSource::Git)));
        assert!(got.contains(&("local", "0.0.1", PackageSource::Path)));
        assert_eq!(l.packages.len(), 6);
        assert!(l.skipped.is_empty());
    }

    #[test]
    fn v3_direct_and_dev() {
        let lock = r#"{"lockfileVersion": 3, "packages": {
            "": {"name": "web", "dependencies": {"send": "^0.2.0", "alias": "npm:real@^3"},
                 "devDependencies": {"jest": "^29"}, "workspaces": ["packages/*"]},
            "node_modules/send": {"version": "0.2.0"},
            "node_modules/jest": {"version": "29.0.0", "dev": true},
            "node_modules/jest/node_modules/send": {"version": "0.1.0", "dev": true},
            "node_modules/alias": {"name": "real", "version": "3.0.0"},
            "node_modules/ms": {"version": "2.1.3"},
            "node_modules/fsevents": {"version": "2.3.3", "devOptional": true},
            "node_modules/ui": {"resolved": "packages/ui", "link": true},
            "packages/ui": {"name": "ui", "version": "1.0.0", "dependencies": {"left-pad": "1", "ms": "2"}},
            "node_modules/left-pad": {"version": "1.3.0"},
            "packages/ui/node_modules/ms": {"version": "2.0.0"},
            "packages/ui/node_modules/debug": {"version": "4.0.0"}
        }}"#;
        let l = parse(Path::new("package-lock.json"), lock).unwrap();
        let flags = |detail: &str| {
            let p = l
                .packages
                .iter()
                .find(|p| p.detail.as_deref() == Some(detail))
                .unwrap();
            (p.direct, p.dev)
        };
        let yes = Some(true);
        let no = Some(false);
        assert_eq!(flags("node_modules/send"), (yes, no));
        assert_eq!(flags("node_modules/jest"), (yes, yes));
        assert_eq!(flags("node_modules/jest/node_modules/send"), (no, yes));
        assert_eq!(
            flags("node_modules/alias"),
            (yes, no),
            "declared by its alias"
        );
        // Hoisted for the workspace member, which declares it.
        assert_eq!(flags("node_modules/ms"), (yes, no));
        assert_eq!(flags("node_modules/left-pad"), (yes, no));
        assert_eq!(flags("node_modules/fsevents"), (no, no));
        assert_eq!(flags("packages/ui/node_modules/ms"), (yes, no));
        assert_eq!(flags("packages/ui/node_modules/debug"), (no, no));
        assert_eq!(flags("packages/ui"), (yes, no));
    }

    #[test]
    fn v1_tree_is_walked() {
        let v1 = r#"{"lockfileVersion": 1, "dependencies": {
            "send": {"version": "0.2.0"},
            "serve-static": {"version": "1.0.1", "dependencies": {"send": {"version": "0.1.4"}}},
            "mine": {"version": "file:../mine"},
            "theirs": {"version": "github:x/theirs#abc"},
            "aliased": {"version": "npm:real@1.2.3"}
        }}"#;
        let l = parse(Path::new("package-lock.json"), v1).unwrap();
        let find = |n: &str, v: &str| l.packages.iter().find(|p| p.name == n && p.version == v);
        assert_eq!(
            find("send", "0.1.4").unwrap().detail.as_deref(),
            Some("node_modules/serve-static/node_modules/send")
        );
        assert!(find("send", "0.2.0").is_some());
        assert_eq!(
            find("mine", "file:../mine").unwrap().source,
            PackageSource::Path
        );
        assert_eq!(
            find("theirs", "github:x/theirs#abc").unwrap().source,
            PackageSource::Git
        );
        assert!(find("real", "1.2.3").is_some());
        assert!(l.packages.iter().all(|p| p.direct.is_none()));
        assert!(l.packages.iter().all(|p| p.dev == Some(false)));
    }

    #[test]
    fn broken_json_names_the_line() {
        let e = parse(
            Path::new("package-lock.json"),
            "{\n \"lockfileVersion\": 3,\n \"packages\": {,\n}",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("package-lock.json:3: not valid JSON"), "{e}");
    }
}
