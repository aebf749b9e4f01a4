//! OSV JSON records (osv.dev, GHSA, PyPA, Go, RustSec's export): bytes in,
//! advisory `Item`s out.
//!
//! Accepts one record, a JSON array of records, or an osv.dev API answer
//! (`{"vulns": [...]}`); [`parse_osv_zip`] reads a zip of records (OSV's
//! per-ecosystem `all.zip`, or an advisory-db archive) one entry at a time.
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
use std::io::{Read, Seek};
use std::str::FromStr;
use thiserror::Error;

use super::text::collapse;
use super::{ParseContext, SourceError, rustsec};
use crate::model::{
    Advisory, Affected, Event, Informational, Item, ItemKind, Range, Severity, canonical_name,
    item_id,
};
use crate::versions;

/// Largest zip entry read (uncompressed). Real OSV records are well under
/// 2 MiB; the cap keeps a hostile archive from exhausting memory.
pub const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;

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

/// Parses an OSV document: one record, an array of them, or `{"vulns": […]}`
/// (any bad record fails the document). Zip bytes are read entry by entry
/// from memory; a malformed entry is logged and skipped; use
/// [`parse_osv_zip`] on a file to get those errors and to stream.
pub fn parse_osv(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut items = Vec::new();
        let summary = parse_osv_zip(ctx, std::io::Cursor::new(bytes), |item| {
            items.push(item);
            Ok::<(), std::convert::Infallible>(())
        })
        .map_err(|e| match e {
            ZipError::Archive(e) => e,
            ZipError::Sink(never) => match never {},
        })?;
        // Each entry is its own document: a bad one is skipped, the rest
        // stand. Callers that report per-entry errors use parse_osv_zip.
        for e in &summary.errors {
            tracing::warn!(source = %ctx.source, entry = %e.entry, "skipped malformed advisory: {}", e.error);
        }
        return Ok(items);
    }
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
    let raw: RawRecord = serde_json::from_value(value)
        .map_err(|e| SourceError::Osv(format!("record {hint}: {e}")))?;
    let advisory = convert(raw).map_err(|e| SourceError::Osv(format!("record {hint}: {e}")))?;
    Ok(advisory_item(ctx, advisory, Vec::new()))
}

