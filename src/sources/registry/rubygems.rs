//! RubyGems `/api/v1/versions/NAME.json`: every version of a gem, one
//! object per platform build. Platform builds of one version are one
//! release.

use serde::Deserialize;

use super::{Release, date, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Deserialize)]
struct Version {
    number: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    prerelease: bool,
    #[serde(default)]
    summary: Option<String>,
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let versions: Vec<Version> =
        serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
            registry: "RubyGems",
            message: format!("not a versions document (a JSON array): {e}"),
        })?;
    let (key, name) = package_of(ctx, "RubyGems")?;
    let releases = versions
        .into_iter()
        .map(|v| Release {
            published: v.created_at.as_deref().and_then(date),
            prerelease: v.prerelease,
            body: v.summary.unwrap_or_default(),
            version: v.number,
        })
        .collect();
    Ok(release_items(ctx, "rubygems", &key, &name, releases, |v| {
        format!("https://rubygems.org/gems/{name}/versions/{v}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_builds_are_one_release_newest_first() {
        let doc = br#"[
 {"number":"1.16.0","platform":"x86_64-linux","created_at":"2024-01-01T10:00:00.000Z","prerelease":false,"summary":"XML"},
 {"number":"1.16.0","platform":"ruby","created_at":"2024-01-01T10:00:00.000Z","prerelease":false},
 {"number":"1.17.0.rc1","platform":"ruby","created_at":"2024-05-01T10:00:00.000Z","prerelease":true},
 {"number":"1.15.5","platform":"ruby","created_at":"2023-11-17T10:00:00.000Z","prerelease":false}
]"#;
        let ctx = ParseContext {
            source: "nokogiri".into(),
            package: Some("RubyGems/nokogiri".into()),
            ..Default::default()
        };
        let items = parse(&ctx, doc).unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            ["nokogiri 1.17.0.rc1", "nokogiri 1.16.0", "nokogiri 1.15.5"]
        );
        assert_eq!(items[0].tags, ["prerelease"]);
        assert_eq!(items[1].packages, ["RubyGems/nokogiri"]);
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://rubygems.org/gems/nokogiri/versions/1.16.0")
        );
        assert!(parse(&ctx, b"{\"error\":1}").is_err());
        let no_package = ParseContext::default();
        let e = parse(&no_package, doc).unwrap_err().to_string();
        assert!(e.contains("package = "), "{e}");
    }
}
