//! The pest parser: text in, [`Expr`] out, or one located syntax diagnostic.

use super::ast::{Arg, Call, CmpOp, Expr, ExprKind};
use super::grammar::{ExpressionParser, Rule};
use super::hints;
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use pest::iterators::Pair;
use pest::Parser as _;

/// The largest input the parser accepts at all (ten times Entra's 10,000-character limit, in
/// bytes); beyond it nothing is parsed.
pub const MAX_INPUT_BYTES: usize = 100_000;

/// The deepest nesting of calls and comparisons the parser accepts. Entra documents no limit;
/// real expressions stay below 15 levels. A bound keeps recursion (and the stack) small.
pub const MAX_NESTING: usize = 64;

/// A syntax error: one diagnostic with rule id `syntax-error`, `nesting-too-deep` or
/// `expression-too-long`.
pub type ParseError = Box<Diagnostic>;

/// Parses one expression.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Box::new(
            Diagnostic::new(
                RuleId::ExpressionTooLong,
                Span::new(0, 0),
                format!(
                    "expression of {} bytes is too large to parse (limit {MAX_INPUT_BYTES})",
                    text.len()
                ),
            )
            .with_help("Entra accepts at most 10,000 characters in one expression"),
        ));
    }
    if let Some((depth_span, depth)) = hints::too_deep(text, MAX_NESTING) {
        return Err(Box::new(
            Diagnostic::new(
                RuleId::NestingTooDeep,
                depth_span,
                format!("expression nests more than {MAX_NESTING} levels deep"),
            )
            .with_primary_label(format!("level {depth} starts here"))
            .with_help("split the logic over several mappings, or flatten nested IIF/Switch calls"),
        ));
    }
    parse_reference(text)
}

/// Parses with the parser generated from `grammar/expression.pest` (no size or nesting
/// checks: [`parse`] makes them first).
fn parse_reference(text: &str) -> Result<Expr, ParseError> {
    let mut pairs = ExpressionParser::parse(Rule::expression, text)
        .map_err(|e| Box::new(hints::explain(text, &e)))?;
    let root = pairs.next().expect("pest yields the expression rule");
    match root.into_inner().find(|p| p.as_rule() != Rule::EOI) {
        Some(top) => Ok(build(top)),
        None => Err(Box::new(
            Diagnostic::new(
                RuleId::SyntaxError,
                Span::new(0, text.len()),
                "empty expression",
            )
            .with_help(
                "write a function call, an attribute such as `[mail]`, or a string such as `\"\"`",
            ),
        )),
    }
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

fn build(pair: Pair<'_, Rule>) -> Expr {
    let span = span_of(&pair);
    let text = pair.as_str();
    let kind = match pair.as_rule() {
        Rule::attribute => ExprKind::Attribute(text[1..text.len() - 1].to_owned()),
        Rule::string => ExprKind::Str(text[1..text.len() - 1].to_owned()),
        Rule::number => ExprKind::Number(text.to_owned()),
        Rule::hex => ExprKind::Hex(text[2..].to_owned()),
        Rule::parameter => ExprKind::Parameter(text[1..text.len() - 1].to_owned()),
        Rule::identifier => ExprKind::Identifier(text.to_owned()),
        Rule::comparison => {
            let mut inner = pair.into_inner();
            let lhs = build(inner.next().expect("comparison has a left operand"));
            let Some(op_pair) = inner.next() else {
                return lhs;
            };
            let op_span = span_of(&op_pair);
            let op =
                CmpOp::from_token(op_pair.as_str()).expect("grammar only yields known operators");
            let rhs = build(inner.next().expect("comparison has a right operand"));
            ExprKind::Comparison {
                lhs: Box::new(lhs),
                op,
                op_span,
                rhs: Box::new(rhs),
            }
        }
        Rule::call => {
            let mut inner = pair.into_inner();
            let name_pair = inner.next().expect("call has a name");
            let open_pair = inner.next().expect("call has an opening parenthesis");
            let mut args: Vec<Arg> = inner
                .filter(|p| p.as_rule() == Rule::arg)
                .map(|arg| {
                    let arg_span = span_of(&arg);
                    match arg.into_inner().next() {
                        Some(value) => Arg::Value(build(value)),
                        None => Arg::Empty(arg_span),
                    }
                })
                .collect();
            if args.len() == 1 && matches!(args[0], Arg::Empty(_)) {
                args.clear();
            }
            ExprKind::Call(Call {
                name: name_pair.as_str().to_owned(),
                name_span: span_of(&name_pair),
                open_span: span_of(&open_pair),
                args,
            })
        }
        other => unreachable!("grammar rule {other:?} is not an expression node"),
    };
    Expr { kind, span }
}
