//! RubyGems versions, ordered as `Gem::Version#<=>` orders them.
//!
//! Segments are runs of digits or of letters (`1.0.0.pre1` → 1, 0, 0,
//! `pre`, 1); a `-` means `.pre.`. A version with a letter is a
//! prerelease: letters sort before numbers, so `1.0.a < 1.0`. Trailing
//! zeros of the release and prerelease parts are ignored (`1.0 == 1`).

use std::cmp::Ordering;

use thiserror::Error;

/// Why a string is not a RubyGems version.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum RubyGemsError {
    #[error("a RubyGems version starts with a digit")]
    NoLeadingDigit,
    #[error("only letters, digits, '.' and '-' are allowed")]
    Character,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    /// Digits without leading zeros (`""` is zero), compared by length.
    Num(String),
    Str(String),
}

#[derive(Debug, Clone)]
pub(super) struct GemVersion(Vec<Seg>);

pub(super) fn parse(s: &str) -> Result<GemVersion, RubyGemsError> {
    let t = s.trim().replace('-', ".pre.");
    if t.is_empty() || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(RubyGemsError::NoLeadingDigit);
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
        return Err(RubyGemsError::Character);
    }
    let mut segs = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, segs: &mut Vec<Seg>| {
        if cur.is_empty() {
            return;
        }
        let s = std::mem::take(cur);
        segs.push(if s.bytes().all(|b| b.is_ascii_digit()) {
            Seg::Num(s.trim_start_matches('0').to_string())
        } else {
            Seg::Str(s)
        });
    };
    for c in t.chars() {
        if c == '.' {
            flush(&mut cur, &mut segs);
        } else if !cur.is_empty()
            && cur.ends_with(|p: char| p.is_ascii_digit()) != c.is_ascii_digit()
        {
            flush(&mut cur, &mut segs);
            cur.push(c);
        } else {
            cur.push(c);
        }
    }
    flush(&mut cur, &mut segs);
    // Canonical form: drop trailing zeros of the release part and of the
    // prerelease part.
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segs.len());
    let mut release = segs[..split].to_vec();
    let mut pre = segs[split..].to_vec();
    for part in [&mut release, &mut pre] {
        while part.last() == Some(&Seg::Num(String::new())) {
            part.pop();
        }
    }
    release.extend(pre);
    Ok(GemVersion(release))
}

fn cmp_seg(a: &Seg, b: &Seg) -> Ordering {
    match (a, b) {
        (Seg::Num(x), Seg::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
        (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
        (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Seg::Num(String::new());
        for i in 0..self.0.len().max(other.0.len()) {
            let a = self.0.get(i).unwrap_or(&zero);
            let b = other.0.get(i).unwrap_or(&zero);
            let o = cmp_seg(a, b);
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ordering_table() {
        let ordered = [
            "0.9",
            "1.0.0.a",
            "1.0.0.b1",
            "1.0.0.pre",
            "1.0.0.rc1",
            "1.0",
            "1.0.1",
            "1.1",
            "3.0.21",
            "4.0.1",
            "4.0.5",
            "4.0.10",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]).unwrap() < parse(w[1]).unwrap(), "{w:?}");
        }
        assert!(parse("1.0").unwrap() == parse("1").unwrap());
        assert!(parse("1.0-rc1").unwrap() == parse("1.0.pre.rc1").unwrap());
        assert!(parse("abc").is_err());
    }
}
