//! Reading and writing the entries folder.
//!
//! Layout: `<dir>/<quadrant>/<slug>.md`, one entry per file. Reads only the
//! four quadrant folders; writes only inside them, with a name that is either
//! a [`slug`](super::slug::slug) or a file that already exists there. Writes
//! go to a temp file in the same folder and are renamed into place, and a
//! file whose bytes would not change is not touched at all.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::format::{parse_entry, render_entry};
use super::slug::{short_hash, slug};
use super::{Entry, RadarError};
use crate::atomic::{self, Durability};
use crate::model::Quadrant;
use crate::shape::Shape;

/// What [`write_entry`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file, relative to the entries folder.
    pub file: PathBuf,
    /// False when the file already held exactly these bytes.
    pub changed: bool,
}

fn io<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(std::io::Error) -> RadarError + 'a {
    move |source| RadarError::Io {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// Every entry under `dir`, ordered by quadrant (radar order) then name.
/// A missing folder is an empty radar. Two files with the same name
/// (ignoring case) are an error naming both.
pub fn load_entries(dir: &Path) -> Result<Vec<Entry>, RadarError> {
    let mut entries = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let shape = crate::shape::active();
    refuse_unconfigured_folders(dir, &shape)?;
    for &q in shape.quadrants() {
        let folder = dir.join(q.as_str());
        let listing = match std::fs::read_dir(&folder) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(&folder, "list folder")(e)),
        };
        let mut files: Vec<PathBuf> = Vec::new();
        for item in listing {
            let path = item.map_err(io(&folder, "list folder"))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".md") && !name.starts_with('.') && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(io(&path, "read"))?;
            let mut entry = parse_entry(&path, &text)?;
            let key = entry.name.trim().to_lowercase();
            if let Some(first) = seen.insert(key, path.clone()) {
                return Err(RadarError::Duplicate {
                    name: entry.name,
                    first,
                    second: path,
                });
            }
            entry.file = path.strip_prefix(dir).ok().map(Path::to_path_buf);
            entries.push(entry);
        }
    }
    entries.sort_by(|a, b| {
        (a.quadrant, a.name.to_lowercase(), &a.name).cmp(&(
            b.quadrant,
            b.name.to_lowercase(),
            &b.name,
        ))
    });
    Ok(entries)
}

/// Writes one entry (temp file, then rename), patching the existing file
/// so untouched front matter and the free text keep their bytes.
///
/// The file is the one the entry was loaded from, unless its quadrant
/// changed; then it moves to `<quadrant>/<slug>.md` and the old file goes.
pub fn write_entry(dir: &Path, entry: &Entry) -> Result<Written, RadarError> {
    let loaded_from = match &entry.file {
        Some(rel) => Some(checked_relative(entry, rel)?),
        None => None,
    };
    let rel = match &loaded_from {
        Some((rel, q)) if *q == entry.quadrant => rel.clone(),
        _ => free_path(dir, entry)?,
    };
    let path = dir.join(&rel);
    let existing = match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&path, "read")(e)),
    };
    let rendered = render_entry(entry, existing.as_deref())?;
    let changed = existing.as_deref() != Some(rendered.as_str());
    if changed {
        write_atomic(&path, rendered.as_bytes())?;
    }
    if let Some((old, _)) = loaded_from
        && old != rel
    {
        let old_path = dir.join(&old);
        match std::fs::remove_file(&old_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&old_path, "remove the old file")(e)),
        }
        return Ok(Written {
            file: rel,
            changed: true,
        });
    }
    Ok(Written { file: rel, changed })
}

/// The path an entry gets inside `dir`: `<quadrant>/<slug>.md`, or
/// `<slug>-<hash>.md` when that file holds another entry whose name
/// slugs the same (`C++` and `c plus plus`).
fn free_path(dir: &Path, entry: &Entry) -> Result<PathBuf, RadarError> {
    let folder = PathBuf::from(entry.quadrant.as_str());
    let stem = slug(&entry.name);
    let plain = folder.join(format!("{stem}.md"));
    let path = dir.join(&plain);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(plain),
        Err(e) => Err(io(&path, "read")(e)),
        Ok(text) => match parse_entry(&path, &text) {
            Ok(other) if other.name.trim().to_lowercase() != entry.name.trim().to_lowercase() => {
                Ok(folder.join(format!("{stem}-{}.md", short_hash(&entry.name))))
            }
            _ => Ok(plain),
        },
    }
}

