//! Logic and control: conditions and choices, tests for null and presence, stopping a flow,
//! unique values, errors, and the undocumented names of the service's function list. The entries
//! below are the list.

use super::prelude::*;

/// The declarations of this family.
pub(super) static LOGIC: &[Function] = &[
    function!(
        "CBool",
        [p("expression", ParamKind::Condition)],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the expression (usually a comparison) is true or non-zero.",
        run: cbool,
        semantics: "Booleans as they are; integers: non-zero is True; text True/False in any case; Null is False; other text is an error.",
    ),
    function!(
        "Coalesce",
        [p("source", ANY)],
        Arity::Repeat {
            group: 1,
            min_groups: 1
        },
        Returns::AllArgs,
        AP | HR,
        "The first argument that is not null; the last one acts as the default.",
        run: coalesce,
        semantics: "The first argument that is not Null; empty strings count as values (the documented rule; an AI-assisted guide implies otherwise).",
    ),
    function!(
        "Error",
        [p("ErrorMessage", STR)],
        range(1),
        Returns::Never,
        CS,
        "Raises a custom error for the object.",
        run: error_fn,
        semantics: "Fails the evaluation with the given message.",
        doc: CS_DOC,
        origin: ORIGIN_CS,
    ),
    function!(
        "IgnoreFlowIfNullOrEmpty",
        [p("expression", ANY)],
        range(1),
        Returns::Args(&[0]),
        AP | HR | CS,
        "Drops the attribute from the flow when the value is null or empty.",
        run: ignore_flow,
        semantics: "Null or \"\" (or an empty list) stops the attribute (it does not flow); otherwise the value.",
        placement: Placement::WholeExpressionRecommended,
    ),
    function!(
        "IIF",
        [
            p("condition", ParamKind::Condition).key("one"),
            opt("valueIfTrue", ANY).key("two"),
            opt("valueIfFalse", ANY).key("three")
        ],
        range(3),
        Returns::Args(&[1, 2]),
        AP | HR | CS,
        "valueIfTrue if the condition holds, else valueIfFalse (an empty branch yields nothing).",
        run: iif,
        semantics: "Evaluates the condition, then only the chosen branch. With --strict-iif a condition that reads a null or empty attribute is an error.",
        prepare: Some(prepare_iif),
        origin: "signature: functions-for-customizing-application-data.md; empty branches: Microsoft's default Cloud Sync mapping of LastPasswordChangeTimestamp; Graph key `one`: a real 2025 Cloud Sync job schema (cloudsync-ad2aad-schema-excerpt.txt), `two`/`three` inferred",
    ),
    function!(
        "IsNull",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is absent.",
        run: is_null,
        semantics: "True for Null only.",
    ),
    function!(
        "IsNullOrEmpty",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is absent or an empty string.",
        run: is_null_or_empty,
        semantics: "True for Null or \"\"; whitespace is not empty.",
    ),
    function!(
        "IsPresent",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is present and not empty.",
        run: is_present,
        semantics: "Not IsNullOrEmpty.",
        origin: "signature: functions-for-customizing-application-data.md; Graph key `source`: a real 2025 Cloud Sync job schema (cloudsync-ad2aad-schema-excerpt.txt)",
    ),
    function!(
        "IsString",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the value can be read as a string.",
        run: is_string,
        semantics: "True for text, numbers, Booleans and dates; False for Null, lists, binary and roles.",
    ),
    function!(
        "Not",
        [p("source", BOOL)],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "Flips a Boolean.",
        run: not,
        semantics: "False if the value is True (Boolean or text true in any case); True for anything else, Null included (documented: \"otherwise, returns True\").",
        origin: ORIGIN_SERVICE,
    ),
    function!(
        "SelectUniqueValue",
        [p("uniqueValueRule", STR)],
        Arity::Repeat { group: 1, min_groups: 2 },
        fixed(S),
        HR,
        "The first of the candidate values that is unused in the target (Workday, SuccessFactors, API-driven to AD).",
        run: select_unique_value,
        semantics: "The first rule whose value is not Null/\"\" and not taken (--taken); rules after it are not evaluated. All taken is an error (Entra escrows the object).",
        placement: Placement::WholeExpression,
    ),
    function!(
        "Switch",
        [
            p("source", ANY),
            opt("defaultValue", ANY),
            p("key", STR).key("switchValue"),
            p("value", ANY).key("switchValue")
        ],
        Arity::Repeat {
            group: 2,
            min_groups: 1
        },
        Returns::SwitchValues,
        AP | HR | CS,
        "The value whose key equals source (case-sensitive), else the default.",
        run: switch,
        semantics: "Compares the source text (Null as \"\") with each key in order, ordinal and case-sensitive, evaluating keys lazily; the first match's value, else the default (an empty default slot is Null: does not flow). A multi-valued source is an error.",
        origin: "signature: functions-for-customizing-application-data.md; Graph keys (source, defaultValue, then switchValue for every key and value): the service's GET .../schema/functions response",
        checks: &[switch_source_predicate],
        count_check: Some(switch_pairs),
    ),
    function!(
        "DefaultDomain",
        [],
        range(0),
        fixed(S),
        AP | HR | CS,
        "Listed in the service's function list only; semantics undocumented (reported working in Workday inbound).",
        run: default_domain,
        semantics: "Undocumented: returns --param DefaultDomain=VALUE when given, otherwise an \"undocumented, not evaluated\" error.",
        documented: false,
        doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY,
    ),
    function!(
        "AppRoleAssignments",
        [p("source", ANY)],
        range(1),
        fixed(S),
        AP,
        "Listed in the service's function list only; semantics undocumented.",
        run: undocumented,
        semantics: "Undocumented: always an \"undocumented, not evaluated\" error.",
        documented: false,
        doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY,
    ),
    function!(
        "IsNothing",
        [p("source", ANY)],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "Listed in the service's function list only: taken to be true when the value is absent, as IsNull.",
        run: is_null,
        semantics: "Undocumented (the service's function list names it with one source): taken to be IsNull, True for Null only.",
        documented: false,
        doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY,
    ),
];

