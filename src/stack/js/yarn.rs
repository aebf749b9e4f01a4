//! yarn.lock: classic v1 (its own indented format) and berry (v2+, YAML
//! with `__metadata`).
//!
//! - An `npm:` alias (`alias@npm:real@^1`) counts as the real package.
//! - A `patch:` entry counts as the patched package at its version.
//! - `workspace:`, `link:`, `portal:` and `file:` entries are local.
//! - yarn.lock does not say which packages are direct or dev: both are
//!   null (package.json says it; `radar init --scan` reads that).

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_yaml_ng::Value;
use std::collections::hash_map::{Entry, HashMap};
use std::fmt;
use std::path::Path;

use super::super::read::{empty, invalid, package, yaml};
use super::super::{Dependency, Lockfile, Package, PackageSource, StackError};

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    if text.contains("__metadata:") {
        berry(path, text)
    } else {
        classic(path, text)
    }
}

/// `@scope/name@range` → (`@scope/name`, `range`).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let spec = spec.trim().trim_matches('"');
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

fn source_of(protocol_and_rest: &str, resolved: &str) -> PackageSource {
    let r = protocol_and_rest;
    if r.starts_with("workspace:") {
        PackageSource::Workspace
    } else if r.starts_with("link:") || r.starts_with("portal:") || r.starts_with("file:") {
        PackageSource::Path
    } else if resolved.starts_with("git")
        || resolved.contains(".git#")
        || resolved.contains("#commit=")
        || resolved.contains("codeload.github.com")
        || r.starts_with("git")
        || r.starts_with("github:")
    {
        PackageSource::Git
    } else if resolved.starts_with("file:") {
        PackageSource::Path
    } else if (resolved.starts_with("http://") || resolved.starts_with("https://"))
        && !resolved.contains("/-/")
    {
        PackageSource::Url
    } else {
        PackageSource::Registry
    }
}

fn classic(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    let mut seen = Seen::new();
    let parse_err = |line: usize, message: String| StackError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    struct Entry {
        line: usize,
        name: String,
        range: String,
        version: Option<String>,
        resolved: String,
        deps: Vec<Dependency>,
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut in_deps = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if indent == 0 {
            let Some(head) = line.strip_suffix(':') else {
                return Err(parse_err(
                    line_no,
                    format!("expected \"name@range:\" to start an entry, found {line:?}"),
                ));
            };
            let first = head.split(", ").next().unwrap_or(head);
            let first = first.trim().trim_matches('"');
            // Very old lockfiles write a bare name for `*`.
            let (name, range) = split_spec(first).unwrap_or((first, ""));
            if name.is_empty() {
                return Err(parse_err(line_no, format!("{head:?} is not name@range")));
            }
            entries.push(Entry {
                line: line_no,
                name: name.to_string(),
                range: range.to_string(),
                version: None,
                resolved: String::new(),
                deps: Vec::new(),
            });
            in_deps = false;
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            return Err(parse_err(line_no, "indented line before any entry".into()));
        };
        if indent <= 2 {
            in_deps = line == "dependencies:" || line == "optionalDependencies:";
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            let key = key.trim_matches('"');
            let value = value.trim().trim_matches('"');
            match key {
                "version" => entry.version = Some(value.to_string()),
                "resolved" => entry.resolved = value.to_string(),
                _ => {}
            }
        } else if in_deps {
            let (n, r) = line.split_once(' ').unwrap_or((line, ""));
            entry.deps.push(Dependency {
                name: n.trim_matches('"').to_string(),
                version: None,
                // The range is not a version; linked by name below.
            });
            let _ = r;
        }
    }
    for e in entries {
        let Some(version) = e.version else {
            return Err(parse_err(
                e.line,
                format!("entry {}@{} has no version", e.name, e.range),
            ));
        };
        let (name, range) = match e.range.strip_prefix("npm:") {
            Some(alias) => match split_spec(alias) {
                Some((real, r)) => (real.to_string(), r.to_string()),
                None => (e.name.clone(), alias.to_string()),
            },
            None => (e.name.clone(), e.range.clone()),
        };
        let source = source_of(&range, &e.resolved);
        let mut p = package("npm", name, version, source, path);
        p.depends = e.deps;
        if let Some(c) = commit_of(&e.resolved) {
            p.detail = Some(format!("commit {c}"));
        }
        push_unique(&mut lock.packages, &mut seen, p);
    }
    Ok(lock)
}

