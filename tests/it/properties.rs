//! Property tests for every parser that reads hostile or hand-edited
//! input: no panic on arbitrary bytes or on mutations of real files
//! (truncation, byte flips, repeated spans, inserted markup).
//!
//! Time per input is bounded by design: inputs are capped at [`MAX_LEN`]
//! bytes (mutations included) and every parser is linear or close to it in
//! its input, so no case can run away; nothing here times anything.
//! Seeds are our own sample data (the demo's, tests/fixtures), plus the
//! real-world files in ../shared/fixtures when that folder is present.
//! `PROPTEST_CASES` raises the count for a longer local run.

use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::{Path, PathBuf};
use techradar::sources::{self, ParseContext};

/// Largest input a case feeds a parser.
const MAX_LEN: usize = 256 * 1024;
/// Cases per parser in CI: a few hundred, well under a minute in all.
const CASES: u32 = 256;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        // A failure is shrunk and printed; nothing is written into the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Files under `dirs` (recursively) whose names pass `keep`, our own first,
/// then ../shared's; capped so a huge fixture tree does not slow setup.
fn seeds(ours: &[&str], shared: &[&str], keep: fn(&str) -> bool) -> Vec<Vec<u8>> {
    let mut dirs: Vec<PathBuf> = ours.iter().map(|d| repo(d)).collect();
    for d in shared {
        if let Some(p) = crate::harness::shared_fixture(d) {
            dirs.push(p);
        }
    }
    let mut out = Vec::new();
    let mut stack = dirs;
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            if d.is_file() {
                out.extend(std::fs::read(&d).ok());
            }
            continue;
        };
        let mut children: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for c in children {
            if c.is_dir() {
                stack.push(c);
            } else if keep(&c.file_name().unwrap_or_default().to_string_lossy())
                && let Ok(bytes) = std::fs::read(&c)
            {
                out.push(bytes);
            }
        }
        if out.len() > 64 {
            break;
        }
    }
    out.iter_mut().for_each(|b| b.truncate(MAX_LEN));
    assert!(!out.is_empty(), "no seed files in {ours:?}");
    out
}

/// Text that parsers treat specially, spliced into seeds.
const MARKUP: &[&str] = &[
    "<",
    ">",
    "</item>",
    "<![CDATA[",
    "]]>",
    "&#0;",
    "&amp",
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "{",
    "}",
    "[",
    "\"",
    "\\u0000",
    "\\ud800",
    "+++",
    "```",
    "[[package]]",
    "= ",
    "\n",
    "\u{feff}",
    "\u{0}",
    "99999999999999999999",
    "-1",
    "1.0.0-",
    ">=",
    "@",
    "*",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Repeat(usize, usize, usize),
    Insert(usize, usize),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1usize..512, 1usize..64).prop_map(|(i, l, n)| Mutation::Repeat(i, l, n)),
        (any::<usize>(), 0..MARKUP.len()).prop_map(|(i, m)| Mutation::Insert(i, m)),
        (any::<usize>(), 1usize..256).prop_map(|(i, l)| Mutation::Delete(i, l)),
    ]
}

fn apply(mut bytes: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *m {
            Mutation::Truncate(i) => {
                let n = at(i, bytes.len());
                bytes.truncate(n);
            }
            Mutation::Flip(i, b) if !bytes.is_empty() => {
                let n = i % bytes.len();
                bytes[n] ^= b | 1;
            }
            Mutation::Flip(..) => {}
            Mutation::Repeat(i, l, n) => {
                let start = at(i, bytes.len());
                let end = (start + l).min(bytes.len());
                let span = bytes[start..end].to_vec();
                let mut tail = bytes.split_off(end);
                for _ in 0..n {
                    bytes.extend_from_slice(&span);
                }
                bytes.append(&mut tail);
            }
            Mutation::Insert(i, m) => {
                let n = at(i, bytes.len());
                let tail = bytes.split_off(n);
                bytes.extend_from_slice(MARKUP[m].as_bytes());
                bytes.extend_from_slice(&tail);
            }
            Mutation::Delete(i, l) => {
                let start = at(i, bytes.len());
                let end = (start + l).min(bytes.len());
                bytes.drain(start..end);
            }
        }
        bytes.truncate(MAX_LEN);
    }
    bytes
}

/// Arbitrary bytes, or a seed with up to eight mutations.
fn input(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..4096),
        4 => (0..n, proptest::collection::vec(mutation(), 0..8))
            .prop_map(move |(i, ms)| apply(seeds[i].clone(), &ms)),
    ]
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ctx() -> ParseContext {
    ParseContext {
        source: "prop".into(),
        ..Default::default()
    }
}

