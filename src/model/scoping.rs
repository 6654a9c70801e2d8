//! Scoping filter operators: the one table every command reads (lint checks clauses against it,
//! preview evaluates them, the JSON Schema and docs list them). The operators and their meaning
//! are those of Microsoft's scoping page (MicrosoftDocs/entra-docs,
//! docs/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts.md,
//! "The following operators are supported", items a to n) and the Graph `filterOperators` list
//! (tests/fixtures/graph/msgraph-filteroperators-full-response.json).

use crate::expr::dotnet_regex::{self, TranslateError};
use crate::expr::types::Base;

/// A scoping operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopingOperator {
    /// `EQUALS`: the attribute equals the value (case-sensitive).
    Equals,
    /// `NOT EQUALS`.
    NotEquals,
    /// `IS TRUE`.
    IsTrue,
    /// `IS FALSE`.
    IsFalse,
    /// `IS NULL`: the attribute is empty.
    IsNull,
    /// `IS NOT NULL`.
    IsNotNull,
    /// `REGEX MATCH`: the attribute matches a .NET regular expression.
    RegexMatch,
    /// `NOT REGEX MATCH`.
    NotRegexMatch,
    /// `Greater_Than`: whole numbers.
    GreaterThan,
    /// `Greater_Than_OR_EQUALS`: whole numbers.
    GreaterThanOrEquals,
    /// `Includes`: the attribute contains the value (case-sensitive).
    Includes,
    /// `ENDS_WITH`: the attribute ends with the value.
    EndsWith,
    /// `&`: the attribute's value occurs in the clause's value.
    OccursIn,
    /// `!&`: the attribute's value does not occur in the clause's value.
    NotOccursIn,
}

/// One operator of the table.
#[derive(Debug, Clone, Copy)]
pub struct OperatorInfo {
    /// The operator.
    pub operator: ScopingOperator,
    /// Its name as written in a mapping file and in Graph (`operatorName`).
    pub name: &'static str,
    /// Whether a clause with it takes a value.
    pub takes_value: bool,
    /// The attribute types it is meant for.
    pub types: &'static [Base],
    /// What a clause with it means, after Microsoft's page.
    pub meaning: &'static str,
}

const TEXT: &[Base] = &[Base::String, Base::Integer];
const ANY_VALUE: &[Base] = &[Base::Integer, Base::String, Base::Binary, Base::Boolean];

const fn op(
    operator: ScopingOperator,
    name: &'static str,
    takes_value: bool,
    types: &'static [Base],
    meaning: &'static str,
) -> OperatorInfo {
    OperatorInfo {
        operator,
        name,
        takes_value,
        types,
        meaning,
    }
}

/// Every scoping operator. To add one, add a line here and its evaluation in
/// `preview/scoping.rs`.
pub static OPERATORS: &[OperatorInfo] = &[
    op(
        ScopingOperator::Equals,
        "EQUALS",
        true,
        TEXT,
        "the attribute matches the value exactly (case-sensitive)",
    ),
    op(
        ScopingOperator::NotEquals,
        "NOT EQUALS",
        true,
        TEXT,
        "the attribute does not match the value (case-sensitive)",
    ),
    op(
        ScopingOperator::IsTrue,
        "IS TRUE",
        false,
        &[Base::Boolean],
        "the attribute is the Boolean true",
    ),
    op(
        ScopingOperator::IsFalse,
        "IS FALSE",
        false,
        &[Base::Boolean],
        "the attribute is the Boolean false",
    ),
    op(
        ScopingOperator::IsNull,
        "IS NULL",
        false,
        ANY_VALUE,
        "the attribute is empty",
    ),
    op(
        ScopingOperator::IsNotNull,
        "IS NOT NULL",
        false,
        ANY_VALUE,
        "the attribute is not empty",
    ),
    op(
        ScopingOperator::RegexMatch,
        "REGEX MATCH",
        true,
        TEXT,
        "the attribute matches the .NET regular expression",
    ),
    op(
        ScopingOperator::NotRegexMatch,
        "NOT REGEX MATCH",
        true,
        TEXT,
        "the attribute does not match the .NET regular expression (false when it is empty)",
    ),
    op(
        ScopingOperator::GreaterThan,
        "Greater_Than",
        true,
        &[Base::Integer],
        "the attribute is a whole number greater than the value",
    ),
    op(
        ScopingOperator::GreaterThanOrEquals,
        "Greater_Than_OR_EQUALS",
        true,
        &[Base::Integer],
        "the attribute is a whole number greater than or equal to the value",
    ),
    op(
        ScopingOperator::Includes,
        "Includes",
        true,
        TEXT,
        "the attribute contains the value (case-sensitive, .NET String.Contains)",
    ),
    op(
        ScopingOperator::EndsWith,
        "ENDS_WITH",
        true,
        TEXT,
        "the attribute ends with the value (case-sensitive)",
    ),
    op(
        ScopingOperator::OccursIn,
        "&",
        true,
        TEXT,
        "the attribute's value exists in the value (read as: occurs in it as text, case-sensitive)",
    ),
    op(
        ScopingOperator::NotOccursIn,
        "!&",
        true,
        TEXT,
        "the attribute's value does not exist in the value",
    ),
];

