//! RustSec advisories in the advisory-db layout (Markdown with a ```` ```toml ````
//! front block), read with the `rustsec` crate: the same parser and the
//! same `[versions]` → range conversion cargo-audit uses, so our verdicts
//! match cargo-audit's by construction.
//!
//! `patched`/`unaffected` requirements become one OSV `SEMVER` range
//! (introduced/fixed events, prereleases included) plus the `patched`
//! strings for "upgrade to" advice. Advisories under `rust/` describe the
//! Rust toolchain (std, cargo, rustdoc), not crates: they get the
//! ecosystem [`RUST_TOOLCHAIN`] so a crate that happens to share the name
//! (`cargo`) is never matched, as cargo-audit does not match it either.

use chrono::{NaiveDate, Utc};
use std::str::FromStr;

use super::advisory::{advisory_item, advisory_url, informational_of};
use super::{ParseContext, SourceError};
use crate::model::{Advisory, Affected, Event, Range, Severity};

/// Not an OSV ecosystem: RustSec's `rust` collection (toolchain advisories).
pub const RUST_TOOLCHAIN: &str = "rust-toolchain";

/// Which advisory-db collection a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Crates,
    Rust,
}

/// `…/rust/std/RUSTSEC-….md` is a toolchain advisory; anything else a crate
/// advisory (a front block may also say `collection = "rust"`).
pub fn collection_from_path(path: &str) -> Collection {
    let segs: Vec<&str> = path.split(['/', '\\']).collect();
    // The collection folder is the grandparent of the file.
    if segs.len() >= 3 && segs[segs.len() - 3] == "rust" {
        Collection::Rust
    } else {
        Collection::Crates
    }
}

/// Parses one advisory as a crate advisory (unless its front block says
/// otherwise).
pub fn parse_rustsec(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    parse_rustsec_in(ctx, bytes, Collection::Crates)
}

use crate::model::Item;

/// Parses one advisory of the given collection. A draft (the placeholder id
/// `RUSTSEC-0000-0000`, as in advisory-db's EXAMPLE_ADVISORY.md) yields no
/// item: it is not an advisory yet.
pub fn parse_rustsec_in(
    ctx: &ParseContext,
    bytes: &[u8],
    collection: Collection,
) -> Result<Vec<Item>, SourceError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| SourceError::Rustsec(format!("not UTF-8 text: {e}")))?;
    let adv =
        rustsec::Advisory::from_str(text).map_err(|e| SourceError::Rustsec(error_text(&e)))?;
    if adv.metadata.id.is_placeholder() {
        return Ok(Vec::new());
    }
    let collection = match adv.metadata.collection {
        Some(rustsec::Collection::Rust) => Collection::Rust,
        Some(rustsec::Collection::Crates) => Collection::Crates,
        _ => collection,
    };
    let ecosystem = match collection {
        Collection::Crates => "crates.io",
        Collection::Rust => RUST_TOOLCHAIN,
    };
    let id = adv.metadata.id.as_str().to_string();
    let events = rustsec::osv::ranges_for_advisory(&adv.versions)
        .into_iter()
        .flat_map(|r| {
            let intro = Event::Introduced(
                r.introduced
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "0".into()),
            );
            std::iter::once(intro).chain(r.fixed.map(|v| Event::Fixed(v.to_string())))
        })
        .collect();
    let affected = Affected {
        ecosystem: ecosystem.into(),
        name: adv.metadata.package.as_str().to_string(),
        ranges: vec![Range {
            kind: "SEMVER".into(),
            events,
        }],
        versions: Vec::new(),
        patched: adv
            .versions
            .patched()
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    let severity = adv
        .metadata
        .cvss
        .as_ref()
        .map(|c| {
            let vector = c.to_string();
            let kind = if vector.starts_with("CVSS:4") {
                "CVSS_V4"
            } else if vector.starts_with("CVSS:3") {
                "CVSS_V3"
            } else {
                "CVSS_V2"
            };
            Severity {
                kind: kind.into(),
                vector,
                score: Some(c.score()),
            }
        })
        .into_iter()
        .collect();
    let own_page = adv.metadata.url.as_ref().map(|u| u.to_string());
    let url = advisory_url(&id, own_page.as_deref());
    let mut references = vec![url.clone()];
    references.extend(adv.metadata.url.iter().map(|u| u.to_string()));
    references.extend(adv.metadata.references.iter().map(|u| u.to_string()));
    references.dedup();
    let tags = adv
        .metadata
        .categories
        .iter()
        .map(|c| c.to_string())
        .chain(adv.metadata.keywords.iter().map(|k| k.as_str().to_string()))
        .collect();
    let advisory = Advisory {
        aliases: adv
            .metadata
            .aliases
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        related: adv
            .metadata
            .related
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        summary: adv.metadata.title.clone(),
        details: adv.metadata.description.clone(),
        published: date(adv.metadata.date.as_str()),
        // The Markdown carries no modification time; an OSV export of the
        // same advisory (which has one) therefore wins over it.
        modified: None,
        withdrawn: adv
            .metadata
            .withdrawn
            .as_ref()
            .and_then(|d| date(d.as_str())),
        severity,
        informational: adv
            .metadata
            .informational
            .as_ref()
            .map(|i| informational_of(i.as_str())),
        affected: vec![affected],
        references,
        severity_label: None,
        url: Some(url),
        id,
    };
    Ok(vec![advisory_item(ctx, advisory, tags)])
}

