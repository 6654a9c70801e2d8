//! The evaluator: runs an expression against one source object with the semantics of
//! Microsoft's function references (app provisioning and Cloud Sync); `docs/evaluator.md` lists
//! the choices made where they are silent.
//!
//! Use it in two steps so that nothing is parsed, resolved or compiled per object:
//!
//! 1. [`compile`] (or [`compile_text`]) turns a syntax tree into a [`Compiled`] expression: every
//!    call is bound to the implementation its catalogue declaration names (a lookup done once),
//!    and the function's `prepare` step runs (constant regular expressions, replacement strings).
//! 2. [`Compiled::eval`] evaluates it for one source object ([`SourceObject`]) under an [`EvalContext`]
//!    (clock, random seed, `%Parameter%` values, values already taken for SelectUniqueValue).
//!    [`Compiled::eval_traced`] also records the value of every sub-expression.
//!
//! The result is an [`Outcome`]: the value flows, or the attribute does not flow (with the
//! reason), or an [`EvalError`] with the span of the failing call. The machine itself is
//! [`crate::expr::runtime`]; the semantic choices made where Microsoft's documentation is silent
//! are [`CHOICES`] and each function's `semantics` in the catalogue.

pub use crate::expr::catalogue::{reference_markdown, Choice, CHOICES};
pub use crate::expr::runtime::{
    datetime, quote_inexact_numbers, text, AppRole, Compiled, EvalContext, EvalError,
    IifNullPolicy, JsonSource, NoFlowReason, Outcome, OutcomeRef, SourceObject, TraceResult,
    TraceStep, Value, MAX_TEXT_BYTES, MAX_VALUES, ROLE_TYPE,
};

use crate::diagnostics::Diagnostic;
use crate::expr::catalogue;
use crate::expr::runtime::{CallNode, Node, NodeKind, Precomputed};
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{Arg, Expr, ExprKind};

/// Everything `entramap eval` reports for one expression and one object: the checker's findings,
/// then (when the expression has no error) the result and, if asked, the trace.
#[derive(Debug)]
pub struct Evaluation {
    /// The checker's findings, and the evaluation failure as `evaluation-error`.
    pub diagnostics: Vec<Diagnostic>,
    /// The outcome; `None` when the expression has errors and was not evaluated.
    pub result: Option<Result<Outcome, EvalError>>,
    /// Every sub-expression's result, when a trace was asked for.
    pub trace: Vec<TraceStep>,
}

/// Checks `text` with `options`, and when it has no error, compiles it and evaluates it for
/// `source` (recording a trace if `trace`).
pub fn check_and_evaluate(
    text: &str,
    options: &crate::expr::checker::CheckOptions<'_>,
    source: &dyn SourceObject,
    ctx: &EvalContext,
    trace: bool,
) -> Evaluation {
    let checked = crate::expr::checker::check_text(text, options);
    let mut diagnostics = checked.diagnostics;
    let clean = diagnostics
        .iter()
        .all(|d| d.severity < crate::diagnostics::Severity::Error);
    let compiled = match checked.expr.as_ref().filter(|_| clean).map(compile) {
        Some(Ok(compiled)) => compiled,
        Some(Err(e)) => {
            diagnostics.push(e.diagnostic());
            return Evaluation {
                diagnostics,
                result: None,
                trace: Vec::new(),
            };
        }
        None => {
            return Evaluation {
                diagnostics,
                result: None,
                trace: Vec::new(),
            }
        }
    };
    let (result, trace) = if trace {
        compiled.eval_traced(source, ctx)
    } else {
        (compiled.eval(source, ctx), Vec::new())
    };
    if let Err(e) = &result {
        diagnostics.push(e.diagnostic());
    }
    Evaluation {
        diagnostics,
        result: Some(result),
        trace,
    }
}

/// Parses, compiles and evaluates `text` for `source` without checking it: for a mapping that
/// `lint` has already judged (see [`crate::lint::gate`]), whose findings are the verdict. What
/// cannot be evaluated (a syntax error, an unknown function, a bare word) is a diagnostic.
pub fn evaluate_unchecked(
    text: &str,
    source: &dyn SourceObject,
    ctx: &EvalContext,
    trace: bool,
) -> Evaluation {
    let compiled = match compile_text(text) {
        Ok(compiled) => compiled,
        Err(e) => {
            return Evaluation {
                diagnostics: vec![e.diagnostic()],
                result: None,
                trace: Vec::new(),
            }
        }
    };
    let (result, trace) = if trace {
        compiled.eval_traced(source, ctx)
    } else {
        (compiled.eval(source, ctx), Vec::new())
    };
    Evaluation {
        diagnostics: result
            .as_ref()
            .err()
            .map(EvalError::diagnostic)
            .into_iter()
            .collect(),
        result: Some(result),
        trace,
    }
}

