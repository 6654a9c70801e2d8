//! The text encodings of the files users hand to entramap, told by their byte order mark:
//! UTF-8 (with or without a mark) and UTF-16, little or big endian, with a mark (what Windows
//! PowerShell 5.1's `>` and `Out-File` write). Text without a mark must be UTF-8; anything
//! else is an error that names the encoding the bytes probably are ([`DecodeError`]), never a
//! silent mis-decoding. [`decode`] turns a whole file into text; [`Utf8Stream`] does the same
//! for a stream read in pieces (user exports), in bounded memory. Line endings are left as they
//! are (every reader of entramap takes CRLF).

use std::fmt;
use std::io::{self, BufRead, Read};

/// The encoding of a text, as its byte order mark tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 after the mark `EF BB BF`.
    Utf8Bom,
    /// UTF-16, little endian, after the mark `FF FE`.
    Utf16Le,
    /// UTF-16, big endian, after the mark `FE FF`.
    Utf16Be,
}

impl Encoding {
    /// The encoding a byte order mark at the start of `head` names, and the mark's length
    /// (plain UTF-8 and 0 without one).
    pub fn sniff(head: &[u8]) -> (Encoding, usize) {
        match head {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding::Utf8Bom, 3),
            [0xFF, 0xFE, ..] => (Encoding::Utf16Le, 2),
            [0xFE, 0xFF, ..] => (Encoding::Utf16Be, 2),
            _ => (Encoding::Utf8, 0),
        }
    }

    /// The encoding's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with a byte order mark",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    /// `text` encoded in this encoding, with its byte order mark: how a file read in it is
    /// written back.
    pub fn encode(self, text: &str) -> Vec<u8> {
        let units = |big: bool| -> Vec<u8> {
            std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(|u| {
                    if big {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    }
                })
                .collect()
        };
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF], text.as_bytes()].concat(),
            Encoding::Utf16Le => units(false),
            Encoding::Utf16Be => units(true),
        }
    }
}

/// Why bytes are not text entramap reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// No byte order mark and not UTF-8.
    NotUtf8 {
        /// The byte offset of the first invalid byte (0 for UTF-16 without a mark).
        valid_up_to: usize,
        /// The encoding the bytes probably are.
        probable: Probable,
    },
    /// A UTF-32 byte order mark: an encoding entramap does not read.
    Utf32,
    /// A UTF-16 byte order mark, then something that is not UTF-16 (an unpaired surrogate, or
    /// an odd number of bytes).
    BadUtf16 {
        /// The UTF-16 variant the mark names.
        encoding: Encoding,
        /// The byte offset of the first bad code unit.
        at: usize,
    },
}

/// What text that is not UTF-8 and has no byte order mark probably is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probable {
    /// UTF-16 (little endian when `true`) without its byte order mark: every other byte is 0.
    Utf16 {
        /// Little endian.
        little_endian: bool,
    },
    /// Bytes of a legacy 8-bit code page such as Windows-1252.
    CodePage,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotUtf8 {
                probable: Probable::Utf16 { little_endian },
                ..
            } => write!(
                f,
                "the text looks like {} without a byte order mark; save it as UTF-8, or as UTF-16 with a byte order mark",
                if *little_endian { "UTF-16LE" } else { "UTF-16BE" }
            ),
            DecodeError::NotUtf8 {
                valid_up_to,
                probable: Probable::CodePage,
            } => write!(
                f,
                "not valid UTF-8 (byte {valid_up_to}); the text is probably in a legacy code page such as Windows-1252 (\"ANSI\"): save it as UTF-8"
            ),
            DecodeError::Utf32 => f.write_str(
                "the text is UTF-32 (its byte order mark says so), which entramap does not read: save it as UTF-8",
            ),
            DecodeError::BadUtf16 { encoding, at } => write!(
                f,
                "not valid {} (byte {at}), though it starts with that encoding's byte order mark",
                encoding.name()
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// How many leading bytes the UTF-16 guess looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether `head` (no byte order mark) looks like UTF-16 text without one: more than a quarter
/// of the bytes at one parity are 0 and none at the other (text of Latin script has a 0 in
/// every other byte; YAML, JSON and CSV text has no 0 byte).
fn utf16_without_mark(head: &[u8]) -> Option<Probable> {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if head.len() < 2 {
        return None;
    }
    let zeros = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    let quarter = head.len() / 8;
    match (even, odd) {
        (0, odd) if odd > quarter => Some(Probable::Utf16 {
            little_endian: true,
        }),
        (even, 0) if even > quarter => Some(Probable::Utf16 {
            little_endian: false,
        }),
        _ => None,
    }
}

/// Decodes a whole text: the encoding its byte order mark names (the mark dropped), else
/// UTF-8. Returns the text and the encoding it was in.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DecodeError::Utf32);
    }
    let (encoding, mark) = Encoding::sniff(bytes);
    match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => {
            if encoding == Encoding::Utf8 {
                if let Some(probable) = utf16_without_mark(bytes) {
                    return Err(DecodeError::NotUtf8 {
                        valid_up_to: 0,
                        probable,
                    });
                }
            }
            std::str::from_utf8(&bytes[mark..])
                .map(|text| (text.to_owned(), encoding))
                .map_err(|e| DecodeError::NotUtf8 {
                    valid_up_to: e.valid_up_to() + mark,
                    probable: Probable::CodePage,
                })
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut text = String::with_capacity(bytes.len());
            let mut decoder = Utf16::new(encoding == Encoding::Utf16Be);
            decoder
                .push(&bytes[mark..], &mut text)
                .and_then(|()| decoder.finish())
                .map_err(|at| DecodeError::BadUtf16 {
                    encoding,
                    at: at + mark,
                })?;
            Ok((text, encoding))
        }
    }
}

