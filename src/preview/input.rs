//! Reading user exports in chunks: JSON Lines, a Graph `/users` page (`{"value": [...]}`, also
//! several pages one after another) and the CSV of the portal's "Download users". The reader
//! only splits the input into raw records with their line numbers (cheap, on one thread); the
//! records are decoded by the workers ([`Decoder`]). A record that cannot be split (a line or
//! object over [`MAX_RECORD_BYTES`], a CSV row with the wrong number of fields, a document that
//! is not a Graph page) becomes an unreadable record at its line: nothing is dropped silently.

use super::record::{Attributes, Record};
use crate::base::encoding::{to_str, Utf8Stream};
use crate::expr::eval::Value;
use crate::expr::source::{entra_id, ObjectKind};
use crate::expr::types::Base;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::ops::Range;
use std::rc::Rc;

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

/// Portal CSV headers (lower case, spaces removed) that differ from the Entra attribute name.
/// Other headers are matched to Entra names case-insensitively, ignoring spaces, or taken as
/// they are. See `docs/preview.md` for the whole table.
pub const CSV_HEADERS: &[(&str, &str)] = &[
    ("id", "objectId"),
    ("objectid", "objectId"),
    ("directorysynced", "dirSyncEnabled"),
    ("stateorprovince", "state"),
    ("countryorregion", "country"),
    ("office", "physicalDeliveryOfficeName"),
    ("officelocation", "physicalDeliveryOfficeName"),
    ("ziporpostalcode", "postalCode"),
    ("officephone", "telephoneNumber"),
    ("mobilephone", "mobile"),
    ("onpremisesimmutableid", "immutableId"),
    ("firstname", "givenName"),
    ("lastname", "surname"),
];

/// The portal's bulk-create header of the column that holds the opposite of `accountEnabled`
/// (lower case, spaces removed, up to the bracket): `Block sign in (Yes/No) [accountEnabled]`.
const BLOCK_SIGN_IN: &str = "blocksignin";

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

/// One CSV column's destination.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    slot: usize,
    alias: bool,
    boolean: bool,
    /// The column holds the opposite of the attribute ("Block sign in": `Yes` is
    /// `accountEnabled` false).
    inverted: bool,
}

/// A Boolean cell: `true`/`false` as Graph writes them, `Yes`/`No` as the portal's CSVs do.
fn boolean_cell(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("yes") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") || text.eq_ignore_ascii_case("no") {
        Some(false)
    } else {
        None
    }
}

/// Turns raw records into [`Record`]s (shared by the workers).
#[derive(Debug)]
pub(crate) enum Decoder {
    Json,
    Csv {
        columns: Vec<Option<Column>>,
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
                for (column, field) in columns.iter().zip(&chunk.fields[range.clone()]) {
                    let bytes = &chunk.data[field.clone()];
                    let text = to_str(bytes).map_err(|e| format!("the row is {e}"))?;
                    let Some(column) = column else { continue };
                    if text.is_empty() || (column.alias && record.is_present(column.slot)) {
                        continue;
                    }
                    match boolean_cell(text).filter(|_| column.boolean) {
                        Some(b) => {
                            *record.slot_mut(column.slot) = Value::Bool(b != column.inverted)
                        }
                        None => record.set_str(column.slot, text),
                    }
                }
                Ok(())
            }
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

/// Graph page splitting state.
#[derive(Debug, Default)]
struct GraphState {
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

/// What the CSV reader's input and the splitter share: the newline offsets seen and not yet
/// passed by a record, the newlines passed, and where the row being read started (all offsets
/// from the start of the export).
#[derive(Debug, Default)]
struct CsvShared {
    newlines: VecDeque<u64>,
    passed: u64,
    row_start: u64,
}

/// See [`CsvShared`].
type Newlines = Rc<RefCell<CsvShared>>;

/// The CSV reader's input: records where the newlines are (the reader's own line count is off
/// for CRLF files), so that each row gets its real line number, and refuses to give the reader
/// more than [`MAX_RECORD_BYTES`] of one row ([`OversizeRow`]), so that a huge field or an
/// endless line is never held in memory.
struct Counting<R> {
    inner: R,
    offset: u64,
    newlines: Newlines,
}

/// The error [`Counting`] stops the CSV reader with when a row passes [`MAX_RECORD_BYTES`].
#[derive(Debug)]
struct OversizeRow;

impl std::fmt::Display for OversizeRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the row is longer than {} MiB", MAX_RECORD_BYTES >> 20)
    }
}

