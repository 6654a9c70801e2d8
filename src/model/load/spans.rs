//! Placing positions inside a decoded string value back into the file it came from.
//!
//! A YAML or JSON string value is stored in the file in one of several styles: a YAML plain,
//! single-quoted (`''` escapes), double-quoted (backslash escapes, line folding) or block scalar
//! (`|`, `>`, with indentation), or a JSON string (backslash escapes). An expression checked
//! as a decoded string reports byte spans in that string; [`OffsetMap`] turns them into byte
//! spans of the file by walking the raw text next to the decoded text once.

use crate::base::text::Span;

/// How a string value is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// A YAML plain scalar or a block scalar (`|`, `>`): characters are copied, line breaks and
    /// indentation are folded or dropped.
    Plain,
    /// A YAML `'single-quoted'` scalar: `''` stands for `'`.
    SingleQuoted,
    /// A YAML `"double-quoted"` scalar: backslash escapes and `\` line continuations.
    DoubleQuoted,
    /// A JSON string: backslash escapes, no line folding.
    Json,
}

impl ScalarStyle {
    /// The YAML style of the scalar whose raw text starts at `raw`.
    pub fn of_yaml(raw: &str) -> Self {
        match raw.as_bytes().first() {
            Some(b'\'') => ScalarStyle::SingleQuoted,
            Some(b'"') => ScalarStyle::DoubleQuoted,
            _ => ScalarStyle::Plain,
        }
    }

    /// Whether the YAML scalar starting at `start` of `file` is a block scalar (its header line
    /// ends in `|` or `>` with optional indicators and a comment).
    pub fn is_block(file: &str, start: usize) -> bool {
        let before = file.get(..start).unwrap_or("").trim_end();
        let line = before.rsplit('\n').next().unwrap_or("");
        let line = line.split(" #").next().unwrap_or("").trim_end();
        let header = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        header.ends_with('|') || header.ends_with('>')
    }
}

/// For every byte offset of a decoded string, the byte range in the file that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffsetMap {
    /// Where the decoded text starts in the file when it is stored there verbatim (the common
    /// case: no escapes, no folding); then `ranges` is empty.
    verbatim_start: usize,
    /// `ranges[i]` is the file range of the decoded character containing byte `i`; the last
    /// entry (index `decoded.len()`) is the zero-width end position.
    ranges: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// The identity map for a value stored verbatim at `start` (used where no raw text exists).
    pub fn verbatim(start: usize) -> Self {
        OffsetMap {
            verbatim_start: start,
            ranges: Vec::new(),
        }
    }

    /// Builds the map of `decoded`, written in `style` in `file` starting at byte `start` (the
    /// opening quote for quoted styles, the first content character otherwise).
    pub fn new(decoded: &str, file: &str, start: usize, style: ScalarStyle) -> Self {
        let raw = file.get(start..).unwrap_or("");
        let bytes = raw.as_bytes();
        let mut pos = usize::from(matches!(
            style,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted | ScalarStyle::Json
        ));
        if raw.as_bytes().get(pos..pos + decoded.len()) == Some(decoded.as_bytes()) {
            return OffsetMap::verbatim(start + pos);
        }
        let mut ranges = Vec::with_capacity(decoded.len() + 1);
        for c in decoded.chars() {
            let (from, to) = next_source(raw, bytes, &mut pos, c, style);
            for _ in 0..c.len_utf8() {
                ranges.push((start + from, start + to));
            }
        }
        ranges.push((start + pos, start + pos));
        OffsetMap {
            verbatim_start: 0,
            ranges,
        }
    }

    /// The file span of the decoded span `span` (a span past the end of an escaped value is
    /// clamped to its end; a verbatim value maps by shifting).
    pub fn map(&self, span: Span) -> Span {
        if self.ranges.is_empty() {
            return span.shift(self.verbatim_start);
        }
        let last = self.ranges.len().saturating_sub(1);
        let at = |i: usize| self.ranges.get(i.min(last)).copied().unwrap_or((0, 0));
        if span.end <= span.start {
            let p = at(span.start).0;
            return Span::new(p, p);
        }
        Span::new(at(span.start).0, at(span.end - 1).1.max(at(span.start).0))
    }
}

