//! The scoping filter of a user mapping, compiled once: a user is in scope when every clause of
//! at least one clause group holds (AND inside a group, OR between groups); no groups means
//! everyone is in scope.
//!
//! Clause semantics (Microsoft's scoping-filter page and the Graph `filterOperators` list):
//! `EQUALS` / `NOT EQUALS` compare text case-sensitively (Booleans case-insensitively, whole
//! numbers as numbers); `REGEX MATCH` / `NOT REGEX MATCH` search with a .NET regular expression;
//! `Greater_Than` / `Greater_Than_OR_EQUALS` compare whole numbers; `Includes` is a
//! case-sensitive substring test; `IS TRUE` / `IS FALSE` test Booleans (or the text
//! `true`/`false`); `IS NULL` / `IS NOT NULL` test for a null or empty value. Every clause other
//! than `IS NULL` is false on a null or empty value. A multi-valued value satisfies a clause when
//! all its values do (`multivaluedComparisonType: All`).

use super::record::{Attributes, Record};
use crate::expr::eval::Value;
use crate::model::Clause;
use regex::Regex;

/// A scoping operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `EQUALS`.
    Equals,
    /// `NOT EQUALS`.
    NotEquals,
    /// `IS TRUE`.
    IsTrue,
    /// `IS FALSE`.
    IsFalse,
    /// `IS NULL`.
    IsNull,
    /// `IS NOT NULL`.
    IsNotNull,
    /// `REGEX MATCH`.
    RegexMatch,
    /// `NOT REGEX MATCH`.
    NotRegexMatch,
    /// `Greater_Than`.
    GreaterThan,
    /// `Greater_Than_OR_EQUALS`.
    GreaterThanOrEquals,
    /// `Includes`.
    Includes,
}

impl Operator {
    /// The operator spelled as in a mapping file.
    pub fn parse(name: &str) -> Option<Operator> {
        Some(match name {
            "EQUALS" => Operator::Equals,
            "NOT EQUALS" => Operator::NotEquals,
            "IS TRUE" => Operator::IsTrue,
            "IS FALSE" => Operator::IsFalse,
            "IS NULL" => Operator::IsNull,
            "IS NOT NULL" => Operator::IsNotNull,
            "REGEX MATCH" => Operator::RegexMatch,
            "NOT REGEX MATCH" => Operator::NotRegexMatch,
            "Greater_Than" => Operator::GreaterThan,
            "Greater_Than_OR_EQUALS" => Operator::GreaterThanOrEquals,
            "Includes" => Operator::Includes,
            _ => return None,
        })
    }

    fn unary(self) -> bool {
        matches!(
            self,
            Operator::IsTrue | Operator::IsFalse | Operator::IsNull | Operator::IsNotNull
        )
    }
}

/// One compiled clause.
#[derive(Debug)]
struct CompiledClause {
    slot: usize,
    operator: Operator,
    value: String,
    number: Option<i64>,
    flag: Option<bool>,
    regex: Option<Regex>,
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
                let value = match (value, operator.unary()) {
                    (Some(v), false) => v,
                    (None, true) => String::new(),
                    (Some(_), true) => return Err(format!("`{name}` takes no value")),
                    (None, false) => return Err(format!("`{name}` needs a value")),
                };
                let number = match operator {
                    Operator::GreaterThan | Operator::GreaterThanOrEquals => {
                        Some(value.trim().parse::<i64>().map_err(|_| {
                            format!("`{name}` compares whole numbers; `{value}` is not one")
                        })?)
                    }
                    _ => value.trim().parse::<i64>().ok(),
                };
                let regex = match operator {
                    Operator::RegexMatch | Operator::NotRegexMatch => Some(
                        crate::expr::dotnet_regex::compile(&value)
                            .map_err(|e| format!("scoping clause `{value}`: {e}"))?,
                    ),
                    _ => None,
                };
                let attribute = &clause.attribute.value;
                let text = if operator.unary() {
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
                let matched = match (&self.regex, value.text()) {
                    (Some(regex), Some(text)) => regex.is_match(&text),
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
