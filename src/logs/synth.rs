//! Realistic provisioning events with planted counts, for tests and benchmarks: every documented
//! error code (with the HTTP status and SCIM error a SCIM app answers), the documented
//! SkipReasons and successes, in a reproducible order, rendered as the portal's JSON, Graph
//! pages (v1.0 or beta spelling), JSON Lines, Log Analytics rows (JSON or CSV) or the portal's
//! three CSV files. The values sent are those of the mapping in [`MAPPING`], so a replay of it
//! reproduces every event.

use rand::{Rng, RngExt as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// One planted group: events that must land in one group of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// `success`, `failure`, `skipped` or `warning`.
    pub status: &'static str,
    /// The action.
    pub action: &'static str,
    /// The error code or SkipReason.
    pub code: Option<&'static str>,
    /// The HTTP status in the reason.
    pub http_status: Option<u16>,
    /// The SCIM error's `scimType`.
    pub scim_type: Option<&'static str>,
    /// The SCIM error's `detail`; `{upn}` is replaced by the user's name.
    pub detail: Option<&'static str>,
    /// How many events.
    pub count: u64,
}

const fn failure(
    code: &'static str,
    http: u16,
    scim_type: Option<&'static str>,
    detail: &'static str,
) -> Planted {
    Planted {
        status: "failure",
        action: "create",
        code: Some(code),
        http_status: Some(http),
        scim_type,
        detail: Some(detail),
        count: 0,
    }
}

/// The groups of a realistic log, each with count 0 (set the counts): every documented error
/// code, the documented SkipReasons, successful creates and updates.
pub fn catalogue() -> Vec<Planted> {
    let mut groups = vec![
        failure(
            "EntryConflict",
            409,
            Some("uniqueness"),
            "User with userName '{upn}' already exists",
        ),
        failure(
            "Conflict",
            409,
            Some("uniqueness"),
            "externalId '{upn}' is not unique",
        ),
        failure("TooManyRequests", 429, None, "Rate limit exceeded"),
        failure(
            "InternalServerError",
            500,
            None,
            "An unexpected error occurred",
        ),
        failure(
            "InsufficientRights",
            403,
            None,
            "Insufficient rights to create users",
        ),
        failure(
            "MethodNotAllowed",
            405,
            None,
            "PATCH is not allowed on this resource",
        ),
        failure(
            "NotPermitted",
            403,
            None,
            "The token does not permit this operation",
        ),
        failure("Unauthorized", 401, None, "Bearer token rejected"),
        failure(
            "UnprocessableEntity",
            422,
            Some("invalidValue"),
            "Attribute 'title' has an invalid value '{upn}'",
        ),
        failure("WebExceptionProtocolError", 502, None, "Bad gateway"),
        failure("InvalidAnchor", 404, None, "Resource '{upn}' not found"),
        failure("NotImplemented", 501, None, "Filtering is not implemented"),
        failure(
            "MandatoryFieldsMissing",
            400,
            Some("invalidValue"),
            "Attribute 'name.familyName' is required",
        ),
        failure(
            "MissingValues",
            400,
            Some("invalidValue"),
            "Attribute 'emails[type eq \"work\"].value' is required",
        ),
        failure(
            "SchemaAttributeNotFound",
            400,
            Some("invalidPath"),
            "Attribute 'nickName' is not defined",
        ),
        failure(
            "InternalError",
            500,
            None,
            "The provisioning service hit an internal error",
        ),
        failure(
            "InvalidDomain",
            400,
            Some("invalidValue"),
            "Attribute 'userName' has a domain that is not allowed: '{upn}'",
        ),
        failure("Timeout", 504, None, "The request timed out"),
        failure("LicenseLimitExceeded", 403, None, "No licenses left"),
        failure(
            "DuplicateTargetEntries",
            409,
            Some("uniqueness"),
            "Several users match userName '{upn}'",
        ),
        failure(
            "DuplicateSourceEntries",
            409,
            None,
            "Several source users match '{upn}'",
        ),
        failure(
            "ImportSkipped",
            400,
            None,
            "The matching attribute is empty for '{upn}'",
        ),
        failure("EntrySynchronizationSkipped", 400, None, "Skipped '{upn}'"),
        failure(
            "SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
            200,
            None,
            "Two resources returned for one id",
        ),
        failure(
            "SystemForCrossDomainIdentityManagementServiceIncompatible",
            200,
            None,
            "The response is not SCIM",
        ),
        failure(
            "SchemaPropertyCanOnlyAcceptValue",
            400,
            Some("invalidValue"),
            "Attribute 'title' accepts a single value",
        ),
        failure(
            "ContosoAttributeTooLong",
            400,
            Some("invalidValue"),
            "Attribute 'displayName' is too long (maximum length 20)",
        ),
    ];
    for code in [
        "NotEffectivelyEntitled",
        "RedundantExport",
        "UnableToResolveReferenceAttributeValue",
    ] {
        groups.push(Planted {
            status: "skipped",
            action: "other",
            code: Some(code),
            http_status: None,
            scim_type: None,
            detail: None,
            count: 0,
        });
    }
    for action in ["create", "update"] {
        groups.push(Planted {
            status: "success",
            action,
            code: None,
            http_status: None,
            scim_type: None,
            detail: None,
            count: 0,
        });
    }
    groups
}

