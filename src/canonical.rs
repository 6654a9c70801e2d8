//! `entramap fmt`: every expression of a mapping file rewritten to its canonical form
//! ([`crate::expr::syntax::print`]), in place, touching nothing else: each changed scalar is replaced
//! by the canonical text written in the same style (plain, quoted, block or JSON string).
//!
//! A block scalar (`|`, `>`) is the author's layout of a long expression: it is rewritten only
//! when its tokens differ from the canonical form, not for line breaks and indentation.

use crate::base::text::Span;
use crate::base::yaml::{double_quoted, needs_escape, plain_safe, single_quoted};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::load::spans::ScalarStyle;
use crate::model::{load_str, FileFormat, MappingFile, MappingKind, Text};

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
    let file = match load_str(name, text).into_valid() {
        Ok(file) => file,
        Err(errors) => return Formatted { text: None, errors },
    };
    let mut edits: Vec<(Span, String)> = Vec::new();
    for mapping in file.mappings() {
        let Some(MappingKind::Expression {
            text: value,
            expr: Some(expr),
        }) = &mapping.kind
        else {
            continue;
        };
        let canonical = crate::expr::syntax::print(expr);
        if canonical == value.value {
            continue;
        }
        if let Some(edit) = edit(text, file.format, value, &canonical) {
            edits.push(edit);
        }
    }
    if edits.is_empty() {
        return Formatted {
            text: None,
            errors: Vec::new(),
        };
    }
    edits.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut done = 0;
    for (span, replacement) in &edits {
        if span.start < done {
            continue;
        }
        out.push_str(&text[done..span.start]);
        out.push_str(replacement);
        done = span.end;
    }
    out.push_str(&text[done..]);
    let changed = changed_meaning(name, &file, &out, &edits);
    if !changed.is_empty() {
        return Formatted {
            text: None,
            errors: changed,
        };
    }
    Formatted {
        text: Some(out),
        errors: Vec::new(),
    }
}

/// Reloads the formatted text and reports every expression whose canonical form is not the
/// original's (a YAML scalar that does not read back as written), or every edited one when the
/// formatted text does not load: empty when the rewrite only changed the layout.
fn changed_meaning(
    name: &str,
    original: &MappingFile,
    formatted: &str,
    edits: &[(Span, String)],
) -> Vec<Diagnostic> {
    let reloaded = load_str(name, formatted);
    let loads = !reloaded
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let before = expressions(original);
    let after = reloaded
        .file
        .as_ref()
        .filter(|_| loads)
        .map(expressions)
        .unwrap_or_default();
    let spans: Vec<Span> = if after.len() == before.len() {
        before
            .iter()
            .zip(&after)
            .filter(|((_, old), (_, new))| old != new)
            .map(|((span, _), _)| *span)
            .collect()
    } else {
        edits.iter().map(|(span, _)| *span).collect()
    };
    spans
        .into_iter()
        .map(|span| {
            Diagnostic::new(
                RuleId::FmtUnsafeRewrite,
                span,
                "rewriting this expression to its canonical form would change what it reads as",
            )
            .with_primary_label("left as written")
            .with_help("the file is not written; please report this expression to entramap")
        })
        .collect()
}

/// Each expression of a file: where it is written and its canonical form (or, when it does not
/// parse, its text).
fn expressions(file: &MappingFile) -> Vec<(Span, String)> {
    file.mappings()
        .filter_map(|m| match &m.kind {
            Some(MappingKind::Expression { text, expr }) => Some((
                text.span,
                expr.as_ref()
                    .map_or_else(|| text.value.clone(), crate::expr::syntax::print),
            )),
            _ => None,
        })
        .collect()
}

/// The replacement of one scalar, in its own style.
fn edit(file: &str, format: FileFormat, value: &Text, canonical: &str) -> Option<(Span, String)> {
    let span = value.span;
    let raw = file.get(span.start..span.end)?;
    if format == FileFormat::Json {
        return Some((span, serde_json::to_string(canonical).ok()?));
    }
    let style = ScalarStyle::of_yaml(raw);
    let block = ScalarStyle::is_block(file, span.start);
    if canonical.contains(needs_escape) {
        // A line break or control character in a string literal: only a double-quoted scalar
        // carries it as is. A block scalar is the author's layout and stays as written.
        return (!block).then(|| (span, double_quoted(canonical)));
    }
    let replacement = match style {
        ScalarStyle::SingleQuoted => single_quoted(canonical),
        ScalarStyle::DoubleQuoted => double_quoted(canonical),
        _ if block => {
            if squeeze(&value.value) == squeeze(canonical) {
                return None;
            }
            // The content only: the line breaks after it (kept by `|+`, in the file's own
            // CRLF or LF) and the next line's indentation stay as written.
            let content = raw.trim_end_matches([' ', '\t', '\r', '\n']);
            return Some((
                Span::new(span.start, span.start + content.len()),
                canonical.to_owned(),
            ));
        }
        _ if plain_safe(canonical) => canonical.to_owned(),
        _ => single_quoted(canonical),
    };
    Some((span, replacement))
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

    /// Each expression's canonical form after loading `text`.
    fn canonical_forms(name: &str, text: &str) -> Vec<String> {
        let file = load_str(name, text).file.expect("the file loads");
        expressions(&file).into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn a_line_break_in_a_string_literal_survives_every_scalar_style() {
        let head = "entramap: 1\napp: X\nusers:\n  - target: displayName\n    expression: ";
        let canonical = "Join(\"\n\", [givenName], [surname])";
        let yaml = [
            // A plain scalar: the empty line is the line break.
            "Join(\"\n\n      \",  [givenName], [surname])\n",
            "'Join(\"\n\n      \",  [givenName], [surname])'\n",
            "\"Join(\\\"\\n\\\",  [givenName], [surname])\"\n",
        ];
        for style in yaml {
            let text = format!("{head}{style}");
            assert_eq!(canonical_forms("a.yaml", &text), [canonical], "{text}");
            let formatted = format_source("a.yaml", &text);
            assert!(formatted.errors.is_empty(), "{:?}", formatted.errors);
            let out = formatted.text.expect("the spacing is canonicalized");
            assert_eq!(
                out,
                format!("{head}\"Join(\\\"\\n\\\", [givenName], [surname])\"\n")
            );
            assert_eq!(canonical_forms("a.yaml", &out), [canonical]);
            assert!(format_source("a.yaml", &out).text.is_none(), "idempotent");
        }
        let json = "{\"entramap\": 1, \"app\": \"X\", \"users\": [{\"target\": \"displayName\", \"expression\": \"Join(\\\"\\n\\t\\\",  [givenName], [surname])\"}]}";
        let out = format_source("a.json", json).text.expect("reformatted");
        assert_eq!(
            canonical_forms("a.json", &out),
            ["Join(\"\n\t\", [givenName], [surname])"]
        );
    }

    #[test]
    fn a_rewrite_that_would_change_an_expression_is_refused() {
        let original = load_str(
            "a.yaml",
            "entramap: 1\napp: X\nusers:\n  - target: displayName\n    expression: Join(\"\\\", [a])\n",
        )
        .file
        .expect("loads");
        let changed = "entramap: 1\napp: X\nusers:\n  - target: displayName\n    expression: Join(\"x\", [a])\n";
        let span = expressions(&original)[0].0;
        let errors = changed_meaning("a.yaml", &original, changed, &[(span, String::new())]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].rule, RuleId::FmtUnsafeRewrite);
        assert_eq!(errors[0].span, span);
    }
}
