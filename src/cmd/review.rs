//! `radar review`: list, accept or reject the tool's proposals.

use anyhow::{Result, bail};
use serde::Serialize;

use super::{emit, print_json};
use crate::cli::{ReviewAction, ReviewArgs};
use crate::model::Ring;
use crate::radar::review::pending_text;
use crate::radar::{self, Entry, review};
use crate::settings::Settings;
use crate::terminal::{clean, color_stdout};

/// `review list --json`: one object per pending proposal.
#[derive(Debug, Serialize)]
struct PendingJson<'a> {
    name: &'a str,
    quadrant: crate::model::Quadrant,
    ring: Option<Ring>,
    proposed: Ring,
    score: Option<f64>,
    rule: Option<&'a str>,
    signals: &'a [crate::score::Signal],
    file: Option<String>,
}

pub fn review(ctx: &Settings, args: &ReviewArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let dir = &cfg.entries_path;
    let mut entries = radar::load_entries(dir)?;
    let today = ctx.now.date_naive();
    match &args.action {
        None | Some(ReviewAction::List) => {
            let pending = review::pending(&entries);
            if args.json {
                let out: Vec<PendingJson> = pending
                    .iter()
                    .filter_map(|e| {
                        Some(PendingJson {
                            name: &e.name,
                            quadrant: e.quadrant,
                            ring: e.ring,
                            proposed: e.pending()?,
                            score: e.score,
                            rule: e.rule.as_deref(),
                            signals: &e.signals,
                            file: e.file.as_ref().map(|f| f.display().to_string()),
                        })
                    })
                    .collect();
                print_json(&out)?;
            } else if pending.is_empty() {
                emit(&format!(
                    "No proposals waiting for review in {} ({} entries).\n",
                    dir.display(),
                    entries.len()
                ))?;
            } else {
                emit(&pending_text(&pending, color_stdout()))?;
            }
            Ok(0)
        }
        Some(ReviewAction::Accept { name, note }) => {
            let entry = find(&mut entries, name, dir)?;
            let (from, to) = review::accept(entry, today, note.clone())?;
            let written = radar::write_entry(dir, entry)?;
            emit(&format!(
                "{}: {} → {to}, recorded in {}\n",
                clean(&entry.name),
                from.map(Ring::as_str).unwrap_or("not on the radar"),
                dir.join(&written.file).display()
            ))?;
            Ok(0)
        }
        Some(ReviewAction::Reject { name, reason }) => {
            let entry = find(&mut entries, name, dir)?;
            let proposed = review::reject(entry, today, reason.clone())?;
            let written = radar::write_entry(dir, entry)?;
            emit(&format!(
                "{}: kept {}, rejected {proposed}; it comes back only with new evidence ({})\n",
                clean(&entry.name),
                entry.ring.map(Ring::as_str).unwrap_or("off the radar"),
                dir.join(&written.file).display()
            ))?;
            Ok(0)
        }
    }
}

fn find<'a>(entries: &'a mut [Entry], name: &str, dir: &std::path::Path) -> Result<&'a mut Entry> {
    let pending: Vec<String> = review::pending(entries)
        .iter()
        .map(|e| e.name.clone())
        .collect();
    match review::find(entries, name) {
        Some(e) => Ok(e),
        None => {
            let hint = if pending.is_empty() {
                String::new()
            } else {
                format!("; pending: {}", pending.join(", "))
            };
            bail!("no entry named {name:?} in {}{hint}", dir.display())
        }
    }
}
