//! bun.lock, bun's text lockfile (JSONC: JSON with trailing commas).
//!
//! `packages` maps an install path (`chalk`, `chalk/supports-color`, or an
//! alias key) to a tuple whose first element is `name@resolution`:
//! `wrappy@1.0.2` (registry), `x@github:owner/repo#abc1234` and
//! `x@git+ssh://…#commit` (git), `x@file:…`/`x@link:…` (path),
//! `x@workspace:…` (workspace), `x@https://…tgz` (url). The same name and
//! version installed at several paths is one package. `workspaces` lists
//! each workspace's declared dependencies: the top-level entries they name
//! are direct, dev when only `devDependencies` names them.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::super::read::{empty, invalid, jsonc, package};
use super::super::{Dependency, Lockfile, PackageSource, StackError};

const GROUPS: [(&str, bool); 4] = [
    ("dependencies", false),
    ("optionalDependencies", false),
    ("peerDependencies", false),
    ("devDependencies", true),
];

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    if text.trim().is_empty() {
        return Ok(lock);
    }
    let root: Value = jsonc(path, text, "bun.lock")?;
    let Value::Object(root) = root else {
        return Err(invalid(path, "expected a JSON object with `packages`"));
    };
    // Declared name → dev? (runtime in any workspace wins).
    let mut declared: HashMap<&str, bool> = HashMap::new();
    if let Some(Value::Object(ws)) = root.get("workspaces") {
        for w in ws.values() {
            for (group, dev) in GROUPS {
                if let Some(Value::Object(deps)) = w.get(group) {
                    for name in deps.keys() {
                        let e = declared.entry(name.as_str()).or_insert(dev);
                        *e = *e && dev;
                    }
                }
            }
        }
    }
    let packages = match root.get("packages") {
        None | Some(Value::Null) => return Ok(lock),
        Some(Value::Object(p)) => p,
        Some(_) => return Err(invalid(path, "`packages` is not an object")),
    };
    // (name, version, detail) → index, so nested copies merge.
    let mut seen: BTreeMap<(String, String, Option<String>), usize> = BTreeMap::new();
    for (key, entry) in packages {
        let ident = entry
            .as_array()
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(
                    path,
                    format!(
                        "packages.{key:?}: expected [\"name@version\", …]; regenerate it with `bun install`"
                    ),
                )
            })?;
        let (name, spec) = split_ident(ident).ok_or_else(|| {
            invalid(
                path,
                format!("packages.{key:?}: {ident:?} is not `name@version`"),
            )
        })?;
        let (source, version, commit) = resolution(spec);
        let detail = commit.map(|c| format!("commit {c}"));
        let direct = declared.get(key.as_str()).copied();
        let depends = entry
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|meta| {
                ["dependencies", "optionalDependencies"]
                    .into_iter()
                    .filter_map(|g| meta.get(g).and_then(Value::as_object))
                    .flat_map(|m| m.keys())
            })
            .map(|n| Dependency {
                name: n.clone(),
                version: None,
            })
            .collect::<Vec<_>>();
        let id = (name.to_string(), version.clone(), detail.clone());
        if let Some(&i) = seen.get(&id) {
            let old = &mut lock.packages[i];
            if direct.is_some() {
                old.direct = Some(true);
                old.dev = match (old.dev, direct) {
                    (Some(a), Some(b)) => Some(a && b),
                    (_, d) => d,
                };
            }
            continue;
        }
        let mut p = package("npm", name, version, source, path);
        p.direct = Some(direct.is_some());
        p.dev = direct;
        p.detail = detail;
        p.depends = depends;
        seen.insert(id, lock.packages.len());
        lock.packages.push(p);
    }
    Ok(lock)
}

/// `@scope/name@spec` → (`@scope/name`, `spec`).
fn split_ident(ident: &str) -> Option<(&str, &str)> {
    let at = ident.get(1..)?.find('@')? + 1;
    let (name, spec) = (&ident[..at], &ident[at + 1..]);
    (!name.is_empty()).then_some((name, spec))
}

/// (source, version, commit) of a resolution. Git packages have no
/// registry version: the commit is what pins them.
fn resolution(spec: &str) -> (PackageSource, String, Option<String>) {
    let local = |s: PackageSource| (s, String::new(), None);
    if spec.starts_with("workspace:") {
        return local(PackageSource::Workspace);
    }
    if spec.starts_with("file:") || spec.starts_with("link:") {
        return local(PackageSource::Path);
    }
    let gitish = ["github:", "gitlab:", "bitbucket:", "git+", "git:", "git@"]
        .iter()
        .any(|p| spec.starts_with(p));
    if gitish {
        let commit = spec.rsplit_once('#').map(|(_, c)| c.to_string());
        return (PackageSource::Git, String::new(), commit);
    }
    if spec.starts_with("http://") || spec.starts_with("https://") {
        return local(PackageSource::Url);
    }
    (PackageSource::Registry, spec.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "app",
      "dependencies": { "left-pad": "^1.3.0", "old-pad": "npm:left-pad@1.0.0", },
      "devDependencies": { "@types/node": "^20", "tool": "github:acme/tool", },
    },
  },
  "packages": {
    "left-pad": ["left-pad@1.3.0", "", { "dependencies": { "@types/node": "*" } }, "sha512-x"],
    "old-pad": ["left-pad@1.0.0", "", {}, "sha512-y"],
    "@types/node": ["@types/node@20.1.0", "", {}, "sha512-z"],
    "left-pad/@types/node": ["@types/node@20.1.0", "", {}, "sha512-z"],
    "tool": ["tool@github:acme/tool#0a1b2c3", {}, "acme-tool-0a1b2c3"],
    "local": ["local@file:../local", {}],
  },
}"#;

    #[test]
    fn aliases_nested_copies_git_and_direct() {
        let lock = parse(Path::new("bun.lock"), LOCK).unwrap();
        let mut got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.source,
                    p.direct,
                    p.dev,
                )
            })
            .collect();
        got.sort();
        use PackageSource as S;
        assert_eq!(
            got,
            vec![
                ("@types/node", "20.1.0", S::Registry, Some(true), Some(true)),
                ("left-pad", "1.0.0", S::Registry, Some(true), Some(false)),
                ("left-pad", "1.3.0", S::Registry, Some(true), Some(false)),
                ("local", "", S::Path, Some(false), None),
                ("tool", "", S::Git, Some(true), Some(true)),
            ]
        );
        let tool = lock.packages.iter().find(|p| p.name == "tool").unwrap();
        assert_eq!(tool.detail.as_deref(), Some("commit 0a1b2c3"));
    }

    #[test]
    fn a_bad_tuple_is_an_error_not_a_partial_read() {
        let text = "{\"packages\": {\"a\": [\"a@1.0.0\"], \"b\": [123]}}";
        let e = parse(Path::new("x/bun.lock"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x/bun.lock") && e.contains("\"b\""), "{e}");
        let e = parse(Path::new("x/bun.lock"), "{\n  \"packages\": {\n    oops\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x/bun.lock:"), "{e}");
    }
}
