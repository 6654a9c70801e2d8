//! The merge: chunks' results back in export order, the values that must be unique across
//! users checked, counts kept, and everything handed to the [`Sink`].

use super::plan::{KeyKind, Plan};
use super::unique::ValueSet;
use super::worker::{problem, ChunkOut};
use super::{rule, Group, Outcome, Problem, Sink, Status, Summary};
use std::borrow::Cow;
use std::io;

pub(super) struct Merger<'a, S: ?Sized + Sink = dyn Sink> {
    pub(super) plan: &'a Plan,
    pub(super) sink: &'a mut S,
    pub(super) summary: Summary,
    pub(super) seen: Vec<ValueSet>,
    /// By slot the mapping reads: how many users have a value.
    pub(super) present: Vec<u64>,
    /// Report objectIds to [`Sink::object`].
    pub(super) object_ids: bool,
    /// Report every object to [`Sink::outcome`].
    pub(super) outcomes: bool,
}

impl<'a, S: ?Sized + Sink> Merger<'a, S> {
    /// A merge for `plan` into `sink` under `options`, nothing counted yet.
    pub(super) fn new(plan: &'a Plan, sink: &'a mut S, options: &super::Options) -> Self {
        Merger {
            plan,
            sink,
            summary: Summary::default(),
            seen: (0..plan.key_sets).map(|_| ValueSet::default()).collect(),
            present: vec![0; plan.mapped],
            object_ids: options.object_ids,
            outcomes: options.outcomes,
        }
    }

    fn report(&mut self, problem: &Problem) -> io::Result<()> {
        *self.summary.problems.entry(problem.rule).or_default() += 1;
        let groups = &mut self.summary.groups;
        let at = match groups
            .iter()
            .position(|g| g.rule == problem.rule && g.target == problem.target)
        {
            Some(at) => at,
            None => {
                groups.push(Group {
                    rule: problem.rule,
                    target: problem.target.clone(),
                    count: 0,
                    users: Vec::new(),
                    caused_by: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        group.count += 1;
        let user = match &problem.user {
            Some(user) => Cow::Borrowed(user.as_str()),
            None => Cow::Owned(format!("line {}", problem.line)),
        };
        if group.users.len() < Group::USERS_SHOWN
            && group.users.last().map(String::as_str) != Some(&user)
        {
            group.users.push(user.into_owned());
        }
        self.sink.problem(problem)
    }

    pub(super) fn merge(&mut self, out: &ChunkOut) -> io::Result<()> {
        /// Users whose values are looked up ahead ([`ValueSet::warm`], [`Sink::ahead`]): few
        /// enough that writing their payloads does not push the slots out of the cache again.
        const AHEAD: usize = 64;
        let (mut p, mut payload, mut k, mut v) = (0, 0, 0, 0);
        for (i, user) in out.users.iter().enumerate() {
            if i.is_multiple_of(AHEAD) && !self.seen.is_empty() {
                let last = &out.users[(i + AHEAD).min(out.users.len()) - 1];
                let ahead = &out.keys[k..last.keys_end];
                for (set, seen) in self.seen.iter().enumerate() {
                    seen.warm(ahead.iter().filter(|k| k.set == set).map(|k| k.hash));
                }
            }
            if self.outcomes && i.is_multiple_of(AHEAD) {
                let last = (i + AHEAD).min(out.users.len());
                let mut start = v;
                let mut ahead = out.users[i..last].iter().filter_map(|user| {
                    let ranges = &out.values[start..user.values_end];
                    start = user.values_end;
                    (!ranges.is_empty()).then_some((
                        user.line,
                        super::Values {
                            text: &out.value_text,
                            ranges,
                        },
                    ))
                });
                self.sink.ahead(&mut ahead);
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
                    let message = format!(
                        "{what} has the value {text}, like the {} on line {first}",
                        self.plan.kind.as_str()
                    );
                    let mut found = problem(rule, user.line, Some(&field.target), message);
                    if !user.identity.is_empty() {
                        found.user = Some(
                            String::from_utf8_lossy(&out.key_text[user.identity.clone()])
                                .into_owned(),
                        );
                    }
                    self.report(&found)?;
                    if status == Status::Payload {
                        status = Status::Failure;
                    }
                }
            }
            if !user.object_id.is_empty() && self.object_ids {
                let id = String::from_utf8_lossy(&out.key_text[user.object_id.clone()]);
                self.sink.object(&id, status == Status::Payload);
            }
            if user.status == Status::Payload && status == Status::Payload && !self.outcomes {
                self.sink
                    .payload(user.line, &out.payloads[payload..user.payload_end])?;
            }
            if self.outcomes {
                let text = |range: &std::ops::Range<usize>| {
                    std::str::from_utf8(&out.key_text[range.clone()])
                        .ok()
                        .filter(|t| !t.is_empty())
                };
                self.sink.outcome(&Outcome {
                    line: user.line,
                    status,
                    name: text(&user.identity),
                    object_id: text(&user.object_id),
                    soft_deleted: user.soft_deleted,
                    values: (user.values_end > v).then(|| super::Values {
                        text: &out.value_text,
                        ranges: &out.values[v..user.values_end],
                    }),
                });
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
            v = user.values_end;
        }
        for (total, n) in self.present.iter_mut().zip(&out.present) {
            *total += n;
        }
        self.sink.progress(out.bytes, self.summary.users_read);
        Ok(())
    }
}

impl<S: ?Sized + Sink> Merger<'_, S> {
    /// The counts, with the source attributes no user has and the groups of problems they
    /// likely cause.
    pub(super) fn finish(mut self) -> Summary {
        let plan = self.plan;
        let derived = plan.soft_deleted.as_ref().map(|sd| sd.flag);
        let readable = self.summary.users_read - self.summary.unreadable;
        let absent: Vec<usize> = if readable == 0 {
            Vec::new()
        } else {
            (0..plan.mapped)
                .filter(|slot| self.present.get(*slot) == Some(&0) && Some(*slot) != derived)
                .collect()
        };
        let names: Vec<&str> = plan.attributes.names().collect();
        self.summary.absent_attributes = absent.iter().map(|s| names[*s].to_owned()).collect();
        for group in &mut self.summary.groups {
            let Some(field) = plan
                .fields
                .iter()
                .find(|f| Some(&f.target) == group.target.as_ref())
            else {
                continue;
            };
            group.caused_by = field
                .reads
                .iter()
                .filter(|slot| absent.contains(slot))
                .map(|slot| names[*slot].to_owned())
                .collect();
        }
        self.summary
    }
}