/// An incremental UTF-16 decoder: bytes in, UTF-8 out, a code unit or surrogate split across
/// two pushes carried over.
#[derive(Debug)]
struct Utf16 {
    big_endian: bool,
    /// The first byte of a code unit whose second byte has not come yet.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    /// Bytes decoded so far (for error offsets).
    offset: usize,
}

impl Utf16 {
    fn new(big_endian: bool) -> Self {
        Utf16 {
            big_endian,
            odd: None,
            high: None,
            offset: 0,
        }
    }

    /// Decodes `bytes` onto `out`; the byte offset of a bad code unit on failure.
    fn push(&mut self, bytes: &[u8], out: &mut String) -> Result<(), usize> {
        let mut rest = bytes;
        if let Some(first) = self.odd.take() {
            let Some((&second, tail)) = rest.split_first() else {
                self.odd = Some(first);
                return Ok(());
            };
            self.unit([first, second], out)?;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            self.unit([pair[0], pair[1]], out)?;
        }
        if let [last] = pairs.remainder() {
            self.odd = Some(*last);
        }
        Ok(())
    }

    fn unit(&mut self, pair: [u8; 2], out: &mut String) -> Result<(), usize> {
        let unit = if self.big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        };
        let at = self.offset;
        self.offset += 2;
        let c = match (self.high.take(), unit) {
            (None, 0xD800..=0xDBFF) => {
                self.high = Some(unit);
                return Ok(());
            }
            (Some(high), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                char::from_u32(c).ok_or(at)?
            }
            (Some(_), _) => return Err(at - 2),
            (None, _) => char::from_u32(u32::from(unit)).ok_or(at)?,
        };
        out.push(c);
        Ok(())
    }

    /// The end of the input: an error when a code unit or a surrogate pair is incomplete.
    fn finish(&self) -> Result<(), usize> {
        if self.high.is_some() {
            Err(self.offset - 2)
        } else if self.odd.is_some() {
            Err(self.offset)
        } else {
            Ok(())
        }
    }
}

/// How many bytes of UTF-16 [`Utf8Stream`] decodes at a time (its output buffer holds at most
/// one and a half times as many).
const STREAM_BLOCK: usize = 64 * 1024;

/// A stream read as UTF-8 whatever its byte order mark says: UTF-8 passes through (a UTF-8
/// mark dropped), UTF-16 with a mark is transcoded as it is read, in bounded memory. A stream
/// that starts like UTF-16 without a mark, or with a UTF-32 mark, is refused when it is
/// opened; other bytes that are not UTF-8 pass through for the reader to locate (with
/// [`to_str`], which names their probable encoding).
#[derive(Debug)]
pub struct Utf8Stream<R> {
    inner: R,
    /// The first bytes, read to find the byte order mark, not yet served.
    head: Vec<u8>,
    head_at: usize,
    utf16: Option<Utf16>,
    /// Transcoded bytes not yet served.
    out: String,
    out_at: usize,
    /// The encoding the stream is in.
    encoding: Encoding,
    /// Bytes of `inner` read so far, the mark included.
    source: u64,
}