fn date(s: &str) -> Option<chrono::DateTime<Utc>> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
}

/// The rustsec error with its causes (the TOML line is in the cause).
fn error_text(e: &rustsec::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(c.trim());
        }
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Informational;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "rustsec".into(),
            ..Default::default()
        }
    }

    const ADVISORY: &str = r#"```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "demo-crate"
date = "2099-01-02"
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
aliases = ["GHSA-demo-demo-demo"]

[versions]
patched = [">= 1.5.5"]
unaffected = ["< 0.2.0"]
```

# Something slow

Longer text.
"#;

    #[test]
    fn markdown_becomes_an_advisory_with_a_semver_range() {
        let items = parse_rustsec(&ctx(), ADVISORY.as_bytes()).unwrap();
        let a = items[0].advisory.as_ref().unwrap();
        assert_eq!(a.id, "RUSTSEC-2099-0001");
        assert_eq!(items[0].packages, vec!["crates.io/demo-crate".to_string()]);
        assert_eq!(a.summary, "Something slow");
        assert_eq!(a.affected[0].patched, vec![">=1.5.5".to_string()]);
        assert_eq!(
            a.affected[0].ranges[0].events,
            vec![
                Event::Introduced("0.2.0".into()),
                Event::Fixed("1.5.5".into())
            ]
        );
        assert_eq!(a.severity[0].score, Some(7.5));
        assert_eq!(a.informational, None);
    }

    #[test]
    fn informational_and_toolchain_collection() {
        let text = ADVISORY.replace(
            "aliases = [\"GHSA-demo-demo-demo\"]",
            "informational = \"unmaintained\"",
        );
        let items = parse_rustsec_in(
            &ctx(),
            text.as_bytes(),
            collection_from_path("x/rust/std/A.md"),
        )
        .unwrap();
        let a = items[0].advisory.as_ref().unwrap();
        assert_eq!(a.informational, Some(Informational::Unmaintained));
        assert_eq!(a.affected[0].ecosystem, RUST_TOOLCHAIN);
        assert_eq!(
            collection_from_path("crates/rust/RUSTSEC-1.md"),
            Collection::Crates
        );
    }

    #[test]
    fn bad_toml_and_bad_ranges_are_errors() {
        let bad = ADVISORY.replace("package = \"demo-crate\"", "package = ");
        let e = parse_rustsec(&ctx(), bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line"), "{e}");
        let overlap = ADVISORY.replace("unaffected = [\"< 0.2.0\"]", "unaffected = [\"< 2.0.0\"]");
        assert!(parse_rustsec(&ctx(), overlap.as_bytes()).is_err());
    }

    #[test]
    fn drafts_yield_nothing() {
        let draft = ADVISORY.replace("RUSTSEC-2099-0001", "RUSTSEC-0000-0000");
        assert!(parse_rustsec(&ctx(), draft.as_bytes()).unwrap().is_empty());
    }
}
