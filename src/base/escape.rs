//! The one decoder of backslash escapes in double-quoted YAML and JSON strings: the JSON reader
//! of the located tree decodes strings with it, and the secret scan reads a token written with
//! escapes through it.

/// Which escapes a string may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JSON's: `\" \\ \/ \b \f \n \r \t \uXXXX`.
    Json,
    /// YAML's double-quoted scalars: JSON's plus `\0 \a \v \e \xXX \UXXXXXXXX` and the rest of
    /// YAML's one-character escapes.
    Yaml,
}

/// The character of the escape that `rest` starts with (`rest` is the text just after the
/// backslash) and how many bytes of `rest` it takes; `None` when it is not an escape of the
/// dialect. A `\u` high surrogate followed by a `\u` low one is one character; a lone
/// surrogate is U+FFFD.
pub fn decode(rest: &str, dialect: Dialect) -> Option<(char, usize)> {
    let e = *rest.as_bytes().first()?;
    let simple = match e {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ if dialect == Dialect::Json => None,
        b'0' => Some('\0'),
        b'a' => Some('\u{7}'),
        b'v' => Some('\u{b}'),
        b'e' => Some('\u{1b}'),
        b' ' => Some(' '),
        b'N' => Some('\u{85}'),
        b'_' => Some('\u{a0}'),
        b'L' => Some('\u{2028}'),
        b'P' => Some('\u{2029}'),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c, 1));
    }
    let digits = match (e, dialect) {
        (b'u', _) => 4,
        (b'x', Dialect::Yaml) => 2,
        (b'U', Dialect::Yaml) => 8,
        _ => return None,
    };
    let code = hex(rest.get(1..1 + digits)?)?;
    let taken = 1 + digits;
    if (0xD800..0xDC00).contains(&code) {
        let low = rest[taken..]
            .strip_prefix("\\u")
            .and_then(|r| hex(r.get(..4)?))
            .filter(|low| (0xDC00..0xE000).contains(low));
        if let Some(low) = low {
            let code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(code).unwrap_or('\u{FFFD}'), taken + 6));
        }
    }
    Some((char::from_u32(code).unwrap_or('\u{FFFD}'), taken))
}

/// The value of hexadecimal digits (only digits: no sign).
fn hex(digits: &str) -> Option<u32> {
    digits
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| u32::from_str_radix(digits, 16).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_of_each_dialect() {
        assert_eq!(decode("n rest", Dialect::Json), Some(('\n', 1)));
        assert_eq!(decode("u00e9", Dialect::Json), Some(('é', 5)));
        assert_eq!(decode("ud83d\\ude00", Dialect::Json), Some(('😀', 11)));
        assert_eq!(decode("ud83d", Dialect::Json), Some(('\u{FFFD}', 5)));
        assert_eq!(decode("x41", Dialect::Json), None);
        assert_eq!(decode("x41", Dialect::Yaml), Some(('A', 3)));
        assert_eq!(decode("U0001F600", Dialect::Yaml), Some(('😀', 9)));
        assert_eq!(decode("u+123", Dialect::Json), None);
        assert_eq!(decode("q", Dialect::Yaml), None);
        assert_eq!(decode("", Dialect::Yaml), None);
    }
}
