//! A Graph source tree back to expression text: a node's own `expression` when it has one,
//! otherwise the call rebuilt from its parameters by the service's keys (from the function
//! catalogue), never by their order.

use crate::expr::catalogue::{self, Arity};
use crate::expr::syntax::ast::encode_string;
use crate::graph::model::{AttributeMappingSource, SourceKind};

pub(super) fn source_name(source: &AttributeMappingSource) -> String {
    if let Some(name) = &source.name {
        return name.clone();
    }
    let expression = source.expression.as_deref().unwrap_or_default();
    match source.kind {
        SourceKind::Attribute => expression.trim_matches(['[', ']']).to_owned(),
        _ => expression.trim_matches('"').to_owned(),
    }
}

/// The text of a Function source: its `expression` (canonical when it parses), or the call
/// rebuilt from its parameters by their keys when the document has no text.
pub fn expression_text(source: &AttributeMappingSource) -> Result<String, String> {
    match &source.expression {
        Some(text) => Ok(match crate::expr::syntax::parse(text) {
            Ok(expr) => crate::expr::syntax::print(&expr),
            Err(_) => text.clone(),
        }),
        None => rebuild(source, 0),
    }
}

/// The deepest source tree rebuilt.
const MAX_REBUILD_DEPTH: usize = 64;

/// The comparison operators a Function node may be named (entramap's own export writes a
/// comparison as a node with `left` and `right`; no real output shows one).
const COMPARISONS: &[&str] = &["=", "<>", "<", "<=", ">", ">="];

/// The expression text of a source tree, rebuilt from the parameters' keys (the service's keys,
/// from the function catalogue), never from their order. What cannot be read is an error naming
/// it.
fn rebuild(source: &AttributeMappingSource, depth: usize) -> Result<String, String> {
    if depth > MAX_REBUILD_DEPTH {
        return Err(format!(
            "the source tree nests deeper than {MAX_REBUILD_DEPTH} levels"
        ));
    }
    let name = source.name.as_deref().unwrap_or_default();
    match &source.kind {
        SourceKind::Attribute if !name.is_empty() => return Ok(format!("[{name}]")),
        SourceKind::Attribute => return Err("an Attribute node has no `name`".to_owned()),
        SourceKind::Constant => return Ok(format!("\"{}\"", encode_string(name))),
        SourceKind::Function => {}
        SourceKind::Missing => {
            return Err(format!(
                "a source node `{name}` has no `type` (Attribute, Constant or Function) and no `expression`"
            ))
        }
        SourceKind::Other(other) => {
            return Err(format!("a source node has the unknown type `{other}`"))
        }
    }
    let child = |key: &str, value: &AttributeMappingSource| {
        rebuild(value, depth + 1).map_err(|e| format!("{name}, parameter `{key}`: {e}"))
    };
    if COMPARISONS.contains(&name) {
        let side = |key: &str| -> Result<String, String> {
            let found = source.parameters.iter().find(|p| p.key == key);
            found.map_or_else(
                || Err(format!("comparison `{name}` has no `{key}` parameter")),
                |p| child(key, &p.value),
            )
        };
        if let Some(other) = source
            .parameters
            .iter()
            .find(|p| p.key != "left" && p.key != "right")
        {
            return Err(format!(
                "comparison `{name}` has an unknown parameter `{}`",
                other.key
            ));
        }
        return Ok(format!("{} {name} {}", side("left")?, side("right")?));
    }
    let forms: Vec<&catalogue::Function> =
        catalogue::functions().filter(|f| f.name == name).collect();
    if forms.is_empty() {
        return Err(format!("unknown function `{name}`"));
    }
    // A parameter is found by its Graph key; one keyed `source` also by its reference name,
    // which older exports wrote before the key was known (`appRoleAssignments`).
    let named =
        |q: &catalogue::Param, key: &str| q.key == key || (q.key == "source" && q.name == key);
    let function = forms
        .iter()
        .find(|f| {
            source
                .parameters
                .iter()
                .all(|p| f.params.iter().any(|q| named(q, &p.key)))
        })
        .ok_or_else(|| {
            let unknown = source
                .parameters
                .iter()
                .find(|p| !forms[0].params.iter().any(|q| named(q, &p.key)))
                .map_or("", |p| p.key.as_str());
            let keys: Vec<&str> = forms[0].params.iter().map(|q| q.key).collect();
            format!(
                "`{name}` has no parameter `{unknown}` (its keys are {})",
                keys.join(", ")
            )
        })?;
    let (fixed, group) = match function.arity {
        Arity::Range { .. } => (function.params.len(), 0),
        Arity::Repeat { group, .. } => (function.params.len() - group, group),
    };
    let mut slots: Vec<Option<String>> = vec![None; fixed];
    for (i, param) in function.params[..fixed].iter().enumerate() {
        let mut given = source.parameters.iter().filter(|p| named(param, &p.key));
        if let Some(first) = given.next() {
            if given.next().is_some() {
                return Err(format!("`{name}` has parameter `{}` twice", param.key));
            }
            slots[i] = Some(child(param.key, &first.value)?);
        }
    }
    if group > 0 {
        // The repeated parameters, in document order (Join's `source`s; Switch's `switchValue`s,
        // key then value).
        let repeated: Vec<&str> = function.params[fixed..].iter().map(|p| p.key).collect();
        let fixed_keys: Vec<&str> = function.params[..fixed].iter().map(|p| p.key).collect();
        for p in &source.parameters {
            if repeated.contains(&p.key.as_str()) && !fixed_keys.contains(&p.key.as_str()) {
                slots.push(Some(child(&p.key, &p.value)?));
            }
        }
    } else {
        let used = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
        slots.truncate(used.max(function.min_args()));
    }
    if !function.accepts_count(slots.len()) {
        return Err(format!(
            "`{name}` has {} argument(s), which its signature {} does not take",
            slots.len(),
            function.signature()
        ));
    }
    let args: Vec<String> = slots.into_iter().map(Option::unwrap_or_default).collect();
    Ok(format!("{name}({})", args.join(", ")))
}
