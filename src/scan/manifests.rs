//! Direct dependencies from the manifests a lead writes: Cargo.toml
//! (workspace members included), package.json, pyproject.toml (PEP 621,
//! PEP 735 groups and Poetry), Gemfile, composer.json and go.mod.
//!
//! Only registry packages count: path, git and workspace dependencies are
//! the team's own code. A manifest that cannot be read is a
//! [`ManifestError`] naming the file; the scan reports it and goes on.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::model::canonical_name;

#[derive(Debug, Error)]
pub enum ManifestError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

/// One dependency a manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectDep {
    /// OSV ecosystem name.
    pub ecosystem: &'static str,
    pub name: String,
    /// Only in dev/test groups.
    pub dev: bool,
    /// The version when the manifest pins it exactly (go.mod does).
    pub version: Option<String>,
}

/// The manifest file names this module reads.
pub const MANIFESTS: &[&str] = &[
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "Gemfile",
    "composer.json",
    "go.mod",
];

/// Reads the manifest at `path` (its file name says which kind).
pub fn read(path: &Path) -> Result<Vec<DirectDep>, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |message: String| ManifestError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        "Cargo.toml" => cargo(path, &text).map_err(bad),
        "package.json" => npm(&text).map_err(bad),
        "pyproject.toml" => pyproject(&text).map_err(bad),
        "Gemfile" => Ok(gemfile(&text)),
        "composer.json" => composer(&text).map_err(bad),
        "go.mod" => Ok(gomod(&text)),
        _ => Ok(Vec::new()),
    }
}

fn toml_doc(text: &str) -> Result<toml::Table, String> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        format!("line {line}: {}", e.message().trim())
    })
}

fn dep(ecosystem: &'static str, name: &str, dev: bool) -> DirectDep {
    DirectDep {
        ecosystem,
        name: canonical_name(ecosystem, name),
        dev,
        version: None,
    }
}

// ---- Cargo -------------------------------------------------------------

fn cargo(path: &Path, text: &str) -> Result<Vec<DirectDep>, String> {
    let doc = toml_doc(text)?;
    let mut out = cargo_tables(&doc);
    let members = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default();
    let root = path.parent().unwrap_or(Path::new("."));
    for member in members.iter().filter_map(|m| m.as_str()) {
        for dir in expand_member(root, member) {
            let manifest = dir.join("Cargo.toml");
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                continue;
            };
            let doc = toml_doc(&text).map_err(|e| format!("member {}: {e}", manifest.display()))?;
            out.extend(cargo_tables(&doc));
        }
    }
    Ok(out)
}

/// A member path, or a `dir/*` glob (the form workspaces use).
fn expand_member(root: &Path, member: &str) -> Vec<PathBuf> {
    match member.strip_suffix("/*") {
        Some(parent) => {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(parent))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            dirs
        }
        None => vec![root.join(member)],
    }
}

fn cargo_tables(doc: &toml::Table) -> Vec<DirectDep> {
    let mut out = Vec::new();
    let mut tables: Vec<(&toml::Table, bool)> = Vec::new();
    for (key, dev) in [
        ("dependencies", false),
        ("build-dependencies", true),
        ("dev-dependencies", true),
    ] {
        if let Some(t) = doc.get(key).and_then(|t| t.as_table()) {
            tables.push((t, dev));
        }
        // `[target.'cfg(unix)'.dependencies]`
        for target in doc
            .get("target")
            .and_then(|t| t.as_table())
            .into_iter()
            .flat_map(|t| t.values())
        {
            if let Some(t) = target.get(key).and_then(|t| t.as_table()) {
                tables.push((t, dev));
            }
        }
    }
    for (table, dev) in tables {
        for (name, spec) in table {
            let local = spec
                .as_table()
                .is_some_and(|s| s.contains_key("path") || s.contains_key("git"));
            if local {
                continue;
            }
            let real = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            out.push(dep("crates.io", real, dev));
        }
    }
    out
}

// ---- npm ---------------------------------------------------------------