/// Advances `pos` past the raw text that encodes `c` and returns its range.
fn next_source(
    raw: &str,
    bytes: &[u8],
    pos: &mut usize,
    c: char,
    style: ScalarStyle,
) -> (usize, usize) {
    loop {
        let Some(r) = raw.get(*pos..).and_then(|s| s.chars().next()) else {
            return (*pos, *pos);
        };
        let here = *pos;
        let escaped = matches!(style, ScalarStyle::DoubleQuoted | ScalarStyle::Json) && r == '\\';
        if escaped {
            let next = bytes.get(here + 1).copied();
            if style == ScalarStyle::DoubleQuoted && matches!(next, Some(b'\n' | b'\r')) {
                *pos = here + 2;
                skip_blanks(bytes, pos);
                continue;
            }
            *pos = here + escape_len(bytes, here, c);
            return (here, *pos);
        }
        if r == c {
            *pos = here + r.len_utf8();
            if style == ScalarStyle::SingleQuoted && c == '\'' {
                *pos += 1;
            }
            return (here, *pos);
        }
        if style != ScalarStyle::Json && (r == '\n' || r == '\r') && (c == ' ' || c == '\n') {
            *pos = here + 1;
            if r == '\r' && bytes.get(*pos) == Some(&b'\n') {
                *pos += 1;
            }
            return (here, *pos);
        }
        if matches!(r, ' ' | '\t' | '\n' | '\r') {
            *pos = here + 1;
            continue;
        }
        return (here, here);
    }
}

fn skip_blanks(bytes: &[u8], pos: &mut usize) {
    while matches!(bytes.get(*pos), Some(b' ' | b'\t')) {
        *pos += 1;
    }
}

/// The raw length of the escape sequence at `at` (which starts with `\`) that decodes to `c`.
fn escape_len(bytes: &[u8], at: usize, c: char) -> usize {
    match bytes.get(at + 1) {
        Some(b'x') => 4,
        Some(b'u') if (c as u32) > 0xFFFF && bytes.get(at + 6) == Some(&b'\\') => 12,
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(_) => 2,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(file: &str, decoded: &str, style: ScalarStyle, token: &str, expect: &str) {
        let start = match style {
            ScalarStyle::Plain => file
                .find(decoded.chars().next().unwrap_or(' '))
                .unwrap_or(0),
            ScalarStyle::Json => file.find(": \"").map_or(0, |i| i + 2),
            _ => file.find(['"', '\'']).unwrap_or(0),
        };
        let map = OffsetMap::new(decoded, file, start, style);
        let at = decoded.find(token).unwrap_or(0);
        let span = map.map(Span::new(at, at + token.len()));
        assert_eq!(&file[span.start..span.end], expect);
    }

    #[test]
    fn styles_map_tokens_to_their_raw_text() {
        check(
            "e: Join(\" \", [givenNme])",
            "Join(\" \", [givenNme])",
            ScalarStyle::Plain,
            "[givenNme]",
            "[givenNme]",
        );
        check(
            "e: 'It''s [givenNme]'",
            "It's [givenNme]",
            ScalarStyle::SingleQuoted,
            "[givenNme]",
            "[givenNme]",
        );
        check(
            "e: \"A(\\\"x\\\", [givenNme])\"",
            "A(\"x\", [givenNme])",
            ScalarStyle::DoubleQuoted,
            "[givenNme]",
            "[givenNme]",
        );
        check(
            "e: \"A(\\\"x\\\")\"",
            "A(\"x\")",
            ScalarStyle::DoubleQuoted,
            "\"x\"",
            "\\\"x\\\"",
        );
        check(
            "{\"e\": \"J(\\u0041, [givenNme])\"}",
            "J(A, [givenNme])",
            ScalarStyle::Json,
            "[givenNme]",
            "[givenNme]",
        );
        check(
            "e: >-\n  Join(\" \",\n  [givenNme])\n",
            "Join(\" \", [givenNme])",
            ScalarStyle::Plain,
            "[givenNme]",
            "[givenNme]",
        );
        check(
            "e: |\n  Join(\" \",\n       [givenNme])\n",
            "Join(\" \",\n     [givenNme])\n",
            ScalarStyle::Plain,
            "[givenNme]",
            "[givenNme]",
        );
    }
}
