//! Whether two mapping values are the same function of their inputs: when every attribute either
//! reads is single-valued Boolean (`IsSoftDeleted`, `accountEnabled`), the input domain is finite
//! (true, false or absent for each; `IsSoftDeleted` is never absent), so both are evaluated for
//! every combination and compared.
//! `Not([IsSoftDeleted])` and the portal's default
//! `Switch([IsSoftDeleted], , "False", "True", "True", "False")` are equal this way.

use crate::expr::eval::{compile, compile_text, Compiled, EvalContext, JsonSource, Outcome};
use crate::expr::source::SourceSchema;
use crate::expr::types::Base;
use crate::model::MappingKind;
use chrono::{TimeZone, Utc};

/// At most this many attributes are enumerated (3^6 = 729 combinations per expression).
const MAX_INPUTS: usize = 6;

/// Attributes the provisioning service computes for every object, so never absent:
/// `IsSoftDeleted` ("Computed by the provisioning service, not stored on the user",
/// `schemas/source/entra-id.yaml`, from Microsoft Learn customize-application-attributes.md).
const ALWAYS_PRESENT: &[&str] = &["IsSoftDeleted"];

/// What a value reads and how it is evaluated.
struct Function {
    compiled: Compiled,
    inputs: Vec<String>,
}

fn function(kind: &MappingKind) -> Option<Function> {
    match kind {
        MappingKind::Direct(name) => Some(Function {
            compiled: compile_text(&format!("[{}]", name.value)).ok()?,
            inputs: vec![name.value.clone()],
        }),
        MappingKind::Expression {
            expr: Some(expr), ..
        } => Some(Function {
            compiled: compile(expr).ok()?,
            inputs: expr
                .attributes()
                .into_iter()
                .map(|(n, _)| n.to_owned())
                .collect(),
        }),
        MappingKind::Expression { expr: None, .. } | MappingKind::Constant(_) => None,
    }
}

/// The outcome as Entra sends it: the value's text, or why nothing is sent (not where).
fn sent(outcome: &Outcome) -> String {
    match outcome {
        // By text: `False` from Not and `"False"` from Switch reach the target alike.
        Outcome::Flows { value, redacted } => match value.text() {
            Some(text) => format!("{text} {redacted}"),
            None => format!("{value} {redacted}"),
        },
        Outcome::NotFlowing { reason, .. } => format!("not flowing: {}", reason.as_str()),
    }
}

/// The attributes over which `old` and `new` were shown to give the same value for every input,
/// or `None` when they differ somewhere or cannot be enumerated (an attribute that is not a
/// single-valued Boolean of `sources`, too many inputs, an expression that does not compile, or
/// one that depends on the clock or the random seed).
pub fn equivalent_over(
    old: &MappingKind,
    new: &MappingKind,
    sources: &SourceSchema,
) -> Option<Vec<String>> {
    let (a, b) = (function(old)?, function(new)?);
    let mut inputs: Vec<String> = a.inputs.iter().chain(&b.inputs).cloned().collect();
    inputs.sort();
    inputs.dedup();
    if inputs.len() > MAX_INPUTS {
        return None;
    }
    let boolean = |name: &String| {
        sources
            .get(name)
            .is_some_and(|s| s.base == Base::Boolean && !s.multivalued)
    };
    if !inputs.iter().all(boolean) {
        return None;
    }
    // Two different clocks and seeds: a value that changes with them is not a function of the
    // attributes alone.
    let contexts = [
        EvalContext::at(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single()?),
        EvalContext {
            seed: 1,
            ..EvalContext::at(Utc.with_ymd_and_hms(2031, 6, 15, 12, 30, 0).single()?)
        },
    ];
    // The values each input takes: true, false and (unless always present) absent.
    let domain = |name: &String| -> &'static [Option<bool>] {
        if ALWAYS_PRESENT.contains(&name.as_str()) {
            &[Some(true), Some(false)]
        } else {
            &[Some(true), Some(false), None]
        }
    };
    let combinations: usize = inputs.iter().map(|i| domain(i).len()).product();
    for mut n in 0..combinations {
        let mut object = serde_json::Map::new();
        for name in &inputs {
            let values = domain(name);
            if let Some(value) = values[n % values.len()] {
                object.insert(name.clone(), value.into());
            }
            n /= values.len();
        }
        let source = JsonSource::from_json(&serde_json::Value::Object(object)).ok()?;
        let mut seen: Option<String> = None;
        for ctx in &contexts {
            for f in [&a, &b] {
                let outcome = match f.compiled.eval(&source, ctx) {
                    Ok(outcome) => sent(&outcome),
                    Err(e) => format!("error: {}", e.message),
                };
                match &seen {
                    None => seen = Some(outcome),
                    Some(first) if *first != outcome => return None,
                    Some(_) => {}
                }
            }
        }
    }
    Some(inputs)
}
