//! `radar digest`: collect one week's view model and render it.
//!
//! All data gathering is in [`collect_input`]; the renderers in
//! `crate::digest` never see the index or the config.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::Context;
use crate::audit::{self, Finding, FindingKind, SeverityLevel as AuditLevel};
use crate::cli::DigestArgs;
use crate::config::{self, ConfigError, StackConfig, TechConfig};
use crate::digest::{
    self, ActionItem, Blip, DigestInput, EmergingTerm, Format, IsoWeek, Movement, ProposedMove,
    ReleaseGroup, ReleaseItem, Severity, SeverityLevel,
};
use crate::index::RadarIndex;
use crate::model::{Advisory, Event, Informational, Item, ItemKind, Ring};
use crate::radar::Entry;
use crate::trend::{self, TrackedTerm, TrendOptions};

pub fn digest(ctx: &Context, args: &DigestArgs) -> Result<u8> {
    let week = match &args.week {
        Some(w) => IsoWeek::parse(w)?,
        None => IsoWeek::last_complete(ctx.now),
    };
    let format = match (&args.format, &args.out) {
        (Some(f), _) => Format::parse(f)?,
        // `--out digest.html` says what it wants.
        (None, Some(out)) => out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| Format::parse(e).ok())
            .unwrap_or(Format::Markdown),
        (None, None) => Format::Markdown,
    };
    let input = collect_input(ctx, week, ctx.now)?;
    let text = digest::render(&input, format);
    let out = match (&args.out, format) {
        (Some(p), _) => Some(ctx.cwd.join(p)),
        // A page is only useful as a file; Markdown goes to stdout.
        (None, Format::Html) => Some(default_out_dir(ctx).join(format!("digest-{week}.html"))),
        (None, Format::Markdown) => None,
    };
    match out {
        Some(path) => {
            write_atomically(&path, &text)?;
            println!("{}", crate::terminal::clean(&path.display().to_string()));
        }
        None => print_clean(&text)?,
    }
    Ok(0)
}

/// Writes the week's digest as `digest-WEEK.html` and `digest-WEEK.md` in
/// `out_dir`: what `radar run`, the scheduled digest job and the demo leave
/// behind. Returns the HTML path, the one to open.
pub fn write_digest_files(
    ctx: &Context,
    week: IsoWeek,
    now: DateTime<Utc>,
    out_dir: &std::path::Path,
) -> Result<PathBuf> {
    let input = collect_input(ctx, week, now)?;
    let html = out_dir.join(format!("digest-{week}.html"));
    write_atomically(&html, &digest::render(&input, Format::Html))?;
    write_atomically(
        &out_dir.join(format!("digest-{week}.md")),
        &digest::render(&input, Format::Markdown),
    )?;
    Ok(html)
}

/// Prints to stdout. Renderers already strip control characters; cleaning
/// each line again keeps the terminal safe even if one ever forgets. A
/// closed pipe (`radar digest | head`) is a normal end, not an error.
fn print_clean(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let result = text
        .lines()
        .try_for_each(|line| writeln!(out, "{}", crate::terminal::clean(line)))
        .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write the digest to stdout")
        }
        _ => Ok(()),
    }
}

