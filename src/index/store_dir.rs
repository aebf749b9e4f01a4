//! The directory the index is opened through: tantivy's memory-mapped
//! directory, except that docstore blocks (`*.store`) are read with
//! positioned reads into owned buffers.
//!
//! Why: every mapped page a process has touched counts in its resident
//! memory until it unmaps the file. A window read (trends, update, digest)
//! decompresses the blocks holding the window's items; when those items
//! are spread over years of history, that touches most of the docstore,
//! and the mapped docstore then dominated peak memory (43 MB of a 84 MiB
//! `radar trends` at 100k items, growing with the history). Read into
//! buffers, a block is dropped once decompressed and only the kernel's
//! page cache, which it may evict, keeps the file.
//!
//! Reads larger than [`MAPPED_ABOVE`] (a merge copying whole docstores)
//! still go through the map: copying them into one buffer would cost their
//! whole size at once. Owns no index logic; does not touch other files.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Reads at least this long are served from the map.
const MAPPED_ABOVE: usize = 1 << 20;

#[derive(Clone, Debug)]
pub(crate) struct StoreReadsDirectory {
    mapped: MmapDirectory,
    root: PathBuf,
}

impl StoreReadsDirectory {
    pub(crate) fn open(root: &Path) -> Result<StoreReadsDirectory, tantivy::TantivyError> {
        Ok(StoreReadsDirectory {
            mapped: MmapDirectory::open(root).map_err(tantivy::TantivyError::from)?,
            root: root.to_path_buf(),
        })
    }
}

fn is_docstore(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "store")
}

/// A docstore file: small reads by offset, large ones from the map.
#[derive(Debug)]
struct PositionedReads {
    file: File,
    mapped: Arc<dyn FileHandle>,
}

impl HasLen for PositionedReads {
    fn len(&self) -> usize {
        self.mapped.len()
    }
}

impl FileHandle for PositionedReads {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.len() >= MAPPED_ABOVE || !cfg!(unix) {
            return self.mapped.read_bytes(range);
        }
        read_at(&self.file, range)
    }
}

#[cfg(unix)]
fn read_at(file: &File, range: Range<usize>) -> io::Result<OwnedBytes> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; range.len()];
    file.read_exact_at(&mut buf, range.start as u64)?;
    Ok(OwnedBytes::new(buf))
}

#[cfg(not(unix))]
fn read_at(_file: &File, _range: Range<usize>) -> io::Result<OwnedBytes> {
    Err(io::Error::other("positioned reads need unix"))
}

impl Directory for StoreReadsDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mapped = self.mapped.get_file_handle(path)?;
        if !is_docstore(path) {
            return Ok(mapped);
        }
        let file = File::open(self.root.join(path))
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        Ok(Arc::new(PositionedReads { file, mapped }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mapped.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mapped.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mapped.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mapped.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mapped.atomic_write(path, data)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mapped.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mapped.watch(watch_callback)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mapped.sync_directory()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small docstore reads come from the file, large ones from the map,
    /// and both give the file's bytes; other files are the map's.
    #[test]
    fn docstore_reads_by_offset_give_the_files_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..(MAPPED_ABOVE + 4096))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(dir.path().join("seg.store"), &data).unwrap();
        std::fs::write(dir.path().join("seg.idx"), &data[..100]).unwrap();
        let d = StoreReadsDirectory::open(dir.path()).unwrap();
        let store = d.get_file_handle(Path::new("seg.store")).unwrap();
        assert_eq!(store.len(), data.len());
        assert_eq!(
            store.read_bytes(10..4000).unwrap().as_slice(),
            &data[10..4000]
        );
        assert_eq!(
            store.read_bytes(0..data.len()).unwrap().as_slice(),
            &data[..]
        );
        assert!(format!("{store:?}").contains("PositionedReads"));
        let idx = d.get_file_handle(Path::new("seg.idx")).unwrap();
        assert_eq!(idx.read_bytes(5..50).unwrap().as_slice(), &data[5..50]);
        assert!(!format!("{idx:?}").contains("PositionedReads"));
        assert!(d.get_file_handle(Path::new("missing.store")).is_err());
    }
}
