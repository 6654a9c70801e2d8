//! .NET regular expressions on top of the `regex` crate: pattern translation (what the two
//! dialects spell differently) and .NET replacement strings (`$1`, `${name}`, `$$`, `$&`, ...).
//!
//! Look-around (`(?=`, `(?!`, `(?<=`, `(?<!`), backreferences (`\1`, `\k<name>`) and atomic
//! groups (`(?>`) need a backtracking engine: [`Pattern`] runs such a pattern on `fancy-regex`
//! with a backtracking limit ([`BACKTRACK_LIMIT`]; .NET would time out instead), and every other
//! pattern on the linear-time `regex` crate. Scoping filters use [`Pattern`]; the expression
//! functions use [`compile`], which reports those features as unsupported. Not bridged at all
//! (never silently changed): conditionals (`(?(`), balancing groups (`(?<a-b>`), `\G`, and
//! character-class subtraction (`[a-z-[aeiou]]`). Approximations: `\Z` is read as `\z`; `$`
//! matches only at the very end (in .NET also before a final newline).

use regex::{Captures, Regex, RegexBuilder};

/// The longest pattern accepted.
pub const MAX_PATTERN_CHARS: usize = 4096;

/// Why a .NET pattern cannot be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslateError {
    /// Valid .NET, but a feature the `regex` crate lacks (look-around, back-references, ...).
    Unsupported(String),
    /// Not a valid pattern.
    Invalid(String),
}

impl From<TranslateError> for String {
    fn from(error: TranslateError) -> String {
        match error {
            TranslateError::Unsupported(message) | TranslateError::Invalid(message) => message,
        }
    }
}

/// Translates a .NET pattern into the `regex` crate's syntax.
pub fn translate(pattern: &str) -> Result<String, TranslateError> {
    translate_for(pattern, false)
}

