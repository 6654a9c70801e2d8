//! The parser pest generates from `grammar/expression.pest`, and its rule names. Only the
//! syntax layer sees it: [`super::parser`] builds the tree from its pairs and [`super::hints`]
//! explains its failures.

/// The pest parser of the expression grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/expression.pest"]
pub(super) struct ExpressionParser;
