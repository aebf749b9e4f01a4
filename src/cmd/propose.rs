//! `radar propose`: the pending proposals of the entries folder as a git
//! branch, through `crate::propose` (git) and `crate::radar` (entries).
//!
//! Decides which uncommitted entry files are `radar update`'s own output
//! (carried into the branch) and which hold a person's unfinished edit
//! (refused), builds the moves with their evidence, and applies each move
//! in the branch's worktree with `radar::review::accept`.

use anyhow::{Context as _, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

use super::print_json;
use super::review::emit;
use crate::cli::ProposeArgs;
use crate::model::{Quadrant, Ring};
use crate::propose::{self, Move, ProposeOptions, ProposeReport};
use crate::radar::{self, Entry, review};
use crate::score::SignalKind;
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
    let entries_dir = &cfg.entries_path;
    // The repository is the one holding the entries (the radar.toml folder
    // when entries/ does not exist yet).
    let probe = if entries_dir.is_dir() {
        entries_dir.clone()
    } else {
        cfg.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| ctx.cwd.clone())
    };
    let (top, entries_rel) = propose::locate(&probe)?;
    let (carry, ignore) = update_output(&top, &entries_rel)?;
    let entries = radar::load_entries(entries_dir)?;
    let moves: Vec<Move> = review::pending(&entries)
        .into_iter()
        .filter_map(|e| to_move(e, Path::new(&entries_rel)))
        .collect();
    let opts = ProposeOptions {
        branch: args.branch.clone(),
        push: args.push.clone(),
        open_pr: args.open_pr,
        gh_program: args.gh.clone(),
        carry,
        ignore,
    };
    let today = ctx.now.date_naive();
    let apply = |root: &Path, m: &Move| -> Result<(), String> {
        let dir = root.join(&entries_rel);
        let mut entries = radar::load_entries(&dir).map_err(|e| e.to_string())?;
        let entry = review::find(&mut entries, &m.name)
            .ok_or_else(|| format!("no entry named {:?} in the branch", m.name))?;
        review::accept(entry, today, None).map_err(|e| e.to_string())?;
        radar::write_entry(&dir, entry).map_err(|e| e.to_string())?;
        Ok(())
    };
    let report = propose::propose(&top, entries_dir, &moves, &opts, ctx.now, &apply)?;
    if args.json {
        print_json(&ProposeJson {
            report: &report,
            proposals: &moves,
        })?;
        return Ok(0);
    }
    emit(&human(&report, &moves, &top))?;
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

/// One pending entry as a move: the strongest reasons first, their links,
/// and the advisories among them.
fn to_move(e: &Entry, entries_rel: &Path) -> Option<Move> {
    let to = e.pending()?;
    let file = e
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(e.quadrant.as_str()).join(format!("{}.md", e.slug())));
    // The evidence that pushes the way the entry moves (negative weights
    // outward, towards hold; positive inward or onto the radar), strongest
    // first; ties keep the entry's order. "Used in 1 lockfile" is no
    // reason to put something on hold.
    let outward = e.ring.is_some_and(|from| to > from);
    let mut signals: Vec<&crate::score::Signal> = e
        .signals
        .iter()
        .filter(|s| {
            if outward {
                s.weight < 0.0
            } else {
                s.weight > 0.0
            }
        })
        .collect();
    if signals.is_empty() {
        signals = e.signals.iter().collect();
    }
    signals.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    let links = signals
        .iter()
        .flat_map(|s| s.url.iter().chain(s.evidence.iter()))
        .cloned()
        .fold(Vec::new(), |mut v: Vec<String>, l| {
            if !v.contains(&l) {
                v.push(l);
            }
            v
        });
    let advisories = signals
        .iter()
        .filter(|s| matches!(s.kind, SignalKind::Advisory | SignalKind::Unmaintained))
        .map(|s| match &s.url {
            Some(url) => format!("{}: {} ({url})", e.name, s.because),
            None => format!("{}: {}", e.name, s.because),
        })
        .collect();
    Some(Move {
        name: e.name.clone(),
        path: clean_join(entries_rel, &file),
        from: e.ring,
        to,
        reasons: signals.iter().map(|s| s.because.clone()).collect(),
        links,
        advisories,
    })
}