/// A predicate (IsPresent, IsNull, IsNullOrEmpty) as the Switch source: IIF is meant.
fn switch_source_predicate(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
    let source = call
        .args
        .first()
        .and_then(Arg::value)
        .and_then(Expr::as_call)?;
    matches!(
        source.name.as_str(),
        "IsPresent" | "IsNull" | "IsNullOrEmpty"
    )
    .then(|| {
        Diagnostic::new(
            RuleId::SwitchSourcePredicate,
            source.name_span,
            format!("`{}` as the Switch source", source.name),
        )
        .with_primary_label("predicate as source")
        .with_help(format!(
            "Microsoft's reference recommends IIF({}(...), valueIfTrue, valueIfFalse)",
            source.name
        ))
    })
}

/// Switch's own argument-count finding: a key without a value, no source (errors), or no pair
/// at all (a warning: the service's function list marks the pairs optional).
fn switch_pairs(call: &Call, function: &Function) -> Diagnostic {
    let n = call.args.len();
    let close = Span::new(call.open_span.start, call.open_span.end);
    if (1..=2).contains(&n) {
        let span = call.args.last().map_or(close, Arg::span);
        return Diagnostic::new(
            RuleId::SwitchWithoutPairs,
            span,
            "Switch has no key/value pair: it gives the default value for everyone",
        )
        .with_primary_label("expected a key and a value after this")
        .with_help(format!(
            "signature: {}; for `active`, Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            function.signature()
        ));
    }
    let pairs = n.saturating_sub(2);
    let message = if n < 4 {
        "Switch has no key/value pair".to_owned()
    } else {
        format!("Switch has a key without a value ({pairs} arguments after source and default)")
    };
    let span = call.args.last().map_or(close, Arg::span);
    Diagnostic::new(RuleId::SwitchPairs, span, message)
        .with_primary_label(if n < 4 {
            "expected a key and a value after this"
        } else {
            "this key has no value"
        })
        .with_help(format!("signature: {}", function.signature()))
}

fn cbool<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    if v.is_null() {
        return bool_value(false);
    }
    truth(&v)
        .map(Value::Bool)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

fn coalesce<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    for i in 0..call.args.len() {
        let v = fr.val(call, i)?;
        if !v.is_null() {
            return Ok(v);
        }
    }
    owned(Value::Null)
}

fn error_fn<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let message = fr.text(call, 0)?.unwrap_or_default();
    Err(fail(call, format!("raised \"{message}\"")))
}

fn ignore_flow<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    if v.is_null_or_empty() {
        return Err(Stop::NoFlow(
            NoFlowReason::IgnoreFlowIfNullOrEmpty,
            call.span,
        ));
    }
    Ok(v)
}

fn prepare_iif(call: &mut CallNode) {
    fn collect(node: &Node, out: &mut Vec<Box<str>>) {
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
    call.precomputed = Precomputed::ConditionAttributes(attributes);
}

fn iif<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    if fr.ctx.iif_null == IifNullPolicy::Strict {
        if let Precomputed::ConditionAttributes(names) = &call.precomputed {
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

fn is_null<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(v.is_null())
}

fn is_null_or_empty<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(v.is_null_or_empty())
}

fn is_present<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(!v.is_null_or_empty())
}

fn is_string<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    bool_value(matches!(
        v.as_ref(),
        Value::Str(_) | Value::Int(_) | Value::Bool(_) | Value::DateTime(_)
    ))
}

fn not<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let is_true = match v.as_ref() {
        Value::Bool(b) => *b,
        other => matches!(single_text(other), Ok(Some(t)) if t.trim().eq_ignore_ascii_case("true")),
    };
    bool_value(!is_true)
}

fn select_unique_value<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn switch<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn default_domain<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    match fr.ctx.parameters.get("DefaultDomain") {
        Some(domain) => str_value(domain.clone()),
        None => Err(fail(
            call,
            "undocumented, not evaluated (pass --param DefaultDomain=VALUE to supply it)",
        )),
    }
}

fn undocumented<'a>(_fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    Err(fail(call, "undocumented, not evaluated"))
}
