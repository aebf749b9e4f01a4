//! What our stack is and runs: which tech a release is about, the version
//! in a release title, whether it is a major step, and the package versions
//! the lockfiles pin. Reads no index and builds no digest rows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{StackConfig, TechConfig};
use crate::model::Item;

/// Finds which tech of our stack an item is about, in one pass over the
/// item's words (a week can hold thousands of items and a stack hundreds of
/// techs, so no item × tech loop).
pub(super) struct StackMatcher<'a> {
    pub(super) techs: &'a [TechConfig],
    /// Canonical `ecosystem/name` ([`canonical_key`]: PyPI names
    /// normalised, ecosystem spelled as OSV does) → first tech with it.
    by_package: HashMap<String, usize>,
    /// Lower-cased `owner/name` of the tech's own repository.
    by_repo: HashMap<String, usize>,
    /// Lower-cased single-word name or alias → first tech with it.
    by_name: HashMap<String, usize>,
    /// Lower-cased multi-word names ("trunk-based development"), matched as
    /// phrases.
    phrases: Vec<(String, usize)>,
}

impl<'a> StackMatcher<'a> {
    pub(super) fn new(techs: &'a [TechConfig]) -> StackMatcher<'a> {
        let mut m = StackMatcher {
            techs,
            by_package: HashMap::new(),
            by_repo: HashMap::new(),
            by_name: HashMap::new(),
            phrases: Vec::new(),
        };
        for (i, t) in techs.iter().enumerate() {
            if let Some(p) = &t.package {
                m.by_package.entry(canonical_key(p)).or_insert(i);
            }
            if let Some(r) = &t.repo {
                m.by_repo
                    .entry(r.trim().trim_matches('/').to_lowercase())
                    .or_insert(i);
            }
            for n in std::iter::once(&t.name).chain(&t.aliases) {
                let n = n.trim().to_lowercase();
                if n.contains(char::is_whitespace) {
                    m.phrases.push((n, i));
                } else if !n.is_empty() {
                    m.by_name.entry(n).or_insert(i);
                }
            }
        }
        m
    }

    pub(super) fn package(&self, key: &str) -> Option<usize> {
        self.by_package.get(&canonical_key(key)).copied()
    }

    /// The tech a release is authoritatively about: the item carries the
    /// tech's package (its source is bound to it), or links to a GitHub
    /// release of the tech's own `repo`. When several match, the one listed
    /// first in stack.toml wins.
    pub(super) fn release_tech(&self, item: &Item) -> Option<&'a TechConfig> {
        let by_package = item.packages.iter().filter_map(|k| self.package(k)).min();
        let found = by_package.or_else(|| {
            if !item.packages.is_empty() {
                return None; // another package's source
            }
            let repo = crate::score::github_release_repo(item.url.as_deref()?)?;
            self.by_repo.get(&repo.to_lowercase()).copied()
        })?;
        self.techs.get(found)
    }

    /// The tech an item's title names next to a version (`tokio 9.9.9`,
    /// `tokio-1.40.0`, `tokio version 2.0`): news about it, whoever wrote
    /// it. Not a release unless [`Self::release_tech`] says so. The version
    /// is the one beside the name, not the title's first ("PostgreSQL 17.2
    /// and tokio 1.0" claims tokio 1.0); when several techs carry one, the
    /// first in stack.toml wins.
    pub(super) fn named_with_version(&self, item: &Item) -> Option<(&'a TechConfig, String)> {
        let lower = item.title.to_lowercase();
        let words: Vec<(usize, &str)> = word_spans(&lower).collect();
        let mut best: Option<(usize, String)> = None;
        let mut consider = |tech: usize, version: Option<String>| {
            if let Some(v) = version
                && best.as_ref().is_none_or(|(b, _)| tech < *b)
            {
                best = Some((tech, v));
            }
        };
        for (n, (_, word)) in words.iter().enumerate() {
            for c in name_candidates(word) {
                // The package's own name counts too (`crates.io/tokio` → `tokio`).
                let tech = self.by_name.get(c).copied().or_else(|| {
                    self.techs.iter().position(|t| {
                        t.package
                            .as_deref()
                            .and_then(|p| p.rsplit_once('/'))
                            .is_some_and(|(_, name)| name.eq_ignore_ascii_case(c))
                    })
                });
                if let Some(t) = tech {
                    let version = if c.len() < word.len() {
                        release_version(&word[c.len()..])
                    } else {
                        version_after(&words, n + 1)
                    };
                    consider(t, version);
                }
            }
        }
        for (phrase, t) in &self.phrases {
            for (at, _) in lower.match_indices(phrase.as_str()) {
                let end = at + phrase.len();
                let next = words.iter().position(|(start, _)| *start >= end);
                consider(*t, next.and_then(|n| version_after(&words, n)));
            }
        }
        let (tech, version) = best?;
        Some((self.techs.get(tech)?, version))
    }
}

/// A version written right after a name: the next word, or the one after
/// a linking word ("version 2.0", "release 17.2").
fn version_after(words: &[(usize, &str)], n: usize) -> Option<String> {
    let is_version = |w: &str| {
        w.trim_start_matches('v')
            .starts_with(|c: char| c.is_ascii_digit())
            .then(|| release_version(w))
            .flatten()
    };
    let (_, next) = words.get(n)?;
    if matches!(*next, "version" | "release" | "ver" | "v") {
        return is_version(words.get(n + 1)?.1);
    }
    is_version(next)
}

