//! `kind = "npm"` (`npm = "name"`): the registry's package document
//! ("packument", `https://registry.npmjs.org/<name>`) as release items.
//!
//! Every version listed both in `versions` and in the `time` map becomes one
//! release item: title `name version`, published at its time, tagged with
//! the dist-tags that point at it (`latest`, `next`), `prerelease` and
//! `deprecated` where they apply. Versions in `time` but not in `versions`
//! were unpublished and are skipped. Only the newest [`MAX_VERSIONS`] are
//! kept: busy packages publish thousands of canaries, and a radar cares
//! about what is recent. Plus one registry-status item
//! ([`super::registry::status`]) with every deprecated version and its
//! message, whatever its age: the version in use may be old. Bytes in,
//! items out: no I/O.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

use super::registry::status::{VersionStatus, status_item};
use super::text::collapse;
use super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, item_id};

/// Newest versions turned into items per packument.
pub const MAX_VERSIONS: usize = 200;

#[derive(Debug, Deserialize)]
struct Packument {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    versions: BTreeMap<String, Version>,
    /// Version → publish time, plus `created` and `modified`; an
    /// unpublished package has an object under `unpublished`.
    #[serde(default)]
    time: BTreeMap<String, serde_json::Value>,
    #[serde(default, rename = "dist-tags")]
    dist_tags: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct Version {
    #[serde(default)]
    description: Option<String>,
    /// A message (string); some old documents have `false`.
    #[serde(default)]
    deprecated: Option<serde_json::Value>,
}

pub fn parse_packument(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: Packument =
        serde_json::from_slice(bytes).map_err(|e| SourceError::Npm(e.to_string()))?;
    if doc.name.trim().is_empty() {
        return Err(SourceError::Npm("the document has no package name".into()));
    }
    let package = ctx
        .package
        .clone()
        .unwrap_or_else(|| format!("npm/{}", doc.name));
    let mut published: Vec<(DateTime<Utc>, &str, &Version)> = doc
        .time
        .iter()
        .filter(|(v, _)| !matches!(v.as_str(), "created" | "modified" | "unpublished"))
        .filter_map(|(v, t)| {
            let when = DateTime::parse_from_rfc3339(t.as_str()?).ok()?;
            let meta = doc.versions.get(v)?;
            Some((when.with_timezone(&Utc), v.as_str(), meta))
        })
        .collect();
    // Newest first, ties by version string so the order is stable.
    published.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let status = VersionStatus {
        registry: "npm".into(),
        name: doc.name.clone(),
        deprecated: doc
            .versions
            .iter()
            .filter_map(|(v, meta)| Some((v.clone(), deprecation(meta)?)))
            .collect(),
        yanked: Default::default(),
        latest: doc.dist_tags.get("latest").cloned(),
    };
    published.truncate(MAX_VERSIONS);

    let mut items = Vec::with_capacity(published.len());
    for (when, version, meta) in published {
        let mut tags: Vec<String> = doc
            .dist_tags
            .iter()
            .filter(|(_, v)| v.as_str() == version)
            .map(|(tag, _)| collapse(tag))
            .collect();
        if version.contains('-') {
            tags.push("prerelease".into());
        }
        let deprecated = deprecation(meta);
        if deprecated.is_some() {
            tags.push("deprecated".into());
        }
        let mut body = collapse(
            meta.description
                .as_deref()
                .or(doc.description.as_deref())
                .unwrap_or(""),
        );
        if let Some(d) = &deprecated {
            body = format!("Deprecated: {d}. {body}").trim().to_string();
        }
        let title = collapse(&format!("{} {version}", doc.name));
        let url = format!("https://www.npmjs.com/package/{}/v/{version}", doc.name);
        let guid = format!("npm:{}@{version}", doc.name);
        items.push(Item {
            id: item_id(&ctx.source, Some(&guid), Some(&url), &title, Some(when)),
            kind: ItemKind::Release,
            source: ctx.source.clone(),
            title,
            body,
            url: Some(url),
            published: Some(when),
            packages: vec![package.clone()],
            tags,
            advisory: None,
        });
    }
    items.push(status_item(ctx, &package, &status));
    Ok(items)
}

/// The maintainer's message; `false` or "" is not a deprecation.
fn deprecation(meta: &Version) -> Option<String> {
    meta.deprecated
        .as_ref()
        .and_then(|d| d.as_str())
        .map(collapse)
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "left-pad".into(),
            package: Some("npm/left-pad".into()),
            releases_only: true,
            ..Default::default()
        }
    }

    const DOC: &str = r#"{
  "name": "left-pad",
  "description": "String left pad",
  "dist-tags": {"latest": "1.3.0", "next": "2.0.0-rc.1"},
  "versions": {
    "1.2.0": {"name": "left-pad", "version": "1.2.0"},
    "1.3.0": {"name": "left-pad", "version": "1.3.0", "description": "Pads strings"},
    "2.0.0-rc.1": {"deprecated": "use String.prototype.padStart"},
    "0.0.9": {"deprecated": false}
  },
  "time": {
    "created": "2014-03-14T00:00:00.000Z",
    "modified": "2026-01-01T00:00:00.000Z",
    "0.0.9": "2014-03-14T00:00:00.000Z",
    "1.2.0": "2017-11-11T00:00:00.000Z",
    "1.3.0": "2018-04-09T00:00:00.000Z",
    "2.0.0-rc.1": "2019-01-01T00:00:00.000Z",
    "1.1.0": "2016-01-01T00:00:00.000Z"
  }
}"#;

    #[test]
    fn versions_with_times_become_release_items() {
        let mut items = parse_packument(&ctx(), DOC.as_bytes()).unwrap();
        let status = items.pop().unwrap();
        let facts = crate::sources::registry::status::StatusFacts::from_items([&status]);
        let s = facts.of("npm/left-pad").unwrap();
        assert_eq!(
            s.standing("2.0.0-rc.1"),
            Some(crate::sources::registry::status::Standing::Deprecated {
                message: "use String.prototype.padStart"
            })
        );
        assert_eq!(s.standing("0.0.9"), None, "`false` is not a deprecation");
        assert_eq!(s.latest.as_deref(), Some("1.3.0"));
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        // 1.1.0 has a time but no version entry: unpublished, skipped.
        assert_eq!(
            titles,
            [
                "left-pad 2.0.0-rc.1",
                "left-pad 1.3.0",
                "left-pad 1.2.0",
                "left-pad 0.0.9"
            ]
        );
        let rc = &items[0];
        assert_eq!(rc.tags, ["next", "prerelease", "deprecated"]);
        assert!(
            rc.body
                .starts_with("Deprecated: use String.prototype.padStart.")
        );
        assert_eq!(items[1].tags, ["latest"]);
        assert_eq!(items[1].body, "Pads strings");
        assert_eq!(items[2].body, "String left pad", "package description");
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://www.npmjs.com/package/left-pad/v/1.3.0")
        );
        assert_eq!(items[1].packages, ["npm/left-pad"]);
        assert!(items.iter().all(|i| i.kind == ItemKind::Release));
        assert_eq!(
            items[3].published.unwrap().to_rfc3339(),
            "2014-03-14T00:00:00+00:00"
        );
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = parse_packument(&ctx(), DOC.as_bytes()).unwrap();
        let b = parse_packument(&ctx(), DOC.as_bytes()).unwrap();
        assert_eq!(
            a.iter().map(|i| &i.id).collect::<Vec<_>>(),
            b.iter().map(|i| &i.id).collect::<Vec<_>>()
        );
        let ids: std::collections::HashSet<_> = a.iter().map(|i| &i.id).collect();
        assert_eq!(ids.len(), a.len());
    }

    #[test]
    fn not_a_packument_is_an_error() {
        for bad in [&b"<html>"[..], b"{}", b"{\"name\": \"\"}", b"[1,2]"] {
            assert!(parse_packument(&ctx(), bad).is_err(), "{bad:?}");
        }
        let unpublished = br#"{"name":"gone","time":{"created":"2020-01-01T00:00:00Z","unpublished":{"time":"2021-01-01T00:00:00Z"}}}"#;
        let only_status = parse_packument(&ctx(), unpublished).unwrap();
        assert_eq!(only_status.len(), 1);
        assert!(crate::sources::registry::status::is_status_item(
            &only_status[0]
        ));
    }

    #[test]
    fn real_express_packument() {
        let path = std::path::Path::new("../shared/fixtures/registry/npm-packument-express.json");
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("skipping: ../shared absent");
            return;
        };
        let items = parse_packument(
            &ParseContext {
                source: "express".into(),
                ..Default::default()
            },
            &bytes,
        )
        .unwrap();
        assert_eq!(items.len(), (MAX_VERSIONS + 1).min(items.len()));
        assert!(!items.is_empty());
        let latest = items
            .iter()
            .find(|i| i.title == "express 4.17.1")
            .expect("4.17.1 present");
        assert!(latest.tags.contains(&"latest".to_string()));
        assert_eq!(latest.packages, ["npm/express"]);
        let next = items
            .iter()
            .find(|i| i.title == "express 5.0.0-alpha.8")
            .expect("5.0.0-alpha.8 present");
        assert!(next.tags.contains(&"next".to_string()));
    }
}
