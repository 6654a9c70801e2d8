//! Matching attributes: precedences and what they are computed from.

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::source::ObjectKind;
use crate::lint::{CheckContext, MappingRef, ObjectContext, Sink};
use crate::model::{AttributeMapping, MappingKind};
use std::collections::HashMap;

pub(super) fn matching(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        let mut precedences: HashMap<i64, Span> = HashMap::new();
        let mut any = false;
        for (at, mapping) in object.mappings() {
            let Some(precedence) = &mapping.matching_precedence else {
                continue;
            };
            any = true;
            if precedence.value <= 0 {
                sink.mapping(
                    at,
                    Diagnostic::new(RuleId::MatchingPrecedenceInvalid, precedence.span, format!("matching precedence {} is not positive", precedence.value))
                        .with_primary_label("must be 1 or more")
                        .with_help("precedence 1 is tried first; remove `matching_precedence` if this is not a matching attribute"),
                );
            } else if let Some(first) = precedences.get(&precedence.value) {
                sink.mapping(
                    at,
                    Diagnostic::new(
                        RuleId::MatchingPrecedenceDuplicate,
                        precedence.span,
                        format!("matching precedence {} is used twice in {}", precedence.value, object.kind.plural()),
                    )
                    .with_primary_label("same precedence again")
                    .with_label(*first, "first used here")
                    .with_help("give each matching attribute its own precedence (1 is tried first), or remove `matching_precedence` from one"),
                );
            } else {
                precedences.insert(precedence.value, precedence.span);
            }
            matching_source(object, at, mapping, sink);
        }
        if object.active() && !object.mapping.mappings.is_empty() && !any {
            sink.file(
                Diagnostic::new(
                    RuleId::MissingMatchingAttribute,
                    Span::new(object.mapping.span.start, object.mapping.span.start),
                    format!("no {} mapping is a matching attribute", object.kind.as_str()),
                )
                .with_help(match object.kind {
                    ObjectKind::User => "add `matching_precedence: 1` to a mapping with unique values, such as `userName` or `externalId`",
                    ObjectKind::Group => "add `matching_precedence: 1` to a mapping with unique values, such as `displayName` or `externalId`",
                }),
            );
        }
    }
}

fn matching_source(
    object: &ObjectContext<'_>,
    at: MappingRef,
    mapping: &AttributeMapping,
    sink: &mut Sink,
) {
    match &mapping.kind {
        Some(MappingKind::Constant(text)) => sink.mapping(
            at,
            Diagnostic::new(RuleId::MatchingAttributeSource, text.content_span(), "a matching attribute fed by a constant")
                .with_primary_label("every object gets this value")
                .with_help("match on an attribute with a unique value per object, such as objectId or userPrincipalName"),
        ),
        Some(MappingKind::Expression { text, expr: Some(expr) }) => {
            let mut names: Vec<(&str, Span)> = expr.attributes();
            names.sort_by_key(|(n, _)| *n);
            names.dedup_by_key(|(n, _)| *n);
            if names.len() > 1 {
                let mut d = Diagnostic::new(
                    RuleId::MatchingAttributeSource,
                    text.content_span(),
                    format!("a matching attribute computed from {} source attributes", names.len()),
                )
                .with_primary_label("reads more than one attribute")
                .with_help("Entra rejects it (`Joining property ... has more than one SourceName`): match on an expression of one attribute");
                for (name, span) in &names {
                    d = d.with_label(text.file_span(*span), format!("`{name}`"));
                }
                sink.mapping(at, d);
            } else if names.is_empty() {
                sink.mapping(
                    at,
                    Diagnostic::new(RuleId::MatchingAttributeSource, text.content_span(), "a matching attribute that reads no source attribute")
                        .with_primary_label("the same value for every object")
                        .with_help("match on an expression of one source attribute"),
                );
            }
        }
        _ => {}
    }
    let Some(attribute) = object
        .targets
        .as_ref()
        .and_then(|t| t.get(&mapping.target.value))
    else {
        return;
    };
    if !attribute.filterable {
        // Only attributes this profile says can be filtered on, never the one complained about.
        let filterable: Vec<String> = object
            .targets
            .iter()
            .flat_map(|t| t.attributes())
            .filter(|a| a.filterable && a.name != mapping.target.value)
            .take(3)
            .map(|a| format!("`{}`", a.name))
            .collect();
        let instead = if filterable.is_empty() {
            "match on an attribute the service provider can filter on".to_owned()
        } else {
            format!(
                "match on a filterable attribute ({})",
                filterable.join(", ")
            )
        };
        sink.mapping(
            at,
            Diagnostic::new(
                RuleId::MatchingNotFilterable,
                mapping.target.content_span(),
                format!("the target profile does not say `{}` can be filtered on", mapping.target.value),
            )
            .with_primary_label("matching attribute")
            .with_help(format!(
                "Entra matches with `GET /{}?filter={} eq \"...\"`; {instead}, or mark it `filterable: true` in a profile if the service provider supports it",
                if object.kind == ObjectKind::User { "Users" } else { "Groups" },
                mapping.target.value
            )),
        );
    }
}
