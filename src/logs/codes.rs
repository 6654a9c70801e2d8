//! What Microsoft documents about the codes a provisioning log or a job status carries: the
//! error codes of the provisioning logs, the `SkipReason` values of a skipped event and the
//! reasons of a quarantined job, each with its meaning, what to do and the page it comes from.
//! One table ([`CODES`]); `entramap explain CODE` and the log report read it.

/// What kind of code an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeKind {
    /// `errorInformation.errorCode` of a failed (or warning) event.
    Error,
    /// `SkipReason` in the details of a skipped event's `EntrySynchronizationSkip` step.
    Skip,
    /// `status.quarantine.reason` of a synchronization job.
    Quarantine,
}

impl CodeKind {
    /// Words for people.
    pub fn title(self) -> &'static str {
        match self {
            CodeKind::Error => "provisioning log error code",
            CodeKind::Skip => "provisioning log SkipReason",
            CodeKind::Quarantine => "job quarantine reason",
        }
    }
}

/// The value problem a failure points at, when it is one: the mapping that produced the value is
/// then the place to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueCause {
    /// The value is longer than the app accepts.
    TooLong,
    /// The value is not of the type or form the app accepts.
    WrongType,
    /// Another object already has the value.
    NotUnique,
    /// A required value is missing or empty.
    EmptyRequired,
}

impl ValueCause {
    /// Words for people.
    pub fn describe(self) -> &'static str {
        match self {
            ValueCause::TooLong => "the value is too long",
            ValueCause::WrongType => "the value has the wrong type or form",
            ValueCause::NotUnique => "the value is not unique",
            ValueCause::EmptyRequired => "a required value is empty",
        }
    }
}

/// One documented code.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Code {
    /// The code as the log writes it.
    pub code: &'static str,
    /// Error code, SkipReason or quarantine reason.
    pub kind: CodeKind,
    /// What it means, in Microsoft's words where they exist.
    pub meaning: &'static str,
    /// What to do.
    pub fix: &'static str,
    /// The value problem it stands for, if any.
    pub cause: Option<ValueCause>,
    /// Whether the service retries by itself (nothing to change).
    pub retried: bool,
    /// Where it is documented.
    pub source: &'static str,
}

/// The error codes table of "How to analyze the provisioning logs".
const ERRORS: &str = "https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes";
/// Skipped events: "No users are being provisioned".
const SKIPPED: &str = "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-no-users-provisioned";
/// The synchronizationQuarantine resource of Microsoft Graph.
const QUARANTINE: &str =
    "https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationquarantine";
/// "Application provisioning in quarantine status".
const QUARANTINE_STATUS: &str = "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status";

const CONFLICT: &str = "Correct the conflicting attribute values in either Microsoft Entra ID or the application. Or, review your matching attribute configuration if the conflicting user account was supposed to be matched and taken over.";
const NOT_AUTHORIZED: &str = "Microsoft Entra authenticated with the target application but wasn't authorized to perform the update.";
const NOT_AUTHORIZED_FIX: &str = "Review any instructions that the target application provided, along with the respective application tutorial; check the permissions of the account behind the secret token.";
const MISSING: &str = "The user couldn't be created because required values are missing.";
const MISSING_FIX: &str = "Correct the missing attribute values in the source record, or review your matching attribute configuration to ensure that the required fields aren't omitted.";
const UNEXPECTED: &str = "The target application returned an unexpected response. The configuration of the target application might not be correct, or a service issue with the target application might be preventing it from working.";
const UNEXPECTED_FIX: &str = "Read the HTTP status and SCIM detail of the app's answer (in `reason`); review the application's instructions and tutorial.";

const fn error(code: &'static str, meaning: &'static str, fix: &'static str) -> Code {
    Code {
        code,
        kind: CodeKind::Error,
        meaning,
        fix,
        cause: None,
        retried: false,
        source: ERRORS,
    }
}

const fn value(mut entry: Code, cause: ValueCause) -> Code {
    entry.cause = Some(cause);
    entry
}

const fn retried(mut entry: Code) -> Code {
    entry.retried = true;
    entry
}

const fn skip(code: &'static str, meaning: &'static str, fix: &'static str) -> Code {
    Code {
        code,
        kind: CodeKind::Skip,
        meaning,
        fix,
        cause: None,
        retried: false,
        source: SKIPPED,
    }
}

const fn quarantine(code: &'static str, meaning: &'static str, fix: &'static str) -> Code {
    Code {
        code,
        kind: CodeKind::Quarantine,
        meaning,
        fix,
        cause: None,
        retried: false,
        source: QUARANTINE,
    }
}