/// Translates a .NET pattern; with `backtracking`, into `fancy-regex`'s syntax, which keeps
/// look-around, backreferences and atomic groups.
fn translate_for(pattern: &str, backtracking: bool) -> Result<String, TranslateError> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(TranslateError::Invalid(format!(
            "the regular expression is longer than {MAX_PATTERN_CHARS} characters"
        )));
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut in_class = false;
    let mut class_start = false;
    let mut i = 0;
    let unsupported = |what: &str| {
        Err(TranslateError::Unsupported(format!(
            "{what} is a .NET regex feature entramap's engine does not support"
        )))
    };
    while i < chars.len() {
        let c = chars[i];
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    return Err(TranslateError::Invalid(
                        "the regular expression ends with a backslash".to_owned(),
                    ));
                };
                i += 2;
                match n {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'n' | 'r' | 't' | 'f' | 'v' | 'a' => {
                        out.push('\\');
                        out.push(n);
                    }
                    'b' if in_class => out.push_str("\\x08"),
                    'b' | 'B' | 'A' | 'z' => {
                        out.push('\\');
                        out.push(n);
                    }
                    'Z' => out.push_str("\\z"),
                    'e' => out.push_str("\\x1B"),
                    'x' | 'u' => {
                        let len = if n == 'x' { 2 } else { 4 };
                        let hex: String = chars.iter().skip(i).take(len).collect();
                        if hex.len() != len || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                            return Err(TranslateError::Invalid(format!(
                                "`\\{n}` needs {len} hex digits"
                            )));
                        }
                        out.push_str(&format!("\\x{{{hex}}}"));
                        i += len;
                    }
                    'p' | 'P' => {
                        out.push('\\');
                        out.push(n);
                    }
                    'c' => {
                        let Some(&x) = chars.get(i).filter(|x| x.is_ascii_alphabetic()) else {
                            return Err(TranslateError::Invalid("`\\c` needs a letter".to_owned()));
                        };
                        out.push_str(&format!(
                            "\\x{{{:02X}}}",
                            (x.to_ascii_uppercase() as u8) ^ 0x40
                        ));
                        i += 1;
                    }
                    '0' => {
                        let digits: String = chars
                            .iter()
                            .skip(i)
                            .take(2)
                            .take_while(|d| ('0'..='7').contains(*d))
                            .collect();
                        i += digits.len();
                        let value = u32::from_str_radix(&digits, 8).unwrap_or(0);
                        out.push_str(&format!("\\x{{{value:X}}}"));
                    }
                    '1'..='9' if backtracking => {
                        out.push('\\');
                        out.push(n);
                    }
                    'k' if backtracking => {
                        let close = match chars.get(i) {
                            Some('<') => '>',
                            Some('\'') => '\'',
                            _ => {
                                return Err(TranslateError::Invalid(
                                    "`\\k` needs a group name".to_owned(),
                                ))
                            }
                        };
                        let end =
                            chars[i + 1..]
                                .iter()
                                .position(|&x| x == close)
                                .ok_or_else(|| {
                                    TranslateError::Invalid("unterminated group name".to_owned())
                                })?;
                        let name: String = chars[i + 1..i + 1 + end].iter().collect();
                        out.push_str(&format!("\\k<{name}>"));
                        i += end + 2;
                    }
                    '1'..='9' | 'k' => return unsupported("a backreference"),
                    'G' => return unsupported("`\\G`"),
                    n if n.is_ascii_alphanumeric() => {
                        return Err(TranslateError::Invalid(format!(
                            "`\\{n}` is not a recognised escape"
                        )))
                    }
                    n => out.push_str(&regex::escape(n.encode_utf8(&mut [0; 4]))),
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if in_class && at_class_start => out.push_str("\\]"),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' => out.push_str("\\["),
            '-' if in_class && chars.get(i + 1) == Some(&'[') => {
                return unsupported("character-class subtraction")
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i + 2..].iter().take(3).collect();
                let look_around = rest.starts_with('=')
                    || rest.starts_with('!')
                    || rest.starts_with("<=")
                    || rest.starts_with("<!");
                if backtracking && (look_around || rest.starts_with('>')) {
                    out.push_str("(?");
                    let head = if rest.starts_with('<') { 2 } else { 1 };
                    out.extend(&chars[i + 2..i + 2 + head]);
                    i += 2 + head;
                    continue;
                }
                if look_around {
                    return unsupported("look-around");
                }
                if rest.starts_with('>') {
                    return unsupported("an atomic group");
                }
                if rest.starts_with('(') {
                    return unsupported("a conditional group");
                }
                if rest.starts_with('#') {
                    let close = chars[i..].iter().position(|&x| x == ')').ok_or_else(|| {
                        TranslateError::Invalid("unterminated (?# comment".to_owned())
                    })?;
                    i += close + 1;
                    continue;
                }
                if rest.starts_with('<') || rest.starts_with('\'') {
                    let end = if rest.starts_with('<') { '>' } else { '\'' };
                    let close = chars[i + 3..]
                        .iter()
                        .position(|&x| x == end)
                        .ok_or_else(|| {
                            TranslateError::Invalid("unterminated group name".to_owned())
                        })?;
                    let name: String = chars[i + 3..i + 3 + close].iter().collect();
                    if name.contains('-') {
                        return unsupported("a balancing group");
                    }
                    out.push_str(&format!("(?<{name}>"));
                    i += 3 + close + 1;
                    continue;
                }
                out.push('(');
            }
            '{' if !in_class => {
                let close = chars[i..].iter().position(|&x| x == '}');
                let body: Option<String> = close.map(|k| chars[i + 1..i + k].iter().collect());
                let quantifier = body.as_deref().is_some_and(|b| {
                    let mut parts = b.splitn(2, ',');
                    let first = parts.next().unwrap_or("");
                    !first.is_empty()
                        && first.chars().all(|d| d.is_ascii_digit())
                        && parts
                            .next()
                            .is_none_or(|s| s.chars().all(|d| d.is_ascii_digit()))
                });
                match (quantifier, close) {
                    (true, Some(k)) => {
                        out.extend(&chars[i..=i + k]);
                        i += k + 1;
                        continue;
                    }
                    _ => out.push_str("\\{"),
                }
            }
            '}' if !in_class => out.push_str("\\}"),
            c => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// Compiles a .NET pattern (translated, with bounded compiled size).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .size_limit(4 << 20)
        .dfa_size_limit(4 << 20)
        .build()
        .map_err(|e| match e {
            regex::Error::Syntax(text) => format!(
                "invalid regular expression: {}",
                text.lines().last().unwrap_or("")
            ),
            regex::Error::CompiledTooBig(_) => "the regular expression is too large".to_owned(),
            _ => format!("invalid regular expression: {e}"),
        })
}

/// The backtracking steps one match of a [`Pattern::Backtracking`] may take before it fails
/// (`fancy-regex`'s own default): where .NET would time out, the match is an error.
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// A compiled .NET pattern: on the linear-time `regex` crate when it can be, else (look-around,
/// backreferences, atomic groups) on `fancy-regex` with [`BACKTRACK_LIMIT`].
#[derive(Debug)]
pub enum Pattern {
    /// The `regex` crate.
    Linear(Regex),
    /// `fancy-regex`, for what only a backtracking engine matches.
    Backtracking(Box<fancy_regex::Regex>),
}

