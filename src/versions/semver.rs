//! SemVer 2.0 precedence (crates.io, npm, SwiftURL, Hex), through the
//! `semver` crate.
//!
//! Prereleases are ordinary versions here (`1.0.0-alpha < 1.0.0`), as in
//! RustSec and cargo-audit: `VersionReq::matches` would skip them, so we
//! compare `Version`s directly. Build metadata is dropped: SemVer says it
//! does not affect precedence. Strings that are not quite SemVer but
//! appear in real advisories (`0.1`, `v1.2.3`, `=1.0.0`) are read by padding
//! the missing parts, the way osv-scanner reads them.

use semver::{BuildMetadata, Version};

/// On failure, the strict parser's error (the lenient reading is a repair,
/// not a grammar of its own).
pub(super) fn parse(s: &str) -> Result<Version, semver::Error> {
    let t = s.trim();
    let t = t.strip_prefix('=').unwrap_or(t).trim_start();
    let t = t
        .strip_prefix('v')
        .or_else(|| t.strip_prefix('V'))
        .unwrap_or(t);
    let mut v = match Version::parse(t) {
        Ok(v) => v,
        Err(strict) => lenient(t).ok_or(strict)?,
    };
    v.build = BuildMetadata::EMPTY;
    Ok(v)
}

/// `1`, `1.2`, `01.2.3`, `1.2-beta` → padded, zeros stripped, then strict.
fn lenient(t: &str) -> Option<Version> {
    let end = t.find(['-', '+']).unwrap_or(t.len());
    let (core, rest) = t.split_at(end);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut nums = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        nums[i] = p.parse().ok()?;
    }
    Version::parse(&format!("{}.{}.{}{rest}", nums[0], nums[1], nums[2])).ok()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ordering_table() {
        let ordered = [
            "0.0.0-0",
            "0.0.0",
            "0.1.0",
            "0.2.1-0",
            "0.2.1-beta",
            "0.2.1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "5.0.0-alpha.8",
            "5.0.0-beta.3",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]).unwrap() < parse(w[1]).unwrap(), "{w:?}");
        }
    }

    #[test]
    fn lenient_forms() {
        for (raw, want) in [
            ("0.1", "0.1.0"),
            ("1", "1.0.0"),
            ("v1.2.3", "1.2.3"),
            ("=1.2.3", "1.2.3"),
            ("01.2.3", "1.2.3"),
            ("1.2-beta", "1.2.0-beta"),
            ("1.2.3+build.5", "1.2.3"),
        ] {
            assert_eq!(parse(raw).unwrap(), parse(want).unwrap(), "{raw}");
        }
        for bad in ["", "x", "1.2.3.4", "1..2", "latest"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
