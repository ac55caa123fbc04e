//! JSON Lines input from outside (`soi score`, `soi publish`, `soi run --input`), one bounded
//! line at a time.
//!
//! Why not `BufRead::lines`: it fails the whole read on the first byte that is not UTF-8 (so the
//! good lines after it were never scored) and buffers a line of any length in memory. This reader
//! reads raw bytes up to a cap (`--max-line-bytes`, default 8 MiB); past the cap it discards the
//! rest of the line as it reads, without keeping it, so memory stays bounded. A line that is too
//! long or not UTF-8 comes back as a [`LineError`] for that line, and the caller answers it like
//! any malformed line; only a failing read (I/O error) stops the input.

use std::fmt;
use std::io::{BufRead, ErrorKind};
use std::path::Path;

use anyhow::Context;

/// Default cap on one input line: 8 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 8 << 20;

/// The line-size flag the input commands share.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct LineLimit {
    /// Longest input line in bytes; a longer line is answered as a malformed line and skipped
    /// without being held in memory.
    #[arg(long, env = "SOI_MAX_LINE_BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
}

/// Why one line could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// The line has `bytes` bytes (without its newline), more than `max`.
    TooLong { bytes: u64, max: usize },
    /// The byte `byte` at `at` bytes into the line (`offset` bytes into the input) does not
    /// start a valid UTF-8 character.
    NotUtf8 { byte: u8, at: usize, offset: u64 },
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::TooLong { bytes, max } => write!(
                f,
                "line is {bytes} bytes, over the limit of {max} bytes (--max-line-bytes); skipped"
            ),
            LineError::NotUtf8 { byte, at, offset } => write!(
                f,
                "not UTF-8: byte 0x{byte:02x} at offset {at} of the line (offset {offset} of the \
                 input)"
            ),
        }
    }
}

/// One non-blank input line: its number (from 1) and its text or what was wrong with it.
#[derive(Debug)]
pub struct InputLine {
    pub number: usize,
    pub text: Result<String, LineError>,
}

/// Reads lines of at most `max` bytes from `inner`; blank lines are skipped (but counted).
pub struct LineReader<R> {
    inner: R,
    max: usize,
    number: usize,
    offset: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            max,
            number: 0,
            offset: 0,
        }
    }

    /// The next line's raw bytes (up to the cap); `None` at the end of the input.
    fn raw_line(&mut self) -> std::io::Result<Option<RawLine>> {
        let start = self.offset;
        let mut buf = Vec::new();
        let (mut len, mut over, mut any) = (0u64, false, false);
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let newline = avail.iter().position(|&b| b == b'\n');
            let chunk = &avail[..newline.unwrap_or(avail.len())];
            len += chunk.len() as u64;
            if !over && buf.len() + chunk.len() > self.max {
                over = true;
                buf = Vec::new();
            }
            if !over {
                buf.extend_from_slice(chunk);
            }
            let used = chunk.len() + usize::from(newline.is_some());
            self.inner.consume(used);
            self.offset += used as u64;
            if newline.is_some() {
                break;
            }
        }
        Ok(Some(RawLine {
            bytes: buf,
            over,
            len,
            start,
        }))
    }
}

/// One line as read: its bytes (empty when over the cap), whether it was over the cap, its full
/// length without the newline and its offset in the input.
struct RawLine {
    bytes: Vec<u8>,
    over: bool,
    len: u64,
    start: u64,
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = std::io::Result<InputLine>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let RawLine {
                mut bytes,
                over,
                len,
                start,
            } = match self.raw_line() {
                Ok(Some(l)) => l,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            self.number += 1;
            let number = self.number;
            if over {
                let text = Err(LineError::TooLong {
                    bytes: len,
                    max: self.max,
                });
                return Some(Ok(InputLine { number, text }));
            }
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
            let text = String::from_utf8(bytes).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                LineError::NotUtf8 {
                    byte: e.as_bytes()[at],
                    at,
                    offset: start + at as u64,
                }
            });
            if matches!(&text, Ok(t) if t.trim().is_empty()) {
                continue;
            }
            return Some(Ok(InputLine { number, text }));
        }
    }
}

/// Opens `path` (`-`: standard input) as bounded lines.
pub fn open(path: &Path, limit: LineLimit) -> anyhow::Result<LineReader<Box<dyn BufRead + Send>>> {
    let inner: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        Box::new(std::io::BufReader::new(f))
    };
    Ok(LineReader::new(inner, limit.max_line_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8], max: usize, buf: usize) -> Vec<(usize, Result<String, LineError>)> {
        let r = std::io::BufReader::with_capacity(buf, input);
        LineReader::new(r, max)
            .map(|l| l.map(|l| (l.number, l.text)).expect("read"))
            .collect()
    }

    #[test]
    fn a_byte_that_is_not_utf8_spoils_only_its_line() {
        let input = b"{\"a\":1}\n{\"b\":\"\xff\"}\r\n\n  \n{\"c\":3}";
        for buf in [1, 3, 64] {
            let got = read(input, 100, buf);
            assert_eq!(got.len(), 3, "{got:?}");
            assert_eq!(got[0], (1, Ok("{\"a\":1}".into())));
            assert_eq!(
                got[1],
                (
                    2,
                    Err(LineError::NotUtf8 {
                        byte: 0xff,
                        at: 6,
                        offset: 14
                    })
                )
            );
            assert_eq!(got[2], (5, Ok("{\"c\":3}".into())));
        }
        let e = read(b"\xc3(", 10, 8)[0].1.clone().unwrap_err().to_string();
        assert!(e.contains("0xc3") && e.contains("offset 0"), "{e}");
    }

    #[test]
    fn a_line_over_the_cap_is_an_error_line_and_the_next_one_reads() {
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nok\n");
        input.extend_from_slice(&[b'y'; 10]);
        let got = read(&input, 10, 7);
        assert_eq!(
            got[0],
            (
                1,
                Err(LineError::TooLong {
                    bytes: 10_000,
                    max: 10
                })
            )
        );
        assert_eq!(got[1], (2, Ok("ok".into())));
        assert_eq!(
            got[2],
            (3, Ok("y".repeat(10))),
            "exactly at the cap is fine"
        );
        assert!(got[0]
            .1
            .clone()
            .unwrap_err()
            .to_string()
            .contains("--max-line-bytes"));
    }
}
