//! The evaluator: runs an expression against one source object with the semantics of
//! Microsoft's function references (app provisioning and Cloud Sync); `docs/evaluator.md` lists
//! the choices made where they are silent.
//!
//! Use it in two steps so that nothing is parsed, resolved or compiled per object:
//!
//! 1. [`compile`] (or [`compile_text`]) turns a syntax tree into a [`Compiled`] expression: every
//!    call is bound to its implementation in [`IMPLEMENTATIONS`] (a table lookup done once),
//!    constant regular expressions, replacement strings and string literals are prepared.
//! 2. [`Compiled::eval`] evaluates it for one [`Source`] object under an [`EvalContext`]
//!    (clock, random seed, `%Parameter%` values, values already taken for SelectUniqueValue).
//!    [`Compiled::eval_traced`] also records the value of every sub-expression.
//!
//! The result is an [`Outcome`]: the value flows, or the attribute does not flow (with the
//! reason), or an [`EvalError`] with the span of the failing call. The semantic choices made
//! where Microsoft's documentation is silent are listed in [`CHOICES`] and per function in
//! [`Implementation::semantics`]; `docs/evaluator.md` has the same text.

pub mod datetime;

mod functions;
pub mod text;
mod value;

pub use functions::{reference_markdown, Choice, Implementation, CHOICES, IMPLEMENTATIONS};
pub use value::{quote_inexact_numbers, AppRole, JsonSource, Source, Value, ROLE_TYPE};

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{Arg, CmpOp, Expr, ExprKind};
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The largest text any function produces (bytes); beyond it evaluation fails.
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// The most values a multi-valued result may hold.
pub const MAX_VALUES: usize = 100_000;

/// How IIF treats a condition that reads a null or empty attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IifNullPolicy {
    /// Evaluate normally: IsPresent/IsNullOrEmpty work, a null compares as `""` (what Microsoft's
    /// own Cloud Sync defaults rely on). The default.
    #[default]
    Lenient,
    /// Fail, as the app provisioning reference says ("the condition check fails").
    Strict,
}

/// What an evaluation may depend on besides the source object.
#[derive(Debug, Clone)]
pub struct EvalContext {
    /// What `Now()` returns.
    pub now: DateTime<Utc>,
    /// Seed of the random generator (`Guid`, `RandomString`).
    pub seed: u64,
    /// Stream of the random generator: give each object its own (e.g. its index) to get different
    /// but reproducible values per object under one seed.
    pub stream: u64,
    /// Values of `%Name%` parameters (and of `DefaultDomain()` under the name `DefaultDomain`).
    pub parameters: HashMap<String, String>,
    /// Values SelectUniqueValue must treat as already existing in the target.
    pub taken: HashSet<String>,
    /// IIF on null or empty attributes.
    pub iif_null: IifNullPolicy,
}

impl EvalContext {
    /// A context with this clock, seed 0 and nothing else.
    pub fn at(now: DateTime<Utc>) -> Self {
        EvalContext {
            now,
            seed: 0,
            stream: 0,
            parameters: HashMap::new(),
            taken: HashSet::new(),
            iif_null: IifNullPolicy::default(),
        }
    }
}

impl Default for EvalContext {
    /// The system clock, seed 0.
    fn default() -> Self {
        EvalContext::at(DateTime::<Utc>::from(std::time::SystemTime::now()))
    }
}

/// Why an attribute does not flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoFlowReason {
    /// The expression yielded null (an absent attribute, a Switch without match and no default):
    /// the provisioning service does not send null values.
    NullResult,
    /// `IgnoreFlowIfNullOrEmpty` saw a null or empty value.
    IgnoreFlowIfNullOrEmpty,
    /// The `IgnoreAttributeFlow` sentinel was reached.
    IgnoreAttributeFlow,
    /// The `IgnoreObjectFlow` sentinel was reached: the whole object is skipped.
    IgnoreObjectFlow,
}

impl NoFlowReason {
    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            NoFlowReason::NullResult => {
                "the expression yields null, and null values are not provisioned"
            }
            NoFlowReason::IgnoreFlowIfNullOrEmpty => {
                "IgnoreFlowIfNullOrEmpty: the value is null or empty"
            }
            NoFlowReason::IgnoreAttributeFlow => "IgnoreAttributeFlow was reached",
            NoFlowReason::IgnoreObjectFlow => {
                "IgnoreObjectFlow was reached: the whole object is skipped"
            }
        }
    }

    /// A stable kebab-case name for machine output.
    pub fn as_str(self) -> &'static str {
        match self {
            NoFlowReason::NullResult => "null-result",
            NoFlowReason::IgnoreFlowIfNullOrEmpty => "ignore-flow-if-null-or-empty",
            NoFlowReason::IgnoreAttributeFlow => "ignore-attribute-flow",
            NoFlowReason::IgnoreObjectFlow => "ignore-object-flow",
        }
    }
}

