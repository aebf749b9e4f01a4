//! Gathers one week's `DigestInput` from the config, stack, index and radar
//! entries: the only part of the digest that reads anything. Matching
//! releases to techs and judging advisories are delegated to `stack` and
//! `actions`; nothing here renders or writes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::{self, ConfigError, StackConfig, TechConfig};
use crate::digest::{
    Blip, DigestInput, EmergingTerm, EolAction, IsoWeek, Movement, NewsItem, ProposedMove,
    ReleaseGroup, ReleaseItem,
};
use crate::index::{IndexError, RadarIndex};
use crate::model::{Advisory, Item, ItemKind, Ring};
use crate::radar::Entry;
use crate::radar::RadarError;
use crate::settings::Settings;
use crate::trend::{TrendCounter, TrendOptions, TrendReport};
use actions::{action_items, advisory_in_week, audit_stack};
use stack::{StackMatcher, canonical_key, is_major, numeric, packages_in_use, release_version};

mod actions;
mod stack;
#[cfg(test)]
mod tests;

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("no index at {}: run `radar crawl` (or `radar ingest PATH`) first", .0.display())]
    NoIndex(PathBuf),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Entries(#[from] RadarError),
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
pub fn collect(settings: &Settings, week: IsoWeek) -> Result<DigestInput, CollectError> {
    let now = settings.now;
    let mut stack_path = None;
    let mut entries_path = None;
    let stack = match settings.radar_config() {
        Ok(cfg) if cfg.stack_path.is_file() => {
            let mut stack = config::load_stack(&cfg.stack_path)?;
            let repos: Vec<String> = cfg.sources.iter().filter_map(|s| s.github_repo()).collect();
            crate::score::bind_source_repos(&mut stack.techs, &repos);
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
        Err(ConfigError::NotFound) if settings.index.is_some() => {
            tracing::warn!("no radar.toml: the digest has no stack to match against");
            StackConfig::default()
        }
        Err(e) => return Err(e.into()),
    };
    let index_path = settings.index_path()?;
    if !index_path.exists() {
        return Err(CollectError::NoIndex(index_path));
    }
    let index = RadarIndex::open_or_create(&index_path)?;
    // The week itself and the trend window before it (one week spare);
    // advisories by any of their dates in the week (they count in a week by
    // `modified` too). Older items cannot change this digest.
    let window = chrono::Duration::weeks(TrendOptions::default().weeks as i64 + 1);
    // Entries (radar/entries) are the radar as the team decided it; before
    // the first `radar update` there are none and stack.toml is the radar.
    let entries = match &entries_path {
        Some(p) => crate::radar::load_entries(p)?,
        None => Vec::new(),
    };
    let tracked = crate::update::tracked(&stack, &entries);
    // The digest's week is the window's last week, as `radar trends --week`.
    // Every item streams through the trend counter; only what the digest
    // shows is kept: the week's items, releases (the newest version each
    // tech announced) and advisories.
    let mut counter = TrendCounter::new(
        &crate::update::tracked_terms(&stack, &tracked),
        week.first_day(),
        &TrendOptions {
            first_seen: index.first_published_by_source()?,
            ..TrendOptions::default()
        },
    );
    let mut items: Vec<Item> = Vec::new();
    index.visit_in_range_and_advisories(
        week.start() - window,
        week.end(),
        week.start(),
        week.end(),
        |item| {
            counter.add(&item);
            if item.kind != ItemKind::Article || item.published.is_some_and(|p| week.contains(p)) {
                items.push(item);
            }
        },
    )?;
    items.sort_by(|a, b| a.id.cmp(&b.id));
    let trends = counter.finish_in_id_order();
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
    let mut news_items: Vec<(&Item, &TechConfig, String)> = Vec::new();
    // The newest version each tech's own sources announced, to judge what
    // other sources claim.
    let mut newest: HashMap<&str, String> = HashMap::new();
    for item in items.iter().filter(|i| i.kind == ItemKind::Release) {
        if let Some(tech) = matcher.release_tech(item)
            && let Some(v) = release_version(&item.title)
        {
            let e = newest.entry(tech.name.as_str()).or_default();
            if e.is_empty() || numeric(&v) > numeric(e) {
                *e = v;
            }
        }
    }
    for item in &items {
        let in_week = item.published.is_some_and(|p| week.contains(p));
        if in_week
            && item.kind != ItemKind::Advisory
            && !crate::sources::eol::is_eol_item(item)
            && !(item.kind == ItemKind::Release && matcher.release_tech(item).is_some())
            && item.packages.iter().all(|k| matcher.package(k).is_none())
            && let Some((tech, claimed)) = matcher.named_with_version(item)
        {
            news_items.push((item, tech, claimed));
        }
        match item.kind {
            ItemKind::Release => {
                if !in_week {
                    continue;
                }
                let Some(tech) = matcher.release_tech(item) else {
                    continue;
                };
                let version = release_version(&item.title);
                let major = version.as_deref().is_some_and(|v| {
                    is_major(v, current(tech).as_deref(), tech.package.as_deref())
                });
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

    let end_of_life = end_of_life(&index, techs, &current, now)?;
    let news = news_items
        .into_iter()
        .map(|(item, tech, claimed)| {
            let known = [newest.get(tech.name.as_str()).cloned(), current(tech)]
                .into_iter()
                .flatten()
                .max_by(|a, b| numeric(a).cmp(&numeric(b)));
            NewsItem {
                source: item.source.clone(),
                tech: tech.name.clone(),
                title: item.title.clone(),
                suspicious_above: known.filter(|k| far_above(&claimed, k)),
                claimed,
                url: item.url.clone(),
                published: item.published,
            }
        })
        .collect();
    let audited = if week_advisories.is_empty() {
        None // nothing to confirm: skip reading lockfiles
    } else {
        in_use
            .as_ref()
            .and_then(|u| audit_stack(&index, &stack, stack_path.as_deref(), now, u))
    };
    let action_needed = action_items(&week_advisories, &matcher, audited.as_ref());

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
    let emerging = emerging(trends);

    Ok(DigestInput {
        title: "Tech radar".to_string(),
        week,
        generated: now,
        action_needed,
        end_of_life,
        releases: groups.into_values().collect(),
        news,
        emerging,
        proposals,
        radar,
    })
}

/// Stack techs whose cycle in use is past its end of life or reaches it
/// within the scoring rule's window, past ones first.
fn end_of_life(
    index: &RadarIndex,
    techs: &[TechConfig],
    current: &dyn Fn(&TechConfig) -> Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<EolAction>, CollectError> {
    use crate::sources::eol::{EOL_ECOSYSTEM, EolFacts};
    let mut keys: Vec<String> = Vec::new();
    for t in techs {
        if let Some(e) = &t.eol {
            keys.push(format!("{EOL_ECOSYSTEM}/{}", e.trim().to_lowercase()));
        }
        if let Some(p) = &t.package {
            keys.push(p.clone());
            keys.push(purl_style(p));
        }
    }
    keys.sort();
    keys.dedup();
    let items = index.items_for_packages(&keys)?;
    let facts = EolFacts::from_items(&items);
    if facts.is_empty() {
        return Ok(Vec::new());
    }
    let today = now.date_naive();
    let mut out: Vec<EolAction> = techs
        .iter()
        .filter_map(|t| {
            let product = facts.product_for(t.eol.as_deref(), t.package.as_deref())?;
            let version = current(t)?;
            let s = product.standing(&version, today)?;
            let soon = s
                .eol
                .is_some_and(|d| (d - today).num_days() <= crate::score::EOL_SOON_DAYS);
            (s.past || soon).then(|| EolAction {
                tech: t.name.clone(),
                cycle: s.cycle.name.clone(),
                version,
                eol: s.eol.unwrap_or(today),
                past: s.past,
                lts: s.cycle.lts,
                upgrade_to: s
                    .oldest_supported
                    .filter(|c| c.name != s.cycle.name)
                    .map(|c| c.name.clone()),
                url: Some(format!("https://endoflife.date/{}", product.name)),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.past
            .cmp(&a.past)
            .then(a.eol.cmp(&b.eol))
            .then(a.tech.cmp(&b.tech))
    });
    Ok(out)
}

/// `pypi/Django` → `PyPI/Django`: the ecosystem spelled as the purl
/// mapping (and OSV) spells it, for the index's exact term lookup.
fn purl_style(package: &str) -> String {
    let Some((eco, name)) = package.split_once('/') else {
        return package.to_string();
    };
    format!("{}/{name}", crate::model::ecosystem_name(eco))
}

/// A claimed version two majors or more above the newest known one: no
/// project skips from 1.47 to 9.9, so a title claiming it is not trusted.
fn far_above(claimed: &str, known: &str) -> bool {
    match (numeric(claimed), numeric(known)) {
        (Some(c), Some(k)) => c.0 >= k.0 + 2,
        _ => false,
    }
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
fn emerging(report: TrendReport) -> Vec<EmergingTerm> {
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
