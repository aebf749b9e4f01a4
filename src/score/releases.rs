//! Releases: which release items announce which technology, and the
//! version each announces. Only a source bound to the technology can
//! announce its release: an item carrying the tech's package (a
//! `package = …` source, a `crate`/`pypi`/`npm` shorthand, a registry
//! source derived from the stack) or a GitHub release link into the tech's
//! own `repo`. A title naming the tech next to a version, anywhere else, is
//! news (the digest shows it as such), never a release: any blog could
//! write "tokio 9.9.9".

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;

use super::{Evidence, RECENT_RELEASE_DAYS, STALE_DAYS, W_NEW_MAJOR, W_RECENT_RELEASE, W_STALE};
use super::{Signal, SignalKind};
use crate::config::TechConfig;
use crate::model::{Item, ItemKind};

/// A release item attributed to a tech, with the version it announces.
#[derive(Debug, Clone)]
pub(super) struct Release<'a> {
    version: Version,
    published: Option<DateTime<Utc>>,
    item: &'a Item,
}

pub(super) fn release_signals(
    name: &str,
    releases: &[Release<'_>],
    in_use: Option<&str>,
    now: DateTime<Utc>,
    ev: &mut Evidence,
) {
    let dated: Vec<&Release> = releases.iter().filter(|r| r.published.is_some()).collect();
    let stable: Vec<&Release> = dated.iter().copied().filter(|r| !r.version.pre).collect();
    if let Some(r) = latest(&stable) {
        let published = r.published.unwrap_or(now);
        let age = now - published;
        if age <= Duration::days(RECENT_RELEASE_DAYS) && age >= Duration::zero() {
            ev.push(Signal {
                kind: SignalKind::Release,
                weight: W_RECENT_RELEASE,
                because: format!("{name} {} released {}", r.version.text, date(published)),
                url: r.item.url.clone(),
                evidence: Vec::new(),
            });
        }
    }
    // Staleness looks at any release, prereleases included: a project
    // shipping betas is not abandoned.
    if let Some(r) = latest(&dated) {
        let published = r.published.unwrap_or(now);
        if now - published > Duration::days(STALE_DAYS) {
            ev.push(Signal {
                kind: SignalKind::Staleness,
                weight: W_STALE,
                because: format!(
                    "no release since {} ({} {}); over 18 months",
                    date(published),
                    name,
                    r.version.text
                ),
                url: r.item.url.clone(),
                evidence: Vec::new(),
            });
        }
    }
    let Some(in_use) = in_use.and_then(Version::parse) else {
        return;
    };
    let newest_major = stable
        .iter()
        .filter(|r| r.version.compat() > in_use.compat())
        .max_by(|a, b| a.version.cmp(&b.version).then(b.item.id.cmp(&a.item.id)));
    if let Some(r) = newest_major {
        ev.push(Signal {
            kind: SignalKind::Major,
            weight: W_NEW_MAJOR,
            because: format!(
                "{name} {} is a new major (you run {}): trial the upgrade",
                r.version.text, in_use.text
            ),
            url: r.item.url.clone(),
            evidence: Vec::new(),
        });
    }
}

/// The latest release by date (ties: higher version, then id), so the
/// choice does not depend on item order.
fn latest<'b, 'a>(list: &[&'b Release<'a>]) -> Option<&'b Release<'a>> {
    list.iter().copied().max_by(|a, b| {
        a.published
            .cmp(&b.published)
            .then(a.version.cmp(&b.version))
            .then(b.item.id.cmp(&a.item.id))
    })
}

fn date(d: DateTime<Utc>) -> NaiveDate {
    d.date_naive()
}

/// Which tech each release item announces.
pub(super) struct ReleaseIndex<'a> {
    per_tech: Vec<Vec<Release<'a>>>,
}

