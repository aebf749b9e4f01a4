//! OSV JSON records (osv.dev, GHSA, PyPA, Go, RustSec's export): bytes in,
//! advisory `Item`s out.
//!
//! Accepts one record, a JSON array of records, or an osv.dev API answer
//! (`{"vulns": [...]}`); `archive` reads a zip of them one entry at a time.
//!
//! A record is validated before it becomes an item: an unknown ecosystem, a
//! range type other than SEMVER/ECOSYSTEM/GIT, a range without `introduced`
//! or a bound that is not a version of its ecosystem rejects the whole
//! record with an error naming the record and the field, so audit never
//! evaluates a half-understood range. `affected[]` entries without a
//! package (GIT-only) are dropped, not errors.
//!
//! The item id comes from the advisory id alone, so the same record read
//! from two places (a folder and a zip, RustSec Markdown and its OSV
//! export) is one document.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::str::FromStr;
use thiserror::Error;

use super::advisory::{advisory_item, advisory_url, informational_of};
use super::{ParseContext, SourceError};
use crate::model::{Advisory, Affected, Event, Item, Range, Severity, canonical_name};
use crate::versions::{self, VersionError};

/// What is wrong with one OSV record, naming the field the way the OSV
/// schema does (`affected[0].ranges[1]: …`). [`SourceError::OsvRecord`]
/// adds the record id.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The record does not have the schema's shape (serde's own message).
    #[error("{0}")]
    Shape(serde_json::Error),
    #[error("\"id\" is empty")]
    EmptyId,
    #[error(
        "affected[{index}]: unknown ecosystem {ecosystem:?} (OSV names ecosystems like \"crates.io\", \"npm\", \"PyPI\", \"Go\", \"Maven\")"
    )]
    UnknownEcosystem { index: usize, ecosystem: String },
    #[error("affected[{index}]: package name is empty")]
    EmptyPackageName { index: usize },
    #[error("affected[{index}].ranges[{range}]: {error}")]
    Range {
        index: usize,
        range: usize,
        error: RangeError,
    },
    #[error("affected[{index}].ranges[{range}]: {error}")]
    Version {
        index: usize,
        range: usize,
        error: VersionError,
    },
    #[error("{field} {value:?} is not an RFC 3339 timestamp")]
    Timestamp { field: &'static str, value: String },
}

/// What is wrong with one `ranges[]` entry's events.
#[derive(Debug, Error)]
pub enum RangeError {
    #[error("events[{event}] must hold exactly one of introduced, fixed, last_affected, limit")]
    EventKind { event: usize },
    #[error("events[{event}].{key} is not a string")]
    NotAString { event: usize, key: String },
}

#[derive(Debug, Deserialize)]
struct RawRecord {
    id: String,
    modified: Option<String>,
    published: Option<String>,
    withdrawn: Option<String>,
    aliases: Option<Vec<String>>,
    related: Option<Vec<String>>,
    summary: Option<String>,
    details: Option<String>,
    severity: Option<Vec<RawSeverity>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawReference>>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Debug, Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    ranges: Option<Vec<RawRange>>,
    versions: Option<Vec<String>>,
    severity: Option<Vec<RawSeverity>>,
    database_specific: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    events: Option<Vec<serde_json::Map<String, Value>>>,
}

#[derive(Debug, Deserialize)]
struct RawReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: String,
}

/// Parses an OSV JSON document: one record, an array of them, or
/// `{"vulns": […]}` (any bad record fails the document). Zips go to
/// `archive`.
pub fn parse_osv(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| SourceError::Osv(format!("not JSON: {e}")))?;
    let records = match value {
        Value::Array(records) => records,
        Value::Object(mut map) if !map.contains_key("id") && map.contains_key("vulns") => {
            match map.remove("vulns") {
                Some(Value::Array(records)) => records,
                _ => return Err(SourceError::Osv("\"vulns\" is not an array".into())),
            }
        }
        single @ Value::Object(_) => vec![single],
        _ => {
            return Err(SourceError::Osv(
                "expected an OSV record (a JSON object with \"id\")".into(),
            ));
        }
    };
    records
        .into_iter()
        .map(|r| record_to_item(ctx, r))
        .collect()
}

fn record_to_item(ctx: &ParseContext, value: Value) -> Result<Item, SourceError> {
    let hint = value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("(no id)")
        .to_string();
    let advisory = serde_json::from_value(value)
        .map_err(RecordError::Shape)
        .and_then(convert)
        .map_err(|error| SourceError::OsvRecord { id: hint, error })?;
    Ok(advisory_item(ctx, advisory, Vec::new()))
}

