//! Dates: .NET custom and standard date/time format strings (formatting and `ParseExact`),
//! `CDate`'s lenient parser, AD FILETIME integers, and VB-style `DateAdd` / `DateDiff`.
//!
//! Every date is kept in UTC. The provisioning service runs with UTC as its local time zone, so a
//! parsed offset converts to UTC and formats back as `+00:00`.

use chrono::{
    DateTime, Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
};
use std::sync::OnceLock;

/// How a parsed date/time was marked, which decides what `K` prints (.NET `DateTimeKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No time zone information (`K` prints nothing).
    Unspecified,
    /// Marked UTC by `Z` (`K` prints `Z`).
    Utc,
    /// Had an offset, converted to the server's local time, which is UTC (`K` prints `+00:00`).
    Local,
}

/// A date/time in UTC with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The instant, in UTC.
    pub utc: DateTime<Utc>,
    /// Its kind.
    pub kind: Kind,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The longest format string accepted.
const MAX_FORMAT_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Year(usize),
    Month(usize),
    Day(usize),
    Hour12(usize),
    Hour24(usize),
    Minute(usize),
    Second(usize),
    Fraction { digits: usize, optional: bool },
    AmPm(usize),
    Offset(usize),
    Kind,
    Era,
    Lit(char),
}

/// The en-US patterns of the standard (one-letter) format strings.
fn standard(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "M/d/yyyy",
        'D' => "dddd, MMMM d, yyyy",
        'f' => "dddd, MMMM d, yyyy h:mm tt",
        'F' => "dddd, MMMM d, yyyy h:mm:ss tt",
        'g' => "M/d/yyyy h:mm tt",
        'G' => "M/d/yyyy h:mm:ss tt",
        'm' | 'M' => "MMMM d",
        'o' | 'O' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        'r' | 'R' => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        's' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        't' => "h:mm tt",
        'T' => "h:mm:ss tt",
        'u' => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        'y' | 'Y' => "MMMM yyyy",
        _ => return None,
    })
}

fn tokenize(format: &str) -> Result<Vec<Tok>, String> {
    if format.is_empty() {
        return Err("the format string is empty".to_owned());
    }
    if format.chars().count() > MAX_FORMAT_CHARS {
        return Err(format!(
            "the format string is longer than {MAX_FORMAT_CHARS} characters"
        ));
    }
    let mut chars = format.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return match standard(c) {
            Some(pattern) => tokenize(pattern),
            None => Err(format!("`{c}` is not a .NET standard date/time format")),
        };
    }
    let chars: Vec<char> = format.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        let tok = match c {
            'y' => Tok::Year(run),
            'M' => Tok::Month(run),
            'd' => Tok::Day(run),
            'h' => Tok::Hour12(run.min(2)),
            'H' => Tok::Hour24(run.min(2)),
            'm' => Tok::Minute(run.min(2)),
            's' => Tok::Second(run.min(2)),
            'f' | 'F' => {
                if run > 7 {
                    return Err("more than 7 fraction digits (f/F) in the format string".to_owned());
                }
                Tok::Fraction {
                    digits: run,
                    optional: c == 'F',
                }
            }
            't' => Tok::AmPm(run.min(2)),
            'z' => Tok::Offset(run.min(3)),
            'g' => Tok::Era,
            'K' => {
                run = 1;
                Tok::Kind
            }
            '\'' | '"' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&q| q == c)
                    .ok_or("unterminated quoted text in the format string")?;
                out.extend(chars[i + 1..i + 1 + close].iter().map(|&l| Tok::Lit(l)));
                i += close + 2;
                continue;
            }
            '\\' => {
                let next = *chars
                    .get(i + 1)
                    .ok_or("the format string ends with a backslash")?;
                out.push(Tok::Lit(next));
                i += 2;
                continue;
            }
            '%' => {
                i += 1;
                continue;
            }
            other => {
                run = 1;
                Tok::Lit(other)
            }
        };
        out.push(tok);
        i += run;
    }
    Ok(out)
}

fn pad(out: &mut String, value: u32, width: usize) {
    use std::fmt::Write as _;
    let _ = write!(out, "{value:0width$}");
}

