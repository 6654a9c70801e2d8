//! The worker: one chunk of users through a [`Plan`], each user's problems, payload and
//! the values that must be unique, in record order.

use super::input::{Body, Chunk, Decoder};
use super::plan::{Field, Plan, Produce};
use super::record::Record;
use super::unique::ValueHash;
use super::{payload, rule, Options, Problem, Status};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Severity;
use crate::expr::eval::{EvalContext, NoFlowReason, OutcomeRef, Value};
use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug)]
pub(super) struct UserOut {
    pub(super) line: u64,
    pub(super) status: Status,
    pub(super) problems_end: usize,
    pub(super) payload_end: usize,
    pub(super) keys_end: usize,
    /// The user's name for messages (UPN or objectId), in [`ChunkOut::key_text`]; empty when
    /// the user has neither, or has no value that must be unique.
    pub(super) identity: Range<usize>,
    /// The objectId, in [`ChunkOut::key_text`] (only with [`Options::object_ids`] or
    /// [`Options::outcomes`]).
    pub(super) object_id: Range<usize>,
    /// Whether the user is soft-deleted (only with [`Options::outcomes`]).
    pub(super) soft_deleted: bool,
    /// The end of its field values in [`ChunkOut::values`] (only with [`Options::outcomes`],
    /// for an object whose mappings were all evaluated: one entry a field, else none).
    pub(super) values_end: usize,
}

#[derive(Debug)]
pub(super) struct KeyOut {
    pub(super) set: usize,
    pub(super) field: usize,
    pub(super) hash: ValueHash,
    pub(super) text: Range<usize>,
}

/// The results of one chunk, in record order.
#[derive(Debug, Default)]
pub(super) struct ChunkOut {
    pub(super) users: Vec<UserOut>,
    pub(super) problems: Vec<Problem>,
    pub(super) payloads: Vec<u8>,
    pub(super) keys: Vec<KeyOut>,
    pub(super) key_text: Vec<u8>,
    pub(super) bytes: u64,
    /// By slot the mapping reads: how many users have a value (not null, not empty).
    pub(super) present: Vec<u64>,
    /// Each evaluated object's value of each field, as a range of [`ChunkOut::value_text`]
    /// (`None`: no value), with [`Options::outcomes`].
    pub(super) values: Vec<Option<Range<usize>>>,
    /// The JSON texts of [`ChunkOut::values`].
    pub(super) value_text: Vec<u8>,
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
        self.present.clear();
        self.values.clear();
        self.value_text.clear();
    }
}

pub(super) fn problem(rule: RuleId, line: u64, target: Option<&str>, message: String) -> Problem {
    Problem {
        rule,
        severity: rule.severity(),
        line,
        target: target.map(str::to_owned),
        user: None,
        message,
    }
}

pub(super) struct Worker<'p> {
    plan: &'p Plan,
    record: Record<'p>,
    ctx: EvalContext,
    scratch: Vec<u8>,
    fields: Vec<Option<Range<usize>>>,
    object_ids: bool,
    outcomes: bool,
    /// Whether every mapping of the current object was evaluated (its values are in `fields`).
    evaluated: bool,
}

impl<'p> Worker<'p> {
    pub(super) fn new(plan: &'p Plan, options: &Options) -> Self {
        let mut ctx = EvalContext::at(options.now);
        ctx.seed = options.seed;
        ctx.parameters = options.parameters.clone();
        Worker {
            plan,
            record: Record::new(&plan.attributes),
            ctx,
            scratch: Vec::with_capacity(1024),
            fields: vec![None; plan.fields.len()],
            object_ids: options.object_ids || options.outcomes,
            outcomes: options.outcomes,
            evaluated: false,
        }
    }