fn is(exts: &'static [&'static str]) -> impl Fn(&str) -> bool {
    move |name: &str| exts.iter().any(|e| name.ends_with(e))
}

fn feeds(name: &str) -> bool {
    is(&[".xml", ".atom", ".rss", ".json"])(name)
}
fn json(name: &str) -> bool {
    name.ends_with(".json")
}
fn markdown(name: &str) -> bool {
    name.ends_with(".md")
}
fn toml_file(name: &str) -> bool {
    name.ends_with(".toml")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn feeds_never_panic(b in input(seeds(&["src/demo/data/feeds", "tests/fixtures/entries/feeds", "tests/fixtures/widgets-v1.xml"], &["feeds"], feeds))) {
        let _ = sources::feed::parse_feed(&ctx(), &b);
    }

    #[test]
    fn osv_never_panics(b in input(seeds(&["src/demo/data/advisories", "tests/fixtures/entries/advisories"], &["osv"], json))) {
        let _ = sources::osv::parse_osv(&ctx(), &b);
    }

    #[test]
    fn rustsec_never_panics(b in input(seeds(&["src/demo/data/rustsec"], &["rustsec/crates"], markdown))) {
        let _ = sources::rustsec::parse_rustsec(&ctx(), &b);
    }

    #[test]
    fn cargo_lock_never_panics(b in input(seeds(&["src/demo/data/lockfiles/Cargo.lock"], &["lockfiles"], |n| n.ends_with("Cargo.lock")))) {
        let _ = techradar::stack::parse_lockfile(Path::new("/nonexistent/Cargo.lock"), &text(&b));
    }

    #[test]
    fn package_lock_never_panics(b in input(seeds(&["src/demo/data/lockfiles/package-lock.json"], &["lockfiles"], |n| n.contains("package-lock")))) {
        let _ = techradar::stack::parse_lockfile(Path::new("/nonexistent/package-lock.json"), &text(&b));
    }

    #[test]
    fn requirements_never_panic(b in input(seeds(&["src/demo/data/lockfiles/requirements.txt"], &["lockfiles"], |n| n.ends_with("requirements.txt")))) {
        // A folder that does not exist: `-r other.txt` lines find nothing.
        let _ = techradar::stack::parse_lockfile(Path::new("/nonexistent/requirements.txt"), &text(&b));
    }

    #[test]
    fn go_mod_never_panics(b in input(vec![GO_MOD.as_bytes().to_vec()])) {
        let _ = techradar::stack::parse_lockfile(Path::new("/nonexistent/go.mod"), &text(&b));
    }

    #[test]
    fn entry_front_matter_never_panics(b in input(vec![ENTRY.as_bytes().to_vec(), ENTRY_YAML.as_bytes().to_vec()])) {
        let _ = techradar::radar::parse_entry(Path::new("entries/tools/x.md"), &text(&b));
    }

    #[test]
    fn radar_toml_never_panics(b in input(vec![RADAR_TOML.as_bytes().to_vec()])) {
        let _ = techradar::config::parse_radar(&text(&b), Path::new("/nonexistent/radar.toml"));
    }

    #[test]
    fn stack_toml_never_panics(b in input(seeds(&["tests/fixtures/entries/stack.toml"], &[], toml_file))) {
        let _ = techradar::config::parse_stack(&text(&b), Path::new("/nonexistent/stack.toml"));
    }

    #[test]
    fn cron_never_panics(b in input(CRONS.iter().map(|c| c.as_bytes().to_vec()).collect())) {
        let _ = techradar::config::validate_cron(&text(&b));
    }

    #[test]
    fn version_ranges_never_panic(
        eco in prop::sample::select(vec!["crates.io", "npm", "PyPI", "Go", "Maven", "RubyGems", "Packagist", "other"]),
        events in proptest::collection::vec((0u8..4, version()), 0..6),
        v in version(),
    ) {
        use techradar::model::{Affected, Event, Range};
        let events = events.into_iter().map(|(k, s)| match k {
            0 => Event::Introduced(s),
            1 => Event::Fixed(s),
            2 => Event::LastAffected(s),
            _ => Event::Limit(s),
        }).collect();
        let range = Range { kind: "ECOSYSTEM".into(), events };
        let _ = techradar::versions::validate_range(eco, &range);
        let affected = Affected { ecosystem: eco.into(), name: "p".into(), ranges: vec![range], versions: vec![], patched: vec![] };
        let _ = techradar::versions::evaluate(&affected, &v);
    }
}

