//! `radar doctor`: checks what a run depends on (radar.toml, stack.toml,
//! the index and its segment checksums, crawl and schedule state, every
//! entry file, the writer lock) and, with `fix`, makes only repairs that
//! lose nothing: a damaged state file is moved aside (`*.damaged`) so the
//! next run starts fresh, and a lock note whose process is gone is removed.
//!
//! Reads through the owning modules' parsers; never edits entries, the
//! index or radar.toml.

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::index::RadarIndex;
use crate::settings::Settings;
use crate::shape::Shape;

/// One thing checked.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    pub detail: String,
    /// The repair `fix` made, if any (then `ok` is true).
    pub fixed: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DoctorReport {
    pub findings: Vec<Finding>,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.findings.iter().all(|f| f.ok)
    }

    fn ok(&mut self, check: &'static str, detail: impl Into<String>) {
        self.push(check, true, detail, None);
    }

    fn fail(&mut self, check: &'static str, detail: impl Into<String>) {
        self.push(check, false, detail, None);
    }

    fn push(
        &mut self,
        check: &'static str,
        ok: bool,
        detail: impl Into<String>,
        fixed: Option<String>,
    ) {
        self.findings.push(Finding {
            check,
            ok,
            detail: detail.into(),
            fixed,
        });
    }
}

/// Runs every check; with `fix`, the safe repairs.
pub fn run(ctx: &Settings, fix: bool) -> DoctorReport {
    let mut r = DoctorReport::default();
    let cfg = match ctx.radar_config() {
        Ok(cfg) => {
            r.ok(
                "config",
                format!("radar.toml: {} sources", cfg.sources.len()),
            );
            Some(cfg)
        }
        Err(e) => {
            r.fail("config", crate::terminal::error_chain(&e));
            None
        }
    };
    if let Some(cfg) = &cfg {
        if cfg.stack_path.exists() {
            match crate::config::load_stack(&cfg.stack_path) {
                Ok(_) => r.ok("stack", cfg.stack_path.display().to_string()),
                Err(e) => r.fail("stack", crate::terminal::error_chain(&e)),
            }
        }
        check_entries(&mut r, &cfg.entries_path, &cfg.shape);
    }
    let mut temp_dirs: Vec<PathBuf> = cfg
        .iter()
        .flat_map(|c| {
            c.shape
                .quadrants()
                .iter()
                .map(|q| c.entries_path.join(q.as_str()))
        })
        .collect();
    let index = match (&ctx.index, &cfg) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(cfg)) => Some(ctx.index_path_in(cfg)),
        (None, None) => None,
    };
    if let Some(index) = index {
        temp_dirs.push(index.clone());
        check_index(&mut r, &index);
        check_lock(&mut r, &index, fix);
        check_state(
            &mut r,
            "crawl state",
            &index.join(crate::crawl::STATE_FILE),
            fix,
            |b| serde_json::from_slice::<crate::crawl::CrawlState>(b).map(drop),
        );
        check_state(
            &mut r,
            "schedule state",
            &index.join("schedule-state.json"),
            fix,
            |b| serde_json::from_slice::<crate::schedule::OnceState>(b).map(drop),
        );
    }
    check_temps(&mut r, &temp_dirs, fix);
    r
}

/// Temp files whose writer was killed before its rename: harmless (no
/// reader looks at them) but clutter, and `--fix` removes them.
fn check_temps(r: &mut DoctorReport, dirs: &[PathBuf], fix: bool) {
    let stale: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| crate::atomic::stale_temps(d))
        .collect();
    if stale.is_empty() {
        return;
    }
    let list = stale
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if !fix {
        return r.fail(
            "temp files",
            format!(
                "left by a killed run: {list}; harmless, `radar doctor --fix` or the next run removes them"
            ),
        );
    }
    for p in stale {
        match std::fs::remove_file(&p) {
            Ok(()) => r.push(
                "temp files",
                true,
                format!("{} was left by a killed run", p.display()),
                Some(format!("removed {}", p.display())),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => r.fail("temp files", format!("cannot remove {}: {e}", p.display())),
        }
    }
}

