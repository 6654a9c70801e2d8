//! `entramap preview FILE --users EXPORT --user KEY`: one user of an export, explained: the
//! scoping verdict, every mapping's value with its trace, the payload and the problems. The
//! problems and payload come from a whole preview of the export (so that values that must be
//! unique are checked against every other user): the answer is the one `preview` gives.

use super::eval::render_trace;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::expr::eval::{EvalError, Outcome};
use entramap::preview::user::{self, Explanation, OneUser, UserKey, Verdict};
use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink};
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
) -> u8 {
    if export.as_os_str() == "-" {
        eprintln!("entramap: --user needs the export as a file, not standard input (it is read twice: once to find the user, once to check the values that must be unique)");
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
            eprintln!("entramap: {}: no user has {key}", export.display());
            return EXIT_USAGE;
        }
        Err(e) => {
            eprintln!("entramap: {e}");
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
        eprintln!("entramap: {e}");
        return EXIT_USAGE;
    }
    super::emit(&render(plan, export, &one, &explanation, &sink));
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

fn outcome(result: &Result<Outcome, EvalError>) -> String {
    match result {
        Ok(Outcome::Flows { value, .. }) => value.to_string(),
        Ok(Outcome::NotFlowing { reason, .. }) => format!("does not flow ({})", reason.describe()),
        Err(e) => format!("error: {e}"),
    }
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
    let mut out = format!("user {name}, {}:{}\n", export.display(), one.line);
    out.push_str(&match &explanation.verdict {
        Verdict::InScope(why) => format!("scope: in scope ({why})\n"),
        Verdict::OutOfScope(why) => format!("scope: out of scope ({why})\n"),
    });
    let read = user::plan_attributes(plan);
    for derived in one
        .derived
        .iter()
        .filter(|d| read.lookup(&d.attribute).is_some())
    {
        out.push_str(&format!(
            "derived: [{}] = {} (from {})\n",
            derived.attribute, derived.value, derived.from
        ));
    }
    out.push_str("\nmappings:\n");
    for m in &explanation.mappings {
        let flat = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!("  {} <- {} {flat}\n", m.target, m.kind));
        if !m.trace.is_empty() {
            out.push_str(&render_trace(&m.text, &m.trace, one, "    "));
        }
        let value = outcome(&m.outcome);
        let falls_back = match &m.outcome {
            Ok(Outcome::Flows { value, .. }) => m.kind == "source" && value.is_null(),
            Ok(Outcome::NotFlowing { .. }) => true,
            Err(_) => false,
        };
        match &m.default {
            Some(default) if falls_back => {
                out.push_str(&format!("    = {value}; the default {default} is sent\n"))
            }
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
        out.push_str(&format!("  {}: {}", p.rule, p.message));
        match &p.target {
            Some(target) => out.push_str(&format!(" ({target})\n")),
            None => out.push('\n'),
        }
    }
    out
}
