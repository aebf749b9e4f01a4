//! PEP 440 versions (PyPI), through `pep440_rs`.
//!
//! Calendar versions compare numerically (`2017.4.17 < 2017.11.05`), and
//! `dev < pre (a, b, rc) < release < post`.

use pep440_rs::{Version, VersionParseError};
use std::str::FromStr;

pub(super) fn parse(s: &str) -> Result<Version, VersionParseError> {
    Version::from_str(s.trim())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ordering_table() {
        let ordered = [
            "1.0.dev1",
            "1.0a1",
            "1.0b2",
            "1.0rc1",
            "1.0",
            "1.0.post1",
            "1.1",
            "4.2b1",
            "5.1",
            "2017.4.17",
            "2017.11.05",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]).unwrap() < parse(w[1]).unwrap(), "{w:?}");
        }
        assert_eq!(parse("1.0").unwrap(), parse("1.0.0").unwrap());
        assert_eq!(parse("4.2b1").unwrap(), parse("4.2.0beta1").unwrap());
        assert!(parse("not a version").is_err());
    }
}
