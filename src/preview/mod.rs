//! `entramap preview`: a dry run of provisioning. Every user of an export goes through the
//! user mapping's scoping filter and attribute mappings; the result is the SCIM payload Entra
//! would send, or the problems that would make the user fail.
//!
//! Use it in two steps: [`Plan::new`] compiles a prepared mapping once (slots for the source
//! attributes it reads, compiled expressions and scoping filter, the payload [`Template`],
//! target constraints); [`preview`] streams an export through it and reports to a [`Sink`] in
//! export order, whatever the number of threads. Work is spread over a rayon pool by chunks of
//! users; the calling thread reads the export and merges the results back in order, checking
//! the values that must be unique across users (matching attributes, `unique` targets). Memory
//! stays flat in the number of users apart from those value sets (a 96-bit hash and the line of
//! the first user of each value in a 16-byte slot, 20 to 30 bytes a value: [`unique`]); the
//! buffers of a chunk of work are recycled from chunk to chunk.
//!
//! Every user read ends up counted exactly once: `users_read = payloads + failures +
//! out_of_scope + unreadable` ([`Summary::balanced`]).

pub mod input;
pub mod payload;
pub mod record;
pub mod scoping;
pub mod unique;

pub use input::InputFormat;
pub use payload::Template;

use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Severity;
use crate::expr::eval::{self, Compiled, EvalContext, NoFlowReason, OutcomeRef, Value};
use crate::expr::source::ObjectKind;
use crate::expr::syntax::{Expr, ExprKind};
use crate::model::profile::{Mutability, TargetAttribute};
use crate::model::MappingKind;
use crate::model::Prepared;
use chrono::{DateTime, Utc};
use input::{Body, Chunk, Decoder, Reader};
use record::{Attributes, Record};
use regex::Regex;
use scoping::Scoping;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};
use std::ops::Range;
use unique::{ValueHash, ValueSet};

/// The rule ids preview reports (all in [`crate::diagnostics::rules::RULES`]).
pub mod rule {
    use crate::diagnostics::rules::RuleId;

    /// A required target attribute (or a matching attribute) gets no value.
    pub const REQUIRED_MISSING: RuleId = RuleId::PreviewRequiredMissing;
    /// Two users have the same value of a matching attribute.
    pub const DUPLICATE_MATCHING_VALUE: RuleId = RuleId::PreviewDuplicateMatchingValue;
    /// A value breaks the target profile's `pattern`, `max_length` or `unique`.
    pub const CONSTRAINT: RuleId = RuleId::PreviewConstraint;
    /// A value does not convert to the target attribute's type.
    pub const TYPE: RuleId = RuleId::PreviewType;
    /// A row of the export cannot be read.
    pub const UNREADABLE_ROW: RuleId = RuleId::PreviewUnreadableRow;
    /// An expression fails for the user.
    pub const EVALUATION_ERROR: RuleId = RuleId::PreviewEvaluationError;
    /// The user is out of scope (a note).
    pub const OUT_OF_SCOPE: RuleId = RuleId::PreviewOutOfScope;
}

/// How to run a preview.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// How the export is written.
    pub format: InputFormat,
    /// Users per chunk of work.
    pub chunk_size: usize,
    /// What `Now()` returns.
    pub now: DateTime<Utc>,
    /// Seed of `Guid()` / `RandomString()` (the stream is the user's line).
    pub seed: u64,
    /// `%Name%` parameter values.
    pub parameters: HashMap<String, String>,
}

impl Default for Options {
    /// All cores, automatic format, 2,048 users per chunk, the system clock, seed 0.
    fn default() -> Self {
        Options {
            jobs: 0,
            format: InputFormat::Auto,
            chunk_size: 2048,
            now: DateTime::<Utc>::from(std::time::SystemTime::now()),
            seed: 0,
            parameters: HashMap::new(),
        }
    }
}

/// One problem with one user (or one unreadable row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The rule id (`preview-…`).
    pub rule: RuleId,
    /// Its severity.
    pub severity: Severity,
    /// The user's line in the export (1-based; for a Graph page, where the user object starts).
    pub line: u64,
    /// The target attribute concerned, if one is.
    pub target: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The counts of a preview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Rows read (users, including unreadable rows).
    pub users_read: u64,
    /// Users with a payload.
    pub payloads: u64,
    /// Users in scope that would fail.
    pub failures: u64,
    /// Users out of scope (including those skipped by IgnoreObjectFlow).
    pub out_of_scope: u64,
    /// Rows that could not be read.
    pub unreadable: u64,
    /// Problems by rule id.
    pub problems: BTreeMap<RuleId, u64>,
}

