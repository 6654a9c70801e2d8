//! Building the [`MappingFile`] model from a located document tree, reporting unknown keys (with
//! "did you mean"), wrong value types, missing keys and conflicting mapping types at their place,
//! and keeping whatever is valid. [`crate::model::tree::node`] reads YAML or JSON into the located
//! tree this reads, [`spans`] maps positions in decoded scalars back to the file.

pub mod spans;

use super::{
    Allow, Apply, AttributeMapping, Clause, FileFormat, Located, MappingFile, MappingKind,
    ObjectMapping, PerObject, Scope, SourceAttributeDecl, TargetAttributeDecl, Text,
    FORMAT_VERSION,
};
use crate::base::encoding::{decode, DecodeError, Encoding, Probable};
use crate::base::fs::{read_limited, ReadError};
use crate::base::text::SourceText;
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::{FileReport, Omitted, MAX_FINDINGS_PER_FILE};
use crate::expr::source::{ByObject, SourceAttribute};
use crate::expr::types::Base;
use crate::model::profile::{ReferencedObject, TargetAttribute};
use crate::model::tree::node::{self, read_json, read_yaml, Node, NodeKind};
use spans::{OffsetMap, ScalarStyle};
use std::path::Path;

/// The largest mapping file read, in bytes.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Reads a mapping file, at most [`MAX_FILE_BYTES`] of a regular file: its text, or a report
/// with the one finding that says why it cannot be read (`file-unreadable`, `input-limit`, or
/// `file-syntax` for bytes that are not text in an encoding entramap reads, located at the first
/// invalid byte when the file is not UTF-8).
pub fn read_mapping_file(path: &Path) -> Result<String, FileReport> {
    read_mapping_file_encoded(path).map(|(text, _)| text)
}

/// [`read_mapping_file`], with the encoding the file was in (so that a rewrite keeps it).
pub fn read_mapping_file_encoded(path: &Path) -> Result<(String, Encoding), FileReport> {
    let name = path.display().to_string();
    let finding = |rule: RuleId, at: usize, message: String, text: String| {
        FileReport::new(
            SourceText::new(name.clone(), text),
            vec![Diagnostic::new(rule, Span::new(at, at), message)],
        )
    };
    let bytes = match read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge { .. }) => {
            return Err(finding(
                RuleId::InputLimit,
                0,
                format!("the file is larger than {MAX_FILE_BYTES} bytes; entramap reads at most {MAX_FILE_BYTES}"),
                String::new(),
            ))
        }
        Err(e) => {
            return Err(finding(
                RuleId::FileUnreadable,
                0,
                format!("cannot read the file: {e}"),
                String::new(),
            ))
        }
    };
    decode(&bytes).map_err(|e| match e {
        DecodeError::NotUtf8 {
            valid_up_to,
            probable: Probable::CodePage,
        } => {
            let (_, mark) = Encoding::sniff(&bytes);
            let valid = String::from_utf8_lossy(&bytes[mark..valid_up_to]).into_owned();
            finding(
                RuleId::FileSyntax,
                valid.len(),
                format!("the file is {e}"),
                valid,
            )
        }
        e => finding(
            RuleId::FileSyntax,
            0,
            format!("the file cannot be read as text: {e}"),
            String::new(),
        ),
    })
}

/// What [`load_str`] found: the model (absent only when the text is not a readable document)
/// and every problem, located in the file.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The model, as far as it could be built.
    pub file: Option<MappingFile>,
    /// Loader findings, at most [`MAX_FINDINGS_PER_FILE`].
    pub diagnostics: Vec<Diagnostic>,
    /// Loader findings past [`MAX_FINDINGS_PER_FILE`], only counted (a file of a few megabytes
    /// can hold a million tiny mistakes).
    pub omitted: Vec<Omitted>,
}