impl<R: BufRead> Utf8Stream<R> {
    /// Opens `inner`: reads its first bytes to find the encoding. The mark is consumed; the
    /// rest stays in `inner`'s buffer (so that a reader of this stream sees as much ahead as
    /// `inner` buffers), unless `inner` gave fewer than four bytes at first.
    pub fn new(mut inner: R) -> io::Result<Self> {
        let mut head = Vec::with_capacity(4);
        let buffered = inner.fill_buf()?;
        let buffered_ahead = buffered.len() >= 4;
        if buffered_ahead {
            head.extend_from_slice(&buffered[..4]);
        }
        while head.len() < 4 {
            let buffer = inner.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let n = buffer.len().min(4 - head.len());
            head.extend_from_slice(&buffer[..n]);
            inner.consume(n);
        }
        let invalid = |e: DecodeError| io::Error::new(io::ErrorKind::InvalidData, e);
        if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
            return Err(invalid(DecodeError::Utf32));
        }
        let (encoding, mark) = Encoding::sniff(&head);
        let mut head_at = mark;
        let mut source = head.len() as u64;
        if buffered_ahead {
            inner.consume(mark);
            head.clear();
            head_at = 0;
            source = mark as u64;
        }
        let utf16 = match encoding {
            Encoding::Utf16Le => Some(Utf16::new(false)),
            Encoding::Utf16Be => Some(Utf16::new(true)),
            Encoding::Utf8 => {
                let mut sample = head.clone();
                let more = inner.fill_buf()?;
                sample.extend_from_slice(&more[..more.len().min(SNIFF_BYTES)]);
                if let Some(probable) = utf16_without_mark(&sample) {
                    return Err(invalid(DecodeError::NotUtf8 {
                        valid_up_to: 0,
                        probable,
                    }));
                }
                None
            }
            Encoding::Utf8Bom => None,
        };
        Ok(Utf8Stream {
            inner,
            head,
            head_at,
            utf16,
            out: String::new(),
            out_at: 0,
            encoding,
            source,
        })
    }

    /// The encoding the stream is in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// How many bytes of the underlying stream have been read (for a progress bar over a file
    /// whose size is known: UTF-16 is larger than the UTF-8 it decodes to).
    pub fn source_bytes(&self) -> u64 {
        self.source
    }
}

impl<R: BufRead> BufRead for Utf8Stream<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let Some(decoder) = &mut self.utf16 else {
            if self.head_at < self.head.len() {
                return Ok(&self.head[self.head_at..]);
            }
            return self.inner.fill_buf();
        };
        while self.out_at == self.out.len() {
            self.out.clear();
            self.out_at = 0;
            let bad = |at: usize, big: bool| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    DecodeError::BadUtf16 {
                        encoding: if big {
                            Encoding::Utf16Be
                        } else {
                            Encoding::Utf16Le
                        },
                        at: at + 2,
                    },
                )
            };
            if self.head_at < self.head.len() {
                let head = &self.head[self.head_at..];
                decoder
                    .push(head, &mut self.out)
                    .map_err(|at| bad(at, decoder.big_endian))?;
                self.head_at = self.head.len();
                continue;
            }
            let buffer = self.inner.fill_buf()?;
            if buffer.is_empty() {
                decoder.finish().map_err(|at| bad(at, decoder.big_endian))?;
                break;
            }
            let n = buffer.len().min(STREAM_BLOCK);
            decoder
                .push(&buffer[..n], &mut self.out)
                .map_err(|at| bad(at, decoder.big_endian))?;
            self.inner.consume(n);
            self.source += n as u64;
        }
        Ok(&self.out.as_bytes()[self.out_at..])
    }

    fn consume(&mut self, amount: usize) {
        if self.utf16.is_some() {
            self.out_at = (self.out_at + amount).min(self.out.len());
        } else if self.head_at < self.head.len() {
            self.head_at = (self.head_at + amount).min(self.head.len());
        } else {
            self.inner.consume(amount);
            self.source += amount as u64;
        }
    }
}

