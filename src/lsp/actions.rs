//! Code actions and formatting: the certain fixes that findings carry ([`crate::diagnostics::diagnostic::Fix`],
//! the edits a future `lint --fix` can share) as quick fixes, "suppress with a reason" (an `allow` entry on
//! the mapping, or file-wide for findings about the whole file), and `entramap fmt` as
//! document formatting.

use super::diagnostics::{findings, to_lsp};
use super::document::{DocKind, Document};
use super::Overlay;
use crate::diagnostics::{Diagnostic, RuleId};
use crate::model::{load_str, Allow, FileFormat, MappingFile};
use crate::Span;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};
use std::collections::HashMap;

/// What the inserted `reason:` says until the author writes theirs.
pub const REASON_PLACEHOLDER: &str = "<say why this finding is acceptable>";

/// Rules an `allow` entry does not take: configuration errors, files that do not load, and the
/// findings about `allow` entries themselves.
const NOT_SUPPRESSIBLE: &[RuleId] = &[
    RuleId::FileSyntax,
    RuleId::InputLimit,
    RuleId::AllowUnknownRule,
    RuleId::UnusedAllow,
];

/// The quick fixes and suppressions for the findings that touch `range`.
pub fn code_actions(
    document: &Document,
    range: Range,
    overlay: Overlay<'_>,
) -> Vec<CodeActionOrCommand> {
    let wanted = document.span(range);
    let found = findings(document, overlay);
    let file = (document.kind() == DocKind::Mapping)
        .then(|| load_str(&document.name(), &document.text).file)
        .flatten();
    let mut actions = Vec::new();
    let touching = found
        .iter()
        .filter(|d| d.span.start <= wanted.end && wanted.start <= d.span.end);
    for d in touching {
        if let Some(fix) = &d.fix {
            actions.push(action(
                document,
                d,
                fix.title.clone(),
                vec![(fix.span, fix.replacement.clone())],
                true,
            ));
        }
        if let Some(edit) = file
            .as_ref()
            .and_then(|f| suppression(&document.text, f, d))
        {
            let scope = if d.path.is_some() {
                "this mapping"
            } else {
                "this file"
            };
            actions.push(action(
                document,
                d,
                format!("Suppress `{}` in {scope} (with a reason)", d.rule),
                vec![edit],
                false,
            ));
        }
    }
    actions
}