/// `entries_rel/file`, without a leading `./` when the entries folder is
/// the repository root.
fn clean_join(entries_rel: &Path, file: &Path) -> PathBuf {
    if entries_rel == Path::new(".") {
        file.to_path_buf()
    } else {
        entries_rel.join(file)
    }
}

/// Sorts the uncommitted files under the entries folder: entry files whose
/// change is exactly what `radar update` writes (machine fields: proposed,
/// score, rule, updated, signals, and a first `ring` from stack.toml, over
/// the committed file) are carried into the branch; files that are not
/// entries at all (`tools/.vite.md.swp`, `notes.txt`) are ignored; anything
/// else (a hand edit, a deletion) is left for `propose` to refuse.
fn update_output(top: &Path, entries_rel: &str) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut carry, mut ignore) = (Vec::new(), Vec::new());
    for u in propose::uncommitted(top, entries_rel)? {
        if !is_entry_file(&u.path, entries_rel) {
            ignore.push(u.path);
            continue;
        }
        if u.deleted() {
            continue;
        }
        let Ok(now) = std::fs::read_to_string(top.join(&u.path)) else {
            continue;
        };
        let before = propose::committed_text(top, &u.path)?;
        if only_machine_changes(&u.path, before.as_deref(), &now)
            .with_context(|| format!("cannot read {}", u.path.display()))?
        {
            carry.push(u.path);
        }
    }
    Ok((carry, ignore))
}

/// `<entries>/<quadrant>/<name>.md`, the files `radar::load_entries` reads.
fn is_entry_file(path: &Path, entries_rel: &str) -> bool {
    let rel = if entries_rel == "." {
        path
    } else {
        match path.strip_prefix(entries_rel) {
            Ok(r) => r,
            Err(_) => return false,
        }
    };
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    match parts.as_slice() {
        [quadrant, file] => {
            Quadrant::ALL.iter().any(|q| q.as_str() == *quadrant)
                && file.ends_with(".md")
                && !file.starts_with('.')
        }
        _ => false,
    }
}

