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

mod dates;
mod logic;
mod text_functions;
mod values;

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
    imp!("Append", text_functions::append, "source + suffix. Null source or suffix counts as \"\"; a multi-valued source gets the suffix per value."),
    imp!("AppRoleAssignmentsComplex", values::roles_complex, "Each assigned role becomes {primary: false, type: WindowsAzureActiveDirectoryRole, display, value}; text values give display = value. Null gives Null."),
    imp!("AssertiveAppRoleAssignmentsComplex", values::roles_complex, "Same value as AppRoleAssignmentsComplex (the difference, PATCH replace, is in how it is sent)."),
    imp!("BitAnd", values::bit_and, "Bitwise AND of two 64-bit integers (decimal text, numbers or &H literals); anything else is an error."),
    imp!("CBool", logic::cbool, "Booleans as they are; integers: non-zero is True; text True/False in any case; Null is False; other text is an error."),
    imp!("CDate", dates::cdate, "Parses ISO 8601 (T or space, optional fraction and offset), date+offset (2020-03-16-07:00), M/d/yyyy h:mm:ss tt, M/d/yyyy [H:mm[:ss]], GeneralizedTime; converts to UTC; no offset means UTC. Null, empty or unparseable text is an error."),
    imp!("Coalesce", logic::coalesce, "The first argument that is not Null; empty strings count as values (the documented rule; an AI-assisted guide implies otherwise)."),
    imp!("ConvertFromBase64", text_functions::from_base64, "Decodes base64 (padding optional) as UTF-16LE (default, `Unicode`), UTF8 or ASCII (bytes above 127 become ?). Invalid base64 or text is an error. Null gives Null."),
    imp!("ConvertToBase64", text_functions::to_base64, "Base64 of the UTF-16LE bytes. Null gives Null."),
    imp!("ConvertToUTF8Hex", text_functions::to_utf8_hex, "Upper-case hex of the UTF-8 bytes. Null gives Null."),
    imp!("Count", values::count, "Number of values; Null is 0, a single value is 1."),
    imp!("CStr", values::cstr, "The text form of the value (True/False, decimal, M/d/yyyy h:mm:ss tt, base64 for binary). Null gives Null."),
    imp!("DateAdd", dates::date_add, "Adds value (integer or integer text, may be negative) intervals yyyy/m/d/ww/h/n/s (case-sensitive) to a date; months and years clamp the day (Jan 31 + 1 month = Feb 28/29). Results outside 0001-9999 are errors."),
    imp!("DateDiff", dates::date_diff, "date2 - date1 in boundaries crossed, as VB: d calendar days, m months, yyyy years, ww Sundays, h/n/s hour/minute/second boundaries."),
    imp!("DateFromNum", dates::date_from_num, "AD FILETIME (100 ns ticks since 1601-01-01 UTC) to a date. 0 is 1/1/1601; negative values and values beyond 9999-12-31 (including 9223372036854775807, \"never\") are errors, as .NET DateTime.FromFileTimeUtc."),
    imp!("DNComponent", text_functions::dn_component, "The value of the n-th RDN from the left (1-based), split at unescaped commas, after the first unescaped =. Out of range gives Null."),
    imp!("Error", logic::error_fn, "Fails the evaluation with the given message."),
    imp!("FormatDateTime", dates::format_date_time, ".NET ParseExact with inputFormat (invariant culture, server time zone UTC), then format with outputFormat (en-US names). Custom specifiers y M d h H m s f F t z K g, quotes, \\ escapes, %; standard formats d D f F g G m o r s t T u y. A literal Z marks the input UTC. Empty dateTimeStyles = AllowLeadingWhite|AllowTrailingWhite|RoundtripKind; otherwise .NET style names separated by , or |. Three arguments bind as (source, inputFormat, outputFormat). A DateTime source with an empty inputFormat (DateFromNum(...), as in Microsoft's Cloud Sync default mapping) is formatted directly; with an inputFormat it is first rendered as M/d/yyyy h:mm:ss tt (so DateAdd output does not match yyyy-MM-dd, as in Entra). Two-digit years: 00-49 are 20xx. Null gives Null; a mismatch is an error.", dates::prepare_format_date_time),
    imp!("Guid", values::guid, "A version-4 GUID, lower case with hyphens, drawn from the seeded generator."),
    imp!("IgnoreFlowIfNullOrEmpty", logic::ignore_flow, "Null or \"\" (or an empty list) stops the attribute (it does not flow); otherwise the value."),
    imp!("IIF", logic::iif, "Evaluates the condition, then only the chosen branch. With --strict-iif a condition that reads a null or empty attribute is an error.", logic::prepare_iif),
    imp!("InStr", text_functions::instr, "1-based character position of value2 in value1 from start (default 1), 0 if absent or if either is Null/empty. start < 1 is an error. vbTextCompare (or 1) ignores case; vbBinaryCompare (or 0, the default) is ordinal."),
    imp!("IsNull", logic::is_null, "True for Null only."),
    imp!("IsNullOrEmpty", logic::is_null_or_empty, "True for Null or \"\"; whitespace is not empty."),
    imp!("IsPresent", logic::is_present, "Not IsNullOrEmpty."),
    imp!("IsString", logic::is_string, "True for text, numbers, Booleans and dates; False for Null, lists, binary and roles."),
    imp!("Item", values::item, "The index-th value, 1-based; a single value is a one-value list; Null gives Null; an index out of range is an error (as Connect Sync documents)."),
    imp!("Join", text_functions::join, "The text of every source (lists contribute each value) joined with the separator, skipping Null and \"\"; all empty gives \"\"."),
    imp!("Left", text_functions::left, "The first NumChars characters; 0 gives \"\", negative gives the input, Null gives \"\" (documented)."),
    imp!("Mid", text_functions::mid, "length characters from 1-based start, clipped at the end; start < 1, start past the end or length <= 0 give \"\"; Null gives \"\"."),
    imp!("NormalizeDiacritics", text_functions::normalize_diacritics, "Replaces the sequences of Microsoft's table (longest match first, combining sequences whole); other characters (đ, ħ, œ, non-Latin) stay. No Unicode normalisation first. Null gives Null."),
    imp!("Not", logic::not, "False if the value is True (Boolean or text true in any case); True for anything else, Null included (documented: \"otherwise, returns True\")."),
    imp!("Now", dates::now, "The context's clock (--now), UTC."),
    imp!("NumFromDate", dates::num_from_date, "A date (or text CDate parses) to AD FILETIME ticks; dates before 1601 are errors."),
    imp!("PCase", text_functions::pcase, "Lower-cases everything, then upper-cases the first character of each word. Without wordSeparators any character that is not a letter, digit or combining mark separates words (.NET ToTitleCase categories, so John'S); with wordSeparators only those characters do. Null gives Null."),
    imp!("RandomString", values::random_string, "Length characters (1..=256) with at least the given digits, specials (~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/), capitals and lower-case letters, the rest from all four classes, never a character of CharactersToAvoid, shuffled. The sum of the minimums must not exceed Length; a class emptied by CharactersToAvoid with a non-zero minimum is an error."),
    imp!("Redact", values::redact, "The value itself; the result is marked redacted (the CLI says so; logs would show [Redact])."),
    imp!("RemoveDuplicates", values::remove_duplicates, "Keeps the first occurrence of each value (ordinal comparison of the text), in order. Null gives Null."),
    imp!("Replace", text_functions::replace, "Modes by which slots are filled: oldValue+template: template with oldValue replaced by source; oldValue: literal replace with replacementValue (empty slot = \"\"; an empty oldValue is an error, as .NET); regexPattern+regexGroupName+replacementAttributeName (no replacementValue): source if it has a value, else the named group of the regex matched on the other attribute (\"\" without a match) — the app provisioning reading; regexPattern+regexGroupName: in every match only the group's text is replaced by replacementValue (literal); regexPattern: .NET Regex.Replace with $1/${name}/$$/$&/$`/$'/$+/$_ substitutions. Regexes are .NET syntax translated to the regex crate; look-around and backreferences are errors. Null source gives Null.", text_functions::prepare_replace),
    imp!("SelectUniqueValue", logic::select_unique_value, "The first rule whose value is not Null/\"\" and not taken (--taken); rules after it are not evaluated. All taken is an error (Entra escrows the object)."),
    imp!("SingleAppRoleAssignment", values::single_role, "The role's value for one assignment; with several, the first (Microsoft: unpredictable). Null gives Null."),
    imp!("Split", text_functions::split, "Splits at every occurrence of the whole delimiter text; empty parts and spaces are kept (\"a, b\" on \",\" gives \"a\" and \" b\"); an empty delimiter gives the whole text. Null gives Null."),
    imp!("StringFromSid", text_functions::string_from_sid, "Binary SID (or base64 text) to S-1-<authority>-<sub>...; text already in S-1- form is returned as is; malformed bytes are an error."),
    imp!("StripSpaces", text_functions::strip_spaces, "Removes every U+0020; tabs and no-break spaces stay. Null gives Null."),
    imp!("Switch", logic::switch, "Compares the source text (Null as \"\") with each key in order, ordinal and case-sensitive, evaluating keys lazily; the first match's value, else the default (an empty default slot is Null: does not flow). A multi-valued source is an error."),
    imp!("ToLower", text_functions::to_lower, "Simple case mapping (one character to one); culture tr/az maps I to dotless ı; other well-formed cultures are invariant; malformed culture names are errors. Null gives Null."),
    imp!("ToUpper", text_functions::to_upper, "Simple case mapping (ß stays ß); culture tr/az maps i to İ. Null gives Null."),
    imp!("Trim", text_functions::trim, "Removes leading and trailing Unicode white space, per value for lists. Null gives Null."),
    imp!("Word", text_functions::word, "The WordNumber-th word (1-based) when splitting at any delimiter character; runs of delimiters do not make empty words; out of range or Null gives \"\"."),
    imp!("DefaultDomain", logic::default_domain, "Undocumented: returns --param DefaultDomain=VALUE when given, otherwise an \"undocumented, not evaluated\" error."),
    imp!("AppRoleAssignments", logic::undocumented, "Undocumented: always an \"undocumented, not evaluated\" error."),
    imp!("Prepend", text_functions::prepend, "Undocumented (the service's function list names it with prefix and source): prefix + source, the mirror of Append. Null source or prefix counts as \"\"; a multi-valued source gets the prefix per value."),
    imp!("IsNothing", logic::is_null, "Undocumented (the service's function list names it with one source): taken to be IsNull, True for Null only."),
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

/// The generated part of `docs/evaluator.md`: the cross-cutting choices, then every function
/// with its signatures, contexts, the source of its signature and its semantics, from the
/// catalogue and [`IMPLEMENTATIONS`] (a test keeps the file equal to it).
pub fn reference_markdown() -> String {
    use crate::expr::catalogue::FUNCTIONS;
    let mut out = String::from("## Cross-cutting choices\n\n");
    for choice in CHOICES {
        out.push_str(&format!("* **{}**: {}\n", choice.topic, choice.choice));
    }
    out.push_str("\n## Functions\n");
    for imp in IMPLEMENTATIONS {
        out.push_str(&format!("\n### {}\n\n", imp.name));
        for f in FUNCTIONS.iter().filter(|f| f.name == imp.name) {
            out.push_str(&format!(
                "* `{}` ({}). {}\n",
                f.signature(),
                f.contexts.names().join(", "),
                f.origin
            ));
        }
        out.push_str(&format!("\n{}\n", imp.semantics));
    }
    out
}
