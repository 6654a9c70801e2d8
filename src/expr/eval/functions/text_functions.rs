//! Text functions: Append, Prepend, Left, Mid, Word, Join, Split, Replace, InStr, case and
//! white-space transforms, base64 and hex encodings, SIDs and DN components.

use super::*;

pub(super) fn append<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let suffix = fr.text(call, 1)?.unwrap_or_default();
    transform(fr, call, true, &mut |s| check_len(format!("{s}{suffix}")))
}

pub(super) fn prepend<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let prefix = fr.text(call, 0)?.unwrap_or_default();
    let source = fr.val(call, 1)?;
    map_text(&source, true, &mut |s| check_len(format!("{prefix}{s}")))
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

pub(super) fn from_base64<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let Some(source) = fr.text(call, 0)? else {
        return owned(Value::Null);
    };
    let encoding = fr.text(call, 1)?.unwrap_or_else(|| "Unicode".to_owned());
    let trimmed = source.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
        .map_err(|e| fail(call, format!("invalid base64: {e}")))?;
    let text = match encoding.to_ascii_lowercase().as_str() {
        "unicode" => {
            if bytes.len() % 2 != 0 {
                return Err(fail(call, "the decoded bytes are not UTF-16 (odd length)"));
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units)
                .map_err(|_| fail(call, "the decoded bytes are not valid UTF-16"))?
        }
        "utf8" => String::from_utf8(bytes)
            .map_err(|_| fail(call, "the decoded bytes are not valid UTF-8"))?,
        "ascii" => bytes
            .iter()
            .map(|&b| if b < 128 { char::from(b) } else { '?' })
            .collect(),
        other => {
            return Err(fail(
                call,
                format!("\"{other}\" is not an encoding (Unicode, UTF8, ASCII)"),
            ))
        }
    };
    str_value(text)
}

pub(super) fn to_base64<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| {
        let bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        check_len(base64::engine::general_purpose::STANDARD.encode(bytes))
    })
}

pub(super) fn to_utf8_hex<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(s.len() * 2);
        for b in s.bytes() {
            let _ = write!(out, "{b:02X}");
        }
        check_len(out)
    })
}

/// Splits at unescaped `sep` (a backslash escapes the next character).
pub(super) fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

pub(super) fn dn_component<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let Some(dn) = fr.text(call, 0)? else {
        return owned(Value::Null);
    };
    let n = fr.int(call, 1)?;
    let component = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| split_unescaped(&dn, ',').get(i).copied());
    Ok(Cow::Owned(match component {
        Some(rdn) => {
            let mut halves = split_unescaped(rdn, '=');
            let value = if halves.len() > 1 {
                halves.split_off(1).join("=")
            } else {
                rdn.to_owned()
            };
            Value::Str(value.trim().to_owned())
        }
        None => Value::Null,
    }))
}

pub(super) fn instr<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let haystack = fr.text(call, 0)?.unwrap_or_default();
    let needle = fr.text(call, 1)?.unwrap_or_default();
    let start = match fr.arg(call, 2)? {
        Some(v) if !v.is_null() => int_of(&v).map_err(|m| fail(call, m))?,
        _ => 1,
    };
    let text_compare = match fr.text(call, 3)?.as_deref() {
        None | Some("vbBinaryCompare") | Some("0") => false,
        Some("vbTextCompare") | Some("1") => true,
        Some(other) => {
            return Err(fail(
                call,
                format!("\"{other}\" is not a compare type (vbBinaryCompare, vbTextCompare)"),
            ))
        }
    };
    if start < 1 {
        return Err(fail(call, format!("start {start} is below 1")));
    }
    if haystack.is_empty() || needle.is_empty() {
        return owned(Value::Int(0));
    }
    let (h, n) = if text_compare {
        (
            text::to_lower(&haystack, Culture::Invariant),
            text::to_lower(&needle, Culture::Invariant),
        )
    } else {
        (haystack, needle)
    };
    let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
    let Some((offset, _)) = h.char_indices().nth(skip) else {
        return owned(Value::Int(0));
    };
    let position = h[offset..].find(&n).map_or(0, |byte| {
        let chars = h[..offset + byte].chars().count() + 1;
        i64::try_from(chars).unwrap_or(i64::MAX)
    });
    owned(Value::Int(position))
}