/// The result of evaluating an expression for one object.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The value is sent.
    Flows {
        /// The value.
        value: Value,
        /// `Redact` was applied: provisioning logs show `[Redact]` instead.
        redacted: bool,
    },
    /// Nothing is sent for this attribute.
    NotFlowing {
        /// Why.
        reason: NoFlowReason,
        /// The part of the expression that decided it.
        span: Span,
    },
}

/// [`Outcome`] with the value borrowed from the source object or the expression where possible
/// (no copy of a directly mapped attribute): what [`Compiled::eval_ref`] returns.
#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeRef<'a> {
    /// The value is sent.
    Flows {
        /// The value.
        value: Cow<'a, Value>,
        /// `Redact` was applied.
        redacted: bool,
    },
    /// Nothing is sent for this attribute.
    NotFlowing {
        /// Why.
        reason: NoFlowReason,
        /// The part of the expression that decided it.
        span: Span,
    },
}

impl OutcomeRef<'_> {
    /// The owned form.
    pub fn into_owned(self) -> Outcome {
        match self {
            OutcomeRef::Flows { value, redacted } => Outcome::Flows {
                value: value.into_owned(),
                redacted,
            },
            OutcomeRef::NotFlowing { reason, span } => Outcome::NotFlowing { reason, span },
        }
    }
}

/// An evaluation failure for one object (Entra would fail the object's export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// What went wrong.
    pub message: String,
    /// The failing call (or node).
    pub span: Span,
    /// The function that failed, if a call did.
    pub function: Option<&'static str>,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.function {
            Some(name) => write!(f, "{name}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EvalError {}

impl EvalError {
    /// The finding for this failure (rule `evaluation-error`), spans in the expression.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::new(RuleId::EvaluationError, self.span, self.to_string())
            .with_primary_label("fails for this object")
    }
}

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
    source: &dyn Source,
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

/// What one traced sub-expression produced.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceResult {
    /// A value.
    Value(Value),
    /// The attribute stops flowing here.
    NotFlowing(NoFlowReason),
    /// Evaluation failed here.
    Failed,
}

/// One step of a traced evaluation, in completion order (children before parents).
#[derive(Debug, Clone, PartialEq)]
pub struct TraceStep {
    /// Nesting depth (0 = the whole expression).
    pub depth: usize,
    /// The sub-expression.
    pub span: Span,
    /// What it produced.
    pub result: TraceResult,
}

impl std::fmt::Display for TraceResult {
    /// The value's human form, `does not flow (reason)` or `error`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceResult::Value(v) => write!(f, "{v}"),
            TraceResult::NotFlowing(reason) => write!(f, "does not flow ({})", reason.as_str()),
            TraceResult::Failed => f.write_str("error"),
        }
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

/// A compiled expression, ready to evaluate for many objects.
#[derive(Debug)]
pub struct Compiled {
    root: Node,
}

#[derive(Debug)]
pub(crate) struct Node {
    span: Span,
    kind: NodeKind,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    Const(Value),
    Attr(Box<str>),
    Param(Box<str>),
    NoFlow(NoFlowReason),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    Call(Box<CallNode>),
}

