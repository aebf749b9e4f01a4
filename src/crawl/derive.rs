//! Release sources derived from the stack (`[crawl] track`): every tracked
//! package gets its registry's release document as a source, with no
//! `[[source]]` line. `direct` tracks stack.toml's `[[tech]]`s that name a
//! `package`; `all` adds every registry package the stack's lockfiles pin;
//! `none` tracks nothing.
//!
//! A configured `[[source]]` about the same package (or with the same name)
//! wins: the derived one is dropped. Derived sources are plain [`Source`]s,
//! so they go through the same fetch, state, backoff and conditional GET as
//! configured ones.
//!
//! A derived crates.io or PyPI release source brings a second one, named
//! `<package> status`: the sparse index or JSON API that says which
//! versions are yanked (their release feeds do not). It comes and goes with
//! the release source, at the same mirror. Reads stack.toml and lockfiles; fetches nothing.

use std::collections::{BTreeMap, HashSet};
use thiserror::Error;

use crate::config::{ConfigError, Location, RadarConfig, Source, Track};
use crate::model::{canonical_name, package_key};
use crate::sources::registry::{osv_ecosystem, release_endpoint, status_endpoint};
use crate::stack::{PackageSource, StackError};

#[derive(Debug, Error)]
pub enum DeriveError {
    #[error(transparent)]
    Stack(#[from] ConfigError),
    #[error("[crawl] track = \"all\" reads the stack's lockfiles: {0}")]
    Lockfile(StackError),
}

/// The canonical key of `ecosystem/name`, whatever casing the ecosystem
/// was written in; None for an ecosystem without a registry we read.
fn canonical_key(key: &str) -> Option<String> {
    let (ecosystem, name) = key.split_once('/')?;
    let ecosystem = osv_ecosystem(ecosystem)?;
    Some(package_key(ecosystem, &canonical_name(ecosystem, name)))
}

/// The derived sources for `config`, sorted by name. A missing stack.toml
/// tracks nothing; a malformed one (or, for `all`, a malformed lockfile) is
/// an error naming the file.
pub fn derived_sources(config: &RadarConfig) -> Result<Vec<Source>, DeriveError> {
    if config.crawl.track == Track::None || !config.stack_path.is_file() {
        return Ok(Vec::new());
    }
    let stack = crate::config::load_stack(&config.stack_path)?;
    let mut wanted: Vec<(String, String)> = stack
        .techs
        .iter()
        .filter_map(|t| t.package.as_deref()?.split_once('/'))
        .map(|(e, n)| (e.to_string(), n.to_string()))
        .collect();
    if config.crawl.track == Track::All {
        let lockfiles: Vec<_> = stack.lockfiles.iter().map(|l| l.path.clone()).collect();
        let inventory = crate::stack::inventory(&lockfiles, &stack.techs, Some(&config.stack_path))
            .map_err(DeriveError::Lockfile)?;
        wanted.extend(
            inventory
                .packages
                .into_iter()
                // A private registry's packages are not on the public one.
                .filter(|p| p.source == PackageSource::Registry && p.registry.is_none())
                .map(|p| (p.ecosystem, p.name)),
        );
    }
    let configured_packages: HashSet<String> = config
        .sources
        .iter()
        .filter_map(|s| canonical_key(s.package.as_deref()?))
        .collect();
    let configured_names: HashSet<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    let mut derived = BTreeMap::new();
    for (ecosystem, name) in wanted {
        let Some(endpoint) = release_endpoint(&ecosystem, &name, &config.registries) else {
            continue;
        };
        if configured_packages.contains(&endpoint.package)
            || configured_names.contains(endpoint.package.as_str())
        {
            continue;
        }
        if let Some(status) = status_endpoint(&ecosystem, &name, &config.registries) {
            let status_name = format!("{} status", status.package);
            if !configured_names.contains(status_name.as_str()) {
                derived
                    .entry(status_name.clone())
                    .or_insert_with(|| Source {
                        name: status_name,
                        kind: status.kind,
                        location: Location::Url(status.url),
                        package: Some(status.package),
                        html: None,
                    });
            }
        }
        derived
            .entry(endpoint.package.clone())
            .or_insert_with(|| Source {
                name: endpoint.package.clone(),
                kind: endpoint.kind,
                location: Location::Url(endpoint.url),
                package: Some(endpoint.package),
                html: None,
            });
    }
    Ok(derived.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SourceKind;

    fn radar(dir: &std::path::Path, radar: &str, stack: &str) -> RadarConfig {
        std::fs::write(dir.join("stack.toml"), stack).unwrap();
        let path = dir.join("radar.toml");
        std::fs::write(&path, radar).unwrap();
        crate::config::load_radar(&path).unwrap()
    }

    const STACK: &str = r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"

[[tech]]
name = "Django"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "pypi/Django"

[[tech]]
name = "Kubernetes"
quadrant = "platforms"
ring = "adopt"

[[tech]]
name = "openssl"
quadrant = "platforms"
ring = "adopt"
package = "Debian/openssl"

[[lockfile]]
path = "requirements.txt"
"#;

    #[test]
    fn direct_tracks_techs_with_a_package_and_configured_sources_win() {
        let dir = tempfile::tempdir().unwrap();
        let c = radar(
            dir.path(),
            "[registries]\npypi = \"http://127.0.0.1:9/\"\n[[source]]\nname = \"tokio\"\ngithub = \"tokio-rs/tokio\"\npackage = \"crates.io/tokio\"\n",
            STACK,
        );
        let d = derived_sources(&c).unwrap();
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].name, "PyPI/django");
        assert_eq!(d[0].kind, SourceKind::Feed);
        assert_eq!(
            d[0].location,
            Location::Url("http://127.0.0.1:9/rss/project/django/releases.xml".into())
        );
        // The yanked-versions source rides along, at the same mirror; the
        // configured tokio source suppresses both of tokio's.
        assert_eq!(d[1].name, "PyPI/django status");
        assert_eq!(d[1].kind, SourceKind::PypiJson);
        assert_eq!(
            d[1].location,
            Location::Url("http://127.0.0.1:9/pypi/django/json".into())
        );
        assert_eq!(d[1].package.as_deref(), Some("PyPI/django"));
    }

    #[test]
    fn all_adds_lockfile_packages_and_none_tracks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements.txt"),
            "requests==2.31.0\nDjango==4.2\n",
        )
        .unwrap();
        let c = radar(dir.path(), "[crawl]\ntrack = \"all\"\n", STACK);
        let names: Vec<String> = derived_sources(&c)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            [
                "PyPI/django",
                "PyPI/django status",
                "PyPI/requests",
                "PyPI/requests status",
                "crates.io/tokio",
                "crates.io/tokio status"
            ]
        );
        let c = radar(dir.path(), "[crawl]\ntrack = \"none\"\n", STACK);
        assert!(derived_sources(&c).unwrap().is_empty());
        let e = crate::config::parse_radar(
            "[crawl]\ntrack = \"some\"\n",
            std::path::Path::new("radar.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("radar.toml:2:9:") && e.contains("direct"),
            "{e}"
        );
    }
}
