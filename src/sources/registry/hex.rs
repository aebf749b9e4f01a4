//! Hex's package JSON (`/api/packages/NAME`): `releases` with their
//! `inserted_at` times.

use serde::Deserialize;

use super::{Release, date, looks_prerelease, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Deserialize)]
struct Package {
    releases: Vec<HexRelease>,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct HexRelease {
    version: String,
    #[serde(default)]
    inserted_at: Option<String>,
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: Package = serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
        registry: "Hex",
        message: format!("not a package document (an object with \"releases\"): {e}"),
    })?;
    let (key, name) = package_of(ctx, "Hex")?;
    let body = doc.meta.and_then(|m| m.description).unwrap_or_default();
    let releases = doc
        .releases
        .into_iter()
        .map(|r| Release {
            published: r.inserted_at.as_deref().and_then(date),
            prerelease: looks_prerelease(&r.version),
            version: r.version,
            body: body.clone(),
        })
        .collect();
    Ok(release_items(ctx, "hex", &key, &name, releases, |v| {
        format!("https://hex.pm/packages/{name}/{v}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_with_inserted_at() {
        let ctx = ParseContext {
            source: "phoenix".into(),
            package: Some("Hex/phoenix".into()),
            ..Default::default()
        };
        let doc = br#"{"name":"phoenix","meta":{"description":"Web framework"},"releases":[
 {"version":"1.7.10","inserted_at":"2023-11-03T16:33:37.151797Z"},
 {"version":"1.8.0-rc.0","inserted_at":"2024-06-01T00:00:00Z"}]}"#;
        let items = parse(&ctx, doc).unwrap();
        assert_eq!(items[0].title, "phoenix 1.8.0-rc.0");
        assert_eq!(items[1].body, "Web framework");
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://hex.pm/packages/phoenix/1.7.10")
        );
        assert!(parse(&ctx, b"{}").is_err());
    }
}
