//! SBOM input: CycloneDX JSON (1.4–1.6) and SPDX JSON (2.3). Both are read
//! through their package URLs: a purl of a type radar audits becomes a
//! [`Package`]; a component without a purl, or with a type outside the
//! OSV ecosystems here (`pkg:generic`, `pkg:deb`, …), is listed as skipped
//! with why. Direct comes from the dependency graph where the SBOM has one
//! (what the described root depends on); dev is never stated: null.

pub(super) mod cyclonedx;
pub(super) mod spdx;

use packageurl::PackageUrl;
use std::path::Path;
use std::str::FromStr;

use super::read::package;
use super::{Package, PackageSource, Skipped};

/// The OSV ecosystem for a purl type.
fn ecosystem(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "cargo" => "crates.io",
        "npm" => "npm",
        "pypi" => "PyPI",
        "gem" => "RubyGems",
        "composer" => "Packagist",
        "maven" => "Maven",
        "golang" => "Go",
        "nuget" => "NuGet",
        "pub" => "Pub",
        "hex" => "Hex",
        _ => return None,
    })
}

/// A package from a purl, or why it cannot be one. `what` names the
/// component in the SBOM (its bom-ref or SPDXID) for the skipped note.
pub(super) fn from_purl(
    purl: Option<&str>,
    what: &str,
    lockfile: &Path,
) -> Result<Package, Skipped> {
    let skip = |reason: String| Skipped {
        package: what.to_string(),
        version: None,
        reason,
        lockfile: lockfile.to_path_buf(),
    };
    let Some(text) = purl else {
        return Err(skip("no package URL (purl) to identify it".into()));
    };
    let parsed = PackageUrl::from_str(text)
        .map_err(|e| skip(format!("purl {text:?} cannot be read: {e}")))?;
    let Some(eco) = ecosystem(parsed.ty()) else {
        return Err(skip(format!(
            "purl type {:?} is not one radar audits",
            parsed.ty()
        )));
    };
    let name = match (parsed.ty(), parsed.namespace()) {
        ("maven", Some(ns)) => format!("{ns}:{}", parsed.name()),
        (_, Some(ns)) => format!("{ns}/{}", parsed.name()),
        (_, None) => parsed.name().to_string(),
    };
    let name = crate::model::canonical_name(eco, &name);
    let Some(version) = parsed.version() else {
        return Err(Skipped {
            package: format!("{eco}/{name}"),
            version: None,
            reason: format!("purl {text:?} has no version"),
            lockfile: lockfile.to_path_buf(),
        });
    };
    let quals = parsed.qualifiers();
    let source = if quals.contains_key("vcs_url") {
        PackageSource::Git
    } else if quals.contains_key("download_url") && !quals.contains_key("repository_url") {
        PackageSource::Url
    } else {
        PackageSource::Registry
    };
    let mut p = package(eco, name, version, source, lockfile);
    if let Some(repo) = quals.get("repository_url") {
        p.registry = Some(repo.to_string());
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_become_packages() {
        let at = Path::new("bom.json");
        let p = |s: &str| from_purl(Some(s), "x", at).map(|p| (p.ecosystem, p.name, p.version));
        assert_eq!(
            p("pkg:npm/%40babel/core@7.0.0").unwrap(),
            ("npm".into(), "@babel/core".into(), "7.0.0".into())
        );
        assert_eq!(
            p("pkg:maven/org.slf4j/slf4j-api@2.0.9?type=jar").unwrap(),
            ("Maven".into(), "org.slf4j:slf4j-api".into(), "2.0.9".into())
        );
        assert_eq!(
            p("pkg:golang/github.com/gin-gonic/gin@v1.9.1").unwrap(),
            (
                "Go".into(),
                "github.com/gin-gonic/gin".into(),
                "v1.9.1".into()
            )
        );
        assert!(
            p("pkg:deb/debian/curl@7.0")
                .unwrap_err()
                .reason
                .contains("deb")
        );
        assert!(
            p("pkg:npm/left-pad")
                .unwrap_err()
                .reason
                .contains("no version")
        );
        assert!(p("not a purl").is_err());
        assert!(from_purl(None, "comp-1", at).unwrap_err().package == "comp-1");
    }
}