/// The mapping the generated values come from (a mapping file, `scim-core` target).
pub const MAPPING: &str = r#"entramap: 1
app: Generated
target: scim-core
users:
  - target: userName
    source: userPrincipalName
    matching_precedence: 1
  - target: externalId
    source: mailNickname
  - target: active
    expression: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
  - target: displayName
    expression: 'Join(" ", [givenName], [surname])'
  - target: name.givenName
    source: givenName
  - target: name.familyName
    source: surname
  - target: title
    source: jobTitle
"#;

const GIVEN: &[&str] = &[
    "Ada", "Bill", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jun",
];
const SURNAMES: &[&str] = &[
    "Lovelace", "Bob", "Wei", "Scully", "Nilsson", "Khan", "Petrov", "Sato", "Novak", "Park",
];
const TITLES: &[&str] = &[
    "Engineer",
    "Senior Engineer",
    "Sales Lead",
    "Accountant",
    "Designer",
];

/// A reproducible stream of events.
pub struct Generator {
    planted: Vec<Planted>,
    remaining: Vec<u64>,
    left: u64,
    rng: ChaCha8Rng,
    index: u64,
    /// The job id every event names.
    pub job_id: String,
}

impl Generator {
    /// Events of `planted` (with their counts), in an order drawn from `seed`.
    pub fn new(planted: Vec<Planted>, seed: u64) -> Generator {
        let remaining: Vec<u64> = planted.iter().map(|p| p.count).collect();
        Generator {
            left: remaining.iter().sum(),
            remaining,
            planted,
            rng: ChaCha8Rng::seed_from_u64(seed),
            index: 0,
            job_id: "scim.7c6a4a4b0a6c4b0e9a1d2f3e4d5c6b7a.1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b"
                .to_owned(),
        }
    }

    /// The planted groups.
    pub fn planted(&self) -> &[Planted] {
        &self.planted
    }
}

impl Iterator for Generator {
    /// The index of the planted group and the event (Graph v1.0 spelling).
    type Item = (usize, Value);

    fn next(&mut self) -> Option<(usize, Value)> {
        if self.left == 0 {
            return None;
        }
        let mut pick = self.rng.random_range(0..self.left);
        let group = self
            .remaining
            .iter()
            .position(|&n| {
                if pick < n {
                    true
                } else {
                    pick -= n;
                    false
                }
            })
            .unwrap_or(0);
        self.remaining[group] -= 1;
        self.left -= 1;
        self.index += 1;
        let event = event(
            &self.planted[group],
            self.index,
            &self.job_id,
            &mut self.rng,
        );
        Some((group, event))
    }
}

