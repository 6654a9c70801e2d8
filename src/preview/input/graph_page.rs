//! Graph `/users` pages (`{"value": [...]}`, also several pages one after another), split by a
//! streaming scanner that captures each element of `value` without parsing the rest.

use super::{Body, Chunk, RawRecord, MAX_CHUNK_BYTES, MAX_RECORD_BYTES};
use std::io::{self, BufRead};

/// Graph page splitting state.
#[derive(Debug, Default)]
pub(super) struct GraphState {
    depth: u32,
    in_string: bool,
    escape: bool,
    key: Vec<u8>,
    in_value: bool,
    seen_value: bool,
    capture: Option<Capture>,
}

#[derive(Debug)]
struct Capture {
    line: u64,
    start: usize,
    scalar: bool,
    oversize: bool,
    /// The document ended inside it.
    truncated: bool,
}

/// Splits user objects out of the `value` arrays of Graph pages. Returns whether the input ended.
pub(super) fn split_graph<R: BufRead>(
    inner: &mut R,
    st: &mut GraphState,
    chunk: &mut Chunk,
    max_records: usize,
    line: &mut u64,
    bytes: &mut u64,
) -> io::Result<bool> {
    loop {
        let buffer = inner.fill_buf()?;
        if buffer.is_empty() {
            // Without a `value` array the document is not a page at all: that is the one
            // problem (at line 1, so problems stay in export order), not also its truncation.
            if !st.seen_value {
                chunk.records.push(RawRecord {
                    line: 1,
                    body: Body::Unreadable(
                        "not a Microsoft Graph /users page: no `value` array".to_owned(),
                    ),
                });
                st.seen_value = true;
            } else if let Some(mut capture) = st.capture.take() {
                capture.truncated = true;
                finish(chunk, capture, chunk.data.len());
            } else if st.depth > 0 || st.in_string {
                chunk.records.push(RawRecord {
                    line: *line,
                    body: Body::Unreadable(
                        "the Graph page is cut off: the document ends before its closing `]}`"
                            .to_owned(),
                    ),
                });
            }
            return Ok(true);
        }
        let mut used = 0;
        let mut full = false;
        for &b in buffer {
            used += 1;
            if let Some(capture) = &mut st.capture {
                if !capture.oversize {
                    chunk.data.push(b);
                    if chunk.data.len() - capture.start > MAX_RECORD_BYTES {
                        capture.oversize = true;
                        chunk.data.truncate(capture.start);
                    }
                }
            }
            if b == b'\n' {
                *line += 1;
            }
            if st.in_string {
                if st.escape {
                    st.escape = false;
                } else if b == b'\\' {
                    st.escape = true;
                } else if b == b'"' {
                    st.in_string = false;
                } else if st.depth == 1 && st.key.len() < 16 {
                    st.key.push(b);
                }
                continue;
            }
            let at_element = st.in_value && st.depth == 2;
            match b {
                b'"' => {
                    st.in_string = true;
                    if st.depth == 1 {
                        st.key.clear();
                    }
                    if at_element && st.capture.is_none() {
                        start(st, chunk, *line, b, true);
                    }
                }
                b'{' | b'[' => {
                    if at_element && st.capture.is_none() {
                        start(st, chunk, *line, b, false);
                    }
                    st.depth += 1;
                    if b == b'[' && st.depth == 2 && st.key == b"value" {
                        st.in_value = true;
                        st.seen_value = true;
                    }
                }
                b'}' | b']' => {
                    if at_element && b == b']' {
                        if let Some(capture) = st.capture.take() {
                            let end = chunk.data.len().saturating_sub(1);
                            full |= finish(chunk, capture, end) >= max_records;
                        }
                        st.in_value = false;
                    }
                    st.depth = st.depth.saturating_sub(1);
                    if st.in_value
                        && st.depth == 2
                        && st.capture.as_ref().is_some_and(|c| !c.scalar)
                    {
                        if let Some(capture) = st.capture.take() {
                            full |= finish(chunk, capture, chunk.data.len()) >= max_records;
                        }
                    }
                }
                b',' if at_element => {
                    if let Some(capture) = st.capture.take() {
                        let end = chunk.data.len().saturating_sub(1);
                        full |= finish(chunk, capture, end) >= max_records;
                    }
                }
                b if b.is_ascii_whitespace() || b == b',' || b == b':' => {}
                _ => {
                    if at_element && st.capture.is_none() {
                        start(st, chunk, *line, b, true);
                    }
                }
            }
            full |= st.capture.is_none() && chunk.data.len() >= MAX_CHUNK_BYTES;
            if full {
                break;
            }
        }
        inner.consume(used);
        *bytes += used as u64;
        if full {
            return Ok(false);
        }
    }
}

fn start(st: &mut GraphState, chunk: &mut Chunk, line: u64, b: u8, scalar: bool) {
    let start = chunk.data.len();
    chunk.data.push(b);
    st.capture = Some(Capture {
        line,
        start,
        scalar,
        oversize: false,
        truncated: false,
    });
}

/// Ends a captured element at `end` (exclusive); returns the chunk's record count.
fn finish(chunk: &mut Chunk, capture: Capture, end: usize) -> usize {
    let body = if capture.truncated {
        Body::Unreadable(
            "the Graph page is cut off: the document ends inside this user object".to_owned(),
        )
    } else if capture.oversize {
        Body::Unreadable(format!(
            "the user object is longer than {} MiB",
            MAX_RECORD_BYTES >> 20
        ))
    } else {
        let mut end = end.max(capture.start);
        while end > capture.start && chunk.data[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        Body::Json(capture.start..end)
    };
    chunk.records.push(RawRecord {
        line: capture.line,
        body,
    });
    chunk.records.len()
}