/// Words of a title (runs of letters, digits, `-`, `_`, `.`; a trailing
/// `.` dropped) with the byte offset each starts at.
fn word_spans(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let inside = c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                let w = s[st..i].trim_end_matches('.');
                if !w.is_empty() {
                    spans.push((st, w));
                }
                start = None;
            }
            _ => {}
        }
    }
    spans.into_iter()
}

/// The names a word can stand for: itself, and what precedes a version
/// suffix (`tokio-1.40.0`, `tokio@1.40.0`, `axum-v0.8.0` → `tokio`, `axum`).
/// `tokio-util` stands only for `tokio-util`.
pub(super) fn name_candidates(word: &str) -> impl Iterator<Item = &str> {
    let suffixed = word.char_indices().filter_map(move |(i, c)| {
        if i == 0 || !matches!(c, '-' | '@') {
            return None;
        }
        let rest = &word[i + 1..];
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        rest.starts_with(|c: char| c.is_ascii_digit())
            .then(|| &word[..i])
    });
    std::iter::once(word).chain(suffixed)
}

/// The first version-looking word of a release title: `tokio-1.41.1` →
/// `1.41.1`, `PostgreSQL 17.2 released` → `17.2`, `v0.8.0` → `0.8.0`.
pub(super) fn release_version(title: &str) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || matches!(chars[i - 1], ' ' | 'v' | 'V' | '-' | '@' | '/' | '_');
        let before_v = i >= 2 && matches!(chars[i - 1], 'v' | 'V') && chars[i - 2].is_alphabetic();
        if chars[i].is_ascii_digit() && boundary && !before_v {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '.' | '-' | '+'))
            {
                j += 1;
            }
            let v: String = chars[i..j].iter().collect();
            let v = v.trim_end_matches(['.', '-', '+']);
            if v.contains('.') {
                return Some(v.to_string());
            }
            i = j;
        }
        i += 1;
    }
    None
}

/// `(major, minor, patch)` of `1.2.3`, `17.2`, `2.0.0-rc.1`, PyPI's
/// `2.0.0rc1`, RubyGems' `1.16.0.rc1`, Go's `v1.2.3` (missing parts 0; a
/// part's text after its digits, and any part without digits, ignored).
pub(super) fn numeric(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim_start_matches(['v', 'V']).split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| {
        let digits = &p[..p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len())];
        digits.parse::<u64>().ok()
    });
    let major = parts.next()??;
    let mut rest = parts.map_while(|p| p);
    let minor = rest.next().unwrap_or(0);
    let patch = rest.next().unwrap_or(0);
    Some((major, minor, patch))
}

/// A release that breaks compatibility with what we run: a higher major, or
/// a higher minor of a 0.x where the ecosystem's caret rule says so
/// (Cargo, npm, Composer, Hex, Pub; not PyPI, RubyGems, Go, Maven or NuGet,
/// whose 0.x minors carry no such promise). Without a current version, any
/// `X.0.0` counts. `package` is the tech's `ecosystem/name`, if any.
pub(super) fn is_major(new: &str, current: Option<&str>, package: Option<&str>) -> bool {
    let Some(n) = numeric(new) else {
        return false;
    };
    let caret = package
        .and_then(|p| p.split_once('/'))
        .is_none_or(|(eco, _)| {
            matches!(
                crate::model::ecosystem_name(eco),
                "crates.io" | "npm" | "Packagist" | "Hex" | "Pub"
            )
        });
    match current.and_then(numeric) {
        Some(c) if caret && c.0 == 0 && n.0 == 0 => n.1 > c.1,
        Some(c) => n.0 > c.0,
        None => n.0 >= 1 && n.1 == 0 && n.2 == 0,
    }
}

/// The packages the stack pins (lockfiles and versioned `[[tech]]`
/// entries), as audit reads them.
pub(super) struct InUse {
    /// Canonical, lower-cased `ecosystem/name` → highest version in use.
    pub(super) versions: HashMap<String, String>,
}

/// `None` when the stack pins nothing, or (with a warning) when a lockfile
/// cannot be read: then advisories are matched by package name only.
pub(super) fn packages_in_use(stack: &StackConfig, stack_path: Option<&Path>) -> Option<InUse> {
    let lockfiles: Vec<PathBuf> = stack.lockfiles.iter().map(|l| l.path.clone()).collect();
    let versioned = stack
        .techs
        .iter()
        .any(|t| t.package.is_some() && t.version.is_some());
    if lockfiles.is_empty() && !versioned {
        return None;
    }
    match crate::stack::inventory(&lockfiles, &stack.techs, stack_path) {
        Ok(inv) => {
            let mut versions: HashMap<String, String> = HashMap::new();
            for p in &inv.packages {
                let v = versions.entry(canonical_key(&p.key())).or_default();
                if v.is_empty() || numeric(&p.version) > numeric(v) {
                    *v = p.version.clone();
                }
            }
            Some(InUse { versions })
        }
        Err(e) => {
            tracing::warn!(
                "digest: cannot read the stack's lockfiles ({e}); advisories are matched by package name only"
            );
            None
        }
    }
}

pub(super) use crate::model::canonical_key;
