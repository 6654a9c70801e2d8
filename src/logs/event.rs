//! One provisioning event, whatever spelling it was read from: Graph v1.0
//! (`provisioningAction`, `provisioningStatusInfo`, `initiatingType`), Graph beta (`action`,
//! `statusInfo`, `initiatorType`), provision on demand (step `type`, flat `statusInfo`), and Log
//! Analytics rows (PascalCase columns whose nested objects are JSON strings). Field names are
//! matched without regard to case, so one reader serves them all.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// The outcome of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The event failed.
    Failure,
    /// The event succeeded with a warning.
    Warning,
    /// The object was skipped (out of scope, nothing to change, ...).
    Skipped,
    /// The event succeeded.
    Success,
    /// The status is missing or not one of the above.
    Unknown,
    /// The record could not be read as an event at all.
    Unreadable,
}

impl Status {
    /// Reads a status as any export writes it (`success`, `Success`, `failed`, ...).
    pub fn parse(text: &str) -> Status {
        match text.trim().to_ascii_lowercase().as_str() {
            "success" | "succeeded" => Status::Success,
            "warning" => Status::Warning,
            "failure" | "failed" | "error" => Status::Failure,
            "skipped" | "skip" => Status::Skipped,
            _ => Status::Unknown,
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failure => "failure",
            Status::Warning => "warning",
            Status::Skipped => "skipped",
            Status::Success => "success",
            Status::Unknown => "unknown",
            Status::Unreadable => "unreadable",
        }
    }
}

/// The source or target object of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// Its id in its system.
    pub id: String,
    /// Its display name.
    pub display_name: String,
    /// `identityType` (`User`, `Group`, a SCIM URN ...).
    pub kind: String,
}

/// One step of an event (`provisioningSteps[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// `EntryImport`, `EntrySynchronizationSkip`, `EntryExportAdd` ...
    pub name: String,
    /// `import`, `scoping`, `matching`, `processing`, `referenceResolution`, `export` (lower case).
    pub kind: String,
    /// The step's status.
    pub status: String,
    /// The sentence the portal shows.
    pub description: String,
    /// The free key/value details: an import step's source values, a skip's `SkipReason` ...
    pub details: Vec<(String, String)>,
}

impl Step {
    /// The detail `key` (exact name first, then without regard to case).
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| {
                self.details
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
            })
            .map(|(_, v)| v.as_str())
    }
}

/// One modified property (`modifiedProperties[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Modified {
    /// The attribute's name (the target's name for exports).
    pub name: String,
    /// The old value, often absent even for updates.
    pub old: Option<String>,
    /// The new value.
    pub new: Option<String>,
}

/// One provisioning event.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// The event id.
    pub id: String,
    /// When it happened, as written (ISO 8601 UTC in every Microsoft export).
    pub time: String,
    /// The provisioning job.
    pub job_id: String,
    /// The cycle.
    pub cycle_id: String,
    /// The change id (what joins the portal's CSV files).
    pub change_id: String,
    /// `create`, `update`, `delete`, `stagedDelete`, `disable`, `other` or what the log wrote.
    pub action: String,
    /// The outcome.
    pub status: Option<Status>,
    /// `errorInformation.errorCode`.
    pub error_code: Option<String>,
    /// `errorInformation.reason`: the sentence, often with the app's HTTP answer inside.
    pub reason: Option<String>,
    /// `errorInformation.additionalDetails`.
    pub additional_details: Option<String>,
    /// `SkipReason` of the skip step (or of a provision-on-demand result).
    pub skip_reason: Option<String>,
    /// `initiatedBy`'s type (`system` for cycles, `user` for on demand).
    pub initiated_by: String,
    /// The source object.
    pub source: Identity,
    /// The target object.
    pub target: Identity,
    /// The steps.
    pub steps: Vec<Step>,
    /// The modified properties.
    pub modified: Vec<Modified>,
}

