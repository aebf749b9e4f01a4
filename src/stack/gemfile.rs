//! Gemfile.lock (and gems.locked): Bundler's own indented format.
//!
//! - GEM specs are registry packages; PATH specs are local; GIT specs are
//!   git (their `revision` kept in `detail`).
//! - Platform variants (`nokogiri (1.16.0-x86_64-linux)`) are one name and
//!   version, whichever platforms the lockfile lists.
//! - DEPENDENCIES names the direct gems; Bundler does not record groups in
//!   the lockfile, so `dev` is null.

use std::collections::HashSet;
use std::path::Path;

use super::read::{empty, package};
use super::{Dependency, Lockfile, PackageSource, StackError};

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    let err = |line: usize, message: String| StackError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut section = String::new();
    let mut in_specs = false;
    let mut revision: Option<String> = None;
    let mut direct = HashSet::new();
    let mut seen = HashSet::new();
    // Dependencies of a second platform variant repeat the first's.
    let mut attach = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let line = raw.trim();
        match indent {
            0 => {
                section = line.to_string();
                in_specs = false;
                revision = None;
            }
            2 if line == "specs:" => in_specs = true,
            2 if section == "DEPENDENCIES" => {
                let name = line.split([' ', '!']).next().unwrap_or(line);
                direct.insert(name.to_string());
            }
            2 => {
                if let Some(r) = line.strip_prefix("revision: ") {
                    revision = Some(r.trim().to_string());
                }
            }
            4 if in_specs => {
                let (name, version) = spec(line)
                    .ok_or_else(|| err(line_no, format!("{line:?} is not \"name (version)\"")))?;
                let source = match section.as_str() {
                    "GEM" => PackageSource::Registry,
                    "PATH" => PackageSource::Path,
                    "GIT" => PackageSource::Git,
                    other => {
                        return Err(err(
                            line_no,
                            format!(
                                "specs in an unknown section {other:?} (expected GEM, PATH or GIT)"
                            ),
                        ));
                    }
                };
                attach = seen.insert((name.to_string(), version.to_string(), source));
                if !attach {
                    continue; // another platform of the same gem
                }
                let mut p = package("RubyGems", name, version, source, path);
                if source == PackageSource::Git {
                    p.detail = revision.as_ref().map(|r| format!("commit {r}"));
                }
                lock.packages.push(p);
            }
            6 if in_specs && attach => {
                let name = line.split(' ').next().unwrap_or(line);
                if let Some(p) = lock.packages.last_mut() {
                    p.depends.push(Dependency {
                        name: name.to_string(),
                        version: None,
                    });
                }
            }
            _ => {}
        }
    }
    if !direct.is_empty() {
        for p in &mut lock.packages {
            p.direct = Some(direct.contains(&p.name));
        }
    }
    Ok(lock)
}

/// `nokogiri (1.16.0-x86_64-linux)` → (`nokogiri`, `1.16.0`).
fn spec(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once(" (")?;
    let version = rest.strip_suffix(')')?;
    // Gem versions have no `-`: what follows one is the platform.
    let version = version.split('-').next()?;
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_platforms_and_direct() {
        let text = "GIT\n  remote: https://github.com/x/y.git\n  revision: abc123\n  specs:\n    y (0.1.0)\n\nPATH\n  remote: engines/z\n  specs:\n    z (0.0.1)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.0-x86_64-linux)\n      racc (~> 1.4)\n    nokogiri (1.16.0-arm64-darwin)\n      racc (~> 1.4)\n    racc (1.7.3)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n  y!\n";
        let l = parse(Path::new("Gemfile.lock"), text).unwrap();
        let got: Vec<_> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source, p.direct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("y", "0.1.0", PackageSource::Git, Some(true)),
                ("z", "0.0.1", PackageSource::Path, Some(false)),
                ("nokogiri", "1.16.0", PackageSource::Registry, Some(true)),
                ("racc", "1.7.3", PackageSource::Registry, Some(false)),
            ]
        );
        assert_eq!(l.packages[2].depends.len(), 1);
    }

    #[test]
    fn bad_spec_names_the_line() {
        let e = parse(Path::new("Gemfile.lock"), "GEM\n  specs:\n    ast 2.4.2\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Gemfile.lock:3:"), "{e}");
    }
}