impl Pattern {
    /// Compiles a .NET pattern. Fails for an invalid pattern and for the features neither
    /// engine has (the message names the feature).
    pub fn compile(pattern: &str) -> Result<Pattern, String> {
        match translate(pattern) {
            Ok(_) => compile(pattern).map(Pattern::Linear),
            Err(TranslateError::Invalid(message)) => Err(message),
            Err(TranslateError::Unsupported(_)) => {
                let translated = translate_for(pattern, true)?;
                fancy_regex::RegexBuilder::new(&translated)
                    .backtrack_limit(BACKTRACK_LIMIT)
                    .delegate_size_limit(4 << 20)
                    .delegate_dfa_size_limit(4 << 20)
                    .build()
                    .map(|r| Pattern::Backtracking(Box::new(r)))
                    .map_err(|e| format!("invalid regular expression: {e}"))
            }
        }
    }

    /// Whether the pattern matches somewhere in `text`. An error when the backtracking engine
    /// reaches its limit.
    pub fn is_match(&self, text: &str) -> Result<bool, String> {
        match self {
            Pattern::Linear(regex) => Ok(regex.is_match(text)),
            Pattern::Backtracking(regex) => regex.is_match(text).map_err(|e| {
                format!("the regular expression gave up after {BACKTRACK_LIMIT} backtracking steps ({e})")
            }),
        }
    }
}

/// One piece of a parsed .NET replacement string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Group(usize),
    Prefix,
    Suffix,
    LastGroup,
    Input,
}

/// A .NET replacement string parsed against one regex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pieces: Vec<Piece>,
}

impl Replacement {
    /// Parses `$1`, `${name}`, `${1}`, `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`; a `$` that starts
    /// none of these (or names no group of `regex`) stays literal, as in .NET.
    pub fn parse(text: &str, regex: &Regex) -> Replacement {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let groups = regex.captures_len();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            lit.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let mut piece = None;
            let mut used = 0;
            match after.chars().next() {
                Some('$') => {
                    lit.push('$');
                    used = 1;
                }
                Some('&') => (piece, used) = (Some(Piece::Group(0)), 1),
                Some('`') => (piece, used) = (Some(Piece::Prefix), 1),
                Some('\'') => (piece, used) = (Some(Piece::Suffix), 1),
                Some('+') => (piece, used) = (Some(Piece::LastGroup), 1),
                Some('_') => (piece, used) = (Some(Piece::Input), 1),
                Some('{') => {
                    if let Some(close) = after.find('}') {
                        let name = &after[1..close];
                        let index = match name.parse::<usize>() {
                            Ok(n) if n < groups => Some(n),
                            _ => regex.capture_names().position(|n| n == Some(name)),
                        };
                        if let Some(index) = index {
                            (piece, used) = (Some(Piece::Group(index)), close + 1);
                        }
                    }
                }
                Some(d) if d.is_ascii_digit() => {
                    let digits: Vec<usize> = after
                        .bytes()
                        .take_while(u8::is_ascii_digit)
                        .map(|b| usize::from(b - b'0'))
                        .collect();
                    let mut value = 0usize;
                    for (k, d) in digits.iter().enumerate() {
                        match value.checked_mul(10).and_then(|v| v.checked_add(*d)) {
                            Some(v) if v < groups => {
                                value = v;
                                (piece, used) = (Some(Piece::Group(v)), k + 1);
                            }
                            _ => break,
                        }
                    }
                }
                _ => {}
            }
            if used == 0 {
                lit.push('$');
            }
            if let Some(piece) = piece {
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(piece);
            }
            rest = &after[used..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        Replacement { pieces }
    }

    /// Appends the replacement for one match to `out`.
    pub fn expand(&self, caps: &Captures<'_>, input: &str, out: &mut String) {
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        for piece in &self.pieces {
            match piece {
                Piece::Lit(text) => out.push_str(text),
                Piece::Group(i) => out.push_str(caps.get(*i).map_or("", |m| m.as_str())),
                Piece::Prefix => out.push_str(&input[..whole.start]),
                Piece::Suffix => out.push_str(&input[whole.end..]),
                Piece::LastGroup => {
                    let last = (1..caps.len()).rev().find_map(|i| caps.get(i));
                    out.push_str(last.map_or("", |m| m.as_str()));
                }
                Piece::Input => out.push_str(input),
            }
        }
    }
}

/// Whether a pattern in the `regex` crate's syntax (the output of [`translate`]) is certainly
/// valid, decided by one cheap pass over a conservative subset: literals, `.`, `^`, `$`, `|`,
/// the escapes `\d \D \w \W \s \S` and escaped punctuation, classes of literals and increasing
/// ranges, plain, non-capturing and uniquely named groups, and the quantifiers `* + ?` (lazy
/// too) after an atom. Anything else answers `false`, and the caller asks the full parser;
/// `tests/it/regex_fast_path.rs` checks that every pattern accepted here is accepted by
/// `regex-syntax`.
pub fn plainly_valid(pattern: &str) -> bool {
    /// Well below `regex-syntax`'s default nesting limit of 250.
    const MAX_PLAIN_NESTING: usize = 100;
    const ESCAPED: &[u8] = b".\\+*?()[]{}|^$-/";
    let bytes = pattern.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut names: Vec<&str> = Vec::new();
    // Whether the previous token can take a quantifier.
    let mut atom = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' => {
                match bytes.get(i + 1) {
                    Some(b'd' | b'D' | b'w' | b'W' | b's' | b'S') => {}
                    Some(e) if ESCAPED.contains(e) => {}
                    _ => return false,
                }
                i += 2;
                atom = true;
                continue;
            }
            b'[' => {
                let Some(end) = plain_class_end(bytes, i) else {
                    return false;
                };
                i = end;
                atom = true;
                continue;
            }
            b'(' => {
                let rest = &pattern[i + 1..];
                if let Some(after) = rest.strip_prefix("?:") {
                    i += 3;
                    let _ = after;
                } else if let Some(named) = rest.strip_prefix("?<") {
                    let len = named
                        .bytes()
                        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                        .count();
                    let name = &named[..len];
                    let starts_well = name
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
                    if !starts_well
                        || named.as_bytes().get(len) != Some(&b'>')
                        || names.contains(&name)
                    {
                        return false;
                    }
                    names.push(name);
                    i += 3 + len + 1;
                } else if rest.starts_with('?') {
                    return false;
                } else {
                    i += 1;
                }
                depth += 1;
                if depth > MAX_PLAIN_NESTING {
                    return false;
                }
                atom = false;
                continue;
            }
            b')' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                atom = true;
            }
            b'*' | b'+' | b'?' => {
                if !atom {
                    return false;
                }
                if bytes.get(i + 1) == Some(&b'?') {
                    i += 1;
                }
                atom = false;
            }
            b'|' => atom = false,
            b'^' | b'$' => atom = false,
            b'{' | b'}' | b']' => return false,
            b if b.is_ascii_control() && b != b'\t' => return false,
            _ => atom = true,
        }
        i += 1;
    }
    depth == 0
}

