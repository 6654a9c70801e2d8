//! The function implementations: one table, [`IMPLEMENTATIONS`], mapping every catalogue name to
//! its evaluation function and to the semantics chosen where Microsoft's docs are silent.

use super::datetime::{self, Interval, Stamp, Styles};
use super::text::{self, Culture};
use super::value::{AppRole, Value, ROLE_TYPE};
use super::{
    CallNode, EvalError, Flow, Frame, NoFlowReason, NodeKind, Stop, MAX_TEXT_BYTES, MAX_VALUES,
};
use crate::expr::dotnet_regex::{self, Replacement};
use crate::expr::syntax::CmpOp;
use base64::Engine as _;
use rand::{RngExt as _, SeedableRng as _};
use regex::Regex;
use std::borrow::Cow;
use std::sync::Arc;

type Run = for<'a> fn(&mut Frame<'a>, &'a CallNode) -> Flow<'a>;

/// One function's implementation.
#[derive(Debug)]
pub struct Implementation {
    /// The catalogue name.
    pub name: &'static str,
    pub(crate) run: Run,
    pub(crate) prepare: Option<fn(&mut CallNode)>,
    /// What it does, including the choices made where Microsoft's docs leave behaviour open.
    pub semantics: &'static str,
}

/// A cross-cutting semantic choice of the evaluator.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// Short name of the topic.
    pub topic: &'static str,
    /// What the evaluator does, and why.
    pub choice: &'static str,
}

/// The evaluator's cross-cutting choices (per-function ones are in [`Implementation::semantics`]).
pub static CHOICES: &[Choice] = &[
    Choice { topic: "null", choice: "An absent attribute, JSON null and an empty JSON array are Null. A Null result does not flow (the service does not send nulls); an empty string flows." },
    Choice { topic: "numbers", choice: "Number literals are text (\"1\" and 1 are the same value); numeric parameters parse their text as a 64-bit integer at evaluation time. Overflow is an error." },
    Choice { topic: "booleans", choice: "Booleans are the text True/False. Conditions accept Booleans and the text true/false in any letter case; anything else is an error." },
    Choice { topic: "dates", choice: "Dates are UTC and render as M/d/yyyy h:mm:ss tt. Functions expecting a date accept a DateTime or any text CDate parses." },
    Choice { topic: "multi-valued", choice: "Single-valued text transforms (Append, Left, Mid, Word, Replace, ToLower, ToUpper, PCase, StripSpaces, Trim, NormalizeDiacritics, ConvertToBase64, ConvertToUTF8Hex) apply per value to a multi-valued source (Connect Sync rule; Cloud Sync documents it for Trim). Every other single-valued slot fails on more than one value; a one-value list counts as that value." },
    Choice { topic: "null in text functions", choice: "Left and Word return \"\" for Null (documented); Mid and Append do the same. The other transforms return Null for Null, so a missing attribute stays missing instead of flowing as an empty string." },
    Choice { topic: "comparisons", choice: "If both operands are integers (after trimming) they compare numerically; two DateTimes compare as instants; otherwise ordinal, case-sensitive text comparison. Null compares as \"\"." },
    Choice { topic: "laziness", choice: "IIF, Switch, Coalesce and SelectUniqueValue evaluate only the arguments they need, in order, so Error(), Guid() and RandomString() in branches not taken have no effect." },
    Choice { topic: "IgnoreFlow", choice: "IgnoreFlowIfNullOrEmpty, IgnoreAttributeFlow and IgnoreObjectFlow stop the whole attribute even when nested." },
    Choice { topic: "IIF and null", choice: "Default: conditions over null/empty attributes evaluate normally (Microsoft's own Cloud Sync defaults rely on it). --strict-iif fails the evaluation instead, as the app provisioning reference says." },
    Choice { topic: "function names", choice: "A call spelled with the wrong letter case (Instr) runs the function; the checker reports it." },
    Choice { topic: "limits", choice: "No text above 1 MiB and no list above 100,000 values is produced (evaluation error instead); RandomString length is at most 256; regex patterns at most 4096 characters; format strings at most 256." },
    Choice { topic: "randomness and time", choice: "Guid and RandomString draw from ChaCha8 seeded by --seed (stream = object index in previews); Now() is --now. The same inputs give the same output." },
];