/// `[digest] out_dir` of radar.toml, else the current folder.
fn default_out_dir(ctx: &Context) -> PathBuf {
    match ctx.config() {
        Ok(c) => c.digest.out_dir,
        Err(_) => ctx.cwd.clone(),
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Everything the digest of `week` shows, gathered from what exists today:
///
/// - the stack (`stack.toml` next to radar.toml): every tech is a radar blip
///   (no movement yet) and the set of packages we care about;
/// - the index: releases published in the week that match a tech (by
///   package key, or by the tech's name or alias as a word of the source
///   name or title), grouped per tech, majors flagged against the version
///   we run (stack.toml's, else the highest in the lockfiles);
/// - action needed: advisories published or modified in the week (withdrawn
///   ones never). Where `radar audit` can evaluate the package (it is in a
///   `[[lockfile]]`, or a `[[tech]]` has package and version), only its
///   findings count: the version really is affected (`confirmed = true`),
///   with fixed versions and upgrade advice from the matcher, warnings
///   (unmaintained, unsound, notice) as `Severity::informational()`. A
///   stack package audit cannot evaluate (no version known) is matched by
///   name only (`confirmed = false`), so the lead still hears about it.
///
/// - the radar: every entry with a ring (stack.toml's techs as the entries
///   have them, then entries not in the stack, as `radar update` tracks
///   them), marked new / moved in / moved out from `[[history]]` dated in
///   the week;
/// - proposals: entries whose `proposed` ring awaits review, strongest
///   signals first;
/// - emerging: terms `radar trends` finds rising over the 12 weeks that end
///   with the digest's week.
pub fn collect_input(ctx: &Context, week: IsoWeek, now: DateTime<Utc>) -> Result<DigestInput> {
    let mut stack_path = None;
    let mut entries_path = None;
    let stack = match ctx.config() {
        Ok(cfg) if cfg.stack_path.is_file() => {
            let stack = config::load_stack(&cfg.stack_path)?;
            stack_path = Some(cfg.stack_path);
            entries_path = Some(cfg.entries_path);
            stack
        }
        Ok(cfg) => {
            entries_path = Some(cfg.entries_path.clone());
            tracing::warn!(
                "{} not found: the digest shows no stack releases, advisories or radar",
                cfg.stack_path.display()
            );
            StackConfig::default()
        }
        Err(e)
            if ctx.global.index.is_some()
                && matches!(e.downcast_ref::<ConfigError>(), Some(ConfigError::NotFound)) =>
        {
            tracing::warn!("no radar.toml: the digest has no stack to match against");
            StackConfig::default()
        }
        Err(e) => return Err(e),
    };
    let index_path = ctx.index_path()?;
    if !index_path.exists() {
        bail!(
            "no index at {}: run `radar crawl` (or `radar ingest PATH`) first",
            index_path.display()
        );
    }
    let index = ctx.open_index()?;
    let items = index.all_items()?;
    let techs = &stack.techs;
    let matcher = StackMatcher::new(techs);
    let in_use = packages_in_use(&stack, stack_path.as_deref());
    // What we run: stack.toml's version, else the lockfiles'.
    let current = |tech: &TechConfig| {
        tech.version.clone().or_else(|| {
            let key = canonical_key(tech.package.as_deref()?);
            in_use.as_ref()?.versions.get(&key).cloned()
        })
    };

    let mut groups: BTreeMap<&str, ReleaseGroup> = BTreeMap::new();
    let mut week_advisories: Vec<(&Item, &Advisory)> = Vec::new();
    for item in &items {
        match item.kind {
            ItemKind::Release => {
                if !item.published.is_some_and(|p| week.contains(p)) {
                    continue;
                }
                let Some(tech) = matcher.release_tech(item) else {
                    continue;
                };
                let version = release_version(&item.title);
                let major = version
                    .as_deref()
                    .is_some_and(|v| is_major(v, current(tech).as_deref()));
                groups
                    .entry(tech.name.as_str())
                    .or_insert_with(|| ReleaseGroup {
                        tech: tech.name.clone(),
                        current: current(tech),
                        items: Vec::new(),
                    })
                    .items
                    .push(ReleaseItem {
                        title: item.title.clone(),
                        version,
                        major,
                        url: item.url.clone(),
                        published: item.published,
                    });
            }
            ItemKind::Advisory => {
                if let Some(adv) = &item.advisory
                    && adv.withdrawn.is_none()
                    && advisory_in_week(item, adv, week)
                {
                    week_advisories.push((item, adv));
                }
            }
            ItemKind::Article => {}
        }
    }

    let audited = if week_advisories.is_empty() {
        None // nothing to confirm: skip reading lockfiles
    } else {
        in_use
            .as_ref()
            .and_then(|u| audit_stack(&index, &stack, stack_path.as_deref(), now, u))
    };
    let action_needed = action_items(&week_advisories, &matcher, audited.as_ref());

    // Entries (radar/entries) are the radar as the team decided it; before
    // the first `radar update` there are none and stack.toml is the radar.
    let entries = match &entries_path {
        Some(p) => crate::radar::load_entries(p)?,
        None => Vec::new(),
    };
    let tracked = crate::radar::merge::tracked(&stack, &entries);
    let by_name: HashMap<String, &Entry> = entries
        .iter()
        .map(|e| (e.name.trim().to_lowercase(), e))
        .collect();
    let radar = tracked
        .iter()
        .filter_map(|t| {
            let ring = t.current?;
            let entry = by_name.get(&t.tech.name.trim().to_lowercase());
            Some(Blip {
                name: t.tech.name.clone(),
                quadrant: t.tech.quadrant,
                ring,
                movement: entry.map_or(Movement::Unchanged, |e| movement(e, ring, week)),
            })
        })
        .collect();
    let proposals = entries.iter().filter_map(proposal).collect();
    let emerging = emerging(&items, &stack, &tracked, week);

    Ok(DigestInput {
        title: "Tech radar".to_string(),
        week,
        generated: now,
        action_needed,
        releases: groups.into_values().collect(),
        emerging,
        proposals,
        radar,
    })
}

/// What happened to an entry during `week`, from its `[[history]]`: placed
/// for the first time (new), or moved relative to where it stood before the
/// week. Moving out and back in the same week is no change.
fn movement(entry: &Entry, ring: Ring, week: IsoWeek) -> Movement {
    let (start, end) = (week.first_day(), week.last_day());
    // By date, not file order: a hand-edited history may be out of order.
    let Some(first_this_week) = entry
        .history
        .iter()
        .filter(|h| start <= h.date && h.date <= end)
        .min_by_key(|h| h.date)
    else {
        return Movement::Unchanged;
    };
    let before = entry
        .history
        .iter()
        .filter(|h| h.date < start)
        .max_by_key(|h| h.date);
    match before.map(|h| h.ring).or(first_this_week.from) {
        None => Movement::New,
        Some(from) => Movement::between(from, ring),
    }
}

/// A pending proposal as the digest shows it: strongest signals first.
fn proposal(entry: &Entry) -> Option<ProposedMove> {
    let to = entry.pending()?;
    let mut signals: Vec<_> = entry.signals.iter().collect();
    signals.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    Some(ProposedMove {
        name: entry.name.clone(),
        quadrant: entry.quadrant,
        from: entry.ring,
        to,
        reasons: signals.iter().map(|s| s.because.clone()).collect(),
        links: signals
            .iter()
            .flat_map(|s| s.url.iter().chain(s.evidence.iter()))
            .cloned()
            .collect(),
    })
}

/// Rising terms over the 12 weeks ending with the digest's week, as
/// `radar trends` computes them (same options, same tracked terms).
fn emerging(
    items: &[Item],
    stack: &StackConfig,
    tracked: &[crate::score::Tracked],
    week: IsoWeek,
) -> Vec<EmergingTerm> {
    let stack_names: std::collections::HashSet<String> = stack
        .techs
        .iter()
        .map(|t| t.name.trim().to_lowercase())
        .collect();
    let terms: Vec<TrackedTerm> = tracked
        .iter()
        .map(|t| TrackedTerm {
            in_stack: stack_names.contains(&t.tech.name.trim().to_lowercase()),
            name: t.tech.name.clone(),
            aliases: t.tech.aliases.clone(),
        })
        .collect();
    // The last instant of the week: it is the window's last (complete) week.
    let end = week.end() - chrono::Duration::seconds(1);
    let report = trend::trends(items, &terms, end, &TrendOptions::default());
    report
        .terms
        .into_iter()
        .filter(|t| t.rising)
        .map(|t| EmergingTerm {
            term: t.term,
            weekly_counts: t
                .counts
                .iter()
                .map(|&c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect(),
            growth: t.growth,
            in_stack: t.in_stack,
        })
        .collect()
}

/// Finds which tech of our stack an item is about, in one pass over the
/// item's words (a week can hold thousands of items and a stack hundreds of
/// techs, so no item × tech loop).
struct StackMatcher<'a> {
    techs: &'a [TechConfig],
    /// Lower-cased `ecosystem/name` → first tech with that package.
    by_package: HashMap<String, usize>,
    /// Lower-cased single-word name or alias → first tech with it.
    by_name: HashMap<String, usize>,
    /// Lower-cased multi-word names ("trunk-based development"), matched as
    /// phrases.
    phrases: Vec<(String, usize)>,
}

impl<'a> StackMatcher<'a> {
    fn new(techs: &'a [TechConfig]) -> StackMatcher<'a> {
        let mut m = StackMatcher {
            techs,
            by_package: HashMap::new(),
            by_name: HashMap::new(),
            phrases: Vec::new(),
        };
        for (i, t) in techs.iter().enumerate() {
            if let Some(p) = &t.package {
                m.by_package.entry(p.to_lowercase()).or_insert(i);
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

    fn package(&self, key: &str) -> Option<usize> {
        self.by_package.get(&key.to_lowercase()).copied()
    }

    /// The tech a release is about: by package key, else by the tech's name
    /// or alias as a word of the source name or title. When several match,
    /// the one listed first in stack.toml wins.
    fn release_tech(&self, item: &Item) -> Option<&'a TechConfig> {
        let by_package = item.packages.iter().filter_map(|k| self.package(k)).min();
        let found = by_package.or_else(|| {
            [item.source.as_str(), item.title.as_str()]
                .iter()
                .flat_map(|text| {
                    let lower = text.to_lowercase();
                    let mut hits: Vec<usize> = words(&lower)
                        .flat_map(name_candidates)
                        .filter_map(|c| self.by_name.get(c).copied())
                        .collect();
                    hits.extend(
                        self.phrases
                            .iter()
                            .filter(|(p, _)| lower.contains(p.as_str()))
                            .map(|(_, i)| *i),
                    );
                    hits
                })
                .min()
        })?;
        self.techs.get(found)
    }
}

/// Words of a source name or title: runs of letters, digits, `-`, `_`, `.`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
}

/// The names a word can stand for: itself, and what precedes a version
/// suffix (`tokio-1.40.0`, `tokio@1.40.0`, `axum-v0.8.0` → `tokio`, `axum`).
/// `tokio-util` stands only for `tokio-util`.
fn name_candidates(word: &str) -> impl Iterator<Item = &str> {
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
fn release_version(title: &str) -> Option<String> {
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

/// `(major, minor, patch)` of `1.2.3`, `17.2`, `2.0.0-rc.1` (missing parts 0).
fn numeric(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim_start_matches(['v', 'V']).split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    let patch = parts.next().unwrap_or(Ok(0)).ok()?;
    Some((major, minor, patch))
}

/// A release that breaks compatibility with what we run: a higher major, or
/// a higher minor of a 0.x (Cargo's rule). Without a current version, any
/// `X.0.0` counts.
fn is_major(new: &str, current: Option<&str>) -> bool {
    let Some(n) = numeric(new) else {
        return false;
    };
    match current.and_then(numeric) {
        Some(c) if c.0 == 0 && n.0 == 0 => n.1 > c.1,
        Some(c) => n.0 > c.0,
        None => n.0 >= 1 && n.1 == 0 && n.2 == 0,
    }
}

fn advisory_in_week(item: &Item, adv: &Advisory, week: IsoWeek) -> bool {
    [item.published, adv.published, adv.modified]
        .into_iter()
        .flatten()
        .any(|t| week.contains(t))
}

/// The packages the stack pins (lockfiles and versioned `[[tech]]`
/// entries), as audit reads them.
struct InUse {
    /// Canonical, lower-cased `ecosystem/name` → highest version in use.
    versions: HashMap<String, String>,
}

/// `None` when the stack pins nothing, or (with a warning) when a lockfile
/// cannot be read: then advisories are matched by package name only.
fn packages_in_use(stack: &StackConfig, stack_path: Option<&Path>) -> Option<InUse> {
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
                let v = versions.entry(p.key().to_lowercase()).or_default();
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

/// What `radar audit` found, and which packages it could evaluate.
struct Audited<'a> {
    report: audit::Report,
    in_use: &'a InUse,
}

/// Runs the audit over the stack's lockfiles and versioned techs; `None`
/// (with a warning) when it fails.
fn audit_stack<'a>(
    index: &RadarIndex,
    stack: &StackConfig,
    stack_path: Option<&Path>,
    now: DateTime<Utc>,
    in_use: &'a InUse,
) -> Option<Audited<'a>> {
    let options = audit::AuditOptions::default();
    match audit::run_stack(index, stack, stack_path, None, now, &options) {
        Ok(report) => Some(Audited { report, in_use }),
        Err(e) => {
            tracing::warn!(
                "digest: audit could not run ({e}); advisories are matched by package name only"
            );
            None
        }
    }
}

/// `crates.io/Foo_Bar` → the key audit uses (PyPI names normalised), lower-cased.
fn canonical_key(package: &str) -> String {
    match package.split_once('/') {
        Some((eco, name)) => {
            crate::model::package_key(eco, &crate::model::canonical_name(eco, name))
        }
        None => package.to_string(),
    }
    .to_lowercase()
}

/// Action items for the week's advisories: audit findings first (confirmed),
/// then name-only matches for stack packages audit could not evaluate.
fn action_items(
    week: &[(&Item, &Advisory)],
    stack: &StackMatcher,
    audited: Option<&Audited>,
) -> Vec<ActionItem> {
    let mut out = Vec::new();
    if let Some(a) = audited {
        let by_id: HashMap<&str, (&Item, &Advisory)> = week
            .iter()
            .flat_map(|&(item, adv)| {
                std::iter::once(adv.id.as_str())
                    .chain(adv.aliases.iter().map(String::as_str))
                    .map(move |id| (id, (item, adv)))
            })
            .collect();
        for f in a.report.vulnerabilities.iter().chain(&a.report.warnings) {
            if f.kind == FindingKind::Yanked {
                continue; // not an advisory: `radar audit` lists it
            }
            if let Some(&(item, adv)) = f.ids().find_map(|id| by_id.get(id)) {
                out.push(finding_action(f, item, adv));
            }
        }
    }
    for &(item, adv) in week {
        out.extend(
            advisory_actions(item, adv, stack)
                .into_iter()
                .filter(|(pkg, _)| {
                    audited.is_none_or(|a| !a.in_use.versions.contains_key(&canonical_key(pkg)))
                })
                .map(|(_, action)| action),
        );
    }
    out
}

/// An audit finding as the digest shows it.
fn finding_action(f: &Finding, item: &Item, adv: &Advisory) -> ActionItem {
    let severity = match (f.kind, f.score, f.severity) {
        (FindingKind::Vulnerability, Some(score), _) => Severity::from_score(Some(score)),
        (FindingKind::Vulnerability, None, Some(level)) => Severity {
            level: match level {
                AuditLevel::Critical => SeverityLevel::Critical,
                AuditLevel::High => SeverityLevel::High,
                AuditLevel::Medium => SeverityLevel::Medium,
                AuditLevel::Low => SeverityLevel::Low,
            },
            score: None,
        },
        (FindingKind::Vulnerability, None, None) => Severity::from_score(None),
        _ => Severity::informational(),
    };
    let place = Path::new(&f.lockfile)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hint = match f.kind {
        FindingKind::Unmaintained => format!("Unmaintained: plan a replacement for {}", f.package),
        FindingKind::Unsound => {
            format!(
                "Unsound: check whether we use the affected {} API",
                f.package
            )
        }
        FindingKind::Notice | FindingKind::Yanked => format!("Notice about {}: read it", f.package),
        FindingKind::Vulnerability if !f.upgrade.is_empty() => format!(
            "Upgrade {} {} to {} ({place})",
            f.package,
            f.version,
            f.upgrade.join(" or ")
        ),
        FindingKind::Vulnerability => match f.last_affected.first() {
            Some(last) => format!(
                "No fixed {} yet (affected up to {last}): check the advisory for a workaround",
                f.package
            ),
            None => format!(
                "No fixed {} version yet: check the advisory for a workaround",
                f.package
            ),
        },
    };
    let mut ids = vec![f.id.clone()];
    ids.extend(f.aliases.iter().filter(|a| **a != f.id).cloned());
    ActionItem {
        severity,
        package: f.package.clone(),
        version: Some(f.version.clone()),
        confirmed: true,
        fixed: f.fixed.clone(),
        hint,
        summary: if f.title.trim().is_empty() {
            item.title.clone()
        } else {
            f.title.clone()
        },
        ids,
        links: f
            .url
            .iter()
            .chain(item.url.iter())
            .chain(adv.references.iter())
            .cloned()
            .collect(),
        published: adv.published.or(item.published),
    }
}

/// One action item per tech of ours that the advisory names (by package
/// key only: versions are not checked here).
fn advisory_actions(
    item: &Item,
    adv: &Advisory,
    stack: &StackMatcher,
) -> Vec<(String, ActionItem)> {
    let mut ours: Vec<usize> = adv
        .affected
        .iter()
        .map(|a| a.package_key())
        .chain(item.packages.iter().cloned())
        .filter_map(|k| stack.package(&k))
        .collect();
    ours.sort_unstable();
    ours.dedup();
    let mut out = Vec::new();
    for tech in ours.into_iter().filter_map(|i| stack.techs.get(i)) {
        let Some(pkg) = &tech.package else { continue };
        let affected: Vec<_> = adv
            .affected
            .iter()
            .filter(|a| a.package_key().eq_ignore_ascii_case(pkg))
            .collect();
        let mut fixed: Vec<String> = affected
            .iter()
            .flat_map(|a| &a.ranges)
            .flat_map(|r| &r.events)
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        fixed.sort_by(|a, b| numeric(a).cmp(&numeric(b)).then_with(|| a.cmp(b)));
        fixed.dedup();
        let severity = if adv.informational.is_some() {
            Severity::informational()
        } else {
            Severity::from_score(
                adv.severity
                    .iter()
                    .filter_map(|s| s.score)
                    .max_by(f64::total_cmp),
            )
        };
        let mut ids = vec![adv.id.clone()];
        ids.extend(adv.aliases.iter().filter(|a| **a != adv.id).cloned());
        let links = item
            .url
            .iter()
            .chain(adv.references.iter())
            .cloned()
            .collect();
        out.push((
            pkg.clone(),
            ActionItem {
                severity,
                package: tech.name.clone(),
                version: tech.version.clone(),
                confirmed: false,
                hint: upgrade_hint(
                    &tech.name,
                    tech.version.as_deref(),
                    &fixed,
                    adv.informational,
                ),
                fixed,
                summary: if adv.summary.trim().is_empty() {
                    item.title.clone()
                } else {
                    adv.summary.clone()
                },
                ids,
                links,
                published: adv.published.or(item.published),
            },
        ));
    }
    out
}

/// One line a lead can act on.
fn upgrade_hint(
    name: &str,
    current: Option<&str>,
    fixed: &[String],
    informational: Option<Informational>,
) -> String {
    match informational {
        Some(Informational::Unmaintained) => {
            return format!("Unmaintained: plan a replacement for {name}");
        }
        Some(Informational::Unsound) => {
            return format!("Unsound: check whether we use the affected {name} API");
        }
        Some(Informational::Notice | Informational::Other) => {
            return format!("Notice about {name}: read it");
        }
        None => {}
    }
    // The smallest fix above what we run (fixes usually exist per branch).
    let target = match current.and_then(numeric) {
        Some(c) => fixed
            .iter()
            .find(|f| numeric(f).is_some_and(|n| n > c))
            .or(fixed.last()),
        None => fixed.first(),
    };
    match target {
        Some(v) => format!("Upgrade {name} to {v} or later"),
        None => format!("No fixed {name} version yet: check the advisory for a workaround"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_release_titles() {
        for (title, want) in [
            ("tokio-1.41.1", Some("1.41.1")),
            ("Tokio v1.41.1", Some("1.41.1")),
            ("PostgreSQL 17.2 released", Some("17.2")),
            ("axum v0.8.0-rc.1", Some("0.8.0-rc.1")),
            ("express@5.0.0", Some("5.0.0")),
            ("Release notes for 2026-11-20", None),
            ("Kubernetes v1.31.4.", Some("1.31.4")),
            ("dev1.2 nonsense", None),
            ("Python 3.13", Some("3.13")),
        ] {
            assert_eq!(release_version(title).as_deref(), want, "{title}");
        }
    }

    #[test]
    fn majors_are_judged_against_what_we_run() {
        assert!(is_major("2.0.0", Some("1.38.0")));
        assert!(!is_major("1.41.0", Some("1.38.0")));
        assert!(is_major("0.8.0", Some("0.7.9")));
        assert!(!is_major("0.7.10", Some("0.7.9")));
        assert!(is_major("17.2", Some("16.4")));
        assert!(is_major("3.0.0", None));
        assert!(!is_major("3.0.1", None));
    }

    #[test]
    fn tech_names_match_whole_words() {
        let cands = |w: &str| name_candidates(w).map(str::to_string).collect::<Vec<_>>();
        assert_eq!(cands("tokio"), ["tokio"]);
        assert_eq!(cands("tokio-1.41.1"), ["tokio-1.41.1", "tokio"]);
        assert_eq!(cands("tokio@1.4"), ["tokio@1.4", "tokio"]);
        assert_eq!(cands("axum-v0.8.0"), ["axum-v0.8.0", "axum"]);
        assert_eq!(cands("tokio-util"), ["tokio-util"]);
        assert_eq!(
            cands("tokio-util-0.7.1"),
            ["tokio-util-0.7.1", "tokio-util"]
        );
    }

    #[test]
    fn releases_match_the_first_tech_by_package_then_name() {
        let stack = crate::config::parse_stack(
            r#"
[[tech]]
name = "tokio"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/tokio"
[[tech]]
name = "PostgreSQL"
quadrant = "platforms"
ring = "adopt"
aliases = ["postgres"]
[[tech]]
name = "Trunk-based development"
quadrant = "techniques"
ring = "adopt"
"#,
            Path::new("stack.toml"),
        )
        .unwrap();
        let m = StackMatcher::new(&stack.techs);
        let release = |source: &str, title: &str, packages: &[&str]| Item {
            id: "x".into(),
            kind: ItemKind::Release,
            source: source.into(),
            title: title.into(),
            body: String::new(),
            url: None,
            published: None,
            packages: packages.iter().map(|p| p.to_string()).collect(),
            tags: vec![],
            advisory: None,
        };
        let name = |i: &Item| m.release_tech(i).map(|t| t.name.as_str());
        assert_eq!(
            name(&release("feed", "v1.2.3", &["crates.io/Tokio"])),
            Some("tokio")
        );
        assert_eq!(
            name(&release("Postgres news", "17.2 released", &[])),
            Some("PostgreSQL")
        );
        assert_eq!(name(&release("gh", "tokio-1.41.1", &[])), Some("tokio"));
        assert_eq!(name(&release("gh", "tokio-util 0.7.13", &[])), None);
        assert_eq!(
            name(&release("blog", "On trunk-based development", &[])),
            Some("Trunk-based development")
        );
        assert_eq!(
            name(&release("blog", "PostgreSQL and tokio", &[])),
            Some("tokio"),
            "stack order wins"
        );
    }

    #[test]
    fn an_advisory_changed_this_week_counts_even_if_published_earlier() {
        let at = |s: &str| Some(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
        let week = IsoWeek::parse("2026-W48").unwrap();
        let item = Item {
            id: "x".into(),
            kind: ItemKind::Advisory,
            source: "osv".into(),
            title: "t".into(),
            body: String::new(),
            url: None,
            published: at("2025-01-01T00:00:00Z"),
            packages: vec![],
            tags: vec![],
            advisory: None,
        };
        let mut adv = Advisory {
            published: at("2025-01-01T00:00:00Z"),
            modified: at("2026-11-25T00:00:00Z"),
            ..Advisory::default()
        };
        assert!(advisory_in_week(&item, &adv, week));
        adv.modified = at("2026-11-30T00:00:00Z");
        assert!(
            !advisory_in_week(&item, &adv, week),
            "next Monday is outside"
        );
    }

    #[test]
    fn hint_picks_the_smallest_fix_above_our_version() {
        let fixed = vec!["1.4.2".to_string(), "1.5.1".to_string()];
        assert_eq!(
            upgrade_hint("hyper", Some("1.5.0"), &fixed, None),
            "Upgrade hyper to 1.5.1 or later"
        );
        assert_eq!(
            upgrade_hint("hyper", Some("1.4.0"), &fixed, None),
            "Upgrade hyper to 1.4.2 or later"
        );
        assert_eq!(
            upgrade_hint("hyper", None, &[], None),
            "No fixed hyper version yet: check the advisory for a workaround"
        );
        assert!(
            upgrade_hint("x", None, &[], Some(Informational::Unmaintained)).contains("replacement")
        );
    }
}
