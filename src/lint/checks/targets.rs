//! Target attributes: the path parses, the profile has it, it is writable, it is mapped once,
//! and every required one is mapped.

use crate::base::suggest;
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::lint::{CheckContext, Sink};
use crate::model::profile::{ApplyDefault, Mutability};
use crate::model::target_path;
use crate::model::Apply;
use std::collections::HashMap;

pub(super) fn target_attributes(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        // A certain fix never renames a target into one the object already maps.
        let mapped: std::collections::HashSet<&str> = object
            .mappings()
            .map(|(_, m)| m.target.value.as_str())
            .collect();
        for (at, mapping) in object.mappings() {
            let target = &mapping.target;
            let declared = object
                .targets
                .as_ref()
                .is_some_and(|t| t.get(&target.value).is_some());
            // A name the profile or the file declares is accepted as written.
            if let Err(error) = target_path::parse_declared(&target.value, declared) {
                sink.mapping(
                    at,
                    Diagnostic::new(RuleId::MalformedTargetPath, target.file_span(error.span), format!("malformed target `{}`: {}", target.value, error.message))
                        .with_primary_label("here")
                        .with_help("targets are SCIM paths such as `userName`, `name.givenName`, `emails[type eq \"work\"].value` or `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attribute>`"),
                );
                continue;
            }
            let Some(targets) = &object.targets else {
                continue;
            };
            let Some(attribute) = targets.get(&target.value) else {
                let mut d = Diagnostic::new(
                    RuleId::UnknownTargetAttribute,
                    target.content_span(),
                    format!(
                        "`{}` is not in the {} attribute list of the target",
                        target.value,
                        object.kind.as_str()
                    ),
                )
                .with_primary_label("unknown target attribute");
                let suggestions = suggest::both(&target.value, targets.names());
                d = d.with_fix(
                    suggestions
                        .certain
                        .filter(|c| !other_filter_value(&target.value, c) && !mapped.contains(c))
                        .and_then(|c| {
                            crate::diagnostics::diagnostic::Fix::replace_word(
                                target.content_span(),
                                &target.value,
                                c,
                            )
                        }),
                );
                let declare = format!(
                    "if the service provider has it, declare it under `target_attributes: {{{}: [{{name: ..., type: ...}}]}}` (the portal's \"Edit attribute list for customappsso\")",
                    object.kind.plural()
                );
                // A different filter value (`"untyped"` for `"work"`) is another attribute
                // the app may well have, not a typo: no "did you mean" for it.
                d = match suggestions
                    .closest
                    .filter(|c| !other_filter_value(&target.value, c))
                {
                    Some(c) => d.with_help(format!("did you mean `{c}`? {declare}")),
                    None => d.with_help(declare),
                };
                sink.mapping(at, d);
                continue;
            };
            if attribute.primary_key {
                sink.mapping(
                    at,
                    Diagnostic::new(RuleId::PrimaryKeyTarget, target.content_span(), format!("`{}` is the target's primary key", target.value))
                        .with_primary_label("primary key")
                        .with_help("the service provider assigns its own id; remove this mapping (map Entra's objectId to `externalId` instead)"),
                );
            } else if attribute.mutability == Mutability::ReadOnly {
                sink.mapping(
                    at,
                    Diagnostic::new(
                        RuleId::ReadOnlyTarget,
                        target.content_span(),
                        format!("`{}` is read-only in the target", target.value),
                    )
                    .with_primary_label("read-only")
                    .with_help(
                        "remove the mapping: the service provider ignores or rejects writes to it",
                    ),
                );
            } else if attribute.apply == ApplyDefault::OnCreate
                && mapping.apply.value == Apply::Always
            {
                sink.mapping(
                    at,
                    Diagnostic::new(
                        RuleId::GalleryApplyOnCreate,
                        target.content_span(),
                        format!("the gallery app writes `{}` only when the object is created", target.value),
                    )
                    .with_primary_label("applied on create and update here")
                    .with_help("add `apply: on-create` as Microsoft's default mapping does; updates may be refused or overwrite what the app manages itself"),
                );
            }
        }
    }
}

/// Whether two target names are the same attribute and sub-attribute with different value filters
/// (`addresses[type eq "untyped"].locality` and `addresses[type eq "work"].locality`).
fn other_filter_value(written: &str, candidate: &str) -> bool {
    match (target_path::parse(written), target_path::parse(candidate)) {
        (Ok(a), Ok(b)) => {
            let filter = |p: &target_path::TargetPath| {
                p.filter
                    .as_ref()
                    .map(|f| (f.attribute.text.clone(), f.value.text.clone()))
            };
            // `"Work"` for `"work"` is a typo of the same value, not another attribute.
            let filter = |p: &target_path::TargetPath| {
                filter(p).map(|(attribute, value)| (attribute, value.to_lowercase()))
            };
            a.attribute.text == b.attribute.text
                && a.sub_attribute.as_ref().map(|s| &s.text)
                    == b.sub_attribute.as_ref().map(|s| &s.text)
                && filter(&a).is_some()
                && filter(&a) != filter(&b)
        }
        _ => false,
    }
}

pub(super) fn duplicate_targets(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (at, mapping) in object.mappings() {
            let span = mapping.target.content_span();
            if let Some(first) = seen.get(mapping.target.value.as_str()) {
                sink.mapping(
                    at,
                    Diagnostic::new(RuleId::DuplicateTarget, span, format!("`{}` is mapped twice", mapping.target.value))
                        .with_primary_label("second mapping")
                        .with_label(*first, "first mapping")
                        .with_help("Entra allows one mapping per target attribute: remove one, or combine them with an expression"),
                );
            } else {
                seen.insert(mapping.target.value.as_str(), span);
            }
        }
    }
}

pub(super) fn required_targets(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        let Some(targets) = &object.targets else {
            continue;
        };
        if !object.active() {
            continue;
        }
        for attribute in targets
            .attributes()
            .iter()
            .filter(|a| a.required && !a.primary_key)
        {
            if !object
                .mapping
                .mappings
                .iter()
                .any(|m| m.target.value == attribute.name)
            {
                sink.file(
                    Diagnostic::new(
                        RuleId::RequiredTargetUnmapped,
                        Span::new(object.mapping.span.start, object.mapping.span.start),
                        format!("the required target `{}` is not mapped in {}", attribute.name, object.kind.plural()),
                    )
                    .with_help(format!("add a mapping with `target: {}`: the service provider cannot create the object without it", attribute.name)),
                );
            }
        }
    }
}