/// Extra data prepared once per call at compile time.
#[derive(Debug)]
pub(crate) enum Aux {
    None,
    Regex(Result<Arc<Prepared>, String>),
    Attributes(Vec<Box<str>>),
}

/// A constant Replace pattern, and its replacement string when that is constant too.
#[derive(Debug)]
pub(crate) struct Prepared {
    regex: Regex,
    replacement: Option<Replacement>,
}

macro_rules! imp {
    ($name:literal, $run:expr, $semantics:literal $(, $prepare:expr)?) => {
        Implementation { name: $name, run: $run, prepare: imp!(@p $($prepare)?), semantics: $semantics }
    };
    (@p) => { None };
    (@p $prepare:expr) => { Some($prepare) };
}

/// Every function of the catalogue with its implementation.
pub static IMPLEMENTATIONS: &[Implementation] = &[
    imp!("Append", append, "source + suffix. Null source or suffix counts as \"\"; a multi-valued source gets the suffix per value."),
    imp!("AppRoleAssignmentsComplex", roles_complex, "Each assigned role becomes {primary: false, type: WindowsAzureActiveDirectoryRole, display, value}; text values give display = value. Null gives Null."),
    imp!("AssertiveAppRoleAssignmentsComplex", roles_complex, "Same value as AppRoleAssignmentsComplex (the difference, PATCH replace, is in how it is sent)."),
    imp!("BitAnd", bit_and, "Bitwise AND of two 64-bit integers (decimal text, numbers or &H literals); anything else is an error."),
    imp!("CBool", cbool, "Booleans as they are; integers: non-zero is True; text True/False in any case; Null is False; other text is an error."),
    imp!("CDate", cdate, "Parses ISO 8601 (T or space, optional fraction and offset), date+offset (2020-03-16-07:00), M/d/yyyy h:mm:ss tt, M/d/yyyy [H:mm[:ss]], GeneralizedTime; converts to UTC; no offset means UTC. Null, empty or unparseable text is an error."),
    imp!("Coalesce", coalesce, "The first argument that is not Null; empty strings count as values (the documented rule; an AI-assisted guide implies otherwise)."),
    imp!("ConvertFromBase64", from_base64, "Decodes base64 (padding optional) as UTF-16LE (default, `Unicode`), UTF8 or ASCII (bytes above 127 become ?). Invalid base64 or text is an error. Null gives Null."),
    imp!("ConvertToBase64", to_base64, "Base64 of the UTF-16LE bytes. Null gives Null."),
    imp!("ConvertToUTF8Hex", to_utf8_hex, "Upper-case hex of the UTF-8 bytes. Null gives Null."),
    imp!("Count", count, "Number of values; Null is 0, a single value is 1."),
    imp!("CStr", cstr, "The text form of the value (True/False, decimal, M/d/yyyy h:mm:ss tt, base64 for binary). Null gives Null."),
    imp!("DateAdd", date_add, "Adds value (integer or integer text, may be negative) intervals yyyy/m/d/ww/h/n/s (case-sensitive) to a date; months and years clamp the day (Jan 31 + 1 month = Feb 28/29). Results outside 0001-9999 are errors."),
    imp!("DateDiff", date_diff, "date2 - date1 in boundaries crossed, as VB: d calendar days, m months, yyyy years, ww Sundays, h/n/s hour/minute/second boundaries."),
    imp!("DateFromNum", date_from_num, "AD FILETIME (100 ns ticks since 1601-01-01 UTC) to a date. 0 is 1/1/1601; negative values and values beyond 9999-12-31 (including 9223372036854775807, \"never\") are errors, as .NET DateTime.FromFileTimeUtc."),
    imp!("DNComponent", dn_component, "The value of the n-th RDN from the left (1-based), split at unescaped commas, after the first unescaped =. Out of range gives Null."),
    imp!("Error", error_fn, "Fails the evaluation with the given message."),
    imp!("FormatDateTime", format_date_time, ".NET ParseExact with inputFormat (invariant culture, server time zone UTC), then format with outputFormat (en-US names). Custom specifiers y M d h H m s f F t z K g, quotes, \\ escapes, %; standard formats d D f F g G m o r s t T u y. A literal Z marks the input UTC. Empty dateTimeStyles = AllowLeadingWhite|AllowTrailingWhite|RoundtripKind; otherwise .NET style names separated by , or |. Three arguments bind as (source, inputFormat, outputFormat). A DateTime source with an empty inputFormat (DateFromNum(...), as in Microsoft's Cloud Sync default mapping) is formatted directly; with an inputFormat it is first rendered as M/d/yyyy h:mm:ss tt (so DateAdd output does not match yyyy-MM-dd, as in Entra). Two-digit years: 00-49 are 20xx. Null gives Null; a mismatch is an error.", prepare_format_date_time),
    imp!("Guid", guid, "A version-4 GUID, lower case with hyphens, drawn from the seeded generator."),
    imp!("IgnoreFlowIfNullOrEmpty", ignore_flow, "Null or \"\" (or an empty list) stops the attribute (it does not flow); otherwise the value."),
    imp!("IIF", iif, "Evaluates the condition, then only the chosen branch. With --strict-iif a condition that reads a null or empty attribute is an error.", prepare_iif),
    imp!("InStr", instr, "1-based character position of value2 in value1 from start (default 1), 0 if absent or if either is Null/empty. start < 1 is an error. vbTextCompare (or 1) ignores case; vbBinaryCompare (or 0, the default) is ordinal."),
    imp!("IsNull", is_null, "True for Null only."),
    imp!("IsNullOrEmpty", is_null_or_empty, "True for Null or \"\"; whitespace is not empty."),
    imp!("IsPresent", is_present, "Not IsNullOrEmpty."),
    imp!("IsString", is_string, "True for text, numbers, Booleans and dates; False for Null, lists, binary and roles."),
    imp!("Item", item, "The index-th value, 1-based; a single value is a one-value list; Null gives Null; an index out of range is an error (as Connect Sync documents)."),
    imp!("Join", join, "The text of every source (lists contribute each value) joined with the separator, skipping Null and \"\"; all empty gives \"\"."),
    imp!("Left", left, "The first NumChars characters; 0 gives \"\", negative gives the input, Null gives \"\" (documented)."),
    imp!("Mid", mid, "length characters from 1-based start, clipped at the end; start < 1, start past the end or length <= 0 give \"\"; Null gives \"\"."),
    imp!("NormalizeDiacritics", normalize_diacritics, "Replaces the sequences of Microsoft's table (longest match first, combining sequences whole); other characters (đ, ħ, œ, non-Latin) stay. No Unicode normalisation first. Null gives Null."),
    imp!("Not", not, "False if the value is True (Boolean or text true in any case); True for anything else, Null included (documented: \"otherwise, returns True\")."),
    imp!("Now", now, "The context's clock (--now), UTC."),
    imp!("NumFromDate", num_from_date, "A date (or text CDate parses) to AD FILETIME ticks; dates before 1601 are errors."),
    imp!("PCase", pcase, "Lower-cases everything, then upper-cases the first character of each word. Without wordSeparators any character that is not a letter, digit or combining mark separates words (.NET ToTitleCase categories, so John'S); with wordSeparators only those characters do. Null gives Null."),
    imp!("RandomString", random_string, "Length characters (1..=256) with at least the given digits, specials (~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/), capitals and lower-case letters, the rest from all four classes, never a character of CharactersToAvoid, shuffled. The sum of the minimums must not exceed Length; a class emptied by CharactersToAvoid with a non-zero minimum is an error."),
    imp!("Redact", redact, "The value itself; the result is marked redacted (the CLI says so; logs would show [Redact])."),
    imp!("RemoveDuplicates", remove_duplicates, "Keeps the first occurrence of each value (ordinal comparison of the text), in order. Null gives Null."),
    imp!("Replace", replace, "Modes by which slots are filled: oldValue+template: template with oldValue replaced by source; oldValue: literal replace with replacementValue (empty slot = \"\"; an empty oldValue is an error, as .NET); regexPattern+regexGroupName+replacementAttributeName (no replacementValue): source if it has a value, else the named group of the regex matched on the other attribute (\"\" without a match) — the app provisioning reading; regexPattern+regexGroupName: in every match only the group's text is replaced by replacementValue (literal); regexPattern: .NET Regex.Replace with $1/${name}/$$/$&/$`/$'/$+/$_ substitutions. Regexes are .NET syntax translated to the regex crate; look-around and backreferences are errors. Null source gives Null.", prepare_replace),
    imp!("SelectUniqueValue", select_unique_value, "The first rule whose value is not Null/\"\" and not taken (--taken); rules after it are not evaluated. All taken is an error (Entra escrows the object)."),
    imp!("SingleAppRoleAssignment", single_role, "The role's value for one assignment; with several, the first (Microsoft: unpredictable). Null gives Null."),
    imp!("Split", split, "Splits at every occurrence of the whole delimiter text; empty parts and spaces are kept (\"a, b\" on \",\" gives \"a\" and \" b\"); an empty delimiter gives the whole text. Null gives Null."),
    imp!("StringFromSid", string_from_sid, "Binary SID (or base64 text) to S-1-<authority>-<sub>...; text already in S-1- form is returned as is; malformed bytes are an error."),
    imp!("StripSpaces", strip_spaces, "Removes every U+0020; tabs and no-break spaces stay. Null gives Null."),
    imp!("Switch", switch, "Compares the source text (Null as \"\") with each key in order, ordinal and case-sensitive, evaluating keys lazily; the first match's value, else the default (an empty default slot is Null: does not flow). A multi-valued source is an error."),
    imp!("ToLower", to_lower, "Simple case mapping (one character to one); culture tr/az maps I to dotless ı; other well-formed cultures are invariant; malformed culture names are errors. Null gives Null."),
    imp!("ToUpper", to_upper, "Simple case mapping (ß stays ß); culture tr/az maps i to İ. Null gives Null."),
    imp!("Trim", trim, "Removes leading and trailing Unicode white space, per value for lists. Null gives Null."),
    imp!("Word", word, "The WordNumber-th word (1-based) when splitting at any delimiter character; runs of delimiters do not make empty words; out of range or Null gives \"\"."),
    imp!("DefaultDomain", default_domain, "Undocumented: returns --param DefaultDomain=VALUE when given, otherwise an \"undocumented, not evaluated\" error."),
    imp!("AppRoleAssignments", undocumented, "Undocumented: always an \"undocumented, not evaluated\" error."),
    imp!("Prepend", prepend, "Undocumented (the service's function list names it with prefix and source): prefix + source, the mirror of Append. Null source or prefix counts as \"\"; a multi-valued source gets the prefix per value."),
    imp!("IsNothing", is_null, "Undocumented (the service's function list names it with one source): taken to be IsNull, True for Null only."),
];