/// Formats with a .NET custom or standard format string (en-US names, UTC).
pub fn format(stamp: &Stamp, format: &str) -> Result<String, String> {
    let tokens = tokenize(format)?;
    let d = stamp.utc.naive_utc();
    let mut out = String::with_capacity(format.len() + 8);
    let ticks = d.nanosecond() % 1_000_000_000 / 100;
    for tok in &tokens {
        match *tok {
            Tok::Year(n) => {
                let year = d.year().unsigned_abs();
                match n {
                    1 => pad(&mut out, year % 100, 1),
                    2 => pad(&mut out, year % 100, 2),
                    _ => pad(&mut out, year, n),
                }
            }
            Tok::Month(n) => match n {
                1 | 2 => pad(&mut out, d.month(), n),
                3 => out.push_str(&MONTHS[d.month0() as usize][..3]),
                _ => out.push_str(MONTHS[d.month0() as usize]),
            },
            Tok::Day(n) => match n {
                1 | 2 => pad(&mut out, d.day(), n),
                3 => out.push_str(&DAYS[d.weekday().num_days_from_sunday() as usize][..3]),
                _ => out.push_str(DAYS[d.weekday().num_days_from_sunday() as usize]),
            },
            Tok::Hour12(n) => {
                let h = d.hour() % 12;
                pad(&mut out, if h == 0 { 12 } else { h }, n);
            }
            Tok::Hour24(n) => pad(&mut out, d.hour(), n),
            Tok::Minute(n) => pad(&mut out, d.minute(), n),
            Tok::Second(n) => pad(&mut out, d.second(), n),
            Tok::Fraction { digits, optional } => {
                let text = format!("{ticks:07}");
                let mut part = &text[..digits];
                if optional {
                    part = part.trim_end_matches('0');
                    if part.is_empty() && out.ends_with('.') {
                        out.pop();
                    }
                }
                out.push_str(part);
            }
            Tok::AmPm(n) => {
                let pm = d.hour() >= 12;
                out.push_str(match (n, pm) {
                    (1, false) => "A",
                    (1, true) => "P",
                    (_, false) => "AM",
                    (_, true) => "PM",
                });
            }
            Tok::Offset(n) => out.push_str(match n {
                1 => "+0",
                2 => "+00",
                _ => "+00:00",
            }),
            Tok::Kind => out.push_str(match stamp.kind {
                Kind::Unspecified => "",
                Kind::Utc => "Z",
                Kind::Local => "+00:00",
            }),
            Tok::Era => out.push_str("A.D."),
            Tok::Lit(c) => out.push(c),
        }
    }
    Ok(out)
}

/// The default text of a date/time: `M/d/yyyy h:mm:ss tt` (en-US `G`), as CDate, DateAdd and Now
/// render.
pub fn render_default(d: &DateTime<Utc>) -> String {
    let h = d.hour() % 12;
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        d.month(),
        d.day(),
        d.year(),
        if h == 0 { 12 } else { h },
        d.minute(),
        d.second(),
        if d.hour() >= 12 { "PM" } else { "AM" }
    )
}

/// .NET `DateTimeStyles` flags that change parsing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Styles {
    leading_white: bool,
    trailing_white: bool,
    inner_white: bool,
    assume_universal: bool,
    no_current_date_default: bool,
}

impl Styles {
    /// The default when the dateTimeStyles slot is empty:
    /// `RoundtripKind | AllowLeadingWhite | AllowTrailingWhite`.
    pub fn default_provisioning() -> Styles {
        Styles {
            leading_white: true,
            trailing_white: true,
            ..Styles::default()
        }
    }

