//! What a registry says about the versions it serves, beyond their dates:
//! crates.io's `yanked` (its sparse index, one JSON line per version),
//! PyPI's `yanked` (the JSON API, `/pypi/<name>/json`) and npm's
//! `deprecated` message (the packument `npm` already reads). No I/O.
//!
//! Where the facts live: one index item per package (kind `article`, tag
//! [`STATUS_TAG`], no date) whose body is our compact JSON
//! ([`VersionStatus`]). Same id on every crawl, so a re-crawl replaces the
//! facts in place and an un-yanked version stops counting. Undated, the item
//! never counts as a mention (trends) nor as news (digest): a version table
//! is not news. Scoring reads it back through [`StatusFacts`].

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use super::super::{ParseContext, SourceError};
use crate::model::{Item, ItemKind, canonical_name, item_id, package_key};

/// The tag every registry-status item carries.
pub const STATUS_TAG: &str = "registry-status";

/// True for the items this module writes.
pub fn is_status_item(item: &Item) -> bool {
    item.tags.iter().any(|t| t == STATUS_TAG)
}

/// The versions a registry withdrew or warns against, for one package.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionStatus {
    /// `crates.io`, `PyPI`, `npm`: named in the signal's reason.
    pub registry: String,
    /// The package as the registry spells it.
    pub name: String,
    /// Yanked version → the publisher's reason ("" when none was given).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub yanked: BTreeMap<String, String>,
    /// Deprecated version → the maintainer's message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deprecated: BTreeMap<String, String>,
    /// The newest version neither yanked, deprecated nor a pre-release: the
    /// upgrade target a reason can name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
}

/// What the registry says about one version in use.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing<'a> {
    Yanked { reason: &'a str },
    Deprecated { message: &'a str },
}

impl VersionStatus {
    pub fn standing(&self, version: &str) -> Option<Standing<'_>> {
        let v = version.trim().trim_start_matches(['v', '=']);
        if let Some(reason) = self.yanked.get(v) {
            return Some(Standing::Yanked { reason });
        }
        self.deprecated
            .get(v)
            .map(|message| Standing::Deprecated { message })
    }

    /// The registry's page for `version`.
    pub fn url(&self, version: &str) -> String {
        match self.registry.as_str() {
            "crates.io" => format!("https://crates.io/crates/{}/{version}", self.name),
            "PyPI" => format!("https://pypi.org/project/{}/{version}/", self.name),
            _ => format!("https://www.npmjs.com/package/{}/v/{version}", self.name),
        }
    }
}

/// The item holding `status` for the package `key`.
pub(crate) fn status_item(ctx: &ParseContext, key: &str, status: &VersionStatus) -> Item {
    let url = match status.registry.as_str() {
        "crates.io" => format!("https://crates.io/crates/{}", status.name),
        "PyPI" => format!("https://pypi.org/project/{}/", status.name),
        _ => format!("https://www.npmjs.com/package/{}", status.name),
    };
    Item {
        id: item_id(&ctx.source, Some(&format!("status:{key}")), None, "", None),
        kind: ItemKind::Article,
        source: ctx.source.clone(),
        title: format!("Registry status: {}", status.name),
        // Serialising plain maps of strings cannot fail.
        body: serde_json::to_string(status).unwrap_or_default(),
        url: Some(url),
        published: None,
        packages: vec![key.to_string()],
        tags: vec![STATUS_TAG.to_string()],
        advisory: None,
    }
}

#[derive(Deserialize)]
struct IndexLine {
    name: String,
    vers: String,
    #[serde(default)]
    yanked: bool,
}