/// The implementation for a function name: exact match first, then ignoring letter case.
pub(crate) fn resolve(name: &str) -> Option<&'static Implementation> {
    IMPLEMENTATIONS.iter().find(|i| i.name == name).or_else(|| {
        IMPLEMENTATIONS
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    })
}

fn fail(call: &CallNode, message: impl Into<String>) -> Stop {
    Stop::Error(Box::new(EvalError {
        message: message.into(),
        span: call.span,
        function: Some(call.imp.name),
    }))
}

fn owned<'a>(v: Value) -> Flow<'a> {
    Ok(Cow::Owned(v))
}

fn str_value<'a>(s: String) -> Flow<'a> {
    owned(Value::Str(s))
}

fn bool_value<'a>(b: bool) -> Flow<'a> {
    owned(Value::Bool(b))
}

impl<'a> Frame<'a> {
    /// The value in slot `i`, `None` if the slot is empty or missing.
    fn arg(&mut self, call: &'a CallNode, i: usize) -> Result<Option<Cow<'a, Value>>, Stop> {
        match call.args.get(i) {
            Some(Some(node)) => self.eval(node).map(Some),
            _ => Ok(None),
        }
    }

    /// The value in slot `i`; an empty slot is Null.
    fn val(&mut self, call: &'a CallNode, i: usize) -> Flow<'a> {
        Ok(self.arg(call, i)?.unwrap_or(Cow::Owned(Value::Null)))
    }

    /// The text in slot `i`, `None` for Null or an empty slot.
    fn text(&mut self, call: &'a CallNode, i: usize) -> Result<Option<String>, Stop> {
        let v = self.val(call, i)?;
        single_text(&v)
            .map(|t| t.map(Cow::into_owned))
            .map_err(|m| fail(call, m))
    }

    /// The integer in slot `i`.
    fn int(&mut self, call: &'a CallNode, i: usize) -> Result<i64, Stop> {
        let v = self.val(call, i)?;
        int_of(&v).map_err(|m| fail(call, m))
    }

    /// The date in slot `i`.
    fn date(
        &mut self,
        call: &'a CallNode,
        i: usize,
    ) -> Result<chrono::DateTime<chrono::Utc>, Stop> {
        let v = self.val(call, i)?;
        date_of(&v).map_err(|m| fail(call, m))
    }

    fn rng(&mut self) -> &mut rand_chacha::ChaCha8Rng {
        let (seed, stream) = (self.ctx.seed, self.ctx.stream);
        self.rng.get_or_insert_with(|| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream);
            rng
        })
    }
}

