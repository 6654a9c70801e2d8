//! Reading user exports in chunks: JSON Lines, a Graph `/users` page (`{"value": [...]}`, also
//! several pages one after another) and the CSV of the portal's "Download users". The reader
//! only splits the input into raw records with their line numbers (cheap, on one thread); the
//! records are decoded by the workers ([`Decoder`]). A record that cannot be split (a line or
//! object over [`MAX_RECORD_BYTES`], a CSV row with the wrong number of fields, a document that
//! is not a Graph page) becomes an unreadable record at its line: nothing is dropped silently.
//!
//! One file per format: `json_lines.rs`, `graph_page.rs` (a streaming splitter of Graph pages)
//! and `csv_export.rs` (the portal's CSV: header, columns, rows); this file holds the chunks, the
//! decoder and the reader that dispatches to them.

mod csv_export;
mod graph_page;
mod json_lines;

pub use csv_export::CSV_HEADERS;

use super::record::{Attributes, Record};
use crate::base::encoding::Utf8Stream;
use csv_export::{split_csv, Column, CsvState};
use graph_page::{split_graph, GraphState};
use json_lines::split_lines;
use std::io::{self, BufRead};
use std::ops::Range;

/// The longest record read (one JSON line, one Graph user object, one CSV row), in bytes.
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// A chunk stops taking records once it holds this many bytes (so that a chunk of long rows,
/// such as groups with their members, stays small; a chunk always takes at least one record).
/// Rows of users are far smaller: a chunk of them ends at its record count.
pub const MAX_CHUNK_BYTES: usize = 4 << 20;

/// How a user export is written.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide from the content: a JSON object whose first key is `value` or `@odata.…` is a
    /// Graph page, another JSON object JSON Lines, anything else CSV.
    #[default]
    Auto,
    /// One JSON object (a user) per line.
    Jsonl,
    /// A Microsoft Graph `/users` response: `{"value": [user, ...]}`.
    Graph,
    /// The portal's "Download users" CSV (header row, one user per row).
    Csv,
}

/// A raw record: where it starts in the export and its bytes.
#[derive(Debug)]
pub(crate) struct RawRecord {
    pub line: u64,
    pub body: Body,
}

/// The bytes of a raw record.
#[derive(Debug)]
pub(crate) enum Body {
    /// A JSON value (range in [`Chunk::data`]).
    Json(Range<usize>),
    /// A CSV row (range in [`Chunk::fields`]).
    Csv(Range<usize>),
    /// Could not be split out; the reason.
    Unreadable(String),
}

/// A batch of raw records.
#[derive(Debug, Default)]
pub(crate) struct Chunk {
    pub data: Vec<u8>,
    pub fields: Vec<Range<usize>>,
    pub records: Vec<RawRecord>,
}

impl Chunk {
    /// Empties the chunk, keeping its buffers for the next one.
    pub fn clear(&mut self) {
        self.data.clear();
        self.fields.clear();
        self.records.clear();
    }
}

/// Turns raw records into [`Record`]s (shared by the workers).
#[derive(Debug)]
pub(crate) enum Decoder {
    Json,
    Csv {
        columns: Vec<Option<Column>>,
        /// The header's cells (what the columns are read from, for other attributes).
        headers: Vec<String>,
        header_len: usize,
        /// The header of a column read as the opposite of its attribute ("Block sign in").
        inverted: Option<String>,
    },
}

impl Decoder {
    /// Fills a cleared record from a raw record.
    pub fn decode(
        &self,
        chunk: &Chunk,
        body: &Body,
        record: &mut Record<'_>,
    ) -> Result<(), String> {
        match (self, body) {
            (_, Body::Unreadable(reason)) => Err(reason.clone()),
            (_, Body::Json(range)) => record.read_json(&chunk.data[range.clone()]),
            (Decoder::Json, Body::Csv(_)) => Err("a CSV row in a JSON export".to_owned()),
            (Decoder::Csv { columns, .. }, Body::Csv(range)) => {
                csv_export::decode_row(columns, chunk, range.clone(), record)
            }
        }
    }

    /// The decoder of the same export for another table of attributes (another mapping read
    /// from the same records).
    pub fn for_attributes(&self, attributes: &Attributes) -> Decoder {
        match self {
            Decoder::Json => Decoder::Json,
            Decoder::Csv {
                headers,
                header_len,
                inverted,
                ..
            } => Decoder::Csv {
                columns: csv_export::columns(headers, attributes),
                headers: headers.clone(),
                header_len: *header_len,
                inverted: inverted.clone(),
            },
        }
    }

    /// The header of the CSV column read as the opposite of its attribute ("Block sign in
    /// (Yes/No) [accountEnabled]"), if the export has one.
    pub fn inverted_column(&self) -> Option<&str> {
        match self {
            Decoder::Csv { inverted, .. } => inverted.as_deref(),
            Decoder::Json => None,
        }
    }
}

enum Mode<R: BufRead> {
    Lines(R),
    Graph(R, GraphState),
    Csv(CsvState<R>),
}