/// Every documented code.
pub const CODES: &[Code] = &[
    value(error("Conflict", "The app already has an object with a value that must be unique (HTTP 409).", CONFLICT), ValueCause::NotUnique),
    value(error("EntryConflict", "The app already has an object with a value that must be unique (HTTP 409).", CONFLICT), ValueCause::NotUnique),
    retried(error("TooManyRequests", "The target app rejected this attempt to update the user because it's overloaded and receiving too many requests.", "There's nothing to do. This attempt is automatically retried. Microsoft has also been notified of this issue.")),
    retried(error("InternalServerError", "The target app returned an unexpected error. A service issue with the target application might be preventing it from working.", "This attempt is automatically retried in 40 minutes.")),
    error("InsufficientRights", NOT_AUTHORIZED, NOT_AUTHORIZED_FIX),
    error("MethodNotAllowed", NOT_AUTHORIZED, NOT_AUTHORIZED_FIX),
    error("NotPermitted", NOT_AUTHORIZED, NOT_AUTHORIZED_FIX),
    error("Unauthorized", NOT_AUTHORIZED, NOT_AUTHORIZED_FIX),
    error("UnprocessableEntity", UNEXPECTED, UNEXPECTED_FIX),
    retried(error("WebExceptionProtocolError", "An HTTP protocol error occurred in connecting to the target application.", "There's nothing to do. This attempt is automatically retried in 40 minutes.")),
    error("InvalidAnchor", "A user that was previously created or matched by the provisioning service no longer exists.", "Ensure that the user exists. To force a new matching of all users, restart the job with Microsoft Graph (this triggers an initial cycle and clears the service's cache)."),
    error("NotImplemented", "The target app returned an unexpected response. The configuration of the app might not be correct, or a service issue with the target app might be preventing it from working.", "Review any instructions that the target application provided, along with the respective application tutorial."),
    value(error("MandatoryFieldsMissing", MISSING, MISSING_FIX), ValueCause::EmptyRequired),
    value(error("MissingValues", MISSING, MISSING_FIX), ValueCause::EmptyRequired),
    error("SchemaAttributeNotFound", "The operation couldn't be performed because an attribute was specified that doesn't exist in the target application.", "Ensure that every target attribute of the mapping exists in the application (`entramap lint` checks them against the target profile)."),
    retried(error("InternalError", "An internal service error occurred within the Microsoft Entra provisioning service.", "There's nothing to do. This attempt is automatically retried in 40 minutes.")),
    value(error("InvalidDomain", "The operation couldn't be performed because an attribute value contains an invalid domain name.", "Update the domain name on the user or add it to the permitted list in the target application."), ValueCause::WrongType),
    retried(error("Timeout", "The operation couldn't be completed because the target application took too long to respond.", "There's nothing to do. This attempt is automatically retried in 40 minutes.")),
    error("LicenseLimitExceeded", "The user couldn't be created in the target application because there are no available licenses for this user.", "Procure more licenses for the target application. Or, review your user assignments and attribute mapping configuration to ensure that the correct users are assigned with the correct attributes."),
    value(error("DuplicateTargetEntries", "The operation couldn't be completed because more than one user in the target application was found with the configured matching attributes.", "Remove the duplicate user from the target application, or reconfigure your attribute mappings (the matching attribute)."), ValueCause::NotUnique),
    value(error("DuplicateSourceEntries", "The operation couldn't be completed because more than one user was found with the configured matching attributes.", "Remove the duplicate user, or reconfigure your attribute mappings (the matching attribute)."), ValueCause::NotUnique),
    value(error("ImportSkipped", "The user who's being imported is missing the matching property defined in your attribute mappings; without it the service can't evaluate scoping, matching, or export changes. It doesn't indicate that the user is in scope.", "Give the user a value for the matching attribute's source, or change the matching attribute."), ValueCause::EmptyRequired),
    error("EntrySynchronizationSkipped", "The provisioning service successfully queried the source system and identified the user. No further action was taken on the user and they were skipped: out of scope, or already in the target system with no further changes required.", "Read the event's SkipReason (see `entramap explain` for each)."),
    error("SystemForCrossDomainIdentityManagementMultipleEntriesInResponse", "A GET request to retrieve a user or group received multiple users or groups in the response; the service expects only one (for example a group GET that excludes members but gets them).", "Have the SCIM endpoint honour the filter of the GET request and return at most one resource."),
    error("SystemForCrossDomainIdentityManagementServiceIncompatible", "The Microsoft Entra provisioning service is unable to parse the response from the third party application.", "Work with the application developer to ensure that the SCIM server is compatible with the Microsoft Entra SCIM client."),
    value(error("SchemaPropertyCanOnlyAcceptValue", "The property in the target system can only accept one value, but the property in the source system has multiple.", "Map a single-valued attribute to the property, update the value in the source to be single-valued, or remove the attribute from the mappings."), ValueCause::WrongType),
    skip("NotEffectivelyEntitled", "The object is not in scope: not assigned to the application (or only through a nested group), disabled, or its assignment is broken.", "Assign the user (or a group it is a direct member of) to the application, or check the scope setting and the object's accountEnabled."),
    skip("RedundantExport", "The state of the object in both the source and target systems already match: nothing needed to be sent.", "Nothing to do. If a change was expected, check that the mapping reads the attribute that changed."),
    skip("UnableToResolveReferenceAttributeValue", "A reference attribute (such as manager) points at an object the service cannot resolve, usually one that is not in scope of provisioning.", "Bring the referenced object (the manager) into scope, or stop mapping the reference."),
    Code { source: QUARANTINE_STATUS, ..quarantine("EncounteredBaseEscrowThreshold", "The job failed on more objects than the base escrow threshold allows.", "Fix the failures the provisioning logs show, then restart the job.") },
    Code { source: QUARANTINE_STATUS, ..quarantine("EncounteredTotalEscrowThreshold", "The job failed on more objects in total than the escrow threshold allows.", "Fix the failures the provisioning logs show, then restart the job.") },
    Code { source: QUARANTINE_STATUS, ..quarantine("EncounteredEscrowProportionThreshold", "Too large a share of the job's objects failed.", "Fix the failures the provisioning logs show, then restart the job.") },
    quarantine("EncounteredQuarantineException", "The service hit an error it cannot get past, usually invalid credentials or an unreachable endpoint.", "Read `quarantine.error`; fix the tenant URL or secret token, test the connection, then restart the job."),
    quarantine("QuarantinedOnDemand", "Someone put the job in quarantine on purpose.", "Restart the job when ready."),
    quarantine("TooManyDeletes", "A cycle would delete more objects than the accidental-deletions threshold allows.", "Check why so many objects left scope; allow the deletions or fix the scope, then restart the job."),
    quarantine("IngestionInterrupted", "The ingestion of changes was interrupted.", "Restart the job."),
    quarantine("Unknown", "The service gave no reason.", "Read `quarantine.error` and the provisioning logs."),
];

