//! One user, read the way a preview reads every user: the Graph and portal names of attributes
//! mapped to their Entra names ([`super::record::ALIASES`]), and the attributes Entra derives
//! (`IsSoftDeleted`, from `accountEnabled` and `deletedDateTime`) derived, each with where its
//! value came from. `entramap eval` and `entramap preview --user` both read users through
//! here, so that they give the same answer for the same user.

use super::input::{Chunk, Reader};
use super::plan::{Plan, Produce, ACCOUNT_ENABLED, DELETED_DATE_TIME, IDENTITY};
use super::record::{Attributes, Record};
use super::{InputFormat, Options, PreviewError};
use crate::expr::eval::{EvalContext, EvalError, Outcome, SourceObject, TraceStep, Value};
use std::io::BufRead;

/// The attribute Entra derives from `accountEnabled` and `deletedDateTime`.
pub const IS_SOFT_DELETED: &str = "IsSoftDeleted";

/// Whether a user with these values of `accountEnabled` and `deletedDateTime` is soft-deleted:
/// disabled (`false`, or the text `false` of a CSV export) or deleted (any non-empty date).
pub fn soft_deleted(enabled: Option<&Value>, deleted: Option<&Value>) -> bool {
    disabled(enabled) || deleted.is_some_and(|v| !v.is_null_or_empty())
}

fn disabled(enabled: Option<&Value>) -> bool {
    match enabled {
        Some(Value::Bool(b)) => !b,
        Some(Value::Str(s)) => s.eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// Where [`soft_deleted`]'s answer comes from, in words (`accountEnabled = false`).
pub fn soft_deleted_from(enabled: Option<&Value>, deleted: Option<&Value>) -> String {
    let shown = |name: &str, v: Option<&Value>| match v {
        Some(Value::Bool(b)) => format!("{name} = {b}"),
        Some(v) if !v.is_null_or_empty() => format!("{name} = {v}"),
        Some(_) => format!("{name} empty"),
        None => format!("no {name}"),
    };
    if disabled(enabled) {
        format!("{ACCOUNT_ENABLED} = false")
    } else if deleted.is_some_and(|v| !v.is_null_or_empty()) {
        shown(DELETED_DATE_TIME, deleted)
    } else {
        format!(
            "{}, {}",
            shown(ACCOUNT_ENABLED, enabled),
            shown(DELETED_DATE_TIME, deleted)
        )
    }
}

/// An attribute whose value Entra derives, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The attribute (`IsSoftDeleted`).
    pub attribute: String,
    /// Its value.
    pub value: Value,
    /// Where the value came from (`accountEnabled = false`).
    pub from: String,
}

/// One user's source attributes, by Entra name, with the derived ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OneUser {
    /// The user's line in the export (1 for a user read on its own).
    pub line: u64,
    values: Vec<(String, Value)>,
    /// The attributes derived rather than read (they are among the values too).
    pub derived: Vec<Derived>,
}

impl OneUser {
    /// Copies what a record holds and derives what Entra derives.
    fn from_record(record: &Record<'_>, line: u64) -> OneUser {
        let attributes = record.attributes();
        let mut values: Vec<(String, Value)> = attributes
            .names()
            .enumerate()
            .filter_map(|(slot, name)| Some((name.to_owned(), record.slot(slot)?.clone())))
            .collect();
        let mut derived = Vec::new();
        if !values.iter().any(|(name, _)| name == IS_SOFT_DELETED) {
            let get = |name: &str| values.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            let (enabled, deleted) = (get(ACCOUNT_ENABLED), get(DELETED_DATE_TIME));
            let value = Value::Bool(soft_deleted(enabled, deleted));
            derived.push(Derived {
                attribute: IS_SOFT_DELETED.to_owned(),
                value: value.clone(),
                from: soft_deleted_from(enabled, deleted),
            });
            values.push((IS_SOFT_DELETED.to_owned(), value));
        }
        OneUser {
            line,
            values,
            derived,
        }
    }

