//! What is under the cursor in a mapping file that loads: a function, a source or target
//! attribute, a rule id, the profile, or a sub-expression with its value type.

use super::document::Document;
use super::Overlay;
use crate::expr::catalogue::Context;
use crate::expr::checker::{check, Attributes, CheckOptions};
use crate::expr::source::ObjectKind;
use crate::expr::syntax::{Expr, ExprKind};
use crate::expr::types::Type;
use crate::lint::object_context;
use crate::model::profile::{self, Profile};
use crate::model::{load_str, MappingFile, MappingKind, Text};
use crate::Span;

/// A mapping file with its profile, as far as they load.
pub struct Model {
    /// The file model.
    pub file: MappingFile,
    /// The target profile, when it resolves.
    pub profile: Option<Profile>,
}

impl Model {
    /// The model of a mapping document, when it loads at all.
    pub fn load(document: &Document, overlay: Overlay<'_>) -> Option<Model> {
        let file = load_str(&document.name(), &document.text).file?;
        let read = |path: &std::path::Path| overlay.read(path);
        let profile = profile::load_with(file.target_profile(), document.base_dir(), &read).ok();
        Some(Model { file, profile })
    }
}

/// What a position points at.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// A function name in an expression (as written).
    Function {
        /// The name as written.
        name: String,
        /// Where it is in the file.
        span: Span,
    },
    /// A source attribute: `[name]` in an expression, a Direct mapping's `source:`, a scoping
    /// clause's attribute or a `source_attributes` declaration.
    SourceAttribute {
        /// Users or groups.
        object: ObjectKind,
        /// The attribute name.
        name: String,
        /// Where it is in the file.
        span: Span,
    },
    /// A mapping's `target:` or a `target_attributes` declaration.
    TargetAttribute {
        /// Users or groups.
        object: ObjectKind,
        /// The attribute name.
        name: String,
        /// Where it is in the file.
        span: Span,
    },
    /// A rule id in an `allow` entry.
    Rule {
        /// The id as written.
        id: String,
        /// Where it is in the file.
        span: Span,
    },
    /// The file's top-level `target:` (the profile).
    Profile {
        /// The reference as written.
        reference: String,
        /// Where it is in the file.
        span: Span,
    },
    /// Any other part of an expression: its value type.
    Value {
        /// The sub-expression's inferred type.
        ty: Type,
        /// Its text.
        text: String,
        /// Where it is in the file.
        span: Span,
    },
}

fn contains(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// What `offset` points at in `model`'s file.
pub fn at(model: &Model, offset: usize) -> Option<At> {
    let file = &model.file;
    if let Some(target) = file.target.as_ref().filter(|t| contains(t.span, offset)) {
        return Some(At::Profile {
            reference: target.value.clone(),
            span: target.span,
        });
    }
    let allows = file
        .allow
        .iter()
        .chain(file.mappings().flat_map(|m| &m.allow));
    for allow in allows {
        if contains(allow.rule.span, offset) {
            return Some(At::Rule {
                id: allow.rule.value.clone(),
                span: allow.rule.span,
            });
        }
    }
    for object in [ObjectKind::User, ObjectKind::Group] {
        if let Some(found) = in_object(model, object, offset) {
            return Some(found);
        }
    }
    None
}

fn in_object(model: &Model, object: ObjectKind, offset: usize) -> Option<At> {
    let file = &model.file;
    let source = |name: &str, span: Span| At::SourceAttribute {
        object,
        name: name.to_owned(),
        span,
    };
    for decl in file.source_attributes.of(object) {
        if contains(decl.name_span, offset) {
            return Some(source(&decl.attribute.name, decl.name_span));
        }
    }
    for decl in file.target_attributes.of(object) {
        if contains(decl.name.span, offset) {
            return Some(At::TargetAttribute {
                object,
                name: decl.name.value.clone(),
                span: decl.name.span,
            });
        }
    }
    let mapping = file.object(object);
    for clause in mapping.scoping.iter().flatten() {
        if contains(clause.attribute.span, offset) {
            return Some(source(&clause.attribute.value, clause.attribute.span));
        }
    }
    for m in &mapping.mappings {
        if contains(m.target.span, offset) {
            return Some(At::TargetAttribute {
                object,
                name: m.target.value.clone(),
                span: m.target.span,
            });
        }
        match &m.kind {
            Some(MappingKind::Direct(text)) if contains(text.span, offset) => {
                return Some(source(&text.value, text.span));
            }
            Some(MappingKind::Expression {
                text,
                expr: Some(expr),
            }) if contains(text.span, offset) => {
                let inner = decoded_offset(text, offset)?;
                return Some(in_expression(model, object, text, expr, inner));
            }
            _ => {}
        }
    }
    None
}

/// The offset in a string value's decoded text of a file offset inside its scalar.
pub fn decoded_offset(text: &Text, offset: usize) -> Option<usize> {
    let value = &text.value;
    for (i, c) in value.char_indices() {
        let span = text.file_span(Span::new(i, i + c.len_utf8()));
        if offset < span.end {
            return Some(i);
        }
    }
    Some(value.len())
}

fn in_expression(model: &Model, object: ObjectKind, text: &Text, expr: &Expr, inner: usize) -> At {
    let node = innermost(expr, inner);
    let file_span = text.file_span(node.span);
    match &node.kind {
        ExprKind::Call(call) if contains(call.name_span, inner) => At::Function {
            name: call.name.clone(),
            span: text.file_span(call.name_span),
        },
        ExprKind::Attribute(name) => At::SourceAttribute {
            object,
            name: name.clone(),
            span: file_span,
        },
        _ => {
            let context = object_context(&model.file, object, model.profile.as_ref());
            let options = CheckOptions {
                context: Context::AppProvisioning,
                attributes: Attributes::Schema(&context.sources),
                target_type: None,
            };
            At::Value {
                ty: check(node, &options).ty,
                text: text
                    .value
                    .get(node.span.start..node.span.end)
                    .unwrap_or("")
                    .to_owned(),
                span: file_span,
            }
        }
    }
}

/// The innermost node whose span holds `offset` (the node itself when no child does).
fn innermost(expr: &Expr, offset: usize) -> &Expr {
    let mut node = expr;
    loop {
        let child = match &node.kind {
            ExprKind::Call(call) if !contains(call.name_span, offset) => call
                .args
                .iter()
                .filter_map(|a| a.value())
                .find(|e| contains(e.span, offset)),
            ExprKind::Comparison { lhs, rhs, .. } => [lhs, rhs]
                .into_iter()
                .map(|e| &**e)
                .find(|e| contains(e.span, offset)),
            _ => None,
        };
        match child {
            Some(child) => node = child,
            None => return node,
        }
    }
}
