//! Parity with cargo-audit: the four Cargo.lock fixtures audited against
//! the fixture RustSec database give the same vulnerability and warning
//! sets as cargo-audit 0.22.2 on the same database.
//!
//! The expected sets below are data produced by running cargo-audit
//! (installed with `cargo install cargo-audit --locked`, v0.22.2) on a copy
//! of `../shared/fixtures/rustsec/{crates,rust}` in a plain folder (with
//! `--no-fetch --stale` it needs no git repository):
//!
//! ```text
//! cargo audit --db /tmp/rsdb --no-fetch --stale --no-yanked \
//!     -f ../shared/fixtures/lockfiles/<name>-Cargo.lock --json
//! ```
//!
//! and reading `vulnerabilities.list[].{advisory.id, package.name,
//! package.version}` and `warnings.<kind>[]` from its output. Yanked
//! checks are off on both sides (they need the live registry index).

use crate::harness::audit::{audit_lockfile, rustsec_index};
use std::collections::BTreeSet;
use std::path::Path;

use techradar::audit::Report;
use techradar::index::{AdvisoryTable, RadarIndex};

struct Expected {
    lockfile: &'static str,
    vulnerabilities: &'static [(&'static str, &'static str, &'static str)],
    warnings: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

// cargo audit --db <copy of fixtures/rustsec> --no-fetch --stale --no-yanked -f lockfiles/ripgrep-11.0.2-Cargo.lock --json
// (exit 1; 3 vulnerabilities, 6 warnings)
const RIPGREP_11_0_2: Expected = Expected {
    lockfile: "ripgrep-11.0.2-Cargo.lock",
    vulnerabilities: &[
        ("RUSTSEC-2022-0006", "thread_local", "0.3.6"),
        ("RUSTSEC-2022-0013", "regex", "1.2.0"),
        ("RUSTSEC-2023-0018", "remove_dir_all", "0.5.2"),
    ],
    warnings: &[
        ("unmaintained", "RUSTSEC-2020-0077", "memmap", "0.7.0"),
        ("unmaintained", "RUSTSEC-2024-0375", "atty", "0.2.13"),
        ("unsound", "RUSTSEC-2021-0145", "atty", "0.2.13"),
        ("unsound", "RUSTSEC-2022-0019", "crossbeam-channel", "0.3.9"),
        ("unsound", "RUSTSEC-2022-0041", "crossbeam-utils", "0.6.6"),
        ("unsound", "RUSTSEC-2026-0097", "rand", "0.7.0"),
    ],
};

