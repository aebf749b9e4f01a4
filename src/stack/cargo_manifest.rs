//! The Cargo.toml files beside a Cargo.lock: which dependencies each
//! workspace member declares only as dev-dependencies, so the lockfile's
//! packages can be marked `dev`. Reads manifests only; the lockfile itself
//! is `cargo.rs`'s.
//!
//! Members come from the root manifest's `[package]` and its `[workspace]
//! members` (exact folders and `dir/*`). A missing or unreadable manifest
//! leaves `dev` unknown (a warning, not an error: the lockfile read is
//! complete either way, and cargo itself reports a broken manifest).

use std::collections::HashSet;
use std::path::Path;

use super::Lockfile;
use super::cargo::{MemberDevDeps, mark_dev};

/// Marks `dev` on `lock`'s packages when a Cargo.toml sits beside it.
pub(super) fn apply(lock: &mut Lockfile) {
    let Some(dir) = lock.path.parent() else {
        return;
    };
    let root = dir.join("Cargo.toml");
    if !root.is_file() {
        return;
    }
    match members(dir) {
        Ok(members) if !members.is_empty() => mark_dev(lock, &members),
        Ok(_) => {}
        Err(e) => tracing::warn!("{e}; dev-dependencies of {} unknown", lock.path.display()),
    }
}

fn read(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        format!(
            "{}: not a valid Cargo.toml: {}",
            path.display(),
            e.message().trim()
        )
    })
}

fn members(dir: &Path) -> Result<Vec<MemberDevDeps>, String> {
    let root = read(&dir.join("Cargo.toml"))?;
    let mut out: Vec<MemberDevDeps> = member_of(&root).into_iter().collect();
    let patterns = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .map(|m| m.iter().filter_map(toml::Value::as_str).collect::<Vec<_>>())
        .unwrap_or_default();
    for pattern in patterns {
        let folders: Vec<std::path::PathBuf> = match pattern.strip_suffix("/*") {
            Some(parent) => match std::fs::read_dir(dir.join(parent)) {
                Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
                Err(_) => continue,
            },
            None => vec![dir.join(pattern)],
        };
        for folder in folders {
            let manifest = folder.join("Cargo.toml");
            if manifest.is_file() {
                out.extend(member_of(&read(&manifest)?));
            }
        }
    }
    Ok(out)
}

/// A manifest's package name and its dev-only dependency names (renames
/// resolved to the real package: `pt = { package = "proptest" }`).
fn member_of(manifest: &toml::Table) -> Option<MemberDevDeps> {
    let name = manifest.get("package")?.get("name")?.as_str()?.to_string();
    let mut tables: Vec<(&str, &toml::Table)> = Vec::new();
    for kind in ["dependencies", "build-dependencies", "dev-dependencies"] {
        if let Some(t) = manifest.get(kind).and_then(toml::Value::as_table) {
            tables.push((kind, t));
        }
    }
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            for kind in ["dependencies", "build-dependencies", "dev-dependencies"] {
                if let Some(t) = target.get(kind).and_then(toml::Value::as_table) {
                    tables.push((kind, t));
                }
            }
        }
    }
    let names = |want_dev: bool| -> HashSet<String> {
        tables
            .iter()
            .filter(|(kind, _)| (*kind == "dev-dependencies") == want_dev)
            .flat_map(|(_, t)| t.iter())
            .map(|(key, spec)| {
                spec.get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(key)
                    .to_string()
            })
            .collect()
    };
    let build = names(false);
    let dev_only = names(true).difference(&build).cloned().collect();
    Some(MemberDevDeps { name, dev_only })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_members_dev_only_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"app\"\n[dependencies]\nserde = \"1\"\n\
             [dev-dependencies]\nserde = \"1\"\npt = { package = \"proptest\", version = \"1\" }\n\
             [target.'cfg(unix)'.dev-dependencies]\nnix = \"0.29\"\n\
             [workspace]\nmembers = [\"crates/*\", \"tools/gen\"]\n",
        )
        .unwrap();
        for (folder, manifest) in [
            (
                "crates/core",
                "[package]\nname = \"core\"\n[build-dependencies]\ncc = \"1\"\n[dev-dependencies]\ncc = \"1\"\ninsta = \"1\"\n",
            ),
            (
                "tools/gen",
                "[package]\nname = \"gen\"\n[dev-dependencies]\ntempfile = \"3\"\n",
            ),
        ] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join("Cargo.toml"), manifest).unwrap();
        }
        let mut got: Vec<(String, Vec<String>)> = members(dir.path())
            .unwrap()
            .into_iter()
            .map(|m| {
                let mut d: Vec<String> = m.dev_only.into_iter().collect();
                d.sort();
                (m.name, d)
            })
            .collect();
        got.sort();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                ("app".to_string(), s(&["nix", "proptest"])),
                ("core".to_string(), s(&["insta"])),
                ("gen".to_string(), s(&["tempfile"])),
            ]
        );
    }

    #[test]
    fn a_broken_manifest_names_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package\n").unwrap();
        let e = members(dir.path()).err().unwrap();
        assert!(e.contains("Cargo.toml: not a valid Cargo.toml"), "{e}");
    }
}
