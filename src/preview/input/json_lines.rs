//! JSON Lines: one JSON object per line, split on newlines eight bytes at a time; a line over
//! [`MAX_RECORD_BYTES`] becomes an unreadable record and the rest of it is skipped unread.

use super::{find_newline, Body, Chunk, RawRecord, MAX_CHUNK_BYTES, MAX_RECORD_BYTES};
use std::io::{self, BufRead};

/// Moves whole lines of the input into `chunk` until it holds `max_records` records. The line
/// numbers count every line, blank ones (which are skipped) included; a line longer than
/// [`MAX_RECORD_BYTES`] becomes an unreadable record and the rest of it is skipped unread.
/// Returns whether the input ended.
pub(super) fn split_lines<R: BufRead>(
    inner: &mut R,
    chunk: &mut Chunk,
    max_records: usize,
    carry: &mut Vec<u8>,
    skipping: &mut bool,
    line: &mut u64,
    bytes: &mut u64,
) -> io::Result<bool> {
    const BLOCK: usize = 1 << 16;
    chunk.data.append(carry);
    let mut start = 0;
    // Where the search for the next newline resumes: a long line is scanned once, not again
    // after every read.
    let mut scanned = 0;
    let mut ended = false;
    loop {
        while chunk.records.len() < max_records && start < MAX_CHUNK_BYTES {
            let rest = &chunk.data[start..];
            let from = scanned.max(start);
            let (end, next) = match find_newline(&chunk.data[from..]) {
                Some(i) => (from + i, from + i + 1),
                None if ended && !rest.is_empty() => (chunk.data.len(), chunk.data.len()),
                None => {
                    if *skipping || rest.len() > MAX_RECORD_BYTES {
                        if !*skipping {
                            *line += 1;
                            chunk.records.push(oversize_line(*line));
                            *skipping = true;
                        }
                        *bytes += rest.len() as u64;
                        chunk.data.truncate(start);
                    }
                    scanned = chunk.data.len();
                    break;
                }
            };
            *bytes += (next - start) as u64;
            if *skipping {
                *skipping = false;
            } else {
                *line += 1;
                if end - start > MAX_RECORD_BYTES {
                    chunk.records.push(oversize_line(*line));
                } else {
                    let data = &chunk.data;
                    let mut last = end;
                    while last > start && data[last - 1].is_ascii_whitespace() {
                        last -= 1;
                    }
                    let mut first = start;
                    while first < last && data[first].is_ascii_whitespace() {
                        first += 1;
                    }
                    if first < last {
                        chunk.records.push(RawRecord {
                            line: *line,
                            body: Body::Json(first..last),
                        });
                    }
                }
            }
            start = next;
        }
        if chunk.records.len() >= max_records
            || start >= MAX_CHUNK_BYTES
            || (ended && start == chunk.data.len())
        {
            carry.extend_from_slice(&chunk.data[start..]);
            chunk.data.truncate(start);
            return Ok(ended && carry.is_empty());
        }
        let average = usize::try_from(*bytes / (*line).max(1)).unwrap_or(usize::MAX);
        let want = average
            .saturating_mul(max_records - chunk.records.len())
            .clamp(BLOCK, 64 * BLOCK);
        let mut read = 0;
        while read < want {
            let buffer = inner.fill_buf()?;
            if buffer.is_empty() {
                ended = true;
                break;
            }
            let n = buffer.len().min(want - read);
            chunk.data.extend_from_slice(&buffer[..n]);
            inner.consume(n);
            read += n;
        }
    }
}

fn oversize_line(line: u64) -> RawRecord {
    RawRecord {
        line,
        body: Body::Unreadable(format!(
            "the line is longer than {} MiB",
            MAX_RECORD_BYTES >> 20
        )),
    }
}
