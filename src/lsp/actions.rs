//! Code actions and formatting: the certain fixes that findings carry ([`crate::diagnostics::diagnostic::Fix`],
//! the edits a future `lint --fix` can share) as quick fixes, "suppress with a reason" (an `allow` entry on
//! the mapping, or file-wide for findings about the whole file), and `entramap fmt` as
//! document formatting.

use super::diagnostics::{findings, to_lsp};
use super::document::{DocKind, Document};
use super::Overlay;
use crate::diagnostics::{Diagnostic, RuleId};
use crate::model::tree::node::{read_json, Node, NodeKind};
use crate::model::{load_str, Allow, AttributeMapping, FileFormat, MappingFile};
use crate::Span;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};
use std::cell::RefCell;
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

/// The quick fixes and suppressions for the findings that touch `range`: linear in the
/// document and its findings (the document is read once, not once a finding). `cancelled` is
/// asked between findings; when it says yes the work stops and `None` is returned.
pub fn code_actions(
    document: &Document,
    range: Range,
    overlay: Overlay<'_>,
    cancelled: &mut dyn FnMut() -> bool,
) -> Option<Vec<CodeActionOrCommand>> {
    let wanted = document.span(range);
    let found = findings(document, overlay);
    let file = (document.kind() == DocKind::Mapping)
        .then(|| load_str(&document.name(), &document.text).file)
        .flatten();
    let suppressions = file.as_ref().map(|f| Suppressions::new(&document.text, f));
    let mut actions = Vec::new();
    let touching = found
        .iter()
        .filter(|d| d.span.start <= wanted.end && wanted.start <= d.span.end);
    for (i, d) in touching.enumerate() {
        if i % 64 == 0 && cancelled() {
            return None;
        }
        if let Some(fix) = &d.fix {
            actions.push(action(
                document,
                d,
                fix.title.clone(),
                vec![(fix.span, fix.replacement.clone())],
                true,
            ));
        }
        if let Some(edit) = suppressions.as_ref().and_then(|s| s.edit(d)) {
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
    Some(actions)
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

/// What a suppression edit needs of a mapping file, read once for all its findings: the file,
/// whether it has a top-level `allow:` line (YAML), and the JSON tree with each mapping's
/// object by the place of its `target` value.
pub struct Suppressions<'a> {
    text: &'a str,
    file: &'a MappingFile,
    top_level_allow: bool,
    json: Option<Node>,
    json_slots: RefCell<HashMap<Option<String>, Option<JsonSlot>>>,
}

impl<'a> Suppressions<'a> {
    /// Reads `text`, the text `file` was loaded from.
    pub fn new(text: &'a str, file: &'a MappingFile) -> Self {
        let json = (file.format == FileFormat::Json)
            .then(|| read_json(text).ok())
            .flatten();
        Suppressions {
            text,
            file,
            top_level_allow: top_level_key(text, "allow"),
            json,
            json_slots: RefCell::new(HashMap::new()),
        }
    }

    /// The `allow` entry that suppresses `d`: on its mapping when it belongs to one, else
    /// file-wide. In YAML it is inserted in block style (nothing when the `allow` list or the
    /// mapping is written in flow style); in JSON as a last member or list item, on its own
    /// line when the neighbours are on theirs.
    pub fn edit(&self, d: &Diagnostic) -> Option<(Span, String)> {
        let (text, file) = (self.text, self.file);
        if NOT_SUPPRESSIBLE.contains(&d.rule) || crate::lint::UNSUPPRESSIBLE.contains(&d.rule) {
            return None;
        }
        if file.format == FileFormat::Json {
            return json_suppression(text, file, self.json.as_ref()?, &self.json_slots, d);
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
                None if self.top_level_allow => None,
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
        let mapping = mapping_at(file, path)?;
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
}

/// The attribute mapping a finding's path (`users[3]`) names.
fn mapping_at<'a>(file: &'a MappingFile, path: &str) -> Option<&'a AttributeMapping> {
    let (object, index) = path.strip_suffix(']')?.split_once('[')?;
    let kind = crate::expr::source::ObjectKind::ALL
        .into_iter()
        .find(|k| k.plural() == object)?;
    file.object(kind).mappings.get(index.parse::<usize>().ok()?)
}

/// Where a JSON suppression goes for one object: the insertion point, the text before the
/// entry (a comma and the neighbours' spacing), and whether the entry needs a new `"allow"`
/// member around it.
type JsonSlot = (Span, String, bool);

/// The `allow` entry for `d` in a JSON file: a last item of the object's `allow` list, else a
/// last member `"allow": [...]` of the mapping's object (or of the file's). The place is found
/// once per object (`slots`), so that many findings of one object cost one look.
fn json_suppression(
    text: &str,
    file: &MappingFile,
    root: &Node,
    slots: &RefCell<HashMap<Option<String>, Option<JsonSlot>>>,
    d: &Diagnostic,
) -> Option<(Span, String)> {
    let entry = format!(
        "{{\"rule\": {}, \"reason\": {}}}",
        serde_json::Value::from(d.rule.as_str()),
        serde_json::Value::from(REASON_PLACEHOLDER),
    );
    let slot = slots
        .borrow_mut()
        .entry(d.path.clone())
        .or_insert_with(|| json_slot(text, file, root, d.path.as_deref()))
        .clone();
    let (span, before, member) = slot?;
    Some(if member {
        (span, format!("{before}\"allow\": [{entry}]"))
    } else {
        (span, format!("{before}{entry}"))
    })
}

/// Where the suppressions of the object at `path` (the file's when `None`) go.
fn json_slot(text: &str, file: &MappingFile, root: &Node, path: Option<&str>) -> Option<JsonSlot> {
    let object = match path {
        None => root,
        Some(path) => json_mapping(root, path, mapping_at(file, path)?.target.span)?,
    };
    let NodeKind::Map(members) = &object.kind else {
        return None;
    };
    if let Some(allow) = json_member(object, "allow") {
        let NodeKind::Seq(items) = &allow.kind else {
            return None;
        };
        let (span, before) = json_append(text, allow, items.last(), String::new());
        return Some((span, before, false));
    }
    let last = members.last().map(|(key, value)| (key.span.start, value));
    Some(match last {
        None => {
            let (span, before) = json_append(text, object, None, String::new());
            (span, before, true)
        }
        Some((key_start, value)) => {
            let end = json_end(text, value);
            let pad = json_pad(text, key_start);
            (Span::new(end, end), format!(",{pad}"), true)
        }
    })
}

/// The object of the mapping a finding's path (`users[3]`) names in a JSON file (`users` and
/// `groups`, as a list or under `mappings`), if its `target` value is at `target`: found by
/// index, without walking the other mappings.
fn json_mapping<'a>(root: &'a Node, path: &str, target: Span) -> Option<&'a Node> {
    let (object, index) = path.strip_suffix(']')?.split_once('[')?;
    let value = json_member(root, object)?;
    let list = json_member(value, "mappings").unwrap_or(value);
    let NodeKind::Seq(items) = &list.kind else {
        return None;
    };
    items
        .get(index.parse::<usize>().ok()?)
        .filter(|m| json_member(m, "target").is_some_and(|value| value.span == target))
}

