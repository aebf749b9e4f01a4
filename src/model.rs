//! The typed values that flow between pipeline stages.
//!
//! Owns: `Item` (one indexed document), the advisory model that audit
//! evaluates, and the radar vocabulary (`Ring`, `Quadrant`). Holds no I/O and
//! no stage logic: parsers produce these, the index stores them, scorers and
//! renderers read them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// What an indexed item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Release,
    Advisory,
    Article,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Release => "release",
            ItemKind::Advisory => "advisory",
            ItemKind::Article => "article",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "release" => Some(ItemKind::Release),
            "advisory" => Some(ItemKind::Advisory),
            "article" => Some(ItemKind::Article),
            _ => None,
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One normalised document, whatever the source format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable across crawls: see [`item_id`].
    pub id: String,
    pub kind: ItemKind,
    /// The `name` of the source in radar.toml (or the file path for ingest).
    pub source: String,
    pub title: String,
    /// Plain text; markup already stripped by the parser.
    pub body: String,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// `ecosystem/name` keys, as OSV names ecosystems (`crates.io/tokio`).
    pub packages: Vec<String>,
    pub tags: Vec<String>,
    /// Present for `kind = advisory`: everything audit needs to evaluate
    /// version ranges without re-reading the original file.
    ///
    /// Boxed: an `Advisory` is 280 bytes inline and most items are not
    /// advisories; `update` holds a stack's whole release history as items.
    pub advisory: Option<Box<Advisory>>,
}

impl Item {
    /// A digest of everything that is stored, so an upsert can tell
    /// "unchanged" from "updated" without comparing field by field.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(&serde_json::to_vec(self).unwrap_or_default())
    }
}

/// The fingerprint of an item already serialised to JSON; lets the writer
/// serialise each item once for both the digest and the stored copy.
pub fn fingerprint_of(json: &[u8]) -> String {
    hex(&Sha256::digest(json))
}

/// Derives a stable item id: source + guid, else link, else title + date.
///
/// feed-rs invents a random UUID for entries with neither id nor link, so
/// callers must pass `guid = None` in that case rather than feed-rs's id.
pub fn item_id(
    source: &str,
    guid: Option<&str>,
    link: Option<&str>,
    title: &str,
    date: Option<DateTime<Utc>>,
) -> String {
    let key = match (
        guid.filter(|g| !g.trim().is_empty()),
        link.filter(|l| !l.trim().is_empty()),
    ) {
        (Some(g), _) => format!("guid\u{1f}{}", g.trim()),
        (None, Some(l)) => format!("link\u{1f}{}", l.trim()),
        (None, None) => format!(
            "title\u{1f}{}\u{1f}{}",
            title.trim(),
            date.map(|d| d.to_rfc3339()).unwrap_or_default()
        ),
    };
    let mut h = Sha256::new();
    h.update(source.as_bytes());
    h.update([0x1e]);
    h.update(key.as_bytes());
    hex(&h.finalize()[..16])
}

fn hex(bytes: &[u8]) -> String {
    // Two ids per ingested item: a `format!` per byte was a tenth of ingest.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// A security advisory, normalised from OSV JSON or RustSec Markdown.
///
/// Mirrors the OSV schema closely so that range evaluation can follow the
/// OSV specification exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Advisory {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub related: Vec<String>,
    pub summary: String,
    #[serde(default)]
    pub details: String,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub withdrawn: Option<DateTime<Utc>>,
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// RustSec `informational`: unmaintained, unsound, notice. None for a
    /// vulnerability.
    pub informational: Option<Informational>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub references: Vec<String>,
    /// Qualitative severity a database gives without a CVSS vector (GHSA's
    /// `database_specific.severity`: LOW, MODERATE, HIGH, CRITICAL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_label: Option<String>,
    /// The advisory's own page (rustsec.org, GHSA, osv.dev), for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// `CVSS_V3`, `CVSS_V4`, … as OSV names them.
    pub kind: String,
    /// The CVSS vector string as given.
    pub vector: String,
    /// Base score where it could be computed or was given.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Informational {
    Unmaintained,
    Unsound,
    Notice,
    /// An informational kind this version does not know: neither a
    /// vulnerability nor a warning (cargo-audit ignores these too).
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// OSV ecosystem name (`crates.io`, `npm`, `PyPI`, `Go`, `Maven`, …).
    pub ecosystem: String,
    pub name: String,
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Explicitly enumerated affected versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// RustSec `patched` requirements as written (`>= 1.5.5`, `^0.6.14`), for
    /// "upgrade to" advice; evaluation uses `ranges` only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<String>,
}

impl Affected {
    pub fn package_key(&self) -> String {
        package_key(&self.ecosystem, &self.name)
    }