impl Summary {
    /// Whether every row read is counted exactly once.
    pub fn balanced(&self) -> bool {
        self.users_read == self.payloads + self.failures + self.out_of_scope + self.unreadable
    }

    /// Problems at or above `level`.
    pub fn count_at_least(&self, level: Severity) -> u64 {
        self.problems
            .iter()
            .filter(|(rule, _)| rule.severity() >= level)
            .map(|(_, n)| n)
            .sum()
    }
}

/// Where a preview's results go, in export order.
pub trait Sink {
    /// One problem.
    fn problem(&mut self, problem: &Problem) -> io::Result<()>;
    /// One user's SCIM payload (a JSON object without a newline).
    fn payload(&mut self, line: u64, json: &[u8]) -> io::Result<()>;
    /// Progress: bytes of the export consumed and rows done so far.
    fn progress(&mut self, _bytes: u64, _rows: u64) {}
}

/// Why a mapping cannot be previewed, or a preview stopped.
#[derive(Debug)]
pub enum PreviewError {
    /// The mapping has something preview cannot run (`entramap lint` locates it).
    Mapping(String),
    /// Reading the export failed.
    Read(io::Error),
    /// The sink failed.
    Write(io::Error),
    /// The thread pool could not be built.
    Threads(String),
}

impl std::fmt::Display for PreviewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreviewError::Mapping(m) => write!(f, "{m}"),
            PreviewError::Read(e) => write!(f, "cannot read the export: {e}"),
            PreviewError::Write(e) => write!(f, "cannot write: {e}"),
            PreviewError::Threads(e) => write!(f, "cannot start worker threads: {e}"),
        }
    }
}

impl std::error::Error for PreviewError {}

#[derive(Debug)]
enum Produce {
    Direct(usize),
    Constant(Value),
    Expression(Compiled),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Matching,
    Unique,
}

#[derive(Debug)]
struct Field {
    target: String,
    produce: Produce,
    default: Option<Value>,
    attribute: Option<TargetAttribute>,
    pattern: Option<(Regex, String)>,
    key: Option<(KeyKind, usize)>,
    case_exact: bool,
}

#[derive(Debug)]
struct SoftDeleted {
    flag: usize,
    enabled: usize,
    deleted: usize,
}

/// A user mapping compiled for previews.
#[derive(Debug)]
pub struct Plan {
    attributes: Attributes,
    scoping: Scoping,
    enabled: bool,
    fields: Vec<Field>,
    template: Template,
    required: Vec<(String, Option<usize>)>,
    soft_deleted: Option<SoftDeleted>,
    key_sets: usize,
}

fn collect_attributes(expr: &Expr, attributes: &mut Attributes) {
    match &expr.kind {
        ExprKind::Attribute(name) => {
            attributes.add(name);
        }
        ExprKind::Call(call) => {
            for arg in call.args.iter().filter_map(|a| a.value()) {
                collect_attributes(arg, attributes);
            }
        }
        ExprKind::Comparison { lhs, rhs, .. } => {
            collect_attributes(lhs, attributes);
            collect_attributes(rhs, attributes);
        }
        _ => {}
    }
}