impl<R: BufRead> Read for Utf8Stream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Bytes of a [`Utf8Stream`] (one record of an export) as UTF-8 text, or the error that names
/// the encoding they are probably in (a legacy code page).
pub fn to_str(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|e| DecodeError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
        probable: Probable::CodePage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name: \"Zoë 😀\"\r\nnext: é\r\n";

    #[test]
    fn every_marked_encoding_decodes_to_the_same_text() {
        for encoding in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            let bytes = encoding.encode(TEXT);
            assert_eq!(decode(&bytes), Ok((TEXT.to_owned(), encoding)));
            for block in [1, 3, 7, 4096] {
                let mut stream = Utf8Stream::new(io::BufReader::with_capacity(
                    block,
                    io::Cursor::new(bytes.clone()),
                ))
                .unwrap_or_else(|e| panic!("{e}"));
                let mut read = String::new();
                stream
                    .read_to_string(&mut read)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(read, TEXT, "{encoding:?} in blocks of {block}");
                assert_eq!(stream.encoding(), encoding);
            }
        }
    }

    #[test]
    fn text_without_a_mark_that_is_not_utf8_names_its_probable_encoding() {
        let windows_1252 = b"name: Zo\xeb\r\n".to_vec();
        let error = decode(&windows_1252)
            .err()
            .unwrap_or_else(|| panic!("decoded"));
        assert_eq!(
            error.to_string(),
            "not valid UTF-8 (byte 8); the text is probably in a legacy code page such as Windows-1252 (\"ANSI\"): save it as UTF-8"
        );
        let unmarked = Encoding::Utf16Le.encode("name: x\r\n")[2..].to_vec();
        let error = decode(&unmarked).err().unwrap_or_else(|| panic!("decoded"));
        assert!(error
            .to_string()
            .starts_with("the text looks like UTF-16LE without a byte order mark"));
        let error = Utf8Stream::new(io::Cursor::new(unmarked))
            .err()
            .unwrap_or_else(|| panic!("opened"));
        assert!(error
            .to_string()
            .contains("UTF-16LE without a byte order mark"));
        let big = Encoding::Utf16Be.encode("{}")[2..].to_vec();
        assert!(matches!(
            decode(&big),
            Err(DecodeError::NotUtf8 {
                probable: Probable::Utf16 {
                    little_endian: false
                },
                ..
            })
        ));
        assert_eq!(decode(b"\xff\xfe\0\0a\0\0\0"), Err(DecodeError::Utf32));
        assert_eq!(
            to_str(b"a\xe9"),
            Err(DecodeError::NotUtf8 {
                valid_up_to: 1,
                probable: Probable::CodePage
            })
        );
        assert_eq!(to_str("é".as_bytes()), Ok("é"));
    }

    #[test]
    fn broken_utf16_after_a_mark_is_an_error_at_its_place() {
        // An unpaired high surrogate, then an odd trailing byte.
        let lone = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        assert_eq!(
            decode(&lone),
            Err(DecodeError::BadUtf16 {
                encoding: Encoding::Utf16Le,
                at: 4
            })
        );
        let odd = [0xFE, 0xFF, 0, b'a', 0];
        assert_eq!(
            decode(&odd),
            Err(DecodeError::BadUtf16 {
                encoding: Encoding::Utf16Be,
                at: 4
            })
        );
        let mut stream =
            Utf8Stream::new(io::Cursor::new(lone.to_vec())).unwrap_or_else(|e| panic!("{e}"));
        let error = stream
            .read_to_string(&mut String::new())
            .err()
            .unwrap_or_else(|| panic!("read"));
        assert_eq!(
            error.to_string(),
            "not valid UTF-16LE (byte 4), though it starts with that encoding's byte order mark"
        );
    }

    proptest::proptest! {
        /// Any text in any marked encoding comes back whole, however the stream is cut.
        #[test]
        fn any_text_round_trips(text in "\\PC*", block in 1usize..40, which in 0usize..4) {
            let encoding = [
                Encoding::Utf8,
                Encoding::Utf8Bom,
                Encoding::Utf16Le,
                Encoding::Utf16Be,
            ][which];
            let bytes = encoding.encode(&text);
            if encoding != Encoding::Utf8 || !text.contains('\0') {
                proptest::prop_assert_eq!(decode(&bytes).map(|(t, _)| t), Ok(text.clone()));
            }
            if let Ok(mut stream) =
                Utf8Stream::new(io::BufReader::with_capacity(block, io::Cursor::new(bytes)))
            {
                let mut read = String::new();
                proptest::prop_assert!(stream.read_to_string(&mut read).is_ok());
                proptest::prop_assert_eq!(read, text);
            }
        }

        /// Any bytes: decoded or refused, never a panic, and the stream agrees with the whole
        /// decode when the input has a UTF-16 mark.
        #[test]
        fn any_bytes_are_decoded_or_refused(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), block in 1usize..16) {
            let whole = decode(&bytes);
            let mut read = Vec::new();
            let streamed = Utf8Stream::new(io::BufReader::with_capacity(block, io::Cursor::new(bytes.clone())))
                .and_then(|mut s| s.read_to_end(&mut read));
            if matches!(Encoding::sniff(&bytes).0, Encoding::Utf16Le | Encoding::Utf16Be) && !bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
                proptest::prop_assert_eq!(whole.is_ok(), streamed.is_ok());
                if let Ok((text, _)) = whole {
                    proptest::prop_assert_eq!(read, text.into_bytes());
                }
            }
        }
    }

    #[test]
    fn a_stream_holds_one_block_at_a_time() {
        let line = "{\"displayName\": \"Zoë\"}\r\n".repeat(20_000);
        let bytes = Encoding::Utf16Le.encode(&line);
        let mut stream = Utf8Stream::new(io::BufReader::new(io::Cursor::new(bytes)))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut total = 0;
        loop {
            let n = stream.fill_buf().unwrap_or_else(|e| panic!("{e}")).len();
            if n == 0 {
                break;
            }
            assert!(
                stream.out.capacity() <= STREAM_BLOCK * 2,
                "{}",
                stream.out.capacity()
            );
            total += n;
            stream.consume(n);
        }
        assert_eq!(total, line.len());
    }
}