fn action(
    document: &Document,
    d: &Diagnostic,
    title: String,
    edits: Vec<(Span, String)>,
    preferred: bool,
) -> CodeActionOrCommand {
    let edits = edits
        .into_iter()
        .map(|(span, text)| TextEdit::new(document.range(span), text))
        .collect();
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(document, d)]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(document.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// The `allow` entry that suppresses `d`: on its mapping when it belongs to one, else
/// file-wide; inserted in block style (YAML files whose `allow` lists are written in block
/// style; nothing for JSON or flow style).
pub fn suppression(text: &str, file: &MappingFile, d: &Diagnostic) -> Option<(Span, String)> {
    if file.format != FileFormat::Yaml
        || NOT_SUPPRESSIBLE.contains(&d.rule)
        || crate::lint::CONFIGURATION_RULES.contains(&d.rule)
    {
        return None;
    }
    let entry = |indent: usize| {
        let pad = " ".repeat(indent);
        format!(
            "{pad}- rule: {}\n{pad}  reason: \"{REASON_PLACEHOLDER}\"",
            d.rule
        )
    };
    let Some(path) = &d.path else {
        return match file.allow.last() {
            Some(last) => after_entry(text, last, &entry),
            None if top_level_key(text, "allow") => None,
            None => {
                let newline = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                Some((
                    Span::new(text.len(), text.len()),
                    format!("{newline}allow:\n{}\n", entry(2)),
                ))
            }
        };
    };
    let (object, index) = path.strip_suffix(']')?.split_once('[')?;
    let kind = crate::expr::source::ObjectKind::ALL
        .into_iter()
        .find(|k| k.plural() == object)?;
    let mappings = &file.object(kind).mappings;
    let mapping = mappings.get(index.parse::<usize>().ok()?)?;
    if let Some(last) = mapping.allow.last() {
        return after_entry(text, last, &entry);
    }
    // Under the `target:` line: `allow:` at the column of `target`.
    let target = mapping.target.span;
    let line_start = text[..target.start].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[line_start..target.start];
    let key_column = head.find("target")?;
    let before_key = head[..key_column].trim();
    let after_key = head[key_column + "target".len()..].trim();
    if !(before_key.is_empty() || before_key == "-") || after_key != ":" {
        return None;
    }
    let line_end = line_end(text, target.end);
    if text[target.end..line_end]
        .trim_start()
        .starts_with(['}', ','])
    {
        return None;
    }
    let pad = " ".repeat(key_column);
    Some((
        Span::new(line_end, line_end),
        format!("\n{pad}allow:\n{}", entry(key_column + 2)),
    ))
}

/// A new entry after the existing block-style entry `last` (`- rule: ...` on its own line).
fn after_entry(
    text: &str,
    last: &Allow,
    entry: &dyn Fn(usize) -> String,
) -> Option<(Span, String)> {
    let start = last.span.start.min(last.rule.span.start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let head = &text[line_start..start];
    let dash = head.find('-')?;
    if !head[..dash].trim().is_empty() || !head[dash + 1..].trim().is_empty() {
        return None;
    }
    let end = line_end(text, last.reason.span.end.max(last.rule.span.end));
    Some((Span::new(end, end), format!("\n{}", entry(dash))))
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn top_level_key(text: &str, key: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })
}

/// `entramap fmt` as one edit covering what changes (nothing when the file is canonical or
/// does not load).
pub fn format(document: &Document) -> Option<Vec<TextEdit>> {
    if document.kind() != DocKind::Mapping {
        return None;
    }
    let formatted = crate::fmt::format_source(&document.name(), &document.text).text?;
    let old = document.text.as_bytes();
    let new = formatted.as_bytes();
    let mut prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    while !document.text.is_char_boundary(prefix) || !formatted.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let mut suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !document.text.is_char_boundary(old.len() - suffix)
        || !formatted.is_char_boundary(new.len() - suffix)
    {
        suffix -= 1;
    }
    let span = Span::new(prefix, old.len() - suffix);
    Some(vec![TextEdit::new(
        document.range(span),
        formatted[prefix..new.len() - suffix].to_owned(),
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppress(text: &str, rule_of: &str) -> String {
        let report = crate::lint::lint_source("a.entramap.yaml", text, None);
        let file = load_str("a.entramap.yaml", text).file.expect("loads");
        let d = report
            .report
            .diagnostics
            .iter()
            .find(|d| d.rule == rule_of)
            .unwrap_or_else(|| panic!("{rule_of} in {:?}", report.report.diagnostics));
        let (span, insert) = suppression(text, &file, d).expect("an edit");
        let mut out = text.to_owned();
        out.replace_range(span.start..span.end, &insert);
        let after = crate::lint::lint_source("a.entramap.yaml", &out, None);
        assert!(
            after.report.diagnostics.iter().all(|x| x.rule != rule_of),
            "suppressed: {out}"
        );
        assert_eq!(after.suppressed.len(), report.suppressed.len() + 1, "{out}");
        out
    }

    const HEAD: &str = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n";

    #[test]
    fn a_mapping_finding_gets_an_allow_under_its_target() {
        let text = format!("{HEAD}  - target: title\n    expression: Instr([mail], \"@\")\n");
        let out = suppress(&text, "function-name-case");
        assert!(out.contains("  - target: title\n    allow:\n      - rule: function-name-case\n        reason: \"<say why"), "{out}");
    }

    #[test]
    fn a_second_allow_joins_the_list() {
        let text = format!("{HEAD}  - target: title\n    allow:\n      - rule: multivalue-argument\n        reason: known\n    expression: Instr(ToLower([proxyAddresses]), \"@\")\n");
        let out = suppress(&text, "function-name-case");
        assert!(
            out.contains("        reason: known\n      - rule: function-name-case\n"),
            "{out}"
        );
    }

    #[test]
    fn a_file_finding_gets_a_top_level_allow() {
        let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n";
        let out = suppress(text, "is-soft-deleted-unmapped");
        assert!(out.ends_with("allow:\n  - rule: is-soft-deleted-unmapped\n    reason: \"<say why this finding is acceptable>\"\n"), "{out}");
    }
}
