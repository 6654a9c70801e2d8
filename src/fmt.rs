//! `entramap fmt`: every expression of a mapping file rewritten to its canonical form
//! ([`crate::syntax::print`]), in place, touching nothing else: each changed scalar is replaced
//! by the canonical text written in the same style (plain, quoted, block or JSON string).
//!
//! A block scalar (`|`, `>`) is the author's layout of a long expression: it is rewritten only
//! when its tokens differ from the canonical form, not for line breaks and indentation.

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::mapping::{load_str, FileFormat, MappingKind, Text};

/// The outcome of formatting one file.
#[derive(Debug, Clone)]
pub struct Formatted {
    /// The new text, or `None` when nothing changes.
    pub text: Option<String>,
    /// Errors that stop formatting (the file does not load); expressions that do not parse
    /// are left as they are.
    pub errors: Vec<Diagnostic>,
}

/// Formats a mapping file's text (`name` picks YAML or JSON).
pub fn format_source(name: &str, text: &str) -> Formatted {
    let loaded = load_str(name, text);
    let errors: Vec<Diagnostic> = loaded
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let Some(file) = loaded.file.filter(|_| errors.is_empty()) else {
        return Formatted { text: None, errors };
    };
    let mut edits: Vec<(Span, String)> = Vec::new();
    for mapping in file.users.mappings.iter().chain(&file.groups.mappings) {
        let Some(MappingKind::Expression {
            text: value,
            expr: Some(expr),
        }) = &mapping.kind
        else {
            continue;
        };
        let canonical = crate::syntax::print(expr);
        if canonical == value.value {
            continue;
        }
        if let Some(edit) = edit(text, file.format, value, &canonical) {
            edits.push(edit);
        }
    }
    if edits.is_empty() {
        return Formatted { text: None, errors };
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = text.to_owned();
    for (span, replacement) in edits.iter().rev() {
        out.replace_range(span.start..span.end, replacement);
    }
    Formatted {
        text: Some(out),
        errors,
    }
}

/// The replacement of one scalar, in its own style.
fn edit(file: &str, format: FileFormat, value: &Text, canonical: &str) -> Option<(Span, String)> {
    let span = value.span;
    let raw = file.get(span.start..span.end)?;
    if format == FileFormat::Json {
        return Some((span, serde_json::to_string(canonical).ok()?));
    }
    let replacement = match raw.as_bytes().first() {
        Some(b'\'') => single_quoted(canonical),
        Some(b'"') => double_quoted(canonical),
        _ if is_block(file, span.start) => {
            if squeeze(&value.value) == squeeze(canonical) {
                return None;
            }
            let newline = if raw.ends_with('\n') { "\n" } else { "" };
            format!("{canonical}{newline}")
        }
        _ if plain_safe(canonical) => canonical.to_owned(),
        _ => single_quoted(canonical),
    };
    Some((span, replacement))
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether a one-line value can stay a YAML plain scalar.
fn plain_safe(s: &str) -> bool {
    let first = s.chars().next();
    !s.is_empty()
        && !s.contains(['\n', '\t'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([' ', ':'])
        && !first.is_some_and(|c| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
}

/// Whether the scalar starting at `start` is a block scalar (its header line ends in `|` or `>`
/// with optional indicators and a comment).
fn is_block(file: &str, start: usize) -> bool {
    let before = file[..start].trim_end();
    let line = before.rsplit('\n').next().unwrap_or("");
    let line = line.split(" #").next().unwrap_or("").trim_end();
    let header = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    header.ends_with('|') || header.ends_with('>')
}

/// The text without whitespace outside string literals (to compare layouts).
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if quoted {
            out.push(c);
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => escaped = false,
            }
        } else if c == '"' {
            quoted = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(name: &str, text: &str) -> String {
        format_source(name, text)
            .text
            .unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn rewrites_each_style_in_place() {
        let head = "entramap: 1 # keep\napp: X\nusers:\n";
        let yaml = format!(
            "{head}  - target: displayName\n    expression: Join(\" \",[givenName],  [surname])\n"
        );
        assert_eq!(fmt("a.yaml", &yaml), format!("{head}  - target: displayName\n    expression: Join(\" \", [givenName], [surname])\n"));
        let sq = format!("{head}  - target: displayName\n    expression: 'ToLower( [mail] )'\n");
        assert_eq!(
            fmt("a.yaml", &sq),
            format!("{head}  - target: displayName\n    expression: 'ToLower([mail])'\n")
        );
        let dq = format!(
            "{head}  - target: displayName\n    expression: \"Append( [mail], \\\"x\\\")\"\n"
        );
        assert_eq!(
            fmt("a.yaml", &dq),
            format!(
                "{head}  - target: displayName\n    expression: \"Append([mail], \\\"x\\\")\"\n"
            )
        );
        let block = format!("{head}  - target: displayName\n    expression: |\n      Join(\" \",\n           [givenName])\n");
        assert!(
            format_source("a.yaml", &block).text.is_none(),
            "layout of block scalars is kept"
        );
        let json = "{\"entramap\": 1, \"app\": \"X\", \"users\": [{\"target\": \"displayName\", \"expression\": \"ToLower( [mail])\"}]}";
        assert_eq!(
            fmt("a.json", json),
            json.replace("ToLower( [mail])", "ToLower([mail])")
        );
    }
}
