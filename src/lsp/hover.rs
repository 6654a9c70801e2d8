//! Hover: a function's signature, contexts and summary from the catalogue; a source
//! attribute's type and note; a target attribute's type, multi-valuedness and constraints; a
//! rule's explanation; the profile; the value type of the sub-expression under the cursor.

use super::cursor::{at, At, Model};
use super::diagnostics::findings;
use super::document::Document;
use super::Overlay;
use crate::expr::catalogue::{self, Context};
use crate::expr::source::ObjectKind;
use crate::lint::object_context;
use crate::model::profile::{Mutability, TargetAttribute};
use crate::Span;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use std::fmt::Write as _;

/// The hover at `position`, if there is something to say: about what is under the cursor,
/// else the explanation of the finding there (`entramap explain`).
pub fn hover(document: &Document, position: Position, overlay: Overlay<'_>) -> Option<Hover> {
    let offset = document.offset(position);
    Model::load(document, overlay)
        .and_then(|model| hover_model(document, &model, offset))
        .or_else(|| hover_finding(document, offset, overlay))
}

fn markdown(document: &Document, text: String, span: Span) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(document.range(span)),
    }
}

/// The explanation of the rule of the first finding at `offset`.
fn hover_finding(document: &Document, offset: usize, overlay: Overlay<'_>) -> Option<Hover> {
    let found = findings(document, overlay);
    let d = found
        .iter()
        .find(|d| d.span.start <= offset && offset <= d.span.end)?;
    Some(markdown(document, rule(d.rule.as_str())?, d.span))
}

fn hover_model(document: &Document, model: &Model, offset: usize) -> Option<Hover> {
    let found = at(model, offset)?;
    let (text, span) = match &found {
        At::Function { name, span } => (function(name)?, *span),
        At::SourceAttribute { object, name, span } => {
            (source_attribute(model, *object, name)?, *span)
        }
        At::TargetAttribute { object, name, span } => {
            (target_attribute(model, *object, name)?, *span)
        }
        At::Rule { id, span } => (rule(id)?, *span),
        At::Profile { span, .. } => (profile(model)?, *span),
        At::Value { ty, text, span } => (
            format!("```\n{}\n```\nvalue type: **{ty}**", one_line(text)),
            *span,
        ),
    };
    Some(markdown(document, text, span))
}

/// A function's hover text: signature, summary, contexts, reference link; for a Connect Sync
/// name, what to use instead.
pub fn function(name: &str) -> Option<String> {
    let canonical = catalogue::names().find(|n| n.eq_ignore_ascii_case(name));
    let Some(function) = canonical.and_then(|n| catalogue::lookup(n, Context::AppProvisioning))
    else {
        let (known, advice) = catalogue::CONNECT_SYNC_ONLY
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        return Some(format!(
            "**{known}** exists only in Entra Connect Sync, not in provisioning expressions: {advice}"
        ));
    };
    let mut text = format!(
        "```\n{}\n```\n{}\n\ncontexts: {}",
        function.signature(),
        function.summary,
        function.contexts.names().join(", ")
    );
    if !function.documented {
        text.push_str("\n\nnot documented by Microsoft");
    }
    let _ = write!(text, "\n\n[Microsoft's reference]({})", function.doc);
    Some(text)
}

fn source_attribute(model: &Model, object: ObjectKind, name: &str) -> Option<String> {
    let context = object_context(&model.file, object, model.profile.as_ref());
    let attribute = context.sources.get(name)?;
    let mut text = format!(
        "**{}**: {} ({} source attribute)",
        attribute.name,
        attribute.ty(),
        object.as_str()
    );
    if !attribute.scoping {
        text.push_str("\n\nnot allowed in scoping filters");
    }
    if let Some(note) = &attribute.note {
        let _ = write!(text, "\n\n{note}");
    }
    if model
        .file
        .source_attributes
        .of(object)
        .iter()
        .any(|d| d.attribute.name == name)
    {
        text.push_str("\n\ndeclared in this file's `source_attributes`");
    }
    Some(text)
}

fn target_attribute(model: &Model, object: ObjectKind, name: &str) -> Option<String> {
    let context = object_context(&model.file, object, model.profile.as_ref());
    let attribute = context.targets.as_ref()?.get(name)?;
    let declared = model
        .file
        .target_attributes
        .of(object)
        .iter()
        .any(|d| d.attribute.name == name);
    let origin = match (&model.profile, declared) {
        (_, true) => "declared in this file's `target_attributes`".to_owned(),
        (Some(profile), false) => format!("from the `{}` profile", profile.name),
        (None, false) => String::new(),
    };
    Some(describe_target(attribute, object, &origin))
}

/// A target attribute's type, multi-valuedness and constraints, as hover shows them.
pub fn describe_target(attribute: &TargetAttribute, object: ObjectKind, origin: &str) -> String {
    let mut text = format!(
        "**{}**: {} ({} target attribute{})",
        attribute.name,
        attribute.ty(),
        object.as_str(),
        if origin.is_empty() {
            String::new()
        } else {
            format!(", {origin}")
        }
    );
    let mut facts = Vec::new();
    let flags = [
        (attribute.multivalued, "multi-valued"),
        (attribute.required, "required"),
        (attribute.primary_key, "primary key: never a mapping target"),
        (attribute.case_exact, "case-exact"),
        (
            attribute.filterable,
            "filterable: may be a matching attribute",
        ),
        (
            attribute.unique,
            "unique among the service provider's objects",
        ),
    ];
    facts.extend(
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, f)| (*f).to_owned()),
    );
    match attribute.mutability {
        Mutability::ReadWrite => {}
        Mutability::ReadOnly => facts.push("read-only: never a mapping target".to_owned()),
        Mutability::Immutable => facts.push("immutable: written once, on create".to_owned()),
        Mutability::WriteOnly => facts.push("write-only: never returned".to_owned()),
    }
    if let Some(object) = attribute.referenced_object {
        facts.push(format!("references a {object:?}").to_lowercase());
    }
    if let Some(max) = attribute.max_length {
        facts.push(format!("at most {max} characters"));
    }
    if let Some(pattern) = &attribute.pattern {
        facts.push(format!("values match `{pattern}`"));
    }
    for fact in facts {
        let _ = write!(text, "\n- {fact}");
    }
    if let Some(description) = &attribute.description {
        let _ = write!(text, "\n\n{description}");
    }
    text
}

/// A rule's explanation, as `entramap explain` prints it.
pub fn rule(id: &str) -> Option<String> {
    let rule = id.parse::<crate::diagnostics::RuleId>().ok()?.rule();
    Some(format!(
        "**{}** ({})\n\n{}\n\n{}\n\nBad:\n```\n{}\n```\nFixed:\n```\n{}\n```",
        rule.id, rule.severity, rule.summary, rule.explanation, rule.bad, rule.good
    ))
}

fn profile(model: &Model) -> Option<String> {
    let profile = model.profile.as_ref()?;
    let mut text = format!("**{}** target profile", profile.name);
    if let Some(title) = &profile.title {
        let _ = write!(text, ": {title}");
    }
    let _ = write!(
        text,
        "\n\n{} user and {} group attributes",
        profile.objects.users.attributes().len(),
        profile.objects.groups.attributes().len()
    );
    Some(text)
}

/// An expression's text on one line, for a code block.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