impl Plan {
    /// Compiles the user mapping of a prepared mapping file. Fails for what `lint` reports as
    /// errors and preview cannot run: a mapping without a value, an expression or target that
    /// does not parse, an unknown scoping operator, an invalid regular expression.
    pub fn new(prepared: &Prepared) -> Result<Plan, PreviewError> {
        let mapping = &prepared.file.users;
        let targets = prepared.targets(ObjectKind::User);
        let mut attributes = Attributes::default();
        let scoping = Scoping::compile(&mapping.scoping, &mut attributes)
            .map_err(|e| PreviewError::Mapping(format!("user scoping filter: {e}")))?;
        let mut fields = Vec::with_capacity(mapping.mappings.len());
        let mut paths = Vec::with_capacity(mapping.mappings.len());
        let mut key_sets = 0;
        for m in &mapping.mappings {
            let target = m.target.value.clone();
            let fail =
                |what: String| PreviewError::Mapping(format!("mapping to `{target}`: {what}"));
            let path = crate::model::target_path::parse(&target).map_err(|e| fail(e.message))?;
            let produce = match &m.kind {
                Some(MappingKind::Source(source)) => Produce::Direct(attributes.add(&source.value)),
                Some(MappingKind::Constant(text)) => Produce::Constant(Value::str(&text.value)),
                Some(MappingKind::Expression {
                    expr: Some(expr), ..
                }) => {
                    collect_attributes(expr, &mut attributes);
                    Produce::Expression(eval::compile(expr).map_err(|e| fail(e.to_string()))?)
                }
                Some(MappingKind::Expression { expr: None, .. }) => {
                    return Err(fail("the expression does not parse".to_owned()))
                }
                None => return Err(fail("no source, expression or constant".to_owned())),
            };
            let attribute = targets.get(&target).cloned();
            let pattern = match attribute.as_ref().and_then(|a| a.pattern.clone()) {
                Some(p) => Some((
                    crate::expr::dotnet_regex::compile(&p)
                        .map_err(|e| fail(format!("profile pattern `{p}`: {e}")))?,
                    p,
                )),
                None => None,
            };
            let kind = if m.matching_precedence.is_some() {
                Some(KeyKind::Matching)
            } else if attribute.as_ref().is_some_and(|a| a.unique) {
                Some(KeyKind::Unique)
            } else {
                None
            };
            let key = kind.map(|k| {
                key_sets += 1;
                (k, key_sets - 1)
            });
            paths.push((fields.len(), path));
            fields.push(Field {
                case_exact: attribute.as_ref().is_some_and(|a| a.case_exact),
                target,
                produce,
                default: m.default.as_ref().map(|d| Value::str(&d.value)),
                attribute,
                pattern,
                key,
            });
        }
        let template = Template::new(paths.iter().map(|(i, p)| (*i, p)));
        let mut required: Vec<(String, Option<usize>)> = targets
            .attributes()
            .iter()
            .filter(|a| a.required && !a.primary_key && a.mutability != Mutability::ReadOnly)
            .map(|a| {
                (
                    a.name.clone(),
                    fields.iter().position(|f| f.target == a.name),
                )
            })
            .collect();
        for (i, field) in fields.iter().enumerate() {
            if field.key.is_some_and(|(k, _)| k == KeyKind::Matching)
                && required.iter().all(|(name, _)| *name != field.target)
            {
                required.push((field.target.clone(), Some(i)));
            }
        }
        let soft_deleted = attributes
            .lookup("IsSoftDeleted")
            .map(|(flag, _)| SoftDeleted {
                flag,
                enabled: attributes.add("accountEnabled"),
                deleted: attributes.add("deletedDateTime"),
            });
        Ok(Plan {
            attributes,
            scoping,
            enabled: mapping.enabled,
            fields,
            template,
            required,
            soft_deleted,
            key_sets,
        })
    }

    /// The source attributes the mapping reads (the only ones parsed from the export).
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    /// The payload layout.
    pub fn template(&self) -> &Template {
        &self.template
    }
}

/// What happened to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Payload,
    Failure,
    OutOfScope,
    Unreadable,
}

#[derive(Debug)]
struct UserOut {
    line: u64,
    status: Status,
    problems_end: usize,
    payload_end: usize,
    keys_end: usize,
}

#[derive(Debug)]
struct KeyOut {
    set: usize,
    field: usize,
    hash: ValueHash,
    text: Range<usize>,
}

/// The results of one chunk, in record order.
#[derive(Debug, Default)]
struct ChunkOut {
    users: Vec<UserOut>,
    problems: Vec<Problem>,
    payloads: Vec<u8>,
    keys: Vec<KeyOut>,
    key_text: Vec<u8>,
    bytes: u64,
}

impl ChunkOut {
    /// Empties the results, keeping the buffers for the next chunk.
    fn clear(&mut self) {
        self.users.clear();
        self.problems.clear();
        self.payloads.clear();
        self.keys.clear();
        self.key_text.clear();
        self.bytes = 0;
    }
}

/// The buffers and the worker state of one chunk of work, recycled from chunk to chunk so that
/// a preview allocates nothing per chunk once they have grown.
struct Job<'p> {
    chunk: Chunk,
    out: ChunkOut,
    worker: Worker<'p>,
}

