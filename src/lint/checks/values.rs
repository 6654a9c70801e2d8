//! Values: what each mapping reads exists and fits its target.

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::catalogue::Context as FunctionContext;
use crate::expr::checker::{self, Attributes, CheckOptions, MAX_EXPRESSION_CHARS};
use crate::expr::source::looks_like_directory_extension;
use crate::expr::types::{fits, Base, Fit, Type};
use crate::lint::{CheckContext, MappingRef, ObjectContext, Sink};
use crate::model::{AttributeMapping, FileFormat, MappingKind, Text};

fn target_type(object: &ObjectContext<'_>, mapping: &AttributeMapping) -> Option<Type> {
    object
        .targets
        .as_ref()?
        .get(&mapping.target.value)
        .map(|a| a.ty())
}

pub(super) fn values(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let target = target_type(object, mapping);
            match &mapping.kind {
                Some(MappingKind::Direct(source)) => {
                    direct(object, at, mapping, source, target, sink)
                }
                Some(MappingKind::Expression { text, expr }) => {
                    let options = CheckOptions {
                        context: FunctionContext::AppProvisioning,
                        attributes: Attributes::Schema(&object.sources),
                        target_type: target,
                    };
                    let checked = match expr {
                        Some(expr) if text.value.len() <= MAX_EXPRESSION_CHARS => {
                            checker::check(expr, &options)
                        }
                        _ => checker::check_text(&text.value, &options),
                    };
                    for d in checked.diagnostics {
                        let d = quoting_help(cx, text, d);
                        sink.mapping(at, d.map_spans(|s| text.file_span(s)));
                    }
                    if let Some(expr) = expr {
                        for (name, span) in expr.attributes() {
                            multivalued_extension(object, at, name, text.file_span(span), sink);
                        }
                    }
                }
                Some(MappingKind::Constant(_)) | None => {}
            }
        }
    }
}

/// YAML-aware help for an expression that is one bare word (`expression: "Employee"`): the
/// file's quotes were taken by YAML or JSON, not by the expression, so the fix is quotes the
/// file format keeps, or a constant mapping.
fn quoting_help(cx: &CheckContext<'_>, text: &Text, d: Diagnostic) -> Diagnostic {
    let word = text.value.trim();
    let bare = !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_');
    let literal = ["true", "false", "null"]
        .iter()
        .any(|l| word.eq_ignore_ascii_case(l));
    if d.rule != RuleId::UnknownIdentifier || !bare || literal {
        return d;
    }
    if d.help.as_deref().is_some_and(|h| h.contains("brackets")) {
        let help = match cx.file.format {
            FileFormat::Json => format!("an attribute is read in brackets: write `\"source\": \"{word}\"` (a Direct mapping) or `\"expression\": \"[{word}]\"`"),
            FileFormat::Yaml => format!("an attribute is read in brackets: write `source: {word}` (a Direct mapping) or `expression: '[{word}]'`"),
        };
        return Diagnostic {
            help: Some(help),
            ..d
        };
    }
    let quoted = cx
        .text
        .get(text.span.start..)
        .is_some_and(|raw| raw.starts_with('"'));
    let help = match (cx.file.format, quoted) {
        (FileFormat::Json, _) => format!(
            "JSON's quotes end the string, so the expression is the bare word `{word}`; a string constant needs its own escaped quotes: `\"expression\": \"\\\"{word}\\\"\"`, or write `\"constant\": \"{word}\"`"
        ),
        (FileFormat::Yaml, true) => format!(
            "YAML removed the double quotes, so the expression is the bare word `{word}`; keep them with single quotes around the expression, `expression: '\"{word}\"'`, or write `constant: {word}`"
        ),
        (FileFormat::Yaml, false) => format!(
            "a string needs double quotes inside the expression: `expression: '\"{word}\"'`, or write `constant: {word}`"
        ),
    };
    Diagnostic {
        help: Some(help),
        ..d
    }
}

