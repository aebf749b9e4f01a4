//! Maven version ordering, as the POM reference's "version order
//! specification" describes it (the reading osv.dev uses for Maven ranges).
//!
//! No kept crate implements it, so it is written here. Every string is a
//! Maven version (there is no invalid one), so parsing cannot fail.
//!
//! - Tokens are split at `.`, `-` and digit/letter transitions (a
//!   transition counts as `-`); empty tokens are `0`; case is ignored.
//! - `cr` = `rc`; `ga`, `final`, `release` = `` (the release itself);
//!   `a1`, `b1`, `m1` = `alpha1`, `beta1`, `milestone1`.
//! - Trailing null tokens (`0`, ``) are trimmed, again before each hyphen.
//! - Qualifiers: alpha < beta < milestone < rc < snapshot < `` < sp <
//!   anything else (alphabetical). Separators matter:
//!   `.qualifier` < `-qualifier` < `-number` < `.number`.
//! - The shorter version is padded with nulls (`.0` or `-`).

use std::cmp::Ordering;

const KEYWORDS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// The first token, or a `.`.
    Dot,
    Dash,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Digits without leading zeros; `""` is zero.
    Num(String),
    Qualifier(String),
}

#[derive(Debug, Clone)]
struct Token {
    sep: Sep,
    value: Value,
    /// Padding added for comparison; a padded `0` does not outrank a
    /// qualifier the way a written number does.
    padding: bool,
}

#[derive(Debug, Clone)]
pub(super) struct MavenVersion(Vec<Token>);

pub(super) fn parse(s: &str) -> MavenVersion {
    let lower = s.trim().to_lowercase();
    let mut tokens = Vec::new();
    let mut sep = Sep::Dot;
    for piece in lower.split_inclusive(['.', '-']) {
        let (body, next_sep) = match piece.chars().last() {
            Some('.') => (&piece[..piece.len() - 1], Sep::Dot),
            Some('-') => (&piece[..piece.len() - 1], Sep::Dash),
            _ => (piece, Sep::Dot),
        };
        let parts = split_transitions(body);
        let count = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let token_sep = if i == 0 { sep } else { Sep::Dash };
            let followed_by_digit = i + 1 < count;
            tokens.push(Token {
                sep: token_sep,
                value: value_of(part, followed_by_digit),
                padding: false,
            });
        }
        sep = next_sep;
    }
    trim_nulls(&mut tokens);
    MavenVersion(tokens)
}

/// `1rc2` → `1`, `rc`, `2`; an empty piece stays one (empty) part.
fn split_transitions(body: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = body.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit() && body.is_char_boundary(i) {
            parts.push(&body[start..i]);
            start = i;
        }
    }
    parts.push(&body[start..]);
    parts
}

fn value_of(part: &str, followed_by_digit: bool) -> Value {
    if part.is_empty() {
        return Value::Num(String::new());
    }
    if part.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Num(part.trim_start_matches('0').to_string());
    }
    let q = match part {
        "cr" => "rc",
        "ga" | "final" | "release" => "",
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        other => other,
    };
    Value::Qualifier(q.to_string())
}

fn is_null(v: &Value) -> bool {
    match v {
        Value::Num(n) => n.is_empty(),
        Value::Qualifier(q) => q.is_empty(),
    }
}

/// Drops trailing nulls, then repeats before each remaining hyphen, always
/// keeping the first token.
fn trim_nulls(tokens: &mut Vec<Token>) {
    let mut i = tokens.len().saturating_sub(1);
    while i > 0 {
        if is_null(&tokens[i].value) {
            tokens.remove(i);
            i -= 1;
            continue;
        }
        // Skip back to the token before the previous hyphen.
        while i > 0 && tokens[i].sep != Sep::Dash {
            i -= 1;
        }
        if i == 0 {
            break;
        }
        i -= 1;
    }
}

/// `.qualifier` < `-qualifier` < `-number` < `.number`.
fn sep_rank(t: &Token) -> u8 {
    match (&t.value, t.sep) {
        (Value::Qualifier(_), Sep::Dot) => 0,
        (Value::Qualifier(_), Sep::Dash) => 1,
        (Value::Num(_), Sep::Dash) => 2,
        (Value::Num(_), Sep::Dot) => 3,
    }
}

fn keyword_rank(q: &str) -> usize {
    KEYWORDS
        .iter()
        .position(|k| *k == q)
        .unwrap_or(KEYWORDS.len())
}

fn cmp_token(a: &Token, b: &Token) -> Ordering {
    if a.sep == b.sep && a.value == b.value {
        return Ordering::Equal;
    }
    if a.sep != b.sep {
        return sep_rank(a).cmp(&sep_rank(b));
    }
    match (&a.value, &b.value) {
        (Value::Num(x), Value::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        // A written number outranks any qualifier; padding does not.
        (Value::Num(_), _) if !a.padding => Ordering::Greater,
        (_, Value::Num(_)) if !b.padding => Ordering::Less,
        _ => {
            let (qa, qb) = (qualifier_text(&a.value), qualifier_text(&b.value));
            let (ra, rb) = (keyword_rank(qa), keyword_rank(qb));
            if ra == KEYWORDS.len() && rb == KEYWORDS.len() {
                qa.cmp(qb)
            } else {
                ra.cmp(&rb)
            }
        }
    }
}

fn qualifier_text(v: &Value) -> &str {
    match v {
        Value::Num(n) if n.is_empty() => "0",
        Value::Num(n) => n,
        Value::Qualifier(q) => q,
    }
}

fn pad_for(other: &Token) -> Token {
    Token {
        sep: other.sep,
        value: match other.sep {
            Sep::Dot => Value::Num(String::new()),
            Sep::Dash => Value::Qualifier(String::new()),
        },
        padding: true,
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in 0..n {
            let ord = match (self.0.get(i), other.0.get(i)) {
                (Some(a), Some(b)) => cmp_token(a, b),
                (Some(a), None) => cmp_token(a, &pad_for(a)),
                (None, Some(b)) => cmp_token(&pad_for(b), b),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn ordering_table() {
        // Each step strictly increases (examples from the POM reference
        // and from real advisories).
        let ordered = [
            "1-alpha1",
            "1-alpha2",
            "1-beta1",
            "1-milestone1",
            "1-rc1",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1-1",
            "1.1",
            "1.2",
            "1.2.17",
            "1.2.18",
            "1.9.13",
            "1.10",
            "2.0-rc1",
            "2.0",
            "2.0.1",
        ];
        for w in ordered.windows(2) {
            assert!(parse(w[0]) < parse(w[1]), "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn equal_forms() {
        for (a, b) in [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.ga", "1"),
            ("1-final", "1"),
            ("1.0-cr1", "1.0-rc1"),
            ("1.0-a1", "1.0-alpha1"),
            ("1.0-RC1", "1.0-rc1"),
            ("1.0.0-release", "1"),
            ("01.2", "1.2"),
        ] {
            assert!(parse(a) == parse(b), "{a} == {b}");
        }
    }
}