fn problem(rule: RuleId, line: u64, target: Option<&str>, message: String) -> Problem {
    Problem {
        rule,
        severity: rule.severity(),
        line,
        target: target.map(str::to_owned),
        message,
    }
}

struct Worker<'p> {
    plan: &'p Plan,
    record: Record<'p>,
    ctx: EvalContext,
    scratch: Vec<u8>,
    fields: Vec<Option<Range<usize>>>,
}

impl<'p> Worker<'p> {
    fn new(plan: &'p Plan, options: &Options) -> Self {
        let mut ctx = EvalContext::at(options.now);
        ctx.seed = options.seed;
        ctx.parameters = options.parameters.clone();
        Worker {
            plan,
            record: Record::new(&plan.attributes),
            ctx,
            scratch: Vec::with_capacity(1024),
            fields: vec![None; plan.fields.len()],
        }
    }

    /// Runs every user of `chunk`, filling `out` (emptied first).
    fn run(&mut self, chunk: &Chunk, decoder: &Decoder, out: &mut ChunkOut) {
        out.clear();
        for raw in &chunk.records {
            self.record.clear();
            let status = match decoder.decode(chunk, &raw.body, &mut self.record) {
                Err(reason) => {
                    let what = if matches!(raw.body, Body::Unreadable(_)) {
                        reason
                    } else {
                        format!("cannot read the user: {reason}")
                    };
                    out.problems
                        .push(problem(rule::UNREADABLE_ROW, raw.line, None, what));
                    Status::Unreadable
                }
                Ok(()) => self.user(raw.line, out),
            };
            out.users.push(UserOut {
                line: raw.line,
                status,
                problems_end: out.problems.len(),
                payload_end: out.payloads.len(),
                keys_end: out.keys.len(),
            });
        }
    }

    fn user(&mut self, line: u64, out: &mut ChunkOut) -> Status {
        let plan = self.plan;
        if let Some(sd) = &plan.soft_deleted {
            if !self.record.is_present(sd.flag) {
                let disabled = matches!(self.record.slot(sd.enabled), Some(Value::Bool(false)))
                    || matches!(self.record.slot(sd.enabled), Some(Value::Str(s)) if s.eq_ignore_ascii_case("false"));
                let deleted = self
                    .record
                    .slot(sd.deleted)
                    .is_some_and(|v| !v.is_null_or_empty());
                *self.record.slot_mut(sd.flag) = Value::Bool(disabled || deleted);
            }
        }
        if !plan.enabled {
            out.problems.push(problem(
                rule::OUT_OF_SCOPE,
                line,
                None,
                "out of scope: the user object mapping is disabled".to_owned(),
            ));
            return Status::OutOfScope;
        }
        if !plan.scoping.admits(&self.record) {
            out.problems.push(problem(
                rule::OUT_OF_SCOPE,
                line,
                None,
                plan.scoping.explain(&self.record),
            ));
            return Status::OutOfScope;
        }
        self.ctx.stream = line;
        self.scratch.clear();
        let problems_start = out.problems.len();
        let keys_start = out.keys.len();
        for (i, field) in plan.fields.iter().enumerate() {
            self.fields[i] = None;
            let outcome = match &field.produce {
                Produce::Direct(slot) => self
                    .record
                    .slot(*slot)
                    .filter(|v| !v.is_null())
                    .map(Cow::Borrowed),
                Produce::Constant(v) => Some(Cow::Borrowed(v)),
                Produce::Expression(compiled) => match compiled.eval_ref(&self.record, &self.ctx) {
                    Ok(OutcomeRef::Flows { value, .. }) => Some(value),
                    Ok(OutcomeRef::NotFlowing {
                        reason: NoFlowReason::IgnoreObjectFlow,
                        ..
                    }) => {
                        out.problems.truncate(problems_start);
                        out.keys.truncate(keys_start);
                        out.problems.push(problem(
                            rule::OUT_OF_SCOPE,
                            line,
                            Some(&field.target),
                            "skipped: IgnoreObjectFlow was reached".to_owned(),
                        ));
                        return Status::OutOfScope;
                    }
                    Ok(OutcomeRef::NotFlowing { .. }) => None,
                    Err(e) => {
                        out.problems.push(problem(
                            rule::EVALUATION_ERROR,
                            line,
                            Some(&field.target),
                            e.to_string(),
                        ));
                        continue;
                    }
                },
            };
            let value = match outcome {
                Some(v) => v,
                None => match &field.default {
                    Some(d) => Cow::Borrowed(d),
                    None => continue,
                },
            };
            let start = self.scratch.len();
            if let Err(message) =
                payload::write_value(&mut self.scratch, &value, field.attribute.as_ref())
            {
                self.scratch.truncate(start);
                let expected = field
                    .attribute
                    .as_ref()
                    .map_or_else(String::new, |a| format!(" (the target is {})", a.ty()));
                out.problems.push(problem(
                    rule::TYPE,
                    line,
                    Some(&field.target),
                    format!("{message}{expected}"),
                ));
                continue;
            }
            check_constraints(field, &value, line, &mut out.problems);
            self.fields[i] = Some(start..self.scratch.len());
            if let Some((_, set)) = field.key {
                let json = &self.scratch[start..];
                let text_start = out.key_text.len();
                out.key_text.extend_from_slice(json);
                out.keys.push(KeyOut {
                    set,
                    field: i,
                    hash: ValueHash::of(json, !field.case_exact),
                    text: text_start..out.key_text.len(),
                });
            }
        }
        for (target, index) in &plan.required {
            let missing = match index {
                Some(i) => match &self.fields[*i] {
                    Some(range) => &self.scratch[range.clone()] == b"\"\"",
                    None => true,
                },
                None => true,
            };
            if missing {
                let what = if index.is_some_and(|i| {
                    plan.fields[i]
                        .key
                        .is_some_and(|(k, _)| k == KeyKind::Matching)
                }) {
                    "the matching attribute has no value: Entra cannot match the user"
                } else if index.is_none() {
                    "required by the target, and nothing maps it"
                } else {
                    "required by the target, and the mapping gives no value"
                };
                out.problems.push(problem(
                    rule::REQUIRED_MISSING,
                    line,
                    Some(target),
                    what.to_owned(),
                ));
            }
        }
        if out.problems.len() > problems_start {
            return Status::Failure;
        }
        plan.template
            .write(&self.fields, &self.scratch, &mut out.payloads);
        Status::Payload
    }
}