fn event(p: &Planted, n: u64, job_id: &str, rng: &mut impl Rng) -> Value {
    let given = GIVEN[rng.random_range(0..GIVEN.len())];
    let surname = SURNAMES[rng.random_range(0..SURNAMES.len())];
    let title = TITLES[rng.random_range(0..TITLES.len())];
    let nickname = format!("{}.{}{n}", given.to_lowercase(), surname.to_lowercase());
    let upn = format!("{nickname}@contoso.example");
    let deleted = rng.random_range(0..10) == 0;
    let object_id = format!("{:08x}-0000-4000-8000-{:012x}", n as u32, n);
    let second = n % 60;
    let minute = (n / 60) % 60;
    let hour = (n / 3600) % 24;
    let time = format!(
        "2026-11-{:02}T{hour:02}:{minute:02}:{second:02}Z",
        1 + (n / 86_400) % 28
    );
    let import = json!({
        "objectId": object_id,
        "userPrincipalName": upn,
        "mailNickname": nickname,
        "givenName": given,
        "surname": surname,
        "jobTitle": title,
        "accountEnabled": if deleted { "False" } else { "True" },
        "IsSoftDeleted": if deleted { "True" } else { "False" },
    });
    let display = format!("{given} {surname}");
    let modified = json!([
        {"displayName": "userName", "oldValue": null, "newValue": upn},
        {"displayName": "externalId", "oldValue": null, "newValue": nickname},
        {"displayName": "active", "oldValue": null, "newValue": if deleted { "False" } else { "True" }},
        {"displayName": "displayName", "oldValue": null, "newValue": display},
        {"displayName": "name.givenName", "oldValue": null, "newValue": given},
        {"displayName": "name.familyName", "oldValue": null, "newValue": surname},
        {"displayName": "title", "oldValue": null, "newValue": title},
    ]);
    let mut steps = vec![json!({
        "name": "EntryImport",
        "provisioningStepType": "import",
        "status": "success",
        "description": format!("Retrieved User '{upn}' from Microsoft Entra ID"),
        "details": import,
    })];
    let (status_info, modified) = match p.status {
        "skipped" => {
            steps.push(json!({
                "name": "EntrySynchronizationSkip",
                "provisioningStepType": "export",
                "status": "skipped",
                "description": format!("User '{upn}' was skipped"),
                "details": {"SkipReason": p.code.unwrap_or("")},
            }));
            (
                json!({"status": "skipped", "errorInformation": null}),
                json!([]),
            )
        }
        "success" => {
            steps.push(json!({
                "name": if p.action == "create" { "EntryExportAdd" } else { "EntryExportUpdate" },
                "provisioningStepType": "export",
                "status": "success",
                "description": format!("User '{upn}' was exported"),
                "details": {"ReportableIdentifier": upn},
            }));
            (
                json!({"status": "success", "errorInformation": null}),
                modified,
            )
        }
        status => {
            let detail = p.detail.unwrap_or("").replace("{upn}", &upn);
            let body = json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": p.http_status.map(|s| s.to_string()),
                "scimType": p.scim_type,
                "detail": detail,
            });
            let reason = format!(
                "Failed to create User '{upn}' in the app. StatusCode: {} Web Response: {body}. This operation was retried 0 times. It will be retried again after this date: {time}",
                p.http_status.unwrap_or(0)
            );
            steps.push(json!({
                "name": "EntryExportAdd",
                "provisioningStepType": "export",
                "status": status,
                "description": format!("Failed to create User '{upn}'"),
                "details": {"ReportableIdentifier": upn},
            }));
            (
                json!({"status": status, "errorInformation": {
                    "errorCode": p.code,
                    "reason": reason,
                    "additionalDetails": null,
                    "errorCategory": "NonServiceFailure",
                    "recommendedAction": null,
                }}),
                modified,
            )
        }
    };
    json!({
        "id": format!("{n:08x}-aaaa-4bbb-8ccc-{n:012x}"),
        "activityDateTime": time,
        "tenantId": "00000000-0000-4000-8000-000000000001",
        "jobId": job_id,
        "cycleId": "5f2d1c3b-0000-4000-8000-00000000c1c1",
        "changeId": format!("{n:08x}-cccc-4ddd-8eee-{n:012x}"),
        "provisioningAction": p.action,
        "durationInMilliseconds": 120 + n % 900,
        "initiatedBy": {"id": "", "displayName": "Azure AD Provisioning Service", "initiatingType": "system"},
        "servicePrincipal": {"id": "11111111-2222-4333-8444-555555555555", "displayName": "Generated"},
        "sourceSystem": {"id": "0404601d-a9c0-4ec7-bbcd-02660120d8c9", "displayName": "Azure Active Directory", "details": {}},
        "targetSystem": {"id": "cd22f60b-0000-4000-8000-76ef31db996b", "displayName": "Generated", "details": {}},
        "sourceIdentity": {"id": object_id, "displayName": display, "identityType": "User", "details": {}},
        "targetIdentity": {"id": "", "displayName": "", "identityType": "urn:ietf:params:scim:schemas:core:2.0:User", "details": {}},
        "provisioningStatusInfo": status_info,
        "provisioningSteps": steps,
        "modifiedProperties": modified,
    })
}

