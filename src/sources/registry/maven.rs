//! Maven repository metadata (`GROUP/ARTIFACT/maven-metadata.xml`): the
//! versions, oldest first, and when the metadata last changed. Only the
//! `<release>` (else `<latest>`) version gets that time as its date: it is
//! the version whose upload changed the file. The others stay undated.

use chrono::{NaiveDateTime, TimeZone, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{Release, looks_prerelease, package_of, release_items};
use crate::model::Item;
use crate::sources::{ParseContext, SourceError};

#[derive(Default)]
struct Metadata {
    versions: Vec<String>,
    release: Option<String>,
    latest: Option<String>,
    last_updated: Option<String>,
}

fn read(bytes: &[u8]) -> Result<Metadata, String> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    let mut meta = Metadata::default();
    let mut saw_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if path.is_empty() {
                    if e.name().into_inner() != "metadata" {
                        return Err("the root element is not <metadata>".into());
                    }
                    saw_root = true;
                }
                path.push(e.name().into_inner().to_string());
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t[..].trim().to_string();
                let at: Vec<&str> = path.iter().map(String::as_str).collect();
                match at.as_slice() {
                    ["metadata", "versioning", "versions", "version"] => meta.versions.push(text),
                    ["metadata", "versioning", "release"] => meta.release = Some(text),
                    ["metadata", "versioning", "latest"] => meta.latest = Some(text),
                    ["metadata", "versioning", "lastUpdated"] => meta.last_updated = Some(text),
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "XML error at byte {}: {e}",
                    reader.buffer_position()
                ));
            }
        }
    }
    if !saw_root {
        return Err("no <metadata> element".into());
    }
    Ok(meta)
}

pub fn parse(ctx: &ParseContext, bytes: &[u8]) -> Result<Vec<Item>, SourceError> {
    let meta = read(bytes).map_err(|message| SourceError::Registry {
        registry: "Maven",
        message: format!("not a maven-metadata.xml: {message}"),
    })?;
    let (key, name) = package_of(ctx, "Maven")?;
    // lastUpdated is yyyyMMddHHmmss in UTC.
    let updated = meta
        .last_updated
        .as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y%m%d%H%M%S").ok())
        .map(|t| Utc.from_utc_datetime(&t));
    let newest = meta.release.or(meta.latest);
    let releases = meta
        .versions
        .into_iter()
        .rev()
        .map(|v| Release {
            published: if newest.as_deref() == Some(v.as_str()) {
                updated
            } else {
                None
            },
            prerelease: looks_prerelease(&v),
            version: v,
            body: String::new(),
        })
        .collect();
    let (group, artifact) = name.split_once(':').unwrap_or(("", name.as_str()));
    let (group, artifact) = (group.to_string(), artifact.to_string());
    Ok(release_items(ctx, "maven", &key, &name, releases, |v| {
        format!("https://central.sonatype.com/artifact/{group}/{artifact}/{v}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>org.example</groupId>
  <artifactId>widget</artifactId>
  <versioning>
    <latest>2.1.0-SNAPSHOT</latest>
    <release>2.0.1</release>
    <versions>
      <version>1.0</version>
      <version>2.0.0</version>
      <version>2.0.1</version>
    </versions>
    <lastUpdated>20240312094501</lastUpdated>
  </versioning>
</metadata>"#;

    #[test]
    fn versions_newest_first_and_the_release_dated() {
        let ctx = ParseContext {
            source: "widget".into(),
            package: Some("Maven/org.example:widget".into()),
            ..Default::default()
        };
        let items = parse(&ctx, DOC).unwrap();
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "org.example:widget 2.0.1",
                "org.example:widget 2.0.0",
                "org.example:widget 1.0"
            ]
        );
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2024-03-12T09:45:01+00:00"
        );
        assert!(items[1].published.is_none());
        assert_eq!(
            items[0].url.as_deref(),
            Some("https://central.sonatype.com/artifact/org.example/widget/2.0.1")
        );
        for bad in [&b"<html></html>"[..], b"not xml <", b"{}"] {
            assert!(parse(&ctx, bad).is_err(), "{bad:?}");
        }
    }
}