fn check_constraints(field: &Field, value: &Value, line: u64, problems: &mut Vec<Problem>) {
    let Some(attribute) = &field.attribute else {
        return;
    };
    if attribute.max_length.is_none() && field.pattern.is_none() {
        return;
    }
    let values: &[Value] = match value {
        Value::Multi(values) => values,
        one => std::slice::from_ref(one),
    };
    for v in values {
        let Some(text) = v.text() else { continue };
        if let Some(max) = attribute.max_length {
            let length = text.chars().count();
            if length > max as usize {
                problems.push(problem(
                    rule::CONSTRAINT,
                    line,
                    Some(&field.target),
                    format!("{v} has {length} characters; the target takes at most {max}"),
                ));
            }
        }
        if let Some((regex, pattern)) = &field.pattern {
            if !regex.is_match(&text) {
                problems.push(problem(
                    rule::CONSTRAINT,
                    line,
                    Some(&field.target),
                    format!("{v} does not match the target's pattern `{pattern}`"),
                ));
            }
        }
    }
}

struct Merger<'a> {
    plan: &'a Plan,
    sink: &'a mut dyn Sink,
    summary: Summary,
    seen: Vec<ValueSet>,
}

impl Merger<'_> {
    fn report(&mut self, problem: &Problem) -> io::Result<()> {
        *self.summary.problems.entry(problem.rule).or_default() += 1;
        self.sink.problem(problem)
    }

    fn merge(&mut self, out: &ChunkOut) -> io::Result<()> {
        /// Users whose values are looked up ahead ([`ValueSet::warm`]): few enough that writing
        /// their payloads does not push the slots out of the cache again.
        const AHEAD: usize = 64;
        let (mut p, mut payload, mut k) = (0, 0, 0);
        for (i, user) in out.users.iter().enumerate() {
            if i.is_multiple_of(AHEAD) && !self.seen.is_empty() {
                let last = &out.users[(i + AHEAD).min(out.users.len()) - 1];
                let ahead = &out.keys[k..last.keys_end];
                for (set, seen) in self.seen.iter().enumerate() {
                    seen.warm(ahead.iter().filter(|k| k.set == set).map(|k| k.hash));
                }
            }
            let mut status = user.status;
            for problem in &out.problems[p..user.problems_end] {
                self.report(problem)?;
            }
            for key in &out.keys[k..user.keys_end] {
                if let Some(first) = self.seen[key.set].first_or_insert(key.hash, user.line) {
                    let field = &self.plan.fields[key.field];
                    let text = String::from_utf8_lossy(&out.key_text[key.text.clone()]);
                    let (rule, what) = match field.key {
                        Some((KeyKind::Matching, _)) => {
                            (rule::DUPLICATE_MATCHING_VALUE, "the matching attribute")
                        }
                        _ => (rule::CONSTRAINT, "a `unique` attribute"),
                    };
                    let message =
                        format!("{what} has the value {text}, like the user on line {first}");
                    self.report(&problem(rule, user.line, Some(&field.target), message))?;
                    if status == Status::Payload {
                        status = Status::Failure;
                    }
                }
            }
            if user.status == Status::Payload && status == Status::Payload {
                self.sink
                    .payload(user.line, &out.payloads[payload..user.payload_end])?;
            }
            self.summary.users_read += 1;
            match status {
                Status::Payload => self.summary.payloads += 1,
                Status::Failure => self.summary.failures += 1,
                Status::OutOfScope => self.summary.out_of_scope += 1,
                Status::Unreadable => self.summary.unreadable += 1,
            }
            p = user.problems_end;
            payload = user.payload_end;
            k = user.keys_end;
        }
        self.sink.progress(out.bytes, self.summary.users_read);
        Ok(())
    }
}

