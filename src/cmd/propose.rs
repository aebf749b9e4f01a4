//! `radar propose`: the pending proposals of the entries folder as a git
//! branch (`crate::propose`), printed for a person or as JSON.

use anyhow::Result;
use serde::Serialize;
use std::path::Path;

use super::emit;
use super::print_json;
use crate::cli::ProposeArgs;
use crate::model::Ring;
use crate::propose::{self, Move, ProposeOptions, ProposeReport};
use crate::settings::Settings;
use crate::terminal::clean;

/// `--json` of `radar propose`.
#[derive(Debug, Serialize)]
struct ProposeJson<'a> {
    #[serde(flatten)]
    report: &'a ProposeReport,
    proposals: &'a [Move],
}

pub fn propose(ctx: &Settings, args: &ProposeArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let opts = ProposeOptions {
        branch: args.branch.clone(),
        push: args.push.clone(),
        open_pr: args.open_pr,
        gh_program: args.gh.clone(),
        carry: Vec::new(),
        ignore: Vec::new(),
    };
    let p = propose::propose_pending(ctx, &cfg, opts)?;
    if args.json {
        print_json(&ProposeJson {
            report: &p.report,
            proposals: &p.moves,
        })?;
        return Ok(0);
    }
    emit(&human(&p.report, &p.moves, &p.top))?;
    Ok(0)
}

/// What the user reads: the branch, the moves, the description path, and
/// what happened with --push and --open-pr.
fn human(report: &ProposeReport, moves: &[Move], top: &Path) -> String {
    let mut out = format!(
        "Branch {} ({}): {} ring move{}\n",
        report.branch,
        report.commit.get(..10).unwrap_or(&report.commit),
        report.moves,
        if report.moves == 1 { "" } else { "s" }
    );
    for m in moves {
        out.push_str(&format!(
            "  {}: {} → {}\n",
            clean(&m.name),
            m.from.map(Ring::as_str).unwrap_or("new"),
            m.to
        ));
    }
    if report.carried > 0 {
        out.push_str(&format!(
            "  (with radar update's refresh of {} other entr{})\n",
            report.carried,
            if report.carried == 1 { "y" } else { "ies" }
        ));
    }
    out.push_str(&format!(
        "PR description: {}\n",
        report.description.display()
    ));
    match &report.pushed_to {
        Some(remote) => out.push_str(&format!("Pushed to {remote}.\n")),
        None => out.push_str(&format!(
            "Not pushed: git -C {} push -u origin {}\n",
            top.display(),
            report.branch
        )),
    }
    if let Some(url) = &report.pr_url {
        out.push_str(&format!("Pull request: {}\n", clean(url)));
    }
    if let Some(note) = &report.pr_note {
        out.push_str(&format!("Pull request not opened: {}\n", clean(note)));
        if let Ok(body) = std::fs::read_to_string(&report.description) {
            out.push_str("\n----- paste as the PR description -----\n");
            out.push_str(&body);
            out.push_str("----- end -----\n");
        }
    }
    out
}
