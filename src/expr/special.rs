//! Checks specific to one function, beyond arity and argument types. Each function's
//! declaration in the catalogue (`expr/catalogue.rs`) names its checks; the checker runs them
//! without knowing which function it is looking at.

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::catalogue::Function;
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{Arg, Call, Expr, ExprKind};
use crate::expr::types::{Base, Type};

/// Checks specific to one function, beyond arity and argument types: one entry per check. It
/// sees the call and the inferred type of each argument (`None` for an empty slot).
pub type SpecialCheck = fn(&Call, &[Option<Type>]) -> Option<Diagnostic>;

/// The integer value of argument `index` when it is a literal.
fn literal_int(call: &Call, index: usize) -> Option<i64> {
    match &call.args.get(index)?.value()?.kind {
        ExprKind::Number(n) => n.parse().ok(),
        ExprKind::Str(raw) => decode_string(raw).trim().parse().ok(),
        _ => None,
    }
}

/// An empty inputFormat is allowed only when the source is already a date (Microsoft's Cloud Sync
/// default `FormatDateTime(DateFromNum([pwdLastSet]), "RoundtripKind", , "yyyyMMddHHmmss.0Z")`).
pub fn format_date_time_input(call: &Call, types: &[Option<Type>]) -> Option<Diagnostic> {
    let index = 2;
    if call.args.len() != 4 {
        return None;
    }
    let slot = call.args.get(index)?;
    let source = types.first().copied().flatten();
    let is_date = source.is_some_and(|t| t.base == Base::DateTime || t.base == Base::Any);
    (matches!(slot, Arg::Empty(_)) && !is_date).then(|| {
        Diagnostic::new(
            RuleId::MissingRequiredArgument,
            slot.span(),
            format!(
                "`FormatDateTime` needs a value for `inputFormat` (argument {}) unless the source is already a date",
                index + 1
            ),
        )
        .with_primary_label("empty slot")
        .with_help("give the .NET format of the source text, such as \"yyyyMMddHHmmss.fZ\"")
    })
}

/// Item's index is 1-based: a literal 0 selects nothing.
pub fn item_index_zero(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
    (literal_int(call, 1) == Some(0)).then(|| {
        Diagnostic::new(
            RuleId::ItemIndexZero,
            call.args[1].span(),
            "Item's index is 1-based; 0 is out of range",
        )
        .with_primary_label("index 0")
        .with_help("use 1 for the first value")
    })
}

/// oldValue and regexPattern both given: the oldValue mode ignores the pattern (a likely
/// `Replace([mail], "old", "new")` meaning the fifth slot).
pub fn replace_slots(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
    let filled = |i: usize| call.args.get(i).and_then(Arg::value).is_some();
    (filled(1) && filled(2)).then(|| {
        Diagnostic::new(
            RuleId::ReplaceSlots,
            call.args[2].span(),
            "`Replace` has both oldValue and regexPattern; with oldValue the pattern is ignored",
        )
        .with_primary_label("regexPattern slot (the third)")
        .with_help("the replacement text goes in the fifth slot: Replace(source, oldValue, , , replacementValue, , )")
    })
}

/// RandomString's length is at most 256 and at least the sum of the minimums.
pub fn random_string_bounds(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
    let n: Vec<i64> = (0..5)
        .map(|i| literal_int(call, i))
        .collect::<Option<_>>()?;
    let minimums: i128 = n[1..].iter().map(|v| i128::from(*v)).sum();
    let span = call.args[0].span();
    if n[0] > 256 {
        Some(
            Diagnostic::new(
                RuleId::RandomStringBounds,
                span,
                format!("length {} is above RandomString's maximum of 256", n[0]),
            )
            .with_primary_label("too long"),
        )
    } else if i128::from(n[0]) < minimums || n.iter().any(|v| *v < 0) {
        Some(
            Diagnostic::new(
                RuleId::RandomStringBounds,
                span,
                format!(
                    "length {} is below the sum of the minimums ({minimums})",
                    n[0]
                ),
            )
            .with_primary_label("too short")
            .with_help(format!("use a length of at least {minimums}")),
        )
    } else {
        None
    }
}

/// A predicate (IsPresent, IsNull, IsNullOrEmpty) as the Switch source: IIF is meant.
pub fn switch_source_predicate(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
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

/// Switch's own argument-count finding: a missing pair or a key without a value.
pub fn switch_pairs(call: &Call, function: &Function) -> Diagnostic {
    let n = call.args.len();
    let close = Span::new(call.open_span.start, call.open_span.end);
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
