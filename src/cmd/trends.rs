//! `radar trends`: mentions per ISO week, rising terms first.

use anyhow::Result;

use super::print_json;
use super::review::emit;
use crate::cli::TrendsArgs;
use crate::config;
use crate::index::RadarIndex;
use crate::settings::Settings;
use crate::terminal::{bold, clean, color_stdout, dim};
use crate::trend::{self, TermTrend, TrendOptions};
use crate::update;

pub fn trends(ctx: &Settings, args: &TrendsArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let stack = config::load_stack(&cfg.stack_path)?;
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let index = RadarIndex::open_or_create(&ctx.index_path_in(&cfg))?;
    let items = index.all_items()?;
    let terms = update::tracked_terms(&stack, &update::tracked(&stack, &entries));
    let opts = TrendOptions::for_weeks(usize::from(args.weeks));
    let mut report = trend::trends(&items, &terms, ctx.now, &opts);
    if !args.all {
        report.terms.retain(|t| t.rising);
    }
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    let color = color_stdout();
    let first = report.week_labels.first().cloned().unwrap_or_default();
    let last = report.week_labels.last().cloned().unwrap_or_default();
    let mut out = format!(
        "Mentions per week {first} … {last} ({} weeks; the last {} compared with the weeks before; {} items)\n",
        report.weeks,
        opts.recent,
        items.len()
    );
    if report.terms.is_empty() {
        out.push_str(&format!(
            "Nothing is rising (needs {} mentions in the recent weeks and {:.1}x growth). Try --all or --weeks {}.\n",
            opts.min_support,
            opts.min_growth,
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
            "  {}{}  {}  {:>3} recent  {:>5.1}x  {}\n",
            bold(&name, color && t.rising),
            " ".repeat(pad),
            sparkline(t),
            t.recent,
            t.growth,
            dim(what, color)
        ));
    }
    emit(&out)?;
    Ok(0)
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
