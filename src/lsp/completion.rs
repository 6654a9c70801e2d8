//! Completion from the line being typed, so that it works in documents that do not parse yet:
//! function names with argument snippets and source attributes inside `[` in expressions,
//! source attributes for `source:` and scoping `attribute:`, target attributes for a mapping's
//! `target:` (profile plus `target_attributes`), profile names for the top-level `target:`,
//! rule ids for `rule:` in `allow`, scoping operators for `operator:`.

use super::document::{top_level_value, Document};
use super::Overlay;
use crate::expr::catalogue::{self, Context, Function};
use crate::expr::source::{entra_id, ObjectKind};
use crate::lint::object_context;
use crate::model::{load_str, MappingFile};
use crate::Span;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, Position, TextEdit,
};

/// What the text before the cursor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Want {
    Functions,
    SourceAttributes,
    TargetAttributes,
    Profiles,
    Rules,
    Operators,
}

/// The completions at `position`; `snippets` when the client takes snippet syntax.
pub fn complete(
    document: &Document,
    position: Position,
    snippets: bool,
    overlay: Overlay<'_>,
) -> Vec<CompletionItem> {
    let offset = document.offset(position);
    let Some((want, prefix_len)) = wanted(&document.text, offset) else {
        return Vec::new();
    };
    let replace = document.range(Span::new(offset - prefix_len, offset));
    let item = |label: &str, kind: CompletionItemKind, detail: Option<String>| CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            replace,
            label.to_owned(),
        ))),
        ..CompletionItem::default()
    };
    let object = object_at(&document.text, offset);
    match want {
        Want::Functions => catalogue::functions()
            .filter(|f| f.contexts.contains(Context::AppProvisioning))
            .map(|f| function_item(f, replace, snippets))
            .collect(),
        Want::SourceAttributes => {
            let file = load_str(&document.name(), &document.text).file;
            let mut sources = entra_id().of(object).clone();
            if let Some(file) = &file {
                for decl in file.source_attributes.of(object) {
                    sources.insert(decl.attribute.clone());
                }
            }
            sources
                .attributes()
                .iter()
                .map(|a| {
                    let mut it = item(&a.name, CompletionItemKind::FIELD, Some(a.ty().to_string()));
                    it.documentation = a.note.clone().map(Documentation::String);
                    it
                })
                .collect()
        }
        Want::TargetAttributes => target_attributes(document, object, overlay)
            .into_iter()
            .map(|(name, detail, doc)| {
                let mut it = item(&name, CompletionItemKind::FIELD, Some(detail));
                it.documentation = doc.map(Documentation::String);
                it
            })
            .collect(),
        Want::Profiles => crate::model::profile::built_in_names()
            .map(|name| {
                item(
                    name,
                    CompletionItemKind::MODULE,
                    Some("built-in profile".into()),
                )
            })
            .collect(),
        Want::Rules => crate::diagnostics::rules::RULES
            .iter()
            .filter(|r| !crate::lint::UNSUPPRESSIBLE.contains(&r.id))
            .map(|r| {
                let mut it = item(
                    r.id.as_str(),
                    CompletionItemKind::ENUM_MEMBER,
                    Some(r.summary.into()),
                );
                it.documentation = Some(Documentation::String(r.explanation.to_owned()));
                it
            })
            .collect(),
        Want::Operators => crate::model::scoping::OPERATORS
            .iter()
            .map(|operator| {
                let value = if operator.takes_value {
                    "takes a value"
                } else {
                    "no value"
                };
                let detail = format!("{value}: {}", operator.meaning);
                item(operator.name, CompletionItemKind::OPERATOR, Some(detail))
            })
            .collect(),
    }
}

