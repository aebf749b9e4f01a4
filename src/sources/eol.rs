//! endoflife.date: an API v1 product response (`/api/v1/products/<name>/`)
//! in, one item out holding the product's release cycles and their
//! end-of-life dates; and the pure lookups scoring and the digest share
//! (which product a tech is, which cycle a version belongs to, what is
//! still supported). No I/O.
//!
//! Where the facts live: one index item per product (kind `article`, tag
//! [`EOL_TAG`]) whose body is our own compact JSON ([`EolProduct`]). The
//! item's `packages` carry `endoflife.date/<product>` and the package keys
//! of the product's purls (`pkg:pypi/django` → `PyPI/django`), so a tech
//! finds its product by `eol = "…"` or by its `package`, and a re-crawl
//! replaces the facts in place (same id). Trends, releases and the digest's
//! news skip these items: a table of dates is not a mention.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, item_id};

/// The tag every end-of-life item carries.
pub const EOL_TAG: &str = "endoflife.date";
/// The pseudo-ecosystem of `endoflife.date/<product>` keys.
pub const EOL_ECOSYSTEM: &str = "endoflife.date";

/// True for the items this module writes.
pub fn is_eol_item(item: &Item) -> bool {
    item.tags.iter().any(|t| t == EOL_TAG)
}

/// What we keep of a product: its cycles, newest first as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EolProduct {
    pub name: String,
    pub label: String,
    pub cycles: Vec<Cycle>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cycle {
    pub name: String,
    pub release_date: Option<NaiveDate>,
    /// End of life: a date, or `None` when unknown/not planned.
    pub eol: Option<NaiveDate>,
    /// The API's `isEol` when it was generated (a cycle may be EOL with no
    /// date known).
    pub is_eol: bool,
    pub lts: bool,
    pub latest: Option<String>,
}

// ---- the API's shape (openapi.yml: ProductResponse / ProductDetails) -----

#[derive(Deserialize)]
struct Response {
    result: Details,
}

#[derive(Deserialize)]
struct Details {
    name: String,
    label: String,
    #[serde(default)]
    identifiers: Vec<Identifier>,
    releases: Vec<ApiRelease>,
}

#[derive(Deserialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiRelease {
    name: String,
    release_date: Option<NaiveDate>,
    #[serde(default)]
    is_lts: bool,
    #[serde(default)]
    is_eol: bool,
    eol_from: Option<NaiveDate>,
    latest: Option<Latest>,
}

#[derive(Deserialize)]
struct Latest {
    name: String,
}

/// Parses one product response into its item.
pub fn parse_product(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let r: Response = serde_json::from_slice(bytes).map_err(|e| {
        SourceError::Eol(format!(
            "{e} (expected the JSON of https://endoflife.date/api/v1/products/<name>/)"
        ))
    })?;
    let d = r.result;
    if d.name.trim().is_empty() {
        return Err(SourceError::Eol("result.name is empty".into()));
    }
    let product = EolProduct {
        name: d.name.clone(),
        label: d.label.clone(),
        cycles: d
            .releases
            .into_iter()
            .map(|r| Cycle {
                name: r.name,
                release_date: r.release_date,
                eol: r.eol_from,
                is_eol: r.is_eol,
                lts: r.is_lts,
                latest: r.latest.map(|l| l.name),
            })
            .collect(),
    };
    let mut packages = vec![format!("{EOL_ECOSYSTEM}/{}", d.name)];
    for i in d.identifiers.iter().filter(|i| i.kind == "purl") {
        if let Some(k) = purl_package_key(&i.id)
            && !packages.contains(&k)
        {
            packages.push(k);
        }
    }
    let body = serde_json::to_string(&product)
        .map_err(|e| SourceError::Eol(format!("cannot re-encode {}: {e}", d.name)))?;
    let url = format!("https://endoflife.date/{}", d.name);
    Ok(vec![Item {
        id: item_id(
            &ctx.source,
            Some(&format!("eol:{}", d.name)),
            None,
            "",
            None,
        ),
        kind: ItemKind::Article,
        source: ctx.source.clone(),
        title: format!("End of life: {}", d.label),
        body,
        url: Some(url),
        // Dated by the newest cycle, so the item sorts sensibly in search.
        published: product
            .cycles
            .iter()
            .filter_map(|c| c.release_date)
            .max()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc()),
        packages,
        tags: vec![EOL_TAG.to_string()],
        advisory: None,
    }])
}

