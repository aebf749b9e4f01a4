//! Replacing a file so that a reader or a crash sees the old bytes or the
//! new ones, never half of either.
//!
//! Every file radar writes whole (entries, digests, crawl and schedule
//! state, exports) goes through [`write`]: a temp file in the target's own
//! folder (a rename across filesystems would not be atomic), optionally
//! synced, given the mode the target should have, then renamed over it.
//! The temp file's name carries the writer's pid (`.NAME.PID.XXXXXX.tmp`),
//! so one left behind by a killed process can be told from one a running
//! writer is still filling: [`remove_stale_temps`] removes only the first.
//! Owns no format; callers hand it bytes.

use std::fs::Permissions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Whether the bytes must be on disk before the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync before the rename: for state that describes an index commit,
    /// where losing it after a power cut would re-fetch or re-send.
    Sync,
    /// No fsync: for files that a rerun regenerates (entries, digests,
    /// exports), where syncing hundreds of files costs more than a rerun.
    NoSync,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot {op} {}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    pub op: &'static str,
    #[source]
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically, creating missing parent folders.
///
/// A file that already exists keeps its permissions; a new one gets what a
/// plain `open(…, O_CREAT, 0666)` would give under the current umask (0644
/// under 022), not the 0600 of a temp file.
pub fn write(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), WriteError> {
    write_with(path, durability, |w| w.write_all(bytes))
}

/// [`write`] for output too large to hold in memory (an export of every
/// indexed item): `fill` streams into the temp file, which replaces `path`
/// only when `fill` succeeded.
pub fn write_with(
    path: &Path,
    durability: Durability,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let err = |op: &'static str, at: &Path| {
        let at = at.to_path_buf();
        move |source| WriteError {
            path: at,
            op,
            source,
        }
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err("create folder", dir))?;
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.{}.", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The mode asked of open(2), which the kernel narrows by the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(err("create a temp file in", dir))?;
    {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file_mut());
        fill(&mut out).map_err(err("write", path))?;
        out.flush().map_err(err("write", path))?;
    }
    if let Some(p) = existing {
        tmp.as_file()
            .set_permissions(p)
            .map_err(err("keep the permissions of", path))?;
    }
    if durability == Durability::Sync {
        tmp.as_file().sync_all().map_err(err("sync", path))?;
    }
    tmp.persist(path).map_err(|e| WriteError {
        path: path.to_path_buf(),
        op: "replace",
        source: e.error,
    })?;
    Ok(())
}

/// Writes several files as one change: each with [`write`], and if one
/// fails, the ones already written go back to what they were (removed if
/// they were new, old bytes restored if not), so a failure never leaves
/// half of a set, e.g. a radar.toml without its stack.toml.
pub fn write_all(files: &[(&Path, &[u8])], durability: Durability) -> Result<(), WriteError> {
    let mut done: Vec<(&Path, Option<Vec<u8>>)> = Vec::new();
    for (path, bytes) in files {
        let before = std::fs::read(path).ok();
        if let Err(e) = write(path, bytes, durability) {
            // Best effort: the error that matters is the one returned.
            for (p, old) in done.into_iter().rev() {
                let _ = match old {
                    Some(old) => write(p, &old, durability),
                    None => std::fs::remove_file(p).map_err(|source| WriteError {
                        path: p.to_path_buf(),
                        op: "remove",
                        source,
                    }),
                };
            }
            return Err(e);
        }
        done.push((path, before));
    }
    Ok(())
}

/// The pid in a name [`write`] gives its temp files, if `name` is one.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, _random) = rest.rsplit_once('.')?;
    let (target, pid) = rest.rsplit_once('.')?;
    if target.is_empty() {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` still runs. Where that cannot be told (no /proc),
/// every process counts as running, so nothing is removed.
pub fn process_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Temp files in `dir` (not below it) left by a [`write`] whose process is
/// gone, e.g. killed with SIGKILL between creating and renaming it. Sorted.
pub fn stale_temps(dir: &Path) -> Vec<PathBuf> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = listing
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(temp_owner)
                .is_some_and(|pid| !process_running(pid))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Removes [`stale_temps`] in `dir`; returns the files removed. A file that
/// vanished meanwhile (another process swept it) is not an error.
pub fn remove_stale_temps(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut removed = Vec::new();
    for path in stale_temps(dir) {
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(WriteError {
                    path,
                    op: "remove the stale temp file",
                    source,
                });
            }
        }
    }
    Ok(removed)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_file_gets_the_umask_mode_not_the_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/new.md");
        write(&p, b"one", Durability::NoSync).unwrap();
        // What a plain create gives in this process, whatever its umask.
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        assert_eq!(mode(&p), mode(&plain));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
    }

    #[test]
    fn an_existing_file_keeps_its_mode_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        std::fs::write(&p, b"old").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o640)).unwrap();
        write(&p, b"new", Durability::Sync).unwrap();
        assert_eq!(mode(&p), 0o640);
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn temp_names_carry_the_pid() {
        assert_eq!(temp_owner(".kafka.md.4242.aB3xYz.tmp"), Some(4242));
        assert_eq!(temp_owner(".a.b.c.md.7.zzzzzz.tmp"), Some(7));
        // Older temp names had no pid; they cannot be told apart from a
        // live one, so they are left alone.
        assert_eq!(temp_owner(".kafka.md.aB3xYz.tmp"), None);
        assert_eq!(temp_owner("kafka.md.1.aB3xYz.tmp"), None);
        assert_eq!(temp_owner("..1.aB3xYz.tmp"), None);
        assert_eq!(temp_owner(".kafka.md"), None);
    }

    #[test]
    fn only_temp_files_of_gone_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // pid_max is at most 2^22, so this pid never runs.
        let dead = d.join(".kafka.md.4999999.aB3xYz.tmp");
        let live = d.join(format!(".kafka.md.{}.aB3xYz.tmp", std::process::id()));
        let old = d.join(".kafka.md.aB3xYz.tmp");
        let entry = d.join("kafka.md");
        for p in [&dead, &live, &old, &entry] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(stale_temps(d), vec![dead.clone()]);
        assert_eq!(remove_stale_temps(d).unwrap(), vec![dead.clone()]);
        assert!(!dead.exists() && live.exists() && old.exists() && entry.exists());
        assert!(remove_stale_temps(d).unwrap().is_empty());
    }

    #[test]
    fn write_all_undoes_the_files_it_wrote_when_one_fails() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let kept = d.join("stack.toml");
        std::fs::write(&kept, b"old stack").unwrap();
        let new = d.join("radar.toml");
        // A file where a folder must be: the third write cannot happen.
        std::fs::write(d.join("blocked"), b"").unwrap();
        let bad = d.join("blocked/entries.md");
        let files: [(&Path, &[u8]); 3] = [(&new, b"radar"), (&kept, b"new stack"), (&bad, b"x")];
        let err = write_all(&files, Durability::NoSync).unwrap_err();
        assert_eq!(err.op, "create folder");
        assert!(!new.exists(), "a new file is removed again");
        assert_eq!(std::fs::read(&kept).unwrap(), b"old stack");
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "stack.toml"]);

        let ok: [(&Path, &[u8]); 2] = [(&new, b"radar"), (&kept, b"new stack")];
        write_all(&ok, Durability::NoSync).unwrap();
        assert_eq!(std::fs::read(&new).unwrap(), b"radar");
        assert_eq!(std::fs::read(&kept).unwrap(), b"new stack");
    }
}