/// The text of one value; `None` for Null; a list of one value is that value; more is an error.
fn single_text(v: &Value) -> Result<Option<Cow<'_, str>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Multi(values) if values.len() == 1 => single_text(&values[0]),
        Value::Multi(values) => Err(format!(
            "a multi-valued value ({} values) where one value is expected",
            values.len()
        )),
        Value::Role(role) => Ok(Some(Cow::Borrowed(role.value.as_str()))),
        other => Ok(other.text()),
    }
}

fn int_of(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Null => Err("null where an integer is expected".to_owned()),
        other => {
            let text = single_text(other)?.unwrap_or_default();
            let t = text.trim();
            t.parse::<i64>()
                .ok()
                .or_else(|| {
                    t.strip_prefix("&H")
                        .and_then(|h| i64::from_str_radix(h, 16).ok())
                })
                .ok_or_else(|| format!("\"{t}\" is not an integer"))
        }
    }
}

fn date_of(v: &Value) -> Result<chrono::DateTime<chrono::Utc>, String> {
    match v {
        Value::DateTime(d) => Ok(*d),
        Value::Null => Err("null where a date is expected".to_owned()),
        other => datetime::parse_cdate(&single_text(other)?.unwrap_or_default()),
    }
}

fn truth(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Int(i) => Ok(*i != 0),
        Value::Null => Err("the condition is null".to_owned()),
        other => {
            let text = single_text(other)?.unwrap_or_default();
            let t = text.trim();
            if t.eq_ignore_ascii_case("true") {
                Ok(true)
            } else if t.eq_ignore_ascii_case("false") {
                Ok(false)
            } else if let Ok(i) = t.parse::<i64>() {
                Ok(i != 0)
            } else {
                Err(format!("\"{t}\" is not a Boolean"))
            }
        }
    }
}

