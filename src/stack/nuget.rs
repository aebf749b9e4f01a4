//! packages.lock.json (NuGet): `dependencies` per target framework, each
//! package with `type` (`Direct`, `Transitive`, `CentralTransitive`,
//! `Project`) and the `resolved` version. The same package under several
//! frameworks is one package; `Project` entries are the solution's own
//! projects. NuGet does not say what is dev: null.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

use super::read::{empty, json, package};
use super::{Dependency, Lockfile, PackageSource, StackError};

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, RawPackage>>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(rename = "type")]
    kind: Option<String>,
    resolved: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: Raw = json(path, text, "packages.lock.json")?;
    let mut lock = empty(path);
    for (framework, packages) in raw.dependencies {
        for (name, p) in packages {
            let project = p.kind.as_deref() == Some("Project");
            let direct = p.kind.as_deref() == Some("Direct");
            let version = match (&p.resolved, project) {
                (Some(v), _) => v.clone(),
                (None, true) => String::new(),
                (None, false) => {
                    return Err(super::read::invalid(
                        path,
                        format!(
                            "dependencies.{framework:?}.{name:?} has no `resolved` version; run `dotnet restore --force-evaluate`"
                        ),
                    ));
                }
            };
            if let Some(old) = lock
                .packages
                .iter_mut()
                .find(|o| o.name.eq_ignore_ascii_case(&name) && o.version == version)
            {
                old.direct = Some(old.direct == Some(true) || direct);
                continue;
            }
            let source = if project {
                PackageSource::Workspace
            } else {
                PackageSource::Registry
            };
            let mut pkg = package("NuGet", name, version, source, path);
            pkg.direct = Some(direct);
            pkg.depends = p
                .dependencies
                .keys()
                .map(|n| Dependency {
                    name: n.clone(),
                    version: None,
                })
                .collect();
            lock.packages.push(pkg);
        }
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frameworks_merge_and_types_tell_direct() {
        let text = r#"{"version": 1, "dependencies": {
          "net6.0": {
            "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1"},
            "System.Memory": {"type": "Transitive", "resolved": "4.5.4"},
            "MyLib": {"type": "Project", "dependencies": {"System.Memory": "[4.5.4, )"}}
          },
          "net8.0": {
            "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1"}
          }}}"#;
        let lock = parse(Path::new("packages.lock.json"), text).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source, p.direct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("MyLib", "", PackageSource::Workspace, Some(false)),
                (
                    "Newtonsoft.Json",
                    "13.0.1",
                    PackageSource::Registry,
                    Some(true)
                ),
                (
                    "System.Memory",
                    "4.5.4",
                    PackageSource::Registry,
                    Some(false)
                ),
            ]
        );
        let e = parse(
            Path::new("n/packages.lock.json"),
            "{\n\"dependencies\": [\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("n/packages.lock.json:"), "{e}");
    }
}
