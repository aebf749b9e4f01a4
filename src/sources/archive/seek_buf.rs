//! A buffered reader for the zip walk whose seeks inside its buffer keep
//! the buffer. Owns no zip logic.
//!
//! Why: the zip crate seeks to an absolute offset before every central
//! directory record and every entry, and `std::io::BufReader` drops its
//! buffer on any `seek`, so each of ~530k records would cost a fresh 8 KiB
//! read. Here a seek that lands in the buffer only moves the cursor.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};

pub(super) struct SeekBuf<R> {
    inner: BufReader<R>,
    /// Offset in the underlying reader of the next byte `read` returns.
    pos: u64,
}

impl<R: Read + Seek> SeekBuf<R> {
    pub(super) fn new(mut inner: R) -> io::Result<SeekBuf<R>> {
        let pos = inner.stream_position()?;
        Ok(SeekBuf {
            inner: BufReader::with_capacity(64 * 1024, inner),
            pos,
        })
    }
}

impl<R: Read> Read for SeekBuf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> BufRead for SeekBuf<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

impl<R: Read + Seek> Seek for SeekBuf<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(_) => None,
        };
        let Some(target) = target else {
            if let SeekFrom::Current(_) = to {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "seek before the start of the archive",
                ));
            }
            self.pos = self.inner.seek(to)?;
            return Ok(self.pos);
        };
        match i64::try_from(i128::from(target) - i128::from(self.pos)) {
            // Keeps the buffer when the target is inside it; otherwise one
            // relative seek of the reader underneath.
            Ok(delta) => self.inner.seek_relative(delta)?,
            Err(_) => {
                self.inner.seek(SeekFrom::Start(target))?;
            }
        }
        self.pos = target;
        Ok(target)
    }

    fn stream_position(&mut self) -> io::Result<u64> {
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn seeks_read_the_bytes_at_the_offset_in_and_out_of_the_buffer() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let mut r = SeekBuf::new(Cursor::new(data.clone())).unwrap();
        let mut b = [0u8; 16];
        for at in [0u64, 100, 50, 70_000, 70_010, 69_990, 299_984, 5, 200_000] {
            assert_eq!(r.seek(SeekFrom::Start(at)).unwrap(), at);
            r.read_exact(&mut b).unwrap();
            assert_eq!(&b[..], &data[at as usize..at as usize + 16], "at {at}");
            assert_eq!(r.stream_position().unwrap(), at + 16);
        }
        assert_eq!(r.seek(SeekFrom::Current(-32)).unwrap(), 200_000 - 16);
        r.read_exact(&mut b).unwrap();
        assert_eq!(&b[..], &data[199_984..200_000]);
        assert_eq!(r.seek(SeekFrom::End(-16)).unwrap(), 299_984);
        r.read_exact(&mut b).unwrap();
        assert_eq!(&b[..], &data[299_984..]);
        assert!(r.seek(SeekFrom::Current(-400_000)).is_err());
    }
}
