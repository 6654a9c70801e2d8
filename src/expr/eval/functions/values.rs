//! Values, lists and app roles: Count, Item, RemoveDuplicates, CStr, BitAnd, Guid, RandomString,
//! Redact and the app role functions.

use super::*;

pub(super) fn roles_complex<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn bit_and<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let a = fr.int(call, 0)?;
    let b = fr.int(call, 1)?;
    owned(Value::Int(a & b))
}

pub(super) fn count<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let n = match v.as_ref() {
        Value::Null => 0,
        Value::Multi(values) => values.len(),
        _ => 1,
    };
    owned(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

pub(super) fn cstr<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    Ok(match fr.text(call, 0)? {
        Some(t) => Cow::Owned(Value::Str(t)),
        None => Cow::Owned(Value::Null),
    })
}

pub(super) fn guid<'a>(fr: &mut Frame<'a>, _call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn item<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn random_string<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn redact<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    fr.redacted = true;
    Ok(v)
}

pub(super) fn remove_duplicates<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn single_role<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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
