//! Text functions: joining and cutting text, searching and replacing, case and white-space
//! transforms, encodings, SIDs and DN components. The entries below are the list.

use super::prelude::*;

/// The declarations of this family.
pub(super) static TEXT: &[Function] = &[
    function!(
        "Append",
        [p("source", STR), p("suffix", STR)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "Appends suffix to the end of source.",
        run: append,
        semantics: "source + suffix. Null source or suffix counts as \"\"; a multi-valued source gets the suffix per value.",
        origin: ORIGIN_SERVICE,
        per_value: true,
    ),
    function!(
        "ConvertFromBase64",
        [p("source", STR), opt("Encoding", ParamKind::Enum { values: &["Unicode", "ASCII", "UTF8"], bare: true, rule: RuleId::UnknownIdentifier })],
        range(1),
        fixed(S),
        CS,
        "Decodes a base64 string.",
        run: from_base64,
        semantics: "Decodes base64 (padding optional) as UTF-16LE (default, `Unicode`), UTF8 or ASCII (bytes above 127 become ?). Invalid base64 or text is an error. Null gives Null.",
        doc: CS_DOC,
        origin: ORIGIN_CS,
    ),
    function!(
        "ConvertToBase64",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Base64 of the UTF-16LE bytes of a string.",
        run: to_base64,
        semantics: "Base64 of the UTF-16LE bytes. Null gives Null.",
        per_value: true,
    ),
    function!(
        "ConvertToUTF8Hex",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Upper-case hex of the UTF-8 bytes of a string.",
        run: to_utf8_hex,
        semantics: "Upper-case hex of the UTF-8 bytes. Null gives Null.",
        per_value: true,
    ),
    function!(
        "DNComponent",
        [p("dn", ANY), p("ComponentNumber", INT)],
        range(2),
        fixed(S),
        CS,
        "The ComponentNumber-th RDN of a distinguished name, from the left.",
        run: dn_component,
        semantics: "The value of the n-th RDN from the left (1-based), split at unescaped commas, after the first unescaped =. Out of range gives Null.",
        doc: CS_DOC,
        origin: ORIGIN_CS,
    ),
    function!(
        "InStr",
        [
            p("value1", STR),
            p("value2", STR),
            opt("start", INT),
            opt(
                "compareType",
                ParamKind::Enum {
                    values: &["vbTextCompare", "vbBinaryCompare"],
                    bare: true,
                    rule: RuleId::UnknownIdentifier
                }
            )
        ],
        range(2),
        fixed(Type::INTEGER),
        AP | HR | CS,
        "1-based position of value2 in value1, 0 if absent.",
        run: instr,
        semantics: "1-based character position of value2 in value1 from start (default 1), 0 if absent or if either is Null/empty. start < 1 is an error. vbTextCompare (or 1) ignores case; vbBinaryCompare (or 0, the default) is ordinal.",
    ),
    function!(
        "Join",
        [p("separator", STR), p("source", ANY)],
        Arity::Repeat {
            group: 1,
            min_groups: 1
        },
        fixed(S),
        AP | HR | CS,
        "Joins the values of all sources with the separator, skipping empty ones.",
        run: join,
        semantics: "The text of every source (lists contribute each value) joined with the separator, skipping Null and \"\"; all empty gives \"\".",
        origin: ORIGIN_SERVICE,
    ),
    function!(
        "Left",
        [p("String", STR), p("NumChars", INT)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "The first NumChars characters.",
        run: left,
        semantics: "The first NumChars characters; 0 gives \"\", negative gives the input, Null gives \"\" (documented).",
        per_value: true,
    ),
    function!(
        "Mid",
        [p("source", STR), p("start", INT), p("length", INT)],
        range(3),
        fixed(S),
        AP | HR | CS,
        "length characters from position start (1-based).",
        run: mid,
        semantics: "length characters from 1-based start, clipped at the end; start < 1, start past the end or length <= 0 give \"\"; Null gives \"\".",
        origin: ORIGIN_SERVICE,
        per_value: true,
    ),
    function!(
        "NormalizeDiacritics",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Replaces accented characters with their unaccented forms.",
        run: normalize_diacritics,
        semantics: "Replaces the sequences of Microsoft's table (longest match first, combining sequences whole); other characters (đ, ħ, œ, non-Latin) stay. No Unicode normalisation first. Null gives Null.",
        per_value: true,
    ),
    function!(
        "PCase",
        [p("source", STR), opt("wordSeparators", STR)],
        range(1),
        fixed(S),
        AP | HR,
        "Capitalises the first letter of each word.",
        run: pcase,
        semantics: "Lower-cases everything, then upper-cases the first character of each word. Without wordSeparators any character that is not a letter, digit or combining mark separates words (.NET ToTitleCase categories, so John'S); with wordSeparators only those characters do. Null gives Null.",
        per_value: true,
    ),
    function!(
        "Replace",
        [
            p("source", STR),
            opt("oldValue", STR).key("Find"),
            opt("regexPattern", ParamKind::Regex).key("RegularExpression"),
            opt("regexGroupName", STR).key("RegularExpressionGroupName"),
            opt("replacementValue", STR).key("Replacement"),
            opt("replacementAttributeName", ANY).key("ReplacementPropertyName"),
            opt("template", STR).key("Template")
        ],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Replaces text or regex matches; the mode depends on which slots are given.",
        run: replace,
        semantics: "Modes by which slots are filled: oldValue+template: template with oldValue replaced by source; oldValue: literal replace with replacementValue (empty slot = \"\"; an empty oldValue is an error, as .NET); regexPattern+regexGroupName+replacementAttributeName (no replacementValue): source if it has a value, else the named group of the regex matched on the other attribute (\"\" without a match) — the app provisioning reading; regexPattern+regexGroupName: in every match only the group's text is replaced by replacementValue (literal); regexPattern: .NET Regex.Replace with $1/${name}/$$/$&/$`/$'/$+/$_ substitutions. Regexes are .NET syntax translated to the regex crate; look-around and backreferences are errors. Null source gives Null.",
        prepare: Some(prepare_replace),
        origin: "signature: functions-for-customizing-application-data.md; every parameter but source optional, so trailing slots may be left out, and the Graph keys: the service's GET .../schema/functions response",
        checks: &[replace_slots],
        per_value: true,
    ),
    function!(
        "Split",
        [p("source", STR), opt("delimiter", STR)],
        range(1),
        fixed(Type::multi(Base::String)),
        AP | HR | CS,
        "Splits a string into a multi-valued list.",
        run: split,
        semantics: "Splits at every occurrence of the whole delimiter text; empty parts and spaces are kept (\"a, b\" on \",\" gives \"a\" and \" b\"); an empty delimiter gives the whole text. Null gives Null.",
        origin: "signature: functions-for-customizing-application-data.md; delimiter optional: the service's GET .../schema/functions response",
    ),
    function!(
        "StringFromSid",
        [p("ObjectSID", ParamKind::Value(Base::Binary))],
        range(1),
        fixed(S),
        CS,
        "The string form of a binary SID.",
        run: string_from_sid,
        semantics: "Binary SID (or base64 text) to S-1-<authority>-<sub>...; text already in S-1- form is returned as is; malformed bytes are an error.",
        doc: CS_DOC,
        origin: ORIGIN_CS,
    ),
    function!(
        "StripSpaces",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Removes all space characters.",
        run: strip_spaces,
        semantics: "Removes every U+0020; tabs and no-break spaces stay. Null gives Null.",
        origin: ORIGIN_SERVICE,
        per_value: true,
    ),
    function!(
        "ToLower",
        [p("source", STR), opt("culture", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Lower case, optionally by a culture's rules.",
        run: to_lower,
        semantics: "Simple case mapping (one character to one); culture tr/az maps I to dotless ı; other well-formed cultures are invariant; malformed culture names are errors. Null gives Null.",
        per_value: true,
    ),
    function!(
        "ToUpper",
        [p("source", STR), opt("culture", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Upper case, optionally by a culture's rules.",
        run: to_upper,
        semantics: "Simple case mapping (ß stays ß); culture tr/az maps i to İ. Null gives Null.",
        per_value: true,
    ),
    function!(
        "Trim",
        [p("value", ANY).key("source")],
        range(1),
        Returns::Args(&[0]),
        CS,
        "Removes leading and trailing white space (per value for multi-valued input).",
        run: trim,
        semantics: "Removes leading and trailing Unicode white space, per value for lists. Null gives Null.",
        doc: CS_DOC,
        origin: "signature: cloud-sync reference-expressions.md; Graph key `source`: a real Cloud Sync attributeMapping (cloudsync-trim-attributemapping.json)",
        per_value: true,
    ),
    function!(
        "Word",
        [p("String", STR), p("WordNumber", INT), p("delimiters", STR)],
        range(3),
        fixed(S),
        AP | HR | CS,
        "The WordNumber-th word (1-based), words split at any of the delimiters.",
        run: word,
        semantics: "The WordNumber-th word (1-based) when splitting at any delimiter character; runs of delimiters do not make empty words; out of range or Null gives \"\".",
        per_value: true,
    ),
    function!(
        "Prepend",
        [p("prefix", STR), p("source", STR)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "Listed in the service's function list only: prefix put before source.",
        run: prepend,
        semantics: "Undocumented (the service's function list names it with prefix and source): prefix + source, the mirror of Append. Null source or prefix counts as \"\"; a multi-valued source gets the prefix per value.",
        documented: false,
        doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY,
        per_value: true,
    ),
];

/// oldValue and regexPattern both given: the oldValue mode ignores the pattern (a likely
/// `Replace([mail], "old", "new")` meaning the fifth slot).
fn replace_slots(call: &Call, _types: &[Option<Type>]) -> Option<Diagnostic> {
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

fn append<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let suffix = fr.text(call, 1)?.unwrap_or_default();
    transform(fr, call, true, &mut |s| check_len(format!("{s}{suffix}")))
}

fn prepend<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let prefix = fr.text(call, 0)?.unwrap_or_default();
    let source = fr.val(call, 1)?;
    map_text(&source, true, &mut |s| check_len(format!("{prefix}{s}")))
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

fn from_base64<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn to_base64<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| {
        let bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        check_len(base64::engine::general_purpose::STANDARD.encode(bytes))
    })
}

fn to_utf8_hex<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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
fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
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

fn dn_component<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn instr<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn join<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn left<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let n = fr.int(call, 1)?;
    transform(fr, call, true, &mut |s| {
        Ok(match usize::try_from(n) {
            Err(_) => s.to_owned(),
            Ok(n) => s.chars().take(n).collect(),
        })
    })
}

fn mid<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn normalize_diacritics<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(text::normalize_diacritics(s)))
}

fn pcase<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let separators = fr.text(call, 1)?;
    transform(fr, call, false, &mut |s| {
        Ok(text::pcase(s, separators.as_deref()))
    })
}

fn constant_text(node: Option<&Option<Node>>) -> Option<String> {
    match node {
        Some(Some(Node {
            kind: NodeKind::Const(v),
            ..
        })) => single_text(v).ok().flatten().map(Cow::into_owned),
        _ => None,
    }
}

fn prepare_replace(call: &mut CallNode) {
    let Some(pattern) = constant_text(call.args.get(2)) else {
        return;
    };
    let prepared = dotnet_regex::compile(&pattern).map(|regex| {
        let replacement = constant_text(call.args.get(4)).map(|r| Replacement::parse(&r, &regex));
        Arc::new(CompiledPattern { regex, replacement })
    });
    call.precomputed = Precomputed::Pattern(prepared);
}

fn present(call: &CallNode, i: usize) -> bool {
    call.args.get(i).is_some_and(Option::is_some)
}

fn replace<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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
        let prepared = match &call.precomputed {
            Precomputed::Pattern(Ok(p)) => Arc::clone(p),
            Precomputed::Pattern(Err(m)) => return Err(fail(call, m.clone())),
            _ => {
                let pattern = fr.text(call, 2)?.unwrap_or_default();
                let regex = dotnet_regex::compile(&pattern).map_err(|m| fail(call, m))?;
                Arc::new(CompiledPattern {
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

fn transform_null<'a>(
    source: &Value,
    call: &'a CallNode,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Flow<'a> {
    map_text(source, false, f)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

fn literal_replace(text: &str, old: &str, new: &str) -> Result<String, String> {
    let hits = text.matches(old).count();
    let size = text.len().saturating_add(hits.saturating_mul(new.len()));
    if size > MAX_TEXT_BYTES.saturating_add(hits.saturating_mul(old.len())) {
        return Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"));
    }
    Ok(text.replace(old, new))
}

fn regex_replace(regex: &Regex, text: &str, replacement: &Replacement) -> Result<String, String> {
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

fn replace_group(
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

fn split<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn string_from_sid<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

fn strip_spaces<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(s.replace(' ', "")))
}

fn culture<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Result<Culture, Stop> {
    let name = fr.text(call, 1)?.unwrap_or_default();
    Culture::parse(&name).map_err(|m| fail(call, m))
}

fn to_lower<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let culture = culture(fr, call)?;
    transform(fr, call, false, &mut |s| Ok(text::to_lower(s, culture)))
}

fn to_upper<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let culture = culture(fr, call)?;
    transform(fr, call, false, &mut |s| Ok(text::to_upper(s, culture)))
}

fn trim<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    transform(fr, call, false, &mut |s| Ok(s.trim().to_owned()))
}

fn word<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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