/// One function as a completion: the name with its required arguments as a snippet.
fn function_item(function: &Function, replace: lsp_types::Range, snippets: bool) -> CompletionItem {
    let (text, format) = if snippets {
        let args: Vec<String> = (0..function.min_args())
            .filter_map(|i| function.param_for(i).map(|p| (i, p)))
            .map(|(i, p)| format!("${{{}:{}}}", i + 1, p.name))
            .collect();
        (
            format!("{}({})$0", function.name, args.join(", ")),
            InsertTextFormat::SNIPPET,
        )
    } else {
        (format!("{}(", function.name), InsertTextFormat::PLAIN_TEXT)
    };
    CompletionItem {
        label: function.name.to_owned(),
        kind: Some(CompletionItemKind::FUNCTION),
        detail: Some(function.signature()),
        documentation: Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: format!(
                "{}\n\ncontexts: {}",
                function.summary,
                function.contexts.names().join(", ")
            ),
        })),
        insert_text_format: Some(format),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(replace, text))),
        ..CompletionItem::default()
    }
}

/// The target attributes of `object`: the profile's (named by the top-level `target:`, read
/// through the overlay) plus the file's `target_attributes` when the file loads.
fn target_attributes(
    document: &Document,
    object: ObjectKind,
    overlay: Overlay<'_>,
) -> Vec<(String, String, Option<String>)> {
    let reference = top_level_value(&document.text, "target")
        .unwrap_or_else(|| crate::model::profile::DEFAULT_PROFILE.to_owned());
    let read = |path: &std::path::Path| overlay.read(path);
    let profile = crate::model::profile::load_with(&reference, document.base_dir(), &read).ok();
    let file: Option<MappingFile> = load_str(&document.name(), &document.text).file;
    let targets = match &file {
        Some(file) => object_context(file, object, profile.as_ref()).targets,
        None => profile.map(|p| p.object(object).clone()),
    };
    targets
        .map(|t| {
            t.attributes()
                .iter()
                .filter(|a| {
                    !a.primary_key && a.mutability != crate::model::profile::Mutability::ReadOnly
                })
                .map(|a| (a.name.clone(), a.ty().to_string(), a.description.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Users or groups: the last top-level `users`/`groups` key before `offset`.
fn object_at(text: &str, offset: usize) -> ObjectKind {
    let before = &text[..offset];
    let last = |keys: [&str; 2]| keys.iter().filter_map(|k| before.rfind(k)).max();
    let users = last(["\nusers:", "\"users\""]);
    let groups = last(["\ngroups:", "\"groups\""]);
    if groups > users {
        ObjectKind::Group
    } else {
        ObjectKind::User
    }
}

/// What to complete at `offset` and how many bytes before it the typed prefix takes.
fn wanted(text: &str, offset: usize) -> Option<(Want, usize)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    if let Some((key, value)) = line_key(line) {
        let indent = line.len() - line.trim_start().len();
        return match key {
            "expression" if double_quoted(line) => {
                expression(&value.replace("\\\\", "\u{0}").replace("\\\"", "\""))
            }
            "expression" => expression(value),
            "target" if indent == 0 => Some((Want::Profiles, value.len())),
            "target" => Some((Want::TargetAttributes, value.len())),
            _ => flow_or_simple(key, value),
        };
    }
    // A flow mapping: `{attribute: x, operator: EQ`.
    let segment = line.rsplit([',', '{']).next().unwrap_or(line);
    if let Some((key, value)) = line_key(segment) {
        return flow_or_simple(key, value);
    }
    // A continuation line of a block scalar expression (`expression: |`).
    let block = block_expression(text, line_start)?;
    expression(&text[block..offset])
}

fn flow_or_simple(key: &str, value: &str) -> Option<(Want, usize)> {
    let want = match key {
        "source" | "attribute" => Want::SourceAttributes,
        "rule" => Want::Rules,
        "operator" => Want::Operators,
        _ => return None,
    };
    Some((want, value.len()))
}

/// Whether the value of a `key: value` line is a double-quoted YAML or JSON string (whose
/// backslash escapes hide the expression's own quotes).
fn double_quoted(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(_, v)| v.trim_start().starts_with('"'))
}

/// A line's `key: value-so-far` (list dash, indentation and quotes removed).
fn line_key(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start();
    let rest = rest.strip_prefix("- ").unwrap_or(rest).trim_start();
    let quoted = rest.starts_with('"');
    let rest = rest.trim_start_matches('"');
    let colon = rest.find(':')?;
    let key = rest[..colon].trim_end_matches('"');
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let value = rest[colon + 1..].trim_start();
    let value = value.strip_prefix(['"', '\'']).unwrap_or(value);
    if !quoted
        && rest[colon + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace())
    {
        return None;
    }
    Some((key, value))
}

/// The offset where the block scalar expression around `line_start` begins: walking up over
/// lines that are not `key:` lines, the first less-indented line is `expression: |` (or `>`).
fn block_expression(text: &str, line_start: usize) -> Option<usize> {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let here = &text[line_start..line_end];
    let mut content_indent = here.len() - here.trim_start().len();
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if !trimmed.is_empty() {
            if let Some((key, value)) = line_key(line) {
                let header = value.split(" #").next().unwrap_or("").trim();
                let is_block = header.starts_with('|') || header.starts_with('>');
                return (key == "expression" && is_block && indent < content_indent).then_some(end);
            }
            content_indent = content_indent.min(indent);
        }
        end = start;
    }
    None
}

/// Completion inside an expression typed so far: attributes after an open `[`, nothing inside
/// a string literal, else function names for the identifier being typed.
fn expression(before: &str) -> Option<(Want, usize)> {
    let mut in_string = false;
    let mut escaped = false;
    let mut open_bracket: Option<usize> = None;
    for (i, c) in before.char_indices() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' => open_bracket = Some(i),
            ']' => open_bracket = None,
            _ => {}
        }
    }
    if in_string {
        return None;
    }
    if let Some(at) = open_bracket {
        return Some((Want::SourceAttributes, before.len() - at - 1));
    }
    let word = before.len()
        - before
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
            .len();
    Some((Want::Functions, word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(text: &str) -> Option<(Want, usize)> {
        wanted(text, text.len())
    }

    #[test]
    fn keys_pick_what_to_complete() {
        assert_eq!(want("target: idm"), Some((Want::Profiles, 3)));
        assert_eq!(
            want("users:\n  - target: dis"),
            Some((Want::TargetAttributes, 3))
        );
        assert_eq!(want("    source: giv"), Some((Want::SourceAttributes, 3)));
        assert_eq!(want("  - rule: unknown-"), Some((Want::Rules, 8)));
        assert_eq!(
            want("    - - {attribute: department, operator: EQ"),
            Some((Want::Operators, 2))
        );
        assert_eq!(
            want("    - - {attribute: dep"),
            Some((Want::SourceAttributes, 3))
        );
        assert_eq!(want("    note: some text"), None);
    }

    #[test]
    fn expressions_complete_functions_attributes_or_nothing() {
        assert_eq!(want("    expression: Jo"), Some((Want::Functions, 2)));
        assert_eq!(
            want("    expression: 'Join(\" \", [giv"),
            Some((Want::SourceAttributes, 3))
        );
        assert_eq!(want("    expression: Join(\"[a"), None, "inside a string");
        assert_eq!(
            want("    expression: Join(\",\", [a], To"),
            Some((Want::Functions, 2))
        );
        assert_eq!(
            want("    \"expression\": \"Join(\\\" \\\", [g"),
            Some((Want::SourceAttributes, 1)),
            "JSON"
        );
        let block = "  - target: x\n    expression: |\n      Join(\" \",\n           [dep";
        assert_eq!(want(block), Some((Want::SourceAttributes, 3)));
        let not_block = "  - target: x\n    note: >\n      Jo";
        assert_eq!(want(not_block), None);
    }

    #[test]
    fn the_object_is_the_last_section_above() {
        let text = "users:\n  - target: a\ngroups:\n  - target: b\n";
        assert_eq!(object_at(text, 10), ObjectKind::User);
        assert_eq!(object_at(text, text.len()), ObjectKind::Group);
    }
}