/// What is wrong with a clause's value for its operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    /// `Greater_Than` and `Greater_Than_OR_EQUALS` compare whole numbers.
    NotANumber,
    /// The regular expression is not valid .NET.
    InvalidRegex(String),
    /// Valid .NET, but a feature neither of entramap's engines has (class subtraction,
    /// conditionals, balancing groups, `\G`): it
    /// cannot be evaluated by `preview`. The message names the feature.
    UnsupportedRegex(String),
}

impl ScopingOperator {
    /// The operator of a name as written (exact spelling).
    pub fn parse(name: &str) -> Option<ScopingOperator> {
        OPERATORS
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.operator)
    }

    /// Its table entry.
    pub fn info(self) -> &'static OperatorInfo {
        OPERATORS
            .iter()
            .find(|o| o.operator == self)
            .unwrap_or(&OPERATORS[0])
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Whether a clause with it takes a value.
    pub fn takes_value(self) -> bool {
        self.info().takes_value
    }

    /// Whether its clauses compare whole numbers.
    pub fn numeric(self) -> bool {
        matches!(
            self,
            ScopingOperator::GreaterThan | ScopingOperator::GreaterThanOrEquals
        )
    }

    /// Whether its value is a regular expression.
    pub fn regex(self) -> bool {
        matches!(
            self,
            ScopingOperator::RegexMatch | ScopingOperator::NotRegexMatch
        )
    }

    /// What is wrong with `value` for this operator: the one validation lint and preview share.
    pub fn value_problem(self, value: &str) -> Option<ValueProblem> {
        if self.numeric() {
            return value
                .trim()
                .parse::<i64>()
                .is_err()
                .then_some(ValueProblem::NotANumber);
        }
        if !self.regex() {
            return None;
        }
        match dotnet_regex::translate(value) {
            // Look-around and backreferences run on the backtracking engine; what it cannot
            // run either stays unsupported.
            Err(TranslateError::Unsupported(feature)) => dotnet_regex::Pattern::compile(value)
                .err()
                .map(|_| ValueProblem::UnsupportedRegex(feature)),
            Err(TranslateError::Invalid(message)) => Some(ValueProblem::InvalidRegex(message)),
            Ok(_) => dotnet_regex::compile(value)
                .err()
                .map(ValueProblem::InvalidRegex),
        }
    }
}

impl std::fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueProblem::NotANumber => f.write_str("the value is not a whole number"),
            ValueProblem::InvalidRegex(message) => {
                write!(f, "invalid regular expression: {message}")
            }
            ValueProblem::UnsupportedRegex(message) => {
                write!(f, "the regular expression is valid .NET, but {message}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_parses_back_from_its_name() {
        for info in OPERATORS {
            assert_eq!(ScopingOperator::parse(info.name), Some(info.operator));
            assert_eq!(info.operator.name(), info.name);
        }
        assert_eq!(ScopingOperator::parse("ENDS WITH"), None);
    }

    #[test]
    fn values_are_validated_once_for_every_command() {
        let regex = ScopingOperator::RegexMatch;
        assert_eq!(regex.value_problem(".*@contoso\\.com"), None);
        assert!(matches!(
            regex.value_problem("(unclosed"),
            Some(ValueProblem::InvalidRegex(_))
        ));
        assert_eq!(
            regex.value_problem("(?<=a)b"),
            None,
            "look-behind is evaluated"
        );
        assert!(matches!(
            regex.value_problem("[a-z-[aeiou]]"),
            Some(ValueProblem::UnsupportedRegex(_))
        ));
        assert_eq!(
            ScopingOperator::GreaterThan.value_problem("ten"),
            Some(ValueProblem::NotANumber)
        );
        assert_eq!(ScopingOperator::EndsWith.value_problem("(x"), None);
    }
}