    /// Parses style names separated by `,` or `|` (case-insensitive; `None` allowed).
    pub fn parse(text: &str) -> Result<Styles, String> {
        let mut styles = Styles::default();
        for name in text
            .split([',', '|'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match name.to_ascii_lowercase().as_str() {
                "none" | "roundtripkind" | "adjusttouniversal" | "assumelocal" => {}
                "allowleadingwhite" => styles.leading_white = true,
                "allowtrailingwhite" => styles.trailing_white = true,
                "allowinnerwhite" => styles.inner_white = true,
                "allowwhitespaces" => {
                    styles.leading_white = true;
                    styles.trailing_white = true;
                    styles.inner_white = true;
                }
                "assumeuniversal" => styles.assume_universal = true,
                "nocurrentdatedefault" => styles.no_current_date_default = true,
                _ => return Err(format!("`{name}` is not a .NET DateTimeStyles name")),
            }
        }
        Ok(styles)
    }
}

struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value: u32 = 0;
        let mut n = 0;
        while n < max {
            match self.chars.get(self.pos).and_then(|c| c.to_digit(10)) {
                Some(d) => {
                    value = value.checked_mul(10)?.checked_add(d)?;
                    self.pos += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        (n >= min).then_some(value)
    }

    fn word(&mut self, words: &[&str], len: Option<usize>) -> Option<usize> {
        for (i, w) in words.iter().enumerate() {
            let w = len.map_or(*w, |l| &w[..l]);
            let n = w.chars().count();
            if self.pos + n <= self.chars.len()
                && self.chars[self.pos..self.pos + n]
                    .iter()
                    .zip(w.chars())
                    .all(|(a, b)| a.eq_ignore_ascii_case(&b))
            {
                self.pos += n;
                return Some(i);
            }
        }
        None
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_white(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn offset(&mut self, full: bool) -> Option<i32> {
        let sign = match self.peek()? {
            '+' => 1,
            '-' => -1,
            _ => return None,
        };
        self.pos += 1;
        let hours = if full {
            self.digits(2, 2)?
        } else {
            self.digits(1, 2)?
        };
        let minutes = if self.peek() == Some(':') {
            self.pos += 1;
            self.digits(2, 2)?
        } else if full {
            return None;
        } else {
            0
        };
        if hours > 14 || minutes > 59 {
            return None;
        }
        Some(sign * (hours as i32 * 3600 + minutes as i32 * 60))
    }
}

#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    hour: Option<u32>,
    hour12: bool,
    minute: u32,
    second: u32,
    nanos: u32,
    pm: Option<bool>,
    offset: Option<i32>,
    utc: bool,
}

fn parse_tokens(text: &str, tokens: &[Tok], styles: Styles, today: NaiveDate) -> Option<Stamp> {
    let mut text = text;
    if styles.leading_white {
        text = text.trim_start();
    }
    if styles.trailing_white {
        text = text.trim_end();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut c = Cursor {
        chars: &chars,
        pos: 0,
    };
    let mut f = Fields::default();
    for tok in tokens {
        if styles.inner_white && c.pos > 0 {
            c.skip_white();
        }
        match *tok {
            Tok::Year(n) => {
                if n <= 2 {
                    let y = c.digits(n, 2)? as i32;
                    f.year = Some(if y < 50 { 2000 + y } else { 1900 + y });
                } else {
                    f.year = Some(c.digits(n.max(4), n.max(4))? as i32);
                }
            }
            Tok::Month(n) => {
                f.month = Some(match n {
                    1 | 2 => c.digits(n, 2)?,
                    3 => c.word(&MONTHS, Some(3))? as u32 + 1,
                    _ => c.word(&MONTHS, None)? as u32 + 1,
                });
            }
            Tok::Day(n) => match n {
                1 | 2 => f.day = Some(c.digits(n, 2)?),
                3 => {
                    c.word(&DAYS, Some(3))?;
                }
                _ => {
                    c.word(&DAYS, None)?;
                }
            },
            Tok::Hour12(n) => {
                f.hour = Some(c.digits(n, 2)?);
                f.hour12 = true;
            }
            Tok::Hour24(n) => f.hour = Some(c.digits(n, 2)?),
            Tok::Minute(n) => f.minute = c.digits(n, 2)?,
            Tok::Second(n) => f.second = c.digits(n, 2)?,
            Tok::Fraction { digits, optional } => {
                let start = c.pos;
                let value = c.digits(if optional { 0 } else { digits }, digits)?;
                let read = (c.pos - start) as u32;
                f.nanos = value * 10u32.pow(9 - read);
            }
            Tok::AmPm(n) => {
                f.pm = Some(if n == 1 {
                    c.word(&["A", "P"], None)? == 1
                } else {
                    c.word(&["AM", "PM"], None)? == 1
                });
            }
            Tok::Offset(n) => f.offset = Some(c.offset(n >= 3)?),
            Tok::Kind => match c.peek() {
                Some('Z') | Some('z') => {
                    c.pos += 1;
                    f.utc = true;
                }
                Some('+') | Some('-') => f.offset = Some(c.offset(false)?),
                _ => {}
            },
            Tok::Era => {
                c.word(&["A.D.", "AD"], None)?;
            }
            Tok::Lit(l) => {
                let got = c.peek()?;
                let matches = got == l
                    || (l.is_whitespace() && got.is_whitespace())
                    || (l == 'T' && got == 't');
                if !matches {
                    return None;
                }
                if l == 'Z' {
                    f.utc = true;
                }
                c.pos += 1;
            }
        }
    }
    if c.pos != chars.len() {
        return None;
    }
    let has_date = f.year.is_some() || f.month.is_some() || f.day.is_some();
    let (year, month, day) = if has_date {
        (
            f.year.unwrap_or(today.year()),
            f.month.unwrap_or(1),
            f.day.unwrap_or(1),
        )
    } else if styles.no_current_date_default {
        (1, 1, 1)
    } else {
        (today.year(), today.month(), today.day())
    };
    let mut hour = f.hour.unwrap_or(0);
    if let Some(pm) = f.pm {
        if hour > 12 {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    } else if f.hour12 && hour > 12 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, f.minute, f.second, f.nanos)?;
    let local = NaiveDateTime::new(date, time);
    let (utc, kind) = match f.offset {
        Some(seconds) => (
            local.checked_sub_signed(TimeDelta::try_seconds(seconds.into())?)?,
            Kind::Local,
        ),
        None if f.utc || styles.assume_universal => (local, Kind::Utc),
        None => (local, Kind::Unspecified),
    };
    in_dotnet_range(&utc)?;
    Some(Stamp {
        utc: utc.and_utc(),
        kind,
    })
}

fn in_dotnet_range(d: &NaiveDateTime) -> Option<()> {
    (1..=9999).contains(&d.year()).then_some(())
}

/// .NET `DateTime.ParseExact(text, format, InvariantCulture, styles)`.
pub fn parse_exact(
    text: &str,
    format: &str,
    styles: Styles,
    today: NaiveDate,
) -> Result<Stamp, String> {
    let tokens = tokenize(format)?;
    parse_tokens(text, &tokens, styles, today)
        .ok_or_else(|| format!("\"{text}\" does not match the format \"{format}\""))
}

const CDATE_PATTERNS: &[&str] = &[
    "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    "yyyy-MM-dd'T'HH:mm:ssK",
    "yyyy-MM-dd'T'HH:mmK",
    "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    "yyyy-MM-dd HH:mm:ssK",
    "yyyy-MM-dd HH:mm:ss zzz",
    "yyyy-MM-dd HH:mmK",
    "yyyy-MM-ddK",
    "M/d/yyyy h:mm:ss tt",
    "M/d/yyyy h:mm:ss ttK",
    "M/d/yyyy h:mm tt",
    "M/d/yyyy H:mm:ss",
    "M/d/yyyy H:mm:ssK",
    "M/d/yyyy H:mm",
    "M/d/yyyy",
    "yyyyMMddHHmmss.FFFFFFFK",
];

fn cdate_patterns() -> &'static [Vec<Tok>] {
    static PATTERNS: OnceLock<Vec<Vec<Tok>>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        CDATE_PATTERNS
            .iter()
            .filter_map(|p| tokenize(p).ok())
            .collect()
    })
}

/// `CDate`: parses a date/time string with or without offset and converts it to UTC. Accepts
/// ISO 8601 (`T` or space separator, optional fraction and offset), a date followed directly by
/// an offset (`2020-03-16-07:00`), the default rendering `M/d/yyyy h:mm:ss tt`, `M/d/yyyy` with or
/// without a 24-hour time, and AD GeneralizedTime (`20150123105347.0Z`). No offset means UTC.
pub fn parse_cdate(text: &str) -> Result<DateTime<Utc>, String> {
    let today = NaiveDate::default();
    cdate_patterns()
        .iter()
        .find_map(|p| parse_tokens(text, p, Styles::default_provisioning(), today))
        .map(|s| s.utc)
        .ok_or_else(|| format!("\"{text}\" is not a date/time CDate understands"))
}

const FILETIME_EPOCH_OFFSET_SECS: i64 = 11_644_473_600;
const TICKS_PER_SECOND: i64 = 10_000_000;
/// The largest FILETIME .NET `DateTime.FromFileTimeUtc` accepts (9999-12-31 23:59:59.9999999).
pub const MAX_FILETIME: i64 = 2_650_467_743_999_999_999;

/// AD FILETIME (100-ns ticks since 1601-01-01 UTC) to a date/time.
pub fn from_filetime(ticks: i64) -> Result<DateTime<Utc>, String> {
    if !(0..=MAX_FILETIME).contains(&ticks) {
        return Err(format!(
            "{ticks} is outside the FILETIME range 0..={MAX_FILETIME} (1601-01-01 to 9999-12-31)"
        ));
    }
    let secs = ticks / TICKS_PER_SECOND - FILETIME_EPOCH_OFFSET_SECS;
    let nanos = (ticks % TICKS_PER_SECOND) as u32 * 100;
    DateTime::from_timestamp(secs, nanos)
        .ok_or_else(|| format!("{ticks} is not a representable date"))
}

/// A date/time to AD FILETIME ticks.
pub fn to_filetime(d: &DateTime<Utc>) -> Result<i64, String> {
    let secs = d
        .timestamp()
        .checked_add(FILETIME_EPOCH_OFFSET_SECS)
        .filter(|s| *s >= 0);
    secs.and_then(|s| s.checked_mul(TICKS_PER_SECOND))
        .and_then(|t| t.checked_add(i64::from(d.timestamp_subsec_nanos() / 100)))
        .ok_or_else(|| {
            format!(
                "{} is before 1601-01-01, the start of FILETIME",
                render_default(d)
            )
        })
}

/// A DateAdd/DateDiff interval code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// `yyyy`
    Year,
    /// `m`
    Month,
    /// `d`
    Day,
    /// `ww`
    Week,
    /// `h`
    Hour,
    /// `n`
    Minute,
    /// `s`
    Second,
}

