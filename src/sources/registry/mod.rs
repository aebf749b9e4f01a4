//! Package registries as release sources: where each registry publishes a
//! package's versions ([`release_endpoint`]), and one parser per registry
//! document that is not a feed (RubyGems, Packagist, Maven, Go proxy,
//! NuGet, Hex, Pub). crates.io and PyPI publish RSS (read by `feed`), npm
//! its packument (read by `npm`).
//!
//! Bytes in, release items out, each tagged with its package key. No I/O:
//! the Go proxy's per-version `.info` documents are fetched by `crawl` and
//! read here with [`go::parse_info`].

pub mod go;
pub mod hex;
pub mod maven;
pub mod nuget;
pub mod packagist;
pub mod pub_dev;
pub mod rubygems;
pub mod status;

use chrono::{DateTime, Utc};

use super::text::collapse;
use super::{ParseContext, SourceError};
use crate::config::{Registries, SourceKind};
use crate::model::{Item, ItemKind, canonical_name, item_id, package_key};

/// Newest versions turned into items per document, as for npm: busy
/// packages publish hundreds of pre-releases, a radar cares about what is
/// recent.
pub const MAX_VERSIONS: usize = crate::sources::npm::MAX_VERSIONS;

/// Where a package's releases are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub kind: SourceKind,
    pub url: String,
    /// The package key items are tagged with (`crates.io/tokio`).
    pub package: String,
}

/// The ecosystem as OSV spells it, from any casing people write.
pub fn osv_ecosystem(ecosystem: &str) -> Option<&'static str> {
    Some(match ecosystem.to_ascii_lowercase().as_str() {
        "crates.io" | "cargo" | "crates-io" => "crates.io",
        "pypi" => "PyPI",
        "npm" => "npm",
        "rubygems" => "RubyGems",
        "packagist" => "Packagist",
        "maven" => "Maven",
        "go" => "Go",
        "nuget" => "NuGet",
        "hex" => "Hex",
        "pub" => "Pub",
        _ => return None,
    })
}

/// The release source of `ecosystem/name`, at the `[registries]` mirror
/// when one is set. None for an ecosystem without a registry we read (or a
/// name its registry cannot have, such as a Maven name without a group).
pub fn release_endpoint(ecosystem: &str, name: &str, registries: &Registries) -> Option<Endpoint> {
    let ecosystem = osv_ecosystem(ecosystem)?;
    let name = canonical_name(ecosystem, name);
    if name.is_empty() {
        return None;
    }
    let base = |given: &Option<String>, default: &str| {
        let b = given.as_deref().unwrap_or(default);
        if b.ends_with('/') {
            b.to_string()
        } else {
            format!("{b}/")
        }
    };
    let r = registries;
    let (kind, url) = match ecosystem {
        "crates.io" => (
            SourceKind::Feed,
            format!(
                "{}rss/crates/{name}.xml",
                base(&r.crates_io, "https://static.crates.io/")
            ),
        ),
        "PyPI" => (
            SourceKind::Feed,
            format!(
                "{}rss/project/{name}/releases.xml",
                base(&r.pypi, "https://pypi.org/")
            ),
        ),
        // Scoped names keep their `@` and escape the slash, as the npm
        // client asks for them.
        "npm" => (
            SourceKind::Npm,
            format!(
                "{}{}",
                base(&r.npm, "https://registry.npmjs.org/"),
                name.replace('/', "%2f")
            ),
        ),
        "RubyGems" => (
            SourceKind::Rubygems,
            format!(
                "{}api/v1/versions/{name}.json",
                base(&r.rubygems, "https://rubygems.org/")
            ),
        ),
        "Packagist" => {
            if !name.contains('/') {
                return None;
            }
            (
                SourceKind::Packagist,
                format!(
                    "{}p2/{}.json",
                    base(&r.packagist, "https://repo.packagist.org/"),
                    name.to_ascii_lowercase()
                ),
            )
        }
        "Maven" => {
            let (group, artifact) = name.split_once(':')?;
            (
                SourceKind::Maven,
                format!(
                    "{}{}/{artifact}/maven-metadata.xml",
                    base(&r.maven, "https://repo1.maven.org/maven2/"),
                    group.replace('.', "/")
                ),
            )
        }
        "Go" => (
            SourceKind::Go,
            format!(
                "{}{}/@v/list",
                base(&r.go, "https://proxy.golang.org/"),
                go::escape_path(&name)
            ),
        ),
        "NuGet" => (
            SourceKind::Nuget,
            format!(
                "{}{}/index.json",
                base(&r.nuget, "https://api.nuget.org/v3-flatcontainer/"),
                name.to_ascii_lowercase()
            ),
        ),
        "Hex" => (
            SourceKind::Hex,
            format!("{}packages/{name}", base(&r.hex, "https://hex.pm/api/")),
        ),
        "Pub" => (
            SourceKind::Pub,
            format!(
                "{}api/packages/{name}",
                base(&r.pub_dev, "https://pub.dev/")
            ),
        ),
        _ => return None,
    };
    Some(Endpoint {
        kind,
        url,
        package: package_key(ecosystem, &name),
    })
}