fn commit_of(resolved: &str) -> Option<&str> {
    ["#commit=", "#commit:", "?ref=", "/tar.gz/", "#"]
        .iter()
        .find_map(|sep| resolved.rsplit_once(sep).map(|(_, c)| c))
        .filter(|c| c.len() >= 7 && c.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Several descriptors resolve to one package: merge their edges. Indexed,
/// because a linear search made big lockfiles quadratic (issue 11).
type Seen = HashMap<(String, String, PackageSource), usize>;

fn push_unique(packages: &mut Vec<Package>, seen: &mut Seen, p: Package) {
    match seen.entry((p.name.clone(), p.version.clone(), p.source)) {
        Entry::Occupied(i) => packages[*i.get()].depends.extend(p.depends),
        Entry::Vacant(v) => {
            v.insert(packages.len());
            packages.push(p);
        }
    }
}

/// One berry entry, typed so the fields we do not read (checksum,
/// peerDependencies, bin, conditions...) are skipped without allocating a
/// Value tree (issue 11).
#[derive(Deserialize)]
#[serde(expecting = "an entry mapping (version, resolution, dependencies...)")]
struct Berry {
    version: Option<Value>,
    resolution: Option<Value>,
    #[serde(default)]
    dependencies: Option<Keys>,
}

/// A mapping's keys, in file order; the values are skipped.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E>(self) -> Result<Keys, E> {
                Ok(Keys(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0));
                while let Some((k, IgnoredAny)) = m.next_entry::<String, IgnoredAny>()? {
                    out.push(k);
                }
                Ok(Keys(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The whole file: entries in file order, `__metadata` included.
struct Entries(Vec<(String, Option<Berry>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML mapping of entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(0));
                while let Some(k) = m.next_key::<String>()? {
                    if k == "__metadata" {
                        m.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    out.push((k, m.next_value()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn berry(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    let mut seen = Seen::new();
    let root: Entries = yaml(path, text, "yarn.lock (berry)")?;
    for (key, entry) in &root.0 {
        let key = key.as_str();
        let Some(entry) = entry else {
            return Err(invalid(path, format!("entry {key:?} is not a mapping")));
        };
        let version = match &entry.version {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid(path, format!("entry {key:?} has no version"))),
        };
        let resolution = entry
            .resolution
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or(key);
        let (name, rest) = split_spec(resolution).ok_or_else(|| {
            invalid(
                path,
                format!("entry {key:?}: resolution {resolution:?} is not name@reference"),
            )
        })?;
        // patch:real@npm%3A1.2.3#… is the real package, from the registry.
        let rest = match rest.strip_prefix("patch:") {
            Some(p) => {
                let inner = p.split('#').next().unwrap_or(p).replace("%3A", ":");
                split_spec(&inner)
                    .map(|(_, r)| r.to_string())
                    .unwrap_or(inner)
            }
            None => rest.to_string(),
        };
        let source = if rest.starts_with("npm:") {
            PackageSource::Registry
        } else {
            source_of(&rest, &rest)
        };
        let mut p = package("npm", name, version, source, path);
        if let Some(deps) = &entry.dependencies {
            p.depends = deps
                .0
                .iter()
                .map(|n| Dependency {
                    name: n.clone(),
                    version: None,
                })
                .collect();
        }
        if let Some(c) = commit_of(&rest) {
            p.detail = Some(format!("commit {c}"));
        }
        push_unique(&mut lock.packages, &mut seen, p);
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berry_aliases_patches_and_workspaces() {
        let text = "__metadata:\n  version: 8\n\n\"alias@npm:real@^5.0.0\":\n  version: 5.0.1\n  resolution: \"real@npm:5.0.1\"\n\n\"resolve@patch:resolve@npm%3A^1.0.0#~builtin<compat/resolve>\":\n  version: 1.22.8\n  resolution: \"resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8&hash=c3c19d\"\n\n\"app@workspace:.\":\n  version: 0.0.0-use.local\n  resolution: \"app@workspace:.\"\n\n\"tool@portal:../tool\":\n  version: 0.0.0-use.local\n  resolution: \"tool@portal:../tool::locator=app%40workspace%3A.\"\n";
        let l = parse(Path::new("yarn.lock"), text).unwrap();
        let got: Vec<_> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source))
            .collect();
        assert_eq!(
            got,
            vec![
                ("real", "5.0.1", PackageSource::Registry),
                ("resolve", "1.22.8", PackageSource::Registry),
                ("app", "0.0.0-use.local", PackageSource::Workspace),
                ("tool", "0.0.0-use.local", PackageSource::Path),
            ]
        );
    }

    #[test]
    fn berry_wrong_structure_names_the_line_and_what_was_expected() {
        let text = "__metadata:\n  version: 8\n\n\"a@npm:1\": 5\n";
        let e = parse(Path::new("yarn.lock"), text).unwrap_err().to_string();
        assert_eq!(
            e,
            "yarn.lock:4: not a valid yarn.lock (berry): a@npm:1: invalid type: integer `5`, expected an entry mapping (version, resolution, dependencies...) (column 12)"
        );
    }

    #[test]
    fn classic_entry_without_version_is_an_error_with_its_line() {
        let text = "# yarn lockfile v1\n\n\"a@^1\":\n  version \"1.0.0\"\n\nb@^2:\n  resolved \"https://registry.yarnpkg.com/b/-/b-2.0.0.tgz\"\n";
        let e = parse(Path::new("yarn.lock"), text).unwrap_err().to_string();
        assert!(
            e.starts_with("yarn.lock:6: entry b@^2 has no version"),
            "{e}"
        );
    }
}