// cargo audit --db <copy of fixtures/rustsec> --no-fetch --stale --no-yanked -f lockfiles/mdbook-0.4.0-Cargo.lock --json
// (exit 1; 26 vulnerabilities, 13 warnings)
const MDBOOK_0_4_0: Expected = Expected {
    lockfile: "mdbook-0.4.0-Cargo.lock",
    vulnerabilities: &[
        ("RUSTSEC-2020-0059", "futures-util", "0.3.4"),
        ("RUSTSEC-2020-0060", "futures-task", "0.3.4"),
        ("RUSTSEC-2020-0061", "futures-task", "0.3.4"),
        ("RUSTSEC-2020-0071", "time", "0.1.43"),
        ("RUSTSEC-2020-0146", "generic-array", "0.12.3"),
        ("RUSTSEC-2020-0159", "chrono", "0.4.11"),
        ("RUSTSEC-2021-0003", "smallvec", "1.3.0"),
        ("RUSTSEC-2021-0020", "hyper", "0.13.5"),
        ("RUSTSEC-2021-0078", "hyper", "0.13.5"),
        ("RUSTSEC-2021-0079", "hyper", "0.13.5"),
        ("RUSTSEC-2021-0124", "tokio", "0.2.18"),
        ("RUSTSEC-2022-0003", "ammonia", "3.1.0"),
        ("RUSTSEC-2022-0006", "thread_local", "1.0.1"),
        ("RUSTSEC-2022-0013", "regex", "1.3.7"),
        ("RUSTSEC-2022-0082", "warp", "0.2.2"),
        ("RUSTSEC-2023-0018", "remove_dir_all", "0.5.2"),
        ("RUSTSEC-2023-0034", "h2", "0.2.4"),
        ("RUSTSEC-2023-0065", "tungstenite", "0.10.1"),
        ("RUSTSEC-2024-0003", "h2", "0.2.4"),
        ("RUSTSEC-2024-0006", "shlex", "0.1.1"),
        ("RUSTSEC-2024-0332", "h2", "0.2.4"),
        ("RUSTSEC-2024-0421", "idna", "0.2.0"),
        ("RUSTSEC-2025-0071", "ammonia", "3.1.0"),
        ("RUSTSEC-2026-0193", "ammonia", "3.1.0"),
        ("RUSTSEC-2026-0213", "ammonia", "3.1.0"),
        ("RUSTSEC-2026-0258", "h2", "0.2.4"),
    ],
    warnings: &[
        ("unmaintained", "RUSTSEC-2020-0016", "net2", "0.2.33"),
        ("unmaintained", "RUSTSEC-2020-0095", "difference", "2.0.0"),
        ("unmaintained", "RUSTSEC-2021-0139", "ansi_term", "0.11.0"),
        ("unmaintained", "RUSTSEC-2024-0375", "atty", "0.2.14"),
        ("unmaintained", "RUSTSEC-2025-0124", "rand_os", "0.1.3"),
        ("unsound", "RUSTSEC-2020-0078", "net2", "0.2.33"),
        ("unsound", "RUSTSEC-2020-0080", "miow", "0.2.1"),
        ("unsound", "RUSTSEC-2021-0145", "atty", "0.2.14"),
        ("unsound", "RUSTSEC-2022-0022", "hyper", "0.13.5"),
        ("unsound", "RUSTSEC-2023-0005", "tokio", "0.2.18"),
        ("unsound", "RUSTSEC-2025-0023", "tokio", "0.2.18"),
        ("unsound", "RUSTSEC-2026-0097", "rand", "0.7.3"),
        ("unsound", "RUSTSEC-2026-0190", "anyhow", "1.0.28"),
    ],
};