impl std::error::Error for OversizeRow {}

fn is_oversize(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|e| e.is::<OversizeRow>())
}

impl<R: BufRead> io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.offset.saturating_sub(self.newlines.borrow().row_start) > MAX_RECORD_BYTES as u64 {
            return Err(io::Error::other(OversizeRow));
        }
        let n = self.inner.read(buf)?;
        let mut shared = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                shared.newlines.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> Counting<R> {
    /// Skips the input up to and including the next newline (the rest of an oversize row), in
    /// constant memory. Returns whether there was one.
    fn skip_line(&mut self) -> io::Result<bool> {
        loop {
            let buffer = self.inner.fill_buf()?;
            if buffer.is_empty() {
                return Ok(false);
            }
            let (used, found) = match find_newline(buffer) {
                Some(i) => (i + 1, true),
                None => (buffer.len(), false),
            };
            self.inner.consume(used);
            self.offset += used as u64;
            if found {
                let mut shared = self.newlines.borrow_mut();
                shared.passed += shared.newlines.len() as u64 + 1;
                shared.newlines.clear();
                shared.row_start = self.offset;
                return Ok(true);
            }
        }
    }
}

/// The 1-based line of a record the CSV reader places at byte `offset` (after a CRLF it places
/// the record at the `\n`, so a newline at `offset` itself counts). Offsets must not decrease.
fn line_at(newlines: &Newlines, offset: u64) -> u64 {
    let mut state = newlines.borrow_mut();
    while state.newlines.front().is_some_and(|&n| n <= offset) {
        state.newlines.pop_front();
        state.passed += 1;
    }
    state.passed + 1
}

/// A CSV reader over the export from byte `base` on (a new one after an oversize row).
fn csv_reader<R: BufRead>(input: Counting<R>, delimiter: u8) -> Box<csv::Reader<Counting<R>>> {
    Box::new(
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input),
    )
}

/// The separator of a CSV export, from its first line: `;` (Excel in many European locales
/// writes it) or a tab when the line has more of them than commas outside quotes, else `,`.
fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    // The portal's bulk-create template starts with a `version:v1.0` line.
    let head = match head.strip_prefix(b"version:") {
        Some(rest) => rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&[][..], |i| &rest[i + 1..]),
        None => head,
    };
    for &b in head.iter().take_while(|&&b| b != b'\n') {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 0)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// A separator as people name it.
fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "semicolons (`;`)",
        b'\t' => "tabs",
        _ => "commas",
    }
}