impl Interval {
    /// Parses a code (case-sensitive: `yyyy m d ww h n s`).
    pub fn parse(code: &str) -> Result<Interval, String> {
        Ok(match code {
            "yyyy" => Interval::Year,
            "m" => Interval::Month,
            "d" => Interval::Day,
            "ww" => Interval::Week,
            "h" => Interval::Hour,
            "n" => Interval::Minute,
            "s" => Interval::Second,
            _ => {
                return Err(format!(
                    "\"{code}\" is not an interval (yyyy, m, d, ww, h, n, s)"
                ))
            }
        })
    }
}

/// `DateAdd`: adds `n` intervals; month and year steps clamp the day of month (.NET AddMonths).
pub fn date_add(interval: Interval, n: i64, d: &DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let overflow = || {
        format!(
            "adding {n} to {} leaves the range 0001-9999",
            render_default(d)
        )
    };
    let result = match interval {
        Interval::Year | Interval::Month => {
            let months = if interval == Interval::Year {
                n.checked_mul(12)
            } else {
                Some(n)
            }
            .ok_or_else(overflow)?;
            let step = u32::try_from(months.unsigned_abs()).map_err(|_| overflow())?;
            if months >= 0 {
                d.checked_add_months(Months::new(step))
            } else {
                d.checked_sub_months(Months::new(step))
            }
        }
        Interval::Day => TimeDelta::try_days(n).and_then(|t| d.checked_add_signed(t)),
        Interval::Week => n
            .checked_mul(7)
            .and_then(TimeDelta::try_days)
            .and_then(|t| d.checked_add_signed(t)),
        Interval::Hour => TimeDelta::try_hours(n).and_then(|t| d.checked_add_signed(t)),
        Interval::Minute => TimeDelta::try_minutes(n).and_then(|t| d.checked_add_signed(t)),
        Interval::Second => TimeDelta::try_seconds(n).and_then(|t| d.checked_add_signed(t)),
    };
    result
        .filter(|r| in_dotnet_range(&r.naive_utc()).is_some())
        .ok_or_else(overflow)
}

/// `DateDiff`: date2 − date1 counted in interval boundaries crossed, as VB's DateDiff does
/// (`ww` counts Sundays; `h`/`n`/`s` count hour/minute/second boundaries).
pub fn date_diff(interval: Interval, d1: &DateTime<Utc>, d2: &DateTime<Utc>) -> i64 {
    let days = |d: &DateTime<Utc>| i64::from(d.date_naive().num_days_from_ce());
    let secs = |d: &DateTime<Utc>| d.timestamp();
    match interval {
        Interval::Year => i64::from(d2.year()) - i64::from(d1.year()),
        Interval::Month => {
            (i64::from(d2.year()) * 12 + i64::from(d2.month0()))
                - (i64::from(d1.year()) * 12 + i64::from(d1.month0()))
        }
        Interval::Day => days(d2) - days(d1),
        Interval::Week => days(d2).div_euclid(7) - days(d1).div_euclid(7),
        Interval::Hour => secs(d2).div_euclid(3600) - secs(d1).div_euclid(3600),
        Interval::Minute => secs(d2).div_euclid(60) - secs(d1).div_euclid(60),
        Interval::Second => secs(d2) - secs(d1),
    }
}
