//! The CSV of the portal's "Download users" (and the bulk-create template): the header row read
//! into columns (Entra attribute names, the portal's display names, Graph property names; the
//! "Block sign in" column read as the opposite of `accountEnabled`), the separator detected, rows
//! split with their real line numbers and a bound on a row's size, and a row decoded into a
//! record.

use super::{find_newline, Body, Chunk, Decoder, RawRecord, MAX_CHUNK_BYTES, MAX_RECORD_BYTES};
use crate::base::encoding::to_str;
use crate::expr::eval::Value;
use crate::expr::source::{entra_id, ObjectKind};
use crate::expr::types::Base;
use crate::preview::record::{Attributes, Record};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::ops::Range;
use std::rc::Rc;

/// Opens a CSV export: detects the separator and reads the header row (after the bulk-create
/// template's `version:` line). Returns the splitting state, the decoder of its rows, what the
/// header tells the admin and whether there was a header at all.
pub(super) fn open<R: BufRead>(
    mut inner: R,
    attributes: &Attributes,
) -> io::Result<(CsvState<R>, Decoder, Vec<String>, bool)> {
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
    let columns = columns(&headers, attributes);
    let inverted = headers.iter().find(|h| is_block_sign_in(h)).cloned();
    let notes = header_notes(&headers, delimiter, inverted.as_deref());
    let state = CsvState {
        reader: Some(csv),
        row: csv::ByteRecord::new(),
        newlines,
        base: 0,
        delimiter,
    };
    let decoder = Decoder::Csv {
        header_len: columns.len(),
        columns,
        headers,
        inverted,
    };
    Ok((state, decoder, notes, read))
}

/// The column of each header cell: the attribute it is read as, if one.
pub(super) fn columns(headers: &[String], attributes: &Attributes) -> Vec<Option<Column>> {
    headers.iter().map(|h| csv_column(h, attributes)).collect()
}

/// Fills a cleared record from the CSV row whose fields are `range` in [`Chunk::fields`].
pub(super) fn decode_row(
    columns: &[Option<Column>],
    chunk: &Chunk,
    range: Range<usize>,
    record: &mut Record<'_>,
) -> Result<(), String> {
    for (column, field) in columns.iter().zip(&chunk.fields[range]) {
        let bytes = &chunk.data[field.clone()];
        let text = to_str(bytes).map_err(|e| format!("the row is {e}"))?;
        let Some(column) = column else { continue };
        if text.is_empty() || (column.alias && record.is_present(column.slot)) {
            continue;
        }
        match boolean_cell(text).filter(|_| column.boolean) {
            Some(b) => *record.slot_mut(column.slot) = Value::Bool(b != column.inverted),
            None => record.set_str(column.slot, text),
        }
    }
    Ok(())
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
pub(super) struct CsvState<R: BufRead> {
    /// The reader; `None` only while it is being replaced.
    reader: Option<Box<csv::Reader<Counting<R>>>>,
    row: csv::ByteRecord,
    newlines: Newlines,
    /// The export offset where `reader` started (its positions are relative to it).
    base: u64,
    /// The field separator.
    delimiter: u8,
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
pub(super) fn split_csv<R: BufRead>(
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

impl<R: BufRead> CsvState<R> {
    /// The export stream under the CSV reader (`None` only while the reader is replaced).
    pub(super) fn stream(&self) -> Option<&R> {
        self.reader.as_ref().map(|csv| &csv.get_ref().inner)
    }
}
