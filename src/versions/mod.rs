//! "Is version V of this package affected?", per ecosystem, exactly as the
//! OSV specification's `IsVulnerable` evaluation says.
//!
//! Owns version parsing and ordering for each ecosystem we evaluate
//! (`semver.rs` for crates.io, npm and other SemVer ecosystems, `go.rs`,
//! `pep440.rs` for PyPI, `maven.rs`, `rubygems.rs`) and the range walk
//! itself. Other ecosystems (Debian, Alpine, NuGet, …) are stored; their
//! explicit `versions` lists are matched, their ranges reported as not
//! evaluated rather than guessed. Pure
//! functions over the `model` types: no I/O, no index, no knowledge of
//! lockfiles or reports.
//!
//! The rules, as the spec gives them:
//! - events are sorted by version before the walk (never file order);
//!   `introduced: "0"` sorts before every version, prereleases included;
//! - `fixed` is exclusive, `last_affected` inclusive, `limit` caps a range;
//! - an explicit `versions[]` entry matches on its own;
//! - `GIT` ranges cannot be evaluated against a package version and are
//!   skipped *without* hiding the ranges after them;
//! - `affected[]` entries without a package never reach this module (the
//!   parsers drop them).

mod ecosystem;
mod go;
mod maven;
mod pep440;
mod range;
mod rubygems;
mod semver;
#[cfg(test)]
mod tests;

pub use ecosystem::{Scheme, base_ecosystem, is_osv_ecosystem};
pub use range::{Verdict, evaluate, evaluate_all, validate_range};

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VersionError {
    #[error("{ecosystem} version {version:?} cannot be read: {reason}")]
    Invalid {
        ecosystem: String,
        version: String,
        reason: String,
    },
    #[error(
        "no version ordering for ecosystem {ecosystem:?}: its ECOSYSTEM ranges are not evaluated (explicit `versions` lists are)"
    )]
    Unsupported { ecosystem: String },
    #[error("range type {0:?} is not SEMVER, ECOSYSTEM or GIT")]
    RangeType(String),
    #[error("{kind} range has no `introduced` event; the OSV schema requires one")]
    NoIntroduced { kind: String },
}