/// Where a package's yanked (or deprecated) versions are read from, when
/// its release source does not say: crates.io's sparse index and PyPI's
/// JSON API. npm's packument (the release source) already carries
/// `deprecated`, so npm has none. `[registries] crates-index` sets the
/// index mirror; a `crates-io` mirror without it serves the index under
/// `index/`, so pointing crates-io at a mirror never leaves the index at
/// crates.io.
pub fn status_endpoint(ecosystem: &str, name: &str, registries: &Registries) -> Option<Endpoint> {
    let ecosystem = osv_ecosystem(ecosystem)?;
    let name = canonical_name(ecosystem, name);
    if name.is_empty() {
        return None;
    }
    let slash = |b: &str| {
        if b.ends_with('/') {
            b.to_string()
        } else {
            format!("{b}/")
        }
    };
    let (kind, url) = match ecosystem {
        "crates.io" => {
            let base = match (&registries.crates_index, &registries.crates_io) {
                (Some(i), _) => slash(i),
                (None, Some(mirror)) => format!("{}index/", slash(mirror)),
                (None, None) => "https://index.crates.io/".to_string(),
            };
            (
                SourceKind::CratesIndex,
                format!("{base}{}", crates_index_path(&name)),
            )
        }
        "PyPI" => (
            SourceKind::PypiJson,
            format!(
                "{}pypi/{name}/json",
                slash(registries.pypi.as_deref().unwrap_or("https://pypi.org/"))
            ),
        ),
        _ => return None,
    };
    Some(Endpoint {
        kind,
        url,
        package: package_key(ecosystem, &name),
    })
}

/// The index's path for a crate: `1/a`, `2/ab`, `3/a/abc`, `to/ki/tokio`.
fn crates_index_path(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    }
}

/// One version as a registry lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub version: String,
    pub published: Option<DateTime<Utc>>,
    pub prerelease: bool,
    pub body: String,
}

/// The package this document is about: `(key, name)`. Registry documents
/// other than npm's do not all name their package, so a source of these
/// kinds needs one (derived sources always have it).
pub(crate) fn package_of(
    ctx: &ParseContext,
    registry: &'static str,
) -> Result<(String, String), SourceError> {
    let key = ctx.package.clone().ok_or_else(|| SourceError::Registry {
        registry,
        message: "this source needs package = \"ecosystem/name\" (the document does not name its package)".into(),
    })?;
    let name = key
        .split_once('/')
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| key.clone());
    Ok((key, name))
}

/// Release items, newest first: dated versions by date, undated ones in
/// the order given (callers pass newest first), at most [`MAX_VERSIONS`].
pub(crate) fn release_items(
    ctx: &ParseContext,
    registry: &'static str,
    key: &str,
    name: &str,
    mut releases: Vec<Release>,
    page: impl Fn(&str) -> String,
) -> Vec<Item> {
    // Stable: versions with the same (or no) date keep the caller's order.
    releases.sort_by_key(|r| std::cmp::Reverse(r.published));
    let mut seen = std::collections::HashSet::new();
    releases.retain(|r| seen.insert(r.version.clone()));
    releases.truncate(MAX_VERSIONS);
    releases
        .into_iter()
        .map(|r| {
            let title = collapse(&format!("{name} {}", r.version));
            let url = page(&r.version);
            let guid = format!("{registry}:{name}@{}", r.version);
            Item {
                id: item_id(&ctx.source, Some(&guid), Some(&url), &title, r.published),
                kind: ItemKind::Release,
                source: ctx.source.clone(),
                title,
                body: collapse(&r.body),
                url: Some(url),
                published: r.published,
                packages: vec![key.to_string()],
                tags: if r.prerelease {
                    vec!["prerelease".into()]
                } else {
                    vec![]
                },
                advisory: None,
            }
        })
        .collect()
}

/// RFC 3339 as registries write it; None for anything else (a missing or
/// odd date leaves the release undated rather than failing the document).
pub(crate) fn date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A pre-release by the convention most registries share: a `-` suffix
/// (SemVer) or letters such as `rc`, `beta`, `alpha`, `dev`.
pub(crate) fn looks_prerelease(version: &str) -> bool {
    let v = version.to_ascii_lowercase();
    v.contains('-')
        || ["alpha", "beta", "rc", "dev", "pre", "snapshot", "milestone"]
            .iter()
            .any(|w| v.contains(w))
}

/// Sorts version strings newest first: SemVer where both parse (with or
/// without a leading `v`), else numerically by dotted parts.
pub(crate) fn sort_newest_first(versions: &mut [String]) {
    versions.sort_by(|a, b| version_order(b, a));
}

fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let sv = |s: &str| semver::Version::parse(s.trim_start_matches('v')).ok();
    if let (Some(x), Some(y)) = (sv(a), sv(b)) {
        return x.cmp(&y);
    }
    let parts = |s: &str| -> Vec<u64> {
        s.trim_start_matches('v')
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_for_every_registry() {
        let r = Registries::default();
        let e = |eco: &str, name: &str| release_endpoint(eco, name, &r).map(|e| e.url);
        assert_eq!(
            e("crates.io", "serde").as_deref(),
            Some("https://static.crates.io/rss/crates/serde.xml")
        );
        assert_eq!(
            e("PyPI", "Django_Rest").as_deref(),
            Some("https://pypi.org/rss/project/django-rest/releases.xml")
        );
        assert_eq!(
            e("npm", "@types/node").as_deref(),
            Some("https://registry.npmjs.org/@types%2fnode")
        );
        assert_eq!(
            e("RubyGems", "rails").as_deref(),
            Some("https://rubygems.org/api/v1/versions/rails.json")
        );
        assert_eq!(
            e("Packagist", "Monolog/Monolog").as_deref(),
            Some("https://repo.packagist.org/p2/monolog/monolog.json")
        );
        assert_eq!(e("Packagist", "nonamespace"), None);
        assert_eq!(
            e("Maven", "org.apache.logging.log4j:log4j-core").as_deref(),
            Some(
                "https://repo1.maven.org/maven2/org/apache/logging/log4j/log4j-core/maven-metadata.xml"
            )
        );
        assert_eq!(e("Maven", "no-group"), None);
        assert_eq!(
            e("Go", "github.com/BurntSushi/toml").as_deref(),
            Some("https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/list")
        );
        assert_eq!(
            e("NuGet", "Newtonsoft.Json").as_deref(),
            Some("https://api.nuget.org/v3-flatcontainer/newtonsoft.json/index.json")
        );
        assert_eq!(
            e("Hex", "phoenix").as_deref(),
            Some("https://hex.pm/api/packages/phoenix")
        );
        assert_eq!(
            e("Pub", "http").as_deref(),
            Some("https://pub.dev/api/packages/http")
        );
        assert_eq!(e("Debian", "openssl"), None);
    }

    #[test]
    fn status_endpoints_follow_the_mirror() {
        let none = Registries::default();
        let s = status_endpoint("cargo", "tokio", &none).unwrap();
        assert_eq!(s.url, "https://index.crates.io/to/ki/tokio");
        assert_eq!(
            (s.kind, s.package.as_str()),
            (SourceKind::CratesIndex, "crates.io/tokio")
        );
        assert_eq!(
            status_endpoint("crates.io", "syn", &none).unwrap().url,
            "https://index.crates.io/3/s/syn"
        );
        assert_eq!(
            status_endpoint("crates.io", "cc", &none).unwrap().url,
            "https://index.crates.io/2/cc"
        );
        let s = status_endpoint("pypi", "Django", &none).unwrap();
        assert_eq!(s.url, "https://pypi.org/pypi/django/json");
        assert_eq!(s.package, "PyPI/django");
        let mirror = Registries {
            crates_io: Some("http://127.0.0.1:9".into()),
            pypi: Some("http://127.0.0.1:9/".into()),
            ..Default::default()
        };
        assert_eq!(
            status_endpoint("crates.io", "Serde", &mirror).unwrap().url,
            "http://127.0.0.1:9/index/se/rd/serde"
        );
        assert_eq!(
            status_endpoint("pypi", "uv", &mirror).unwrap().url,
            "http://127.0.0.1:9/pypi/uv/json"
        );
        let index = Registries {
            crates_index: Some("http://127.0.0.1:8/idx".into()),
            ..mirror
        };
        assert_eq!(
            status_endpoint("crates.io", "a", &index).unwrap().url,
            "http://127.0.0.1:8/idx/1/a"
        );
        assert_eq!(status_endpoint("npm", "react", &none), None);
    }

    #[test]
    fn mirrors_replace_the_base_with_or_without_a_slash() {
        let r = Registries {
            npm: Some("http://127.0.0.1:4873".into()),
            pypi: Some("https://devpi.example/root/pypi/".into()),
            ..Default::default()
        };
        assert_eq!(
            release_endpoint("npm", "react", &r).unwrap().url,
            "http://127.0.0.1:4873/react"
        );
        assert_eq!(
            release_endpoint("pypi", "numpy", &r).unwrap(),
            Endpoint {
                kind: SourceKind::Feed,
                url: "https://devpi.example/root/pypi/rss/project/numpy/releases.xml".into(),
                package: "PyPI/numpy".into(),
            }
        );
    }

    #[test]
    fn versions_sort_newest_first() {
        let mut v: Vec<String> = ["v1.2.0", "v1.10.0", "v1.9.1", "v2.0.0-rc.1", "1.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_newest_first(&mut v);
        assert_eq!(v, ["v2.0.0-rc.1", "v1.10.0", "v1.9.1", "v1.2.0", "1.0"]);
        assert!(looks_prerelease("7.1.0.rc1"));
        assert!(!looks_prerelease("7.1.3"));
    }
}
