//! Undoing Content-Encoding (gzip, deflate, brotli) under the body cap.
//!
//! A small compressed body can inflate to gigabytes; every decoder here
//! stops one byte past the cap, so "fits" and "over the cap" are told apart
//! without ever holding more. Works memory to memory and temp file to temp
//! file (for OSV zips). No network, no parsing.

use std::io::{Read, Write};

use super::outcome::{Body, FetchError};

/// Undoes each Content-Encoding (last applied first), never producing more
/// than `cap` bytes: a small compressed body that inflates past the cap is
/// refused, not buffered.
pub(super) fn decode_body(
    body: Body,
    encodings: &[String],
    cap: u64,
    cap_mib: u64,
    wire: u64,
    url: &str,
) -> Result<Body, FetchError> {
    let mut body = body;
    for enc in encodings.iter().rev() {
        let err = |detail: String| FetchError::Decode {
            url: url.to_string(),
            encoding: enc.clone(),
            detail,
        };
        let temp_err = |cause| FetchError::TempFile {
            url: url.to_string(),
            cause,
        };
        let decoded = match body {
            Body::Memory(bytes) => {
                let mut out = Vec::new();
                let n = decode_stream(enc, &bytes[..], &mut out, cap).map_err(|e| match e {
                    DecodeError::Unsupported => FetchError::Encoding {
                        url: url.to_string(),
                        encoding: enc.clone(),
                    },
                    DecodeError::Io(e) => err(e.to_string()),
                })?;
                (Body::Memory(out), n)
            }
            Body::File(tmp) => {
                let input = std::io::BufReader::new(tmp.reopen().map_err(temp_err)?);
                let out = tempfile::NamedTempFile::new().map_err(temp_err)?;
                let mut w = std::io::BufWriter::new(out.reopen().map_err(temp_err)?);
                let n = decode_stream(enc, input, &mut w, cap).map_err(|e| match e {
                    DecodeError::Unsupported => FetchError::Encoding {
                        url: url.to_string(),
                        encoding: enc.clone(),
                    },
                    DecodeError::Io(e) => err(e.to_string()),
                })?;
                w.flush().map_err(temp_err)?;
                (Body::File(out), n)
            }
            // Local files are read as they are; nothing to decode.
            Body::Local(p) => (Body::Local(p), 0),
        };
        if decoded.1 > cap {
            return Err(FetchError::DecodedTooLarge {
                url: url.to_string(),
                encoding: enc.clone(),
                cap_mib,
                wire,
            });
        }
        body = decoded.0;
    }
    Ok(body)
}

enum DecodeError {
    Unsupported,
    Io(std::io::Error),
}

/// Copies at most `cap + 1` decoded bytes, so the caller can tell "fits"
/// from "over the cap" without ever holding more.
fn decode_stream(
    encoding: &str,
    input: impl Read,
    out: &mut impl Write,
    cap: u64,
) -> Result<u64, DecodeError> {
    let limit = cap.saturating_add(1);
    let mut reader: Box<dyn Read> = match encoding {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(input)),
        "deflate" => {
            // HTTP "deflate" is zlib-wrapped, but some servers send raw
            // deflate; the zlib header check tells them apart.
            let mut input = std::io::BufReader::new(input);
            let head = std::io::BufRead::fill_buf(&mut input).map_err(DecodeError::Io)?;
            let zlib = head.len() >= 2
                && head[0] & 0x0f == 8
                && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
            if zlib {
                Box::new(flate2::read::ZlibDecoder::new(input))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(input))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(input, 64 * 1024)),
        _ => return Err(DecodeError::Unsupported),
    };
    std::io::copy(&mut (&mut reader).take(limit), out).map_err(DecodeError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{GzEncoder, ZlibEncoder};

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn decoding_stops_one_byte_past_the_cap() {
        let zeros = vec![0u8; 10 * 1024 * 1024];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < 64 * 1024, "10 MiB of zeros compresses well");
        let mut out = Vec::new();
        let n = decode_stream("gzip", &bomb[..], &mut out, 1024 * 1024).unwrap_or(0);
        assert_eq!(n, 1024 * 1024 + 1);
        assert_eq!(out.len(), 1024 * 1024 + 1);
        let err = decode_body(
            Body::Memory(bomb.clone()),
            &["gzip".into()],
            1024 * 1024,
            1,
            bomb.len() as u64,
            "http://x/feed",
        )
        .unwrap_err();
        assert!(matches!(err, FetchError::DecodedTooLarge { .. }), "{err}");
        assert!(!err.is_transient());
    }

    #[test]
    fn deflate_accepts_zlib_and_raw_and_unknown_encodings_are_refused() {
        let text = b"<rss>hello hello hello</rss>".repeat(50);
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&text).unwrap();
        let zlib = z.finish().unwrap();
        let mut r = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        r.write_all(&text).unwrap();
        let raw = r.finish().unwrap();
        for input in [zlib, raw] {
            let mut out = Vec::new();
            decode_stream("deflate", &input[..], &mut out, 1 << 20).unwrap_or(0);
            assert_eq!(out, text);
        }
        let mut out = Vec::new();
        assert!(matches!(
            decode_stream("zstd", &b""[..], &mut out, 10),
            Err(DecodeError::Unsupported)
        ));
        // Stacked encodings are undone last-first.
        let twice = gzip(&gzip(&text));
        match decode_body(
            Body::Memory(twice),
            &["gzip".into(), "gzip".into()],
            1 << 20,
            1,
            0,
            "u",
        ) {
            Ok(Body::Memory(b)) => assert_eq!(b, text),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn brotli_is_decoded_under_the_cap() {
        let text = b"<rss>brotli body</rss>".repeat(100);
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
            w.write_all(&text).unwrap();
        }
        let mut out = Vec::new();
        assert_eq!(
            decode_stream("br", &br[..], &mut out, 1 << 20).unwrap_or(0),
            text.len() as u64
        );
        assert_eq!(out, text);
        let mut capped = Vec::new();
        assert_eq!(
            decode_stream("br", &br[..], &mut capped, 100).unwrap_or(0),
            101
        );
    }
}
