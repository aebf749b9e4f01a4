//! NuGet versions, ordered as NuGet's `VersionComparer` orders them:
//! up to four numeric parts (`1.2` is `1.2.0.0`), then a SemVer 2
//! prerelease compared case-insensitively (numeric identifiers below
//! letters, and a release above its prereleases). Build metadata (`+…`)
//! does not count.

use std::cmp::Ordering;

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NuGetError {
    #[error("a NuGet version is 1 to 4 numbers separated by '.', then an optional -prerelease")]
    Release,
    #[error("an empty prerelease identifier")]
    Prerelease,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NuGetVersion {
    release: [u64; 4],
    /// Lowercased identifiers; empty for a release.
    pre: Vec<String>,
}

pub(super) fn parse(s: &str) -> Result<NuGetVersion, NuGetError> {
    let t = s.trim();
    let t = t.split_once('+').map_or(t, |(v, _)| v);
    let (core, pre) = match t.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (t, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return Err(NuGetError::Release);
    }
    let mut release = [0u64; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NuGetError::Release);
        }
        release[i] = p.parse().map_err(|_| NuGetError::Release)?;
    }
    let pre = match pre {
        None => Vec::new(),
        Some(p) => {
            let ids: Vec<String> = p.split('.').map(str::to_ascii_lowercase).collect();
            if ids.iter().any(String::is_empty) {
                return Err(NuGetError::Prerelease);
            }
            ids
        }
    };
    Ok(NuGetVersion { release, pre })
}

fn cmp_id(a: &str, b: &str) -> Ordering {
    let num = |s: &str| {
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<u64>().ok()
        } else {
            None
        }
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.release.cmp(&other.release).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = cmp_id(a, b);
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ordering_table() {
        let ordered = [
            "0.9",
            "1.0.0-alpha",
            "1.0.0-alpha.2",
            "1.0.0-alpha.10",
            "1.0.0-Beta",
            "1.0.0-rc.1",
            "1.0",
            "1.0.0.1",
            "1.0.1",
            "1.10",
            "2.0.0-preview.1.24080.9",
            "2.0.0",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]).unwrap() < parse(w[1]).unwrap(), "{w:?}");
        }
        assert_eq!(parse("1.0").unwrap(), parse("1.0.0.0").unwrap());
        assert_eq!(parse("1.0.0-RC1").unwrap(), parse("1.0.0-rc1").unwrap());
        assert_eq!(parse("1.0.0+abc").unwrap(), parse("1.0.0").unwrap());
        assert!(parse("1.2.3.4.5").is_err());
        assert!(parse("latest").is_err());
        assert!(parse("1.0-").is_err());
    }
}