/// The entry for `code`, exactly or case-insensitively; an app-prefixed code (`ContosoEntryConflict`)
/// finds the documented code it ends with (the longest such), so that each app's spelling gets
/// the common meaning.
pub fn lookup(code: &str) -> Option<&'static Code> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    CODES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
        .or_else(|| {
            let lower = code.to_ascii_lowercase();
            CODES
                .iter()
                .filter(|c| c.kind == CodeKind::Error && c.code.len() >= 8)
                .filter(|c| lower.ends_with(&c.code.to_ascii_lowercase()))
                .max_by_key(|c| c.code.len())
        })
}

/// The value problem a SCIM `scimType` stands for (RFC 7644 §3.12).
pub fn scim_type_cause(scim_type: &str) -> Option<ValueCause> {
    match scim_type.to_ascii_lowercase().as_str() {
        "uniqueness" => Some(ValueCause::NotUnique),
        "invalidvalue" | "invalidsyntax" => Some(ValueCause::WrongType),
        _ => None,
    }
}

/// Words in an app's error detail that name a value problem, checked in order.
const DETAIL_WORDS: &[(&str, ValueCause)] = &[
    ("too long", ValueCause::TooLong),
    ("maximum length", ValueCause::TooLong),
    ("max length", ValueCause::TooLong),
    ("exceeds", ValueCause::TooLong),
    ("unique", ValueCause::NotUnique),
    ("already exists", ValueCause::NotUnique),
    ("already in use", ValueCause::NotUnique),
    ("duplicate", ValueCause::NotUnique),
    ("is required", ValueCause::EmptyRequired),
    ("required attribute", ValueCause::EmptyRequired),
    ("missing", ValueCause::EmptyRequired),
    ("cannot be empty", ValueCause::EmptyRequired),
    ("must not be empty", ValueCause::EmptyRequired),
    ("cannot be null", ValueCause::EmptyRequired),
    ("invalid type", ValueCause::WrongType),
    ("not a valid", ValueCause::WrongType),
    ("invalid value", ValueCause::WrongType),
    ("invalid format", ValueCause::WrongType),
    ("must be a", ValueCause::WrongType),
];

/// The value problem an app's error text names, if one of [`DETAIL_WORDS`] occurs in it.
pub fn detail_cause(detail: &str) -> Option<ValueCause> {
    let lower = detail.to_ascii_lowercase();
    DETAIL_WORDS
        .iter()
        .find(|(word, _)| lower.contains(word))
        .map(|(_, cause)| *cause)
}

/// The `entramap explain CODE` text of an entry.
pub fn explain(code: &Code) -> String {
    let retried = if code.retried {
        "\nThe service retries these by itself.\n"
    } else {
        ""
    };
    let cause = code.cause.map_or_else(String::new, |c| {
        format!("\nA value problem ({}): with `entramap logs --mapping FILE`, the report names the mapping that produced the value.\n", c.describe())
    });
    format!(
        "{code} ({kind})\n\n{meaning}\n\nWhat to do: {fix}\n{retried}{cause}\nSource: {source}\n",
        code = code.code,
        kind = code.kind.title(),
        meaning = code.meaning,
        fix = code.fix,
        source = code.source,
    )
}
