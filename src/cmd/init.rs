use anyhow::{Context as _, Result, bail};
use std::path::Path;

use crate::cli::InitArgs;
use crate::settings::Settings;

const RADAR_TOML: &str = include_str!("../../radar/radar.toml");
const STACK_TOML: &str = include_str!("../../radar/stack.toml");

/// Scaffolds a team radar from the embedded default: radar.toml, stack.toml
/// and entries/. Never overwrites a file that exists.
pub fn init(ctx: &Settings, args: &InitArgs) -> Result<u8> {
    let dir = args.dir.clone().unwrap_or_else(|| ctx.cwd.clone());
    let radar = dir.join("radar.toml");
    let stack = dir.join("stack.toml");
    for p in [&radar, &stack] {
        if p.exists() {
            bail!(
                "{} already exists; init never overwrites. Edit it, or pick another folder: radar init DIR",
                p.display()
            );
        }
    }
    std::fs::create_dir_all(dir.join("entries"))
        .with_context(|| format!("cannot create {}", dir.join("entries").display()))?;
    // The embedded radar keeps its index beside the repository; a new radar
    // keeps it inside its own folder (add `index/` to .gitignore).
    write(
        &radar,
        &RADAR_TOML.replace("path = \"../index\"", "path = \"index\""),
    )?;
    write(&stack, STACK_TOML)?;
    if !ctx.quiet {
        println!(
            "Wrote {} and {}, and created entries/.",
            radar.display(),
            stack.display()
        );
        println!(
            "Next: edit the sources and your stack, then run\n  radar --config {} crawl",
            radar.display()
        );
    }
    Ok(0)
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