/// The index after a plain character class starting at `start` (`[`), or `None` when the class
/// uses anything beyond literals, escaped punctuation, `\d`-style escapes and increasing ranges.
fn plain_class_end(bytes: &[u8], start: usize) -> Option<usize> {
    const ESCAPED: &[u8] = b".\\+*?()[]{}|^$-/";
    let mut i = start + 1;
    if bytes.get(i) == Some(&b'^') {
        i += 1;
    }
    let mut items = 0;
    // The previous item as a single character, if it can start a range.
    let mut previous: Option<u8> = None;
    while let Some(&c) = bytes.get(i) {
        match c {
            b']' if items > 0 => return Some(i + 1),
            b']' | b'[' => return None,
            b'\\' => {
                let e = *bytes.get(i + 1)?;
                if matches!(e, b'd' | b'D' | b'w' | b'W' | b's' | b'S') {
                    // A class escape cannot start a range (`[\d-a]` is an error).
                    if bytes.get(i + 2) == Some(&b'-')
                        && bytes.get(i + 3).is_some_and(|n| *n != b']')
                    {
                        return None;
                    }
                    previous = None;
                } else if ESCAPED.contains(&e) {
                    previous = Some(e);
                } else {
                    return None;
                }
                i += 2;
            }
            b'-' if previous.is_some() && bytes.get(i + 1).is_some_and(|n| *n != b']') => {
                let low = previous?;
                let high = *bytes.get(i + 1)?;
                if high == b'\\' || high == b'[' || !high.is_ascii() || high < low {
                    return None;
                }
                previous = None;
                i += 2;
            }
            // A `-` right after a range (`[--a-Z]`) is left to the full parser.
            b'-' if items > 0 && previous.is_none() && bytes.get(i + 1) != Some(&b']') => {
                return None
            }
            b'&' | b'~' if bytes.get(i + 1) == Some(&c) => return None,
            c if !c.is_ascii() || c.is_ascii_control() => return None,
            _ => {
                previous = Some(c);
                i += 1;
            }
        }
        items += 1;
    }
    None
}