/// Splits an export into chunks of raw records.
pub(crate) struct Reader<R: BufRead> {
    mode: Mode<R>,
    line: u64,
    bytes: u64,
    done: bool,
    /// JSON Lines read past the last chunk's last line: the start of the next chunk.
    carry: Vec<u8>,
    /// Skipping the rest of a line longer than [`MAX_RECORD_BYTES`].
    skipping: bool,
    /// What the reader noticed about the export (CSV columns not read, the separator).
    notes: Vec<String>,
}

/// The offset of the first `\n` in `bytes`, eight bytes at a time.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ (u64::from(b'\n') * ONES);
        let found = x.wrapping_sub(ONES) & !x & HIGH;
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| offset + i)
}

impl<R: BufRead> Reader<Utf8Stream<R>> {
    /// Reads the export as UTF-8 whatever its byte order mark says ([`Utf8Stream`]: UTF-16
    /// is transcoded as it is read), detects the format (for [`InputFormat::Auto`]) and, for
    /// CSV, reads the header row.
    pub fn new(
        inner: R,
        format: InputFormat,
        attributes: &Attributes,
    ) -> io::Result<(Self, Decoder)> {
        let mut inner = Utf8Stream::new(inner)?;
        let bytes = 0;
        let format = match format {
            InputFormat::Auto => detect(inner.fill_buf()?),
            other => other,
        };
        let mut reader = Reader {
            mode: Mode::Lines(inner),
            line: 0,
            bytes,
            done: false,
            carry: Vec::new(),
            skipping: false,
            notes: Vec::new(),
        };
        let decoder = match format {
            InputFormat::Csv => {
                let Mode::Lines(inner) = reader.mode else {
                    return Err(io::Error::other("internal: reader mode"));
                };
                let (state, decoder, notes, read) = csv_export::open(inner, attributes)?;
                reader.done = !read;
                reader.notes = notes;
                reader.mode = Mode::Csv(state);
                decoder
            }
            InputFormat::Graph => {
                let Mode::Lines(inner) = reader.mode else {
                    return Err(io::Error::other("internal: reader mode"));
                };
                reader.mode = Mode::Graph(inner, GraphState::default());
                reader.line = 1;
                Decoder::Json
            }
            InputFormat::Auto | InputFormat::Jsonl => Decoder::Json,
        };
        Ok((reader, decoder))
    }

    /// What the reader noticed about the export's header (CSV columns not read, the separator,
    /// a column read as its attribute's opposite), for the admin.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Bytes of the export read so far, as it is on disk (UTF-16 takes more bytes than the
    /// UTF-8 it is read as).
    pub fn source_bytes(&self) -> u64 {
        let stream = match &self.mode {
            Mode::Lines(stream) | Mode::Graph(stream, _) => Some(stream),
            Mode::Csv(state) => state.stream(),
        };
        stream.map_or(self.bytes, Utf8Stream::source_bytes)
    }
}

impl<R: BufRead> Reader<R> {
    /// Fills `chunk` (emptied first) with the next at most `max_records` records; false at the
    /// end of the export.
    pub fn next_chunk(
        &mut self,
        chunk: &mut Chunk,
        max_records: usize,
        decoder: &Decoder,
    ) -> io::Result<bool> {
        chunk.clear();
        if self.done {
            return Ok(false);
        }
        match &mut self.mode {
            Mode::Lines(inner) => {
                self.done = split_lines(
                    inner,
                    chunk,
                    max_records,
                    &mut self.carry,
                    &mut self.skipping,
                    &mut self.line,
                    &mut self.bytes,
                )?;
            }
            Mode::Csv(state) => {
                let header_len = match decoder {
                    Decoder::Csv { header_len, .. } => *header_len,
                    Decoder::Json => 0,
                };
                self.done = split_csv(
                    state,
                    chunk,
                    max_records,
                    header_len,
                    &mut self.line,
                    &mut self.bytes,
                )?;
            }
            Mode::Graph(inner, state) => {
                self.done = split_graph(
                    inner,
                    state,
                    chunk,
                    max_records,
                    &mut self.line,
                    &mut self.bytes,
                )?;
            }
        }
        Ok(!(chunk.records.is_empty() && self.done))
    }
}

/// Guesses the format from the first bytes (after a byte order mark).
pub fn detect(head: &[u8]) -> InputFormat {
    let mut rest = head.iter().skip_while(|b| b.is_ascii_whitespace());
    match rest.next() {
        None => InputFormat::Jsonl,
        Some(b'{') => {
            let after: Vec<u8> = rest
                .skip_while(|b| b.is_ascii_whitespace())
                .take(16)
                .copied()
                .collect();
            if after.starts_with(b"\"value\"") || after.starts_with(b"\"@odata.") {
                InputFormat::Graph
            } else {
                InputFormat::Jsonl
            }
        }
        Some(b'[') => InputFormat::Jsonl,
        Some(_) => InputFormat::Csv,
    }
}
