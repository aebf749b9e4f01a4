//! Replacing a file so that a reader or a crash sees the old bytes or the
//! new ones, never half of either.
//!
//! Every file radar writes whole (entries, digests, crawl and schedule
//! state, exports) goes through [`write`]: a temp file in the target's own
//! folder (a rename across filesystems would not be atomic), optionally
//! synced, given the mode the target should have, then renamed over it.
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
    let prefix = format!(".{name}.");
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
}
