//! Which uncommitted entry files a proposal branch may carry: exactly what
//! `radar update` writes is carried, files that are not entries are
//! ignored, anything else (a person's unfinished edit) is refused.

use std::path::{Path, PathBuf};

use super::{ProposeError, committed_text, uncommitted};
use crate::radar::{self, Entry, RadarError};

/// Sorts the uncommitted files under the entries folder: entry files whose
/// change is exactly what `radar update` writes (machine fields: proposed,
/// score, rule, updated, signals, and a first `ring` from stack.toml, over
/// the committed file) are carried into the branch; files that are not
/// entries at all (`tools/.vite.md.swp`, `notes.txt`) are ignored; anything
/// else (a hand edit, a deletion) is left for `propose` to refuse.
pub(super) fn update_output(
    top: &Path,
    entries_rel: &str,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ProposeError> {
    let (mut carry, mut ignore) = (Vec::new(), Vec::new());
    for u in uncommitted(top, entries_rel)? {
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
        let before = committed_text(top, &u.path)?;
        let carried = only_machine_changes(&u.path, before.as_deref(), &now).map_err(|source| {
            ProposeError::Entry {
                path: u.path.clone(),
                source,
            }
        })?;
        if carried {
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
            crate::shape::active()
                .quadrants()
                .iter()
                .any(|q| q.as_str() == *quadrant)
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
pub(crate) fn only_machine_changes(
    path: &Path,
    before: Option<&str>,
    now: &str,
) -> Result<bool, RadarError> {
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
    use crate::model::Ring;
    use crate::score::SignalKind;

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
}
