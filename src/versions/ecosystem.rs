//! Which version ordering each OSV ecosystem uses, and which ecosystem
//! names the OSV schema defines. Knows nothing of ranges or events.

use std::cmp::Ordering;

use super::{InvalidVersion, go, maven, nuget, packagist, pep440, rubygems, semver};

/// A version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// SemVer 2.0 precedence, prereleases included (crates.io, npm, …).
    SemVer,
    /// Go module versions: SemVer with a `v`, `+incompatible`, pseudo-versions.
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven's ComparableVersion ordering.
    Maven,
    /// `Gem::Version` ordering.
    RubyGems,
    /// NuGet's `VersionComparer` (four parts, case-insensitive prereleases).
    NuGet,
    /// PHP's `version_compare` (Packagist).
    Packagist,
}

impl Scheme {
    /// The ordering used for `ECOSYSTEM` ranges of an OSV ecosystem (the
    /// part before any `:` suffix, so `Maven:https://…` is Maven).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        match base_ecosystem(ecosystem) {
            // Hex (Elixir's `Version`) and Pub (`pub_semver`) are SemVer 2.
            "crates.io" | "npm" | "SwiftURL" | "Hex" | "Pub" => Some(Scheme::SemVer),
            "Go" => Some(Scheme::Go),
            "PyPI" => Some(Scheme::Pep440),
            "Maven" => Some(Scheme::Maven),
            "RubyGems" => Some(Scheme::RubyGems),
            "NuGet" => Some(Scheme::NuGet),
            "Packagist" => Some(Scheme::Packagist),
            _ => None,
        }
    }

    /// Checks that `version` is readable in this scheme.
    pub fn validate(self, version: &str) -> Result<(), InvalidVersion> {
        match self {
            Scheme::SemVer => semver::parse(version).map(|_| ())?,
            Scheme::Go => go::parse(version).map(|_| ())?,
            Scheme::Pep440 => pep440::parse(version).map(|_| ())?,
            Scheme::Maven => {}
            Scheme::RubyGems => rubygems::parse(version).map(|_| ())?,
            Scheme::NuGet => nuget::parse(version).map(|_| ())?,
            Scheme::Packagist => {}
        }
        Ok(())
    }

    /// Orders two versions; `None` if either cannot be read.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::SemVer => cmp_with(semver::parse, a, b),
            Scheme::Go => cmp_with(go::parse, a, b),
            Scheme::Pep440 => cmp_with(pep440::parse, a, b),
            Scheme::Maven => Some(maven::parse(a).cmp(&maven::parse(b))),
            Scheme::RubyGems => cmp_with(rubygems::parse, a, b),
            Scheme::NuGet => cmp_with(nuget::parse, a, b),
            Scheme::Packagist => Some(packagist::parse(a).cmp(&packagist::parse(b))),
        }
    }
}

fn cmp_with<V: Ord, E>(parse: fn(&str) -> Result<V, E>, a: &str, b: &str) -> Option<Ordering> {
    Some(parse(a).ok()?.cmp(&parse(b).ok()?))
}

/// `Debian:10` → `Debian`, `Maven:https://…` → `Maven`.
pub fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// The ecosystems the OSV schema defines (base names). A record naming
/// anything else is malformed.
const OSV_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

/// Whether `ecosystem` (with or without a `:suffix`) is an OSV ecosystem.
pub fn is_osv_ecosystem(ecosystem: &str) -> bool {
    OSV_ECOSYSTEMS.contains(&base_ecosystem(ecosystem))
}
