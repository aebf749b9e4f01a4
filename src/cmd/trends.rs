//! `radar trends`: mentions per complete ISO week, rising and falling terms
//! first.

use anyhow::Result;
use chrono::Duration;

use super::emit;
use super::print_json;
use crate::cli::TrendsArgs;
use crate::config;
use crate::digest::IsoWeek;
use crate::index::RadarIndex;
use crate::settings::Settings;
use crate::terminal::{bold, clean, color_stdout, dim};
use crate::trend::{Direction, TermTrend, TrendCounter, TrendOptions};
use crate::update;

pub fn trends(ctx: &Settings, args: &TrendsArgs) -> Result<u8> {
    let week = match &args.week {
        Some(w) => IsoWeek::parse(w)?,
        None => IsoWeek::last_complete(ctx.now),
    };
    let cfg = ctx.radar_config()?;
    let stack = config::load_stack(&cfg.stack_path)?;
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let index = RadarIndex::open_or_create(&ctx.index_path_in(&cfg))?;
    let terms = update::tracked_terms(&stack, &update::tracked(&stack, &entries));
    let opts = TrendOptions {
        first_seen: index.first_published_by_source()?,
        ..TrendOptions::for_weeks(usize::from(args.weeks))
    };
    // The window and the week in progress after it; older history cannot
    // change the counts. Items stream through the counter, none is kept.
    let after = week.end();
    let mut so_far = 0usize;
    let mut counter = TrendCounter::new(&terms, week.first_day(), &opts);
    index.visit_published_since(update::window_start(week.first_day(), &opts), |item| {
        if item.published.is_some_and(|p| p >= after && p <= ctx.now) {
            so_far += 1;
        }
        counter.add(&item);
    })?;
    let mut report = counter.finish_in_id_order();
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    if !args.all {
        report.terms.retain(|t| t.direction != Direction::Steady);
    }
    let color = color_stdout();
    let first = report.week_labels.first().cloned().unwrap_or_default();
    let last = report.week_labels.last().cloned().unwrap_or_default();
    let mut out = format!(
        "Mentions per week {first} … {last} ({} complete weeks; the last {} tested against the {} before)\n",
        report.weeks,
        opts.recent,
        report.weeks - opts.recent
    );
    // The week in progress is shown, never counted: it is not over.
    if ctx.now >= after {
        let current = IsoWeek::containing(ctx.now.date_naive());
        if current.first_day() - week.first_day() == Duration::weeks(1) {
            out.push_str(&dim(
                &format!("{current} is in progress ({so_far} items so far) and not counted\n"),
                color,
            ));
        }
    }
    if report.terms.is_empty() {
        out.push_str(&format!(
            "Nothing is rising or falling (rising needs {} mentions from {} sources in the recent weeks and p ≤ {}). Try --all or --weeks {}.\n",
            opts.min_support,
            opts.min_sources,
            opts.alpha,
            report.weeks * 2
        ));
        emit(&out)?;
        return Ok(0);
    }
    let width = report
        .terms
        .iter()
        .map(|t| t.term.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    for t in &report.terms {
        let name = clean(&t.term);
        let pad = width.saturating_sub(name.chars().count());
        let what = match (t.in_stack, t.tracked) {
            (true, _) => "in stack",
            (false, true) => "on the radar",
            (false, false) => "new: `radar update` proposes assess",
        };
        out.push_str(&format!(
            "  {}{}  {}  {:<7}  {:>3} recent vs {:>4.1}/week  {} src  p={:<8}  {}\n",
            bold(&name, color && t.direction != Direction::Steady),
            " ".repeat(pad),
            sparkline(t),
            t.direction.as_str(),
            t.recent,
            t.baseline_rate,
            t.sources,
            format_p(t.p_value),
            dim(what, color)
        ));
    }
    emit(&out)?;
    Ok(0)
}

fn format_p(p: f64) -> String {
    if p < 0.0001 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}

/// Weekly counts as block characters, scaled to the term's busiest week.
fn sparkline(t: &TermTrend) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = t.counts.iter().copied().max().unwrap_or(0).max(1);
    t.counts
        .iter()
        .map(|&c| {
            if c == 0 {
                '·'
            } else {
                BARS[((c * (BARS.len() - 1)) / max).min(BARS.len() - 1)]
            }
        })
        .collect()
}