// cargo audit --db <copy of fixtures/rustsec> --no-fetch --stale --no-yanked -f lockfiles/alacritty-0.4.0-Cargo.lock --json
// (exit 1; 19 vulnerabilities, 30 warnings)
const ALACRITTY_0_4_0: Expected = Expected {
    lockfile: "alacritty-0.4.0-Cargo.lock",
    vulnerabilities: &[
        ("RUSTSEC-2020-0071", "time", "0.1.42"),
        ("RUSTSEC-2020-0082", "ordered-float", "1.0.2"),
        ("RUSTSEC-2020-0091", "arc-swap", "0.4.4"),
        ("RUSTSEC-2021-0003", "smallvec", "0.6.13"),
        ("RUSTSEC-2021-0003", "smallvec", "1.0.0"),
        ("RUSTSEC-2021-0019", "xcb", "0.8.2"),
        ("RUSTSEC-2021-0093", "crossbeam-deque", "0.7.2"),
        ("RUSTSEC-2022-0006", "thread_local", "0.3.6"),
        ("RUSTSEC-2022-0013", "regex", "0.2.11"),
        ("RUSTSEC-2022-0013", "regex", "1.3.1"),
        ("RUSTSEC-2023-0004", "bzip2", "0.3.3"),
        ("RUSTSEC-2023-0018", "remove_dir_all", "0.5.2"),
        ("RUSTSEC-2023-0022", "openssl", "0.10.26"),
        ("RUSTSEC-2023-0023", "openssl", "0.10.26"),
        ("RUSTSEC-2023-0024", "openssl", "0.10.26"),
        ("RUSTSEC-2023-0044", "openssl", "0.10.26"),
        ("RUSTSEC-2024-0357", "openssl", "0.10.26"),
        ("RUSTSEC-2024-0421", "idna", "0.2.0"),
        ("RUSTSEC-2025-0004", "openssl", "0.10.26"),
    ],
    warnings: &[
        ("unmaintained", "RUSTSEC-2020-0016", "net2", "0.2.33"),
        ("unmaintained", "RUSTSEC-2020-0020", "stb_truetype", "0.3.1"),
        ("unmaintained", "RUSTSEC-2020-0036", "failure", "0.1.6"),
        ("unmaintained", "RUSTSEC-2020-0077", "memmap", "0.7.0"),
        ("unmaintained", "RUSTSEC-2020-0144", "lzw", "0.10.0"),
        ("unmaintained", "RUSTSEC-2021-0139", "ansi_term", "0.11.0"),
        ("unmaintained", "RUSTSEC-2021-0140", "rusttype", "0.7.9"),
        ("unmaintained", "RUSTSEC-2021-0140", "rusttype", "0.8.2"),
        ("unmaintained", "RUSTSEC-2024-0320", "yaml-rust", "0.4.3"),
        ("unmaintained", "RUSTSEC-2024-0375", "atty", "0.2.13"),
        ("unmaintained", "RUSTSEC-2024-0384", "instant", "0.1.2"),
        (
            "unmaintained",
            "RUSTSEC-2025-0059",
            "servo-fontconfig",
            "0.4.0",
        ),
        ("unmaintained", "RUSTSEC-2025-0124", "rand_os", "0.1.3"),
        ("unsound", "RUSTSEC-2019-0036", "failure", "0.1.6"),
        ("unsound", "RUSTSEC-2020-0026", "linked-hash-map", "0.5.2"),
        ("unsound", "RUSTSEC-2020-0070", "lock_api", "0.3.1"),
        ("unsound", "RUSTSEC-2020-0073", "image", "0.22.3"),
        ("unsound", "RUSTSEC-2020-0078", "net2", "0.2.33"),
        ("unsound", "RUSTSEC-2020-0079", "socket2", "0.3.11"),
        ("unsound", "RUSTSEC-2020-0080", "miow", "0.2.1"),
        ("unsound", "RUSTSEC-2020-0080", "miow", "0.3.3"),
        ("unsound", "RUSTSEC-2020-0097", "xcb", "0.8.2"),
        ("unsound", "RUSTSEC-2021-0145", "atty", "0.2.13"),
        ("unsound", "RUSTSEC-2022-0021", "crossbeam-queue", "0.2.0"),
        ("unsound", "RUSTSEC-2022-0041", "crossbeam-utils", "0.6.6"),
        ("unsound", "RUSTSEC-2022-0041", "crossbeam-utils", "0.7.0"),
        ("unsound", "RUSTSEC-2023-0045", "memoffset", "0.5.3"),
        ("unsound", "RUSTSEC-2023-0072", "openssl", "0.10.26"),
        ("unsound", "RUSTSEC-2025-0051", "xcb", "0.8.2"),
        ("unsound", "RUSTSEC-2026-0097", "rand", "0.7.2"),
    ],
};

// cargo audit --db <copy of fixtures/rustsec> --no-fetch --stale --no-yanked -f lockfiles/alacritty-0.10.0-Cargo.lock --json
// (exit 1; 4 vulnerabilities, 13 warnings)
const ALACRITTY_0_10_0: Expected = Expected {
    lockfile: "alacritty-0.10.0-Cargo.lock",
    vulnerabilities: &[
        ("RUSTSEC-2021-0019", "xcb", "0.10.1"),
        ("RUSTSEC-2024-0019", "mio", "0.8.0"),
        ("RUSTSEC-2026-0194", "quick-xml", "0.22.0"),
        ("RUSTSEC-2026-0195", "quick-xml", "0.22.0"),
    ],
    warnings: &[
        ("unmaintained", "RUSTSEC-2020-0016", "net2", "0.2.37"),
        ("unmaintained", "RUSTSEC-2021-0139", "ansi_term", "0.12.1"),
        ("unmaintained", "RUSTSEC-2022-0104", "structopt", "0.3.25"),
        ("unmaintained", "RUSTSEC-2024-0320", "yaml-rust", "0.4.5"),
        (
            "unmaintained",
            "RUSTSEC-2024-0370",
            "proc-macro-error",
            "1.0.4",
        ),
        ("unmaintained", "RUSTSEC-2024-0375", "atty", "0.2.14"),
        ("unmaintained", "RUSTSEC-2024-0384", "instant", "0.1.12"),
        (
            "unmaintained",
            "RUSTSEC-2025-0059",
            "servo-fontconfig",
            "0.5.1",
        ),
        ("unsound", "RUSTSEC-2020-0097", "xcb", "0.10.1"),
        ("unsound", "RUSTSEC-2021-0145", "atty", "0.2.14"),
        ("unsound", "RUSTSEC-2022-0078", "bumpalo", "3.9.1"),
        ("unsound", "RUSTSEC-2025-0051", "xcb", "0.10.1"),
        ("unsound", "RUSTSEC-2026-0186", "memmap2", "0.3.1"),
    ],
};