    /// Reads one user given as a JSON object (a Graph user, or attribute name to value) the
    /// way preview reads each user of an export.
    pub fn from_json(text: &str) -> Result<OneUser, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let object = json
            .as_object()
            .ok_or("the user must be a JSON object of attribute name to value")?;
        let mut attributes = Attributes::default();
        for key in object.keys() {
            let canonical = super::record::ALIASES
                .iter()
                .find(|(alias, _)| alias == key)
                .map_or(key.as_str(), |(_, name)| name);
            attributes.add(canonical);
        }
        for name in [ACCOUNT_ENABLED, DELETED_DATE_TIME] {
            attributes.add(name);
        }
        let mut record = Record::new(&attributes);
        record.read_json(text.as_bytes())?;
        Ok(OneUser::from_record(&record, 1))
    }

    /// The user's attributes and their values (derived ones included).
    pub fn values(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Where a derived attribute came from, if `name` is one.
    pub fn derived_from(&self, name: &str) -> Option<&str> {
        self.derived
            .iter()
            .find(|d| d.attribute == name)
            .map(|d| d.from.as_str())
    }

    /// A trace of `text` evaluated for this user as `entramap eval --trace` prints it
    /// ([`crate::expr::eval::trace_text_with`]), each read of a derived attribute followed by
    /// where its value came from (`[IsSoftDeleted] => True (from accountEnabled = false)`), every
    /// line after `margin`.
    pub fn trace_text(&self, text: &str, trace: &[TraceStep], margin: &str) -> String {
        crate::expr::eval::trace_text_with(text, trace, margin, |step| {
            let raw = text.get(step.span.start..step.span.end).unwrap_or("");
            raw.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|name| self.derived_from(name))
                .map_or_else(String::new, |from| format!(" (from {from})"))
        })
    }

    /// The user's name for messages: the UPN, or the objectId.
    pub fn identity(&self) -> Option<String> {
        IDENTITY.iter().find_map(|name| {
            self.get(name)
                .and_then(Value::text)
                .filter(|t| !t.is_empty())
                .map(|t| t.into_owned())
        })
    }
}

impl SourceObject for OneUser {
    fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// Which user of an export: its line, or its userPrincipalName or objectId (either compared
/// without regard to case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKey {
    /// The line the user starts on (1-based).
    Line(u64),
    /// A userPrincipalName or objectId.
    Name(String),
}

impl UserKey {
    /// Digits are a line; anything else a UPN or objectId.
    pub fn parse(text: &str) -> UserKey {
        match text.parse() {
            Ok(line) if text.bytes().all(|b| b.is_ascii_digit()) => UserKey::Line(line),
            _ => UserKey::Name(text.to_owned()),
        }
    }

    /// How the user of `record` (on `line`) matches: exactly, only without regard to case
    /// (UPNs and object ids compare so in Entra), or not.
    fn matches(&self, line: u64, record: &Record<'_>, identity: &[usize]) -> Match {
        match self {
            UserKey::Line(n) if *n == line => Match::Exact,
            UserKey::Line(_) => Match::No,
            UserKey::Name(name) => {
                let texts = identity
                    .iter()
                    .filter_map(|slot| record.slot(*slot).and_then(Value::text));
                let mut found = Match::No;
                for text in texts {
                    if text == name.as_str() {
                        return Match::Exact;
                    }
                    if text.eq_ignore_ascii_case(name) {
                        found = Match::Case;
                    }
                }
                found
            }
        }
    }
}

impl std::fmt::Display for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UserKey::Line(n) => write!(f, "line {n}"),
            UserKey::Name(name) => write!(f, "`{name}`"),
        }
    }
}

impl OneUser {
    /// Records that `accountEnabled` was read from the column `header` that holds its opposite
    /// (the portal CSV's "Block sign in"), so that traces say where the value came from.
    fn read_inverted(&mut self, header: &str) {
        let Some(value) = self
            .values
            .iter()
            .find(|(n, _)| n == ACCOUNT_ENABLED)
            .map(|(_, v)| v.clone())
        else {
            return;
        };
        let cell = match value {
            Value::Bool(true) => "No",
            Value::Bool(false) => "Yes",
            _ => return,
        };
        let from = format!("the CSV column `{header}` = {cell}, its opposite");
        for d in &mut self.derived {
            d.from = format!("{}; {ACCOUNT_ENABLED} from {from}", d.from);
        }
        self.derived.push(Derived {
            attribute: ACCOUNT_ENABLED.to_owned(),
            value,
            from,
        });
    }
}

/// Finds one user of an export and reads the attributes `wanted` (and the identity and
/// soft-deletion attributes) the way preview does. `None` when no user matches; the first user
/// whose UPN or objectId is the key exactly, else the one user that matches without regard to
/// case (an error names the lines when several do). A row of the export that cannot be read is skipped, unless it is the line
/// asked for.
pub fn find_user<R: BufRead>(
    input: R,
    format: InputFormat,
    wanted: &Attributes,
    key: &UserKey,
) -> Result<Option<OneUser>, PreviewError> {
    let mut attributes = wanted.clone();
    let identity: Vec<usize> = IDENTITY.iter().map(|n| attributes.add(n)).collect();
    for name in [ACCOUNT_ENABLED, DELETED_DATE_TIME] {
        attributes.add(name);
    }
    let (mut reader, decoder) =
        Reader::new(input, format, &attributes).map_err(PreviewError::Read)?;
    let mut chunk = Chunk::default();
    let mut record = Record::new(&attributes);
    // The first user that matches only without regard to case, and the lines of all such.
    let mut by_case = None;
    let mut case_lines: Vec<u64> = Vec::new();
    while reader
        .next_chunk(&mut chunk, 1024, &decoder)
        .map_err(PreviewError::Read)?
    {
        for raw in &chunk.records {
            if let UserKey::Line(n) = key {
                if raw.line != *n {
                    continue;
                }
            }
            record.clear();
            match decoder.decode(&chunk, &raw.body, &mut record) {
                Ok(()) => match key.matches(raw.line, &record, &identity) {
                    Match::Exact => {
                        let mut user = OneUser::from_record(&record, raw.line);
                        if let Some(header) = decoder.inverted_column() {
                            user.read_inverted(header);
                        }
                        return Ok(Some(user));
                    }
                    Match::Case => {
                        if by_case.is_none() {
                            let mut user = OneUser::from_record(&record, raw.line);
                            if let Some(header) = decoder.inverted_column() {
                                user.read_inverted(header);
                            }
                            by_case = Some(user);
                        }
                        case_lines.push(raw.line);
                    }
                    Match::No => {}
                },
                Err(reason) if matches!(key, UserKey::Line(_)) => {
                    return Err(PreviewError::User(format!(
                        "the user on line {} cannot be read: {reason}",
                        raw.line
                    )))
                }
                Err(_) => {}
            }
        }
    }
    if case_lines.len() > 1 {
        let lines: Vec<String> = case_lines.iter().take(5).map(u64::to_string).collect();
        let more = if case_lines.len() > 5 { ", …" } else { "" };
        return Err(PreviewError::User(format!(
            "{} users match {key} only without regard to case (lines {}{more}); give the exact spelling or the line number",
            case_lines.len(),
            lines.join(", ")
        )));
    }
    Ok(by_case)
}