/// A crates.io sparse-index file (`https://index.crates.io/to/ki/tokio`):
/// one JSON object per version, oldest first.
pub fn parse_crates_index(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let bad = |message: String| SourceError::Registry {
        registry: "crates.io index",
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8: {e}")))?;
    let mut status = VersionStatus {
        registry: "crates.io".into(),
        ..Default::default()
    };
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let entry: IndexLine =
            serde_json::from_str(line).map_err(|e| bad(format!("line {}: {e}", n + 1)))?;
        if status.name.is_empty() {
            status.name = entry.name.clone();
        }
        if entry.yanked {
            // The index carries no reason for a yank.
            status.yanked.insert(entry.vers, String::new());
        } else if !entry.vers.contains('-') {
            // Lines are in publish order; a backport can follow a newer
            // major, so keep the highest rather than the last.
            let newer = status.latest.as_deref().is_none_or(|l| {
                crate::versions::Scheme::for_ecosystem("crates.io")
                    .and_then(|s| s.compare(&entry.vers, l))
                    .is_some_and(|o| o == std::cmp::Ordering::Greater)
            });
            if newer {
                status.latest = Some(entry.vers);
            }
        }
    }
    if status.name.is_empty() {
        return Err(bad("the index file lists no versions".into()));
    }
    let key = ctx
        .package
        .clone()
        .unwrap_or_else(|| package_key("crates.io", &status.name));
    Ok(vec![status_item(ctx, &key, &status)])
}

#[derive(Deserialize)]
struct PypiProject {
    info: PypiInfo,
    #[serde(default)]
    releases: BTreeMap<String, Vec<PypiFile>>,
}

#[derive(Deserialize)]
struct PypiInfo {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct PypiFile {
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    yanked_reason: Option<String>,
}

/// PyPI's JSON API for a project (`/pypi/<name>/json`). PEP 592 yanks
/// files; PyPI yanks a release by yanking all its files, so a release is
/// yanked when it has files and every one is.
pub fn parse_pypi_json(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: PypiProject = serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
        registry: "PyPI JSON",
        message: e.to_string(),
    })?;
    let mut status = VersionStatus {
        registry: "PyPI".into(),
        name: doc.info.name.clone(),
        latest: doc.info.version.clone().filter(|v| !v.is_empty()),
        ..Default::default()
    };
    for (version, files) in &doc.releases {
        if !files.is_empty() && files.iter().all(|f| f.yanked) {
            let reason = files
                .iter()
                .find_map(|f| f.yanked_reason.as_deref().filter(|r| !r.trim().is_empty()))
                .map(super::super::text::collapse)
                .unwrap_or_default();
            status.yanked.insert(version.clone(), reason);
        }
    }
    let key = ctx
        .package
        .clone()
        .unwrap_or_else(|| package_key("PyPI", &canonical_name("PyPI", &doc.info.name)));
    Ok(vec![status_item(ctx, &key, &status)])
}

/// Every package's status, by lower-cased package key.
#[derive(Debug, Default)]
pub struct StatusFacts {
    by_key: HashMap<String, VersionStatus>,
}

