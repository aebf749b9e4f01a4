//! Pending entries as [`Move`]s: the evidence that pushes each the way it
//! moves, strongest first, with its links and advisories.

use std::path::{Path, PathBuf};

use super::Move;
use crate::radar::Entry;
use crate::score::SignalKind;

/// One pending entry as a move: the strongest reasons first, their links,
/// and the advisories among them.
pub(super) fn to_move(e: &Entry, entries_rel: &Path) -> Option<Move> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ring;
    use crate::radar;

    const BEFORE: &str =
        "+++\nname = \"Vite\"\nquadrant = \"tools\"\nring = \"adopt\"\n+++\nOur bundler.\n";

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
