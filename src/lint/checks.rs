//! The mapping rules: one table, [`CHECKS`], each entry a named check with the rule ids it
//! reports and the function that runs it. Rule metadata (severity, explanation, examples) lives
//! in [`crate::diagnostics::rules`].

use super::{Context, MappingRef, ObjectContext, Sink};
use crate::base::suggest;
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::catalogue::Context as FunctionContext;
use crate::expr::checker::{self, Attributes, CheckOptions, MAX_EXPRESSION_CHARS};
use crate::expr::source::ObjectKind;
use crate::expr::syntax::ExprKind;
use crate::expr::types::{fits, Base, Fit, Type};
use crate::model::scoping::{ScopingOperator, ValueProblem, OPERATORS};
use crate::model::target_path;
use crate::model::{AttributeMapping, MappingKind, Scope, Text};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One mapping check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// A short name.
    pub name: &'static str,
    /// The rule ids it may report.
    pub rules: &'static [RuleId],
    /// Runs it.
    pub run: fn(&Context<'_>, &mut Sink),
}

/// Every mapping check, in the order they run.
pub static CHECKS: &[Check] = &[
    Check {
        name: "target attributes",
        rules: &[
            RuleId::MalformedTargetPath,
            RuleId::UnknownTargetAttribute,
            RuleId::PrimaryKeyTarget,
            RuleId::ReadOnlyTarget,
        ],
        run: target_attributes,
    },
    Check {
        name: "duplicate targets",
        rules: &[RuleId::DuplicateTarget],
        run: duplicate_targets,
    },
    Check {
        name: "values",
        rules: &[
            RuleId::UnknownSourceAttribute,
            RuleId::TargetTypeMismatch,
            RuleId::AppRoleAssignmentsDirect,
            RuleId::MultivaluedExtensionSource,
        ],
        run: values,
    },
    Check {
        name: "matching",
        rules: &[
            RuleId::MissingMatchingAttribute,
            RuleId::MatchingPrecedenceDuplicate,
            RuleId::MatchingPrecedenceInvalid,
            RuleId::MatchingAttributeSource,
            RuleId::MatchingNotFilterable,
        ],
        run: matching,
    },
    Check {
        name: "required targets",
        rules: &[RuleId::RequiredTargetUnmapped],
        run: required_targets,
    },
    Check {
        name: "soft delete",
        rules: &[RuleId::IsSoftDeletedUnmapped],
        run: soft_delete,
    },
    Check {
        name: "role functions",
        rules: &[RuleId::RoleFunctionSyncAll],
        run: role_functions,
    },
    Check {
        name: "declarations",
        rules: &[
            RuleId::CustomAttributeName,
            RuleId::CustomAttributeType,
            RuleId::DirectoryExtensionName,
        ],
        run: declarations,
    },
    Check {
        name: "scoping",
        rules: &[
            RuleId::ScopingUnknownAttribute,
            RuleId::ScopingUnknownOperator,
            RuleId::ScopingValue,
            RuleId::ScopingRegexUnsupported,
            RuleId::ScopingAttributeNotAllowed,
            RuleId::ScopingOperatorType,
        ],
        run: scoping,
    },
];

/// Rule ids reported by the loader and the lint driver rather than by a check.
pub const DRIVER_RULES: &[RuleId] = &[
    RuleId::FileSyntax,
    RuleId::FileUnreadable,
    RuleId::InputLimit,
    RuleId::UnknownKey,
    RuleId::DuplicateKey,
    RuleId::InvalidValue,
    RuleId::MissingKey,
    RuleId::UnsupportedVersion,
    RuleId::ConflictingMappingTypes,
    RuleId::UnknownTargetProfile,
    RuleId::InvalidTargetProfile,
    RuleId::SecretToken,
    RuleId::UnusedAllow,
    RuleId::AllowUnknownRule,
];

const ROLE_FUNCTIONS: &[&str] = &[
    "SingleAppRoleAssignment",
    "AppRoleAssignmentsComplex",
    "AssertiveAppRoleAssignmentsComplex",
];

