//! Text functions with tables or Unicode rules: NormalizeDiacritics (appendix A of the
//! reference), PCase word separators, culture-aware case mapping, RandomString alphabets.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Microsoft's NormalizeDiacritics table as published (appendix A): `out ← in in ...` groups.
const DIACRITICS: &str = include_str!("diacritics.txt");

struct Diacritics {
    map: HashMap<&'static str, &'static str>,
    longest: usize,
}

fn diacritics() -> &'static Diacritics {
    static TABLE: OnceLock<Diacritics> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        let mut longest = 1;
        for line in DIACRITICS.lines() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            let mut output = None;
            for (i, token) in tokens.iter().enumerate() {
                if token.starts_with('(') {
                    break;
                }
                if tokens.get(i + 1) == Some(&"←") {
                    output = Some(*token);
                } else if *token != "←" {
                    if let Some(out) = output {
                        longest = longest.max(token.chars().count());
                        map.insert(*token, out);
                    }
                }
            }
        }
        Diacritics { map, longest }
    })
}

/// The number of table entries (for tests).
pub fn diacritics_len() -> usize {
    diacritics().map.len()
}

/// `NormalizeDiacritics`: replaces every sequence of the table (longest match first, so a base
/// letter with combining marks is replaced whole); everything else is kept. No Unicode
/// normalisation happens first: decomposed input matches only the decomposed entries.
pub fn normalize_diacritics(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let table = diacritics();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while let Some(first) = rest.chars().next() {
        if !first.is_ascii() {
            let ends: Vec<usize> = rest
                .char_indices()
                .skip(1)
                .map(|(i, _)| i)
                .chain(std::iter::once(rest.len()))
                .take(table.longest)
                .collect();
            for &end in ends.iter().rev() {
                if let Some(replacement) = table.map.get(&rest[..end]) {
                    out.push_str(replacement);
                    rest = &rest[end..];
                    continue 'outer;
                }
            }
        }
        out.push(first);
        rest = &rest[first.len_utf8()..];
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Whether `c` separates words for PCase without wordSeparators: .NET ToTitleCase's separator
/// categories (space, control, format, punctuation, symbols) approximated as "not a letter, digit
/// or combining mark".
pub fn is_default_separator(c: char) -> bool {
    !(c.is_alphanumeric() || is_combining_mark(c))
}

/// `PCase`: lower-cases everything, then upper-cases the first character of each word. Words are
/// separated by `separators` when given, else by [`is_default_separator`].
pub fn pcase(text: &str, separators: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = true;
    for c in text.chars() {
        let separator = match separators {
            Some(set) => set.contains(c),
            None => is_default_separator(c),
        };
        if separator {
            out.push(c);
            word_start = true;
        } else if word_start {
            out.push(upper_char(c, Culture::Invariant));
            word_start = false;
        } else {
            out.push(lower_char(c, Culture::Invariant));
        }
    }
    out
}

/// The case-mapping rules a culture selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culture {
    /// Invariant culture: Unicode simple case mapping.
    Invariant,
    /// Turkish and Azerbaijani: dotted and dotless i.
    Turkic,
}

impl Culture {
    /// Parses an RFC 4646 culture name (`en-US`, `tr-TR`, `az-Latn-AZ`); empty means invariant.
    pub fn parse(name: &str) -> Result<Culture, String> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(Culture::Invariant);
        }
        let mut parts = name.split(['-', '_']);
        let language = parts.next().unwrap_or("");
        let well_formed = (2..=3).contains(&language.len())
            && language.chars().all(|c| c.is_ascii_alphabetic())
            && parts.all(|p| {
                (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !well_formed {
            return Err(format!(
                "\"{name}\" is not a culture name such as en-US or tr-TR"
            ));
        }
        Ok(match language.to_ascii_lowercase().as_str() {
            "tr" | "az" => Culture::Turkic,
            _ => Culture::Invariant,
        })
    }
}

/// Simple (one-to-one) lower-case mapping of one character.
pub fn lower_char(c: char, culture: Culture) -> char {
    match (c, culture) {
        ('I', Culture::Turkic) => 'ı',
        ('İ', _) => 'i',
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        _ => {
            let mut it = c.to_lowercase();
            match (it.next(), it.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
    }
}

/// Simple (one-to-one) upper-case mapping of one character (`ß` stays `ß`, as in .NET).
pub fn upper_char(c: char, culture: Culture) -> char {
    match (c, culture) {
        ('i', Culture::Turkic) => 'İ',
        ('ı', _) => 'I',
        _ if c.is_ascii() => c.to_ascii_uppercase(),
        _ => {
            let mut it = c.to_uppercase();
            match (it.next(), it.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        }
    }
}

/// Lower-cases text by `culture`.
pub fn to_lower(text: &str, culture: Culture) -> String {
    if text.is_ascii() && culture == Culture::Invariant {
        return text.to_ascii_lowercase();
    }
    text.chars().map(|c| lower_char(c, culture)).collect()
}

/// Upper-cases text by `culture`.
pub fn to_upper(text: &str, culture: Culture) -> String {
    if text.is_ascii() && culture == Culture::Invariant {
        return text.to_ascii_uppercase();
    }
    text.chars().map(|c| upper_char(c, culture)).collect()
}

/// RandomString's special characters: the non-alphanumeric characters of the Windows password
/// complexity rule.
pub const SPECIAL_CHARACTERS: &str = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/";
/// RandomString's digits.
pub const DIGITS: &str = "0123456789";
/// RandomString's capitals.
pub const CAPITALS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// RandomString's lower-case letters.
pub const LOWER_CASE: &str = "abcdefghijklmnopqrstuvwxyz";
