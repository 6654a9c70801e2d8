//! `entramap preview FILE --users EXPORT --user KEY`: one user of an export, explained: the
//! scoping verdict, every mapping's value with its trace, the payload and the problems. The
//! problems and payload come from a whole preview of the export (so that values that must be
//! unique are checked against every other user): the answer is the one `preview` gives. With
//! `--format json`, the same as one JSON document.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::expr::eval::{EvalError, Outcome, TraceResult, Value};
use entramap::preview::user::{self, Explanation, OneUser, UserKey, Verdict};
use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink};
use serde_json::json;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::Path;

/// Keeps the problems and payload of one line of the export.
struct OneLine {
    line: u64,
    problems: Vec<Problem>,
    payload: Option<Vec<u8>>,
}

impl Sink for OneLine {
    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        if problem.line == self.line {
            self.problems.push(problem.clone());
        }
        Ok(())
    }

    fn payload(&mut self, line: u64, json: &[u8]) -> io::Result<()> {
        if line == self.line {
            self.payload = Some(json.to_vec());
        }
        Ok(())
    }
}

fn open(path: &Path) -> Result<BufReader<File>, String> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Runs `preview --user KEY`: finds the user, explains it and prints the result.
pub(super) fn run(
    plan: &Plan,
    export: &Path,
    format: InputFormat,
    key: &str,
    options: &Options,
    json: bool,
) -> u8 {
    if export.as_os_str() == "-" {
        say!("entramap: --user needs the export as a file, not standard input (it is read twice: once to find the user, once to check the values that must be unique)");
        return EXIT_USAGE;
    }
    let key = UserKey::parse(key);
    let found = open(export).and_then(|input| {
        user::find_user(input, format, user::plan_attributes(plan), &key)
            .map_err(|e| format!("{}: {e}", export.display()))
    });
    let one = match found {
        Ok(Some(one)) => one,
        Ok(None) => {
            say!(
                "entramap: {}: no user has {}",
                export.display(),
                entramap::base::text::escape_controls(&key.to_string())
            );
            return EXIT_USAGE;
        }
        Err(e) => {
            say!("entramap: {e}");
            return EXIT_USAGE;
        }
    };
    let explanation = user::explain(plan, &one, options);
    let mut sink = OneLine {
        line: one.line,
        problems: Vec::new(),
        payload: None,
    };
    if let Err(e) = open(export).and_then(|input| {
        preview::preview(plan, input, options, &mut sink)
            .map_err(|e| format!("{}: {e}", export.display()))
    }) {
        say!("entramap: {e}");
        return EXIT_USAGE;
    }
    if json {
        let document = render_json(plan, export, &one, &explanation, &sink);
        super::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        ));
    } else {
        super::emit(&render(plan, export, &one, &explanation, &sink));
    }
    if sink
        .problems
        .iter()
        .any(|p| p.severity >= entramap::Severity::Error)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A value from the export (or a message quoting one) for a terminal or a CI log: control
/// characters escaped, so that a line break cannot start a workflow command.
fn esc(value: &dyn std::fmt::Display) -> String {
    entramap::base::text::escape_controls(&value.to_string()).into_owned()
}

fn outcome(result: &Result<Outcome, EvalError>) -> String {
    match result {
        Ok(Outcome::Flows { value, .. }) => value.to_string(),
        Ok(Outcome::NotFlowing { reason, .. }) => format!("does not flow ({})", reason.describe()),
        Err(e) => format!("error: {e}"),
    }
}

fn outcome_json(result: &Result<Outcome, EvalError>) -> serde_json::Value {
    match result {
        Ok(Outcome::Flows { value, .. }) => json!({"flows": true, "value": value.to_json()}),
        Ok(Outcome::NotFlowing { reason, .. }) => {
            json!({"flows": false, "reason": reason.as_str(), "message": reason.describe()})
        }
        Err(e) => json!({"error": e.to_string()}),
    }
}

