//! Dates: CDate, DateAdd, DateDiff, DateFromNum, NumFromDate, FormatDateTime, Now.

use super::*;

pub(super) fn cdate<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let d = fr.date(call, 0)?;
    owned(Value::DateTime(d))
}

pub(super) fn interval<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Result<Interval, Stop> {
    let code = fr.text(call, 0)?.unwrap_or_default();
    Interval::parse(&code).map_err(|m| fail(call, m))
}

pub(super) fn date_add<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let interval = interval(fr, call)?;
    let n = fr.int(call, 1)?;
    let d = fr.date(call, 2)?;
    datetime::date_add(interval, n, &d)
        .map(|r| Cow::Owned(Value::DateTime(r)))
        .map_err(|m| fail(call, m))
}

pub(super) fn date_diff<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let interval = interval(fr, call)?;
    let d1 = fr.date(call, 1)?;
    let d2 = fr.date(call, 2)?;
    owned(Value::Int(datetime::date_diff(interval, &d1, &d2)))
}

pub(super) fn date_from_num<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let ticks = fr.int(call, 0)?;
    datetime::from_filetime(ticks)
        .map(|d| Cow::Owned(Value::DateTime(d)))
        .map_err(|m| fail(call, m))
}

pub(super) fn num_from_date<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
    let d = fr.date(call, 0)?;
    datetime::to_filetime(&d)
        .map(|t| Cow::Owned(Value::Int(t)))
        .map_err(|m| fail(call, m))
}

pub(super) fn prepare_format_date_time(call: &mut CallNode) {
    if call.args.len() == 3 {
        call.args.insert(1, None);
    }
}

pub(super) fn format_date_time<'a>(fr: &mut Frame<'a>, call: &'a CallNode) -> Flow<'a> {
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

pub(super) fn now<'a>(fr: &mut Frame<'a>, _call: &'a CallNode) -> Flow<'a> {
    owned(Value::DateTime(fr.ctx.now))
}
