//! Packagist's p2 metadata (`/p2/VENDOR/NAME.json`). The document is
//! "minified" (composer/2.0): each version repeats only the fields that
//! changed since the one before, but `version` and `time` are in every
//! entry, and they are all a radar reads. `~dev` documents are never asked
//! for, so branches do not appear as releases.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::{Release, date, looks_prerelease, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Deserialize)]
struct Doc {
    packages: BTreeMap<String, Vec<Version>>,
}

#[derive(Deserialize)]
struct Version {
    version: String,
    #[serde(default)]
    time: Option<String>,
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
        registry: "Packagist",
        message: format!("not a p2 document (an object with \"packages\"): {e}"),
    })?;
    let (key, name) = package_of(ctx, "Packagist")?;
    let versions = doc
        .packages
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        .map(|(_, v)| v)
        .ok_or_else(|| SourceError::Registry {
            registry: "Packagist",
            message: format!("the document does not list {name}"),
        })?;
    let releases = versions
        .iter()
        .filter(|v| !v.version.starts_with("dev-"))
        .map(|v| Release {
            version: v.version.clone(),
            published: v.time.as_deref().and_then(date),
            prerelease: looks_prerelease(&v.version),
            body: String::new(),
        })
        .collect();
    let page_name = name.to_ascii_lowercase();
    Ok(release_items(
        ctx,
        "packagist",
        &key,
        &name,
        releases,
        |v| format!("https://packagist.org/packages/{page_name}#{v}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minified_versions_keep_version_and_time() {
        let doc = br#"{"packages":{"monolog/monolog":[
  {"name":"monolog/monolog","description":"Logging","version":"3.5.0","version_normalized":"3.5.0.0","time":"2023-10-27T15:32:31+00:00"},
  {"version":"3.4.0","version_normalized":"3.4.0.0","time":"2023-06-21T08:46:11+00:00"},
  {"version":"3.0.0-RC1","time":"2022-05-08T21:50:49+00:00"},
  {"version":"dev-main","time":"2024-01-01T00:00:00+00:00"}
]},"minified":"composer/2.0"}"#;
        let ctx = ParseContext {
            source: "monolog".into(),
            package: Some("Packagist/monolog/monolog".into()),
            ..Default::default()
        };
        let items = parse(&ctx, doc).unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "monolog/monolog 3.5.0",
                "monolog/monolog 3.4.0",
                "monolog/monolog 3.0.0-RC1"
            ]
        );
        assert_eq!(items[2].tags, ["prerelease"]);
        assert_eq!(
            items[1].published.unwrap().to_rfc3339(),
            "2023-06-21T08:46:11+00:00"
        );
        let other = ParseContext {
            package: Some("Packagist/psr/log".into()),
            ..ctx
        };
        assert!(parse(&other, doc).is_err());
    }
}
