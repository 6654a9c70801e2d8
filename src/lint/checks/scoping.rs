//! Scoping filters: attribute, operator and value.

use crate::base::suggest;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::checker;
use crate::expr::types::Base;
use crate::lint::{Context, Sink};

/// A scoping operator: name, whether it takes a value, which types it suits.
struct Operator {
    name: &'static str,
    binary: bool,
    types: &'static [Base],
}

const STRINGISH: &[Base] = &[Base::String, Base::Integer];
const OPERATORS: &[Operator] = &[
    Operator {
        name: "EQUALS",
        binary: true,
        types: STRINGISH,
    },
    Operator {
        name: "NOT EQUALS",
        binary: true,
        types: STRINGISH,
    },
    Operator {
        name: "IS TRUE",
        binary: false,
        types: &[Base::Boolean],
    },
    Operator {
        name: "IS FALSE",
        binary: false,
        types: &[Base::Boolean],
    },
    Operator {
        name: "IS NULL",
        binary: false,
        types: &[Base::Integer, Base::String, Base::Binary, Base::Boolean],
    },
    Operator {
        name: "IS NOT NULL",
        binary: false,
        types: &[Base::Integer, Base::String, Base::Binary, Base::Boolean],
    },
    Operator {
        name: "REGEX MATCH",
        binary: true,
        types: STRINGISH,
    },
    Operator {
        name: "NOT REGEX MATCH",
        binary: true,
        types: STRINGISH,
    },
    Operator {
        name: "Greater_Than",
        binary: true,
        types: &[Base::Integer],
    },
    Operator {
        name: "Greater_Than_OR_EQUALS",
        binary: true,
        types: &[Base::Integer],
    },
    Operator {
        name: "Includes",
        binary: true,
        types: STRINGISH,
    },
];

pub(super) fn scoping(cx: &Context<'_>, sink: &mut Sink) {
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
            let Some(operator) = OPERATORS.iter().find(|o| o.name == clause.operator.value) else {
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
            match (&clause.value, operator.binary) {
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
                (Some(value), true) => {
                    if operator.name.starts_with("Greater_Than")
                        && value.value.trim().parse::<i64>().is_err()
                    {
                        sink.file(Diagnostic::new(
                            RuleId::ScopingValue,
                            value.span,
                            format!(
                                "`{}` compares whole numbers; `{}` is not one",
                                operator.name, value.value
                            ),
                        ));
                    } else if operator.name.ends_with("REGEX MATCH") {
                        if let Some(problem) = checker::regex_problem(&value.value) {
                            sink.file(Diagnostic::new(
                                RuleId::ScopingValue,
                                value.span,
                                format!("invalid regular expression: {problem}"),
                            ));
                        }
                    }
                }
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