/// `pkg:pypi/django` → `PyPI/django`, as OSV (and `package = …`) name
/// ecosystems; purl types nobody's lockfile uses (deb, rpm, docker…) give
/// nothing.
pub fn purl_package_key(purl: &str) -> Option<String> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next()?;
    let (kind, path) = rest.split_once('/')?;
    let path = path.rsplit_once('@').map_or(path, |(p, _)| p);
    let path = path
        .replace("%40", "@")
        .replace("%2F", "/")
        .replace("%2f", "/");
    let eco = match kind.to_ascii_lowercase().as_str() {
        "pypi" => "PyPI",
        "npm" => "npm",
        "cargo" => "crates.io",
        "gem" => "RubyGems",
        "nuget" => "NuGet",
        "golang" => "Go",
        "composer" => "Packagist",
        "hex" => "Hex",
        "pub" => "Pub",
        "maven" => {
            let (group, artifact) = path.split_once('/')?;
            return Some(format!("Maven/{group}:{artifact}"));
        }
        _ => return None,
    };
    (!path.is_empty()).then(|| format!("{eco}/{path}"))
}

/// The end-of-life products in a set of items, by every key that finds
/// them (lower-cased).
#[derive(Debug, Default)]
pub struct EolFacts {
    products: Vec<EolProduct>,
    by_key: HashMap<String, usize>,
}

impl EolFacts {
    pub fn from_items<'a>(items: impl IntoIterator<Item = &'a Item>) -> EolFacts {
        let mut facts = EolFacts::default();
        for item in items.into_iter().filter(|i| is_eol_item(i)) {
            let Ok(p) = serde_json::from_str::<EolProduct>(&item.body) else {
                tracing::warn!(
                    "{}: end-of-life item {} is unreadable",
                    item.source,
                    item.id
                );
                continue;
            };
            let n = facts.products.len();
            for k in &item.packages {
                facts.by_key.entry(k.to_lowercase()).or_insert(n);
            }
            facts.products.push(p);
        }
        facts
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// The product of a tech: `eol = "…"` first, else its package's purl.
    pub fn product_for(&self, eol: Option<&str>, package: Option<&str>) -> Option<&EolProduct> {
        if let Some(e) = eol {
            return self
                .by_key
                .get(&format!("{EOL_ECOSYSTEM}/{}", e.trim()).to_lowercase())
                .map(|&n| &self.products[n]);
        }
        let key = package?.to_lowercase();
        self.by_key.get(&key).map(|&n| &self.products[n])
    }
}

/// Where a version in use stands against its product's cycles.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing<'a> {
    pub product: &'a EolProduct,
    pub cycle: &'a Cycle,
    /// The end-of-life date, when known.
    pub eol: Option<NaiveDate>,
    pub past: bool,
    /// The oldest cycle still supported on `today` (the upgrade target).
    pub oldest_supported: Option<&'a Cycle>,
}

impl EolProduct {
    /// The cycle a version belongs to: the longest cycle name whose dotted
    /// parts begin the version's (3.8.18 → 3.8; 18.20.1 → 18; 2.7 → 2.7).
    pub fn cycle_for(&self, version: &str) -> Option<&Cycle> {
        let v = parts(version);
        self.cycles
            .iter()
            .filter(|c| {
                let c = parts(&c.name);
                !c.is_empty() && c.len() <= v.len() && v[..c.len()] == c[..]
            })
            .max_by_key(|c| parts(&c.name).len())
    }

    pub fn standing(&self, version: &str, today: NaiveDate) -> Option<Standing<'_>> {
        let cycle = self.cycle_for(version)?;
        let ended = |c: &Cycle| c.is_eol || c.eol.is_some_and(|d| d <= today);
        let oldest_supported = self.cycles.iter().filter(|c| !ended(c)).min_by(|a, b| {
            a.release_date
                .cmp(&b.release_date)
                .then(numeric_parts(&a.name).cmp(&numeric_parts(&b.name)))
        });
        Some(Standing {
            product: self,
            cycle,
            eol: cycle.eol,
            past: ended(cycle),
            oldest_supported,
        })
    }
}