/// True when `now` is `before` with only the fields `radar update` owns
/// changed: rendering `before` with `now`'s machine fields gives `now`'s
/// exact bytes. A new file (no `before`) qualifies when it is what update
/// writes for a new entry.
pub(crate) fn only_machine_changes(path: &Path, before: Option<&str>, now: &str) -> Result<bool> {
    let Ok(current) = radar::parse_entry(path, now) else {
        return Ok(false);
    };
    let mut expected = match before {
        Some(text) => match radar::parse_entry(path, text) {
            Ok(e) => e,
            Err(_) => return Ok(false),
        },
        None => Entry::new(&current.name, current.quadrant),
    };
    if expected.name != current.name || expected.quadrant != current.quadrant {
        return Ok(false);
    }
    // Update places an entry that has no ring yet (from stack.toml); it
    // never moves one.
    if expected.ring.is_none() {
        expected.ring = current.ring;
    }
    expected.proposed = current.proposed;
    expected.score = current.score;
    expected.rule = current.rule.clone();
    expected.updated = current.updated;
    expected.signals = current.signals.clone();
    let rendered = radar::render_entry(&expected, before)?;
    Ok(rendered == now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str =
        "+++\nname = \"Vite\"\nquadrant = \"tools\"\nring = \"adopt\"\n+++\nOur bundler.\n";

    fn with_machine_fields(text: &str) -> String {
        let path = Path::new("tools/vite.md");
        let mut e = radar::parse_entry(path, text).unwrap();
        e.proposed = Some(Ring::Hold);
        e.score = Some(-0.4);
        e.rule = Some("an advisory affects the version in use".into());
        e.updated = chrono::NaiveDate::from_ymd_opt(2026, 11, 23);
        e.signals.push(crate::score::Signal {
            kind: SignalKind::Advisory,
            weight: -0.4,
            because: "DEMO-2026-0002 affects 7.3.1".into(),
            url: Some("https://example.org/DEMO-2026-0002".into()),
            evidence: vec![],
        });
        radar::render_entry(&e, Some(text)).unwrap()
    }

    #[test]
    fn update_output_is_carried_and_hand_edits_are_not() {
        let path = Path::new("tools/vite.md");
        let updated = with_machine_fields(BEFORE);
        assert!(only_machine_changes(path, Some(BEFORE), &updated).unwrap());

        let text_edit = updated.replace("Our bundler.", "Our bundler, for now.");
        assert!(!only_machine_changes(path, Some(BEFORE), &text_edit).unwrap());
        let ring_edit = updated.replace("ring = \"adopt\"", "ring = \"trial\"");
        assert!(!only_machine_changes(path, Some(BEFORE), &ring_edit).unwrap());
        let comment = updated.replace("+++\nname", "+++\n# thinking about it\nname");
        assert!(!only_machine_changes(path, Some(BEFORE), &comment).unwrap());
        assert!(!only_machine_changes(path, Some(BEFORE), "not an entry").unwrap());
    }

    #[test]
    fn a_new_file_counts_only_when_update_could_have_written_it() {
        let path = Path::new("tools/vite.md");
        let mut e = Entry::new("Vite", crate::model::Quadrant::Tools);
        e.ring = Some(Ring::Adopt);
        let fresh = radar::render_entry(&e, None).unwrap();
        let updated = with_machine_fields(&fresh);
        assert!(only_machine_changes(path, None, &updated).unwrap());
        let with_text = format!("{updated}Why we use it.\n");
        assert!(!only_machine_changes(path, None, &with_text).unwrap());
    }

    #[test]
    fn only_quadrant_markdown_files_are_entries() {
        for (path, rel, want) in [
            ("entries/tools/vite.md", "entries", true),
            ("radar/entries/platforms/k8s.md", "radar/entries", true),
            ("tools/vite.md", ".", true),
            ("entries/tools/.vite.md.swp", "entries", false),
            ("entries/tools/.vite.md", "entries", false),
            ("entries/notes.md", "entries", false),
            ("entries/archive/tools/old.md", "entries", false),
            ("entries/gadgets/x.md", "entries", false),
            ("other/tools/x.md", "entries", false),
        ] {
            assert_eq!(is_entry_file(Path::new(path), rel), want, "{path}");
        }
    }

    #[test]
    fn moves_list_the_strongest_evidence_first() {
        let mut e = radar::parse_entry(Path::new("tools/vite.md"), BEFORE).unwrap();
        e.file = Some(PathBuf::from("tools/vite.md"));
        e.proposed = Some(Ring::Hold);
        for (kind, weight, because, url) in [
            (
                SignalKind::Release,
                0.1,
                "released 7.3.1",
                "https://example.org/r",
            ),
            (
                SignalKind::Staleness,
                -0.2,
                "no release in 18 months",
                "https://example.org/s",
            ),
            (
                SignalKind::Advisory,
                -0.6,
                "DEMO-2026-0002 affects 7.3.1",
                "https://example.org/a",
            ),
        ] {
            e.signals.push(crate::score::Signal {
                kind,
                weight,
                because: because.into(),
                url: Some(url.into()),
                evidence: vec![],
            });
        }
        let m = to_move(&e, Path::new("radar/entries")).unwrap();
        assert_eq!(m.path, PathBuf::from("radar/entries/tools/vite.md"));
        assert_eq!((m.from, m.to), (Some(Ring::Adopt), Ring::Hold));
        assert_eq!(
            m.reasons,
            ["DEMO-2026-0002 affects 7.3.1", "no release in 18 months"],
            "only what pushes towards hold, strongest first"
        );
        assert_eq!(m.links, ["https://example.org/a", "https://example.org/s"]);
        assert_eq!(
            m.advisories,
            vec!["Vite: DEMO-2026-0002 affects 7.3.1 (https://example.org/a)"]
        );
        assert_eq!(
            to_move(&e, Path::new(".")).unwrap().path,
            PathBuf::from("tools/vite.md")
        );
    }
}