/// How a user matches a [`UserKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Exact,
    Case,
    No,
}

/// Whether the mapping takes the user, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// In scope (the text says why).
    InScope(String),
    /// Out of scope (the text says why).
    OutOfScope(String),
}

/// What one attribute mapping gives for the user.
#[derive(Debug)]
pub struct MappingResult {
    /// The target attribute.
    pub target: String,
    /// `source`, `constant` or `expression`.
    pub kind: &'static str,
    /// The mapping's text: the source attribute, the constant or the expression.
    pub text: String,
    /// The outcome (a Direct mapping or constant always flows).
    pub outcome: Result<Outcome, EvalError>,
    /// The mapping's `default`, used when the value does not flow or is null.
    pub default: Option<Value>,
    /// Every sub-expression's result (expressions only; spans are within `text`).
    pub trace: Vec<TraceStep>,
}

/// The scoping verdict and every mapping's value, with its trace, for one user.
#[derive(Debug)]
pub struct Explanation {
    /// In or out of scope, and why.
    pub verdict: Verdict,
    /// Every attribute mapping, in file order.
    pub mappings: Vec<MappingResult>,
}

/// The attributes a plan reads, to pass to [`find_user`].
pub fn plan_attributes(plan: &Plan) -> &Attributes {
    &plan.attributes
}

/// Explains what the plan does with one user: the scoping verdict and the value and trace of
/// every mapping (what a worker computes, with the intermediate results kept).
pub fn explain(plan: &Plan, user: &OneUser, options: &Options) -> Explanation {
    let mut record = Record::new(&plan.attributes);
    for (slot, name) in plan.attributes.names().enumerate() {
        if let Some(value) = user.get(name) {
            *record.slot_mut(slot) = value.clone();
        }
    }
    let verdict = if !plan.enabled {
        Verdict::OutOfScope("the user object mapping is disabled".to_owned())
    } else if plan.scoping.is_empty() {
        Verdict::InScope("the mapping has no scoping filter".to_owned())
    } else if plan.scoping.admits(&record) {
        Verdict::InScope("the scoping filter holds".to_owned())
    } else {
        let why = plan.scoping.explain(&record);
        Verdict::OutOfScope(why.trim_start_matches("out of scope: ").to_owned())
    };
    let mut ctx = EvalContext::at(options.now);
    ctx.seed = options.seed;
    ctx.parameters = options.parameters.clone();
    ctx.stream = user.line;
    let mappings = plan
        .fields
        .iter()
        .map(|field| {
            let flows = |value: Value| {
                Ok(Outcome::Flows {
                    value,
                    redacted: false,
                })
            };
            let (kind, outcome, trace) = match &field.produce {
                Produce::Direct(slot) | Produce::Members(slot) => {
                    let value = record.slot(*slot).cloned().unwrap_or(Value::Null);
                    ("source", flows(value), Vec::new())
                }
                Produce::Constant(value) => ("constant", flows(value.clone()), Vec::new()),
                Produce::Expression(compiled) => {
                    let (outcome, trace) = compiled.eval_traced(user, &ctx);
                    ("expression", outcome, trace)
                }
                Produce::Broken(message) => (
                    "expression",
                    Err(crate::expr::eval::EvalError {
                        message: message.clone(),
                        span: crate::base::text::Span::default(),
                        function: None,
                    }),
                    Vec::new(),
                ),
            };
            MappingResult {
                target: field.target.clone(),
                kind,
                text: field.text.clone(),
                outcome,
                default: field.default.clone(),
                trace,
            }
        })
        .collect();
    Explanation { verdict, mappings }
}