/// `3.8.18` → ["3", "8", "18"]; a leading `v` and build suffixes dropped.
fn parts(v: &str) -> Vec<String> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let v = v.split(['+', ' ']).next().unwrap_or(v);
    v.split(['.', '-'])
        .map(|p| p.to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

fn numeric_parts(v: &str) -> Vec<u64> {
    parts(v).iter().map(|p| p.parse().unwrap_or(0)).collect()
}

/// `now`'s date, for callers holding a timestamp.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYTHON: &str = r#"{"schema_version":"1.0.0","generated_at":"2026-11-01T00:00:00Z","last_modified":"2026-10-01T00:00:00Z",
      "result":{"name":"python","label":"Python","aliases":[],"category":"lang","tags":["lang"],
        "identifiers":[{"type":"purl","id":"pkg:generic/python"},{"type":"cpe","id":"cpe:/a:python:python"}],
        "labels":{},"links":{},
        "releases":[
          {"name":"3.10","codename":null,"label":"3.10","releaseDate":"2021-10-04","isLts":false,"ltsFrom":null,"isEol":false,"eolFrom":"2026-10-31","isMaintained":true,"latest":{"name":"3.10.19","date":null,"link":null}},
          {"name":"3.9","codename":null,"label":"3.9","releaseDate":"2020-10-05","isLts":false,"ltsFrom":null,"isEol":false,"eolFrom":"2025-10-31","isMaintained":true,"latest":null},
          {"name":"3.8","codename":null,"label":"3.8","releaseDate":"2019-10-14","isLts":false,"ltsFrom":null,"isEol":true,"eolFrom":"2024-10-07","isMaintained":false,"latest":{"name":"3.8.20","date":null,"link":null}}
        ]}}"#;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "python eol".into(),
            ..ParseContext::default()
        }
    }

    #[test]
    fn a_product_becomes_one_item_keyed_by_product_and_purls() {
        let items = parse_product(&ctx(), PYTHON.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        let i = &items[0];
        assert!(is_eol_item(i));
        assert_eq!(i.packages, ["endoflife.date/python"]);
        let facts = EolFacts::from_items(&items);
        let p = facts.product_for(Some("Python"), None).unwrap();
        assert_eq!(p.cycles.len(), 3);
        assert!(facts.product_for(None, Some("PyPI/python")).is_none());
    }

    #[test]
    fn versions_pick_their_cycle_and_the_upgrade_target_moves_with_today() {
        let items = parse_product(&ctx(), PYTHON.as_bytes()).unwrap();
        let facts = EolFacts::from_items(&items);
        let p = facts.product_for(Some("python"), None).unwrap();
        assert_eq!(p.cycle_for("3.8.18").unwrap().name, "3.8");
        assert_eq!(p.cycle_for("3.10.2").unwrap().name, "3.10");
        assert_eq!(p.cycle_for("v3.9").unwrap().name, "3.9");
        assert!(p.cycle_for("3.1.4").is_none(), "3.1 is not 3.10");
        assert!(p.cycle_for("2.7").is_none());
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let s = p.standing("3.8.18", day("2025-01-01")).unwrap();
        assert!(s.past);
        assert_eq!(s.oldest_supported.unwrap().name, "3.9");
        let s = p.standing("3.9.1", day("2025-11-25")).unwrap();
        assert!(s.past, "the date passed although isEol said false");
        assert_eq!(s.oldest_supported.unwrap().name, "3.10");
        let s = p.standing("3.10.1", day("2025-11-25")).unwrap();
        assert!(!s.past);
        assert_eq!(s.eol, Some(day("2026-10-31")));
    }

    #[test]
    fn purls_map_to_package_keys() {
        let k = |p: &str| purl_package_key(p);
        assert_eq!(k("pkg:pypi/django").as_deref(), Some("PyPI/django"));
        assert_eq!(
            k("pkg:npm/%40angular/core").as_deref(),
            Some("npm/@angular/core")
        );
        assert_eq!(k("pkg:cargo/tokio@1.0").as_deref(), Some("crates.io/tokio"));
        assert_eq!(
            k("pkg:maven/org.springframework/spring-core").as_deref(),
            Some("Maven/org.springframework:spring-core")
        );
        assert_eq!(k("pkg:gem/rails").as_deref(), Some("RubyGems/rails"));
        assert_eq!(
            k("pkg:nuget/Newtonsoft.Json").as_deref(),
            Some("NuGet/Newtonsoft.Json")
        );
        assert_eq!(k("pkg:deb/debian/python3.9"), None);
        assert_eq!(k("pkg:github/django/django"), None);
        assert_eq!(k("not a purl"), None);
    }

    #[test]
    fn wrong_shapes_say_what_was_expected() {
        let e = parse_product(&ctx(), b"{\"result\": []}").unwrap_err();
        assert!(e.to_string().contains("api/v1/products"), "{e}");
    }
}