impl Loaded {
    /// The model if the file loaded without an error, else the errors (warnings are dropped).
    pub fn into_valid(self) -> Result<MappingFile, Vec<Diagnostic>> {
        let errors: Vec<Diagnostic> = self
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .collect();
        match self.file {
            Some(file) if errors.is_empty() => Ok(file),
            _ => Err(errors),
        }
    }
}

/// Reads a mapping file's text. `name` picks the syntax (`.json` is JSON, anything else YAML).
pub fn load_str(name: &str, text: &str) -> Loaded {
    crate::base::suggest::budgeted(|| load_in_scope(name, text))
}

/// [`load_str`] inside its suggestion scope.
fn load_in_scope(name: &str, text: &str) -> Loaded {
    let format = FileFormat::of_name(name);
    let fail = |d: Diagnostic| Loaded {
        file: None,
        diagnostics: vec![d],
        omitted: Vec::new(),
    };
    if text.len() > MAX_FILE_BYTES {
        return fail(
            Diagnostic::new(
                RuleId::InputLimit,
                Span::new(0, 0),
                format!(
                    "the file is {} bytes; entramap reads at most {MAX_FILE_BYTES}",
                    text.len()
                ),
            )
            .with_help("split the configuration, or check that this is a mapping file"),
        );
    }
    if text.trim().is_empty() {
        return fail(
            Diagnostic::new(RuleId::FileSyntax, Span::new(0, 0), "the file is empty")
                .with_help("a mapping file starts with `entramap: 1` and `app: <name>`"),
        );
    }
    let root = match format {
        FileFormat::Yaml => read_yaml(text),
        FileFormat::Json => read_json(text),
    };
    let root = match root {
        Ok(root) => root,
        Err(error) => {
            let rule = if error.limit {
                RuleId::InputLimit
            } else {
                RuleId::FileSyntax
            };
            let what = if format == FileFormat::Json {
                "JSON"
            } else {
                "YAML"
            };
            let mut error = error;
            let mut help = None;
            if format == FileFormat::Yaml && !error.limit {
                if let Some((span, message, text_help)) = tab_in_yaml(text, &error) {
                    error.span = span;
                    error.message = message;
                    help = Some(text_help);
                } else {
                    help = quote_inside_quoted_value(text, &error)
                        .or_else(|| colon_in_plain_value(text, error.span.start));
                }
            }
            let mut d = Diagnostic::new(
                rule,
                error.span,
                format!("invalid {what}: {}", error.message),
            )
            .with_primary_label(if error.limit {
                "limit reached here"
            } else {
                "here"
            });
            if let Some(help) = help {
                d = d.with_help(help);
            }
            return fail(d);
        }
    };
    let mut builder = Builder {
        text,
        format,
        diagnostics: Vec::new(),
        omitted: Vec::new(),
    };
    let file = builder.file(&root);
    Loaded {
        file,
        diagnostics: builder.diagnostics,
        omitted: builder.omitted,
    }
}

struct Builder<'a> {
    text: &'a str,
    format: FileFormat,
    diagnostics: Vec<Diagnostic>,
    omitted: Vec<Omitted>,
}

/// The entries of a mapping node, checked against the known keys.
struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node, Span)>,
    span: Span,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, _)| *v)
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, s)| *s)
    }
}

/// The shape of a scoping filter, for the findings that meet a filter of another shape.
const SCOPING_SHAPE: &str = "a filter is `users: {scoping: [[clause, ...], ...], mappings: [...]}`: a list of clause groups (OR between groups), each a list of clauses (AND inside one), each clause `{attribute: department, operator: EQUALS, value: Sales}`; see examples/scoped.entramap.yaml";

