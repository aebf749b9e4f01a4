//! The audit tests' inputs from the shared fixtures: advisories parsed
//! from `osv/` and `rustsec/`, lockfiles, the RustSec database ingested
//! once per test run, and what the audit finds in them.

use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use techradar::audit::{self, AuditOptions, Finding, Report};
use techradar::index::{AdvisoryLookup, RadarIndex};
use techradar::model::Advisory;
use techradar::sources::{self, ParseContext};
use techradar::stack::{Package, PackageSource};

/// The audit tests' clock.
pub fn now() -> DateTime<Utc> {
    crate::harness::utc("2026-06-01T08:00:00Z")
}

fn ctx() -> ParseContext {
    ParseContext {
        source: "test".into(),
        ..Default::default()
    }
}

/// One OSV record from `fixtures/osv/<id>.json`.
pub fn osv(f: &Path, id: &str) -> Advisory {
    let bytes = std::fs::read(f.join("osv").join(format!("{id}.json"))).unwrap();
    let items = sources::osv::parse_osv(&ctx(), &bytes).unwrap();
    *items.into_iter().next().unwrap().advisory.unwrap()
}

/// One RustSec Markdown advisory, path relative to `fixtures/rustsec`.
pub fn rustsec(f: &Path, rel: &str) -> Advisory {
    let bytes = std::fs::read(f.join("rustsec").join(rel)).unwrap();
    let items = sources::rustsec::parse_rustsec(&ctx(), &bytes).unwrap();
    *items.into_iter().next().unwrap().advisory.unwrap()
}

pub fn pkg(ecosystem: &str, name: &str, version: &str) -> Package {
    Package {
        ecosystem: ecosystem.into(),
        name: name.into(),
        version: version.into(),
        source: PackageSource::Registry,
        registry: None,
        direct: None,
        dev: None,
        depends: Vec::new(),
        lockfile: PathBuf::from("test.lock"),
        detail: None,
    }
}

pub fn lockfile(f: &Path, name: &str) -> Vec<Package> {
    techradar::stack::read_lockfile(&f.join("lockfiles").join(name))
        .unwrap()
        .packages
}

pub fn evaluate(advisories: &[Advisory], packages: &[Package]) -> Report {
    audit::evaluate(advisories, packages, &[], now(), &AuditOptions::default())
}

/// Every finding (vulnerability or warning) for this package version.
pub fn findings<'a>(r: &'a Report, name: &str, version: &str) -> Vec<&'a Finding> {
    r.vulnerabilities
        .iter()
        .chain(&r.warnings)
        .filter(|f| f.package.eq_ignore_ascii_case(name) && f.version == version)
        .collect()
}

/// Whether `advisory` affects `name@version` (through the whole audit).
pub fn hits(advisory: &Advisory, ecosystem: &str, name: &str, version: &str) -> bool {
    let r = evaluate(
        std::slice::from_ref(advisory),
        &[pkg(ecosystem, name, version)],
    );
    !findings(&r, name, version).is_empty()
}

/// The RustSec Markdown database (crates/ and rust/) ingested once per
/// test run into a temp index, as `radar ingest` would, and shared by the
/// audit modules.
pub fn rustsec_index(f: &Path) -> &'static RadarIndex {
    static INDEX: OnceLock<(tempfile::TempDir, RadarIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let index = RadarIndex::open_or_create(dir.path()).unwrap();
            {
                let mut w = index.writer().unwrap();
                let report = techradar::ingest::ingest(
                    &[f.join("rustsec/crates"), f.join("rustsec/rust")],
                    &mut w,
                )
                .unwrap();
                assert!(report.errors.is_empty(), "{:?}", report.errors);
                assert_eq!(report.items_new, 1225);
            }
            index.reload().unwrap();
            (dir, index)
        })
        .1
}

pub fn audit_lockfile(index: &dyn AdvisoryLookup, f: &Path, name: &str) -> Report {
    audit::run(
        index,
        &lockfile(f, name),
        &[],
        now(),
        &AuditOptions::default(),
    )
    .unwrap()
}
