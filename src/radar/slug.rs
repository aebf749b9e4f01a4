//! File names for entries: names that can never leave `entries/`.
//!
//! A slug is built only from `a-z`, `0-9` and `-`, so no separator, dot,
//! drive letter or control character survives, whatever the technology is
//! called (`../../etc/passwd` becomes `etc-passwd`). Non-ASCII names are
//! transliterated first (`Café` → `cafe`, `数据库` → `shu-ju-ku`) so the
//! file name still says what is inside.

use sha2::{Digest, Sha256};

/// Longest slug, in bytes; long names are cut at a word boundary.
const MAX_LEN: usize = 64;

/// Names Windows will not create, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The safe file stem for a technology name.
pub fn slug(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    let mut dash = false;
    let push_word = |out: &mut String, word: &str, dash: &mut bool| {
        if *dash && !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
        *dash = false;
    };
    for c in ascii.chars() {
        match c {
            'a'..='z' | '0'..='9' => push_word(&mut out, c.encode_utf8(&mut [0; 4]), &mut dash),
            'A'..='Z' => push_word(
                &mut out,
                c.to_ascii_lowercase().encode_utf8(&mut [0; 4]),
                &mut dash,
            ),
            // C++ and C# must not collide with C.
            '+' => {
                dash = true;
                push_word(&mut out, "plus", &mut dash);
                dash = true;
            }
            '#' => {
                dash = true;
                push_word(&mut out, "sharp", &mut dash);
                dash = true;
            }
            _ => dash = true,
        }
    }
    if out.len() > MAX_LEN {
        let cut = out[..MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        out.truncate(cut);
    }
    if out.is_empty() {
        return format!("entry-{}", short_hash(name));
    }
    if RESERVED.contains(&out.as_str()) {
        out.push_str("-entry");
    }
    out
}

/// Eight hex digits of the name's SHA-256: tells apart names whose slugs
/// collide.
pub fn short_hash(name: &str) -> String {
    Sha256::digest(name.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `stem` could have come from [`slug`] (or a person following the
/// same rules): only `a-z0-9-`, not empty, not hidden.
pub fn is_safe_stem(stem: &str) -> bool {
    !stem.is_empty()
        && stem.len() <= 200
        && !stem.starts_with('-')
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_and_readable() {
        let cases = [
            ("tokio", "tokio"),
            ("GitHub Actions", "github-actions"),
            ("Trunk-based development", "trunk-based-development"),
            ("Node.js", "node-js"),
            ("C++", "c-plus-plus"),
            ("C#", "c-sharp"),
            ("C", "c"),
            (".NET", "net"),
            ("Café", "cafe"),
            ("../../etc/passwd", "etc-passwd"),
            ("..\\..\\windows\\system32", "windows-system32"),
            ("/absolute", "absolute"),
            ("a\u{0}b\u{202e}c", "a-bc"),
            ("CON", "con-entry"),
            ("...", ""),
            ("", ""),
        ];
        for (name, want) in cases {
            let got = slug(name);
            if want.is_empty() {
                assert!(
                    got.starts_with("entry-") && got.len() == 14,
                    "{name:?} → {got}"
                );
            } else {
                assert_eq!(got, want, "{name:?}");
            }
            assert!(is_safe_stem(&got), "{name:?} → {got:?} must be safe");
        }
    }

    #[test]
    fn odd_unicode_stays_safe_and_bounded() {
        for name in [
            "数据库",
            "🦀 crab",
            "Ｆｕｌｌｗｉｄｔｈ",
            "e\u{301}",
            "\u{200b}\u{200b}",
            "ǅemal",
            &"x".repeat(500),
            &"long words ".repeat(30),
        ] {
            let s = slug(name);
            assert!(is_safe_stem(&s), "{name:?} → {s:?}");
            assert!(s.len() <= MAX_LEN + 6, "{s}");
        }
        assert_ne!(
            slug("\u{200b}"),
            slug("\u{200c}"),
            "empty slugs differ by hash"
        );
    }
}
