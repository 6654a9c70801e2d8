//! The evaluation machine: runtime values ([`Value`], the .NET-like date and text semantics in
//! [`datetime`] and [`text`]), the compiled tree ([`Compiled`]) and the frame that evaluates it for
//! one source object. It knows no function by name: each call node carries the implementation
//! its catalogue declaration names (`expr/catalogue/`), bound once by [`crate::expr::eval::compile`].

pub mod datetime;
pub mod text;
mod value;

pub use value::{quote_inexact_numbers, AppRole, JsonSource, SourceObject, Value, ROLE_TYPE};

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::dotnet_regex::Replacement;
use crate::expr::syntax::CmpOp;
use chrono::{DateTime, Utc};
use rand::SeedableRng as _;
use regex::Regex;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

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

/// The bare words that stop a flow, with what they stop. They appear only in one AI-assisted
/// Microsoft guide: the checker warns about them and the evaluator honours them.
pub const FLOW_SENTINELS: &[(&str, NoFlowReason)] = &[
    ("IgnoreAttributeFlow", NoFlowReason::IgnoreAttributeFlow),
    ("IgnoreObjectFlow", NoFlowReason::IgnoreObjectFlow),
];

impl NoFlowReason {
    /// The reason a flow sentinel word stands for, if `word` is one of [`FLOW_SENTINELS`].
    pub fn sentinel(word: &str) -> Option<NoFlowReason> {
        FLOW_SENTINELS
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, reason)| *reason)
    }

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

/// A compiled expression, ready to evaluate for many objects.
#[derive(Debug)]
pub struct Compiled {
    root: Node,
}

impl Compiled {
    /// A compiled expression with this root.
    pub(crate) fn new(root: Node) -> Self {
        Compiled { root }
    }
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) span: Span,
    pub(crate) kind: NodeKind,
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
pub(crate) struct CallNode {
    /// The function's canonical name (for error messages).
    pub(crate) name: &'static str,
    /// Its implementation.
    pub(crate) run: Run,
    pub(crate) span: Span,
    pub(crate) args: Vec<Option<Node>>,
    /// What the function's `prepare` step computed once at compile time.
    pub(crate) precomputed: Precomputed,
}

impl fmt::Debug for CallNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallNode")
            .field("name", &self.name)
            .field("span", &self.span)
            .field("args", &self.args)
            .field("precomputed", &self.precomputed)
            .finish()
    }
}

/// A function's implementation: evaluates one call in a frame.
pub(crate) type Run = for<'a> fn(&mut Frame<'a>, &'a CallNode) -> Flow<'a>;

/// A function's compile-time step: prepares what every evaluation of one call shares (a constant
/// regular expression, the attributes a condition reads, how arguments bind by count).
pub(crate) type Prepare = fn(&mut CallNode);

impl Compiled {
    /// Evaluates for one object.
    pub fn eval(&self, source: &dyn SourceObject, ctx: &EvalContext) -> Result<Outcome, EvalError> {
        self.eval_ref(source, ctx).map(OutcomeRef::into_owned)
    }

    /// Evaluates for one object without copying values that come straight from the source or
    /// the expression (the fast path for previews).
    pub fn eval_ref<'a>(
        &'a self,
        source: &'a dyn SourceObject,
        ctx: &'a EvalContext,
    ) -> Result<OutcomeRef<'a>, EvalError> {
        let mut frame = Frame::new(source, ctx, false);
        let result = frame.eval(&self.root);
        finish(result, frame.redacted, self.root.span)
    }

    /// Evaluates for one object and records every sub-expression's result.
    pub fn eval_traced(
        &self,
        source: &dyn SourceObject,
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

/// What evaluating a node gives: a value (borrowed where possible), or why it stopped.
pub(crate) type Flow<'a> = Result<Cow<'a, Value>, Stop>;

/// The state of one evaluation.
pub(crate) struct Frame<'a> {
    pub(crate) source: &'a dyn SourceObject,
    pub(crate) ctx: &'a EvalContext,
    rng: Option<rand_chacha::ChaCha8Rng>,
    pub(crate) redacted: bool,
    trace: Option<Vec<TraceStep>>,
    depth: usize,
}