const TOP_KEYS: &[&str] = &[
    "entramap",
    "app",
    "target",
    "scope",
    "target_directory",
    "source_attributes",
    "target_attributes",
    "users",
    "groups",
    "allow",
];
const OBJECT_KEYS: &[&str] = &["enabled", "scoping", "mappings"];
const MAPPING_KEYS: &[&str] = &[
    "target",
    "source",
    "expression",
    "constant",
    "default",
    "matching_precedence",
    "apply",
    "note",
    "allow",
];
const KIND_KEYS: &[&str] = &["source", "expression", "constant"];
const CLAUSE_KEYS: &[&str] = &["attribute", "operator", "value"];
const ALLOW_KEYS: &[&str] = &["rule", "reason"];
const PER_OBJECT_KEYS: &[&str] = &["users", "groups"];
const SOURCE_ATTRIBUTE_KEYS: &[&str] = &["name", "type", "multivalued"];
const TARGET_ATTRIBUTE_KEYS: &[&str] = &[
    "name",
    "type",
    "required",
    "multivalued",
    "case_exact",
    "primary_key",
    "referenced_object",
];

impl Builder<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        if self.diagnostics.len() < MAX_FINDINGS_PER_FILE {
            self.diagnostics.push(diagnostic);
            return;
        }
        match self
            .omitted
            .iter_mut()
            .find(|o| o.rule == diagnostic.rule && o.severity == diagnostic.severity)
        {
            Some(o) => o.count += 1,
            None => self.omitted.push(Omitted {
                rule: diagnostic.rule,
                severity: diagnostic.severity,
                count: 1,
            }),
        }
    }

    fn wrong_type(&mut self, node: &Node, key: &str, expected: &str) {
        self.push(Self::wrong_type_finding(node, key, expected));
    }

    fn wrong_type_finding(node: &Node, key: &str, expected: &str) -> Diagnostic {
        Diagnostic::new(
            RuleId::InvalidValue,
            node.span,
            format!("`{key}` must be {expected}, not {}", node.kind.describe()),
        )
        .with_primary_label(format!("expected {expected}"))
    }

    /// The entries of a mapping, reporting non-mappings, unknown and duplicate keys.
    fn fields<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Fields<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let mut fields = Fields {
            entries: Vec::new(),
            span: node.span,
        };
        for (key, value) in entries {
            let NodeKind::Str(name) = &key.kind else {
                self.push(Diagnostic::new(
                    RuleId::UnknownKey,
                    key.span,
                    format!("keys of `{what}` are names, not {}", key.kind.describe()),
                ));
                continue;
            };
            if !known.contains(&name.as_str()) {
                let mut d = Diagnostic::new(
                    RuleId::UnknownKey,
                    key.span,
                    format!("unknown key `{name}` in `{what}`"),
                )
                .with_primary_label("not a key of this section");
                let taken = |c: &str| {
                    entries
                        .iter()
                        .any(|(k, _)| matches!(&k.kind, NodeKind::Str(n) if n == c))
                };
                d = d.with_fix(
                    crate::base::suggest::certain(name, known.iter().copied())
                        .filter(|c| !key.aliased && !taken(c))
                        .and_then(|c| {
                            crate::diagnostics::diagnostic::Fix::replace_word(key.span, name, c)
                        }),
                );
                d = match crate::base::suggest::did_you_mean(name, known.iter().copied()) {
                    _ if OBJECT_KEYS.contains(&name.as_str()) && known.contains(&"users") => d
                        .with_help(format!(
                            "`{name}` belongs to an object mapping, not to the file: {SCOPING_SHAPE}"
                        )),
                    Some(hint) => d.with_help(hint),
                    None => d.with_help(format!(
                        "expected one of {}",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                self.push(d);
                continue;
            }
            if let Some(first) = fields.key_span(name) {
                self.push(
                    Diagnostic::new(
                        RuleId::DuplicateKey,
                        key.span,
                        format!("`{name}` is given twice in `{what}`"),
                    )
                    .with_primary_label("again here")
                    .with_label(first, "first here"),
                );
                continue;
            }
            fields.entries.push((name.as_str(), value, key.span));
        }
        Some(fields)
    }

    /// A scalar as text: strings as decoded, other scalars as written in the file.
    fn scalar(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => Some(
                self.text
                    .get(node.span.start..node.span.end)
                    .unwrap_or("")
                    .to_owned(),
            ),
            NodeKind::Seq(items) if key == "expression" => {
                let inner = match items.as_slice() {
                    [Node {
                        kind: NodeKind::Str(name),
                        ..
                    }] => name.clone(),
                    _ => "...".to_owned(),
                };
                self.push(
                    Diagnostic::new(
                        RuleId::InvalidValue,
                        node.span,
                        "`expression` must be a string, not a list",
                    )
                    .with_primary_label("YAML reads `[...]` here as a list")
                    .with_help(format!(
                        "to copy an attribute as it is, write `source: {inner}` (a Direct mapping); to keep the brackets of an expression, put it in single quotes: `expression: '[{inner}]'`"
                    )),
                );
                None
            }
            _ => {
                self.wrong_type(node, key, "a string");
                None
            }
        }
    }

    fn string(&mut self, node: &Node, key: &str) -> Option<Located<String>> {
        self.scalar(node, key).map(|s| Located::new(s, node.span))
    }

    fn text_value(&mut self, node: &Node, key: &str) -> Option<Text> {
        let value = self.scalar(node, key)?;
        let offsets = match (&node.kind, self.format) {
            (NodeKind::Str(_), FileFormat::Json) => {
                OffsetMap::new(&value, self.text, node.span.start, ScalarStyle::Json)
            }
            (NodeKind::Str(_), FileFormat::Yaml) => {
                let style = ScalarStyle::of_yaml(self.text.get(node.span.start..).unwrap_or(""));
                OffsetMap::new(&value, self.text, node.span.start, style)
            }
            _ => OffsetMap::verbatim(node.span.start),
        };
        Some(Text {
            value,
            span: node.span,
            offsets,
        })
    }

    fn boolean(&mut self, node: &Node, key: &str) -> Option<bool> {
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, key, "`true` or `false`");
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, key: &str) -> Option<Located<i64>> {
        match node.kind {
            NodeKind::Int(n) => Some(Located::new(n, node.span)),
            _ => {
                self.wrong_type(node, key, "a whole number");
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        node: &Node,
        key: &str,
        choices: &[(&str, T)],
    ) -> Option<Located<T>> {
        let value = self.scalar(node, key)?;
        if let Some((_, v)) = choices.iter().find(|(n, _)| *n == value) {
            return Some(Located::new(*v, node.span));
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        let mut d = Diagnostic::new(
            RuleId::InvalidValue,
            node.span,
            format!("`{value}` is not a valid `{key}`"),
        )
        .with_primary_label(format!("expected {}", names.join(" or ")));
        if let Some(hint) = crate::base::suggest::did_you_mean(&value, names.iter().copied()) {
            d = d.with_help(hint);
        }
        self.push(d);
        None
    }

    fn list<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.wrong_type(node, key, "a list");
                &[]
            }
        }
    }

    fn missing(&mut self, span: Span, key: &str, what: &str) {
        self.push(
            Diagnostic::new(
                RuleId::MissingKey,
                Span::new(span.start, span.start),
                format!("`{what}` needs `{key}`"),
            )
            .with_primary_label(format!("`{key}` missing")),
        );
    }

    fn file(&mut self, root: &Node) -> Option<MappingFile> {
        let top = self.fields(root, "the mapping file", TOP_KEYS)?;
        let version = top
            .get("entramap")
            .and_then(|n| self.integer(n, "entramap"));
        match &version {
            None if top.get("entramap").is_none() => self.push(
                Diagnostic::new(RuleId::MissingKey, Span::new(0, 0), "the file does not start with `entramap: 1`")
                    .with_help("add `entramap: 1` as the first key: it marks the file as an entramap mapping file of format version 1"),
            ),
            Some(v) if v.value != FORMAT_VERSION => self.push(
                Diagnostic::new(RuleId::UnsupportedVersion, v.span, format!("format version {} is not supported", v.value))
                    .with_primary_label("expected 1")
                    .with_help("this entramap reads `entramap: 1`"),
            ),
            _ => {}
        }
        let app = top.get("app").and_then(|n| self.string(n, "app"));
        if top.get("app").is_none() {
            self.missing(top.span, "app", "the mapping file");
        }
        let target = top.get("target").and_then(|n| self.string(n, "target"));
        let scope = top.get("scope").and_then(|n| {
            self.choice(
                n,
                "scope",
                &[("assigned", Scope::Assigned), ("all", Scope::All)],
            )
        });
        let target_directory = top
            .get("target_directory")
            .and_then(|n| self.string(n, "target_directory"));
        let source_attributes = top
            .get("source_attributes")
            .map(|n| self.per_object(n, "source_attributes", Self::source_attribute))
            .unwrap_or_default();
        let target_attributes = top
            .get("target_attributes")
            .map(|n| self.per_object(n, "target_attributes", Self::target_attribute))
            .unwrap_or_default();
        let users = top
            .get("users")
            .map(|n| self.object(n, "users"))
            .unwrap_or_else(absent);
        let groups = top
            .get("groups")
            .map(|n| self.object(n, "groups"))
            .unwrap_or_else(absent);
        let allow = top.get("allow").map(|n| self.allows(n)).unwrap_or_default();
        Some(MappingFile {
            format: self.format,
            version,
            app,
            target,
            scope,
            target_directory,
            source_attributes,
            target_attributes,
            objects: ByObject { users, groups },
            allow,
        })
    }

    fn per_object<T>(
        &mut self,
        node: &Node,
        key: &str,
        item: fn(&mut Self, &Node, &str) -> Option<T>,
    ) -> PerObject<T> {
        let mut out = PerObject::default();
        let Some(fields) = self.fields(node, key, PER_OBJECT_KEYS) else {
            return out;
        };
        for (object, list) in [("users", &mut out.users), ("groups", &mut out.groups)] {
            if let Some(n) = fields.get(object) {
                let path = format!("{key}.{object}");
                for entry in self.list(n, &path) {
                    if let Some(v) = item(self, entry, &path) {
                        list.push(v);
                    }
                }
            }
        }
        out
    }

    fn base(&mut self, node: &Node, key: &str) -> Option<Base> {
        let value = self.scalar(node, key)?;
        if let Some(base) = Base::parse(&value) {
            return Some(base);
        }
        let names = [
            "String",
            "Integer",
            "Boolean",
            "DateTime",
            "Reference",
            "Binary",
        ];
        let mut d = Diagnostic::new(
            RuleId::InvalidValue,
            node.span,
            format!("`{value}` is not a type"),
        )
        .with_primary_label(format!("expected one of {}", names.join(", ")));
        if let Some(hint) = crate::base::suggest::did_you_mean(&value, names) {
            d = d.with_help(hint);
        }
        self.push(d);
        None
    }

    fn source_attribute(&mut self, node: &Node, key: &str) -> Option<SourceAttributeDecl> {
        let fields = self.fields(node, key, SOURCE_ATTRIBUTE_KEYS)?;
        let Some(name_node) = fields.get("name") else {
            self.missing(node.span, "name", key);
            return None;
        };
        let name = self.string(name_node, "name")?;
        let base = fields
            .get("type")
            .and_then(|n| self.base(n, "type"))
            .unwrap_or(Base::String);
        let multivalued = fields
            .get("multivalued")
            .and_then(|n| self.boolean(n, "multivalued"))
            .unwrap_or(false);
        Some(SourceAttributeDecl {
            attribute: SourceAttribute {
                name: name.value,
                base,
                multivalued,
                scoping: !multivalued,
                note: None,
            },
            name_span: name.span,
            span: node.span,
        })
    }

    fn target_attribute(&mut self, node: &Node, key: &str) -> Option<TargetAttributeDecl> {
        let fields = self.fields(node, key, TARGET_ATTRIBUTE_KEYS)?;
        let Some(name_node) = fields.get("name") else {
            self.missing(node.span, "name", key);
            return None;
        };
        let name = self.text_value(name_node, "name")?;
        let mut attribute = TargetAttribute::named(name.value.clone(), Base::String);
        if let Some(base) = fields.get("type").and_then(|n| self.base(n, "type")) {
            attribute.base = base;
        }
        for (flag, slot) in [
            ("required", &mut attribute.required),
            ("multivalued", &mut attribute.multivalued),
            ("case_exact", &mut attribute.case_exact),
            ("primary_key", &mut attribute.primary_key),
        ] {
            if let Some(v) = fields.get(flag).and_then(|n| self.boolean(n, flag)) {
                *slot = v;
            }
        }
        if attribute.base == Base::String {
            let kind = if key.ends_with("groups") {
                crate::expr::source::ObjectKind::Group
            } else {
                crate::expr::source::ObjectKind::User
            };
            attribute.sub_attributes = crate::model::profile::rfc7643_parts(kind, &name.value);
        }
        attribute.referenced_object = fields.get("referenced_object").and_then(|n| {
            self.choice(
                n,
                "referenced_object",
                &[
                    ("User", ReferencedObject::User),
                    ("Group", ReferencedObject::Group),
                ],
            )
            .map(|l| l.value)
        });
        Some(TargetAttributeDecl {
            attribute,
            name,
            type_span: fields.get("type").map(|n| n.span),
            multivalued_span: fields.get("multivalued").map(|n| n.span),
            span: node.span,
        })
    }

    fn allows(&mut self, node: &Node) -> Vec<Allow> {
        let mut out = Vec::new();
        for entry in self.list(node, "allow") {
            let Some(fields) = self.fields(entry, "allow", ALLOW_KEYS) else {
                continue;
            };
            let rule = fields.get("rule").and_then(|n| self.string(n, "rule"));
            let reason = fields.get("reason").and_then(|n| self.string(n, "reason"));
            if fields.get("rule").is_none() {
                self.missing(entry.span, "rule", "allow");
            }
            match reason {
                Some(reason) if !reason.value.trim().is_empty() => {
                    if let Some(rule) = rule {
                        out.push(Allow {
                            rule,
                            reason,
                            span: entry.span,
                        });
                    }
                }
                Some(reason) => self.push(
                    Diagnostic::new(
                        RuleId::MissingKey,
                        reason.span,
                        "a suppression needs a reason",
                    )
                    .with_help("say why the finding does not apply"),
                ),
                None => {
                    if fields.get("reason").is_none() {
                        self.push(
                            Diagnostic::new(RuleId::MissingKey, Span::new(entry.span.start, entry.span.start), "a suppression needs a `reason`")
                                .with_help("write `{rule: ..., reason: ...}`: say why the finding does not apply"),
                        );
                    }
                }
            }
        }
        out
    }

    fn object(&mut self, node: &Node, key: &str) -> ObjectMapping {
        let mut object = ObjectMapping {
            present: true,
            enabled: true,
            span: node.span,
            ..ObjectMapping::default()
        };
        match &node.kind {
            NodeKind::Seq(_) | NodeKind::Null => object.mappings = self.mappings(node, key),
            NodeKind::Map(_) => {
                let Some(fields) = self.fields(node, key, OBJECT_KEYS) else { return object };
                if let Some(n) = fields.get("enabled") {
                    object.enabled = self.boolean(n, "enabled").unwrap_or(true);
                    object.enabled_span = Some(n.span);
                }
                if let Some(n) = fields.get("scoping") {
                    object.scoping = self.scoping(n, key);
                }
                if let Some(n) = fields.get("mappings") {
                    object.mappings = self.mappings(n, &format!("{key}.mappings"));
                }
            }
            _ => self.wrong_type(node, key, "a list of attribute mappings, or a mapping with `enabled`, `scoping` and `mappings`"),
        }
        object
    }

    fn scoping(&mut self, node: &Node, key: &str) -> Vec<Vec<Clause>> {
        let mut groups = Vec::new();
        for group in self.list(node, "scoping") {
            let mut clauses = Vec::new();
            let items = match &group.kind {
                NodeKind::Seq(items) => items.as_slice(),
                NodeKind::Map(_) => {
                    let d = Self::wrong_type_finding(
                        group,
                        "scoping",
                        "a list of clause groups (each a list of clauses)",
                    )
                    .with_help(format!(
                        "this clause needs a clause group around it (`- - attribute: ...`): {SCOPING_SHAPE}"
                    ));
                    self.push(d);
                    continue;
                }
                _ => {
                    let d = Self::wrong_type_finding(
                        group,
                        "scoping",
                        "a list of clause groups (each a list of clauses)",
                    )
                    .with_help(SCOPING_SHAPE);
                    self.push(d);
                    continue;
                }
            };
            for item in items {
                let Some(fields) = self.fields(item, &format!("{key}.scoping"), CLAUSE_KEYS) else {
                    continue;
                };
                let attribute = fields
                    .get("attribute")
                    .and_then(|n| self.string(n, "attribute"));
                let operator = fields
                    .get("operator")
                    .and_then(|n| self.string(n, "operator"));
                let value = fields.get("value").and_then(|n| match n.kind {
                    NodeKind::Null => None,
                    _ => self.string(n, "value"),
                });
                for (k, present) in [
                    ("attribute", attribute.is_some()),
                    ("operator", operator.is_some()),
                ] {
                    if !present && fields.get(k).is_none() {
                        self.missing(item.span, k, "a scoping clause");
                    }
                }
                if let (Some(attribute), Some(operator)) = (attribute, operator) {
                    clauses.push(Clause {
                        attribute,
                        operator,
                        value,
                        span: item.span,
                    });
                }
            }
            groups.push(clauses);
        }
        groups
    }

    fn mappings(&mut self, node: &Node, key: &str) -> Vec<AttributeMapping> {
        let items = self.list(node, key);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(mapping) = self.mapping(item, key) {
                out.push(mapping);
            }
        }
        out
    }

    fn mapping(&mut self, node: &Node, key: &str) -> Option<AttributeMapping> {
        let fields = self.fields(node, key, MAPPING_KEYS)?;
        let Some(target_node) = fields.get("target") else {
            self.missing(node.span, "target", "an attribute mapping");
            return None;
        };
        let target = self.text_value(target_node, "target")?;
        let given: Vec<&str> = KIND_KEYS
            .iter()
            .copied()
            .filter(|k| fields.get(k).is_some())
            .collect();
        let kind = match given.as_slice() {
            [] => {
                self.push(
                    Diagnostic::new(
                        RuleId::MissingKey,
                        target.span,
                        format!("the mapping to `{}` has no value", target.value),
                    )
                    .with_primary_label("no source, expression or constant")
                    .with_help(
                        "add exactly one of `source:` (Direct), `expression:` or `constant:`",
                    ),
                );
                None
            }
            [one] => self.kind(one, fields.get(one)),
            [first, rest @ ..] => {
                let mut d = Diagnostic::new(
                    RuleId::ConflictingMappingTypes,
                    fields.key_span(rest[0]).unwrap_or(node.span),
                    format!(
                        "the mapping to `{}` has both `{first}` and `{}`",
                        target.value, rest[0]
                    ),
                )
                .with_primary_label("second mapping type")
                .with_help(
                    "an attribute mapping has exactly one of `source`, `expression` and `constant`",
                );
                if let Some(span) = fields.key_span(first) {
                    d = d.with_label(span, "first mapping type");
                }
                self.push(d);
                self.kind(first, fields.get(first))
            }
        };
        let default = fields
            .get("default")
            .and_then(|n| self.string(n, "default"));
        let matching_precedence = fields
            .get("matching_precedence")
            .and_then(|n| self.integer(n, "matching_precedence"));
        let apply = fields
            .get("apply")
            .and_then(|n| {
                self.choice(
                    n,
                    "apply",
                    &[("always", Apply::Always), ("on-create", Apply::OnCreate)],
                )
            })
            .unwrap_or(Located::new(Apply::Always, target.span));
        let note = fields.get("note").and_then(|n| self.string(n, "note"));
        let allow = fields
            .get("allow")
            .map(|n| self.allows(n))
            .unwrap_or_default();
        Some(AttributeMapping {
            target,
            kind,
            default,
            matching_precedence,
            apply,
            note,
            allow,
            span: node.span,
        })
    }

    fn kind(&mut self, key: &str, node: Option<&Node>) -> Option<MappingKind> {
        let text = self.text_value(node?, key)?;
        Some(match key {
            "source" => MappingKind::Direct(text),
            "constant" => MappingKind::Constant(text),
            _ => {
                let expr = crate::expr::syntax::parse(&text.value).ok();
                MappingKind::Expression { text, expr }
            }
        })
    }
}