fn direct(
    object: &ObjectContext<'_>,
    at: MappingRef,
    mapping: &AttributeMapping,
    source: &Text,
    target: Option<Type>,
    sink: &mut Sink,
) {
    let span = source.content_span();
    let Some(attribute) = object.sources.get(&source.value) else {
        let d = checker::unknown_source_attribute(&source.value, span, &object.sources);
        sink.mapping(at, d);
        return;
    };
    if source.value == "appRoleAssignments" {
        sink.mapping(
            at,
            Diagnostic::new(RuleId::AppRoleAssignmentsDirect, span, "`appRoleAssignments` mapped directly")
                .with_primary_label("direct role mapping")
                .with_help("use an expression: `SingleAppRoleAssignment([appRoleAssignments])` for one role, `AppRoleAssignmentsComplex([appRoleAssignments])` for all"),
        );
        return;
    }
    multivalued_extension(object, at, &source.value, span, sink);
    let (Some(target), from) = (target, attribute.ty()) else {
        return;
    };
    if fits(from, target) != Fit::No {
        return;
    }
    if from == Type::single(Base::Reference) && target == Type::STRING {
        sink.mapping(
            at,
            Diagnostic::new(
                RuleId::ReferenceToString,
                span,
                format!(
                    "`{}` is a Reference; the String target `{}` gets the id the app gave the referenced object",
                    source.value, mapping.target.value
                ),
            )
            .with_primary_label("Reference")
            .with_label(mapping.target.content_span(), "String")
            .with_help(if source.value == "manager" {
                "Entra sends the manager's id in the app once Entra has provisioned the manager, and nothing before that; for the manager's name, map a String attribute instead"
            } else {
                "Entra sends the referenced object's id in the app once Entra has provisioned it, and nothing before that"
            }),
        );
        return;
    }
    let mut d = Diagnostic::new(
        RuleId::TargetTypeMismatch,
        span,
        format!(
            "`{}` {}, the target `{}` {}",
            source.value,
            difference(from, target).0,
            mapping.target.value,
            difference(from, target).1
        ),
    )
    .with_primary_label(format!("this is {from}"))
    .with_label(mapping.target.content_span(), format!("target is {target}"));
    if target.base == Base::Reference {
        d = d.with_help("a Reference target (such as `members` or `manager`) needs a Reference source (`members`, `manager`)");
    } else if from.base == Base::Reference {
        d = d.with_help("a Reference source goes only to a Reference target");
    } else if from.multi && !target.multi {
        d = d.with_help("pick one value (`Item`, `SingleAppRoleAssignment`, a filtered target such as `emails[type eq \"work\"].value`) or declare the target `multivalued: true` if the app takes several");
    }
    sink.mapping(at, d);
}

/// How a source type and a target type differ, as the two halves of a message: the number of
/// values when only that differs, the type when only that differs, both otherwise.
pub(super) fn difference(from: Type, to: Type) -> (String, String) {
    let count = |t: Type| {
        if t.multi {
            "multi-valued"
        } else {
            "single-valued"
        }
    };
    if from.base == to.base {
        (
            format!("is {} ({})", count(from), from.base.as_str()),
            format!(
                "holds {}",
                if to.multi {
                    "several values"
                } else {
                    "one value"
                }
            ),
        )
    } else if from.multi == to.multi {
        (
            format!("is {}", from.base.as_str()),
            format!("is {}", to.base.as_str()),
        )
    } else {
        (format!("is {from}"), format!("is {to}"))
    }
}

fn multivalued_extension(
    object: &ObjectContext<'_>,
    at: MappingRef,
    name: &str,
    span: Span,
    sink: &mut Sink,
) {
    if looks_like_directory_extension(name)
        && object.sources.get(name).is_some_and(|a| a.multivalued)
    {
        sink.mapping(
            at,
            Diagnostic::new(RuleId::MultivaluedExtensionSource, span, format!("`{name}` is a multi-valued directory extension"))
                .with_primary_label("multi-valued extension")
                .with_help("Entra cannot provision multi-valued directory extensions; use a single-valued extension attribute"),
        );
    }
}