/// A call bound to its implementation.
#[derive(Debug)]
pub(crate) struct CallNode {
    imp: &'static Implementation,
    span: Span,
    args: Vec<Option<Node>>,
    aux: functions::Aux,
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

/// Compiles a parsed expression. Fails only for names that are not functions at all (a call
/// spelled with the wrong letter case, such as `Instr`, binds to the function) and for hex
/// literals that overflow 64 bits. FormatDateTime with three arguments binds them as
/// (source, inputFormat, outputFormat), the Cloud Sync and legacy form, in every context.
pub fn compile(expr: &Expr) -> Result<Compiled, EvalError> {
    Ok(Compiled { root: lower(expr)? })
}

fn lower(expr: &Expr) -> Result<Node, EvalError> {
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
        ExprKind::Identifier(name) => match name.as_str() {
            "IgnoreAttributeFlow" => NodeKind::NoFlow(NoFlowReason::IgnoreAttributeFlow),
            "IgnoreObjectFlow" => NodeKind::NoFlow(NoFlowReason::IgnoreObjectFlow),
            other => NodeKind::Const(Value::Str(other.to_owned())),
        },
        ExprKind::Comparison { lhs, op, rhs, .. } => {
            NodeKind::Cmp(*op, Box::new(lower(lhs)?), Box::new(lower(rhs)?))
        }
        ExprKind::Call(call) => {
            let imp = functions::resolve(&call.name).ok_or_else(|| EvalError {
                message: format!("unknown function `{}`", call.name),
                span: call.name_span,
                function: None,
            })?;
            let args = call
                .args
                .iter()
                .map(|a| match a {
                    Arg::Empty(_) => Ok(None),
                    Arg::Value(e) => lower(e).map(Some),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut node = CallNode {
                imp,
                span: expr.span,
                args,
                aux: functions::Aux::None,
            };
            if let Some(prepare) = imp.prepare {
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

impl Compiled {
    /// Evaluates for one object.
    pub fn eval(&self, source: &dyn Source, ctx: &EvalContext) -> Result<Outcome, EvalError> {
        self.eval_ref(source, ctx).map(OutcomeRef::into_owned)
    }

    /// Evaluates for one object without copying values that come straight from the source or
    /// the expression (the fast path for previews).
    pub fn eval_ref<'a>(
        &'a self,
        source: &'a dyn Source,
        ctx: &'a EvalContext,
    ) -> Result<OutcomeRef<'a>, EvalError> {
        let mut frame = Frame::new(source, ctx, false);
        let result = frame.eval(&self.root);
        finish(result, frame.redacted, self.root.span)
    }

    /// Evaluates for one object and records every sub-expression's result.
    pub fn eval_traced(
        &self,
        source: &dyn Source,
        ctx: &EvalContext,
    ) -> (Result<Outcome, EvalError>, Vec<TraceStep>) {
        let mut frame = Frame::new(source, ctx, true);
        let result = frame.eval(&self.root);
        let redacted = frame.redacted;
        let trace = frame.trace.take().unwrap_or_default();
        (
            finish(result, redacted, self.root.span).map(OutcomeRef::into_owned),
            trace,
        )
    }

    /// The span of the whole expression.
    pub fn span(&self) -> Span {
        self.root.span
    }
}

fn finish(
    result: Result<Cow<'_, Value>, Stop>,
    redacted: bool,
    span: Span,
) -> Result<OutcomeRef<'_>, EvalError> {
    match result {
        Ok(v) if v.is_null() => Ok(OutcomeRef::NotFlowing {
            reason: NoFlowReason::NullResult,
            span,
        }),
        Ok(value) => Ok(OutcomeRef::Flows { value, redacted }),
        Err(Stop::NoFlow(reason, span)) => Ok(OutcomeRef::NotFlowing { reason, span }),
        Err(Stop::Error(e)) => Err(*e),
    }
}

/// Why evaluation stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    NoFlow(NoFlowReason, Span),
    Error(Box<EvalError>),
}

type Flow<'a> = Result<Cow<'a, Value>, Stop>;

/// The state of one evaluation.
pub(crate) struct Frame<'a> {
    source: &'a dyn Source,
    ctx: &'a EvalContext,
    rng: Option<rand_chacha::ChaCha8Rng>,
    redacted: bool,
    trace: Option<Vec<TraceStep>>,
    depth: usize,
}

impl<'a> Frame<'a> {
    fn new(source: &'a dyn Source, ctx: &'a EvalContext, trace: bool) -> Self {
        Frame {
            source,
            ctx,
            rng: None,
            redacted: false,
            trace: trace.then(Vec::new),
            depth: 0,
        }
    }

    fn eval(&mut self, node: &'a Node) -> Flow<'a> {
        static NULL: Value = Value::Null;
        let result = match &node.kind {
            NodeKind::Const(v) => return Ok(Cow::Borrowed(v)),
            NodeKind::Attr(name) => Ok(Cow::Borrowed(self.source.get(name).unwrap_or(&NULL))),
            NodeKind::Param(name) => match self.ctx.parameters.get(&**name) {
                Some(v) => Ok(Cow::Owned(Value::Str(v.clone()))),
                None => Err(Stop::Error(Box::new(EvalError {
                    message: format!("parameter %{name}% has no value (pass --param {name}=VALUE)"),
                    span: node.span,
                    function: None,
                }))),
            },
            NodeKind::NoFlow(reason) => Err(Stop::NoFlow(*reason, node.span)),
            NodeKind::Cmp(op, lhs, rhs) => {
                self.depth += 1;
                let result = self.eval(lhs).and_then(|l| {
                    let r = self.eval(rhs)?;
                    functions::compare(&l, *op, &r)
                        .map(|b| Cow::Owned(Value::Bool(b)))
                        .map_err(|message| {
                            Stop::Error(Box::new(EvalError {
                                message,
                                span: node.span,
                                function: None,
                            }))
                        })
                });
                self.depth -= 1;
                result
            }
            NodeKind::Call(call) => {
                self.depth += 1;
                let result = (call.imp.run)(self, call);
                self.depth -= 1;
                result
            }
        };
        if let Some(trace) = &mut self.trace {
            trace.push(TraceStep {
                depth: self.depth,
                span: node.span,
                result: match &result {
                    Ok(v) => TraceResult::Value(v.as_ref().clone()),
                    Err(Stop::NoFlow(reason, _)) => TraceResult::NotFlowing(*reason),
                    Err(Stop::Error(_)) => TraceResult::Failed,
                },
            });
        }
        result
    }
}
