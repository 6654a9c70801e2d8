//! The readers: every export of the provisioning logs, streamed one record at a time (memory
//! bounded by the largest record, not the file). The format is recognised from the content:
//! a JSON array (the portal's download, or Log Analytics rows), a JSON object with a `value`
//! array (a Graph page), JSON objects one after another (JSON Lines), a provision-on-demand
//! result (`key`/`value` JSON strings), a synchronization job (its status), a Log Analytics CSV
//! export (nested objects as JSON strings), and the portal's three CSV files joined on the
//! change id (their column names are not documented: read by header, tolerantly).

use super::event::{self, Event, Modified, Status, Step};
use super::quarantine::JobStatus;
use crate::base::encoding::Utf8Stream;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The formats a record can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The portal's JSON download: one array of events.
    PortalJson,
    /// A Microsoft Graph `/auditLogs/provisioning` page (v1.0 or beta).
    GraphPage,
    /// JSON objects one after another (one per line, or a single event).
    JsonLines,
    /// Log Analytics `AADProvisioningLogs` rows as JSON.
    LogAnalyticsJson,
    /// Log Analytics `AADProvisioningLogs` rows as CSV.
    LogAnalyticsCsv,
    /// A provision-on-demand result.
    ProvisionOnDemand,
    /// The portal's CSV download (events joined with their steps and modified properties).
    PortalCsv,
    /// A synchronization job's status.
    JobStatus,
}

impl Format {
    /// A stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::PortalJson => "portal-json",
            Format::GraphPage => "graph-page",
            Format::JsonLines => "json-lines",
            Format::LogAnalyticsJson => "log-analytics-json",
            Format::LogAnalyticsCsv => "log-analytics-csv",
            Format::ProvisionOnDemand => "provision-on-demand",
            Format::PortalCsv => "portal-csv",
            Format::JobStatus => "job-status",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing read from a log.
#[derive(Debug, Clone)]
pub enum Record {
    /// A provisioning event.
    Event {
        /// The event.
        event: Box<Event>,
        /// Its top-level fields that were not understood.
        unknown: Vec<String>,
        /// Where it came from.
        format: Format,
    },
    /// A record that is not a readable event: it still counts, in its own group.
    Unreadable {
        /// Why.
        reason: String,
        /// Where it came from.
        format: Format,
        /// Where in the file (`record 12`, `line 40`).
        location: String,
    },
    /// A synchronization job's status.
    Job(Box<JobStatus>),
}

/// What reading one file found besides its records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    /// The file's name as given.
    pub name: String,
    /// Records per format.
    pub formats: Vec<(Format, u64)>,
    /// What went wrong: a truncated or invalid file, rows that join nothing ...
    pub problems: Vec<String>,
    /// Columns (CSV) that were not understood.
    pub unknown_columns: Vec<String>,
}

impl FileSummary {
    fn count(&mut self, format: Format) {
        match self.formats.iter_mut().find(|(f, _)| *f == format) {
            Some((_, n)) => *n += 1,
            None => self.formats.push((format, 1)),
        }
    }
}

/// The largest CSV field read (bytes); a longer one is cut.
const MAX_FIELD: usize = 1 << 20;

/// Where a JSON value sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Array,
    Page,
    Top,
}

/// Reads one log from `reader` (any single-file format; the portal's CSV download needs its
/// files together: [`read_paths`]), handing each record to `sink`.
pub fn read(name: &str, reader: impl Read, sink: &mut dyn FnMut(Record)) -> FileSummary {
    let mut summary = FileSummary {
        name: name.to_owned(),
        ..FileSummary::default()
    };
    match Utf8Stream::new(BufReader::with_capacity(1 << 16, reader)) {
        Ok(reader) => read_one(reader, &mut summary, &mut PortalJoin::default(), sink),
        Err(e) => summary.problems.push(format!("cannot read: {e}")),
    }
    summary
}