/// Help for a YAML error on a line like `expression: Join(": ", [a], [b])`: a plain (unquoted)
/// value that contains `: `, which YAML reads as the start of another key. Suggests the same
/// line with the value in single quotes.
/// A tab the YAML reader met (it reports the scalar it was reading, often on the line before):
/// the tab's own place, a message without the reader's stale position, and the fix.
fn tab_in_yaml(text: &str, error: &node::SyntaxError) -> Option<(Span, String, String)> {
    if !error.message.contains("tab") {
        return None;
    }
    let at = error.span.start + text.get(error.span.start..)?.find('\t')?;
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indentation = text[line_start..at].chars().all(char::is_whitespace);
    let (message, help) = if indentation {
        (
            format!("a tab in the indentation of line {line}"),
            format!("YAML indents with spaces only: replace the tab at the start of line {line} with spaces"),
        )
    } else {
        (
            format!("a tab on line {line} where YAML does not allow one"),
            format!(
                "replace the tab on line {line} with a space, or quote the value that holds it"
            ),
        )
    };
    Some((Span::new(at, at + 1), message, help))
}

/// A quoted value that ends early because its own quote appears inside it
/// (`'Join(' ', [givenName])'`): the fix, written for that value.
fn quote_inside_quoted_value(text: &str, error: &node::SyntaxError) -> Option<String> {
    let quote = if error.message.contains("after single-quoted scalar") {
        '\''
    } else if error.message.contains("after double-quoted scalar") {
        '"'
    } else {
        return None;
    };
    let offset = error.span.start;
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim_end_matches('\r');
    let body = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, value) = body.split_once(": ")?;
    let inner = value.trim().strip_prefix(quote)?.strip_suffix(quote)?;
    Some(if quote == '\'' {
        format!(
            "the value is in single quotes and contains a single quote, which ends it early; inside single quotes write each one twice (`{key}: '{}'`), or, in an expression, write strings with double quotes (`{key}: '{}'`)",
            inner.replace('\'', "''"),
            inner.replace('\'', "\"")
        )
    } else {
        format!(
            "the value is in double quotes and contains a double quote, which ends it early; put the value in single quotes instead (`{key}: '{}'`)",
            inner.replace('\'', "''")
        )
    })
}

fn colon_in_plain_value(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim_end_matches('\r');
    let body = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, value) = body.split_once(": ")?;
    let value = value.trim();
    let plain_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let quoted = value.starts_with(['\'', '"', '|', '>']);
    if !plain_key || quoted || !value.contains(": ") || value.contains(" #") {
        return None;
    }
    Some(format!(
        "the value of `{key}` contains `: `, which YAML reads as the start of another key; put the whole value in single quotes: `{key}: '{}'`",
        value.replace('\'', "''")
    ))
}

fn absent() -> ObjectMapping {
    ObjectMapping {
        enabled: true,
        ..ObjectMapping::default()
    }
}