fn convert(raw: RawRecord) -> Result<Advisory, RecordError> {
    let id = raw.id.trim().to_string();
    if id.is_empty() {
        return Err(RecordError::EmptyId);
    }
    let mut severity: Vec<Severity> = raw
        .severity
        .unwrap_or_default()
        .into_iter()
        .map(severity_of)
        .collect();
    let mut informational = None;
    let mut affected = Vec::new();
    for (i, a) in raw.affected.unwrap_or_default().into_iter().enumerate() {
        // Per-package severity (the schema allows it instead of the
        // top-level one): keep it, audit reads the record's worst.
        severity.extend(a.severity.unwrap_or_default().into_iter().map(severity_of));
        if let Some(kind) = a
            .database_specific
            .as_ref()
            .and_then(|d| d.get("informational"))
            .and_then(Value::as_str)
        {
            informational = Some(informational_of(kind));
        }
        let Some(package) = a.package else {
            // GIT-only entries name a repository, not a package.
            continue;
        };
        let ecosystem = package.ecosystem.trim().to_string();
        if !versions::is_osv_ecosystem(&ecosystem) {
            return Err(RecordError::UnknownEcosystem {
                index: i,
                ecosystem,
            });
        }
        if package.name.trim().is_empty() {
            return Err(RecordError::EmptyPackageName { index: i });
        }
        let mut ranges = Vec::new();
        for (j, r) in a.ranges.unwrap_or_default().into_iter().enumerate() {
            let range = range_of(r).map_err(|error| RecordError::Range {
                index: i,
                range: j,
                error,
            })?;
            versions::validate_range(&ecosystem, &range).map_err(|error| RecordError::Version {
                index: i,
                range: j,
                error,
            })?;
            ranges.push(range);
        }
        affected.push(Affected {
            name: canonical_name(&ecosystem, &package.name),
            ecosystem,
            ranges,
            versions: a.versions.unwrap_or_default(),
            patched: Vec::new(),
        });
    }
    let severity_label = raw
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let references = raw.references.unwrap_or_default();
    // The database's own page: its `database_specific.url` (Go), else an
    // ADVISORY reference that names the id.
    let own_page = raw
        .database_specific
        .as_ref()
        .and_then(|d| d.get("url"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            references
                .iter()
                .find(|r| r.kind.as_deref() == Some("ADVISORY") && r.url.contains(id.as_str()))
                .map(|r| r.url.clone())
        });
    let details = raw.details.unwrap_or_default();
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| details.lines().next().unwrap_or_default().to_string());
    Ok(Advisory {
        url: Some(advisory_url(&id, own_page.as_deref())),
        aliases: raw.aliases.unwrap_or_default(),
        related: raw.related.unwrap_or_default(),
        summary,
        details,
        published: timestamp(raw.published.as_deref(), "published")?,
        modified: timestamp(raw.modified.as_deref(), "modified")?,
        withdrawn: timestamp(raw.withdrawn.as_deref(), "withdrawn")?,
        severity,
        informational,
        affected,
        references: references.into_iter().map(|r| r.url).collect(),
        severity_label,
        id,
    })
}

fn range_of(r: RawRange) -> Result<Range, RangeError> {
    let mut events = Vec::new();
    for (k, e) in r.events.unwrap_or_default().into_iter().enumerate() {
        let known: Vec<(&String, &Value)> = e
            .iter()
            .filter(|(key, _)| {
                matches!(
                    key.as_str(),
                    "introduced" | "fixed" | "last_affected" | "limit"
                )
            })
            .collect();
        let [(key, value)] = known.as_slice() else {
            return Err(RangeError::EventKind { event: k });
        };
        let Some(v) = value.as_str() else {
            return Err(RangeError::NotAString {
                event: k,
                key: key.to_string(),
            });
        };
        let v = v.trim().to_string();
        events.push(match key.as_str() {
            "introduced" => Event::Introduced(v),
            "fixed" => Event::Fixed(v),
            "last_affected" => Event::LastAffected(v),
            _ => Event::Limit(v),
        });
    }
    Ok(Range {
        kind: r.kind,
        events,
    })
}

fn severity_of(s: RawSeverity) -> Severity {
    let score = if s.kind.starts_with("CVSS") {
        cvss::Cvss::from_str(s.score.trim()).ok().map(|c| c.score())
    } else {
        None
    };
    Severity {
        kind: s.kind,
        vector: s.score,
        score,
    }
}

