//! Turns a pest failure into one targeted syntax diagnostic, with hints for the mistakes people
//! make: curly or single quotes, `&`/`+` concatenation, `AND`/`OR`, indexing, a missing `)`.

use super::grammar::Rule;
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;

/// A light scan that skips string literals and attribute brackets, yielding each structural
/// character with its byte offset.
fn structural_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut in_string = false;
    let mut in_attribute = false;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            return false;
        }
        if in_attribute {
            if c == ']' || c == '\n' {
                in_attribute = false;
            }
            return false;
        }
        match c {
            '"' => {
                in_string = true;
                false
            }
            '[' => {
                in_attribute = true;
                true
            }
            _ => true,
        }
    })
}

/// The first opening parenthesis that nests deeper than `max`, with the depth it reaches.
pub(super) fn too_deep(text: &str, max: usize) -> Option<(Span, usize)> {
    let mut depth = 0usize;
    for (i, c) in structural_chars(text) {
        match c {
            '(' => {
                depth += 1;
                if depth > max {
                    return Some((Span::new(i, i + 1), depth));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The opening parentheses that are never closed.
fn unclosed_parens(text: &str) -> Vec<usize> {
    let mut open = Vec::new();
    for (i, c) in structural_chars(text) {
        match c {
            '(' => open.push(i),
            ')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

fn char_span(text: &str, at: usize) -> Span {
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}

fn word_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

fn previous_non_space(text: &str, at: usize) -> Option<char> {
    text[..at].chars().rev().find(|c| !c.is_whitespace())
}

fn describe(rule: &Rule) -> &'static str {
    match rule {
        Rule::cmp_op => "a comparison operator",
        Rule::comparison => "an argument",
        Rule::call | Rule::func_name => "a function call",
        Rule::attribute => "an attribute such as `[mail]`",
        Rule::string => "a string",
        Rule::number | Rule::hex => "a number",
        Rule::parameter => "a `%Parameter%`",
        Rule::identifier => "an identifier",
        Rule::arg => "an argument",
        Rule::open => "`(`",
        Rule::comma => "`,`",
        Rule::close => "`)`",
        Rule::EOI => "the end of the expression",
        _ => "an expression",
    }
}

fn expected_list(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = positives.iter().map(describe).collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_owned(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    }
}

/// One diagnostic for a failed parse, specific where the mistake is recognisable.
pub(super) fn explain(text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    let positives: &[Rule] = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => &[],
    };
    let here = char_span(text, at);
    let next = text[at..].chars().next();
    let diag = |message: &str| Diagnostic::new(RuleId::SyntaxError, here, message);

    if let Some(c) = next {
        match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => {
                return diag("curly quotation mark")
                    .with_primary_label("typographic quote")
                    .with_help("strings use straight double quotes: \"text\" (documents and chat tools often replace them)");
            }
            '\u{2018}' | '\u{2019}' | '\'' => {
                return diag("single quotes do not delimit strings")
                    .with_primary_label("single quote")
                    .with_help("write strings in straight double quotes: \"text\"");
            }
            '&' if !text[at..].to_ascii_uppercase().starts_with("&H") => {
                return diag("`&` does not concatenate strings in this language")
                    .with_primary_label("concatenation operator")
                    .with_help("use Append(a, b) or Join(\"\", a, b, ...)");
            }
            '+' => {
                return diag("`+` is not an operator in this language")
                    .with_primary_label("operator")
                    .with_help("to concatenate use Append(a, b) or Join(\"\", a, b, ...); there is no arithmetic");
            }
            '[' if previous_non_space(text, at) == Some(')') => {
                return diag("a call result cannot be indexed")
                    .with_primary_label("indexing")
                    .with_help("use Item(list, index), 1-based: Item(Split([mail], \"@\"), 1)");
            }
            '"' if !text[at + 1..].contains('"') => {
                return diag("unterminated string")
                    .with_primary_label("this string is never closed")
                    .with_help(
                        "close it with `\"`; write a literal quote inside a string as `\\\"`",
                    );
            }
            '(' => {
                return diag("parentheses do not group expressions")
                    .with_primary_label("unexpected `(`")
                    .with_help("only function calls take parentheses; there is no grouping and no arithmetic");
            }
            '0'..='9' | '-'
                if text[at..]
                    .trim_start_matches(['-'])
                    .trim_start_matches(|d: char| d.is_ascii_digit())
                    .starts_with('.') =>
            {
                return diag("decimal numbers are not supported")
                    .with_primary_label("decimal point")
                    .with_help("write whole numbers, or the value as a string: \"1.5\"");
            }
            _ => {}
        }
        let word = word_at(text, at);
        if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
            let span = Span::new(at, at + word.len());
            return Diagnostic::new(RuleId::SyntaxError, span, format!("`{word}` is not an operator in this language"))
                .with_primary_label("logical operator")
                .with_help("IIF has no AND/OR: nest IIF in the true branch for AND, in the false branch for OR");
        }
        if matches!(c, '=' | '<' | '>') {
            return diag("only one comparison is allowed here")
                .with_primary_label("second comparison operator")
                .with_help("comparisons do not chain; nest IIF calls instead");
        }
    }

    if next.is_none() {
        if let Some(&open) = unclosed_parens(text).last() {
            return Diagnostic::new(RuleId::SyntaxError, Span::new(at, at), "missing `)`")
                .with_primary_label("expected `)` or `,` here")
                .with_label(Span::new(open, open + 1), "this `(` is never closed")
                .with_help("add the closing parenthesis");
        }
    }

    let found = match next {
        None => "end of expression".to_owned(),
        Some(c) => format!("`{c}`"),
    };
    let expected = expected_list(positives);
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("unexpected {found}, expected {expected}")
    };
    let mut d = diag(&message).with_primary_label("unexpected here");
    if next == Some(')') && unclosed_parens(text).is_empty() {
        d = d.with_help("this `)` has no matching `(`");
    }
    d
}
