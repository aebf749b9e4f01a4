//! mix.lock (Elixir): an Elixir map, one `"key": {…},` entry per line.
//! `{:hex, :name, "version", "checksum", managers, deps, "repo", "checksum"}`
//! is a Hex package (its checksum kept in `detail`); `{:git, "url",
//! "commit", opts}` is git. mix.lock does not say what is direct or dev.

use std::path::Path;

use super::read::{empty, package};
use super::{Dependency, Lockfile, PackageSource, StackError};

/// Splits the inside of a tuple or list at its top-level commas.
fn elements(s: &str) -> Option<Vec<&str>> {
    let (mut depth, mut in_str, mut escaped, mut start) = (0i32, false, false, 0);
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    if in_str || depth != 0 {
        return None;
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    Some(out)
}

fn string(s: &str) -> Option<&str> {
    s.strip_prefix('"')?.strip_suffix('"')
}

fn atom(s: &str) -> Option<&str> {
    s.strip_prefix(':').filter(|a| !a.is_empty())
}

/// The package names in a Hex deps list: `[{:jason, "~> 1.0", [...]}]`.
fn dep_names(list: &str) -> Vec<Dependency> {
    let inner = list
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .unwrap_or("");
    elements(inner)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            let t = t.strip_prefix('{')?.strip_suffix('}')?;
            let first = elements(t)?.into_iter().next()?;
            Some(Dependency {
                name: atom(first)?.to_string(),
                version: None,
            })
        })
        .collect()
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    let err = |line: usize, message: String| StackError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut opened = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !opened {
            if line.starts_with("%{") && line.trim_start_matches("%{").trim().is_empty() {
                opened = true;
                continue;
            }
            if line == "%{}" {
                return Ok(lock);
            }
            return Err(err(i + 1, "a mix.lock starts with `%{`".into()));
        }
        if line == "}" {
            return Ok(lock);
        }
        let bad = |why: &str| {
            err(
                i + 1,
                format!(
                    "{why}; expected `\"name\": {{:hex, :name, \"version\", …}},` (regenerate it with `mix deps.get`)"
                ),
            )
        };
        let entry = line.strip_suffix(',').unwrap_or(line);
        let (_, tuple) = entry
            .split_once("\": ")
            .ok_or_else(|| bad("not a `\"name\": {…}` entry"))?;
        let inner = tuple
            .trim()
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .ok_or_else(|| bad("the value is not a tuple"))?;
        let parts = elements(inner).ok_or_else(|| bad("unbalanced brackets or quotes"))?;
        match parts.first().copied() {
            Some(":hex") => {
                let (Some(name), Some(version)) = (
                    parts.get(1).and_then(|s| atom(s)),
                    parts.get(2).and_then(|s| string(s)),
                ) else {
                    return Err(bad("a :hex entry without its name and version"));
                };
                let mut p = package("Hex", name, version, PackageSource::Registry, path);
                p.detail = parts
                    .get(3)
                    .and_then(|s| string(s))
                    .map(|c| format!("checksum {c}"));
                p.depends = parts.get(5).map(|d| dep_names(d)).unwrap_or_default();
                if let Some(repo) = parts
                    .get(6)
                    .and_then(|s| string(s))
                    .filter(|r| *r != "hexpm")
                {
                    p.registry = Some(repo.to_string());
                }
                lock.packages.push(p);
            }
            Some(":git") => {
                let key = entry.split('"').nth(1).unwrap_or_default();
                let commit = parts
                    .get(2)
                    .and_then(|s| string(s))
                    .ok_or_else(|| bad("a :git entry without its commit"))?;
                let mut p = package("Hex", key, "", PackageSource::Git, path);
                p.detail = Some(format!("commit {commit}"));
                lock.packages.push(p);
            }
            Some(":path") => {
                let key = entry.split('"').nth(1).unwrap_or_default();
                lock.packages
                    .push(package("Hex", key, "", PackageSource::Path, path));
            }
            _ => return Err(bad("an entry that is not :hex, :git or :path")),
        }
    }
    if opened {
        Err(err(
            text.lines().count(),
            "the map is not closed with `}`".into(),
        ))
    } else {
        Ok(lock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_git_and_broken_entries() {
        let text = concat!(
            "%{\n",
            "  \"plug\": {:hex, :plug, \"1.15.3\", \"abc\", [:mix], [{:mime, \"~> 1.0 or ~> 2.0\", [hex: :mime, repo: \"hexpm\", optional: false]}, {:plug_crypto, \"~> 1.1\", [hex: :plug_crypto, repo: \"hexpm\", optional: false]}], \"hexpm\", \"def\"},\n",
            "  \"phoenix\": {:git, \"https://github.com/phoenixframework/phoenix.git\", \"0123abcd\", [branch: \"main\"]},\n",
            "}\n"
        );
        let lock = parse(Path::new("mix.lock"), text).unwrap();
        assert_eq!(lock.packages.len(), 2);
        let plug = &lock.packages[0];
        assert_eq!(
            (plug.name.as_str(), plug.version.as_str()),
            ("plug", "1.15.3")
        );
        let deps: Vec<_> = plug.depends.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(deps, vec!["mime", "plug_crypto"]);
        assert_eq!(lock.packages[1].source, PackageSource::Git);
        assert_eq!(lock.packages[1].detail.as_deref(), Some("commit 0123abcd"));

        let broken = "%{\n  \"ok\": {:hex, :ok, \"1.0.0\", \"x\", [:mix], [], \"hexpm\", \"y\"},\n  \"certifi\": {:hex, },\n}\n";
        let e = parse(Path::new("m/mix.lock"), broken)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m/mix.lock:3:"), "{e}");
        assert!(
            parse(Path::new("mix.lock"), "%{\n}\n")
                .unwrap()
                .packages
                .is_empty()
        );
    }
}
