//! Go module versions: SemVer with a leading `v`.
//!
//! `+incompatible` (a v2+ module without a go.mod) is build metadata and
//! does not change the ordering, so `v2.7.0-rc.0+incompatible` equals
//! `v2.7.0-rc.0`. Pseudo-versions (`v0.0.0-20190308221718-c2843e01d9a2`)
//! are SemVer prereleases whose timestamp orders them, so SemVer precedence
//! already sorts them correctly.

use semver::Version;

pub(super) fn parse(s: &str) -> Result<Version, semver::Error> {
    super::semver::parse(s)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn go_forms() {
        assert_eq!(
            parse("v2.7.0-rc.0+incompatible").unwrap(),
            parse("2.7.0-rc.0").unwrap()
        );
        assert!(parse("v2.6.2+incompatible").unwrap() < parse("2.7.0-rc.0").unwrap());
        let older = parse("v0.0.0-20180101000000-abcdefabcdef").unwrap();
        let newer = parse("v0.0.0-20190308221718-c2843e01d9a2").unwrap();
        assert!(older < newer);
        assert!(newer < parse("v0.1.0").unwrap());
        // A pseudo-version based on a tagged release sorts after that tag.
        assert!(parse("v1.2.4-0.20191109021931-daa7c04131f5").unwrap() > parse("v1.2.3").unwrap());
    }
}