fn timestamp(s: Option<&str>, field: &'static str) -> Result<Option<DateTime<Utc>>, RecordError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        // Go's vulndb writes its zero time (year 1) for "unknown".
        if t.year() <= 1 {
            return Ok(None);
        }
        return Ok(Some(t.with_timezone(&Utc)));
    }
    // A bare date is common in hand-written records.
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| Some(d.and_utc()))
        .ok_or_else(|| RecordError::Timestamp {
            field,
            value: s.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ItemKind;
    use crate::sources::advisory::advisory_item_id;
    use crate::sources::archive::parse_osv_zip;
    use std::io::Write;

    fn ctx() -> ParseContext {
        ParseContext {
            source: "test".into(),
            ..Default::default()
        }
    }

    const RECORD: &str = r#"{
      "id": "DEMO-1", "modified": "2026-01-02T03:04:05Z", "aliases": ["CVE-1"],
      "summary": "Thing breaks",
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
      "affected": [
        {"package": {"ecosystem": "PyPI", "name": "Py_YAML"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5.4"}]}]},
        {"ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}]}]}
      ],
      "database_specific": {"severity": "HIGH"}
    }"#;

    #[test]
    fn record_becomes_an_advisory_item() {
        let items = parse_osv(&ctx(), RECORD.as_bytes()).unwrap();
        assert_eq!(items.len(), 1);
        let it = &items[0];
        assert_eq!(it.kind, ItemKind::Advisory);
        assert_eq!(it.packages, vec!["PyPI/py-yaml".to_string()]);
        assert_eq!(it.id, advisory_item_id("DEMO-1"));
        let a = it.advisory.as_ref().unwrap();
        assert_eq!(a.affected.len(), 1, "the package-less GIT entry is dropped");
        assert_eq!(a.severity[0].score, Some(7.5));
        assert_eq!(a.severity_label.as_deref(), Some("HIGH"));
        assert!(a.modified.is_some());
    }

    #[test]
    fn same_record_from_two_sources_has_one_id() {
        let a = parse_osv(&ctx(), RECORD.as_bytes()).unwrap();
        let other = ParseContext {
            source: "elsewhere.zip".into(),
            ..Default::default()
        };
        let b = parse_osv(&other, RECORD.as_bytes()).unwrap();
        assert_eq!(a[0].id, b[0].id);
    }

    #[test]
    fn arrays_and_api_answers() {
        let arr = format!("[{RECORD}, {}]", RECORD.replace("DEMO-1", "DEMO-2"));
        assert_eq!(parse_osv(&ctx(), arr.as_bytes()).unwrap().len(), 2);
        let api = format!("{{\"vulns\": [{RECORD}]}}");
        assert_eq!(parse_osv(&ctx(), api.as_bytes()).unwrap().len(), 1);
    }

    #[test]
    fn malformed_records_are_rejected_with_the_field() {
        for (bad, want) in [
            (
                RECORD.replace("\"PyPI\"", "\"PyPi\""),
                "unknown ecosystem \"PyPi\"",
            ),
            (
                RECORD.replace("\"ECOSYSTEM\"", "\"DATE\""),
                "range type \"DATE\"",
            ),
            (
                RECORD.replace("{\"fixed\": \"5.4\"}", "{\"fixed\": \"five\"}"),
                "affected[0].ranges[0]: PyPI version \"five\"",
            ),
            (
                RECORD.replace("{\"introduced\": \"0\"}, ", ""),
                "no `introduced`",
            ),
            (
                RECORD.replace(
                    "{\"fixed\": \"5.4\"}",
                    "{\"fixed\": \"5.4\", \"limit\": \"6\"}",
                ),
                "exactly one of",
            ),
        ] {
            let e = parse_osv(&ctx(), bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("record DEMO-1"), "{e}");
            assert!(e.contains(want), "{e} should contain {want}");
        }
        assert!(parse_osv(&ctx(), b"{not json").is_err());
    }

    #[test]
    fn zip_is_read_entry_by_entry_and_bad_entries_are_named() {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("a/DEMO-1.json", opts).unwrap();
            w.write_all(RECORD.as_bytes()).unwrap();
            w.start_file("a/BROKEN.json", opts).unwrap();
            w.write_all(b"{\"id\": ").unwrap();
            w.start_file("README.md", opts).unwrap();
            w.write_all(b"# hello").unwrap();
            w.finish().unwrap();
        }
        let bytes = buf.into_inner();
        let mut seen = Vec::new();
        let (directory, bodies) = (std::io::Cursor::new(&bytes), std::io::Cursor::new(&bytes));
        let summary = parse_osv_zip(&ctx(), directory, bodies, |item| {
            seen.push(item.id);
            Ok::<(), std::io::Error>(())
        })
        .unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(summary.entries, 3);
        assert_eq!(summary.ignored, 1);
        assert_eq!(summary.errors.len(), 1);
        assert_eq!(summary.errors[0].entry, "a/BROKEN.json");

        // The same bytes through `parse` (crawl of a small zip): the good
        // record stands, the bad entry is skipped.
        let bytes = buf_bytes();
        let items = crate::sources::parse(crate::config::SourceKind::Osv, &ctx(), &bytes).unwrap();
        assert_eq!(items.len(), 1);
    }

    fn buf_bytes() -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            w.start_file("DEMO-1.json", opts).unwrap();
            w.write_all(RECORD.as_bytes()).unwrap();
            w.start_file("BROKEN.json", opts).unwrap();
            w.write_all(b"[1, 2]").unwrap();
            w.finish().unwrap();
        }
        buf.into_inner()
    }
}
