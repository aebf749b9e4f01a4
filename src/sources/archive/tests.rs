//! The record-by-record walk against the whole-directory one on zips
//! written several ways.

use super::*;
use std::io::{Cursor, Write};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

fn ctx() -> ParseContext {
    ParseContext {
        source: "all.zip".into(),
        ..Default::default()
    }
}

fn osv(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2026-01-02T03:04:05Z", "summary": "{id} breaks",
        "affected": [{{"package": {{"ecosystem": "PyPI", "name": "demo"}},
        "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "1.2"}}]}}]}}]}}"#
    )
}

const RUSTSEC: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0002\"\npackage = \"demo-crate\"\ndate = \"2099-01-02\"\n\n[versions]\npatched = [\">= 1.5.5\"]\n```\n\n# Slow\n";

/// Every kind of entry a real advisory zip holds, in one order.
fn entries() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| {
            (
                format!("PyPI/DEMO-{i}.json"),
                osv(&format!("DEMO-{i}")).into_bytes(),
            )
        })
        .collect();
    v.push((
        "crates/demo-crate/RUSTSEC-2099-0002.md".into(),
        RUSTSEC.into(),
    ));
    v.push(("README.md".into(), b"# not an advisory".to_vec()));
    v.push(("LICENSE".into(), b"text".to_vec()));
    v.push((".git/HEAD.json".into(), b"{}".to_vec()));
    v.push(("PyPI/BROKEN.json".into(), b"{\"id\": ".to_vec()));
    v
}

/// Writes `entries()` with `method`; `stream` writes the way a writer that
/// cannot seek back does (Go's `archive/zip`, osv.dev's exporter): sizes
/// in a data descriptor after each entry, zeros in its local header.
fn write_zip(method: CompressionMethod, stream: bool) -> Vec<u8> {
    let opts = SimpleFileOptions::default().compression_method(method);
    let mut out = Vec::new();
    if stream {
        let mut w = zip::ZipWriter::new_stream(&mut out);
        w.add_directory("PyPI/", opts).unwrap();
        for (name, data) in entries() {
            w.start_file(name, opts).unwrap();
            w.write_all(&data).unwrap();
        }
        w.finish().unwrap();
    } else {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut out));
        w.add_directory("PyPI/", opts).unwrap();
        for (name, data) in entries() {
            w.start_file(name, opts).unwrap();
            w.write_all(&data).unwrap();
        }
        w.finish().unwrap();
    }
    out
}

/// Bit 3 of the first file entry's local header: sizes are in a data
/// descriptor.
fn uses_data_descriptor(zip: &[u8]) -> bool {
    let mut at = 0;
    // Skip the directory entry's local header (30 bytes + name + extra).
    let name_len = u16::from_le_bytes([zip[at + 26], zip[at + 27]]) as usize;
    let extra_len = u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize;
    let flags = u16::from_le_bytes([zip[at + 6], zip[at + 7]]);
    if flags & 8 != 0 {
        return true;
    }
    at += 30 + name_len + extra_len;
    assert_eq!(&zip[at..at + 4], b"PK\x03\x04");
    u16::from_le_bytes([zip[at + 6], zip[at + 7]]) & 8 != 0
}

/// What a walk produced, comparable across walks.
#[derive(Debug, PartialEq)]
struct Seen {
    ids: Vec<String>,
    entries: usize,
    items: usize,
    ignored: usize,
    errors: Vec<(String, String)>,
}

fn seen(ids: Vec<String>, s: &ZipSummary) -> Seen {
    Seen {
        ids,
        entries: s.entries,
        items: s.items,
        ignored: s.ignored,
        errors: s
            .errors
            .iter()
            .map(|e| (e.entry.clone(), e.error.clone()))
            .collect(),
    }
}

fn by_records(bytes: &[u8]) -> Result<(Seen, bool), String> {
    let mut ids = Vec::new();
    let summary = parse_osv_zip(&ctx(), Cursor::new(bytes), Cursor::new(bytes), |item| {
        ids.push(item.id);
        Ok::<(), std::io::Error>(())
    })
    .map_err(|e| e.to_string())?;
    Ok((seen(ids, &summary), summary.whole_directory))
}

fn whole(bytes: &[u8]) -> Result<Seen, String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut ids = Vec::new();
    let mut summary = ZipSummary::default();
    walk_whole(
        &ctx(),
        archive,
        &mut summary,
        &mut Vec::new(),
        &mut |item: Item| {
            ids.push(item.id);
            Ok::<(), std::io::Error>(())
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(seen(ids, &summary))
}

#[test]
fn both_walks_read_the_same_items_however_the_zip_was_written() {
    for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
        for stream in [false, true] {
            let bytes = write_zip(method, stream);
            assert_eq!(uses_data_descriptor(&bytes), stream, "{method:?} {stream}");
            let (got, whole_directory) = by_records(&bytes).unwrap();
            assert!(!whole_directory, "{method:?} stream={stream}");
            assert_eq!(got, whole(&bytes).unwrap(), "{method:?} stream={stream}");
            assert_eq!(got.items, 41, "40 OSV records and one RustSec advisory");
            assert_eq!(got.entries, 45, "the folder entry is not counted");
            assert_eq!(got.ignored, 3, "README.md, LICENSE, .git/HEAD.json");
            assert_eq!(got.errors.len(), 1);
            assert_eq!(got.errors[0].0, "PyPI/BROKEN.json");
        }
    }
}