    /// Runs every user of `chunk`, filling `out` (emptied first).
    pub(super) fn run(&mut self, chunk: &Chunk, decoder: &Decoder, out: &mut ChunkOut) {
        out.clear();
        out.present.resize(self.plan.mapped, 0);
        for raw in &chunk.records {
            self.record.clear();
            self.evaluated = false;
            let problems_start = out.problems.len();
            let keys_start = out.keys.len();
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
                Ok(()) => {
                    for (slot, count) in out.present.iter_mut().enumerate() {
                        if self
                            .record
                            .slot(slot)
                            .is_some_and(|v| !v.is_null_or_empty())
                        {
                            *count += 1;
                        }
                    }
                    self.user(raw.line, out)
                }
            };
            let mut identity = 0..0;
            let named =
                self.outcomes || out.problems.len() > problems_start || out.keys.len() > keys_start;
            if named && status != Status::Unreadable {
                let name = self.plan.identity.iter().find_map(|slot| {
                    self.record
                        .slot(*slot)
                        .and_then(Value::text)
                        .filter(|t| !t.is_empty())
                });
                if let Some(name) = name {
                    for problem in &mut out.problems[problems_start..] {
                        problem.user = Some(name.to_string());
                    }
                    let start = out.key_text.len();
                    out.key_text.extend_from_slice(name.as_bytes());
                    identity = start..out.key_text.len();
                }
            }
            let mut object_id = 0..0;
            if self.object_ids && status != Status::Unreadable {
                if let Some(id) = self.record.slot(self.plan.object_id).and_then(Value::text) {
                    let start = out.key_text.len();
                    out.key_text.extend_from_slice(id.as_bytes());
                    object_id = start..out.key_text.len();
                }
            }
            let soft_deleted = self.outcomes
                && status != Status::Unreadable
                && match &self.plan.soft_deleted {
                    Some(sd) => matches!(self.record.slot(sd.flag), Some(Value::Bool(true))),
                    None => super::user::soft_deleted(
                        self.record.slot(self.plan.account_enabled),
                        self.record.slot(self.plan.deleted_date_time),
                    ),
                };
            if self.outcomes && self.evaluated {
                for range in &self.fields {
                    let value = range.as_ref().map(|r| &self.scratch[r.clone()]);
                    out.values.push(value.filter(|v| *v != b"null").map(|v| {
                        let start = out.value_text.len();
                        out.value_text.extend_from_slice(v);
                        start..out.value_text.len()
                    }));
                }
            }
            out.users.push(UserOut {
                line: raw.line,
                status,
                problems_end: out.problems.len(),
                payload_end: out.payloads.len(),
                keys_end: out.keys.len(),
                identity,
                object_id,
                soft_deleted,
                values_end: out.values.len(),
            });
        }
    }

    fn user(&mut self, line: u64, out: &mut ChunkOut) -> Status {
        let plan = self.plan;
        if let Some(sd) = &plan.soft_deleted {
            if !self.record.is_present(sd.flag) {
                let deleted = super::user::soft_deleted(
                    self.record.slot(sd.enabled),
                    self.record.slot(sd.deleted),
                );
                *self.record.slot_mut(sd.flag) = Value::Bool(deleted);
            }
        }
        if !plan.enabled {
            out.problems.push(problem(
                rule::OUT_OF_SCOPE,
                line,
                None,
                format!(
                    "out of scope: the {} object mapping is disabled",
                    plan.kind.as_str()
                ),
            ));
            return Status::OutOfScope;
        }
        let scope_problem = (!plan.scoping.admits(&self.record)).then(|| {
            problem(
                rule::OUT_OF_SCOPE,
                line,
                None,
                plan.scoping.explain(&self.record),
            )
        });
        let problems_start = out.problems.len();
        let keys_start = out.keys.len();
        if let Some(scope) = scope_problem {
            if !self.outcomes {
                out.problems.push(scope);
                return Status::OutOfScope;
            }
            // Evaluated for its matching attributes only: its problems and values that must
            // be unique are not counted.
            self.evaluate(line, out);
            out.problems.truncate(problems_start);
            out.keys.truncate(keys_start);
            out.problems.push(scope);
            return Status::OutOfScope;
        }
        self.evaluate(line, out)
    }

    /// Evaluates every mapping of the user in scope: its problems, values that must be unique
    /// and payload.
    fn evaluate(&mut self, line: u64, out: &mut ChunkOut) -> Status {
        let plan = self.plan;
        self.ctx.stream = line;
        self.scratch.clear();
        let problems_start = out.problems.len();
        let keys_start = out.keys.len();
        for (i, field) in plan.fields.iter().enumerate() {
            self.fields[i] = None;
            let outcome = match &field.produce {
                Produce::Members(slot) => {
                    self.members(i, *slot, line, &mut out.problems);
                    continue;
                }
                Produce::Direct(slot) => self
                    .record
                    .slot(*slot)
                    .filter(|v| !v.is_null())
                    .map(Cow::Borrowed),
                Produce::Constant(v) => Some(Cow::Borrowed(v)),
                Produce::Broken(message) => {
                    out.problems.push(problem(
                        rule::EVALUATION_ERROR,
                        line,
                        Some(&field.target),
                        message.clone(),
                    ));
                    continue;
                }
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
            // An empty value is missing (reported as such), never a duplicate of another.
            if let Some((_, set)) = field.key.filter(|_| &self.scratch[start..] != b"\"\"") {
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
        let has_value = |i: usize| {
            self.fields[i]
                .as_ref()
                .is_some_and(|range| &self.scratch[range.clone()] != b"\"\"")
        };
        let matched = plan.matching.is_empty() || plan.matching.iter().any(|i| has_value(*i));
        for (target, index) in &plan.required {
            if index.is_some_and(has_value) {
                continue;
            }
            // A matching attribute without any matching value is reported once, below.
            if !matched && index.is_some_and(|i| plan.matching.contains(&i)) {
                continue;
            }
            let what = if index.is_none() {
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
        if !matched {
            let first = &plan.fields[plan.matching[0]].target;
            let what = if plan.matching.len() == 1 {
                format!(
                    "the matching attribute has no value: Entra cannot match the {}",
                    plan.kind.as_str()
                )
            } else {
                let names: Vec<String> = plan
                    .matching
                    .iter()
                    .map(|i| format!("`{}`", plan.fields[*i].target))
                    .collect();
                format!(
                    "no matching attribute has a value ({}): Entra cannot match the {}",
                    names.join(", "),
                    plan.kind.as_str()
                )
            };
            out.problems
                .push(problem(rule::REQUIRED_MISSING, line, Some(first), what));
        }
        if out.problems[problems_start..]
            .iter()
            .any(|p| p.severity >= Severity::Error)
        {
            // A cycle still matches a failing user's account by the values it has.
            self.evaluated = true;
            return Status::Failure;
        }
        let marked: Vec<&str> = plan
            .fields
            .iter()
            .zip(&self.fields)
            .filter(|(field, value)| field.lint_error && value.is_some())
            .map(|(field, _)| field.target.as_str())
            .collect();
        if let Some(first) = marked.first() {
            out.problems.push(problem(
                rule::LINT_ERROR,
                line,
                Some(first),
                format!(
                    "this payload is built from {} with lint errors ({}); previewed only because errors were allowed",
                    if marked.len() == 1 { "a mapping" } else { "mappings" },
                    marked.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        // A cycle reads the values ([`super::Values`]), not the payload.
        if !self.outcomes {
            plan.template
                .write(&self.fields, &self.scratch, &mut out.payloads);
        }
        self.evaluated = true;
        Status::Payload
    }
}

/// The members of one group left out that are reported one by one; the rest are counted in
/// one more finding, so that a group of a million members outside the user export costs a
/// line, not a million.
pub const MEMBERS_LISTED: usize = 10;

impl Worker<'_> {
    /// A group's members, as SCIM references (`[{"value": id}]`): each member's id (a text
    /// value, or the `id` of a Graph member object), kept when it is a provisioned user.
    fn members(&mut self, field: usize, slot: usize, line: u64, problems: &mut Vec<Problem>) {
        let plan = self.plan;
        let values: &[Value] = match self.record.slot(slot) {
            Some(Value::Multi(values)) => values,
            Some(Value::Null) | None => return,
            Some(one) => std::slice::from_ref(one),
        };
        let start = self.scratch.len();
        self.scratch.push(b'[');
        // Object ids compare without regard to case; a member listed twice is sent once.
        let mut seen = std::collections::HashSet::with_capacity(values.len().min(1 << 16));
        let mut left_out = 0usize;
        for value in values {
            let Some(id) = value.text() else { continue };
            if !seen.insert(id.to_ascii_lowercase()) {
                continue;
            }
            let not_sent = match plan.members.as_ref().map(|m| m.status(&id)) {
                None | Some(Some(true)) => None,
                Some(Some(false)) => Some("is not provisioned (out of scope or failing)"),
                Some(None) => Some("is not in the user export"),
            };
            if let Some(why) = not_sent {
                left_out += 1;
                if left_out <= MEMBERS_LISTED {
                    problems.push(problem(
                        rule::MEMBER_NOT_PROVISIONED,
                        line,
                        Some(&plan.fields[field].target),
                        format!("the member {id} {why}: it is left out of the group"),
                    ));
                }
                continue;
            }
            if self.scratch.len() > start + 1 {
                self.scratch.push(b',');
            }
            self.scratch.extend_from_slice(b"{\"value\":");
            payload::write_json_str(&mut self.scratch, &id);
            self.scratch.push(b'}');
        }
        if left_out > MEMBERS_LISTED {
            problems.push(problem(
                rule::MEMBER_NOT_PROVISIONED,
                line,
                Some(&plan.fields[field].target),
                format!(
                    "{} more members are not provisioned or not in the user export: they are left out of the group",
                    left_out - MEMBERS_LISTED
                ),
            ));
        }
        if self.scratch.len() == start + 1 {
            self.scratch.truncate(start);
            return;
        }
        self.scratch.push(b']');
        self.fields[field] = Some(start..self.scratch.len());
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
        // An empty value is reported as missing, not as breaking a constraint too.
        let Some(text) = v.text().filter(|t| !t.is_empty()) else {
            continue;
        };
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
