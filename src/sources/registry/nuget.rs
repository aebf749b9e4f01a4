//! NuGet's flat container (`/v3-flatcontainer/ID/index.json`): the
//! version list, oldest first, without dates. Undated releases still tell
//! the radar what exists; the release signal only counts dated ones.

use serde::Deserialize;

use super::{Release, looks_prerelease, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Deserialize)]
struct Index {
    versions: Vec<String>,
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let doc: Index = serde_json::from_slice(bytes).map_err(|e| SourceError::Registry {
        registry: "NuGet",
        message: format!("not a flat-container index (an object with \"versions\"): {e}"),
    })?;
    let (key, name) = package_of(ctx, "NuGet")?;
    let mut versions = doc.versions;
    super::sort_newest_first(&mut versions);
    let releases = versions
        .into_iter()
        .map(|v| Release {
            prerelease: looks_prerelease(&v),
            version: v,
            published: None,
            body: String::new(),
        })
        .collect();
    Ok(release_items(ctx, "nuget", &key, &name, releases, |v| {
        format!("https://www.nuget.org/packages/{name}/{v}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_newest_first_without_dates() {
        let ctx = ParseContext {
            source: "json".into(),
            package: Some("NuGet/Newtonsoft.Json".into()),
            ..Default::default()
        };
        let items = parse(
            &ctx,
            br#"{"versions":["12.0.1","13.0.1","13.0.4-beta1","9.0.1"]}"#,
        )
        .unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Newtonsoft.Json 13.0.4-beta1",
                "Newtonsoft.Json 13.0.1",
                "Newtonsoft.Json 12.0.1",
                "Newtonsoft.Json 9.0.1"
            ]
        );
        assert!(items.iter().all(|i| i.published.is_none()));
        assert!(parse(&ctx, b"[]").is_err());
    }
}
