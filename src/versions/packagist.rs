//! Packagist (Composer) versions, ordered as PHP's `version_compare`
//! orders them, which is what OSV's Packagist ranges assume.
//!
//! A leading `v` is dropped; `-`, `_` and `+` become `.`, and a `.` is put
//! between digits and letters (`1.0rc1` → `1.0.rc.1`). Parts compare as
//! numbers when both are numbers; otherwise by PHP's special forms:
//! any other word < `dev` < `alpha`/`a` < `beta`/`b` < `RC`/`rc` < a number
//! < `pl`/`p`. When one side runs out, a number left on the other side makes
//! it newer, a word (`1.0` vs `1.0-beta`) makes it older. Every string is
//! readable, so there is no error type.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PackagistVersion(Vec<String>);

pub(super) fn parse(s: &str) -> PackagistVersion {
    let t = s.trim();
    let t = t
        .strip_prefix('v')
        .or_else(|| t.strip_prefix('V'))
        .unwrap_or(t);
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in t.chars() {
        let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
        if c == '.' {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(last) = cur.chars().last()
            && last.is_ascii_digit() != c.is_ascii_digit()
        {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    PackagistVersion(parts)
}

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// PHP's order of special forms; a number is `#`.
fn special(s: &str) -> i32 {
    if is_num(s) {
        return 4;
    }
    match s {
        "dev" => 0,
        "alpha" | "a" => 1,
        "beta" | "b" => 2,
        "RC" | "rc" => 3,
        "#" => 4,
        "pl" | "p" => 5,
        _ => -6,
    }
}

fn cmp_num(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// One part against another; `None` is a missing part, which PHP ranks as
/// `#` but below any number ("1.0" < "1.0.0"). Parts of equal rank that
/// PHP would call equal stay equal, and a number beats a literal `#`, so
/// the order is total (sorting panics on one that is not; found by the
/// `version_range` fuzz target).
fn cmp_part(x: Option<&str>, y: Option<&str>) -> Ordering {
    let rank = |p: Option<&str>| p.map_or(4, special);
    rank(x).cmp(&rank(y)).then_with(|| match (x, y) {
        (Some(x), Some(y)) if is_num(x) && is_num(y) => cmp_num(x, y),
        (Some(x), _) if is_num(x) => Ordering::Greater,
        (_, Some(y)) if is_num(y) => Ordering::Less,
        _ => Ordering::Equal,
    })
}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        // Every part, the shorter padded with missing ones: stopping at the
        // first extra part made "1" == "1#2" and "1" == "1#1" while
        // "1#1" < "1#2".
        (0..a.len().max(b.len()))
            .map(|i| cmp_part(a.get(i).map(String::as_str), b.get(i).map(String::as_str)))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// Found by the `version_range` fuzz target: an order that is not
    /// total makes `sort_by` panic.
    #[test]
    fn the_order_is_total() {
        let vs: Vec<_> = [
            "1", "1-foo-1", "1-foo-2", "1.0", "1.0.0", "1#", "1-pl", "1-dev", "01", "1-x",
        ]
        .iter()
        .map(|v| parse(v))
        .collect();
        for a in &vs {
            for b in &vs {
                for c in &vs {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a:?} {b:?} {c:?}");
                    }
                }
                assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn ordering_table() {
        let ordered = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-alpha2",
            "1.0.0-beta",
            "1.0.0-RC1",
            "v1.0.0",
            "1.0.0-pl1",
            "1.0.1",
            "1.0.10",
            "1.1",
            "10.0.0",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]) < parse(w[1]), "{w:?}");
        }
        assert_eq!(parse("v2.3.4"), parse("2.3.4"));
        assert_eq!(parse("1.0rc1"), parse("1.0.rc.1"));
        assert!(
            parse("1.0") < parse("1.0.0"),
            "PHP: a number left over is newer"
        );
    }
}
