//! Top-level JSON documents of a file, one after another: JSON Lines, a document spanning
//! lines, several Graph or SCIM pages in a row. Each is parsed on its own, with the line it
//! starts on, so that one bad document is reported where it is and the others are still read.

use serde_json::Value;
use std::io::{self, BufRead};

/// The longest document read (one page of a dump, one line of JSON Lines).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 30;

/// Calls `each` with every top-level document (or why it cannot be read) and its first line.
/// Text between documents, a document over [`MAX_DOCUMENT_BYTES`] and a document cut off by
/// the end of the file are reported, never dropped.
pub fn documents(
    input: impl BufRead,
    mut each: impl FnMut(Result<Value, String>, u64),
) -> io::Result<()> {
    raw_documents(input, |document, line| {
        each(document.and_then(|bytes| parse(bytes, line)), line);
    })
}

/// What the splitter says of a document over [`MAX_DOCUMENT_BYTES`].
pub fn too_long_message() -> String {
    format!("the document is over {MAX_DOCUMENT_BYTES} bytes and is not read")
}

/// What the splitter says of text between documents that is not a document.
pub const UNEXPECTED_TEXT: &str =
    "unexpected text between JSON documents; the rest of the line is skipped";

/// [`documents`] without the parsing: each document's bytes ([`parse`] reports errors as
/// [`documents`] does).
pub fn raw_documents(
    input: impl BufRead,
    each: impl FnMut(Result<&[u8], String>, u64),
) -> io::Result<()> {
    raw_documents_from(input, 1, each)
}

/// [`raw_documents`] of a text whose first line is line `first_line` of the file, and that
/// starts outside any document.
pub fn raw_documents_from(
    mut input: impl BufRead,
    first_line: u64,
    mut each: impl FnMut(Result<&[u8], String>, u64),
) -> io::Result<()> {
    let mut doc: Vec<u8> = Vec::new();
    let mut start_line = 0u64;
    let mut line_no = first_line.saturating_sub(1);
    let mut walker = Walker::default();
    let mut open = false;
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        line_no += 1;
        // Where the document being read starts on this line, and where the walk is.
        let (mut from, mut at) = (0, 0);
        while at < line.len() {
            if !open {
                let b = line[at];
                if b.is_ascii_whitespace() || b == b',' {
                    at += 1;
                    continue;
                }
                if b != b'{' && b != b'[' {
                    each(Err(UNEXPECTED_TEXT.to_owned()), line_no);
                    from = line.len();
                    break;
                }
                open = true;
                start_line = line_no;
                from = at;
            }
            let Some(len) = walker.walk(&line[at..]) else {
                break;
            };
            let end = at + len;
            if too_long {
                each(Err(too_long_message()), start_line);
            } else if doc.is_empty() {
                // A document within one line (JSON Lines) is read where it is.
                each(Ok(&line[from..end]), start_line);
            } else {
                doc.extend_from_slice(&line[from..end]);
                each(Ok(&doc), start_line);
            }
            doc.clear();
            too_long = false;
            open = false;
            (from, at) = (end, end);
        }
        if open && from < line.len() && !too_long {
            if doc.len() + line.len() - from > MAX_DOCUMENT_BYTES {
                too_long = true;
                doc = Vec::new();
            } else {
                doc.extend_from_slice(&line[from..]);
            }
        }
    }
    if open {
        each(
            Err(format!(
                "the document starting here is cut off by the end of the file (line {line_no}): nothing of it is read"
            )),
            start_line,
        );
    }
    Ok(())
}

/// Follows a document's strings and nesting byte after byte, across calls: where it ends.
#[derive(Debug, Default, Clone)]
pub struct Walker {
    depth: usize,
    in_string: bool,
    escape: bool,
}

impl Walker {
    /// Follows `bytes`: the document's from its first byte (`{` or `[`), or from where the
    /// last call stopped. Returns the length up to the byte that closes the document, when
    /// that is in `bytes`; the walker is then ready for the next document.
    pub fn walk(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut next = 0;
        while next < bytes.len() {
            let b = bytes[next];
            next += 1;
            if self.in_string {
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.in_string = false;
                } else {
                    // The rest of a string up to its next quote or backslash says nothing.
                    next = memchr::memchr2(b'"', b'\\', &bytes[next..])
                        .map_or(bytes.len(), |k| next + k);
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(next);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Parses one document of [`raw_documents`] that starts on `line`.
pub fn parse(bytes: &[u8], line: u64) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| error_message(&e, line))
}

/// What is wrong with a document that starts on `line`, at the line of the file where it is.
pub fn error_message(e: &serde_json::Error, line: u64) -> String {
    let at = line + e.line().saturating_sub(1) as u64;
    format!("invalid JSON (line {at}): {e}")
}

/// The first byte of `input` that is not white space (consumed white space only), or `None` at
/// the end: what tells a JSON document (`{`, `[`) from CSV.
pub fn first_byte(input: &mut impl BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = input.fill_buf()?;
        match buf.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b) => return Ok(Some(*b)),
            None if buf.is_empty() => return Ok(None),
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(Result<Value, String>, u64)> {
        let mut out = Vec::new();
        documents(text.as_bytes(), |d, l| out.push((d, l))).unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn splits_lines_pages_and_cut_offs() {
        let docs = all("{\"a\": \"}\"}\n{\"b\":\n [1,\n 2]}\n\n[{\"c\": 1}] {\"d\": 2}\n{\"e\": [");
        let lines: Vec<u64> = docs.iter().map(|(_, l)| *l).collect();
        assert_eq!(lines, [1, 2, 6, 6, 7]);
        assert_eq!(docs[0].0, Ok(serde_json::json!({"a": "}"})));
        assert!(docs[4].0.as_ref().is_err_and(|e| e.contains("cut off")));
        let bad = all("{\"a\": tru}\nnot json\n");
        assert!(bad[0].0.is_err());
        assert!(bad[1]
            .0
            .as_ref()
            .is_err_and(|e| e.contains("unexpected text")));
    }
}
