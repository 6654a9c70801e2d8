//! Logic and control: IIF, Switch, Coalesce, CBool, Not, the Is* tests, IgnoreFlowIfNullOrEmpty,
//! SelectUniqueValue, Error and the undocumented DefaultDomain / AppRoleAssignments.

use super::*;

pub(super) fn cbool<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    if v.is_null() {
        return bool_value(false);
    }
    truth(&v)
        .map(Value::Bool)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

pub(super) fn coalesce<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    for i in 0..call.args.len() {
        let v = fr.val(call, i)?;
        if !v.is_null() {
            return Ok(v);
        }
    }
    owned(Value::Null)
}

pub(super) fn error_fn<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let message = fr.text(call, 0)?.unwrap_or_default();
    Err(fail(call, format!("raised \"{message}\"")))
}

pub(super) fn ignore_flow<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    if v.is_null_or_empty() {
        return Err(Stop::NoFlow(
            NoFlowReason::IgnoreFlowIfNullOrEmpty,
            call.span,
        ));
    }
    Ok(v)
}

pub(super) fn prepare_iif(call: &mut CallNode) {
    fn collect(node: &super::super::Node, out: &mut Vec<Box<str>>) {
        match &node.kind {
            NodeKind::Attr(name) => out.push(name.clone()),
            NodeKind::Cmp(_, l, r) => {
                collect(l, out);
                collect(r, out);
            }
            NodeKind::Call(c) => c.args.iter().flatten().for_each(|a| collect(a, out)),
            _ => {}
        }
    }
    let mut attributes = Vec::new();
    if let Some(Some(condition)) = call.args.first() {
        collect(condition, &mut attributes);
    }
    call.aux = Aux::Attributes(attributes);
}

pub(super) fn iif<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    if fr.ctx.iif_null == super::super::IifNullPolicy::Strict {
        if let Aux::Attributes(names) = &call.aux {
            if let Some(name) = names
                .iter()
                .find(|n| fr.source.get(n).is_none_or(Value::is_null_or_empty))
            {
                return Err(fail(
                    call,
                    format!("the condition reads [{name}], which is null or empty (strict IIF: \"the condition check fails\")"),
                ));
            }
        }
    }
    let condition = fr.val(call, 0)?;
    let chosen = truth(&condition).map_err(|m| fail(call, m))?;
    fr.val(call, if chosen { 1 } else { 2 })
}

pub(super) fn is_null<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(v.is_null())
}

pub(super) fn is_null_or_empty<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(v.is_null_or_empty())
}

pub(super) fn is_present<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(!v.is_null_or_empty())
}

pub(super) fn is_string<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(matches!(
        v.as_ref(),
        Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::DateTime(_)
    ))
}

pub(super) fn not<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let is_true = match v.as_ref() {
        Value::Bool(b) => *b,
        other => matches!(single_text(other), Ok(Some(t)) if t.trim().eq_ignore_ascii_case("true")),
    };
    bool_value(!is_true)
}

pub(super) fn select_unique_value<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    for i in 0..call.args.len() {
        let v = fr.val(call, i)?;
        let candidate = single_text(&v).map_err(|m| fail(call, m))?;
        match candidate {
            Some(text) if !text.is_empty() && !fr.ctx.taken.contains(text.as_ref()) => {
                return Ok(v)
            }
            _ => {}
        }
    }
    Err(fail(
        call,
        "every candidate value is empty or already taken (Entra escrows the object)",
    ))
}

pub(super) fn switch<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let source_value = fr.val(call, 0)?;
    let source = single_text(&source_value)
        .map_err(|m| fail(call, m))?
        .unwrap_or_default();
    let mut i = 2;
    while i + 1 < call.args.len() {
        let key_value = fr.val(call, i)?;
        let key = single_text(&key_value)
            .map_err(|m| fail(call, m))?
            .unwrap_or_default();
        if key == source {
            return fr.val(call, i + 1);
        }
        i += 2;
    }
    fr.val(call, 1)
}

pub(super) fn default_domain<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    match fr.ctx.parameters.get("DefaultDomain") {
        Some(domain) => str_value(domain.clone()),
        None => Err(fail(
            call,
            "undocumented, not evaluated (pass --param DefaultDomain=VALUE to supply it)",
        )),
    }
}

pub(super) fn undocumented<'a>(_fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    Err(fail(call, "undocumented, not evaluated"))
}
