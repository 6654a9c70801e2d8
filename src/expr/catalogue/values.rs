//! Values, lists and app roles: counting and picking list values, conversions, bit tests,
//! generated and redacted values, and the app role functions. The entries below are the list.

use super::prelude::*;

/// The declarations of this family.
pub(super) static VALUES: &[Function] = &[
    function!(
        "AppRoleAssignmentsComplex",
        [p("appRoleAssignments", ROLES).key("source")],
        range(1),
        fixed(Type::multi(Base::Roles)),
        AP,
        "All app roles assigned to the user, as complex SCIM roles (PATCH add).",
        run: roles_complex,
        semantics: "Each assigned role becomes {primary: false, type: WindowsAzureActiveDirectoryRole, display, value}; text values give display = value. Null gives Null.",
        placement: Placement::WholeExpression,
        doc: ROLES_DOC,
        origin: ORIGIN_ROLES,
    ),
    function!(
        "AssertiveAppRoleAssignmentsComplex",
        [p("appRoleAssignments", ROLES).key("source")],
        range(1),
        fixed(Type::multi(Base::Roles)),
        AP,
        "All app roles assigned to the user, as complex SCIM roles (PATCH replace: removes unassigned roles).",
        run: roles_complex,
        semantics: "Same value as AppRoleAssignmentsComplex (the difference, PATCH replace, is in how it is sent).",
        placement: Placement::WholeExpression,
        doc: ROLES_DOC,
        origin: ORIGIN_ROLES,
    ),
    function!(
        "BitAnd",
        [p("value1", INT), p("value2", INT)],
        range(2),
        fixed(Type::INTEGER),
        AP | HR | CS,
        "Bitwise AND of two integers.",
        run: bit_and,
        semantics: "Bitwise AND of two 64-bit integers (decimal text, numbers or &H literals); anything else is an error.",
    ),
    function!(
        "Count",
        [p("attribute", MV)],
        range(1),
        fixed(Type::INTEGER),
        AP | HR | CS,
        "The number of values of a multi-valued attribute.",
        run: count,
        semantics: "Number of values; Null is 0, a single value is 1.",
    ),
    function!(
        "CStr",
        [p("value", ANY)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Converts a value to a string.",
        run: cstr,
        semantics: "The text form of the value (True/False, decimal, M/d/yyyy h:mm:ss tt, base64 for binary). Null gives Null.",
    ),
    function!(
        "Guid",
        [],
        range(0),
        fixed(S),
        AP | HR | CS,
        "A new random GUID.",
        run: guid,
        semantics: "A version-4 GUID, lower case with hyphens, drawn from the seeded generator.",
    ),
    function!(
        "Item",
        [p("attribute", MV), p("index", INT)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "The index-th value (1-based) of a multi-valued attribute.",
        run: item,
        semantics: "The index-th value, 1-based; a single value is a one-value list; Null gives Null; an index out of range is an error (as Connect Sync documents).",
        checks: &[item_index_zero],
    ),
    function!(
        "RandomString",
        [
            p("Length", INT),
            p("MinimumNumbers", INT),
            p("MinimumSpecialCharacters", INT),
            p("MinimumCapital", INT),
            p("MinimumLowerCase", INT),
            opt("CharactersToAvoid", STR)
        ],
        range(5),
        fixed(S),
        AP,
        "A random string meeting the given minimums (initial passwords).",
        run: random_string,
        semantics: "Length characters (1..=256) with at least the given digits, specials (~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/), capitals and lower-case letters, the rest from all four classes, never a character of CharactersToAvoid, shuffled. The sum of the minimums must not exceed Length; a class emptied by CharactersToAvoid with a non-zero minimum is an error.",
        checks: &[random_string_bounds],
    ),
    function!(
        "Redact",
        [p("value", ANY)],
        range(1),
        Returns::Args(&[0]),
        AP,
        "The value itself, masked in provisioning logs.",
        run: redact,
        semantics: "The value itself; the result is marked redacted (the CLI says so; logs would show [Redact]).",
    ),
    function!(
        "RemoveDuplicates",
        [p("attribute", MV)],
        range(1),
        fixed(Type::multi(Base::String)),
        AP | HR | CS,
        "The values of a multi-valued attribute without duplicates.",
        run: remove_duplicates,
        semantics: "Keeps the first occurrence of each value (ordinal comparison of the text), in order. Null gives Null.",
    ),
    function!(
        "SingleAppRoleAssignment",
        [p("appRoleAssignments", ROLES).key("source")],
        range(1),
        fixed(S),
        AP,
        "The single app role assigned to the user.",
        run: single_role,
        semantics: "The role's value for one assignment; with several, the first (Microsoft: unpredictable). Null gives Null.",
        origin: ORIGIN_SERVICE,
    ),
];

/// Item's index is 1-based: a literal 0 selects nothing.
fn item_index_zero(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
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

/// RandomString's length is at most 256 and at least the sum of the minimums.
fn random_string_bounds(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
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

fn roles_complex<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let items: &[Value] = match v.as_ref() {
        Value::Null => return owned(Value::Null),
        Value::Multi(values) => values,
        single => std::slice::from_ref(single),
    };
    let roles = items
        .iter()
        .map(|item| match item {
            Value::Role(role) => Ok(Value::Role(Box::new(AppRole {
                primary: false,
                kind: ROLE_TYPE.to_owned(),
                ..(**role).clone()
            }))),
            other => {
                let name = single_text(other)?.unwrap_or_default().into_owned();
                Ok(Value::Role(Box::new(AppRole {
                    value: name.clone(),
                    display: name,
                    primary: false,
                    kind: ROLE_TYPE.to_owned(),
                })))
            }
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(|m| fail(call, m))?;
    owned(Value::Multi(roles))
}

fn bit_and<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let a = fr.int(call, 0)?;
    let b = fr.int(call, 1)?;
    owned(Value::Int(a & b))
}

fn count<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let n = match v.as_ref() {
        Value::Null => 0,
        Value::Multi(values) => values.len(),
        _ => 1,
    };
    owned(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn cstr<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    Ok(match fr.text(call, 0)? {
        Some(t) => Cow::Owned(Value::Str(t)),
        None => Cow::Owned(Value::Null),
    })
}

fn guid<'a>(fr: &mut Frame<'a>, _call: &'a CallNode) -> Flow<'a> {
    let mut bytes: [u8; 16] = fr.rng().random();
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    str_value(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn item<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let list = fr.val(call, 0)?;
    let index = fr.int(call, 1)?;
    if list.is_null() {
        return owned(Value::Null);
    }
    let len = match list.as_ref() {
        Value::Multi(values) => values.len(),
        _ => 1,
    };
    let position = usize::try_from(index)
        .ok()
        .filter(|i| (1..=len).contains(i));
    let Some(position) = position else {
        return Err(fail(
            call,
            format!("index {index} is out of range 1..={len} (Item is 1-based)"),
        ));
    };
    Ok(match list {
        Cow::Borrowed(Value::Multi(values)) => Cow::Borrowed(&values[position - 1]),
        Cow::Owned(Value::Multi(mut values)) => Cow::Owned(values.swap_remove(position - 1)),
        single => single,
    })
}

fn random_string<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let mut numbers = [0i64; 5];
    for (i, n) in numbers.iter_mut().enumerate() {
        *n = fr.int(call, i)?;
    }
    let avoid = fr.text(call, 5)?.unwrap_or_default();
    let [length, digits, specials, capitals, lower] = numbers;
    if !(1..=256).contains(&length) {
        return Err(fail(call, format!("Length {length} is outside 1..=256")));
    }
    if numbers[1..].iter().any(|n| *n < 0) {
        return Err(fail(call, "the minimums must not be negative"));
    }
    if numbers[1..].iter().map(|n| i128::from(*n)).sum::<i128>() > i128::from(length) {
        return Err(fail(
            call,
            format!("the minimums add up to more than Length {length}"),
        ));
    }
    let class = |set: &str| -> Vec<char> { set.chars().filter(|c| !avoid.contains(*c)).collect() };
    let classes = [
        (class(text::DIGITS), digits, "digits"),
        (
            class(text::SPECIAL_CHARACTERS),
            specials,
            "special characters",
        ),
        (class(text::CAPITALS), capitals, "capitals"),
        (class(text::LOWER_CASE), lower, "lower-case letters"),
    ];
    let all: Vec<char> = classes
        .iter()
        .flat_map(|(c, _, _)| c.iter().copied())
        .collect();
    if all.is_empty() {
        return Err(fail(call, "CharactersToAvoid excludes every character"));
    }
    let rng = fr.rng();
    let mut out: Vec<char> = Vec::with_capacity(length as usize);
    for (chars, minimum, name) in &classes {
        if *minimum > 0 && chars.is_empty() {
            return Err(fail(call, format!("CharactersToAvoid excludes all {name}")));
        }
        for _ in 0..*minimum {
            out.push(chars[rng.random_range(0..chars.len())]);
        }
    }
    while out.len() < length as usize {
        out.push(all[rng.random_range(0..all.len())]);
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.random_range(0..=i));
    }
    str_value(out.into_iter().collect())
}

fn redact<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    fr.redacted = true;
    Ok(v)
}

fn remove_duplicates<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let Value::Multi(values) = v.as_ref() else {
        return Ok(v);
    };
    let mut seen = std::collections::HashSet::with_capacity(values.len());
    let mut out = Vec::with_capacity(values.len());
    for value in values {
        let key = match value {
            Value::Role(role) => Cow::Borrowed(role.value.as_str()),
            other => other.text().unwrap_or_default(),
        };
        if seen.insert(key.into_owned()) {
            out.push(value.clone());
        }
    }
    owned(Value::Multi(out))
}

fn single_role<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let first = match v.as_ref() {
        Value::Null => return owned(Value::Null),
        Value::Multi(values) => match values.first() {
            Some(first) => first,
            None => return owned(Value::Null),
        },
        single => single,
    };
    let text = match first {
        Value::Role(role) => role.value.clone(),
        other => single_text(other)
            .map_err(|m| fail(call, m))?
            .unwrap_or_default()
            .into_owned(),
    };
    str_value(text)
}
