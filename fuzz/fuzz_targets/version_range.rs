#![no_main]

use libfuzzer_sys::fuzz_target;

use techradar::model::{Affected, Event, Range};

const ECOSYSTEMS: &[&str] = &[
    "crates.io",
    "npm",
    "PyPI",
    "Go",
    "Maven",
    "RubyGems",
    "Packagist",
    "other",
];

// Structured input: an ecosystem, a list of OSV events, and the version to
// place in them.
fuzz_target!(|input: (u8, Vec<(u8, String)>, String)| {
    let (eco, events, version) = input;
    let eco = ECOSYSTEMS[usize::from(eco) % ECOSYSTEMS.len()];
    let events = events
        .into_iter()
        .map(|(k, s)| match k % 4 {
            0 => Event::Introduced(s),
            1 => Event::Fixed(s),
            2 => Event::LastAffected(s),
            _ => Event::Limit(s),
        })
        .collect();
    let range = Range {
        kind: "ECOSYSTEM".into(),
        events,
    };
    let _ = techradar::versions::validate_range(eco, &range);
    let affected = Affected {
        ecosystem: eco.into(),
        name: "p".into(),
        ranges: vec![range],
        versions: vec![],
        patched: vec![],
    };
    let _ = techradar::versions::evaluate(&affected, &version);
});