/// The value of `key` in a JSON object.
fn json_member<'a>(object: &'a Node, key: &str) -> Option<&'a Node> {
    let NodeKind::Map(members) = &object.kind else {
        return None;
    };
    members
        .iter()
        .find(|(k, _)| matches!(&k.kind, NodeKind::Str(name) if name == key))
        .map(|(_, value)| value)
}

/// `item` added to the collection `list` after its `last` element (first when it is empty).
fn json_append(text: &str, list: &Node, last: Option<&Node>, item: String) -> (Span, String) {
    match last {
        None => {
            let open = list.span.start + 1;
            (Span::new(open, open), item)
        }
        Some(last) => {
            let end = json_end(text, last);
            let pad = json_pad(text, last.span.start);
            (Span::new(end, end), format!(",{pad}{item}"))
        }
    }
}

/// Where a JSON value ends: a scalar's span, a collection's closing bracket (after its last
/// element's end; the reader spans only a collection's opening bracket).
fn json_end(text: &str, node: &Node) -> usize {
    let inner = match &node.kind {
        NodeKind::Seq(items) => items.last().map(|item| json_end(text, item)),
        NodeKind::Map(members) => members.last().map(|(_, value)| json_end(text, value)),
        _ => return node.span.end,
    };
    let after = inner.unwrap_or(node.span.start + 1);
    let rest = &text[after..];
    after + rest.len() - rest.trim_start().len() + 1
}

