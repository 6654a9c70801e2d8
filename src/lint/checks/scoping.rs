//! Scoping filters: attribute, operator and value.

use crate::base::suggest;
use crate::diagnostics::diagnostic::Fix;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::types::Base;
use crate::lint::{CheckContext, Sink};
use crate::model::scoping::{ScopingOperator, ValueProblem, OPERATORS};

pub(super) fn scoping(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for clause in object.mapping.scoping.iter().flatten() {
            let name = &clause.attribute.value;
            let attribute = object.sources.get(name);
            match attribute {
                None => {
                    let suggestions = suggest::both(name, object.sources.names());
                    let mut d = Diagnostic::new(RuleId::ScopingUnknownAttribute, clause.attribute.span, format!("unknown source attribute `{name}` in a scoping filter"))
                        .with_primary_label("not in the source schema")
                        .with_fix(suggestions.certain.and_then(|c| {
                            Fix::replace_word(clause.attribute.span, name, c)
                        }));
                    if let Some(c) = suggestions.closest {
                        d = d.with_help(format!("did you mean `{c}`?"));
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
                            .with_help("Entra accepts it, but `entramap preview` cannot evaluate this filter; rewrite the pattern without that feature if you can"),
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