fn check_index(r: &mut DoctorReport, path: &Path) {
    if !path.join("meta.json").exists() {
        r.ok(
            "index",
            format!("{}: no index yet; `radar crawl` makes one", path.display()),
        );
        return;
    }
    match RadarIndex::open_or_create(path).and_then(|i| i.damaged_files().map(|d| (i, d))) {
        Ok((index, damaged)) if damaged.is_empty() => r.ok(
            "index",
            format!("{}: {} items, segment checksums match", path.display(), index.count()),
        ),
        Ok((_, damaged)) => r.fail(
            "index",
            format!(
                "{}: segment files fail their checksum: {}. Delete the folder and run `radar crawl` to rebuild it (entries are kept)",
                path.display(),
                damaged.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
        ),
        Err(e) => r.fail("index", crate::terminal::error_chain(&e)),
    }
}

/// `radar-writer.pid` names the writer; tantivy's own lock is released by
/// the kernel when a process dies, so the note is stale when its pid is gone.
fn check_lock(r: &mut DoctorReport, index: &Path, fix: bool) {
    let note = index.join(crate::index::HOLDER_FILE);
    let Ok(text) = std::fs::read_to_string(&note) else {
        return;
    };
    let pid = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<u32>().ok());
    let alive = pid.is_some_and(|p| Path::new("/proc").join(p.to_string()).exists());
    if alive {
        r.ok("lock", format!("held by a running writer: {}", text.trim()));
    } else if fix {
        match std::fs::remove_file(&note) {
            Ok(()) => r.push(
                "lock",
                true,
                format!("stale lock note {} ({})", note.display(), text.trim()),
                Some(format!("removed {}", note.display())),
            ),
            Err(e) => r.fail(
                "lock",
                format!("cannot remove stale {}: {e}", note.display()),
            ),
        }
    } else {
        r.fail(
            "lock",
            format!(
                "{} names a writer that is gone ({}); `radar doctor --fix` removes it",
                note.display(),
                text.trim()
            ),
        );
    }
}

fn check_state(
    r: &mut DoctorReport,
    check: &'static str,
    path: &Path,
    fix: bool,
    parse: impl Fn(&[u8]) -> Result<(), serde_json::Error>,
) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => return r.fail(check, format!("{}: cannot read: {e}", path.display())),
    };
    let Err(e) = parse(&bytes) else {
        return r.ok(check, path.display().to_string());
    };
    if !fix {
        return r.fail(
            check,
            format!(
                "{} is damaged ({e}); runs start fresh from it; `radar doctor --fix` moves it aside",
                path.display()
            ),
        );
    }
    let aside = PathBuf::from(format!("{}.damaged", path.display()));
    match std::fs::rename(path, &aside) {
        Ok(()) => r.push(
            check,
            true,
            format!("{} was damaged ({e})", path.display()),
            Some(format!(
                "moved to {}; the next run starts fresh",
                aside.display()
            )),
        ),
        Err(err) => r.fail(
            check,
            format!("cannot move {} aside: {err}", path.display()),
        ),
    }
}

/// Every entry file on its own, so one bad file does not hide the next.
/// `path:line: quadrant = "tools" is not configured; closest: tooling …`
fn off_shape_detail(path: &Path, u: &crate::radar::Unconfigured, shape: &Shape) -> String {
    let (what, valid) = if u.key == "quadrant" {
        ("quadrant", shape.quadrant_list())
    } else {
        ("ring", shape.ring_list())
    };
    let hint = match u.closest {
        Some(c) => format!("did you mean {c:?}? "),
        None => String::new(),
    };
    format!(
        "{}:{}: {} = {:?} is not a configured {what}; {hint}configured: {valid}. Edit the file, or add it to radar.toml [radar]",
        path.display(),
        u.line,
        u.key,
        u.value
    )
}

/// Entry folders that are not configured quadrants (a renamed quadrant).
fn check_folders(r: &mut DoctorReport, dir: &Path, shape: &Shape) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut folders: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let Some(name) = folder.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || shape.quadrant(name).is_some() {
            continue;
        }
        let count = crate::radar::store::entry_like_files(&folder);
        if count == 0 {
            continue;
        }
        let hint = crate::radar::store::closest(name, shape.quadrants().iter().map(|q| q.as_str()))
            .map(|c| format!("did you mean {c:?}? "))
            .unwrap_or_default();
        r.fail(
            "shape",
            format!(
                "{}: {count} entries in a folder that is not a configured quadrant; {hint}configured: {}. Move them (`git mv`) and fix their `quadrant =`",
                folder.display(),
                shape.quadrant_list()
            ),
        );
    }
}

fn check_entries(r: &mut DoctorReport, dir: &Path, shape: &Shape) {
    check_folders(r, dir, shape);
    let mut stack = vec![dir.to_path_buf()];
    let (mut good, mut bad) = (0, 0);
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let text = std::fs::read_to_string(&p).map_err(|e| e.to_string());
            if let Ok(t) = &text {
                let off_shape = crate::radar::unconfigured(t, shape);
                if !off_shape.is_empty() {
                    bad += 1;
                    for u in off_shape {
                        r.fail("shape", off_shape_detail(&p, &u, shape));
                    }
                    continue;
                }
            }
            let parsed = text.and_then(|t| {
                crate::radar::parse_entry(&p, &t).map_err(|e| crate::terminal::error_chain(&e))
            });
            match parsed {
                Ok(_) => good += 1,
                Err(e) => {
                    bad += 1;
                    r.fail("entry", e);
                }
            }
        }
    }
    if bad == 0 {
        r.ok(
            "entries",
            format!("{}: {good} entry files read", dir.display()),
        );
    }
}