/// The blank space before the JSON element at `start` (a line break and indentation when it is
/// on its own line), or one space.
fn json_pad(text: &str, start: usize) -> &str {
    let before = &text[..start];
    let pad = &before[before.trim_end().len()..];
    if pad.is_empty() {
        " "
    } else {
        pad
    }
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
    let formatted = crate::canonical::format_source(&document.name(), &document.text).text?;
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

    /// Lints `text` as the file `name`, applies the suppression of its `rule_of` finding, checks
    /// that the finding is now suppressed (and, for a JSON file, that the result is valid JSON)
    /// and returns the edited text.
    fn suppress_in(name: &str, text: &str, rule_of: &str) -> String {
        let report = crate::lint::lint_source(name, text, None);
        let file = load_str(name, text).file.expect("loads");
        let d = report
            .report
            .diagnostics
            .iter()
            .find(|d| d.rule == rule_of)
            .unwrap_or_else(|| panic!("{rule_of} in {:?}", report.report.diagnostics));
        let (span, insert) = Suppressions::new(text, &file).edit(d).expect("an edit");
        let mut out = text.to_owned();
        out.replace_range(span.start..span.end, &insert);
        if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&out)
                .unwrap_or_else(|e| panic!("valid JSON ({e}): {out}"));
        }
        let after = crate::lint::lint_source(name, &out, None);
        assert!(
            after.report.diagnostics.iter().all(|x| x.rule != rule_of),
            "suppressed: {out}"
        );
        assert_eq!(after.suppressed.len(), report.suppressed.len() + 1, "{out}");
        out
    }

    fn suppress(text: &str, rule_of: &str) -> String {
        suppress_in("a.entramap.yaml", text, rule_of)
    }

    fn suppress_json(text: &str, rule_of: &str) -> String {
        suppress_in("a.entramap.json", text, rule_of)
    }

    const JSON_HEAD: &str = r#"{"entramap": 1, "app": "T", "users": [{"target": "userName", "source": "userPrincipalName", "matching_precedence": 1}, {"target": "active", "expression": "Not([IsSoftDeleted])"}"#;

    #[test]
    fn json_mapping_findings_get_an_allow_member() {
        let text = format!(
            r#"{JSON_HEAD}, {{"target": "title", "expression": "Instr([mail], \"@\")"}}]}}"#
        );
        let out = suppress_json(&text, "function-name-case");
        assert!(out.ends_with(r#""expression": "Instr([mail], \"@\")", "allow": [{"rule": "function-name-case", "reason": "<say why this finding is acceptable>"}]}]}"#), "{out}");
    }

    #[test]
    fn json_allow_lists_get_a_last_entry_on_its_own_line() {
        let text = "{\n  \"entramap\": 1,\n  \"app\": \"T\",\n  \"users\": {\n    \"mappings\": [\n      {\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1},\n      {\"target\": \"active\", \"expression\": \"Not([IsSoftDeleted])\"},\n      {\n        \"target\": \"title\",\n        \"expression\": \"Instr(ToLower([proxyAddresses]), \\\"@\\\")\",\n        \"allow\": [\n          {\"rule\": \"multivalue-argument\", \"reason\": \"known\"}\n        ]\n      }\n    ]\n  }\n}\n";
        let out = suppress_json(text, "function-name-case");
        assert!(out.contains("\"known\"},\n          {\"rule\": \"function-name-case\", \"reason\": \"<say why this finding is acceptable>\"}\n        ]"), "{out}");
    }

    #[test]
    fn json_file_findings_get_a_top_level_allow() {
        let text = "{\n  \"entramap\": 1,\n  \"app\": \"T\",\n  \"users\": [\n    {\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1}\n  ]\n}";
        let out = suppress_json(text, "is-soft-deleted-unmapped");
        assert!(out.ends_with("\n  ],\n  \"allow\": [{\"rule\": \"is-soft-deleted-unmapped\", \"reason\": \"<say why this finding is acceptable>\"}]\n}"), "{out}");
        let listed = suppress_json(
            &text.replace("\n  ]\n}", "\n  ],\n  \"allow\": []\n}"),
            "is-soft-deleted-unmapped",
        );
        assert!(listed.ends_with("\"allow\": [{\"rule\": \"is-soft-deleted-unmapped\", \"reason\": \"<say why this finding is acceptable>\"}]\n}"), "{listed}");
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