/// The explanation as one JSON document (the same content as [`render`]).
fn render_json(
    plan: &Plan,
    export: &Path,
    one: &OneUser,
    explanation: &Explanation,
    found: &OneLine,
) -> serde_json::Value {
    let read = user::plan_attributes(plan);
    let (in_scope, why) = match &explanation.verdict {
        Verdict::InScope(why) => (true, why),
        Verdict::OutOfScope(why) => (false, why),
    };
    let mappings: Vec<_> = explanation
        .mappings
        .iter()
        .map(|m| {
            let trace: Vec<_> = m
                .trace
                .iter()
                .map(|step| {
                    json!({
                        "depth": step.depth,
                        "expression": m.text.get(step.span.start..step.span.end).unwrap_or(""),
                        "result": match &step.result {
                            TraceResult::Value(v) => json!({"value": v.to_json()}),
                            TraceResult::NotFlowing(r) => json!({"flows": false, "reason": r.as_str()}),
                            TraceResult::Failed => json!({"error": true}),
                        },
                    })
                })
                .collect();
            json!({
                "target": m.target,
                "kind": m.kind,
                "text": m.text,
                "result": outcome_json(&m.outcome),
                "default": m.default.as_ref().map(Value::to_json),
                "trace": trace,
            })
        })
        .collect();
    json!({
        "version": 1,
        "users": export.display().to_string(),
        "line": one.line,
        "user": one.identity(),
        "scope": {"in_scope": in_scope, "reason": why},
        "derived": one
            .derived
            .iter()
            .filter(|d| read.lookup(&d.attribute).is_some())
            .map(|d| json!({"attribute": d.attribute, "value": d.value.to_json(), "from": d.from}))
            .collect::<Vec<_>>(),
        "mappings": mappings,
        "payload": found
            .payload
            .as_ref()
            .and_then(|p| serde_json::from_slice::<serde_json::Value>(p).ok()),
        "problems": found.problems,
    })
}

fn render(
    plan: &Plan,
    export: &Path,
    one: &OneUser,
    explanation: &Explanation,
    found: &OneLine,
) -> String {
    let name = one
        .identity()
        .unwrap_or_else(|| "(no UPN or objectId)".to_owned());
    let mut out = format!(
        "user {}, {}:{}\n",
        esc(&name),
        esc(&export.display()),
        one.line
    );
    out.push_str(&match &explanation.verdict {
        Verdict::InScope(why) => format!("scope: in scope ({})\n", esc(why)),
        Verdict::OutOfScope(why) => format!("scope: out of scope ({})\n", esc(why)),
    });
    let read = user::plan_attributes(plan);
    for derived in one
        .derived
        .iter()
        .filter(|d| read.lookup(&d.attribute).is_some())
    {
        out.push_str(&format!(
            "derived: [{}] = {} (from {})\n",
            derived.attribute,
            esc(&derived.value),
            esc(&derived.from)
        ));
    }
    out.push_str("\nmappings:\n");
    for m in &explanation.mappings {
        let flat = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!("  {} <- {} {flat}\n", m.target, m.kind));
        if !m.trace.is_empty() {
            out.push_str(&one.trace_text(&m.text, &m.trace, "    "));
        }
        let value = esc(&outcome(&m.outcome));
        let falls_back = match &m.outcome {
            Ok(Outcome::Flows { value, .. }) => m.kind == "source" && value.is_null(),
            Ok(Outcome::NotFlowing { .. }) => true,
            Err(_) => false,
        };
        match &m.default {
            Some(default) if falls_back => out.push_str(&format!(
                "    = {value}; the default {} is sent\n",
                esc(default)
            )),
            _ => out.push_str(&format!("    = {value}\n")),
        }
    }
    out.push_str("\npayload:\n");
    match &found.payload {
        Some(json) => {
            let pretty = serde_json::from_slice::<serde_json::Value>(json)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| String::from_utf8_lossy(json).into_owned());
            for line in pretty.lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        None => out.push_str("  none: the user is not provisioned\n"),
    }
    out.push_str("\nproblems:\n");
    if found.problems.is_empty() {
        out.push_str("  none\n");
    }
    for p in &found.problems {
        out.push_str(&format!("  {}: {}", p.rule, esc(&p.message)));
        match &p.target {
            Some(target) => out.push_str(&format!(" ({})\n", esc(target))),
            None => out.push('\n'),
        }
    }
    out
}