/// Runs a preview: reads the export, evaluates every user on `options.jobs` threads, and
/// reports problems and payloads to `sink` in export order. Returns the counts.
pub fn preview<R: BufRead>(
    plan: &Plan,
    input: R,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, PreviewError> {
    let jobs = if options.jobs == 0 {
        std::thread::available_parallelism().map_or(1, usize::from)
    } else {
        options.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| PreviewError::Threads(e.to_string()))?;
    let (mut reader, decoder) =
        Reader::new(input, options.format, &plan.attributes).map_err(PreviewError::Read)?;
    let chunk_size = options.chunk_size.max(1);
    let max_in_flight = (jobs * 3) as u64;
    let mut merger = Merger {
        plan,
        sink,
        summary: Summary::default(),
        seen: (0..plan.key_sets).map(|_| ValueSet::default()).collect(),
    };
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Job)>();
    let decoder = &decoder;
    pool.in_place_scope(|scope| -> Result<(), PreviewError> {
        let mut next_seq = 0u64;
        let mut next_merge = 0u64;
        let mut in_flight = 0usize;
        let mut done = false;
        let mut pending: BTreeMap<u64, Job> = BTreeMap::new();
        let mut free: Vec<Job> = Vec::new();
        loop {
            while !done && next_seq - next_merge < max_in_flight {
                let mut job = free.pop().unwrap_or_else(|| Job {
                    chunk: Chunk::default(),
                    out: ChunkOut::default(),
                    worker: Worker::new(plan, options),
                });
                if !reader
                    .next_chunk(&mut job.chunk, chunk_size, decoder)
                    .map_err(PreviewError::Read)?
                {
                    free.push(job);
                    done = true;
                    break;
                }
                let tx = tx.clone();
                let seq = next_seq;
                let bytes = reader.bytes();
                scope.spawn(move |_| {
                    let Job { chunk, out, worker } = &mut job;
                    worker.run(chunk, decoder, out);
                    out.bytes = bytes;
                    let _ = tx.send((seq, job));
                });
                next_seq += 1;
                in_flight += 1;
            }
            if in_flight == 0 {
                return Ok(());
            }
            let Ok((seq, job)) = rx.recv() else {
                return Err(PreviewError::Threads("a worker stopped".to_owned()));
            };
            in_flight -= 1;
            pending.insert(seq, job);
            while let Some(job) = pending.remove(&next_merge) {
                merger.merge(&job.out).map_err(PreviewError::Write)?;
                free.push(job);
                next_merge += 1;
            }
        }
    })?;
    Ok(merger.summary)
}