pub(super) fn join<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let separator_value = fr.val(call, 0)?;
    let separator = single_text(&separator_value)
        .map_err(|m| fail(call, m))?
        .unwrap_or_default();
    let mut out = String::with_capacity(64);
    let mut first = true;
    for i in 1..call.args.len() {
        let v = fr.val(call, i)?;
        let items: &[Value] = match v.as_ref() {
            Value::Multi(values) => values,
            single => std::slice::from_ref(single),
        };
        for item in items {
            let text = single_text(item)
                .map_err(|m| fail(call, m))?
                .unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            if !first {
                out.push_str(&separator);
            }
            first = false;
            out.push_str(&text);
            if out.len() > MAX_TEXT_BYTES {
                return Err(fail(
                    call,
                    format!("the result is longer than {MAX_TEXT_BYTES} bytes"),
                ));
            }
        }
    }
    str_value(out)
}

pub(super) fn left<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let n = fr.int(call, 1)?;
    transform(fr, call, true, &mut |s| {
        Ok(match usize::try_from(n) {
            Err(_) => s.to_owned(),
            Ok(n) => s.chars().take(n).collect(),
        })
    })
}

pub(super) fn mid<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let start = fr.int(call, 1)?;
    let length = fr.int(call, 2)?;
    transform(fr, call, true, &mut |s| {
        if start < 1 || length <= 0 {
            return Ok(String::new());
        }
        let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
        let take = usize::try_from(length).unwrap_or(usize::MAX);
        Ok(s.chars().skip(skip).take(take).collect())
    })
}

pub(super) fn normalize_diacritics<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(text::normalize_diacritics(s)))
}

pub(super) fn pcase<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let separators = fr.text(call, 1)?;
    transform(fr, call, false, &mut |s| {
        Ok(text::pcase(s, separators.as_deref()))
    })
}

pub(super) fn constant_text(node: Option<&Option<super::super::Node>>) -> Option<String> {
    match node {
        Some(Some(super::super::Node {
            kind: NodeKind::Const(v),
            ..
        })) => single_text(v).ok().flatten().map(Cow::into_owned),
        _ => None,
    }
}

pub(super) fn prepare_replace(call: &mut CallNode) {
    let Some(pattern) = constant_text(call.args.get(2)) else {
        return;
    };
    let prepared = dotnet_regex::compile(&pattern).map(|regex| {
        let replacement = constant_text(call.args.get(4)).map(|r| Replacement::parse(&r, &regex));
        Arc::new(Prepared { regex, replacement })
    });
    call.aux = Aux::Regex(prepared);
}

pub(super) fn present(call: &CallNode, i: usize) -> bool {
    call.args.get(i).is_some_and(Option::is_some)
}

pub(super) fn replace<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let source = fr.val(call, 0)?;
    let old = if present(call, 1) {
        Some(fr.text(call, 1)?.unwrap_or_default())
    } else {
        None
    };
    let group = if present(call, 3) {
        Some(fr.text(call, 3)?.unwrap_or_default())
    } else {
        None
    };
    let replacement = if present(call, 4) {
        Some(fr.text(call, 4)?.unwrap_or_default())
    } else {
        None
    };
    let template = if present(call, 6) {
        Some(fr.text(call, 6)?.unwrap_or_default())
    } else {
        None
    };
    if present(call, 2) {
        let prepared = match &call.aux {
            Aux::Regex(Ok(p)) => Arc::clone(p),
            Aux::Regex(Err(m)) => return Err(fail(call, m.clone())),
            _ => {
                let pattern = fr.text(call, 2)?.unwrap_or_default();
                let regex = dotnet_regex::compile(&pattern).map_err(|m| fail(call, m))?;
                Arc::new(Prepared {
                    regex,
                    replacement: None,
                })
            }
        };
        let regex = &prepared.regex;
        if let (Some(group), None, true) = (&group, &replacement, present(call, 5)) {
            if !source.is_null_or_empty() {
                return Ok(source);
            }
            let other = fr.text(call, 5)?;
            let Some(other) = other else {
                return owned(Value::Null);
            };
            let captured = regex
                .captures(&other)
                .and_then(|c| c.name(group))
                .map_or("", |m| m.as_str());
            return str_value(captured.to_owned());
        }
        let replacement_text = replacement.unwrap_or_default();
        if let Some(group) = group {
            if !regex.capture_names().any(|n| n == Some(group.as_str())) {
                return Err(fail(
                    call,
                    format!("the regex has no group named \"{group}\""),
                ));
            }
            return transform_null(&source, call, &mut |s| {
                replace_group(regex, s, &group, &replacement_text)
            });
        }
        let parsed;
        let replacement = match &prepared.replacement {
            Some(r) => r,
            None => {
                parsed = Replacement::parse(&replacement_text, regex);
                &parsed
            }
        };
        return transform_null(&source, call, &mut |s| regex_replace(regex, s, replacement));
    }
    let Some(old) = old else {
        return Err(fail(call, "give oldValue or regexPattern"));
    };
    if old.is_empty() {
        return Err(fail(call, "oldValue is empty"));
    }
    if let (Some(template), None) = (&template, &replacement) {
        return transform_null(&source, call, &mut |s| literal_replace(template, &old, s));
    }
    let replacement = replacement.unwrap_or_default();
    transform_null(&source, call, &mut |s| {
        literal_replace(s, &old, &replacement)
    })
}

