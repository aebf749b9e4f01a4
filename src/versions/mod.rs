//! "Is version V of this package affected?", per ecosystem, exactly as the
//! OSV specification's `IsVulnerable` evaluation says.
//!
//! Owns version parsing and ordering for each ecosystem we evaluate
//! (`semver.rs` for crates.io, npm, Hex, Pub and other SemVer ecosystems,
//! `go.rs`, `pep440.rs` for PyPI, `maven.rs`, `rubygems.rs`, `nuget.rs`,
//! `packagist.rs`) and the range walk itself. Other ecosystems (Debian,
//! Alpine, …) are stored; their
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
mod nuget;
mod packagist;
mod pep440;
mod range;
mod rubygems;
mod semver;
#[cfg(test)]
mod tests;

pub use ecosystem::{Scheme, base_ecosystem, is_osv_ecosystem};
pub use nuget::NuGetError;
pub use range::{Verdict, evaluate, evaluate_all, validate_range};
pub use rubygems::RubyGemsError;

use thiserror::Error;

/// Why a string is not a version of its scheme: the parser's own error.
/// Shown after "cannot be read: " in [`VersionError::Invalid`], so it is
/// the reason itself, not a chain link.
#[derive(Debug, Error)]
pub enum InvalidVersion {
    /// SemVer, Go (and the lenient forms that also failed).
    #[error(transparent)]
    SemVer(#[from] ::semver::Error),
    #[error(transparent)]
    Pep440(#[from] pep440_rs::VersionParseError),
    #[error(transparent)]
    RubyGems(#[from] RubyGemsError),
    #[error(transparent)]
    NuGet(#[from] NuGetError),
}

#[derive(Debug, Error)]
pub enum VersionError {
    // `reason` is part of the message (callers show this error with
    // `to_string()`), so it is not marked `#[source]`.
    #[error("{ecosystem} version {version:?} cannot be read: {reason}")]
    Invalid {
        ecosystem: String,
        version: String,
        reason: InvalidVersion,
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
