//! The merge: chunks' results back in export order, the values that must be unique across
//! users checked, counts kept, and everything handed to the [`Sink`].

use super::plan::{KeyKind, Plan};
use super::unique::ValueSet;
use super::worker::{problem, ChunkOut, Status};
use super::{rule, Problem, Sink, Summary};
use std::io;

pub(super) struct Merger<'a> {
    pub(super) plan: &'a Plan,
    pub(super) sink: &'a mut dyn Sink,
    pub(super) summary: Summary,
    pub(super) seen: Vec<ValueSet>,
}

impl Merger<'_> {
    fn report(&mut self, problem: &Problem) -> io::Result<()> {
        *self.summary.problems.entry(problem.rule).or_default() += 1;
        self.sink.problem(problem)
    }

    pub(super) fn merge(&mut self, out: &ChunkOut) -> io::Result<()> {
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