/// A folder of entries whose quadrant is not configured would silently
/// drop off the radar (a quadrant renamed in radar.toml): refuse, and say
/// where they should go.
fn refuse_unconfigured_folders(dir: &Path, shape: &Shape) -> Result<(), RadarError> {
    let listing = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(dir, "list folder")(e)),
    };
    let mut folders: Vec<(String, usize)> = Vec::new();
    for item in listing {
        let path = item.map_err(io(dir, "list folder"))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || !path.is_dir() || shape.quadrant(name).is_some() {
            continue;
        }
        let count = entry_like_files(&path);
        if count > 0 {
            folders.push((name.to_string(), count));
        }
    }
    folders.sort();
    match folders.into_iter().next() {
        None => Ok(()),
        Some((folder, count)) => Err(RadarError::UnconfiguredFolder {
            folder: dir.join(&folder),
            count,
            hint: closest(&folder, shape.quadrants().iter().map(|q| q.as_str()))
                .map(|c| format!(" (closest: {c})"))
                .unwrap_or_default(),
            valid: shape.quadrant_list(),
        }),
    }
}

/// How many `.md` files directly in `folder` start like an entry (`+++`):
/// a folder of notes or digests next to the quadrants is not orphaned.
pub fn entry_like_files(folder: &Path) -> usize {
    entry_files(folder)
        .iter()
        .filter(|p| {
            use std::io::Read as _;
            let mut head = Vec::with_capacity(6);
            let _ = std::fs::File::open(p).and_then(|f| f.take(6).read_to_end(&mut head));
            head.strip_prefix(b"\xef\xbb\xbf")
                .unwrap_or(&head)
                .starts_with(b"+++")
        })
        .count()
}

/// The `.md` files directly in `folder` (none when unreadable).
pub fn entry_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|i| i.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".md") && !name.starts_with('.') && p.is_file()
        })
        .collect();
    files.sort();
    files
}

pub use crate::shape::closest;

/// Accepts only `<quadrant folder>/<file>.md`: the shapes `load_entries`
/// produces. Anything else (absolute, `..`, deeper) is refused.
fn checked_relative(entry: &Entry, rel: &Path) -> Result<(PathBuf, Quadrant), RadarError> {
    let unsafe_path = || RadarError::UnsafePath {
        name: entry.name.clone(),
        file: rel.to_path_buf(),
    };
    let parts: Vec<Component> = rel.components().collect();
    let [Component::Normal(folder), Component::Normal(file)] = parts.as_slice() else {
        return Err(unsafe_path());
    };
    let quadrant = crate::shape::active()
        .quadrants()
        .iter()
        .copied()
        .find(|q| folder.to_str() == Some(q.as_str()))
        .ok_or_else(unsafe_path)?;
    let file = file.to_str().ok_or_else(unsafe_path)?;
    if !file.ends_with(".md") || file.starts_with('.') || file.len() <= 3 {
        return Err(unsafe_path());
    }
    Ok((rel.to_path_buf(), quadrant))
}

/// Removes temp files that a killed writer left in the quadrant folders
/// (see [`atomic::stale_temps`]); returns them, relative to `dir`.
pub fn remove_stale_temps(dir: &Path) -> Result<Vec<PathBuf>, RadarError> {
    let mut removed = Vec::new();
    for &q in crate::shape::active().quadrants() {
        let gone =
            atomic::remove_stale_temps(&dir.join(q.as_str())).map_err(|e| RadarError::Io {
                path: e.path,
                op: e.op,
                source: e.source,
            })?;
        removed.extend(
            gone.into_iter()
                .map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p)),
        );
    }
    Ok(removed)
}