#[test]
fn an_entry_past_the_size_cap_is_named_and_the_rest_are_read() {
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    let mut out = Vec::new();
    {
        let mut w = zip::ZipWriter::new_stream(&mut out);
        w.start_file("A-1.json", opts).unwrap();
        w.write_all(osv("A-1").as_bytes()).unwrap();
        w.start_file("HUGE.json", opts).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..(MAX_ENTRY_BYTES >> 20) + 1 {
            w.write_all(&zeros).unwrap();
        }
        w.start_file("A-2.json", opts).unwrap();
        w.write_all(osv("A-2").as_bytes()).unwrap();
        w.finish().unwrap();
    }
    let (got, _) = by_records(&out).unwrap();
    assert_eq!(got, whole(&out).unwrap());
    assert_eq!(got.items, 2);
    assert_eq!(got.errors.len(), 1);
    assert_eq!(got.errors[0].0, "HUGE.json");
    assert!(
        got.errors[0].1.contains("larger than 32 MiB"),
        "{:?}",
        got.errors
    );
}

#[test]
fn a_damaged_entry_is_named_and_a_damaged_directory_fails_as_before() {
    let bytes = write_zip(CompressionMethod::Deflated, true);
    // Garble the first OSV entry's compressed bytes: that entry fails to
    // inflate (or fails its checksum), the others stand.
    let mut garbled = bytes.clone();
    let name = b"PyPI/DEMO-0.json";
    let at = garbled.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    for b in &mut garbled[at..at + 40] {
        *b ^= 0x5a;
    }
    let (got, _) = by_records(&garbled).unwrap();
    assert_eq!(got, whole(&garbled).unwrap());
    assert_eq!(got.items, 40);
    assert_eq!(got.errors[0].0, "PyPI/DEMO-0.json", "{:?}", got.errors);

    // Cut short: no end record, no directory. Same error as the old walk.
    let truncated = &bytes[..bytes.len() / 2];
    let err = by_records(truncated).unwrap_err();
    assert_eq!(err, whole(truncated).unwrap_err());
    assert!(err.starts_with("not a readable zip archive"), "{err}");

    // A directory record with a broken signature: neither walk reads it.
    let mut broken = bytes.clone();
    let cd = broken.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    broken[cd + 3] = 9;
    let err = by_records(&broken).unwrap_err();
    assert_eq!(err, whole(&broken).unwrap_err());
}

#[test]
fn a_directory_found_only_behind_a_stray_end_record_is_read_whole() {
    // A second end record after the real one, claiming one record more
    // than the directory holds: the record-by-record walk trusts the last
    // end record and runs into the real one; `ZipArchive` falls back to the
    // real end record before it. The walk must notice and read whole.
    let mut bytes = write_zip(CompressionMethod::Deflated, false);
    let good = whole(&bytes).unwrap();
    let eocd = bytes.len() - 22;
    assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let (count, size, start) = (u16_at(eocd + 10), u32_at(eocd + 12), u32_at(eocd + 16));
    let mut stray = b"PK\x05\x06\0\0\0\0".to_vec();
    stray.extend_from_slice(&(count + 1).to_le_bytes());
    stray.extend_from_slice(&(count + 1).to_le_bytes());
    stray.extend_from_slice(&(size + 46).to_le_bytes());
    stray.extend_from_slice(&start.to_le_bytes());
    stray.extend_from_slice(&0u16.to_le_bytes());
    bytes.extend_from_slice(&stray);
    let (got, whole_directory) = by_records(&bytes).unwrap();
    assert!(whole_directory);
    assert_eq!(got, whole(&bytes).unwrap());
    assert_eq!(got, good);
}

#[test]
fn a_crawled_zip_in_memory_reads_the_same() {
    let bytes = write_zip(CompressionMethod::Deflated, true);
    let items = parse_zip_bytes(&ctx(), &bytes).unwrap();
    let (got, _) = by_records(&bytes).unwrap();
    assert_eq!(items.into_iter().map(|i| i.id).collect::<Vec<_>>(), got.ids);
}

#[test]
fn a_zip_behind_a_preamble_reads_the_same() {
    // Self-extracting archives and some mirrors put bytes before the zip;
    // every offset in the directory is then off by the preamble's length.
    let zip = write_zip(CompressionMethod::Deflated, true);
    let mut bytes = vec![b'#'; 1000];
    bytes.extend_from_slice(&zip);
    let (got, whole_directory) = by_records(&bytes).unwrap();
    assert!(!whole_directory);
    assert_eq!(got, whole(&bytes).unwrap());
    assert_eq!(got, by_records(&zip).unwrap().0);
}

#[test]
fn entries_sharing_a_name_are_each_read() {
    // Written as A-1 and A-2, then renamed in place (local and central
    // headers): two entries named A-1.json with different records.
    let opts = SimpleFileOptions::default();
    let mut bytes = Vec::new();
    {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut bytes));
        for id in ["A-1", "A-2"] {
            w.start_file(format!("{id}.json"), opts).unwrap();
            w.write_all(osv(id).as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    let mut renamed = 0;
    for at in 0..bytes.len() - 8 {
        if &bytes[at..at + 8] == b"A-2.json" {
            bytes[at + 2] = b'1';
            renamed += 1;
        }
    }
    assert_eq!(renamed, 2, "one local and one central header");
    let (got, _) = by_records(&bytes).unwrap();
    assert_eq!(got.entries, 2);
    let ids = |s: &Seen| s.ids.clone();
    let one = parse_osv(&ctx(), osv("A-1").as_bytes()).unwrap()[0]
        .id
        .clone();
    let two = parse_osv(&ctx(), osv("A-2").as_bytes()).unwrap()[0]
        .id
        .clone();
    assert_eq!(ids(&got), vec![one, two.clone()]);
    // The whole-directory walk keys entries by name: only the last stays.
    let w = whole(&bytes).unwrap();
    assert_eq!((w.entries, ids(&w)), (1, vec![two]));
}
