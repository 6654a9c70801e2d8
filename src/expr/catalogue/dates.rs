//! Dates: parsing, arithmetic, conversion to and from numbers, formatting and the current time.
//! The entries below are the list.

use super::prelude::*;

/// What FormatDateTime does, in both of its forms.
const FORMAT_DATE_TIME: &str = ".NET ParseExact with inputFormat (invariant culture, server time zone UTC), then format with outputFormat (en-US names). Custom specifiers y M d h H m s f F t z K g, quotes, \\ escapes, %; standard formats d D f F g G m o r s t T u y. A literal Z marks the input UTC. Empty dateTimeStyles = AllowLeadingWhite|AllowTrailingWhite|RoundtripKind; otherwise .NET style names separated by , or |. Three arguments bind as (source, inputFormat, outputFormat). A DateTime source with an empty inputFormat (DateFromNum(...), as in Microsoft's Cloud Sync default mapping) is formatted directly; with an inputFormat it is first rendered as M/d/yyyy h:mm:ss tt (so DateAdd output does not match yyyy-MM-dd, as in Entra). Two-digit years: 00-49 are 20xx. Null gives Null; a mismatch is an error.";

/// The declarations of this family.
pub(super) static DATES: &[Function] = &[
    function!(
        "CDate",
        [p("expression", STR)],
        range(1),
        fixed(Type::DATETIME),
        AP | HR,
        "Parses a date/time string and converts it to UTC.",
        run: cdate,
        semantics: "Parses ISO 8601 (T or space, optional fraction and offset), date+offset (2020-03-16-07:00), M/d/yyyy h:mm:ss tt, M/d/yyyy [H:mm[:ss]], GeneralizedTime; converts to UTC; no offset means UTC. Null, empty or unparseable text is an error.",
    ),
    function!(
        "DateAdd",
        [
            p("interval", INTERVAL),
            p("value", INT),
            p("dateTime", DATE)
        ],
        range(3),
        fixed(Type::DATETIME),
        AP | HR,
        "Adds a number of intervals to a date/time.",
        run: date_add,
        semantics: "Adds value (integer or integer text, may be negative) intervals yyyy/m/d/ww/h/n/s (case-sensitive) to a date; months and years clamp the day (Jan 31 + 1 month = Feb 28/29). Results outside 0001-9999 are errors.",
    ),
    function!(
        "DateDiff",
        [p("interval", INTERVAL), p("date1", DATE), p("date2", DATE)],
        range(3),
        fixed(Type::INTEGER),
        AP | HR,
        "The number of intervals from date1 to date2.",
        run: date_diff,
        semantics: "date2 - date1 in boundaries crossed, as VB: d calendar days, m months, yyyy years, ww Sundays, h/n/s hour/minute/second boundaries.",
    ),
    function!(
        "DateFromNum",
        [p("value", INT)],
        range(1),
        fixed(Type::DATETIME),
        AP | HR | CS,
        "Converts an AD FILETIME integer to a date/time.",
        run: date_from_num,
        semantics: "AD FILETIME (100 ns ticks since 1601-01-01 UTC) to a date. 0 is 1/1/1601; negative values and values beyond 9999-12-31 (including 9223372036854775807, \"never\") are errors, as .NET DateTime.FromFileTimeUtc.",
    ),
    function!(
        "FormatDateTime",
        [
            p("source", ANY),
            opt("dateTimeStyles", STR),
            opt("inputFormat", STR),
            p("outputFormat", STR)
        ],
        range(4),
        fixed(S),
        AP | HR | CS,
        "Reformats a date string from one .NET format to another.",
        run: format_date_time,
        semantics: FORMAT_DATE_TIME,
        prepare: Some(prepare_format_date_time),
        origin: "signature: functions-for-customizing-application-data.md; the four-argument form in Cloud Sync too: Microsoft's default Cloud Sync mapping of LastPasswordChangeTimestamp (inputFormat empty when the source is already a date); Graph key dateTimeStyles inferred (the service's list has no such parameter)",
        checks: &[format_date_time_input],
    ),
    function!(
        "FormatDateTime",
        [p("source", ANY), p("inputFormat", STR), p("outputFormat", STR)],
        range(3),
        fixed(S),
        AP | HR | CS,
        "Reformats a date string from one .NET format to another.",
        run: format_date_time,
        semantics: FORMAT_DATE_TIME,
        prepare: Some(prepare_format_date_time),
        doc: CS_DOC,
        origin: "signature: cloud-sync reference-expressions.md and the service's GET .../schema/functions response (source, inputFormat, outputFormat), which is the same list for every job: bound by argument count in every context (the app provisioning reference shows only the four-argument form)",
    ),
    function!(
        "Now",
        [],
        range(0),
        fixed(Type::DATETIME),
        AP | HR,
        "The current date and time (UTC).",
        run: now,
        semantics: "The context's clock (--now), UTC.",
    ),
    function!(
        "NumFromDate",
        [p("value", DATE)],
        range(1),
        fixed(Type::INTEGER),
        AP | HR,
        "Converts a date to an AD FILETIME integer.",
        run: num_from_date,
        semantics: "A date (or text CDate parses) to AD FILETIME ticks; dates before 1601 are errors.",
    ),
];

/// An empty inputFormat is allowed only when the source is already a date (Microsoft's Cloud Sync
/// default `FormatDateTime(DateFromNum([pwdLastSet]), "RoundtripKind", , "yyyyMMddHHmmss.0Z")`).
fn format_date_time_input(call: &Call, types: &[Option<Type>]) -> Option<Diagnostic> {
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

fn cdate<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let d = fr.date(call, 0)?;
    owned(Value::DateTime(d))
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

fn now<'a>(fr: &mut Frame<'a>, _call: &'a CallNode) -> Flow<'a> {
    owned(Value::DateTime(fr.ctx.now))
}