fn convert(raw: RawRecord) -> Result<Advisory, String> {
    let id = raw.id.trim().to_string();
    if id.is_empty() {
        return Err("\"id\" is empty".into());
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
            return Err(format!(
                "affected[{i}]: unknown ecosystem {ecosystem:?} (OSV names ecosystems like \"crates.io\", \"npm\", \"PyPI\", \"Go\", \"Maven\")"
            ));
        }
        if package.name.trim().is_empty() {
            return Err(format!("affected[{i}]: package name is empty"));
        }
        let mut ranges = Vec::new();
        for (j, r) in a.ranges.unwrap_or_default().into_iter().enumerate() {
            let range = range_of(r).map_err(|e| format!("affected[{i}].ranges[{j}]: {e}"))?;
            versions::validate_range(&ecosystem, &range)
                .map_err(|e| format!("affected[{i}].ranges[{j}]: {e}"))?;
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

fn range_of(r: RawRange) -> Result<Range, String> {
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
            return Err(format!(
                "events[{k}] must hold exactly one of introduced, fixed, last_affected, limit"
            ));
        };
        let Some(v) = value.as_str() else {
            return Err(format!("events[{k}].{key} is not a string"));
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

pub(super) fn informational_of(kind: &str) -> Informational {
    match kind.trim().to_ascii_lowercase().as_str() {
        "unmaintained" => Informational::Unmaintained,
        "unsound" => Informational::Unsound,
        "notice" => Informational::Notice,
        _ => Informational::Other,
    }
}

/// The page a reader should open for an advisory: RustSec's and GitHub's
/// own pages by id, else the database's page when the record names one,
/// else osv.dev.
pub(super) fn advisory_url(id: &str, own_page: Option<&str>) -> String {
    if id.starts_with("RUSTSEC-") {
        format!("https://rustsec.org/advisories/{id}.html")
    } else if id.starts_with("GHSA-") {
        format!("https://github.com/advisories/{id}")
    } else if let Some(page) = own_page.filter(|p| p.starts_with("https://")) {
        page.to_string()
    } else {
        format!("https://osv.dev/vulnerability/{id}")
    }
}

fn timestamp(s: Option<&str>, field: &str) -> Result<Option<DateTime<Utc>>, String> {
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
        .ok_or_else(|| format!("{field} {s:?} is not an RFC 3339 timestamp"))
}

/// Builds the index item for an advisory. Shared with the RustSec parser.
pub(super) fn advisory_item(ctx: &ParseContext, a: Advisory, extra_tags: Vec<String>) -> Item {
    let mut packages: Vec<String> = a.affected.iter().map(Affected::package_key).collect();
    packages.sort();
    packages.dedup();
    let mut tags = vec![a.id.clone()];
    tags.extend(a.aliases.iter().cloned());
    if let Some(i) = a.informational {
        tags.push(format!("{i:?}").to_lowercase());
    }
    if a.withdrawn.is_some() {
        tags.push("withdrawn".into());
    }
    tags.extend(extra_tags);
    Item {
        id: advisory_item_id(&a.id),
        kind: ItemKind::Advisory,
        source: ctx.source.clone(),
        title: format!("{}: {}", a.id, collapse(&a.summary)),
        body: collapse(&a.details),
        url: a.url.clone(),
        published: a.published.or(a.modified),
        packages,
        tags,
        advisory: Some(a),
    }
}

/// The item id of an advisory: from its id alone, never from where it came.
pub fn advisory_item_id(advisory_id: &str) -> String {
    item_id("advisory", Some(advisory_id), None, "", None)
}

/// What a zip walk saw.
#[derive(Debug, Clone, Default)]
pub struct ZipSummary {
    /// Entries looked at (folders excluded).
    pub entries: usize,
    /// Advisory items handed to the callback.
    pub items: usize,
    /// Entries that are neither OSV JSON nor RustSec Markdown (READMEs…).
    pub ignored: usize,
    /// Entries that looked like advisories but could not be read.
    pub errors: Vec<EntryError>,
}

#[derive(Debug, Clone)]
pub struct EntryError {
    /// The entry's path inside the archive.
    pub entry: String,
    pub error: String,
}

#[derive(Debug, Error)]
pub enum ZipError<E: std::error::Error + 'static> {
    /// The archive itself is unreadable; nothing more can be read from it.
    #[error(transparent)]
    Archive(SourceError),
    /// The callback failed (e.g. the index write); the walk stopped there.
    #[error(transparent)]
    Sink(E),
}

/// Reads a zip of advisories one entry at a time: `*.json` entries as OSV
/// (one record or an array), `*.md` entries that open with a ```` ```toml ````
/// block as RustSec advisories (the advisory-db layout; `rust/…` entries are
/// toolchain advisories). Only the central directory and one entry are in
/// memory at once, so `reader` should be a `File` (or anything `Read +
/// Seek`), never the archive's bytes.
///
/// Each item goes to `on_item` as soon as it is parsed. A malformed entry is
/// recorded in [`ZipSummary::errors`] with its path and skipped; an error
/// from `on_item` stops the walk.
pub fn parse_osv_zip<R: Read + Seek, E: std::error::Error + 'static>(
    ctx: &ParseContext,
    reader: R,
    mut on_item: impl FnMut(Item) -> Result<(), E>,
) -> Result<ZipSummary, ZipError<E>> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| {
        ZipError::Archive(SourceError::Zip(format!("not a readable zip archive: {e}")))
    })?;
    let mut summary = ZipSummary::default();
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                summary.errors.push(EntryError {
                    entry: format!("#{i}"),
                    error: format!("cannot read entry: {e}"),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = file
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        summary.entries += 1;
        let lower = name.to_ascii_lowercase();
        let is_json = lower.ends_with(".json");
        let is_md = lower.ends_with(".md");
        if (!is_json && !is_md) || name.split('/').any(|seg| seg.starts_with('.')) {
            summary.ignored += 1;
            continue;
        }
        buf.clear();
        let read = (&mut file)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string());
        let parsed = match read {
            Err(e) => Err(format!("cannot decompress: {e}")),
            Ok(_) if buf.len() as u64 > MAX_ENTRY_BYTES => Err(format!(
                "larger than {} MiB uncompressed; not an advisory",
                MAX_ENTRY_BYTES / (1024 * 1024)
            )),
            Ok(_) if is_md => {
                if !buf.starts_with(b"```toml") {
                    summary.ignored += 1;
                    continue;
                }
                rustsec::parse_rustsec_in(ctx, &buf, rustsec::collection_from_path(&name))
                    .map_err(|e| e.to_string())
            }
            Ok(_) => parse_osv(ctx, &buf).map_err(|e| e.to_string()),
        };
        match parsed {
            Ok(items) => {
                for item in items {
                    summary.items += 1;
                    on_item(item).map_err(ZipError::Sink)?;
                }
            }
            Err(error) => summary.errors.push(EntryError { entry: name, error }),
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        buf.set_position(0);
        let mut seen = Vec::new();
        let summary = parse_osv_zip(&ctx(), buf, |item| {
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
