//! CycloneDX JSON SBOMs (spec 1.4–1.6): `components` (nested ones
//! included) with their `purl`, and `dependencies` (`ref` → `dependsOn`).
//! `metadata.component` is the project itself: what it depends on is
//! direct. A component `scope: "excluded"` is not shipped: dev.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::super::read::{empty, invalid, json};
use super::super::{Dependency, Lockfile, Package, StackError};
use super::from_purl;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    bom_format: Option<String>,
    spec_version: Option<String>,
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    dependencies: Vec<Edge>,
}

#[derive(Deserialize)]
struct Metadata {
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: Option<String>,
    purl: Option<String>,
    scope: Option<String>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Edge {
    #[serde(rename = "ref")]
    from: String,
    #[serde(default)]
    depends_on: Vec<String>,
}

fn flatten<'a>(list: &'a [Component], out: &mut Vec<&'a Component>) {
    for c in list {
        out.push(c);
        flatten(&c.components, out);
    }
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: Raw = json(path, text, "CycloneDX JSON SBOM")?;
    if raw.bom_format.as_deref() != Some("CycloneDX") {
        return Err(invalid(
            path,
            "no `\"bomFormat\": \"CycloneDX\"`: not a CycloneDX JSON SBOM",
        ));
    }
    let spec = raw.spec_version.as_deref().unwrap_or("");
    if !matches!(spec, "1.4" | "1.5" | "1.6") {
        return Err(invalid(
            path,
            format!("specVersion {spec:?}: radar reads CycloneDX 1.4, 1.5 and 1.6"),
        ));
    }
    let mut lock = empty(path);
    let edges: HashMap<&str, &[String]> = raw
        .dependencies
        .iter()
        .map(|e| (e.from.as_str(), e.depends_on.as_slice()))
        .collect();
    let root = raw
        .metadata
        .as_ref()
        .and_then(|m| m.component.as_ref())
        .and_then(|c| c.bom_ref.as_deref());
    let direct: Option<HashSet<&str>> = root
        .and_then(|r| edges.get(r))
        .map(|deps| deps.iter().map(String::as_str).collect());
    let mut all = Vec::new();
    flatten(&raw.components, &mut all);
    let mut by_ref: HashMap<&str, usize> = HashMap::new();
    let mut refs: Vec<Option<&str>> = Vec::new();
    for c in all {
        let what = c
            .bom_ref
            .as_deref()
            .or(c.name.as_deref())
            .unwrap_or("a component");
        match from_purl(c.purl.as_deref(), what, path) {
            Ok(mut p) => {
                if let Some(r) = c.bom_ref.as_deref() {
                    p.direct = direct.as_ref().map(|d| d.contains(r));
                    by_ref.insert(r, lock.packages.len());
                }
                p.dev = (c.scope.as_deref() == Some("excluded")).then_some(true);
                refs.push(c.bom_ref.as_deref());
                lock.packages.push(p);
            }
            Err(s) => lock.skipped.push(s),
        }
    }
    let names: Vec<(String, String)> = lock
        .packages
        .iter()
        .map(|p: &Package| (p.name.clone(), p.version.clone()))
        .collect();
    for (i, r) in refs.iter().enumerate() {
        let Some(deps) = r.and_then(|r| edges.get(r)) else {
            continue;
        };
        lock.packages[i].depends = deps
            .iter()
            .filter_map(|d| by_ref.get(d.as_str()))
            .map(|&j| Dependency {
                name: names[j].0.clone(),
                version: Some(names[j].1.clone()),
            })
            .collect();
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOM: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
  "metadata": {"component": {"bom-ref": "app", "type": "application", "name": "app"}},
  "components": [
    {"bom-ref": "a", "type": "library", "name": "serde", "version": "1.0.200", "purl": "pkg:cargo/serde@1.0.200"},
    {"bom-ref": "b", "type": "library", "name": "lodash", "purl": "pkg:npm/lodash@4.17.20",
     "components": [{"bom-ref": "c", "name": "inner", "purl": "pkg:pypi/Django_REST@3.0"}]},
    {"bom-ref": "d", "type": "library", "name": "libc6", "purl": "pkg:deb/debian/libc6@2.36"},
    {"bom-ref": "e", "type": "library", "name": "untracked"}
  ],
  "dependencies": [{"ref": "app", "dependsOn": ["a", "b"]}, {"ref": "b", "dependsOn": ["c"]}]
}"#;

    #[test]
    fn components_purls_and_the_graph() {
        let lock = parse(Path::new("bom.cdx.json"), BOM).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| {
                (
                    p.ecosystem.as_str(),
                    p.name.as_str(),
                    p.version.as_str(),
                    p.direct,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("crates.io", "serde", "1.0.200", Some(true)),
                ("npm", "lodash", "4.17.20", Some(true)),
                ("PyPI", "django-rest", "3.0", Some(false)),
            ]
        );
        assert_eq!(lock.packages[1].depends[0].name, "django-rest");
        let skipped: Vec<_> = lock.skipped.iter().map(|s| s.package.as_str()).collect();
        assert_eq!(skipped, vec!["d", "e"]);
    }

    #[test]
    fn not_cyclonedx_or_wrong_version_is_an_error() {
        let e = parse(Path::new("s/bom.json"), "{\"bomFormat\": \"SPDX\"}").unwrap_err();
        assert!(e.to_string().contains("s/bom.json"), "{e}");
        let e = parse(
            Path::new("s/bom.json"),
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.2\"}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("1.2"), "{e}");
        let e = parse(Path::new("s/bom.json"), "{\n\"components\": [1,\n").unwrap_err();
        assert!(e.to_string().starts_with("s/bom.json:"), "{e}");
    }
}
