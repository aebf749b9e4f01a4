//! The directory the index is opened through: tantivy's memory-mapped
//! directory, except that docstores (`*.store`) are read with positioned
//! reads into owned buffers.
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
//! A merge copies each input docstore whole with one read. Through the
//! map, every store it had copied stayed resident until the merge ended
//! (eight 30 MB stores at once: +300 MiB in a 528k-record ingest); read
//! into a buffer, only the store being copied is, and the merge policy
//! (`write.rs`, `MERGE_CAP_DOCS`) keeps that small. Owns no index logic;
//! does not touch other files.
//!
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

#[cfg(unix)]
fn is_docstore(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "store")
}

/// A docstore file, read by offset.
#[cfg(unix)]
#[derive(Debug)]
struct PositionedReads {
    file: File,
    len: usize,
}

#[cfg(unix)]
impl HasLen for PositionedReads {
    fn len(&self) -> usize {
        self.len
    }
}

#[cfg(unix)]
impl FileHandle for PositionedReads {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        use std::os::unix::fs::FileExt;
        let mut buf = vec![0u8; range.len()];
        self.file.read_exact_at(&mut buf, range.start as u64)?;
        Ok(OwnedBytes::new(buf))
    }
}

#[cfg(unix)]
fn positioned(full: &Path, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
    let wrap = |e: io::Error| {
        if e.kind() == io::ErrorKind::NotFound {
            OpenReadError::FileDoesNotExist(path.to_path_buf())
        } else {
            OpenReadError::wrap_io_error(e, path.to_path_buf())
        }
    };
    let file = File::open(full).map_err(wrap)?;
    let len = file.metadata().map_err(wrap)?.len();
    let len = usize::try_from(len).map_err(|_| {
        OpenReadError::wrap_io_error(
            io::Error::other("docstore larger than this platform can address"),
            path.to_path_buf(),
        )
    })?;
    Ok(Arc::new(PositionedReads { file, len }))
}

impl Directory for StoreReadsDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        #[cfg(unix)]
        if is_docstore(path) {
            return positioned(&self.root.join(path), path);
        }
        self.mapped.get_file_handle(path)
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

    /// Docstore reads of any size come from the file into owned buffers;
    /// other files are the map's.
    #[test]
    fn docstore_reads_by_offset_give_the_files_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..(3 << 20)).map(|i| (i % 251) as u8).collect();
        let store_path = dir.path().join("seg.store");
        std::fs::write(&store_path, &data).unwrap();
        std::fs::write(dir.path().join("seg.idx"), &data[..100]).unwrap();
        let d = StoreReadsDirectory::open(dir.path()).unwrap();
        let store = d.get_file_handle(Path::new("seg.store")).unwrap();
        assert_eq!(store.len(), data.len());
        assert_eq!(
            store.read_bytes(10..4000).unwrap().as_slice(),
            &data[10..4000]
        );
        // A merge's whole-store read: a copy, not a view of a shared map
        // (a mapped view would show the file's later bytes).
        let whole = store.read_bytes(0..data.len()).unwrap();
        assert_eq!(whole.as_slice(), &data[..]);
        {
            use std::os::unix::fs::FileExt;
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&store_path)
                .unwrap();
            f.write_all_at(&[7u8; 64], 0).unwrap();
        }
        assert_eq!(&whole.as_slice()[..64], &data[..64]);
        assert_eq!(store.read_bytes(0..64).unwrap().as_slice(), &[7u8; 64]);
        assert!(store.read_bytes(data.len() - 10..data.len() + 10).is_err());
        assert!(format!("{store:?}").contains("PositionedReads"));
        let idx = d.get_file_handle(Path::new("seg.idx")).unwrap();
        assert_eq!(idx.read_bytes(5..50).unwrap().as_slice(), &data[5..50]);
        assert!(!format!("{idx:?}").contains("PositionedReads"));
        assert!(matches!(
            d.get_file_handle(Path::new("missing.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
