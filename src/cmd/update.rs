//! `radar update`: score the index against the stack and refresh entries.

use anyhow::Result;

use super::emit;
use super::print_json;
use crate::cli::UpdateArgs;
use crate::radar::review::pending_text;
use crate::settings::Settings;
use crate::terminal::{clean, color_stdout};

pub fn update(ctx: &Settings, args: &UpdateArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let report = crate::update::run(ctx, &cfg)?;
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    if ctx.quiet {
        return Ok(0);
    }
    let created = report.entries.iter().filter(|e| e.created).count();
    let mut out = format!(
        "{} entries in {}: {} changed, {} new\n",
        report.entries.len(),
        cfg.entries_path.display(),
        report.changed(),
        created
    );
    let entries = crate::radar::load_entries(&cfg.entries_path)?;
    let pending = crate::radar::review::pending(&entries);
    if pending.is_empty() {
        out.push_str("No proposals waiting for review.\n");
    } else {
        out.push_str(&format!(
            "\n{} proposals waiting for review:\n\n",
            pending.len()
        ));
        out.push_str(&pending_text(&pending, color_stdout()));
        out.push_str("Decide with `radar review accept NAME` or `radar review reject NAME`.\n");
    }
    emit(&out)?;
    for e in report.entries.iter().filter(|e| e.changed) {
        tracing::info!("wrote {}", clean(&e.file));
    }
    Ok(0)
}