impl<'a> ReleaseIndex<'a> {
    pub(super) fn build(techs: &[&TechConfig], items: &'a [Item]) -> ReleaseIndex<'a> {
        let mut by_package: HashMap<String, usize> = HashMap::new();
        let mut by_repo: HashMap<String, usize> = HashMap::new();
        for (n, t) in techs.iter().enumerate() {
            if let Some(p) = &t.package {
                by_package
                    .entry(crate::model::canonical_key(p))
                    .or_insert(n);
            }
            if let Some(r) = &t.repo {
                by_repo
                    .entry(r.trim().trim_matches('/').to_lowercase())
                    .or_insert(n);
            }
        }
        let mut per_tech: Vec<Vec<Release<'a>>> = vec![Vec::new(); techs.len()];
        for item in items.iter().filter(|i| i.kind == ItemKind::Release) {
            for (n, version) in attribute(item, &by_package, &by_repo) {
                per_tech[n].push(Release {
                    version,
                    published: item.published,
                    item,
                });
            }
        }
        ReleaseIndex { per_tech }
    }

    pub(super) fn of(&self, n: usize) -> &[Release<'a>] {
        &self.per_tech[n]
    }
}

/// The techs a release item is authoritatively about, with its version: a
/// package-tagged item (from a source bound to the package) belongs to that
/// package; an untagged one only when its link is a GitHub release of the
/// tech's own `repo`.
fn attribute(
    item: &Item,
    by_package: &HashMap<String, usize>,
    by_repo: &HashMap<String, usize>,
) -> Vec<(usize, Version)> {
    let mut out: Vec<(usize, Version)> = Vec::new();
    let tagged: Vec<usize> = item
        .packages
        .iter()
        .filter_map(|p| by_package.get(&crate::model::canonical_key(p)).copied())
        .collect();
    if !tagged.is_empty() {
        if let Some(v) = first_version(&item.title) {
            for n in tagged {
                out.push((n, v.clone()));
            }
        }
        return out;
    }
    if !item.packages.is_empty() {
        // About some package outside the stack.
        return out;
    }
    if let Some(url) = &item.url
        && let Some(repo) = github_release_repo(url)
        && let Some(&n) = by_repo.get(&repo.to_lowercase())
        && let Some(v) = first_version(&item.title).or_else(|| {
            url.rsplit('/').next().and_then(|tag| {
                Version::parse(tag)
                    .or_else(|| tag.rsplit(['-', '@']).next().and_then(Version::parse))
            })
        })
    {
        out.push((n, v));
    }
    out
}

pub use crate::model::github_release_repo;

fn first_version(title: &str) -> Option<Version> {
    title.split_whitespace().find_map(|t| {
        Version::parse(t).or_else(|| {
            // `tokio-1.40.0` inside a title of a package-tagged item.
            t.rsplit(['-', '@']).next().and_then(Version::parse)
        })
    })
}

/// A version number read leniently from a release title or stack.toml:
/// `v1.2.3`, `1.2`, `5.1rc1`, `2.0.0-beta.1`, `^1.38`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    parts: [u64; 3],
    pre: bool,
    text: String,
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // A prerelease sorts before its release.
        self.parts
            .cmp(&other.parts)
            .then(other.pre.cmp(&self.pre))
            .then(self.text.cmp(&other.text))
    }
}