/// Top-level field names an event reader understands, lower case: Graph v1.0 and beta,
/// provision on demand, Log Analytics columns. Anything else is reported as not understood.
pub const KNOWN_FIELDS: &[&str] = &[
    "id",
    "activitydatetime",
    "tenantid",
    "jobid",
    "cycleid",
    "changeid",
    "provisioningaction",
    "action",
    "durationinmilliseconds",
    "durationms",
    "initiatedby",
    "serviceprincipal",
    "sourcesystem",
    "targetsystem",
    "sourceidentity",
    "targetidentity",
    "provisioningstatusinfo",
    "statusinfo",
    "provisioningsteps",
    "modifiedproperties",
    "starttime",
    "endtime",
    "reportableidentifier",
    "timegenerated",
    "timegenerated [utc]",
    "aadtenantid",
    "_billedsize",
    "_isbillable",
    "category",
    "correlationid",
    "operationname",
    "operationversion",
    "resultdescription",
    "resultsignature",
    "resulttype",
    "type",
    "sourceid",
    "@odata.type",
    "@odata.id",
];

/// The value of the first of `names` present in `object`, compared without regard to case.
pub(crate) fn field<'a>(object: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| {
        object.get(*name).or_else(|| {
            object
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    })
}

/// A value that may be a JSON document written as a string (Log Analytics, provision on demand),
/// decoded; anything else as it is.
pub(crate) fn nested(value: &Value) -> Cow<'_, Value> {
    if let Value::String(text) = value {
        let t = text.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            if let Ok(decoded) = serde_json::from_str::<Value>(text) {
                return Cow::Owned(decoded);
            }
        }
    }
    Cow::Borrowed(value)
}

/// The text of a scalar (`null` and empty text are `None`); objects and arrays as compact JSON.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn text_of(object: &Map<String, Value>, names: &[&str]) -> Option<String> {
    field(object, names).and_then(text)
}

fn identity(value: Option<&Value>) -> Identity {
    let Some(value) = value else {
        return Identity::default();
    };
    let value = nested(value);
    let Some(object) = value.as_object() else {
        return Identity::default();
    };
    Identity {
        id: text_of(object, &["id"]).unwrap_or_default(),
        display_name: text_of(object, &["displayName", "name"]).unwrap_or_default(),
        kind: text_of(object, &["identityType", "type"]).unwrap_or_default(),
    }
}

fn details(value: Option<&Value>) -> Vec<(String, String)> {
    let Some(value) = value else {
        return Vec::new();
    };
    let value = nested(value);
    match value.as_object() {
        Some(object) => object
            .iter()
            .filter_map(|(k, v)| text(v).map(|v| (k.clone(), v)))
            .collect(),
        None => Vec::new(),
    }
}

/// Normalizes an action: the first word, lower case, with `stagedDelete` kept camel-cased
/// (beta writes "Create user", the portal "Create").
pub fn normalize_action(action: &str) -> String {
    let word = action.split_whitespace().next().unwrap_or("");
    match word.to_ascii_lowercase().as_str() {
        "" => "unknown".to_owned(),
        "stageddelete" => "stagedDelete".to_owned(),
        "unknownfuturevalue" => "other".to_owned(),
        lower => lower.to_owned(),
    }
}

