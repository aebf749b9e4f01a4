//! pubspec.lock (Dart and Flutter). Each package says its `dependency`
//! (`direct main`, `direct dev`, `direct overridden`, `transitive`) and
//! `source`: `hosted` (pub.dev or a mirror), `git` (with `resolved-ref`),
//! `path`, or `sdk` (shipped with Flutter or Dart: local, not audited).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::read::{empty, invalid, package, yaml};
use super::{Lockfile, PackageSource, StackError};

#[derive(Deserialize)]
struct Raw {
    packages: Option<BTreeMap<String, RawPackage>>,
}

#[derive(Deserialize)]
struct RawPackage {
    dependency: Option<String>,
    source: Option<String>,
    version: String,
    description: Option<serde_yaml_ng::Value>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: Option<Raw> = yaml(path, text, "pubspec.lock")?;
    let Some(Raw {
        packages: Some(packages),
    }) = raw
    else {
        return Err(invalid(
            path,
            "no `packages:` section; regenerate it with `dart pub get`",
        ));
    };
    let mut lock = empty(path);
    for (name, p) in packages {
        let source = match p.source.as_deref() {
            Some("git") => PackageSource::Git,
            Some("path" | "sdk") => PackageSource::Path,
            _ => PackageSource::Registry,
        };
        let desc = p.description.as_ref();
        let field = |k: &str| desc.and_then(|d| d.get(k)).and_then(|v| v.as_str());
        let mut pkg = package("Pub", name, p.version, source, path);
        pkg.detail = match p.source.as_deref() {
            Some("git") => field("resolved-ref").map(|c| format!("commit {c}")),
            Some("sdk") => desc.and_then(|d| d.as_str()).map(|s| format!("sdk {s}")),
            _ => None,
        };
        let dependency = p.dependency.as_deref().unwrap_or("");
        if !dependency.is_empty() {
            pkg.direct = Some(dependency.starts_with("direct"));
            pkg.dev = match dependency {
                "direct dev" => Some(true),
                "direct main" => Some(false),
                _ => None,
            };
        }
        lock.packages.push(pkg);
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_groups() {
        let text = "packages:\n  http:\n    dependency: \"direct main\"\n    description:\n      name: http\n      url: \"https://pub.dev\"\n    source: hosted\n    version: \"1.1.0\"\n  lints:\n    dependency: \"direct dev\"\n    source: hosted\n    version: \"3.0.0\"\n  tray:\n    dependency: transitive\n    description:\n      resolved-ref: abc123\n      url: \"https://github.com/x/tray\"\n    source: git\n    version: \"0.1.8\"\n  flutter:\n    dependency: \"direct main\"\n    description: flutter\n    source: sdk\n    version: \"0.0.0\"\n";
        let lock = parse(Path::new("pubspec.lock"), text).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.source,
                    p.direct,
                    p.dev,
                    p.detail.as_deref(),
                )
            })
            .collect();
        use PackageSource as S;
        assert_eq!(
            got,
            vec![
                (
                    "flutter",
                    S::Path,
                    Some(true),
                    Some(false),
                    Some("sdk flutter")
                ),
                ("http", S::Registry, Some(true), Some(false), None),
                ("lints", S::Registry, Some(true), Some(true), None),
                ("tray", S::Git, Some(false), None, Some("commit abc123")),
            ]
        );
        let e = parse(
            std::path::Path::new("d/pubspec.lock"),
            "packages:\n  a:\n    version: [\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("d/pubspec.lock:"), "{e}");
    }
}
