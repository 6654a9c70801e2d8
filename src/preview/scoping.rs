//! The scoping filter of a user mapping, compiled once: a user is in scope when every clause of
//! at least one clause group holds (AND inside a group, OR between groups); no groups means
//! everyone is in scope.
//!
//! Clause semantics (Microsoft's scoping-filter page and the Graph `filterOperators` list):
//! `EQUALS` / `NOT EQUALS` compare text case-sensitively (Booleans case-insensitively, whole
//! numbers as numbers); `REGEX MATCH` / `NOT REGEX MATCH` search with a .NET regular expression;
//! `Greater_Than` / `Greater_Than_OR_EQUALS` compare whole numbers; `Includes` is a
//! case-sensitive substring test, `ENDS_WITH` a case-sensitive suffix test, `&` / `!&` whether the
//! attribute's text occurs (or not) in the clause's value; `IS TRUE` / `IS FALSE` test Booleans (or the text
//! `true`/`false`); `IS NULL` / `IS NOT NULL` test for a null or empty value. Every clause other
//! than `IS NULL` is false on a null or empty value. A multi-valued value satisfies a clause when
//! all its values do (`multivaluedComparisonType: All`).

use super::record::{Attributes, Record};
use crate::expr::dotnet_regex::Pattern;
use crate::expr::eval::Value;
use crate::model::scoping::{ScopingOperator as Operator, ValueProblem};
use crate::model::Clause;

/// One compiled clause.
#[derive(Debug)]
struct CompiledClause {
    slot: usize,
    operator: Operator,
    value: String,
    number: Option<i64>,
    flag: Option<bool>,
    regex: Option<Pattern>,
    text: String,
}

/// A compiled scoping filter.
#[derive(Debug, Default)]
pub struct Scoping {
    groups: Vec<Vec<CompiledClause>>,
}

impl Scoping {
    /// Compiles the clause groups, registering the attributes they read. Fails with a message
    /// for an unknown operator, a missing value, a non-integer `Greater_Than` value or an invalid
    /// regular expression (what `entramap lint` reports with positions).
    pub fn compile(groups: &[Vec<Clause>], attributes: &mut Attributes) -> Result<Self, String> {
        let mut compiled = Vec::with_capacity(groups.len());
        for group in groups {
            let mut clauses = Vec::with_capacity(group.len());
            for clause in group {
                let name = &clause.operator.value;
                let operator = Operator::parse(name)
                    .ok_or_else(|| format!("unknown scoping operator `{name}`"))?;
                let value = clause.value.as_ref().map(|v| v.value.clone());
                let value = match (value, operator.takes_value()) {
                    (Some(v), true) => v,
                    (None, false) => String::new(),
                    (Some(_), false) => return Err(format!("`{name}` takes no value")),
                    (None, true) => return Err(format!("`{name}` needs a value")),
                };
                // The validation lint reports with positions (model::scoping).
                match operator.value_problem(&value) {
                    Some(ValueProblem::NotANumber) => {
                        return Err(format!(
                            "`{name}` compares whole numbers; `{value}` is not one"
                        ))
                    }
                    Some(problem) => return Err(format!("scoping clause `{value}`: {problem}")),
                    None => {}
                }
                let number = value.trim().parse::<i64>().ok();
                let regex = if operator.regex() {
                    Some(
                        Pattern::compile(&value)
                            .map_err(|e| format!("scoping clause `{value}`: {e}"))?,
                    )
                } else {
                    None
                };
                let attribute = &clause.attribute.value;
                let text = if !operator.takes_value() {
                    format!("{attribute} {name}")
                } else {
                    format!("{attribute} {name} '{value}'")
                };
                clauses.push(CompiledClause {
                    slot: attributes.add(attribute),
                    operator,
                    flag: boolean(&Value::Str(value.clone())),
                    value,
                    number,
                    regex,
                    text,
                });
            }
            compiled.push(clauses);
        }
        Ok(Scoping { groups: compiled })
    }

    /// Whether there is a filter at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether the user is in scope.
    pub fn admits(&self, record: &Record<'_>) -> bool {
        self.groups.is_empty()
            || self
                .groups
                .iter()
                .any(|group| group.iter().all(|c| c.holds(record.slot(c.slot))))
    }

    /// Why a user is out of scope: the first failing clause of each group.
    pub fn explain(&self, record: &Record<'_>) -> String {
        let failing: Vec<&str> = self
            .groups
            .iter()
            .filter_map(|group| {
                group
                    .iter()
                    .find(|c| !c.holds(record.slot(c.slot)))
                    .map(|c| c.text.as_str())
            })
            .collect();
        match failing.as_slice() {
            [one] => format!("out of scope: `{one}` does not hold"),
            many => format!(
                "out of scope: no clause group holds (`{}` fail)",
                many.join("`, `")
            ),
        }
    }
}

impl CompiledClause {
    fn holds(&self, value: Option<&Value>) -> bool {
        let value = value.unwrap_or(&Value::Null);
        if value.is_null_or_empty() {
            return self.operator == Operator::IsNull;
        }
        match value {
            Value::Multi(values) => values.iter().all(|v| self.holds_one(v)),
            one => self.holds_one(one),
        }
    }

    fn holds_one(&self, value: &Value) -> bool {
        match self.operator {
            Operator::IsNull => value.is_null_or_empty(),
            Operator::IsNotNull => !value.is_null_or_empty(),
            Operator::IsTrue => boolean(value) == Some(true),
            Operator::IsFalse => boolean(value) == Some(false),
            Operator::Equals => self.equals(value),
            Operator::NotEquals => !self.equals(value),
            Operator::RegexMatch | Operator::NotRegexMatch => {
                // A pattern that gives up (the backtracking limit) does not match: Entra's
                // .NET engine would time out and not take the user either.
                let matched = match (&self.regex, value.text()) {
                    (Some(regex), Some(text)) => regex.is_match(&text).unwrap_or(false),
                    _ => false,
                };
                matched == (self.operator == Operator::RegexMatch)
            }
            Operator::GreaterThan | Operator::GreaterThanOrEquals => {
                match (integer(value), self.number) {
                    (Some(v), Some(limit)) if self.operator == Operator::GreaterThan => v > limit,
                    (Some(v), Some(limit)) => v >= limit,
                    _ => false,
                }
            }
            Operator::Includes => value.text().is_some_and(|t| t.contains(&self.value)),
            Operator::EndsWith => value.text().is_some_and(|t| t.ends_with(&self.value)),
            Operator::OccursIn => value
                .text()
                .is_some_and(|t| self.value.contains(t.as_ref())),
            Operator::NotOccursIn => value
                .text()
                .is_some_and(|t| !self.value.contains(t.as_ref())),
        }
    }

    fn equals(&self, value: &Value) -> bool {
        match value {
            Value::Bool(b) => self.flag == Some(*b),
            Value::Int(i) => self.number == Some(*i),
            other => other.text().is_some_and(|t| t == self.value),
        }
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(*i),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}