impl Event {
    /// Reads one event from a JSON object in any of the spellings this module names. Returns the
    /// event and the top-level fields it did not understand; an object with none of an event's
    /// fields is an error.
    pub fn from_json(object: &Map<String, Value>) -> Result<(Event, Vec<String>), String> {
        let steps_value = field(object, &["provisioningSteps"]);
        let status_value = field(object, &["provisioningStatusInfo", "statusInfo"]);
        let action = text_of(object, &["provisioningAction", "action"]);
        if steps_value.is_none()
            && status_value.is_none()
            && action.is_none()
            && field(object, &["ResultType"]).is_none()
        {
            return Err("not a provisioning event (no status, action or steps)".to_owned());
        }
        let mut event = Event {
            id: text_of(object, &["id"]).unwrap_or_default(),
            time: text_of(
                object,
                &[
                    "activityDateTime",
                    "TimeGenerated",
                    "TimeGenerated [UTC]",
                    "startTime",
                ],
            )
            .unwrap_or_default(),
            job_id: text_of(object, &["jobId"]).unwrap_or_default(),
            cycle_id: text_of(object, &["cycleId"]).unwrap_or_default(),
            change_id: text_of(object, &["changeId"]).unwrap_or_default(),
            action: normalize_action(action.as_deref().unwrap_or("")),
            source: identity(field(object, &["sourceIdentity"])),
            target: identity(field(object, &["targetIdentity"])),
            ..Event::default()
        };
        if let Some(initiated) = field(object, &["initiatedBy"]) {
            let initiated = nested(initiated);
            if let Some(o) = initiated.as_object() {
                event.initiated_by =
                    text_of(o, &["initiatingType", "initiatorType", "type"]).unwrap_or_default();
            }
        }
        if let Some(status) = status_value {
            let status = nested(status);
            if let Some(o) = status.as_object() {
                event.status = text_of(o, &["status"]).map(|s| Status::parse(&s));
                let info = field(o, &["errorInformation", "statusDetails"])
                    .map(|v| nested(v).into_owned());
                let info = info.as_ref().and_then(Value::as_object).unwrap_or(o);
                event.error_code = text_of(info, &["errorCode"]);
                event.reason = text_of(info, &["reason"]);
                event.additional_details = text_of(info, &["additionalDetails"]);
            } else if let Some(s) = text(&status) {
                event.status = Some(Status::parse(&s));
            }
        }
        if event.status.is_none() {
            event.status = text_of(object, &["ResultType"]).map(|s| Status::parse(&s));
        }
        if event.error_code.is_none() {
            event.error_code = text_of(object, &["ResultSignature"])
                .filter(|s| !s.eq_ignore_ascii_case("none") && s != "0");
        }
        if event.reason.is_none() {
            event.reason = text_of(object, &["ResultDescription"]);
        }
        if let Some(steps) = steps_value {
            let steps = nested(steps);
            for step in steps.as_array().into_iter().flatten() {
                let Some(o) = step.as_object() else { continue };
                event.steps.push(Step {
                    name: text_of(o, &["name"]).unwrap_or_default(),
                    kind: text_of(o, &["provisioningStepType", "type"])
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    status: text_of(o, &["status"]).unwrap_or_default(),
                    description: text_of(o, &["description"]).unwrap_or_default(),
                    details: details(field(o, &["details"])),
                });
            }
        }
        if let Some(modified) = field(object, &["modifiedProperties"]) {
            let modified = nested(modified);
            for property in modified.as_array().into_iter().flatten() {
                let Some(o) = property.as_object() else {
                    continue;
                };
                event.modified.push(Modified {
                    name: text_of(o, &["displayName", "name"]).unwrap_or_default(),
                    old: text_of(o, &["oldValue"]),
                    new: text_of(o, &["newValue"]),
                });
            }
        }
        if event.source.display_name.is_empty() {
            if let Some(name) = text_of(object, &["reportableIdentifier"]) {
                event.source.display_name = name;
            }
        }
        event.skip_reason = event
            .steps
            .iter()
            .find_map(|s| s.detail("SkipReason").map(str::to_owned));
        let unknown = object
            .keys()
            .filter(|k| {
                let lower = k.to_ascii_lowercase();
                !KNOWN_FIELDS.contains(&lower.as_str()) && !lower.starts_with("@odata.")
            })
            .cloned()
            .collect();
        Ok((event, unknown))
    }

    /// The import step's details: the source object's values as Entra read them.
    pub fn imported(&self) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.kind == "import" && !s.details.is_empty())
    }

    /// A name for the object in messages: the source's display name, else its id, else the
    /// export step's `ReportableIdentifier`.
    pub fn object_name(&self) -> String {
        if !self.source.display_name.is_empty() {
            return self.source.display_name.clone();
        }
        if let Some(id) = self
            .steps
            .iter()
            .find_map(|s| s.detail("ReportableIdentifier"))
        {
            return id.to_owned();
        }
        if !self.source.id.is_empty() {
            return self.source.id.clone();
        }
        self.id.clone()
    }

    /// The status, `Unknown` when the log gave none.
    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Unknown)
    }
}