const ALL: [Expected; 4] = [
    RIPGREP_11_0_2,
    MDBOOK_0_4_0,
    ALACRITTY_0_4_0,
    ALACRITTY_0_10_0,
];

type Vulns = BTreeSet<(String, String, String)>;
type Warnings = BTreeSet<(String, String, String, String)>;

fn sets(r: &Report) -> (Vulns, Warnings) {
    let v = r
        .vulnerabilities
        .iter()
        .map(|f| (f.id.clone(), f.package.clone(), f.version.clone()))
        .collect();
    let w = r
        .warnings
        .iter()
        .map(|f| {
            (
                f.kind.as_str().to_string(),
                f.id.clone(),
                f.package.clone(),
                f.version.clone(),
            )
        })
        .collect();
    (v, w)
}

fn expected(e: &Expected) -> (Vulns, Warnings) {
    let v = e
        .vulnerabilities
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    let w = e
        .warnings
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    (v, w)
}

fn check_all(index: &RadarIndex, f: &Path, database: &str) {
    for e in &ALL {
        let report = audit_lockfile(index, f, e.lockfile);
        let (v, w) = sets(&report);
        let (ev, ew) = expected(e);
        assert_eq!(
            v, ev,
            "{database}: vulnerabilities of {} differ from cargo-audit",
            e.lockfile
        );
        assert_eq!(
            w, ew,
            "{database}: warnings of {} differ from cargo-audit",
            e.lockfile
        );
        assert!(report.summary.fails, "cargo-audit exits 1 on each");
    }
    // `radar audit` answers from the advisory table when it is current:
    // the same report, finding for finding.
    index.write_advisory_table().unwrap();
    let table = AdvisoryTable::open(index.path()).expect("a current table after writing it");
    for e in &ALL {
        let via_index = serde_json::to_value(audit_lockfile(index, f, e.lockfile)).unwrap();
        let via_table = serde_json::to_value(audit_lockfile(&table, f, e.lockfile)).unwrap();
        assert_eq!(
            via_table, via_index,
            "{database}: {} audited from the advisory table differs",
            e.lockfile
        );
    }
}

fn ingest(paths: &[std::path::PathBuf]) -> (tempfile::TempDir, RadarIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = RadarIndex::open_or_create(dir.path()).unwrap();
    {
        let mut w = index.writer().unwrap();
        let r = techradar::ingest::ingest(paths, &mut w).unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    index.reload().unwrap();
    (dir, index)
}

#[test]
fn parity_with_cargo_audit_on_the_rustsec_markdown_database() {
    let f = fixtures_or_skip!();
    check_all(rustsec_index(&f), &f, "RustSec Markdown");
}

#[test]
fn parity_with_cargo_audit_on_the_rustsec_osv_export() {
    let f = fixtures_or_skip!();
    let (_dir, index) = ingest(&[f.join("rustsec/osv-export")]);
    check_all(&index, &f, "RustSec OSV export");
}

/// Markdown, its OSV export and the GHSA/OSV sample records together: the
/// duplicates collapse by id and alias, RustSec decides warning vs
/// vulnerability, and the sets stay cargo-audit's.
#[test]
fn parity_holds_with_every_database_ingested_together() {
    let f = fixtures_or_skip!();
    let (_dir, index) = ingest(&[
        f.join("rustsec/crates"),
        f.join("rustsec/rust"),
        f.join("rustsec/osv-export"),
        f.join("osv"),
    ]);
    check_all(&index, &f, "all databases");
}