/// Comparison semantics of `lhs op rhs` (see [`CHOICES`]).
pub(crate) fn compare(l: &Value, op: CmpOp, r: &Value) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ordering = if let (Value::DateTime(a), Value::DateTime(b)) = (l, r) {
        a.cmp(b)
    } else {
        let lt = single_text(l)?.unwrap_or_default();
        let rt = single_text(r)?.unwrap_or_default();
        match (lt.trim().parse::<i64>(), rt.trim().parse::<i64>()) {
            (Ok(a), Ok(b)) => a.cmp(&b),
            _ => lt.as_ref().cmp(rt.as_ref()),
        }
    };
    Ok(match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
    })
}

fn check_len(s: String) -> Result<String, String> {
    if s.len() > MAX_TEXT_BYTES {
        Err(format!("the result is longer than {MAX_TEXT_BYTES} bytes"))
    } else {
        Ok(s)
    }
}

/// Applies a text transform to a value, per value for lists. `null_as_empty`: Null is
/// transformed as `""` instead of staying Null.
fn map_text(
    v: &Value,
    null_as_empty: bool,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Value, String> {
    match v {
        Value::Null if null_as_empty => Ok(Value::Str(f("")?)),
        Value::Null => Ok(Value::Null),
        Value::Multi(values) => values
            .iter()
            .map(|x| map_text(x, null_as_empty, f))
            .collect::<Result<_, _>>()
            .map(Value::Multi),
        other => Ok(Value::Str(f(&single_text(other)?.unwrap_or_default())?)),
    }
}

fn transform<'a>(
    fr: &mut Frame<'a>,
    call: &'a CallNode,
    null_as_empty: bool,
    f: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    map_text(&v, null_as_empty, f)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

fn append<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let suffix = fr.text(call, 1)?.unwrap_or_default();
    transform(fr, call, true, &mut |s| check_len(format!("{s}{suffix}")))
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

fn prepend<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let prefix = fr.text(call, 0)?.unwrap_or_default();
    let source = fr.val(call, 1)?;
    map_text(&source, true, &mut |s| check_len(format!("{prefix}{s}")))
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
}