/// A trace of `text` as `entramap eval --trace` prints it: every step's sub-expression on one
/// line (whitespace collapsed, at most 72 characters), indented two spaces per depth, and
/// `=> result` under it. Control characters are escaped (the text may come from a file).
pub fn trace_text(text: &str, trace: &[TraceStep]) -> String {
    trace_text_with(text, trace, "", |_| String::new())
}

/// [`trace_text`] with every line after `margin`, and `note(step)` after each result (where a
/// derived value came from, for instance).
pub fn trace_text_with(
    text: &str,
    trace: &[TraceStep],
    margin: &str,
    note: impl Fn(&TraceStep) -> String,
) -> String {
    use crate::base::text::escape_controls;
    let mut out = String::new();
    for step in trace {
        let raw = text.get(step.span.start..step.span.end).unwrap_or("");
        let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = if flat.chars().count() > 72 {
            format!("{}…", flat.chars().take(71).collect::<String>())
        } else {
            flat
        };
        let indent = format!("{margin}{}", "  ".repeat(step.depth));
        out.push_str(&format!(
            "{indent}{}\n{indent}  => {}{}\n",
            escape_controls(&shown),
            escape_controls(&step.result.to_string()),
            escape_controls(&note(step))
        ));
    }
    out
}

/// Parses and compiles an expression (no checking: run [`crate::expr::checker`] first for diagnostics).
pub fn compile_text(text: &str) -> Result<Compiled, EvalError> {
    let expr = crate::expr::syntax::parse(text).map_err(|d| EvalError {
        message: d.message.clone(),
        span: d.span,
        function: None,
    })?;
    compile(&expr)
}

/// Compiles a parsed expression. Fails for names that are not functions at all (a call
/// spelled with the wrong letter case, such as `Instr`, binds to the function), for hex
/// literals that overflow 64 bits and for a bare word outside an argument that takes one (such
/// as `Employee` where YAML removed the quotes of `"Employee"`): a bare word is never evaluated
/// as its own text. FormatDateTime with three arguments binds them as (source, inputFormat,
/// outputFormat), the form of the service's function list, in every context.
pub fn compile(expr: &Expr) -> Result<Compiled, EvalError> {
    Ok(Compiled::new(lower(expr, false)?))
}

/// `enum_slot`: `expr` is an argument whose parameter takes a bare word (an enum value such
/// as `Unicode`).
/// Whether argument `index` of a call of `function` with `count` arguments takes a bare word
/// (an enum parameter, in the form the argument count binds to).
fn takes_bare_word(function: &catalogue::Function, count: usize, index: usize) -> bool {
    let form = catalogue::lookup_any_context(function.name, count).unwrap_or(function);
    form.param_for(index)
        .is_some_and(|p| matches!(p.kind, catalogue::ParamKind::Enum { .. }))
}

fn lower(expr: &Expr, enum_slot: bool) -> Result<Node, EvalError> {
    let kind = match &expr.kind {
        ExprKind::Str(raw) => NodeKind::Const(Value::Str(decode_string(raw).into_owned())),
        ExprKind::Number(n) => NodeKind::Const(Value::Str(n.clone())),
        ExprKind::Hex(digits) => match i64::from_str_radix(digits, 16) {
            Ok(v) => NodeKind::Const(Value::Int(v)),
            Err(_) => {
                return Err(EvalError {
                    message: format!("&H{digits} does not fit in 64 bits"),
                    span: expr.span,
                    function: None,
                })
            }
        },
        ExprKind::Attribute(name) => NodeKind::Attr(name.as_str().into()),
        ExprKind::Parameter(name) => NodeKind::Param(name.as_str().into()),
        ExprKind::Identifier(name) => match (NoFlowReason::sentinel(name), name.as_str()) {
            (Some(reason), _) => NodeKind::NoFlow(reason),
            (None, other) if enum_slot => NodeKind::Const(Value::Str(other.to_owned())),
            (None, other) => {
                return Err(EvalError {
                    message: format!(
                        "unknown identifier `{other}`: a bare word is not text (write \"{other}\")"
                    ),
                    span: expr.span,
                    function: None,
                })
            }
        },
        ExprKind::Comparison { lhs, op, rhs, .. } => NodeKind::Cmp(
            *op,
            Box::new(lower(lhs, false)?),
            Box::new(lower(rhs, false)?),
        ),
        ExprKind::Call(call) => {
            let function = catalogue::implementation(&call.name).ok_or_else(|| EvalError {
                message: format!("unknown function `{}`", call.name),
                span: call.name_span,
                function: None,
            })?;
            let args = call
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| match a {
                    Arg::Empty(_) => Ok(None),
                    Arg::Value(e) => {
                        lower(e, takes_bare_word(function, call.args.len(), i)).map(Some)
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut node = CallNode {
                name: function.name,
                run: function.run,
                span: expr.span,
                args,
                precomputed: Precomputed::None,
            };
            if let Some(prepare) = function.prepare {
                prepare(&mut node);
            }
            NodeKind::Call(Box::new(node))
        }
    };
    Ok(Node {
        span: expr.span,
        kind,
    })
}