/// Every lockfile and SBOM kind beyond the four above: our own seed in
/// fuzz/seeds/lockfiles/KIND, plus osv-scalibr's test files for it when
/// ../shared is present.
macro_rules! lockfile_properties {
    ($($name:ident: $format:ident, $ours:literal, $shared:expr;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name(b in input(seeds(&[$ours], $shared, |_| true))) {
                    let format = techradar::stack::Format::$format;
                    let path = Path::new("/nonexistent").join(format.kind());
                    let _ = techradar::stack::parse_lockfile_as(format, &path, &text(&b));
                }
            )*
        }
    };
}

lockfile_properties! {
    pnpm_lock_never_panics: Pnpm, "fuzz/seeds/lockfiles/pnpm", &["lockfiles/osv-scalibr/pnpmlock"];
    yarn_lock_never_panics: Yarn, "fuzz/seeds/lockfiles/yarn", &["lockfiles/osv-scalibr/yarnlock"];
    poetry_lock_never_panics: Poetry, "fuzz/seeds/lockfiles/poetry", &["lockfiles/osv-scalibr/poetrylock"];
    uv_lock_never_panics: Uv, "fuzz/seeds/lockfiles/uv", &["lockfiles/osv-scalibr/uvlock"];
    pipfile_lock_never_panics: Pipfile, "fuzz/seeds/lockfiles/pipfile", &["lockfiles/osv-scalibr/pipfilelock"];
    pdm_lock_never_panics: Pdm, "fuzz/seeds/lockfiles/pdm", &["lockfiles/osv-scalibr/pdmlock"];
    gemfile_lock_never_panics: Gemfile, "fuzz/seeds/lockfiles/gemfile", &["lockfiles/osv-scalibr/gemfilelock"];
    composer_lock_never_panics: Composer, "fuzz/seeds/lockfiles/composer", &["lockfiles/osv-scalibr/composerlock"];
    bun_lock_never_panics: Bun, "fuzz/seeds/lockfiles/bun", &["lockfiles/osv-scalibr/bunlock"];
    gradle_lock_never_panics: Gradle, "fuzz/seeds/lockfiles/gradle", &["lockfiles/osv-scalibr/gradlelockfile"];
    pom_lock_never_panics: Pom, "fuzz/seeds/lockfiles/pom", &["lockfiles/osv-scalibr/pomxml"];
    nuget_lock_never_panics: NuGet, "fuzz/seeds/lockfiles/nuget", &["lockfiles/osv-scalibr/packageslockjson"];
    pubspec_lock_never_panics: Pubspec, "fuzz/seeds/lockfiles/pubspec", &["lockfiles/osv-scalibr/pubspec"];
    mix_lock_never_panics: MixLock, "fuzz/seeds/lockfiles/mix", &["lockfiles/osv-scalibr/mixlock"];
    cyclonedx_lock_never_panics: CycloneDx, "fuzz/seeds/lockfiles/cyclonedx", &[];
    spdx_lock_never_panics: Spdx, "fuzz/seeds/lockfiles/spdx", &[];
}

/// Version-like strings: real shapes and noise.
fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}(-[a-z0-9.]{1,8})?(\\+[a-z0-9]{1,4})?",
        "v?[0-9]{1,20}\\.[0-9]{1,20}[a-z]{0,3}[0-9]{0,3}(\\.post[0-9])?(\\.dev[0-9])?",
        "[0-9]{1,2}!?[0-9.]{0,6}(rc|a|b)?[0-9]?",
        ".{0,24}",
    ]
}

const GO_MOD: &str = "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgolang.org/x/net v0.17.0 // indirect\n)\n\nreplace golang.org/x/net => golang.org/x/net v0.23.0\n\nexclude github.com/old/thing v0.1.0\n";

const ENTRY: &str = "+++\nname = \"Kafka\"\nquadrant = \"tools\"\nring = \"trial\"\nsince = \"2026-01-05\"\npackages = [\"crates.io/rdkafka\"]\n+++\n\nWhy we trial it.\n";

const ENTRY_YAML: &str = "---\nname: Kafka\nquadrant: tools\nring: adopt\n---\n\nBody.\n";

const RADAR_TOML: &str = "[index]\npath = \"index\"\n\n[crawl]\nconcurrency = 4\nallow_private = [\"10.0.0.0/8\"]\n\n[schedule]\ncrawl = \"0 0 */6 * * *\"\n\n[[source]]\nname = \"tokio\"\ngithub = \"tokio-rs/tokio\"\n\n[[source]]\nname = \"adv\"\nkind = \"osv\"\nurl = \"http://127.0.0.1:1/all.zip\"\n";

const CRONS: &[&str] = &[
    "0 0 */6 * * *",
    "0 0 8 * * Mon",
    "0 30 9 1-7 * Fri",
    "@daily",
    "*/5 * * * *",
];
