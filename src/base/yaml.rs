//! The one YAML scalar writer: how `fmt` rewrites a scalar and how `import` writes a new mapping
//! file decide between a plain, a single-quoted and a double-quoted scalar. A value is written
//! plain only when every YAML reader (1.1 and 1.2) reads it back as the same string: never a
//! word that YAML 1.1 reads as a Boolean or null (`yes`, `no`, `on`, `off`, `y`, `n`, `true`,
//! `null`, `~`, in any case), never something that reads as a number.

/// Whether a character cannot be written as itself in a quoted or plain YAML scalar without YAML
/// reading it as something else (line breaks fold, tabs and other controls are not content).
pub fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Words YAML 1.1 or 1.2 reads as a Boolean or null rather than a string.
const KEYWORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether a one-line value can be a YAML plain scalar (in block context) and read back as the
/// same string.
pub fn plain_safe(s: &str) -> bool {
    let first = s.chars().next();
    !s.is_empty()
        && !s.contains(needs_escape)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([' ', ':'])
        && !first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s))
        && !looks_numeric(s)
}

/// Whether YAML may read the text as a number (`1`, `0x1F`, `1e3`, `.5`, `.inf`, `+1`).
fn looks_numeric(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    body.parse::<f64>().is_ok()
        || matches!(body, ".inf" | ".nan")
        || (body.starts_with("0x") || body.starts_with("0o") || body.starts_with("0b"))
            && body.len() > 2
            && body[2..].chars().all(|c| c.is_ascii_hexdigit() || c == '_')
}

/// A YAML single-quoted scalar (`'` doubled). Only for text without [`needs_escape`] characters.
pub fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A YAML double-quoted scalar: `\\`, `\"` and every character of [`needs_escape`] escaped.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A scalar for block context: plain when [`plain_safe`], single-quoted when it has no
/// character that needs an escape, otherwise double-quoted.
pub fn scalar(s: &str) -> String {
    if plain_safe(s) {
        s.to_owned()
    } else if s.contains(needs_escape) {
        double_quoted(s)
    } else {
        single_quoted(s)
    }
}

/// A scalar inside a flow collection (`{...}`, `[...]`), where `,`, brackets and braces end a
/// plain scalar too.
pub fn flow_scalar(s: &str) -> String {
    if plain_safe(s) && !s.contains([',', '[', ']', '{', '}']) {
        s.to_owned()
    } else if s.contains(needs_escape) {
        double_quoted(s)
    } else {
        single_quoted(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_yaml_reads_as_booleans_or_null_are_quoted() {
        for word in ["yes", "No", "ON", "off", "y", "n", "true", "Null", "~"] {
            assert_eq!(scalar(word), format!("'{word}'"), "{word}");
        }
        assert_eq!(scalar("Yesterday"), "Yesterday");
    }

    #[test]
    fn numbers_and_indicators_are_quoted_and_text_stays_plain() {
        for text in [
            "1", "-1", "1e3", ".5", "0x1F", ".inf", "@x", "- a", "a: b", "a #b", "",
        ] {
            assert_ne!(scalar(text), text, "{text}");
        }
        assert_eq!(
            scalar("Switch([IsSoftDeleted], , \"False\", \"True\")"),
            "Switch([IsSoftDeleted], , \"False\", \"True\")"
        );
        assert_eq!(flow_scalar("a, b"), "'a, b'");
        assert_eq!(scalar("it's"), "it's");
        assert_eq!(scalar("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn every_scalar_reads_back_as_the_same_string() {
        for text in [
            "yes",
            "1",
            "a: b",
            "it's",
            "tab\there",
            "line\nbreak",
            "\u{feff}x",
            "[x]",
            "#x",
        ] {
            let yaml = format!("v: {}\n", scalar(text));
            let read: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(read["v"], text, "{yaml}");
        }
    }
}