/// Recognises the format of one log and reads it; a portal events CSV is joined with `join`.
fn read_one(
    mut reader: impl BufRead,
    summary: &mut FileSummary,
    join: &mut PortalJoin,
    sink: &mut dyn FnMut(Record),
) {
    match first_byte(&mut reader) {
        Ok(None) => summary.problems.push("the file is empty".to_owned()),
        Ok(Some(b'[' | b'{')) => read_json(reader, summary, sink),
        Ok(Some(_)) => match csv_kind(&mut reader) {
            Ok((headers, CsvKind::LogAnalytics)) => {
                read_log_analytics_csv(reader, headers, summary, sink)
            }
            Ok((headers, CsvKind::Portal(CsvPart::Events))) => {
                read_portal_events(reader, headers, join, summary, sink)
            }
            Ok((_, CsvKind::Portal(part))) => summary.problems.push(format!(
                "a portal CSV file of {}: give it as a file together with the events file (ProvisioningLogs) it belongs to",
                part.describe()
            )),
            Err(e) => summary.problems.push(e),
        },
        Err(e) => summary.problems.push(format!("cannot read: {e}")),
    }
}

/// Whether `path` can be read twice: a regular file (not standard input, a FIFO or a device).
pub fn rereadable(path: &Path) -> bool {
    path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Reads log files, handing each record to `sink`; the portal's CSV files of steps and modified
/// properties are joined to their events' file first (held in memory by change id: the two
/// detail files, not the events). Returns each file's summary, in the order given.
pub fn read_paths(paths: &[&Path], sink: &mut dyn FnMut(Record)) -> Vec<FileSummary> {
    let mut summaries: Vec<FileSummary> = paths
        .iter()
        .map(|p| FileSummary {
            name: p.display().to_string(),
            ..FileSummary::default()
        })
        .collect();
    let mut join = PortalJoin::default();
    let mut later = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        // A stream (standard input, a FIFO) is read once: never sniffed as a detail file first.
        if !rereadable(path) {
            later.push(i);
            continue;
        }
        let indexed = match open(path) {
            Ok(mut reader) => match first_byte(&mut reader) {
                Ok(Some(b)) if b != b'[' && b != b'{' => match csv_kind(&mut reader) {
                    Ok((headers, CsvKind::Portal(part))) if part != CsvPart::Events => {
                        join.files[usize::from(part == CsvPart::Modified)] = Some(i);
                        join.index(reader, headers, part, &mut summaries[i]);
                        true
                    }
                    _ => false,
                },
                _ => false,
            },
            Err(_) => false,
        };
        if !indexed {
            later.push(i);
        }
    }
    for i in later {
        match open(paths[i]) {
            Ok(reader) => read_one(reader, &mut summaries[i], &mut join, sink),
            Err(e) => summaries[i].problems.push(e),
        }
    }
    join.report_orphans(&mut summaries);
    summaries
}

/// Opens a log file (or standard input), read as UTF-8 whatever its byte order mark says (UTF-16,
/// as Windows PowerShell writes a file, is transcoded).
fn open(path: &Path) -> Result<Utf8Stream<BufReader<Box<dyn Read>>>, String> {
    let file: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
        if meta.is_dir() {
            return Err("cannot read: it is a directory".to_owned());
        }
        Box::new(std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?)
    };
    Utf8Stream::new(BufReader::with_capacity(1 << 16, file))
        .map_err(|e| format!("cannot read: {e}"))
}

/// The first byte that is not whitespace or a byte order mark, left unread.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    let mut bom = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        let mut used = 0;
        for &b in buffer {
            if bom < 3 && b == [0xEF, 0xBB, 0xBF][bom] {
                bom += 1;
                used += 1;
                continue;
            }
            if b.is_ascii_whitespace() {
                used += 1;
                continue;
            }
            reader.consume(used);
            return Ok(Some(b));
        }
        reader.consume(used);
    }
}

// ---- JSON -----------------------------------------------------------------------------------

/// What a top-level JSON value turned out to be.
enum Shape {
    Streamed,
    Object(Map<String, Value>, bool),
    Other(Value),
}

