//! SPDX JSON SBOMs (2.3): `packages` with a `purl` external reference
//! (category `PACKAGE-MANAGER`), and `relationships`. The described
//! root (`documentDescribes`, or `DESCRIBES`) is the project: what it
//! `DEPENDS_ON` (or what is a `DEPENDENCY_OF` it) is direct, a
//! `DEV_DEPENDENCY_OF` it is dev. The root package itself is not listed.

use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::super::read::{empty, invalid, json};
use super::super::{Dependency, Lockfile, StackError};
use super::from_purl;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    spdx_version: Option<String>,
    #[serde(default)]
    document_describes: Vec<String>,
    #[serde(default)]
    packages: Vec<RawPackage>,
    #[serde(default)]
    relationships: Vec<Relationship>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPackage {
    #[serde(rename = "SPDXID")]
    id: String,
    name: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: String,
    reference_type: String,
    reference_locator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: String,
    related_spdx_element: String,
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let raw: Raw = json(path, text, "SPDX JSON SBOM")?;
    let version = raw.spdx_version.as_deref().unwrap_or("");
    if !version.starts_with("SPDX-2.") {
        return Err(invalid(
            path,
            format!("spdxVersion {version:?}: radar reads SPDX 2.x JSON (2.3)"),
        ));
    }
    let mut roots: HashSet<&str> = raw.document_describes.iter().map(String::as_str).collect();
    // (from, to) dependency edges, and the dev ones.
    let mut edges: Vec<(&str, &str)> = Vec::new();
    let mut dev: HashSet<&str> = HashSet::new();
    for r in &raw.relationships {
        let (a, b) = (r.spdx_element_id.as_str(), r.related_spdx_element.as_str());
        match r.relationship_type.as_str() {
            "DESCRIBES" if a == "SPDXRef-DOCUMENT" => {
                roots.insert(b);
            }
            "DESCRIBED_BY" if b == "SPDXRef-DOCUMENT" => {
                roots.insert(a);
            }
            "DEPENDS_ON" => edges.push((a, b)),
            "DEPENDENCY_OF" | "RUNTIME_DEPENDENCY_OF" | "OPTIONAL_DEPENDENCY_OF" => {
                edges.push((b, a))
            }
            "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" | "BUILD_DEPENDENCY_OF" => {
                edges.push((b, a));
                dev.insert(a);
            }
            _ => {}
        }
    }
    let graph = !edges.is_empty() && !roots.is_empty();
    let direct: HashSet<&str> = edges
        .iter()
        .filter(|(a, _)| roots.contains(a))
        .map(|(_, b)| *b)
        .collect();
    let mut lock = empty(path);
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for p in &raw.packages {
        let purl = p
            .external_refs
            .iter()
            .find(|r| {
                r.reference_type == "purl"
                    && matches!(
                        r.reference_category.as_str(),
                        "PACKAGE-MANAGER" | "PACKAGE_MANAGER"
                    )
            })
            .map(|r| r.reference_locator.as_str());
        if roots.contains(p.id.as_str()) && purl.is_none() {
            continue;
        }
        let what = p.name.as_deref().unwrap_or(&p.id);
        match from_purl(purl, what, path) {
            Ok(mut pkg) => {
                if graph {
                    pkg.direct = Some(direct.contains(p.id.as_str()));
                }
                pkg.dev = dev.contains(p.id.as_str()).then_some(true);
                by_id.insert(p.id.as_str(), lock.packages.len());
                lock.packages.push(pkg);
            }
            Err(s) => lock.skipped.push(s),
        }
    }
    let ids: Vec<(String, String)> = lock
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    for (a, b) in edges {
        if let (Some(&i), Some(&j)) = (by_id.get(a), by_id.get(b)) {
            lock.packages[i].depends.push(Dependency {
                name: ids[j].0.clone(),
                version: Some(ids[j].1.clone()),
            });
        }
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_through_purls_with_the_graph() {
        let doc = r#"{
  "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "app",
  "documentDescribes": ["SPDXRef-app"],
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "app"},
    {"SPDXID": "SPDXRef-1", "name": "requests", "externalRefs": [
      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/requests@2.31.0"}]},
    {"SPDXID": "SPDXRef-2", "name": "urllib3", "externalRefs": [
      {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/urllib3@2.0.7"}]},
    {"SPDXID": "SPDXRef-3", "name": "pytest", "externalRefs": [
      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/pytest@8.0.0"}]},
    {"SPDXID": "SPDXRef-4", "name": "zlib"}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-app", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-1"},
    {"spdxElementId": "SPDXRef-1", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-2"},
    {"spdxElementId": "SPDXRef-3", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"}
  ]
}"#;
        let lock = parse(Path::new("app.spdx.json"), doc).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.direct, p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", "2.31.0", Some(true), None),
                ("urllib3", "2.0.7", Some(false), None),
                ("pytest", "8.0.0", Some(true), Some(true)),
            ]
        );
        assert_eq!(lock.packages[0].depends[0].name, "urllib3");
        assert_eq!(lock.skipped.len(), 1);
        assert_eq!(lock.skipped[0].package, "zlib");
        let e = parse(Path::new("x.spdx.json"), "{\"spdxVersion\": \"SPDX-3.0\"}").unwrap_err();
        assert!(e.to_string().contains("x.spdx.json"), "{e}");
    }
}