impl Version {
    pub(crate) fn parse(s: &str) -> Option<Version> {
        let s = s.trim_matches(|c: char| matches!(c, ':' | ',' | ')' | '(' | '"' | '\'' | ';'));
        let s = s.trim_start_matches(['^', '~', '=', '>', '<', ' ']);
        let (had_v, s) = match s.strip_prefix(['v', 'V']) {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let core_len = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let core = s[..core_len].trim_end_matches('.');
        let rest = &s[core_len..];
        let nums: Vec<&str> = core.split('.').collect();
        if core.is_empty() || nums.len() > 4 || nums.iter().any(|n| n.is_empty()) {
            return None;
        }
        // A bare number ("Web 2") is not a version; "v19" is.
        if nums.len() < 2 && !had_v {
            return None;
        }
        let mut parts = [0u64; 3];
        for (slot, n) in parts.iter_mut().zip(&nums) {
            *slot = n.parse().ok()?;
        }
        let rest_lower = rest.to_ascii_lowercase();
        let pre = !rest.is_empty()
            && !rest_lower.starts_with("post")
            && !rest_lower.starts_with(".post")
            && !rest.starts_with('+');
        // Words glued to a number ("1.2.3rc1" is a version, "3D" is not).
        if !rest.is_empty()
            && !rest.starts_with(['-', '+', '.'])
            && !["a", "b", "rc", "alpha", "beta", "pre", "dev", "post"]
                .iter()
                .any(|p| rest_lower.starts_with(p))
        {
            return None;
        }
        Some(Version {
            parts,
            pre,
            text: format!("{core}{rest}"),
        })
    }

    /// The part of the version that semver compatibility keys on: the
    /// major, or the minor for 0.x, or the patch for 0.0.x.
    fn compat(&self) -> (u64, u64, u64) {
        match self.parts {
            [0, 0, p] => (0, 0, p),
            [0, m, _] => (0, m, 0),
            [maj, _, _] => (maj, 0, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Quadrant, Ring};

    fn release(title: &str, url: &str, packages: &[&str]) -> Item {
        Item {
            id: format!("r-{title}"),
            kind: ItemKind::Release,
            source: "releases".into(),
            title: title.into(),
            body: String::new(),
            url: Some(url.into()),
            published: None,
            packages: packages.iter().map(|s| s.to_string()).collect(),
            tags: vec![],
            advisory: None,
        }
    }

    #[test]
    fn releases_come_only_from_sources_bound_to_the_tech() {
        let techs = [
            TechConfig {
                name: "tokio".into(),
                quadrant: Quadrant::LanguagesAndFrameworks,
                ring: Ring::Adopt,
                package: Some("crates.io/tokio".into()),
                version: None,
                aliases: vec![],
                repo: Some("tokio-rs/tokio".into()),
                eol: None,
            },
            TechConfig {
                name: "React".into(),
                quadrant: Quadrant::LanguagesAndFrameworks,
                ring: Ring::Adopt,
                package: Some("npm/react".into()),
                version: None,
                aliases: vec![],
                repo: None,
                eol: None,
            },
            // Spelled as a lead writes it; the derived source tags items
            // with the canonical key.
            TechConfig {
                name: "DRF".into(),
                quadrant: Quadrant::LanguagesAndFrameworks,
                ring: Ring::Adopt,
                package: Some("pypi/Django_REST_framework".into()),
                version: None,
                aliases: vec![],
                repo: None,
                eol: None,
            },
        ];
        let mk = release;
        let items = vec![
            mk("Tokio v1.47.1", "https://x/1", &["crates.io/tokio"]),
            mk(
                "v1.46.0",
                "https://github.com/tokio-rs/tokio/releases/tag/tokio-1.46.0",
                &[],
            ),
            mk("react@19.1.0", "https://x/4", &["npm/react"]),
            // News, not releases: a title anywhere else, a look-alike repo,
            // another package's source.
            mk("tokio 9.9.9", "https://news.example/tokio", &[]),
            mk("tokio-1.47.0", "https://x/2", &[]),
            mk("React v19", "https://x/3", &[]),
            mk(
                "tokio 9.9.9",
                "https://github.com/evil/tokio/releases/tag/v9.9.9",
                &[],
            ),
            mk("serde v1.0.1", "https://x/6", &["crates.io/serde"]),
            mk("3.15.2", "https://x/7", &["PyPI/django-rest-framework"]),
        ];
        let techs: Vec<&TechConfig> = techs.iter().collect();
        let idx = ReleaseIndex::build(&techs, &items);
        let v = |n: usize| -> Vec<String> {
            idx.of(n).iter().map(|r| r.version.text.clone()).collect()
        };
        assert_eq!(v(0), ["1.47.1", "1.46.0"]);
        assert_eq!(v(1), ["19.1.0"]);
        assert_eq!(v(2), ["3.15.2"]);
        assert_eq!(
            github_release_repo("https://github.com/tokio-rs/tokio/releases/tag/x"),
            Some("tokio-rs/tokio")
        );
        assert_eq!(
            github_release_repo("https://github.com/tokio-rs/tokio"),
            None
        );
    }

    #[test]
    fn versions_parse_leniently() {
        let ok = |s: &str| Version::parse(s).map(|v| (v.parts, v.pre));
        assert_eq!(ok("v1.2.3"), Some(([1, 2, 3], false)));
        assert_eq!(ok("1.2"), Some(([1, 2, 0], false)));
        assert_eq!(ok("5.1rc1"), Some(([5, 1, 0], true)));
        assert_eq!(ok("2.0.0-beta.1"), Some(([2, 0, 0], true)));
        assert_eq!(ok("4.2.post1"), Some(([4, 2, 0], false)));
        assert_eq!(ok("^1.38"), Some(([1, 38, 0], false)));
        assert_eq!(ok("v19"), Some(([19, 0, 0], false)));
        assert_eq!(ok("19"), None);
        assert_eq!(ok("3D"), None);
        assert_eq!(ok("1.x"), None);
        assert_eq!(ok("released"), None);
    }
}