fn target_attributes(cx: &Context<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let target = &mapping.target;
            if let Err(error) = target_path::parse(&target.value) {
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
                let declare = format!(
                    "if the service provider has it, declare it under `target_attributes: {{{}: [{{name: ..., type: ...}}]}}` (the portal's \"Edit attribute list for customappsso\")",
                    object.kind.plural()
                );
                d = match suggest::closest(&target.value, targets.names()) {
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
            } else if attribute.mutability == crate::model::profile::Mutability::ReadOnly {
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
            }
        }
    }
}

fn duplicate_targets(cx: &Context<'_>, sink: &mut Sink) {
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

fn target_type(object: &ObjectContext<'_>, mapping: &AttributeMapping) -> Option<Type> {
    object
        .targets
        .as_ref()?
        .get(&mapping.target.value)
        .map(|a| a.ty())
}

fn is_extension_name(name: &str) -> bool {
    name.get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("extension_"))
}

fn values(cx: &Context<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let target = target_type(object, mapping);
            match &mapping.kind {
                Some(MappingKind::Source(source)) => {
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
        let d =
            crate::expr::checker::unknown_source_attribute(&source.value, span, &object.sources);
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
    if fits(from, target) == Fit::No {
        let mut d = Diagnostic::new(
            RuleId::TargetTypeMismatch,
            span,
            format!(
                "`{}` is {from}, the target `{}` is {target}",
                source.value, mapping.target.value
            ),
        )
        .with_primary_label(format!("this is {from}"))
        .with_label(mapping.target.content_span(), format!("target is {target}"));
        if target.base == Base::Reference {
            d = d.with_help("a Reference target (such as `members` or `manager`) needs a Reference source (`members`, `manager`)");
        } else if from.base == Base::Reference {
            d = d.with_help("a Reference source goes only to a Reference target");
        }
        sink.mapping(at, d);
    }
}

fn multivalued_extension(
    object: &ObjectContext<'_>,
    at: MappingRef,
    name: &str,
    span: Span,
    sink: &mut Sink,
) {
    if is_extension_name(name) && object.sources.get(name).is_some_and(|a| a.multivalued) {
        sink.mapping(
            at,
            Diagnostic::new(RuleId::MultivaluedExtensionSource, span, format!("`{name}` is a multi-valued directory extension"))
                .with_primary_label("multi-valued extension")
                .with_help("Entra cannot provision multi-valued directory extensions; use a single-valued extension attribute"),
        );
    }
}

fn matching(cx: &Context<'_>, sink: &mut Sink) {
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
        sink.mapping(
            at,
            Diagnostic::new(
                RuleId::MatchingNotFilterable,
                mapping.target.content_span(),
                format!("the target profile does not say `{}` can be filtered on", mapping.target.value),
            )
            .with_primary_label("matching attribute")
            .with_help(format!(
                "Entra matches with `GET /{}?filter={} eq \"...\"`; match on a filterable attribute (`userName`, `externalId`, `displayName`), or mark it `filterable: true` in a profile if the service provider supports it",
                if object.kind == ObjectKind::User { "Users" } else { "Groups" },
                mapping.target.value
            )),
        );
    }
}

fn required_targets(cx: &Context<'_>, sink: &mut Sink) {
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

fn reads(mapping: &AttributeMapping, attribute: &str) -> bool {
    match &mapping.kind {
        Some(MappingKind::Source(s)) => s.value == attribute,
        Some(MappingKind::Expression {
            expr: Some(expr), ..
        }) => expr.attributes().iter().any(|(n, _)| *n == attribute),
        _ => false,
    }
}

fn soft_delete(cx: &Context<'_>, sink: &mut Sink) {
    let users = &cx.objects[0];
    if users.active()
        && !users.mapping.mappings.is_empty()
        && !users
            .mapping
            .mappings
            .iter()
            .any(|m| reads(m, "IsSoftDeleted"))
    {
        sink.file(
            Diagnostic::new(RuleId::IsSoftDeletedUnmapped, Span::new(users.mapping.span.start, users.mapping.span.start), "no user mapping reads `IsSoftDeleted`")
                .with_help("map `active` from `Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")` (or `Not([IsSoftDeleted])`): otherwise users who leave scope are never disabled"),
        );
    }
}

fn role_functions(cx: &Context<'_>, sink: &mut Sink) {
    let Some(scope) = cx.file.scope.as_ref().filter(|s| s.value == Scope::All) else {
        return;
    };
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let Some(MappingKind::Expression {
                text,
                expr: Some(expr),
            }) = &mapping.kind
            else {
                continue;
            };
            expr.walk(&mut |e| {
                if let ExprKind::Call(call) = &e.kind {
                    if ROLE_FUNCTIONS.contains(&call.name.as_str()) {
                        sink.mapping(
                            at,
                            Diagnostic::new(RuleId::RoleFunctionSyncAll, text.file_span(call.name_span), format!("`{}` with `scope: all`", call.name))
                                .with_primary_label("role function")
                                .with_label(scope.span, "syncs all users and groups")
                                .with_help("app role assignments exist only for assigned users: use `scope: assigned`, or drop the role mapping"),
                        );
                    }
                }
            });
        }
    }
}

fn extension_name() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^extension_[0-9a-fA-F]{32}_[A-Za-z0-9_]+$").expect("valid regex")
    })
}

fn declarations(cx: &Context<'_>, sink: &mut Sink) {
    for kind in ObjectKind::ALL {
        for decl in cx.file.source_attributes.of(kind) {
            let name = &decl.attribute.name;
            if is_extension_name(name) && !extension_name().is_match(name) {
                sink.file(
                    Diagnostic::new(RuleId::DirectoryExtensionName, decl.name_span, format!("`{name}` is not a directory extension name"))
                        .with_primary_label("expected extension_<appId without hyphens>_<name>")
                        .with_help("directory extensions are named `extension_` + the 32 hex digits of the owning app's id (no hyphens) + `_` + the attribute name, case-sensitively"),
                );
            }
        }
        for decl in cx.file.target_attributes.of(kind) {
            let path = match target_path::parse(&decl.name.value) {
                Ok(path) => path,
                Err(error) => {
                    sink.file(
                        Diagnostic::new(
                            RuleId::MalformedTargetPath,
                            decl.name.file_span(error.span),
                            format!(
                                "malformed attribute name `{}`: {}",
                                decl.name.value, error.message
                            ),
                        )
                        .with_primary_label("here"),
                    );
                    continue;
                }
            };
            if path.schema.is_none() {
                continue;
            }
            if let Some(problem) = path.custom_extension_problem() {
                sink.file(
                    Diagnostic::new(RuleId::CustomAttributeName, decl.name.file_span(problem.span), format!("`{}` is not a valid custom attribute name: {}", decl.name.value, problem.message))
                        .with_primary_label("schema URN")
                        .with_help("custom SCIM attributes are named `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attribute>`"),
                );
                continue;
            }
            let a = &decl.attribute;
            let problem = if a.multivalued {
                Some(("multi-valued", decl.multivalued_span))
            } else if a.base == Base::Reference || a.referenced_object.is_some() {
                Some(("a reference", decl.type_span))
            } else if path.is_complex() {
                Some(("complex", None))
            } else {
                None
            };
            if let Some((what, span)) = problem {
                sink.file(
                    Diagnostic::new(RuleId::CustomAttributeType, span.unwrap_or(decl.name.content_span()), format!("the custom attribute `{}` is {what}", decl.name.value))
                        .with_primary_label(what)
                        .with_help("custom attributes of non-gallery SCIM apps must be single-valued and of type String, Integer, Boolean, DateTime or Binary"),
                );
            }
        }
    }
}

fn scoping(cx: &Context<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for clause in object.mapping.scoping.iter().flatten() {
            let name = &clause.attribute.value;
            let attribute = object.sources.get(name);
            match attribute {
                None => {
                    let mut d = Diagnostic::new(RuleId::ScopingUnknownAttribute, clause.attribute.span, format!("unknown source attribute `{name}` in a scoping filter"))
                        .with_primary_label("not in the source schema");
                    if let Some(hint) = suggest::did_you_mean(name, object.sources.names()) {
                        d = d.with_help(hint);
                    }
                    sink.file(d);
                }
                Some(a) if !a.scoping || a.multivalued => sink.file(
                    Diagnostic::new(RuleId::ScopingAttributeNotAllowed, clause.attribute.span, format!("Entra does not allow `{name}` in scoping filters"))
                        .with_primary_label(if a.multivalued { "multi-valued" } else { "not filterable in scoping" })
                        .with_help("scoping filters cannot use multi-valued attributes, members, appRoleAssignments, userType, manager or date attributes"),
                ),
                Some(_) => {}
            }
            let Some(operator) =
                ScopingOperator::parse(&clause.operator.value).map(ScopingOperator::info)
            else {
                let mut d = Diagnostic::new(
                    RuleId::ScopingUnknownOperator,
                    clause.operator.span,
                    format!("unknown scoping operator `{}`", clause.operator.value),
                )
                .with_primary_label("not an Entra operator");
                let names = OPERATORS.iter().map(|o| o.name);
                d = match suggest::closest(&clause.operator.value.replace('_', " "), names.clone())
                    .or_else(|| suggest::closest(&clause.operator.value, names))
                {
                    Some(c) => d.with_help(format!("did you mean `{c}`?")),
                    None => d.with_help(format!(
                        "operators: {}",
                        OPERATORS
                            .iter()
                            .map(|o| o.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                sink.file(d);
                continue;
            };
            match (&clause.value, operator.takes_value) {
                (Some(value), false) => sink.file(
                    Diagnostic::new(
                        RuleId::ScopingValue,
                        value.span,
                        format!("`{}` takes no value", operator.name),
                    )
                    .with_primary_label("remove this value"),
                ),
                (None, true) => sink.file(
                    Diagnostic::new(
                        RuleId::ScopingValue,
                        clause.operator.span,
                        format!("`{}` needs a `value`", operator.name),
                    )
                    .with_primary_label("no value to compare with"),
                ),
                (Some(value), true) => match operator.operator.value_problem(&value.value) {
                    Some(ValueProblem::NotANumber) => sink.file(Diagnostic::new(
                        RuleId::ScopingValue,
                        value.span,
                        format!(
                            "`{}` compares whole numbers; `{}` is not one",
                            operator.name, value.value
                        ),
                    )),
                    Some(ValueProblem::InvalidRegex(problem)) => sink.file(
                        Diagnostic::new(
                            RuleId::ScopingValue,
                            value.span,
                            format!("invalid regular expression: {problem}"),
                        )
                        .with_primary_label("this pattern")
                        .with_note("Entra uses .NET regular expressions"),
                    ),
                    Some(problem @ ValueProblem::UnsupportedRegex(_)) => sink.file(
                        Diagnostic::new(RuleId::ScopingRegexUnsupported, value.span, problem.to_string())
                            .with_primary_label("valid .NET, not evaluated by entramap")
                            .with_help("`entramap preview` cannot evaluate this filter; rewrite the pattern without look-around or back-references if you can"),
                    ),
                    None => {}
                },
                (None, false) => {}
            }
            if let Some(a) = attribute {
                if a.base != Base::Any && !operator.types.contains(&a.base) {
                    sink.file(
                        Diagnostic::new(
                            RuleId::ScopingOperatorType,
                            clause.operator.span,
                            format!(
                                "`{}` does not apply to `{name}` ({})",
                                operator.name,
                                a.base.as_str()
                            ),
                        )
                        .with_primary_label(format!(
                            "for {}",
                            operator
                                .types
                                .iter()
                                .map(|b| b.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                        .with_label(clause.attribute.span, a.base.as_str()),
                    );
                }
            }
        }
    }
}
