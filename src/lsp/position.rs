//! Byte offsets to LSP positions and back, in the encoding the client negotiated: a position's
//! `character` counts UTF-16 code units by default, bytes for `utf-8` and characters for
//! `utf-32`, so a line with `ü` or an emoji before a finding is still exact.

use crate::Span;
use lsp_types::{Position, PositionEncodingKind, Range};

/// What a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units: the protocol's default.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl Encoding {
    /// The encoding to use given the client's offer (`general.positionEncodings`, in order of
    /// the client's preference): UTF-8 when offered (no conversion), else UTF-32, else UTF-16,
    /// which every client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    /// The protocol's name of the encoding.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The code units of one character.
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// The line starts of one text, for converting between byte offsets and positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    /// The index of `text` for positions in `encoding`.
    pub fn new(text: &str, encoding: Encoding) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            line_starts,
            encoding,
        }
    }

    /// The encoding positions are counted in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The position of a byte offset of `text` (clamped to the text and to a char boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let character: usize = match self.encoding {
            Encoding::Utf8 => offset - start,
            encoding => text[start..offset].chars().map(|c| encoding.units(c)).sum(),
        };
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of a byte span of `text`.
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The byte offset of a position in `text`. A line past the end is the end of the text; a
    /// character past the end of its line is the end of the line; a position inside a
    /// character (half of a UTF-16 surrogate pair) is the start of that character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |&next| next - 1);
        let line_text = &text[start..end];
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            let next = units + self.encoding.units(c);
            if next > wanted {
                return start + i;
            }
            units = next;
        }
        start + line_text.len()
    }

    /// The byte span of a range in `text`.
    pub fn span(&self, text: &str, range: Range) -> Span {
        let start = self.offset(text, range.start);
        let end = self.offset(text, range.end).max(start);
        Span::new(start, end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_counts_its_own_units() {
        let text = "ab\nü😀x\r\nend";
        let x = text.find('x').expect("x");
        for (encoding, character) in [
            (Encoding::Utf8, 6),
            (Encoding::Utf16, 3),
            (Encoding::Utf32, 2),
        ] {
            let index = LineIndex::new(text, encoding);
            assert_eq!(index.position(text, x), Position::new(1, character));
            assert_eq!(index.offset(text, Position::new(1, character)), x);
        }
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.offset(text, Position::new(0, 99)), 2, "before \\r\\n");
        assert_eq!(index.offset(text, Position::new(7, 0)), text.len());
        let emoji = "😀z";
        let index = LineIndex::new(emoji, Encoding::Utf16);
        assert_eq!(index.offset(emoji, Position::new(0, 1)), 0, "inside a pair");
        assert_eq!(index.offset(emoji, Position::new(0, 2)), 4);
        assert_eq!(
            index.position(emoji, 2),
            Position::new(0, 0),
            "inside a char"
        );
    }
}
