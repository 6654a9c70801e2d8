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

/// The line starts of one text, for converting between byte offsets and positions, and the
/// characters that count fewer code units than bytes: both conversions cost a binary search,
/// not a walk along the line, so a long one-line JSON document is as cheap as a short one.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Every non-ASCII character, in order, when the encoding is not UTF-8.
    wide: Vec<Wide>,
    encoding: Encoding,
}

/// A character of more than one byte, and what the ones before it save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wide {
    /// Its byte offset.
    at: usize,
    /// Bytes minus code units of the wide characters before it.
    before: usize,
    /// Its length in bytes.
    len: u8,
    /// Its length in code units.
    units: u8,
}

impl LineIndex {
    /// Indexes `text`, for positions in `encoding`.
    pub fn new(text: &str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                line_starts.push(i + 1);
            }
        }
        let mut wide = Vec::new();
        if encoding != Encoding::Utf8 && !text.is_ascii() {
            let mut before = 0;
            for (at, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
                let (len, units) = (c.len_utf8(), encoding.units(c));
                wide.push(Wide {
                    at,
                    before,
                    len: len as u8,
                    units: units as u8,
                });
                before += len - units;
            }
        }
        LineIndex {
            line_starts,
            wide,
            encoding,
        }
    }

    /// The encoding positions are counted in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Updates the index after the bytes `old` of the indexed text were replaced by
    /// `inserted` bytes, `text` being the new text: what lies before the edit is kept, what
    /// lies after it is shifted, and only the edit and the bytes around it are read. The
    /// result is the index [`LineIndex::new`] builds of `text`.
    pub fn edit(&mut self, text: &str, old: Span, inserted: usize) {
        let (start, end) = (old.start, old.end);
        let new_end = start + inserted;
        let shift = |at: usize| at - end + new_end;
        // Line starts whose break is in the edit, or is a `\r` the edit may pair with a `\n`.
        let bytes = text.as_bytes();
        let first = self.line_starts.partition_point(|&s| s < start).max(1);
        let last = self.line_starts.partition_point(|&s| s <= end).max(first);
        let fresh: Vec<usize> = (start.max(1)..=new_end.min(bytes.len()))
            .filter(|&p| {
                let b = bytes[p - 1];
                b == b'\n' || (b == b'\r' && bytes.get(p) != Some(&b'\n'))
            })
            .collect();
        let kept = self.line_starts.len() - last;
        self.line_starts.splice(first..last, fresh);
        let len = self.line_starts.len();
        for s in &mut self.line_starts[len - kept..] {
            *s = shift(*s);
        }
        if self.encoding == Encoding::Utf8 {
            return;
        }
        // The wide characters of the edit, and what the ones after it save now.
        let from = self.wide.partition_point(|w| w.at < start);
        let to = self.wide.partition_point(|w| w.at < end);
        let mut before = self.saved_before(start);
        let saved_then = self.saved_before(end);
        let mut added = Vec::new();
        for (i, c) in text[start..new_end]
            .char_indices()
            .filter(|(_, c)| !c.is_ascii())
        {
            let (len, units) = (c.len_utf8(), self.encoding.units(c));
            added.push(Wide {
                at: start + i,
                before,
                len: len as u8,
                units: units as u8,
            });
            before += len - units;
        }
        let kept = self.wide.len() - to;
        self.wide.splice(from..to, added);
        let len = self.wide.len();
        for w in &mut self.wide[len - kept..] {
            w.at = shift(w.at);
            w.before = w.before - saved_then + before;
        }
    }

    /// Bytes minus code units of every character that starts before `offset`.
    fn saved_before(&self, offset: usize) -> usize {
        let j = self.wide.partition_point(|w| w.at < offset);
        j.checked_sub(1).map_or(0, |j| {
            let w = self.wide[j];
            w.before + usize::from(w.len) - usize::from(w.units)
        })
    }

    /// The code units from `start` to `offset` (both character boundaries, on one line).
    fn units_between(&self, start: usize, offset: usize) -> usize {
        (offset - start) - (self.saved_before(offset) - self.saved_before(start))
    }

    /// The position of a byte offset of `text` (clamped to the text and to a char boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        Position::new(to_u32(line), to_u32(self.units_between(start, offset)))
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
        let end = match self.line_starts.get(line + 1) {
            None => text.len(),
            Some(&next) if next >= start + 2 && text.as_bytes()[next - 2..next] == *b"\r\n" => {
                next - 2
            }
            Some(&next) => next - 1,
        };
        let wanted = position.character as usize;
        let first = self.wide.partition_point(|w| w.at < start);
        let count = self.wide[first..].partition_point(|w| w.at < end);
        let on_line = &self.wide[first..first + count];
        let k = on_line.partition_point(|w| self.units_between(start, w.at) <= wanted);
        let mut offset = match k.checked_sub(1).map(|j| on_line[j]) {
            None => start.saturating_add(wanted).min(end),
            Some(w) => {
                let units = self.units_between(start, w.at);
                if wanted < units + usize::from(w.units) {
                    return w.at;
                }
                (w.at + usize::from(w.len))
                    .saturating_add(wanted - units - usize::from(w.units))
                    .min(end)
            }
        };
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
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

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "ab\rcd\r\nef\ngh";
        let index = LineIndex::new(text, Encoding::Utf16);
        let g = text.find('g').expect("g");
        assert_eq!(index.position(text, g), Position::new(3, 0));
        assert_eq!(
            index.position(text, text.find('d').expect("d")),
            Position::new(1, 1)
        );
        assert_eq!(
            index.offset(text, Position::new(1, 9)),
            text.find("\r\n").expect("crlf")
        );
        assert_eq!(index.offset(text, Position::new(0, 9)), 2);
    }

    /// The binary searches agree with walking the line, character by character, at every
    /// offset and every position of a text mixing widths.
    #[test]
    fn searches_agree_with_a_walk_along_the_line() {
        let text = "aü😀b\r\n😀😀x\rñ\nplain\n\nzz😀";
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let index = LineIndex::new(text, encoding);
            let mut line = 0;
            let mut units = 0;
            for (offset, c) in text.char_indices() {
                if c == '\n' && text[..offset].ends_with('\r') {
                    // Between the two characters of a line break: no position of its own.
                    line += 1;
                    units = 0;
                    continue;
                }
                assert_eq!(
                    index.position(text, offset),
                    Position::new(line, units),
                    "{encoding:?} at {offset}"
                );
                assert_eq!(index.offset(text, Position::new(line, units)), offset);
                if c == '\n' || (c == '\r' && !text[offset..].starts_with("\r\n")) {
                    line += 1;
                    units = 0;
                } else {
                    units += encoding.units(c) as u32;
                }
            }
        }
    }

    /// After every edit of a long deterministic series (inserting and deleting line breaks,
    /// lone `\r` next to `\n`, wide characters), the updated index is the one built afresh.
    #[test]
    fn an_edited_index_is_the_index_of_the_edited_text() {
        let pieces = ["a", "\n", "\r", "\r\n", "ü", "😀", "xy", ""];
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let mut text = String::from("ab\r\ncü\r😀\nd\n");
            let mut index = LineIndex::new(&text, encoding);
            let mut seed = 7u64;
            for _ in 0..2_000 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let r = (seed >> 33) as usize;
                let boundaries: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let a = boundaries[r % boundaries.len()];
                let b = boundaries[(r / 7) % boundaries.len()];
                let (start, end) = (a.min(b), a.max(b).min(a.min(b) + 6));
                let end = boundaries
                    .iter()
                    .copied()
                    .filter(|&x| x <= end)
                    .max()
                    .unwrap_or(start);
                let inserted = pieces[(r / 61) % pieces.len()];
                text.replace_range(start..end, inserted);
                index.edit(&text, Span::new(start, end), inserted.len());
                assert_eq!(index, LineIndex::new(&text, encoding), "{text:?}");
            }
        }
    }
}