    /// Whether [`Affected::package_key`] is `key`, without building it
    /// (audit asks once per candidate advisory and package version).
    pub fn is_for(&self, key: &str) -> bool {
        key.strip_prefix(self.ecosystem.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|name| name == self.name)
    }
}

/// `ecosystem/name`, the key that links advisories, releases and the stack.
pub fn package_key(ecosystem: &str, name: &str) -> String {
    let mut key = String::with_capacity(ecosystem.len() + 1 + name.len());
    key.push_str(ecosystem);
    key.push('/');
    key.push_str(name);
    key
}

/// An ecosystem as OSV spells it, whatever case or alias stack.toml used
/// (`pypi` → `PyPI`, `cargo` → `crates.io`, `golang` → `Go`); unknown
/// names are kept.
pub fn ecosystem_name(ecosystem: &str) -> &str {
    match ecosystem.to_ascii_lowercase().as_str() {
        "pypi" => "PyPI",
        "npm" => "npm",
        "crates.io" | "cargo" | "crates-io" => "crates.io",
        "rubygems" | "gem" => "RubyGems",
        "nuget" => "NuGet",
        "maven" => "Maven",
        "go" | "golang" => "Go",
        "packagist" | "composer" => "Packagist",
        "pub" => "Pub",
        "hex" => "Hex",
        _ => ecosystem,
    }
}

/// `pypi/Django_REST` → `pypi/django-rest`: the lower-cased key under which
/// a package from stack.toml, a lockfile, a release source or an advisory
/// meets the same package spelled another way.
pub fn canonical_key(package: &str) -> String {
    match package.split_once('/') {
        Some((eco, name)) => {
            let eco = ecosystem_name(eco);
            package_key(eco, &canonical_name(eco, name))
        }
        None => package.to_string(),
    }
    .to_lowercase()
}

/// A package name as its ecosystem compares it, so that an advisory and a
/// lockfile spelling the same package differently still meet: PyPI names
/// are PEP 503 normalised (`PyYAML`, `pyyaml`, `py_yaml` → `pyyaml`,
/// `py-yaml`); other ecosystems compare names as written.
pub fn canonical_name(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    if ecosystem != "PyPI" {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    pub kind: String,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

pub use crate::shape::{Quadrant, Ring};

/// `https://github.com/tokio-rs/tokio/releases/tag/…` → `tokio-rs/tokio`.
/// Scoring attributes untagged releases by it, and the index files them
/// under it, so both must read a link the same way.
pub fn github_release_repo(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))?;
    let mut parts = rest.splitn(3, '/');
    let owner = parts.next()?;
    let repo = parts.next()?;
    let tail = parts.next()?;
    (!owner.is_empty() && !repo.is_empty() && tail.starts_with("releases"))
        .then(|| &rest[..owner.len() + 1 + repo.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_are_pep503_normalised() {
        assert_eq!(canonical_name("PyPI", "PyYAML"), "pyyaml");
        let affected = |eco: &str, name: &str| Affected {
            ecosystem: eco.into(),
            name: name.into(),
            ranges: vec![],
            versions: vec![],
            patched: vec![],
        };
        for (eco, name) in [
            ("crates.io", "tokio"),
            ("npm", "@types/node"),
            ("Go", "a/b"),
        ] {
            let a = affected(eco, name);
            assert!(a.is_for(&a.package_key()), "{eco} {name}");
        }
        assert!(!affected("crates.io", "tokio").is_for("crates.io/tokio-util"));
        assert!(!affected("crates.io", "tokio").is_for("crates.iotokio"));
        assert!(!affected("npm", "tokio").is_for("crates.io/tokio"));
        assert_eq!(
            canonical_name("PyPI", "backports.ssl_match-hostname"),
            "backports-ssl-match-hostname"
        );
        assert_eq!(canonical_name("PyPI", "Foo__Bar"), "foo-bar");
        assert_eq!(canonical_name("npm", "@Scope/Pkg"), "@Scope/Pkg");
    }

    #[test]
    fn id_prefers_guid_then_link_then_title_and_date() {
        let a = item_id("s", Some("g1"), Some("http://x/1"), "T", None);
        let b = item_id("s", Some("g1"), Some("http://x/2"), "Other", None);
        assert_eq!(a, b, "guid decides when present");
        let c = item_id("s", None, Some("http://x/1"), "T", None);
        let d = item_id("s", Some("  "), Some("http://x/1"), "U", None);
        assert_eq!(c, d, "blank guid falls back to link");
        let e = item_id("s", None, None, "T", None);
        assert_ne!(c, e);
        assert_ne!(a, item_id("other source", Some("g1"), None, "T", None));
    }
}