fn npm(text: &str) -> Result<Vec<DirectDep>, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    let mut out = Vec::new();
    for (key, dev) in [("dependencies", false), ("devDependencies", true)] {
        let Some(deps) = doc.get(key).and_then(Json::as_object) else {
            continue;
        };
        for (name, spec) in deps {
            let spec = spec.as_str().unwrap_or("");
            let local = ["workspace:", "file:", "link:", "portal:", "git", "http"]
                .iter()
                .any(|p| spec.starts_with(p));
            if !local {
                out.push(dep("npm", name, dev));
            }
        }
    }
    Ok(out)
}

// ---- Python ------------------------------------------------------------

/// The distribution name of a PEP 508 requirement (`Django[argon2]>=4`).
fn pep508_name(req: &str) -> Option<&str> {
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = req[..end].trim();
    (!name.is_empty()).then_some(name)
}

fn pyproject(text: &str) -> Result<Vec<DirectDep>, String> {
    let doc = toml_doc(text)?;
    let mut out = Vec::new();
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let project = doc.get("project");
    for req in strings(project.and_then(|p| p.get("dependencies"))) {
        out.extend(pep508_name(&req).map(|n| dep("PyPI", n, false)));
    }
    // PEP 735 groups are for development by definition.
    if let Some(groups) = doc.get("dependency-groups").and_then(|g| g.as_table()) {
        for list in groups.values() {
            for req in strings(Some(list)) {
                out.extend(pep508_name(&req).map(|n| dep("PyPI", n, true)));
            }
        }
    }
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    let mut poetry_tables: Vec<(&toml::Value, bool)> = Vec::new();
    if let Some(p) = poetry {
        if let Some(d) = p.get("dependencies") {
            poetry_tables.push((d, false));
        }
        if let Some(d) = p.get("dev-dependencies") {
            poetry_tables.push((d, true));
        }
        for (group, body) in p
            .get("group")
            .and_then(|g| g.as_table())
            .into_iter()
            .flatten()
        {
            if let Some(d) = body.get("dependencies") {
                poetry_tables.push((d, group != "main"));
            }
        }
    }
    for (table, dev) in poetry_tables {
        for (name, spec) in table.as_table().into_iter().flatten() {
            let local = spec.as_table().is_some_and(|s| {
                s.contains_key("path") || s.contains_key("git") || s.contains_key("url")
            });
            if name != "python" && !local {
                out.push(dep("PyPI", name, dev));
            }
        }
    }
    Ok(out)
}

// ---- Ruby --------------------------------------------------------------

/// `gem "name"` lines; inside a `group :development`/`:test` block they are
/// dev. Gems with `path:`/`git:`/`github:` are local.
fn gemfile(text: &str) -> Vec<DirectDep> {
    let mut out = Vec::new();
    // One entry per open `do` block: is it a dev-only group?
    let mut blocks: Vec<bool> = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line == "end" {
            blocks.pop();
            continue;
        }
        if line.ends_with(" do") || line.contains(" do |") {
            let dev = line.starts_with("group")
                && !line.contains(":production")
                && !line.contains(":default")
                && (line.contains(":development") || line.contains(":test"));
            blocks.push(dev);
            continue;
        }
        let Some(rest) = line
            .strip_prefix("gem ")
            .or_else(|| line.strip_prefix("gem("))
        else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(name) = rest[1..].split(quote).next() else {
            continue;
        };
        let local = ["path:", "git:", "github:", ":path", ":git"]
            .iter()
            .any(|k| rest.contains(k));
        let inline_dev =
            rest.contains("group:") && (rest.contains(":development") || rest.contains(":test"));
        if !local && !name.is_empty() {
            out.push(dep(
                "RubyGems",
                name,
                blocks.iter().any(|d| *d) || inline_dev,
            ));
        }
    }
    out
}

// ---- PHP ---------------------------------------------------------------

fn composer(text: &str) -> Result<Vec<DirectDep>, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    let mut out = Vec::new();
    for (key, dev) in [("require", false), ("require-dev", true)] {
        for name in doc
            .get(key)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            // `php`, `ext-json`, `lib-curl` are the platform, not packages.
            if name.contains('/') {
                out.push(dep("Packagist", &name.to_ascii_lowercase(), dev));
            }
        }
    }
    Ok(out)
}