impl StatusFacts {
    pub fn from_items<'a>(items: impl IntoIterator<Item = &'a Item>) -> StatusFacts {
        let mut facts = StatusFacts::default();
        for item in items.into_iter().filter(|i| is_status_item(i)) {
            let Ok(s) = serde_json::from_str::<VersionStatus>(&item.body) else {
                tracing::warn!("{}: registry status {} is unreadable", item.source, item.id);
                continue;
            };
            for k in &item.packages {
                facts
                    .by_key
                    .insert(crate::model::canonical_key(k), s.clone());
            }
        }
        facts
    }

    pub fn of(&self, package: &str) -> Option<&VersionStatus> {
        self.by_key.get(&crate::model::canonical_key(package))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(package: &str) -> ParseContext {
        ParseContext {
            source: format!("{package} status"),
            package: Some(package.into()),
            ..Default::default()
        }
    }

    #[test]
    fn crates_index_yanked_versions_and_the_newest_good_one() {
        let text = concat!(
            "{\"name\":\"widget\",\"vers\":\"0.1.0\",\"yanked\":false}\n",
            "{\"name\":\"widget\",\"vers\":\"0.1.1\",\"yanked\":true}\n",
            "{\"name\":\"widget\",\"vers\":\"1.0.0\",\"yanked\":false}\n",
            "{\"name\":\"widget\",\"vers\":\"0.1.2\",\"yanked\":false}\n",
            "{\"name\":\"widget\",\"vers\":\"2.0.0-rc.1\",\"yanked\":false}\n",
            "\n"
        );
        let items = parse_crates_index(&ctx("crates.io/widget"), text.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        assert!(is_status_item(&items[0]) && items[0].published.is_none());
        let facts = StatusFacts::from_items(&items);
        let s = facts.of("crates.io/Widget").unwrap();
        assert_eq!(s.standing("0.1.1"), Some(Standing::Yanked { reason: "" }));
        assert_eq!(s.standing("=0.1.1"), Some(Standing::Yanked { reason: "" }));
        assert_eq!(s.standing("0.1.2"), None);
        assert_eq!(
            s.latest.as_deref(),
            Some("1.0.0"),
            "a backport is not newer"
        );
        assert_eq!(s.url("0.1.1"), "https://crates.io/crates/widget/0.1.1");
        // The same document gives the same id: a re-crawl replaces it.
        let again = parse_crates_index(&ctx("crates.io/widget"), text.as_bytes()).unwrap();
        assert_eq!(items[0].id, again[0].id);
    }

    #[test]
    fn crates_index_errors_name_the_line() {
        let e = parse_crates_index(
            &ctx("crates.io/w"),
            b"{\"name\":\"w\",\"vers\":\"1.0.0\"}\nnot json\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("crates.io index registry: line 2:"), "{e}");
        assert!(parse_crates_index(&ctx("crates.io/w"), b"\n").is_err());
    }

    #[test]
    fn pypi_release_is_yanked_when_all_its_files_are() {
        let doc = r#"{"info":{"name":"Widget","version":"2.1.0"},"releases":{
            "1.0.0":[{"yanked":true,"yanked_reason":"broken  wheel"},{"yanked":true,"yanked_reason":null}],
            "1.1.0":[{"yanked":true,"yanked_reason":null},{"yanked":false}],
            "1.2.0":[{"yanked":true}],
            "2.0.0":[],
            "2.1.0":[{"yanked":false}]}}"#;
        let items = parse_pypi_json(&ctx("PyPI/widget"), doc.as_bytes()).unwrap();
        let facts = StatusFacts::from_items(&items);
        let s = facts.of("pypi/Widget").unwrap();
        assert_eq!(
            s.standing("1.0.0"),
            Some(Standing::Yanked {
                reason: "broken wheel"
            })
        );
        assert_eq!(s.standing("1.1.0"), None, "one file still installable");
        assert_eq!(s.standing("1.2.0"), Some(Standing::Yanked { reason: "" }));
        assert_eq!(s.standing("2.0.0"), None, "no files is not yanked");
        assert_eq!(s.latest.as_deref(), Some("2.1.0"));
        assert_eq!(s.url("1.0.0"), "https://pypi.org/project/Widget/1.0.0/");
        assert!(parse_pypi_json(&ctx("PyPI/widget"), b"{\"releases\":{}}").is_err());
    }

    #[test]
    fn real_libc_index_and_numpy_json() {
        let dir = std::path::Path::new("../shared/fixtures/registry");
        let (Ok(libc), Ok(numpy)) = (
            std::fs::read(dir.join("crates-index-libc.ndjson")),
            std::fs::read(dir.join("pypi-json-numpy.json")),
        ) else {
            eprintln!("skipping: ../shared absent");
            return;
        };
        let facts =
            StatusFacts::from_items(&parse_crates_index(&ctx("crates.io/libc"), &libc).unwrap());
        let s = facts.of("crates.io/libc").unwrap();
        assert!(s.yanked.contains_key("0.1.9") && s.yanked.contains_key("0.1.11"));
        assert_eq!(s.standing("0.1.10"), None);
        let items = parse_pypi_json(&ctx("PyPI/numpy"), &numpy).unwrap();
        assert_eq!(items.len(), 1);
        assert!(StatusFacts::from_items(&items).of("PyPI/numpy").is_some());
    }
}