pub(super) fn transform_null<'a>(
    source: &Value,
    call: &'a CallNode,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Flow<'a> {
    map_text(source, false, f)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

pub(super) fn literal_replace(text: &str, old: &str, new: &str) -> Result<String, String> {
    let hits = text.matches(old).count();
    let size = text.len().saturating_add(hits.saturating_mul(new.len()));
    if size > MAX_TEXT_BYTES.saturating_add(hits.saturating_mul(old.len())) {
        return Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"));
    }
    Ok(text.replace(old, new))
}

pub(super) fn regex_replace(
    regex: &Regex,
    text: &str,
    replacement: &Replacement,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in regex.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&text[last..m.start()]);
        replacement.expand(&caps, text, &mut out);
        last = m.end();
        if out.len() > MAX_TEXT_BYTES {
            return Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"));
        }
    }
    out.push_str(&text[last..]);
    check_len(out)
}

pub(super) fn replace_group(
    regex: &Regex,
    text: &str,
    group: &str,
    replacement: &str,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in regex.captures_iter(text) {
        if let Some(g) = caps.name(group) {
            out.push_str(&text[last..g.start()]);
            out.push_str(replacement);
            last = g.end();
        }
        if out.len() > MAX_TEXT_BYTES {
            return Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"));
        }
    }
    out.push_str(&text[last..]);
    check_len(out)
}

pub(super) fn split<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let Some(source) = fr.text(call, 0)? else {
        return owned(Value::Null);
    };
    let delimiter = fr.text(call, 1)?.unwrap_or_default();
    if delimiter.is_empty() {
        return owned(Value::Multi(vec![Value::Str(source)]));
    }
    let mut parts = Vec::new();
    for part in source.split(delimiter.as_str()) {
        if parts.len() == MAX_VALUES {
            return Err(fail(call, format!("more than {MAX_VALUES} values")));
        }
        parts.push(Value::Str(part.to_owned()));
    }
    owned(Value::Multi(parts))
}

pub(super) fn string_from_sid<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let bytes = match v.as_ref() {
        Value::Null => return owned(Value::Null),
        Value::Bin(b) => b.clone(),
        other => {
            let text = single_text(other)
                .map_err(|m| fail(call, m))?
                .unwrap_or_default();
            if text.starts_with("S-1-") {
                return str_value(text.into_owned());
            }
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| fail(call, format!("not a binary SID (base64): {e}")))?
        }
    };
    let malformed = || fail(call, "malformed SID bytes");
    let (&revision, rest) = bytes.split_first().ok_or_else(malformed)?;
    let (&count, rest) = rest.split_first().ok_or_else(malformed)?;
    if rest.len() != 6 + 4 * usize::from(count) {
        return Err(malformed());
    }
    let authority = rest[..6]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut out = format!("S-{revision}-{authority}");
    for chunk in rest[6..].chunks_exact(4) {
        out.push_str(&format!(
            "-{}",
            u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])
        ));
    }
    str_value(out)
}

pub(super) fn strip_spaces<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(s.replace(' ', "")))
}

pub(super) fn culture<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Result<Culture, Stop> {
    let name = fr.text(call, 1)?.unwrap_or_default();
    Culture::parse(&name).map_err(|m| fail(call, m))
}

pub(super) fn to_lower<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let culture = culture(fr, call)?;
    transform(fr, call, false, &mut |s| Ok(text::to_lower(s, culture)))
}

pub(super) fn to_upper<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let culture = culture(fr, call)?;
    transform(fr, call, false, &mut |s| Ok(text::to_upper(s, culture)))
}

pub(super) fn trim<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(s.trim().to_owned()))
}

pub(super) fn word<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let n = fr.int(call, 1)?;
    let delimiters = fr.text(call, 2)?.unwrap_or_default();
    transform(fr, call, true, &mut |s| {
        let index = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
        Ok(index
            .and_then(|i| {
                s.split(|c| delimiters.contains(c))
                    .filter(|w| !w.is_empty())
                    .nth(i)
            })
            .unwrap_or_default()
            .to_owned())
    })
}