// ---- Go ----------------------------------------------------------------

/// `require` lines (single or in a block) without `// indirect`.
fn gomod(text: &str) -> Vec<DirectDep> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if in_block && trimmed.starts_with(')') {
            in_block = false;
            continue;
        }
        let spec = if in_block {
            trimmed
        } else if let Some(rest) = trimmed.strip_prefix("require") {
            let rest = rest.trim_start();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        if spec.contains("// indirect") || spec.starts_with("//") {
            continue;
        }
        let mut parts = spec.split_whitespace();
        if let (Some(module), Some(version)) = (parts.next(), parts.next()) {
            out.push(DirectDep {
                ecosystem: "Go",
                name: module.to_string(),
                dev: false,
                version: Some(version.to_string()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(deps: &[DirectDep]) -> Vec<(String, bool)> {
        deps.iter().map(|d| (d.name.clone(), d.dev)).collect()
    }

    #[test]
    fn gemfile_groups_and_local_gems() {
        let deps = gemfile(
            "source 'https://rubygems.org'\ngem \"rails\", \"~> 7.1\"\ngem 'pg' # db\n\
             group :development, :test do\n  gem 'rspec-rails'\n  platforms :mri do\n    gem 'byebug'\n  end\nend\n\
             gem 'local', path: '../local'\ngem 'puma'\ngem 'rubocop', group: :development\n",
        );
        assert_eq!(
            names(&deps),
            [
                ("rails".to_string(), false),
                ("pg".to_string(), false),
                ("rspec-rails".to_string(), true),
                ("byebug".to_string(), true),
                ("puma".to_string(), false),
                ("rubocop".to_string(), true)
            ]
        );
    }

    #[test]
    fn gomod_skips_indirect() {
        let deps = gomod(
            "module example.com/app\n\ngo 1.22\n\nrequire github.com/spf13/cobra v1.8.0\n\
             require (\n\tgolang.org/x/sys v0.20.0 // indirect\n\tgithub.com/BurntSushi/toml v1.3.2\n)\n",
        );
        assert_eq!(
            deps.iter()
                .map(|d| (d.name.as_str(), d.version.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("github.com/spf13/cobra", Some("v1.8.0")),
                ("github.com/BurntSushi/toml", Some("v1.3.2"))
            ]
        );
    }

    #[test]
    fn pyproject_pep621_groups_and_poetry() {
        let deps = pyproject(
            "[project]\ndependencies = [\"Django[argon2]>=4.2\", \"requests ; python_version>'3'\"]\n\
             [dependency-groups]\ntest = [\"pytest>=8\"]\n\
             [tool.poetry.dependencies]\npython = \"^3.11\"\nhttpx = \"^0.27\"\nmine = { path = \"../mine\" }\n\
             [tool.poetry.group.dev.dependencies]\nruff = \"*\"\n",
        )
        .unwrap();
        assert_eq!(
            names(&deps),
            [
                ("django".to_string(), false),
                ("requests".to_string(), false),
                ("pytest".to_string(), true),
                ("httpx".to_string(), false),
                ("ruff".to_string(), true)
            ]
        );
        assert!(pyproject("[project\n").unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn composer_and_npm_skip_platform_and_local() {
        let c = composer(r#"{"require":{"php":">=8.1","ext-json":"*","Monolog/Monolog":"^3"},"require-dev":{"phpunit/phpunit":"^10"}}"#).unwrap();
        assert_eq!(
            names(&c),
            [
                ("monolog/monolog".to_string(), false),
                ("phpunit/phpunit".to_string(), true)
            ]
        );
        let n = npm(r#"{"dependencies":{"react":"^18","@acme/ui":"workspace:*"},"devDependencies":{"vite":"^5"}}"#).unwrap();
        assert_eq!(
            names(&n),
            [("react".to_string(), false), ("vite".to_string(), true)]
        );
        assert!(npm("{").is_err());
    }
}