/// The CSV splitting state.
struct CsvState<R: BufRead> {
    /// The reader; `None` only while it is being replaced.
    reader: Option<Box<csv::Reader<Counting<R>>>>,
    row: csv::ByteRecord,
    newlines: Newlines,
    /// The export offset where `reader` started (its positions are relative to it).
    base: u64,
    /// The field separator.
    delimiter: u8,
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

/// What a CSV header tells the admin: the separator when it is not a comma, the "Block sign in"
/// column read as the opposite of `accountEnabled`, the columns that name no source attribute
/// (their values are never read), and a header of one column that looks like it has another
/// separator.
fn header_notes(headers: &[String], delimiter: u8, inverted: Option<&str>) -> Vec<String> {
    let mut notes = Vec::new();
    if delimiter != b',' {
        notes.push(format!(
            "the CSV export is read as separated by {}",
            delimiter_name(delimiter)
        ));
    }
    if let Some(header) = inverted {
        notes.push(format!(
            "the column `{header}` holds the opposite of accountEnabled: `Yes` (sign-in blocked) is read as accountEnabled false, `No` as true"
        ));
    }
    if let [only] = headers {
        if let Some(separator) = ['|', ';', '\t'].into_iter().find(|c| only.contains(*c)) {
            notes.push(format!(
                "the CSV header has one column (`{only}`); it looks separated by `{}`: save the export with commas or semicolons",
                separator.escape_default()
            ));
        }
    }
    let unread: Vec<String> = headers
        .iter()
        .filter(|h| !h.is_empty() && !is_block_sign_in(h) && csv_attribute(h).is_none())
        .map(|h| format!("`{h}`"))
        .collect();
    if !unread.is_empty() {
        let (noun, verb) = if unread.len() == 1 {
            ("column", "names")
        } else {
            ("columns", "name")
        };
        notes.push(format!(
            "{} CSV {noun} {verb} no source attribute and {} not read: {} (name a column after the Entra attribute, as `First name [givenName]`)",
            unread.len(),
            if unread.len() == 1 { "is" } else { "are" },
            unread.join(", ")
        ));
    }
    notes
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

/// The Entra attribute a CSV header names: the name in brackets (`Name [displayName]`), else
/// the header matched to Entra names case-insensitively ignoring spaces, or through
/// [`CSV_HEADERS`]. `None` when it names no Entra attribute.
fn csv_attribute(header: &str) -> Option<String> {
    let name = bracketed(header);
    let folded = fold(name);
    if let Some((_, entra)) = CSV_HEADERS.iter().find(|(h, _)| *h == folded) {
        return Some((*entra).to_owned());
    }
    entra_id()
        .of(ObjectKind::User)
        .attributes()
        .iter()
        .find(|a| fold(&a.name) == folded)
        .map(|a| a.name.clone())
}

fn bracketed(header: &str) -> &str {
    match (header.find('['), header.rfind(']')) {
        (Some(open), Some(close)) if open < close => &header[open + 1..close],
        _ => header,
    }
    .trim()
}

fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Whether a header is the portal's "Block sign in", whose Yes is `accountEnabled` false.
fn is_block_sign_in(header: &str) -> bool {
    let before = header.split(['(', '[']).next().unwrap_or(header);
    fold(before) == BLOCK_SIGN_IN
}

fn csv_column(header: &str, attributes: &Attributes) -> Option<Column> {
    let inverted = is_block_sign_in(header);
    let name = if inverted {
        "accountEnabled"
    } else {
        bracketed(header)
    };
    let boolean = |n: &str| {
        entra_id()
            .of(ObjectKind::User)
            .get(n)
            .is_some_and(|a| a.base == Base::Boolean)
    };
    if let Some((slot, alias)) = attributes.lookup(name) {
        let canonical = attributes.names().nth(slot).unwrap_or(name);
        return Some(Column {
            slot,
            alias,
            boolean: boolean(canonical),
            inverted,
        });
    }
    let folded = fold(name);
    let canonical = CSV_HEADERS
        .iter()
        .find(|(header, _)| *header == folded)
        .map(|(_, entra)| *entra)
        .or_else(|| attributes.names().find(|n| n.to_lowercase() == folded))?;
    let (slot, _) = attributes.lookup(canonical)?;
    Some(Column {
        slot,
        alias: true,
        boolean: boolean(canonical),
        inverted,
    })
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
                let mut inner = inner;
                let delimiter = detect_delimiter(inner.fill_buf()?);
                let newlines = Newlines::default();
                let mut csv = csv_reader(
                    Counting {
                        inner,
                        offset: 0,
                        newlines: newlines.clone(),
                    },
                    delimiter,
                );
                let mut header = csv::ByteRecord::new();
                let mut read = read_header(&mut csv, &mut header)?;
                if read && header.get(0).is_some_and(|f| f.starts_with(b"version:")) {
                    newlines.borrow_mut().row_start = csv.position().byte();
                    read = read_header(&mut csv, &mut header)?;
                }
                newlines.borrow_mut().row_start = csv.position().byte();
                let headers: Vec<String> = if read {
                    header
                        .iter()
                        .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
                        .collect()
                } else {
                    Vec::new()
                };
                let columns: Vec<Option<Column>> =
                    headers.iter().map(|h| csv_column(h, attributes)).collect();
                let inverted = headers.iter().find(|h| is_block_sign_in(h)).cloned();
                reader.notes = header_notes(&headers, delimiter, inverted.as_deref());
                reader.done = !read;
                reader.mode = Mode::Csv(CsvState {
                    reader: Some(csv),
                    row: csv::ByteRecord::new(),
                    newlines,
                    base: 0,
                    delimiter,
                });
                Decoder::Csv {
                    header_len: columns.len(),
                    columns,
                    inverted,
                }
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
            Mode::Csv(state) => state.reader.as_ref().map(|csv| &csv.get_ref().inner),
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

/// Reads the header row; one longer than [`MAX_RECORD_BYTES`] stops the preview (no row can
/// be read without it).
fn read_header<R: BufRead>(
    csv: &mut csv::Reader<Counting<R>>,
    header: &mut csv::ByteRecord,
) -> io::Result<bool> {
    csv.read_byte_record(header).map_err(|e| {
        let e = csv_error(e);
        if is_oversize(&e) {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the CSV header row is longer than {} MiB",
                    MAX_RECORD_BYTES >> 20
                ),
            )
        } else {
            e
        }
    })
}

/// Moves CSV rows into `chunk` until it holds `max_records` records or [`MAX_CHUNK_BYTES`].
/// A row longer than [`MAX_RECORD_BYTES`] becomes an unreadable record, the rest of its line is
/// skipped unread and reading goes on with the next line. Returns whether the input ended.
fn split_csv<R: BufRead>(
    state: &mut CsvState<R>,
    chunk: &mut Chunk,
    max_records: usize,
    header_len: usize,
    line: &mut u64,
    bytes: &mut u64,
) -> io::Result<bool> {
    while chunk.records.len() < max_records && chunk.data.len() < MAX_CHUNK_BYTES {
        let Some(csv) = state.reader.as_mut() else {
            return Ok(true);
        };
        let base = state.base;
        let read = match csv.read_byte_record(&mut state.row) {
            Ok(read) => read,
            Err(e) => {
                let oversize = matches!(e.kind(), csv::ErrorKind::Io(io) if is_oversize(io));
                if oversize {
                    let start = state.newlines.borrow().row_start;
                    let row_line = line_at(&state.newlines, start);
                    chunk.records.push(RawRecord {
                        line: row_line,
                        body: Body::Unreadable(OversizeRow.to_string()),
                    });
                    let Some(old) = state.reader.take() else {
                        return Ok(true);
                    };
                    let mut input = old.into_inner();
                    let more = input.skip_line()?;
                    *line = row_line;
                    *bytes = input.offset;
                    state.base = input.offset;
                    if !more {
                        return Ok(true);
                    }
                    state.reader = Some(csv_reader(input, state.delimiter));
                    continue;
                }
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(csv_error(e));
                }
                let row_line = e
                    .position()
                    .map_or(*line + 1, |p| line_at(&state.newlines, base + p.byte()));
                chunk.records.push(RawRecord {
                    line: row_line,
                    body: Body::Unreadable(e.to_string()),
                });
                continue;
            }
        };
        state.newlines.borrow_mut().row_start = base + csv.position().byte();
        if !read {
            return Ok(true);
        }
        let row = &state.row;
        let byte = row.position().map_or(*bytes, |p| base + p.byte());
        let row_line = line_at(&state.newlines, byte);
        *line = row_line;
        *bytes = byte;
        if row.len() == 1 && row.get(0).is_some_and(<[u8]>::is_empty) {
            continue;
        }
        if row.len() != header_len {
            chunk.records.push(RawRecord {
                line: row_line,
                body: Body::Unreadable(format!(
                    "the row has {} fields; the header has {header_len}",
                    row.len()
                )),
            });
            continue;
        }
        let first = chunk.fields.len();
        for field in row.iter() {
            let start = chunk.data.len();
            chunk.data.extend_from_slice(field);
            chunk.fields.push(start..chunk.data.len());
        }
        chunk.records.push(RawRecord {
            line: row_line,
            body: Body::Csv(first..chunk.fields.len()),
        });
    }
    Ok(false)
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
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

/// Moves whole lines of the input into `chunk` until it holds `max_records` records. The line
/// numbers count every line, blank ones (which are skipped) included; a line longer than
/// [`MAX_RECORD_BYTES`] becomes an unreadable record and the rest of it is skipped unread.
/// Returns whether the input ended.
fn split_lines<R: BufRead>(
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

/// Splits user objects out of the `value` arrays of Graph pages. Returns whether the input ended.
fn split_graph<R: BufRead>(
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