/// Writes `bytes` to `path` through a temp file in the same folder, so a
/// killed process leaves either the old file or the new one, never half of
/// one. No fsync: entries live in git and `radar update` regenerates the
/// machine fields, so a power cut costs at most a rerun, while syncing 300
/// files doubled the time of a first update.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RadarError> {
    atomic::write(path, bytes, Durability::NoSync).map_err(|e| RadarError::Io {
        path: e.path,
        op: e.op,
        source: e.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ring;

    #[test]
    fn writes_load_back_in_stable_order() {
        let dir = tempfile::tempdir().unwrap();
        for (name, q) in [
            ("vite", Quadrant::Tools),
            ("Axum", Quadrant::LanguagesAndFrameworks),
            ("GitHub Actions", Quadrant::Tools),
            ("trunk-based development", Quadrant::Techniques),
        ] {
            let mut e = Entry::new(name, q);
            e.ring = Some(Ring::Trial);
            let w = write_entry(dir.path(), &e).unwrap();
            assert!(w.changed);
        }
        let names: Vec<String> = load_entries(dir.path())
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            names,
            ["trunk-based development", "GitHub Actions", "vite", "Axum"]
        );
        assert!(dir.path().join("tools/github-actions.md").is_file());
    }

    #[test]
    fn unchanged_entry_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let e = Entry::new("serde", Quadrant::LanguagesAndFrameworks);
        assert!(write_entry(dir.path(), &e).unwrap().changed);
        let loaded = load_entries(dir.path()).unwrap().remove(0);
        let w = write_entry(dir.path(), &loaded).unwrap();
        assert!(!w.changed);
    }

    #[test]
    fn hostile_names_stay_inside_entries() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("radar/entries");
        for name in [
            "../../etc/passwd",
            "/etc/passwd",
            "..",
            "C:\\Windows\\evil",
            "tools/../../x",
            "\u{202e}gnp.exe",
            "数据库",
            "🦀",
            "nul",
        ] {
            let e = Entry::new(name, Quadrant::Platforms);
            let w = write_entry(&dir, &e).unwrap();
            let parts: Vec<_> = w.file.components().collect();
            assert_eq!(parts.len(), 2, "{name:?} → {}", w.file.display());
            assert!(w.file.starts_with("platforms"), "{}", w.file.display());
        }
        // Nothing was written anywhere but entries/platforms.
        let mut found = Vec::new();
        for e in walk(root.path()) {
            found.push(e.strip_prefix(root.path()).unwrap().to_path_buf());
        }
        assert!(
            found
                .iter()
                .all(|p| p.starts_with("radar/entries/platforms")),
            "{found:?}"
        );
        assert_eq!(load_entries(&dir).unwrap().len(), 9);
    }

    fn walk(p: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn unsafe_loaded_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Entry::new("x", Quadrant::Tools);
        for bad in [
            "../x.md",
            "/etc/x.md",
            "tools/../../x.md",
            "tools/a/b.md",
            "x.md",
        ] {
            e.file = Some(PathBuf::from(bad));
            let err = write_entry(dir.path(), &e).unwrap_err().to_string();
            assert!(err.contains("refusing"), "{bad}: {err}");
        }
    }

    #[test]
    fn colliding_slugs_get_distinct_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_entry(dir.path(), &Entry::new("Dart", Quadrant::Tools)).unwrap();
        let b = write_entry(dir.path(), &Entry::new("DART!", Quadrant::Tools)).unwrap();
        assert_ne!(a.file, b.file);
        assert_eq!(load_entries(dir.path()).unwrap().len(), 2);
        // Writing the first again finds its own file.
        let again = write_entry(dir.path(), &Entry::new("Dart", Quadrant::Tools)).unwrap();
        assert_eq!(again.file, a.file);
        assert!(!again.changed);
    }

    #[test]
    fn quadrant_change_moves_the_file_and_hand_names_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tools")).unwrap();
        std::fs::write(
            dir.path().join("tools/our-ci.md"),
            "+++\nname = \"GitHub Actions\"\nquadrant = \"tools\"\n+++\nnotes\n",
        )
        .unwrap();
        let mut e = load_entries(dir.path()).unwrap().remove(0);
        assert_eq!(e.file.as_deref(), Some(Path::new("tools/our-ci.md")));
        e.ring = Some(Ring::Adopt);
        let w = write_entry(dir.path(), &e).unwrap();
        assert_eq!(w.file, PathBuf::from("tools/our-ci.md"));
        e.quadrant = Quadrant::Platforms;
        let w = write_entry(dir.path(), &e).unwrap();
        assert_eq!(w.file, PathBuf::from("platforms/github-actions.md"));
        assert!(!dir.path().join("tools/our-ci.md").exists());
        let back = load_entries(dir.path()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].text, "notes\n");
    }

    #[test]
    fn duplicate_names_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["tools/a.md", "platforms/b.md"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "+++\nname = \"Kafka\"\nquadrant = \"tools\"\n+++\n").unwrap();
        }
        let e = load_entries(dir.path()).unwrap_err().to_string();
        assert!(e.contains("two entries are named \"Kafka\""), "{e}");
    }
}