/// An event in Graph beta's spelling: `action`, `statusInfo`, `initiatorType`.
pub fn to_beta(event: &Value) -> Value {
    let mut out = Map::new();
    for (k, v) in event.as_object().into_iter().flatten() {
        match k.as_str() {
            "provisioningAction" => {
                let action = v.as_str().unwrap_or("other");
                let mut word = action.to_owned();
                if let Some(first) = word.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                out.insert("action".to_owned(), json!(format!("{word} user")));
            }
            "provisioningStatusInfo" => {
                out.insert("statusInfo".to_owned(), v.clone());
            }
            "initiatedBy" => {
                let mut i = v.clone();
                if let Some(o) = i.as_object_mut() {
                    if let Some(t) = o.remove("initiatingType") {
                        o.insert("initiatorType".to_owned(), t);
                    }
                }
                out.insert(k.clone(), i);
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// An event as a Log Analytics `AADProvisioningLogs` row: PascalCase columns, nested objects as
/// JSON strings, `ResultType`/`ResultSignature`/`ResultDescription` beside them.
pub fn to_log_analytics(event: &Value) -> Value {
    let get = |k: &str| event.get(k).cloned().unwrap_or(Value::Null);
    let string = |k: &str| Value::String(get(k).to_string());
    let info = get("provisioningStatusInfo");
    let status = info.get("status").and_then(Value::as_str).unwrap_or("");
    let mut result = status.to_owned();
    if let Some(first) = result.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let error = info.get("errorInformation");
    let text = |k: &str| {
        error
            .and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    json!({
        "TenantId": "9f6a0b52-0000-4000-8000-000000000002",
        "AADTenantId": get("tenantId"),
        "TimeGenerated": get("activityDateTime"),
        "OperationName": "Provisioning activity",
        "OperationVersion": "1.0",
        "Category": "ProvisioningLogs",
        "ResultType": result,
        "ResultSignature": text("errorCode"),
        "ResultDescription": text("reason"),
        "DurationMs": get("durationInMilliseconds"),
        "CorrelationId": get("changeId"),
        "Id": get("id"),
        "JobId": get("jobId"),
        "CycleId": get("cycleId"),
        "ChangeId": get("changeId"),
        "ProvisioningAction": get("provisioningAction"),
        "InitiatedBy": string("initiatedBy"),
        "ServicePrincipal": string("servicePrincipal"),
        "SourceSystem": string("sourceSystem"),
        "TargetSystem": string("targetSystem"),
        "SourceIdentity": string("sourceIdentity"),
        "TargetIdentity": string("targetIdentity"),
        "ProvisioningStatusInfo": string("provisioningStatusInfo"),
        "ProvisioningSteps": string("provisioningSteps"),
        "ModifiedProperties": string("modifiedProperties"),
        "Type": "AADProvisioningLogs",
    })
}

/// Writes events as the portal's JSON download (one minified array).
pub fn write_json_array(
    events: impl Iterator<Item = Value>,
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, e) in events.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &e)?;
    }
    out.write_all(b"]")
}

/// Writes events as one Graph page.
pub fn write_graph_page(
    events: impl Iterator<Item = Value>,
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(br#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning","value":"#)?;
    write_json_array(events, out)?;
    out.write_all(b"}")
}

/// Writes values as JSON Lines.
pub fn write_json_lines(
    events: impl Iterator<Item = Value>,
    out: &mut impl Write,
) -> io::Result<()> {
    for e in events {
        serde_json::to_writer(&mut *out, &e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The columns of a Log Analytics CSV export, in the order written.
const LOG_ANALYTICS_COLUMNS: &[&str] = &[
    "TenantId",
    "AADTenantId",
    "TimeGenerated [UTC]",
    "OperationName",
    "OperationVersion",
    "Category",
    "ResultType",
    "ResultSignature",
    "ResultDescription",
    "DurationMs",
    "CorrelationId",
    "Id",
    "JobId",
    "CycleId",
    "ChangeId",
    "ProvisioningAction",
    "InitiatedBy",
    "ServicePrincipal",
    "SourceSystem",
    "TargetSystem",
    "SourceIdentity",
    "TargetIdentity",
    "ProvisioningStatusInfo",
    "ProvisioningSteps",
    "ModifiedProperties",
    "Type",
];

/// Writes events as a Log Analytics CSV export.
pub fn write_log_analytics_csv(
    events: impl Iterator<Item = Value>,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(LOG_ANALYTICS_COLUMNS)?;
    for e in events {
        let row = to_log_analytics(&e);
        let record: Vec<String> = LOG_ANALYTICS_COLUMNS
            .iter()
            .map(|c| {
                let key = c.trim_end_matches(" [UTC]");
                match row.get(key) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                }
            })
            .collect();
        w.write_record(&record)?;
    }
    w.flush()
}

/// Writes events as the portal's three CSV files (events, steps, modified properties) joined on
/// the change id. Microsoft does not document these column names; these are the readers'
/// names.
pub fn write_portal_csv(
    events: impl Iterator<Item = Value>,
    main: &mut impl Write,
    steps: &mut impl Write,
    modified: &mut impl Write,
) -> io::Result<()> {
    let mut m = csv::Writer::from_writer(main);
    let mut s = csv::Writer::from_writer(steps);
    let mut p = csv::Writer::from_writer(modified);
    m.write_record([
        "Date",
        "Id",
        "Job ID",
        "Cycle ID",
        "Change ID",
        "Action",
        "Status",
        "Error Code",
        "Status Reason",
        "Source Identity ID",
        "Source Identity Name",
        "Source Identity Type",
        "Target Identity ID",
    ])?;
    s.write_record([
        "Change ID",
        "Step Name",
        "Step Type",
        "Status",
        "Description",
        "Details",
    ])?;
    p.write_record(["Change ID", "Display Name", "Old Value", "New Value"])?;
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    for e in events {
        let change = text(e.get("changeId"));
        let info = e.get("provisioningStatusInfo");
        let error = info.and_then(|i| i.get("errorInformation"));
        let source = e.get("sourceIdentity");
        let action = text(e.get("provisioningAction"));
        m.write_record([
            text(e.get("activityDateTime")),
            text(e.get("id")),
            text(e.get("jobId")),
            text(e.get("cycleId")),
            change.clone(),
            action,
            text(info.and_then(|i| i.get("status"))),
            text(error.and_then(|x| x.get("errorCode"))),
            text(error.and_then(|x| x.get("reason"))),
            text(source.and_then(|x| x.get("id"))),
            text(source.and_then(|x| x.get("displayName"))),
            text(source.and_then(|x| x.get("identityType"))),
            text(e.get("targetIdentity").and_then(|x| x.get("id"))),
        ])?;
        for step in e
            .get("provisioningSteps")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            s.write_record([
                change.clone(),
                text(step.get("name")),
                text(step.get("provisioningStepType")),
                text(step.get("status")),
                text(step.get("description")),
                step.get("details")
                    .map_or_else(String::new, Value::to_string),
            ])?;
        }
        for prop in e
            .get("modifiedProperties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            p.write_record([
                change.clone(),
                text(prop.get("displayName")),
                text(prop.get("oldValue")),
                text(prop.get("newValue")),
            ])?;
        }
    }
    m.flush()?;
    s.flush()?;
    p.flush()
}