fn cdate<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let d = fr.date(call, 0)?;
    owned(Value::DateTime(d))
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

fn interval<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Result<Interval, Stop> {
    let code = fr.text(call, 0)?.unwrap_or_default();
    Interval::parse(&code).map_err(|m| fail(call, m))
}

fn date_add<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let interval = interval(fr, call)?;
    let n = fr.int(call, 1)?;
    let d = fr.date(call, 2)?;
    datetime::date_add(interval, n, &d)
        .map(|r| Cow::Owned(Value::DateTime(r)))
        .map_err(|m| fail(call, m))
}

fn date_diff<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let interval = interval(fr, call)?;
    let d1 = fr.date(call, 1)?;
    let d2 = fr.date(call, 2)?;
    owned(Value::Int(datetime::date_diff(interval, &d1, &d2)))
}

fn date_from_num<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let ticks = fr.int(call, 0)?;
    datetime::from_filetime(ticks)
        .map(|d| Cow::Owned(Value::DateTime(d)))
        .map_err(|m| fail(call, m))
}

fn num_from_date<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let d = fr.date(call, 0)?;
    datetime::to_filetime(&d)
        .map(|t| Cow::Owned(Value::Int(t)))
        .map_err(|m| fail(call, m))
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

fn error_fn<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let message = fr.text(call, 0)?.unwrap_or_default();
    Err(fail(call, format!("raised \"{message}\"")))
}

fn prepare_format_date_time(call: &mut CallNode) {
    if call.args.len() == 3 {
        call.args.insert(1, None);
    }
}

fn format_date_time<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let value = fr.val(call, 0)?;
    if let Value::DateTime(utc) = value.as_ref() {
        if fr.text(call, 2)?.is_none_or(|f| f.is_empty()) {
            let output = fr.text(call, 3)?.unwrap_or_default();
            let stamp = Stamp {
                utc: *utc,
                kind: datetime::Kind::Utc,
            };
            return datetime::format(&stamp, &output)
                .map(|s| Cow::Owned(Value::Str(s)))
                .map_err(|m| fail(call, m));
        }
    }
    let Some(source) = single_text(&value)
        .map(|t| t.map(Cow::into_owned))
        .map_err(|m| fail(call, m))?
    else {
        return owned(Value::Null);
    };
    let styles = match fr.text(call, 1)? {
        Some(names) if !names.trim().is_empty() => {
            Styles::parse(&names).map_err(|m| fail(call, m))?
        }
        _ => Styles::default_provisioning(),
    };
    let input = fr.text(call, 2)?.unwrap_or_default();
    let output = fr.text(call, 3)?.unwrap_or_default();
    let today = fr.ctx.now.date_naive();
    let stamp: Stamp =
        datetime::parse_exact(&source, &input, styles, today).map_err(|m| fail(call, m))?;
    datetime::format(&stamp, &output)
        .map(Value::Str)
        .map(Cow::Owned)
        .map_err(|m| fail(call, m))
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
    fn collect(node: &super::Node, out: &mut Vec<Box<str>>) {
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

fn iif<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    if fr.ctx.iif_null == super::IifNullPolicy::Strict {
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

fn not<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let v = fr.val(call, 0)?;
    let is_true = match v.as_ref() {
        Value::Bool(b) => *b,
        other => matches!(single_text(other), Ok(Some(t)) if t.trim().eq_ignore_ascii_case("true")),
    };
    bool_value(!is_true)
}

fn now<'a>(fr: &mut Frame<'a>, _call: &'a CallNode) -> Flow<'a> {
    owned(Value::DateTime(fr.ctx.now))
}

fn pcase<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let separators = fr.text(call, 1)?;
    transform(fr, call, false, &mut |s| {
        Ok(text::pcase(s, separators.as_deref()))
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

fn constant_text(node: Option<&Option<super::Node>>) -> Option<String> {
    match node {
        Some(Some(super::Node {
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
        Arc::new(Prepared { regex, replacement })
    });
    call.aux = Aux::Regex(prepared);
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
