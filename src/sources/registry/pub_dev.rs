//! Pub's package JSON (`/api/packages/NAME`): `versions` with their
//! `published` times.

use serde::Deserialize;

use super::{Release, date, looks_prerelease, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Deserialize)]
struct Package {
    versions: Vec<Version>,
}

#[derive(Deserialize)]
struct Version {
    version: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    pubspec: Option<Pubspec>,
}

#[derive(Deserialize)]
struct Pubspec {
    #[serde(default)]
    description: Option<String>,
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: Package = serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
        registry: "Pub",
        message: format!("not a package document (an object with \"versions\"): {e}"),
    })?;
    let (key, name) = package_of(ctx, "Pub")?;
    let releases = doc
        .versions
        .into_iter()
        .map(|v| Release {
            published: v.published.as_deref().and_then(date),
            prerelease: looks_prerelease(&v.version),
            body: v.pubspec.and_then(|p| p.description).unwrap_or_default(),
            version: v.version,
        })
        .collect();
    Ok(release_items(ctx, "pub", &key, &name, releases, |v| {
        format!("https://pub.dev/packages/{name}/versions/{v}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_with_published() {
        let ctx = ParseContext {
            source: "http".into(),
            package: Some("Pub/http".into()),
            ..Default::default()
        };
        let doc = br#"{"name":"http","versions":[
 {"version":"1.1.0","published":"2023-08-01T00:00:00.000Z","pubspec":{"description":"HTTP requests"}},
 {"version":"1.2.0","published":"2024-01-10T00:00:00.000Z"}]}"#;
        let items = parse(&ctx, doc).unwrap();
        assert_eq!(items[0].title, "http 1.2.0");
        assert_eq!(items[1].body, "HTTP requests");
        assert!(parse(&ctx, b"{\"versions\":3}").is_err());
    }
}
