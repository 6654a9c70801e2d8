//! Source text and positions: byte spans into a text, and the text itself with line and column
//! lookup (1-based lines, columns in Unicode characters).

use serde::Serialize;

/// A half-open byte range `start..end` in some source text (an expression or a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The number of bytes covered.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for a zero-width span (a position).
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The same span moved `by` bytes to the right.
    pub const fn shift(self, by: usize) -> Self {
        Span::new(self.start + by, self.end + by)
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Self {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A text that diagnostics point into: a file, or an expression given on the command line.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The name shown to users (`<expression>` for `entramap check`).
    pub name: String,
    /// The text.
    pub text: String,
    index: Box<Index>,
}

/// Where lines start, and how many characters come before each block of [`BLOCK`] bytes, so
/// that a column costs at most one block's scan however long its line (a minified file is one
/// line of megabytes).
#[derive(Debug, Clone)]
struct Index {
    line_starts: Vec<usize>,
    block_chars: Vec<usize>,
}

/// Bytes per block of [`Source`]'s character index.
const BLOCK: usize = 256;

/// Characters in `bytes` (a slice of UTF-8 text that may cut a character): the bytes that
/// start one.
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// A resolved position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode characters.
    pub column: usize,
    /// Byte offset.
    pub offset: usize,
}

impl SourceText {
    /// A source with this name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut block_chars = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut chars = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            block_chars.push(chars);
            chars += chars_in(block);
        }
        SourceText {
            name: name.into(),
            text,
            index: Box::new(Index {
                line_starts,
                block_chars,
            }),
        }
    }

    /// Characters before byte `offset` (a char boundary) in the whole text.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let before = self.index.block_chars.get(block).copied().unwrap_or(0);
        before + chars_in(&self.text.as_bytes()[block * BLOCK..offset])
    }

    /// The 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.index
            .line_starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
            .saturating_sub(1)
    }

    /// The byte range of the 0-based line `index`, without its line break (`\n` or `\r\n`);
    /// `None` past the last line.
    pub fn line_range(&self, index: usize) -> Option<Span> {
        let start = *self.index.line_starts.get(index)?;
        let mut end = self
            .index
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' && end < self.text.len() {
            end -= 1;
        }
        Some(Span::new(start, end))
    }

    /// How many lines the text has (a final line break starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.index.line_starts.len()
    }

    /// The line, column and offset of a byte offset (clamped to the text and to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line_starts.partition_point(|&s| s <= offset);
        let start = self.index.line_starts[line - 1];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        Position {
            line,
            column,
            offset,
        }
    }
}

/// Whether `c` must not reach a terminal or a CI log as it is: control characters (C0, DEL, C1:
/// escape sequences, line breaks that would start a workflow command) and the invisible
/// bidirectional controls that reorder what a reader sees.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` safe to print for people: every [`is_unsafe_char`], line breaks and tabs included,
/// written as a Rust-style escape (`\n`, `\t`, `\r`, `\u{1b}`). Borrowed when there is nothing to escape.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    std::borrow::Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when it is an [`is_unsafe_char`].
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}