impl<'a> Frame<'a> {
    fn new(source: &'a dyn SourceObject, ctx: &'a EvalContext, trace: bool) -> Self {
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
                    compare(&l, *op, &r)
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
                let result = (call.run)(self, call);
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

/// What a function's `prepare` step computed once per call at compile time.
#[derive(Debug)]
pub(crate) enum Precomputed {
    /// Nothing (no `prepare` step, or nothing constant to compute).
    None,
    /// Replace's constant regex pattern, compiled, or why it does not compile.
    Pattern(Result<Arc<CompiledPattern>, String>),
    /// The attributes IIF's condition reads (for strict IIF).
    ConditionAttributes(Vec<Box<str>>),
}

/// A constant Replace pattern, and its replacement string when that is constant too.
#[derive(Debug)]
pub(crate) struct CompiledPattern {
    pub(crate) regex: Regex,
    pub(crate) replacement: Option<Replacement>,
}

/// The evaluation error of `call` with this message.
pub(crate) fn fail(call: &CallNode, message: impl Into<String>) -> Stop {
    Stop::Error(Box::new(EvalError {
        message: message.into(),
        span: call.span,
        function: Some(call.name),
    }))
}

/// A computed value.
pub(crate) fn owned<'a>(v: Value) -> Flow<'a> {
    Ok(Cow::Owned(v))
}

/// A computed text value.
pub(crate) fn str_value<'a>(s: String) -> Flow<'a> {
    owned(Value::Str(s))
}

/// A computed Boolean value.
pub(crate) fn bool_value<'a>(b: bool) -> Flow<'a> {
    owned(Value::Bool(b))
}

impl<'a> Frame<'a> {
    /// The value in slot `i`, `None` if the slot is empty or missing.
    pub(crate) fn arg(
        &mut self,
        call: &'a CallNode,
        i: usize,
    ) -> Result<Option<Cow<'a, Value>>, Stop> {
        match call.args.get(i) {
            Some(Some(node)) => self.eval(node).map(Some),
            _ => Ok(None),
        }
    }

    /// The value in slot `i`; an empty slot is Null.
    pub(crate) fn val(&mut self, call: &'a CallNode, i: usize) -> Flow<'a> {
        Ok(self.arg(call, i)?.unwrap_or(Cow::Owned(Value::Null)))
    }

    /// The text in slot `i`, `None` for Null or an empty slot.
    pub(crate) fn text(&mut self, call: &'a CallNode, i: usize) -> Result<Option<String>, Stop> {
        let v = self.val(call, i)?;
        single_text(&v)
            .map(|t| t.map(Cow::into_owned))
            .map_err(|m| fail(call, m))
    }

    /// The integer in slot `i`.
    pub(crate) fn int(&mut self, call: &'a CallNode, i: usize) -> Result<i64, Stop> {
        let v = self.val(call, i)?;
        int_of(&v).map_err(|m| fail(call, m))
    }

    /// The date in slot `i`.
    pub(crate) fn date(
        &mut self,
        call: &'a CallNode,
        i: usize,
    ) -> Result<chrono::DateTime<chrono::Utc>, Stop> {
        let v = self.val(call, i)?;
        date_of(&v).map_err(|m| fail(call, m))
    }

    pub(crate) fn rng(&mut self) -> &mut rand_chacha::ChaCha8Rng {
        let (seed, stream) = (self.ctx.seed, self.ctx.stream);
        self.rng.get_or_insert_with(|| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream);
            rng
        })
    }
}

/// The text of one value; `None` for Null; a list of one value is that value; more is an error.
pub(crate) fn single_text(v: &Value) -> Result<Option<Cow<'_, str>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Multi(values) if values.len() == 1 => single_text(&values[0]),
        Value::Multi(values) => Err(format!(
            "a multi-valued value ({} values) where one value is expected",
            values.len()
        )),
        Value::Role(role) => Ok(Some(Cow::Borrowed(role.value.as_str()))),
        other => Ok(other.text()),
    }
}

/// The integer a value holds (decimal text, a number or an `&H` literal).
pub(crate) fn int_of(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Null => Err("null where an integer is expected".to_owned()),
        other => {
            let text = single_text(other)?.unwrap_or_default();
            let t = text.trim();
            t.parse::<i64>()
                .ok()
                .or_else(|| {
                    t.strip_prefix("&H")
                        .and_then(|h| i64::from_str_radix(h, 16).ok())
                })
                .ok_or_else(|| format!("\"{t}\" is not an integer"))
        }
    }
}

/// The date a value holds (a DateTime, or text `CDate` parses).
pub(crate) fn date_of(v: &Value) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match v {
        Value::DateTime(d) => Ok(*d),
        Value::Null => Err("null where a date is expected".to_owned()),
        other => datetime::parse_cdate(&single_text(other)?.unwrap_or_default()),
    }
}

/// The truth of a condition value (Booleans, integers, text true/false).
pub(crate) fn truth(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Int(i) => Ok(*i != 0),
        Value::Null => Err("the condition is null".to_owned()),
        other => {
            let text = single_text(other)?.unwrap_or_default();
            let t = text.trim();
            if t.eq_ignore_ascii_case("true") {
                Ok(true)
            } else if t.eq_ignore_ascii_case("false") {
                Ok(false)
            } else if let Ok(i) = t.parse::<i64>() {
                Ok(i != 0)
            } else {
                Err(format!("\"{t}\" is not a Boolean"))
            }
        }
    }
}

/// Comparison semantics of `lhs op rhs` (see [`CHOICES`]).
pub(crate) fn compare(l: &Value, op: CmpOp, r: &Value) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ordering = if let (Value::DateTime(a), Value::DateTime(b)) = (l, r) {
        a.cmp(b)
    } else {
        let lt = single_text(l)?.unwrap_or_default();
        let rt = single_text(r)?.unwrap_or_default();
        match (lt.trim().parse::<i64>(), rt.trim().parse::<i64>()) {
            (Ok(a), Ok(b)) => a.cmp(&b),
            _ => lt.as_ref().cmp(rt.as_ref()),
        }
    };
    Ok(match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
    })
}

/// The text, unless it is longer than [`MAX_TEXT_BYTES`].
pub(crate) fn check_len(s: String) -> Result<String, String> {
    if s.len() > MAX_TEXT_BYTES {
        Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"))
    } else {
        Ok(s)
    }
}

/// Applies a text transform to a value, per value for lists. `null_as_empty`: Null is
/// transformed as `""` instead of staying Null.
pub(crate) fn map_text(
    v: &Value,
    null_as_empty: bool,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Value, String> {
    match v {
        Value::Null if null_as_empty => Ok(Value::Str(f("")?)),
        Value::Null => Ok(Value::Null),
        Value::Multi(values) => values
            .iter()
            .map(|x| map_text(x, null_as_empty, f))
            .collect::<Result<_, _>>()
            .map(Value::Multi),
        other => Ok(Value::Str(f(&single_text(other)?.unwrap_or_default())?)),
    }
}

/// Applies a text transform to the value of a call's first argument, per value for lists.
pub(crate) fn transform<'a>(
    fr: &mut Frame<'a>,
    call: &'a CallNode,
    null_as_empty: bool,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    map_text(&v, null_as_empty, f)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}