/// Streams the elements of a top-level array, or of the `value` array of a top-level object,
/// to `each`; collects everything else.
struct Elements<'a> {
    each: &'a mut dyn FnMut(Value, Container),
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for Elements<'_> {
    type Value = Shape;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a provisioning log (JSON)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let container = if self.depth == 0 {
            Container::Array
        } else {
            Container::Page
        };
        while let Some(value) = seq.next_element::<Value>()? {
            (self.each)(value, container);
        }
        Ok(Shape::Streamed)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        if self.depth > 0 {
            let value =
                serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            return Ok(Shape::Other(value));
        }
        let mut object = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" && !streamed {
                match map.next_value_seed(Elements {
                    each: &mut *self.each,
                    depth: 1,
                })? {
                    Shape::Streamed => streamed = true,
                    Shape::Object(o, _) => {
                        object.insert(key, Value::Object(o));
                    }
                    Shape::Other(v) => {
                        object.insert(key, v);
                    }
                }
            } else {
                let value: Value = map.next_value()?;
                object.insert(key, value);
            }
        }
        Ok(Shape::Object(object, streamed))
    }

    fn visit_str<E>(self, v: &str) -> Result<Shape, E> {
        Ok(Shape::Other(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Shape, E> {
        Ok(Shape::Other(Value::String(v)))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Shape, E> {
        Ok(Shape::Other(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Shape, E> {
        Ok(Shape::Other(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Shape, E> {
        Ok(Shape::Other(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Shape, E> {
        Ok(Shape::Other(Value::from(v)))
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Other(Value::Null))
    }
}

fn read_json(reader: impl Read, summary: &mut FileSummary, sink: &mut dyn FnMut(Record)) {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut records: u64 = 0;
    let mut each = |value: Value, container: Container| {
        records += 1;
        let location = format!("record {records}");
        let record = record_of(value, container, location);
        if let Some(format) = format_of(&record) {
            summary.count(format);
        }
        sink(record);
    };
    loop {
        let shape = Elements {
            each: &mut each,
            depth: 0,
        }
        .deserialize(&mut deserializer);
        match shape {
            Ok(Shape::Streamed) => {}
            Ok(Shape::Object(_, true)) => {}
            Ok(Shape::Object(object, false)) => each(Value::Object(object), Container::Top),
            Ok(Shape::Other(value)) => each(value, Container::Top),
            Err(e) => {
                summary.problems.push(json_problem(&e, records));
                return;
            }
        }
        if deserializer.end().is_ok() {
            break;
        }
    }
}

fn json_problem(e: &serde_json::Error, records: u64) -> String {
    let what = if e.is_eof() {
        "the file ends in the middle of a record (truncated download?)"
    } else {
        "invalid JSON"
    };
    format!(
        "{what} at line {}, column {}: {e}; the {records} record{} before it {} read, the rest of the file is not",
        e.line(),
        e.column(),
        if records == 1 { "" } else { "s" },
        if records == 1 { "was" } else { "were" },
    )
}

fn format_of(record: &Record) -> Option<Format> {
    match record {
        Record::Event { format, .. } | Record::Unreadable { format, .. } => Some(*format),
        Record::Job(_) => Some(Format::JobStatus),
    }
}

fn is_log_analytics(object: &Map<String, Value>) -> bool {
    [
        "TimeGenerated",
        "OperationName",
        "ResultType",
        "TimeGenerated [UTC]",
    ]
    .iter()
    .any(|k| object.contains_key(*k))
}

fn record_of(value: Value, container: Container, location: String) -> Record {
    let json_format = match container {
        Container::Array => Format::PortalJson,
        Container::Page => Format::GraphPage,
        Container::Top => Format::JsonLines,
    };
    let Value::Object(object) = value else {
        return Record::Unreadable {
            reason: "not a JSON object".to_owned(),
            format: json_format,
            location,
        };
    };
    if let (Some(Value::String(key)), Some(Value::String(value))) =
        (object.get("key"), object.get("value"))
    {
        return on_demand(key, value, location);
    }
    if let Some(job) = JobStatus::from_json(&object) {
        return Record::Job(Box::new(job));
    }
    let format = if is_log_analytics(&object) {
        Format::LogAnalyticsJson
    } else {
        json_format
    };
    event_record(&object, format, location)
}

fn event_record(object: &Map<String, Value>, format: Format, location: String) -> Record {
    match Event::from_json(object) {
        Ok((event, unknown)) => Record::Event {
            event: Box::new(event),
            unknown,
            format,
        },
        Err(reason) => Record::Unreadable {
            reason,
            format,
            location,
        },
    }
}

/// A provision-on-demand result: `key` holds the result and its code, `value` the event, both
/// as JSON text.
fn on_demand(key: &str, value: &str, location: String) -> Record {
    let format = Format::ProvisionOnDemand;
    let event = match serde_json::from_str::<Value>(value) {
        Ok(Value::Object(object)) => event_record(&object, format, location.clone()),
        _ => {
            return Record::Unreadable {
                reason: "the provision-on-demand `value` is not a JSON object".to_owned(),
                format,
                location,
            }
        }
    };
    let Record::Event {
        mut event,
        unknown,
        format,
    } = event
    else {
        return event;
    };
    if let Ok(Value::Object(key)) = serde_json::from_str::<Value>(key) {
        let result = event::field(&key, &["result"]).and_then(event::text);
        if event.status.is_none() {
            event.status = result.as_deref().map(Status::parse);
        }
        let details = event::field(&key, &["details"]).and_then(Value::as_object);
        let code = details.and_then(|d| event::field(d, &["errorCode"]).and_then(event::text));
        let message =
            details.and_then(|d| event::field(d, &["errorMessage"]).and_then(event::text));
        match event.status() {
            Status::Skipped if event.skip_reason.is_none() => event.skip_reason = code,
            Status::Failure | Status::Warning if event.error_code.is_none() => {
                event.error_code = code;
            }
            _ => {}
        }
        if event.reason.is_none() && event.status() != Status::Success {
            event.reason = message;
        }
    }
    Record::Event {
        event,
        unknown,
        format,
    }
}

// ---- CSV ------------------------------------------------------------------------------------

/// Which of the portal's three CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvPart {
    Events,
    Steps,
    Modified,
}

impl CsvPart {
    fn describe(self) -> &'static str {
        match self {
            CsvPart::Events => "events",
            CsvPart::Steps => "provisioning steps",
            CsvPart::Modified => "modified properties",
        }
    }
}

enum CsvKind {
    LogAnalytics,
    Portal(CsvPart),
}

/// A column name reduced to lower-case letters and digits (`Change ID` → `changeid`), without a
/// ` [UTC]` suffix.
fn normalize(header: &str) -> String {
    let header = header.trim();
    let header = header
        .strip_suffix("[UTC]")
        .or_else(|| header.strip_suffix("(UTC)"))
        .unwrap_or(header);
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(reader)
}

fn csv_kind(reader: &mut impl BufRead) -> Result<(Vec<String>, CsvKind), String> {
    let mut line = Vec::new();
    let mut limited = reader.take(MAX_FIELD as u64);
    limited
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8_lossy(&line);
    let mut rdr = csv_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !rdr.read_record(&mut record).unwrap_or(false) {
        return Err("not JSON, and not a CSV file with a header row".to_owned());
    }
    let headers: Vec<String> = record.iter().map(str::to_owned).collect();
    let names: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let has = |n: &str| names.iter().any(|h| h == n);
    let kind = if has("provisioningsteps") || has("provisioningstatusinfo") {
        CsvKind::LogAnalytics
    } else if has("oldvalue") || has("newvalue") {
        CsvKind::Portal(CsvPart::Modified)
    } else if has("stepname") || has("steptype") || has("provisioningsteptype") {
        CsvKind::Portal(CsvPart::Steps)
    } else if has("changeid") || has("status") || has("action") {
        CsvKind::Portal(CsvPart::Events)
    } else {
        return Err(format!(
            "not JSON, and a CSV header no provisioning log export has ({})",
            headers.join(", ")
        ));
    };
    Ok((headers, kind))
}

fn read_log_analytics_csv(
    reader: impl Read,
    headers: Vec<String>,
    summary: &mut FileSummary,
    sink: &mut dyn FnMut(Record),
) {
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim().trim_end_matches("[UTC]").trim().to_owned())
        .collect();
    let mut rdr = csv_reader(reader);
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                line += 1;
                let mut object = Map::new();
                for (name, value) in names.iter().zip(record.iter()) {
                    object.insert(
                        name.clone(),
                        Value::String(super::reason::clip(value, MAX_FIELD).to_owned()),
                    );
                }
                let record = event_record(&object, Format::LogAnalyticsCsv, format!("line {line}"));
                summary.count(Format::LogAnalyticsCsv);
                sink(record);
            }
            Err(e) => {
                summary.problems.push(format!(
                    "invalid CSV after line {line}: {e}; the rest of the file is not read"
                ));
                break;
            }
        }
    }
}

/// A field of the portal's CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Time,
    ChangeId,
    CycleId,
    JobId,
    Action,
    Status,
    ErrorCode,
    Reason,
    AdditionalDetails,
    SourceId,
    SourceName,
    SourceType,
    TargetId,
    TargetName,
    TargetType,
    InitiatedBy,
    StepName,
    StepType,
    Description,
    Details,
    Name,
    Old,
    New,
    /// Understood, not used.
    Known,
}

/// The column names (normalized) of the portal's events file, with what they hold.
const EVENT_COLUMNS: &[(&str, Column)] = &[
    ("id", Column::Id),
    ("activityid", Column::Id),
    ("date", Column::Time),
    ("datetime", Column::Time),
    ("dateutc", Column::Time),
    ("activitydatetime", Column::Time),
    ("time", Column::Time),
    ("changeid", Column::ChangeId),
    ("cycleid", Column::CycleId),
    ("jobid", Column::JobId),
    ("action", Column::Action),
    ("provisioningaction", Column::Action),
    ("status", Column::Status),
    ("provisioningstatus", Column::Status),
    ("errorcode", Column::ErrorCode),
    ("statusreason", Column::Reason),
    ("reason", Column::Reason),
    ("errorreason", Column::Reason),
    ("failurereason", Column::Reason),
    ("errormessage", Column::Reason),
    ("additionaldetails", Column::AdditionalDetails),
    ("sourceidentityid", Column::SourceId),
    ("sourceid", Column::SourceId),
    ("identity", Column::SourceName),
    ("sourceidentityname", Column::SourceName),
    ("sourceidentitydisplayname", Column::SourceName),
    ("sourcedisplayname", Column::SourceName),
    ("sourceidentitytype", Column::SourceType),
    ("identitytype", Column::SourceType),
    ("sourcetype", Column::SourceType),
    ("targetidentityid", Column::TargetId),
    ("targetid", Column::TargetId),
    ("targetidentityname", Column::TargetName),
    ("targetidentitydisplayname", Column::TargetName),
    ("targetdisplayname", Column::TargetName),
    ("targetidentitytype", Column::TargetType),
    ("targettype", Column::TargetType),
    ("initiatedby", Column::InitiatedBy),
    ("initiatedbytype", Column::InitiatedBy),
    ("sourcesystem", Column::Known),
    ("targetsystem", Column::Known),
    ("durationms", Column::Known),
    ("duration", Column::Known),
    ("durationinmilliseconds", Column::Known),
    ("tenantid", Column::Known),
    ("serviceprincipal", Column::Known),
    ("serviceprincipalid", Column::Known),
    ("serviceprincipalname", Column::Known),
    ("errorcategory", Column::Known),
    ("recommendedaction", Column::Known),
];

/// The column names (normalized) of the portal's steps file.
const STEP_COLUMNS: &[(&str, Column)] = &[
    ("changeid", Column::ChangeId),
    ("stepname", Column::StepName),
    ("name", Column::StepName),
    ("steptype", Column::StepType),
    ("provisioningsteptype", Column::StepType),
    ("type", Column::StepType),
    ("status", Column::Status),
    ("stepstatus", Column::Status),
    ("description", Column::Description),
    ("stepdescription", Column::Description),
    ("details", Column::Details),
    ("stepdetails", Column::Details),
    ("step", Column::Known),
    ("stepnumber", Column::Known),
    ("order", Column::Known),
    ("id", Column::Known),
];

/// The column names (normalized) of the portal's modified properties file.
const MODIFIED_COLUMNS: &[(&str, Column)] = &[
    ("changeid", Column::ChangeId),
    ("displayname", Column::Name),
    ("name", Column::Name),
    ("attribute", Column::Name),
    ("attributename", Column::Name),
    ("property", Column::Name),
    ("propertyname", Column::Name),
    ("modifiedproperty", Column::Name),
    ("oldvalue", Column::Old),
    ("newvalue", Column::New),
    ("id", Column::Known),
];

/// Maps each header to its column by `table`; headers not in it are reported once.
fn columns(
    headers: &[String],
    table: &[(&str, Column)],
    summary: &mut FileSummary,
) -> Vec<Option<Column>> {
    headers
        .iter()
        .map(|h| {
            let name = normalize(h);
            let column = table.iter().find(|(n, _)| *n == name).map(|(_, c)| *c);
            if column.is_none() && !name.is_empty() {
                summary.unknown_columns.push(h.trim().to_owned());
            }
            column
        })
        .collect()
}

/// The two detail files of the portal's CSV download, by change id.
#[derive(Default)]
struct PortalJoin {
    steps: HashMap<String, Vec<Step>>,
    modified: HashMap<String, Vec<Modified>>,
    /// Rows of each detail file, for the report of rows that joined nothing.
    rows: [usize; 2],
    /// The index of each detail file's summary.
    files: [Option<usize>; 2],
}

impl PortalJoin {
    fn index(
        &mut self,
        reader: impl Read,
        headers: Vec<String>,
        part: CsvPart,
        summary: &mut FileSummary,
    ) {
        let table = if part == CsvPart::Steps {
            STEP_COLUMNS
        } else {
            MODIFIED_COLUMNS
        };
        let cols = columns(&headers, table, summary);
        if !cols.contains(&Some(Column::ChangeId)) {
            summary.problems.push(format!(
                "a portal CSV file of {} without a change id column: it cannot be joined to its events",
                part.describe()
            ));
            return;
        }
        let mut rdr = csv_reader(reader);
        let mut record = csv::StringRecord::new();
        let mut line = 1u64;
        loop {
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    line += 1;
                    let get = |c: Column| {
                        cols.iter()
                            .position(|x| *x == Some(c))
                            .and_then(|i| record.get(i))
                            .map(|v| super::reason::clip(v.trim(), MAX_FIELD).to_owned())
                            .filter(|v| !v.is_empty())
                    };
                    let change = get(Column::ChangeId).unwrap_or_default();
                    if part == CsvPart::Steps {
                        let details = get(Column::Details)
                            .map(|d| parse_details(&d))
                            .unwrap_or_default();
                        let step = Step {
                            name: get(Column::StepName).unwrap_or_default(),
                            kind: get(Column::StepType)
                                .unwrap_or_default()
                                .to_ascii_lowercase(),
                            status: get(Column::Status).unwrap_or_default(),
                            description: get(Column::Description).unwrap_or_default(),
                            details,
                        };
                        self.rows[0] += 1;
                        self.steps.entry(change).or_default().push(step);
                    } else {
                        let property = Modified {
                            name: get(Column::Name).unwrap_or_default(),
                            old: get(Column::Old),
                            new: get(Column::New),
                        };
                        self.rows[1] += 1;
                        self.modified.entry(change).or_default().push(property);
                    }
                }
                Err(e) => {
                    summary.problems.push(format!(
                        "invalid CSV after line {line}: {e}; the rest of the file is not read"
                    ));
                    break;
                }
            }
        }
    }

    /// Reports, on each detail file, its rows that no event row took.
    fn report_orphans(&self, summaries: &mut [FileSummary]) {
        let left = [
            self.steps.values().map(Vec::len).sum::<usize>(),
            self.modified.values().map(Vec::len).sum(),
        ];
        for (part, what) in ["provisioning steps", "modified properties"]
            .iter()
            .enumerate()
        {
            if let (Some(file), true) = (self.files[part], left[part] > 0) {
                summaries[file].problems.push(format!(
                    "{} of {} rows of the {what} file name a change id no event row has",
                    left[part], self.rows[part]
                ));
            }
        }
    }
}

/// A step's details as the portal's CSV writes them: a JSON object, or `key: value` pairs on
/// lines or separated by `;`.
fn parse_details(text: &str) -> Vec<(String, String)> {
    if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) {
        return object
            .iter()
            .filter_map(|(k, v)| event::text(v).map(|v| (k.clone(), v)))
            .collect();
    }
    text.split(['\n', ';'])
        .filter_map(|pair| {
            let (k, v) = pair.split_once(':').or_else(|| pair.split_once('='))?;
            let k = k.trim();
            (!k.is_empty()).then(|| (k.to_owned(), v.trim().to_owned()))
        })
        .collect()
}

fn read_portal_events(
    reader: impl Read,
    headers: Vec<String>,
    join: &mut PortalJoin,
    summary: &mut FileSummary,
    sink: &mut dyn FnMut(Record),
) {
    let cols = columns(&headers, EVENT_COLUMNS, summary);
    let mut rdr = csv_reader(reader);
    let mut record = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                line += 1;
                summary.count(Format::PortalCsv);
                let get = |c: Column| {
                    cols.iter()
                        .position(|x| *x == Some(c))
                        .and_then(|i| record.get(i))
                        .map(|v| super::reason::clip(v.trim(), MAX_FIELD).to_owned())
                        .filter(|v| !v.is_empty())
                };
                let status = get(Column::Status);
                let action = get(Column::Action);
                if status.is_none() && action.is_none() {
                    sink(Record::Unreadable {
                        reason: "a CSV row without status or action".to_owned(),
                        format: Format::PortalCsv,
                        location: format!("line {line}"),
                    });
                    continue;
                }
                let change_id = get(Column::ChangeId).unwrap_or_default();
                let mut event = Event {
                    id: get(Column::Id).unwrap_or_default(),
                    time: get(Column::Time).unwrap_or_default(),
                    job_id: get(Column::JobId).unwrap_or_default(),
                    cycle_id: get(Column::CycleId).unwrap_or_default(),
                    action: event::normalize_action(action.as_deref().unwrap_or("")),
                    status: status.as_deref().map(Status::parse),
                    error_code: get(Column::ErrorCode),
                    reason: get(Column::Reason),
                    additional_details: get(Column::AdditionalDetails),
                    initiated_by: get(Column::InitiatedBy).unwrap_or_default(),
                    source: event::Identity {
                        id: get(Column::SourceId).unwrap_or_default(),
                        display_name: get(Column::SourceName).unwrap_or_default(),
                        kind: get(Column::SourceType).unwrap_or_default(),
                    },
                    target: event::Identity {
                        id: get(Column::TargetId).unwrap_or_default(),
                        display_name: get(Column::TargetName).unwrap_or_default(),
                        kind: get(Column::TargetType).unwrap_or_default(),
                    },
                    ..Event::default()
                };
                event.steps = join.steps.remove(&change_id).unwrap_or_default();
                event.modified = join.modified.remove(&change_id).unwrap_or_default();
                event.change_id = change_id;
                event.skip_reason = event
                    .steps
                    .iter()
                    .find_map(|s| s.detail("SkipReason").map(str::to_owned));
                sink(Record::Event {
                    event: Box::new(event),
                    unknown: Vec::new(),
                    format: Format::PortalCsv,
                });
            }
            Err(e) => {
                summary.problems.push(format!(
                    "invalid CSV after line {line}: {e}; the rest of the file is not read"
                ));
                break;
            }
        }
    }
}
