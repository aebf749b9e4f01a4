//! The Go module proxy: `MODULE/@v/list` (one version a line, no dates)
//! and `MODULE/@v/VERSION.info` (`{"Version","Time"}`). The list becomes
//! undated release items; `crawl` fetches the `.info` of the newest few
//! and dates them with [`parse_info`].

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Release, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

/// Module paths are case-sensitive but proxies serve case-insensitive
/// file systems: an upper-case letter is written `!` + its lower case.
pub fn escape_path(module: &str) -> String {
    let mut out = String::with_capacity(module.len() + 4);
    for c in module.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn parse_list(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let text = std::str::from_utf8(bytes).map_err(|e| SourceError::Registry {
        registry: "Go",
        message: format!("the version list is not UTF-8: {e}"),
    })?;
    let mut versions = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let v = line.trim();
        if v.is_empty() {
            continue;
        }
        if !v.starts_with('v') || v.contains(char::is_whitespace) || v.contains('<') {
            return Err(SourceError::Registry {
                registry: "Go",
                message: format!(
                    "line {}: {v:?} is not a module version (an @v/list has one vX.Y.Z a line)",
                    n + 1
                ),
            });
        }
        versions.push(v.to_string());
    }
    let (key, module) = package_of(ctx, "Go")?;
    super::sort_newest_first(&mut versions);
    let releases = versions
        .into_iter()
        .map(|v| Release {
            prerelease: v.contains('-'),
            version: v,
            published: None,
            body: String::new(),
        })
        .collect();
    Ok(release_items(ctx, "go", &key, &module, releases, |v| {
        format!("https://pkg.go.dev/{module}@{v}")
    }))
}

#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "Time")]
    time: String,
}

/// A version's `.info`: its version and when it was published.
pub fn parse_info(bytes: &[u8]) -> Result<(String, DateTime<Utc>), SourceError> {
    let bad = |message: String| SourceError::Registry {
        registry: "Go",
        message,
    };
    let info: Info =
        serde_json::from_slice(bytes).map_err(|e| bad(format!("not a .info document: {e}")))?;
    let when = super::date(&info.time)
        .ok_or_else(|| bad(format!("Time {:?} is not RFC 3339", info.time)))?;
    Ok((info.version, when))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_info() {
        let ctx = ParseContext {
            source: "cobra".into(),
            package: Some("Go/github.com/spf13/cobra".into()),
            ..Default::default()
        };
        let items = parse_list(&ctx, b"v1.7.0\nv1.8.0\n\nv1.10.0-rc.1\nv1.9.1\n").unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "github.com/spf13/cobra v1.10.0-rc.1",
                "github.com/spf13/cobra v1.9.1",
                "github.com/spf13/cobra v1.8.0",
                "github.com/spf13/cobra v1.7.0"
            ]
        );
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://pkg.go.dev/github.com/spf13/cobra@v1.9.1")
        );
        assert!(parse_list(&ctx, b"<html>not found</html>").is_err());
        let (v, t) = parse_info(br#"{"Version":"v1.9.1","Time":"2025-02-17T16:10:00Z"}"#).unwrap();
        assert_eq!(
            (v.as_str(), t.to_rfc3339().as_str()),
            ("v1.9.1", "2025-02-17T16:10:00+00:00")
        );
        assert!(parse_info(b"{}").is_err());
    }
}
