//! Candidate terms: title words, tags and repository names that look like
//! technology names, and the list of words that never do. Only proposes
//! names; counting and ranking them is `mod.rs`'s job.

use super::word_slices;
use crate::model::Item;

/// Title and tag words that look like technology names.
pub(super) fn candidates_in(item: &Item) -> Vec<String> {
    let mut out = Vec::new();
    // Advisory titles describe a weakness ("Path Traversal in …"), and
    // their tags are severities: neither names a technology.
    if item.kind == crate::model::ItemKind::Advisory {
        return out;
    }
    for tag in &item.tags {
        let t = tag.trim();
        if t.chars().count() >= 2
            && !is_generic(&t.to_lowercase())
            && t.chars().any(char::is_alphabetic)
        {
            out.push(t.to_string());
        }
    }
    // Repository names: `owner/repo`.
    for tok in item.title.split_whitespace() {
        let tok = tok.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/'));
        if let Some((owner, repo)) = tok.split_once('/')
            && !tok.contains("//")
            && !repo.contains('/')
            && is_repo_part(owner)
            && is_repo_part(repo)
            && !(is_upper(owner) && is_upper(repo))
            && !is_generic(&repo.to_lowercase())
        {
            out.push(repo.to_string());
        }
    }
    // Capitalised product names: `Bun`, `OpenTelemetry`, `Node.js`. In a
    // Title Case headline every word is capitalised, so only the shape of
    // a word (inner capitals, dots, digits) can say "name" there.
    let (mut long, mut capitalised) = (0usize, 0usize);
    for w in word_slices(&item.title) {
        if w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) {
            long += 1;
            if w.chars().next().is_some_and(char::is_uppercase) {
                capitalised += 1;
            }
        }
    }
    let title_case = long >= 3 && capitalised * 10 >= long * 6;
    // Each clause starts with a capital anyway ("[crate] Crate: Path
    // traversal in …"): its first word counts only by its shape.
    for clause in item
        .title
        .split([':', '|', ']', '[', '—', '–', '!', '?', '(', ')'])
        .flat_map(|c| c.split(". "))
    {
        for (n, w) in word_slices(clause).enumerate() {
            let first = w.chars().next().unwrap_or(' ');
            if !first.is_uppercase() || w.chars().nth(1).is_none() {
                continue;
            }
            let inner_caps = w.chars().skip(1).any(char::is_uppercase);
            let acronym = w.chars().all(|c| !c.is_lowercase());
            let shaped =
                inner_caps && !acronym || w.contains('.') || w.chars().any(|c| c.is_ascii_digit());
            let plain_ok = n > 0 && !title_case && w.chars().nth(2).is_some();
            if !(shaped || plain_ok) || (acronym && w.len() <= 5) || is_generic(&w.to_lowercase()) {
                continue;
            }
            if w.chars().all(|c| c.is_ascii_digit() || c == '.') {
                continue;
            }
            out.push(w.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_repo_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_upper(s: &str) -> bool {
    s.chars().all(|c| !c.is_lowercase())
}

/// Words that are capitalised in titles or used as tags without naming a
/// technology. Sorted: looked up by binary search.
pub(super) const GENERIC: &[&str] = &[
    "a",
    "about",
    "access",
    "added",
    "advisory",
    "after",
    "all",
    "allows",
    "alpha",
    "an",
    "and",
    "announcement",
    "announcing",
    "api",
    "april",
    "arbitrary",
    "are",
    "as",
    "at",
    "august",
    "available",
    "be",
    "beta",
    "better",
    "blog",
    "breaking",
    "bug",
    "bugfix",
    "build",
    "building",
    "but",
    "by",
    "bypass",
    "can",
    "changed",
    "changelog",
    "ci",
    "client",
    "code",
    "community",
    "condition",
    "crash",
    "critical",
    "cve",
    "data",
    "day",
    "deadlock",
    "december",
    "denial",
    "deprecated",
    "devops",
    "disclosure",
    "do",
    "docs",
    "does",
    "don't",
    "due",
    "engineering",
    "error",
    "errors",
    "execution",
    "exposure",
    "fails",
    "failure",
    "february",
    "final",
    "first",
    "fix",
    "fixed",
    "fixes",
    "for",
    "friday",
    "from",
    "future",
    "get",
    "getting",
    "guide",
    "has",
    "have",
    "header",
    "headers",
    "here",
    "high",
    "how",
    "i",
    "important",
    "improper",
    "improved",
    "in",
    "incorrect",
    "information",
    "injection",
    "input",
    "into",
    "intro",
    "introducing",
    "introduction",
    "is",
    "issue",
    "issues",
    "it",
    "it's",
    "its",
    "january",
    "july",
    "june",
    "last",
    "latest",
    "launch",
    "leads",
    "leak",
    "leaks",
    "learned",
    "lessons",
    "look",
    "low",
    "lts",
    "major",
    "march",
    "may",
    "medium",
    "meet",
    "memory",
    "minor",
    "missing",
    "moderate",
    "monday",
    "month",
    "more",
    "moving",
    "multiple",
    "my",
    "new",
    "news",
    "next",
    "no",
    "not",
    "notes",
    "november",
    "now",
    "october",
    "of",
    "on",
    "one",
    "or",
    "other",
    "our",
    "out",
    "overflow",
    "panic",
    "panics",
    "part",
    "patch",
    "path",
    "performance",
    "possible",
    "post",
    "postmortem",
    "potential",
    "preview",
    "production",
    "q1",
    "q2",
    "q3",
    "q4",
    "race",
    "rc",
    "recap",
    "regression",
    "release",
    "released",
    "releases",
    "remote",
    "report",
    "request",
    "response",
    "saturday",
    "security",
    "sensitive",
    "september",
    "server",
    "service",
    "several",
    "severity",
    "should",
    "so",
    "some",
    "stable",
    "state",
    "sunday",
    "support",
    "team",
    "teams",
    "that",
    "the",
    "there",
    "this",
    "thoughts",
    "thursday",
    "tips",
    "to",
    "today",
    "tooling",
    "traversal",
    "tricks",
    "tuesday",
    "two",
    "unbounded",
    "uncontrolled",
    "unsafe",
    "untrusted",
    "update",
    "updated",
    "updates",
    "upgrade",
    "use",
    "user",
    "users",
    "using",
    "v",
    "validation",
    "version",
    "via",
    "vs",
    "vulnerabilities",
    "vulnerability",
    "we",
    "we're",
    "wednesday",
    "week",
    "weekly",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "year",
    "yet",
    "you",
    "your",
];

pub(super) fn is_generic(lower: &str) -> bool {
    GENERIC.binary_search(&lower).is_ok()
}
