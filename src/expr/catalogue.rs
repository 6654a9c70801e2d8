//! The function catalogue: one declarative table of every function of the expression language,
//! with parameters, return type, contexts and placement rules, plus the Entra Connect Sync names
//! that are *not* functions here. Facts from Microsoft's function references (app provisioning,
//! Cloud Sync) and the Graph functions catalogue; see `FUNCTIONS` for the table.

use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::special::{self, SpecialCheck};
use crate::expr::syntax::Call;
use crate::expr::types::{Base, Type};
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Where an expression runs; each picks a different function list.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// Outbound app provisioning (Entra ID to a SaaS or SCIM app). The default.
    #[default]
    AppProvisioning,
    /// Inbound HR provisioning (Workday, SuccessFactors, API-driven) to AD or Entra ID.
    HrInbound,
    /// Entra Cloud Sync (AD to Entra ID and Entra ID to AD).
    CloudSync,
}

impl Context {
    /// The bit of this context in a [`Contexts`] set.
    const fn bit(self) -> u8 {
        match self {
            Context::AppProvisioning => 1,
            Context::HrInbound => 2,
            Context::CloudSync => 4,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::AppProvisioning => "app-provisioning",
            Context::HrInbound => "hr-inbound",
            Context::CloudSync => "cloud-sync",
        }
    }

    /// Every context.
    pub const ALL: [Context; 3] = [
        Context::AppProvisioning,
        Context::HrInbound,
        Context::CloudSync,
    ];
}

/// A set of contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contexts(u8);

impl Contexts {
    /// Whether `context` is in the set.
    pub const fn contains(self, context: Context) -> bool {
        self.0 & context.bit() != 0
    }

    /// The contexts in the set, by name.
    pub fn names(self) -> Vec<&'static str> {
        Context::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .map(Context::as_str)
            .collect()
    }
}

const AP: u8 = 1;
const HR: u8 = 2;
const CS: u8 = 4;

/// What an argument slot accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One value of this base type (numbers arrive as strings and convert).
    Value(Base),
    /// Anything.
    Any,
    /// A comparison or a Boolean.
    Condition,
    /// A multi-valued value (an attribute or `Split`).
    MultiValue,
    /// The `[appRoleAssignments]` attribute itself.
    AppRoleAssignments,
    /// One of a fixed set of words, written as a string literal or as a bare identifier.
    Enum {
        /// The allowed values (compared case-sensitively).
        values: &'static [&'static str],
        /// Written as a bare identifier (`vbTextCompare`) rather than a string (`"d"`).
        bare: bool,
        /// The rule a value outside the set is reported under.
        rule: RuleId,
    },
    /// A regular expression (.NET syntax) given as a string.
    Regex,
}

/// One parameter of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The name in Microsoft's reference.
    pub name: &'static str,
    /// What it accepts.
    pub kind: ParamKind,
    /// Whether the slot must hold a value (an optional slot may be left empty: `, ,`).
    pub required: bool,
    /// The `key` of this argument in a Graph source tree (`parameters[].key`). Where the
    /// service's own function list (`GET .../schema/functions`) or a real job schema shows the
    /// key, it is that; otherwise the reference name (inferred; see `docs/graph-wire-format.md`).
    pub key: &'static str,
}

impl Param {
    /// The same parameter under another Graph key.
    pub const fn key(self, key: &'static str) -> Param {
        Param { key, ..self }
    }
}

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Between `min` and the number of parameters.
    Range {
        /// The fewest arguments.
        min: usize,
    },
    /// The last `group` parameters repeat, at least `min_groups` times.
    Repeat {
        /// How many trailing parameters form the repeated group.
        group: usize,
        /// The fewest repetitions.
        min_groups: usize,
    },
}

/// How the result type is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Always this type.
    Fixed(Type),
    /// The common type of these arguments.
    Args(&'static [usize]),
    /// The common type of all arguments.
    AllArgs,
    /// The common type of Switch's default and values.
    SwitchValues,
    /// The function raises an error and returns nothing.
    Never,
}

/// Where in an expression a function may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Anywhere.
    Anywhere,
    /// Only as the whole expression (documented).
    WholeExpression,
    /// Only ever seen as the whole expression; nested meaning undefined (warning).
    WholeExpressionRecommended,
}

/// One function of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    /// The canonical (case-sensitive) name.
    pub name: &'static str,
    /// Parameters in order.
    pub params: &'static [Param],
    /// Argument count rule.
    pub arity: Arity,
    /// Result type.
    pub returns: Returns,
    /// Contexts where the function exists.
    pub contexts: Contexts,
    /// Where it may stand.
    pub placement: Placement,
    /// False for names only seen in the Graph functions catalogue, not in Microsoft's reference.
    pub documented: bool,
    /// One sentence on what it does.
    pub summary: &'static str,
    /// Microsoft's reference page for it.
    pub doc: &'static str,
    /// Where the signature (parameters, arity, contexts, Graph keys) comes from.
    pub origin: &'static str,
    /// Checks of this function beyond arity and argument types (`expr/special.rs`).
    pub checks: &'static [SpecialCheck],
    /// The finding for a wrong argument count, when the function has one of its own (Switch's
    /// key/value pairs); otherwise the general `argument-count`.
    pub count_check: Option<CountCheck>,
}

/// A function's own argument-count finding.
pub type CountCheck = fn(&Call, &Function) -> Diagnostic;

const fn p(name: &'static str, kind: ParamKind) -> Param {
    Param {
        name,
        kind,
        required: true,
        key: name,
    }
}

const fn opt(name: &'static str, kind: ParamKind) -> Param {
    Param {
        name,
        kind,
        required: false,
        key: name,
    }
}

const STR: ParamKind = ParamKind::Value(Base::String);
const INT: ParamKind = ParamKind::Value(Base::Integer);
const BOOL: ParamKind = ParamKind::Value(Base::Boolean);
const DATE: ParamKind = ParamKind::Value(Base::DateTime);
const ANY: ParamKind = ParamKind::Any;
const MV: ParamKind = ParamKind::MultiValue;
const ROLES: ParamKind = ParamKind::AppRoleAssignments;

/// The DateAdd/DateDiff interval codes.
pub const DATE_INTERVALS: &[&str] = &["yyyy", "m", "d", "ww", "h", "n", "s"];
const INTERVAL: ParamKind = ParamKind::Enum {
    values: DATE_INTERVALS,
    bare: false,
    rule: RuleId::InvalidDateInterval,
};

const AP_DOC: &str = "https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data";
const CS_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/reference-expressions";
const ROLES_DOC: &str =
    "https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes";
const GRAPH_DOC: &str =
    "https://learn.microsoft.com/graph/api/synchronization-synchronizationschema-functions";

const fn range(min: usize) -> Arity {
    Arity::Range { min }
}

const fn fixed(t: Type) -> Returns {
    Returns::Fixed(t)
}

const S: Type = Type::STRING;

macro_rules! function {
    ($name:literal, [$($param:expr),* $(,)?], $arity:expr, $returns:expr, $ctx:expr, $summary:literal $(, $field:ident : $value:expr)* $(,)?) => {
        Function {
            name: $name,
            params: &[$($param),*],
            arity: $arity,
            returns: $returns,
            contexts: Contexts($ctx),
            summary: $summary,
            $($field: $value,)*
            ..BASE
        }
    };
}

const BASE: Function = Function {
    name: "",
    params: &[],
    arity: range(0),
    returns: fixed(S),
    contexts: Contexts(0),
    placement: Placement::Anywhere,
    documented: true,
    summary: "",
    doc: AP_DOC,
    origin: ORIGIN_AP,
    checks: &[],
    count_check: None,
};

/// The app provisioning function reference (and, for the functions it lists, the Cloud Sync one).
const ORIGIN_AP: &str =
    "signature: functions-for-customizing-application-data.md (MicrosoftDocs/entra-docs)";
/// The Cloud Sync function reference.
const ORIGIN_CS: &str = "signature: cloud-sync reference-expressions.md (MicrosoftDocs/entra-docs)";
/// The service's own function list and the app provisioning reference.
const ORIGIN_SERVICE: &str = "signature and Graph keys: the service's GET .../schema/functions response (tests/fixtures/graph-real/msgraph-functions-full-response.json) and functions-for-customizing-application-data.md";
/// Only the service's own function list.
const ORIGIN_SERVICE_ONLY: &str = "signature and Graph keys: the service's GET .../schema/functions response only (tests/fixtures/graph-real/msgraph-functions-full-response.json)";
/// The app roles page.
const ORIGIN_ROLES: &str =
    "signature: customize-application-attributes.md (MicrosoftDocs/entra-docs)";

/// Every function, one entry each (FormatDateTime twice: the 4-argument form everywhere, the
/// 3-argument form in Cloud Sync; a call binds to the form its argument count fits). To add a
/// function, add a line here.
pub static FUNCTIONS: &[Function] = &[
    function!(
        "Append",
        [p("source", STR), p("suffix", STR)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "Appends suffix to the end of source.",
        origin: ORIGIN_SERVICE
    ),
    function!("AppRoleAssignmentsComplex", [p("appRoleAssignments", ROLES)], range(1),
        fixed(Type::multi(Base::Roles)), AP,
        "All app roles assigned to the user, as complex SCIM roles (PATCH add).",
        placement: Placement::WholeExpression, doc: ROLES_DOC, origin: ORIGIN_ROLES),
    function!("AssertiveAppRoleAssignmentsComplex", [p("appRoleAssignments", ROLES)], range(1),
        fixed(Type::multi(Base::Roles)), AP,
        "All app roles assigned to the user, as complex SCIM roles (PATCH replace: removes unassigned roles).",
        placement: Placement::WholeExpression, doc: ROLES_DOC, origin: ORIGIN_ROLES),
    function!(
        "BitAnd",
        [p("value1", INT), p("value2", INT)],
        range(2),
        fixed(Type::INTEGER),
        AP | HR | CS,
        "Bitwise AND of two integers."
    ),
    function!(
        "CBool",
        [p("expression", ParamKind::Condition)],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the expression (usually a comparison) is true or non-zero."
    ),
    function!(
        "CDate",
        [p("expression", STR)],
        range(1),
        fixed(Type::DATETIME),
        AP | HR,
        "Parses a date/time string and converts it to UTC."
    ),
    function!(
        "Coalesce",
        [p("source", ANY)],
        Arity::Repeat {
            group: 1,
            min_groups: 1
        },
        Returns::AllArgs,
        AP | HR,
        "The first argument that is not null; the last one acts as the default."
    ),
    function!("ConvertFromBase64", [p("source", STR), opt("Encoding", ParamKind::Enum { values: &["Unicode", "ASCII", "UTF8"], bare: true, rule: RuleId::UnknownIdentifier })],
        range(1), fixed(S), CS, "Decodes a base64 string.", doc: CS_DOC, origin: ORIGIN_CS),
    function!(
        "ConvertToBase64",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Base64 of the UTF-16LE bytes of a string."
    ),
    function!(
        "ConvertToUTF8Hex",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Upper-case hex of the UTF-8 bytes of a string."
    ),
    function!(
        "Count",
        [p("attribute", MV)],
        range(1),
        fixed(Type::INTEGER),
        AP | HR | CS,
        "The number of values of a multi-valued attribute."
    ),
    function!(
        "CStr",
        [p("value", ANY)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Converts a value to a string."
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
        "Adds a number of intervals to a date/time."
    ),
    function!(
        "DateDiff",
        [p("interval", INTERVAL), p("date1", DATE), p("date2", DATE)],
        range(3),
        fixed(Type::INTEGER),
        AP | HR,
        "The number of intervals from date1 to date2."
    ),
    function!(
        "DateFromNum",
        [p("value", INT)],
        range(1),
        fixed(Type::DATETIME),
        AP | HR | CS,
        "Converts an AD FILETIME integer to a date/time."
    ),
    function!("DNComponent", [p("dn", ANY), p("ComponentNumber", INT)], range(2), fixed(S), CS,
        "The ComponentNumber-th RDN of a distinguished name, from the left.", doc: CS_DOC, origin: ORIGIN_CS),
    function!("Error", [p("ErrorMessage", STR)], range(1), Returns::Never, CS,
        "Raises a custom error for the object.", doc: CS_DOC, origin: ORIGIN_CS),
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
        origin: "signature: functions-for-customizing-application-data.md; the four-argument form in Cloud Sync too: Microsoft's default Cloud Sync mapping of LastPasswordChangeTimestamp (inputFormat empty when the source is already a date); Graph key dateTimeStyles inferred (the service's list has no such parameter)",
        checks: &[special::format_date_time_input]
    ),
    function!("FormatDateTime", [p("source", ANY), p("inputFormat", STR), p("outputFormat", STR)],
        range(3), fixed(S), CS, "Reformats a date string from one .NET format to another.", doc: CS_DOC,
        origin: "signature: cloud-sync reference-expressions.md and the service's GET .../schema/functions response (source, inputFormat, outputFormat)"),
    function!(
        "Guid",
        [],
        range(0),
        fixed(S),
        AP | HR | CS,
        "A new random GUID."
    ),
    function!("IgnoreFlowIfNullOrEmpty", [p("expression", ANY)], range(1), Returns::Args(&[0]), AP | HR | CS,
        "Drops the attribute from the flow when the value is null or empty.",
        placement: Placement::WholeExpressionRecommended),
    function!(
        "IIF",
        [
            p("condition", ParamKind::Condition).key("one"),
            opt("valueIfTrue", ANY).key("two"),
            opt("valueIfFalse", ANY).key("three")
        ],
        range(3),
        Returns::Args(&[1, 2]),
        AP | HR | CS,
        "valueIfTrue if the condition holds, else valueIfFalse (an empty branch yields nothing).",
        origin: "signature: functions-for-customizing-application-data.md; empty branches: Microsoft's default Cloud Sync mapping of LastPasswordChangeTimestamp; Graph key `one`: a real 2025 Cloud Sync job schema (cloudsync-ad2aad-schema-excerpt.txt), `two`/`three` inferred"
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
        "1-based position of value2 in value1, 0 if absent."
    ),
    function!(
        "IsNull",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is absent."
    ),
    function!(
        "IsNullOrEmpty",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is absent or an empty string."
    ),
    function!(
        "IsPresent",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the attribute is present and not empty.",
        origin: "signature: functions-for-customizing-application-data.md; Graph key `source`: a real 2025 Cloud Sync job schema (cloudsync-ad2aad-schema-excerpt.txt)"
    ),
    function!(
        "IsString",
        [p("expression", ANY).key("source")],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "True if the value can be read as a string."
    ),
    function!(
        "Item",
        [p("attribute", MV), p("index", INT)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "The index-th value (1-based) of a multi-valued attribute.",
        checks: &[special::item_index_zero]
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
        origin: ORIGIN_SERVICE
    ),
    function!(
        "Left",
        [p("String", STR), p("NumChars", INT)],
        range(2),
        fixed(S),
        AP | HR | CS,
        "The first NumChars characters."
    ),
    function!(
        "Mid",
        [p("source", STR), p("start", INT), p("length", INT)],
        range(3),
        fixed(S),
        AP | HR | CS,
        "length characters from position start (1-based).",
        origin: ORIGIN_SERVICE
    ),
    function!(
        "NormalizeDiacritics",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Replaces accented characters with their unaccented forms."
    ),
    function!(
        "Not",
        [p("source", BOOL)],
        range(1),
        fixed(Type::BOOLEAN),
        AP | HR | CS,
        "Flips a Boolean.",
        origin: ORIGIN_SERVICE
    ),
    function!(
        "Now",
        [],
        range(0),
        fixed(Type::DATETIME),
        AP | HR,
        "The current date and time (UTC)."
    ),
    function!(
        "NumFromDate",
        [p("value", DATE)],
        range(1),
        fixed(Type::INTEGER),
        AP | HR,
        "Converts a date to an AD FILETIME integer."
    ),
    function!(
        "PCase",
        [p("source", STR), opt("wordSeparators", STR)],
        range(1),
        fixed(S),
        AP | HR,
        "Capitalises the first letter of each word."
    ),
    function!(
        "RandomString",
        [
            p("Length", INT),
            p("MinimumNumbers", INT),
            p("MinimumSpecialCharacters", INT),
            p("MinimumCapital", INT),
            p("MinimumLowerCase", INT),
            opt("CharactersToAvoid", STR)
        ],
        range(5),
        fixed(S),
        AP,
        "A random string meeting the given minimums (initial passwords).",
        checks: &[special::random_string_bounds]
    ),
    function!(
        "Redact",
        [p("value", ANY)],
        range(1),
        Returns::Args(&[0]),
        AP,
        "The value itself, masked in provisioning logs."
    ),
    function!(
        "RemoveDuplicates",
        [p("attribute", MV)],
        range(1),
        fixed(Type::multi(Base::String)),
        AP | HR | CS,
        "The values of a multi-valued attribute without duplicates."
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
        origin: "signature: functions-for-customizing-application-data.md; every parameter but source optional, so trailing slots may be left out, and the Graph keys: the service's GET .../schema/functions response",
        checks: &[special::replace_slots]
    ),
    function!("SelectUniqueValue", [p("uniqueValueRule", STR)], Arity::Repeat { group: 1, min_groups: 2 }, fixed(S), HR,
        "The first of the candidate values that is unused in the target (Workday, SuccessFactors, API-driven to AD).",
        placement: Placement::WholeExpression),
    function!(
        "SingleAppRoleAssignment",
        [p("appRoleAssignments", ROLES).key("source")],
        range(1),
        fixed(S),
        AP,
        "The single app role assigned to the user.",
        origin: ORIGIN_SERVICE
    ),
    function!(
        "Split",
        [p("source", STR), opt("delimiter", STR)],
        range(1),
        fixed(Type::multi(Base::String)),
        AP | HR | CS,
        "Splits a string into a multi-valued list.",
        origin: "signature: functions-for-customizing-application-data.md; delimiter optional: the service's GET .../schema/functions response"
    ),
    function!("StringFromSid", [p("ObjectSID", ParamKind::Value(Base::Binary))], range(1), fixed(S), CS,
        "The string form of a binary SID.", doc: CS_DOC, origin: ORIGIN_CS),
    function!(
        "StripSpaces",
        [p("source", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Removes all space characters.",
        origin: ORIGIN_SERVICE
    ),
    function!(
        "Switch",
        [
            p("source", ANY),
            opt("defaultValue", ANY),
            p("key", STR).key("switchValue"),
            p("value", ANY).key("switchValue")
        ],
        Arity::Repeat {
            group: 2,
            min_groups: 1
        },
        Returns::SwitchValues,
        AP | HR | CS,
        "The value whose key equals source (case-sensitive), else the default.",
        origin: "signature: functions-for-customizing-application-data.md; Graph keys (source, defaultValue, then switchValue for every key and value): the service's GET .../schema/functions response",
        checks: &[special::switch_source_predicate],
        count_check: Some(special::switch_pairs)
    ),
    function!(
        "ToLower",
        [p("source", STR), opt("culture", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Lower case, optionally by a culture's rules."
    ),
    function!(
        "ToUpper",
        [p("source", STR), opt("culture", STR)],
        range(1),
        fixed(S),
        AP | HR | CS,
        "Upper case, optionally by a culture's rules."
    ),
    function!("Trim", [p("value", ANY).key("source")], range(1), Returns::Args(&[0]), CS,
        "Removes leading and trailing white space (per value for multi-valued input).", doc: CS_DOC,
        origin: "signature: cloud-sync reference-expressions.md; Graph key `source`: a real Cloud Sync attributeMapping (cloudsync-trim-attributemapping.json)"),
    function!(
        "Word",
        [p("String", STR), p("WordNumber", INT), p("delimiters", STR)],
        range(3),
        fixed(S),
        AP | HR | CS,
        "The WordNumber-th word (1-based), words split at any of the delimiters."
    ),
    function!("DefaultDomain", [], range(0), fixed(S), AP | HR | CS,
        "Listed in the service's function list only; semantics undocumented (reported working in Workday inbound).",
        documented: false, doc: GRAPH_DOC, origin: ORIGIN_SERVICE_ONLY),
    function!("AppRoleAssignments", [p("source", ANY)], range(1), fixed(S), AP,
        "Listed in the service's function list only; semantics undocumented.", documented: false, doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY),
    function!("Prepend", [p("prefix", STR), p("source", STR)], range(2), fixed(S), AP | HR | CS,
        "Listed in the service's function list only: prefix put before source.", documented: false, doc: GRAPH_DOC,
        origin: ORIGIN_SERVICE_ONLY),
    function!("IsNothing", [p("source", ANY)], range(1), fixed(Type::BOOLEAN), AP | HR | CS,
        "Listed in the service's function list only: taken to be true when the value is absent, as IsNull.",
        documented: false, doc: GRAPH_DOC, origin: ORIGIN_SERVICE_ONLY),
];

/// Names from Entra Connect Sync's declarative provisioning language that do not exist here,
/// with what to use instead.
pub static CONNECT_SYNC_ONLY: &[(&str, &str)] = &[
    ("LCase", "use ToLower(value)"),
    ("UCase", "use ToUpper(value)"),
    (
        "Len",
        "there is no length function; Mid and Left take lengths",
    ),
    ("Right", "use Mid(value, start, length)"),
    ("Contains", "use InStr(value, search) > 0 inside IIF"),
    ("CRef", "reference values cannot be constructed here"),
    ("ItemOrNull", "use Item(list, index)"),
    ("PadLeft", "there is no padding function"),
    ("PadRight", "there is no padding function"),
    (
        "LTrim",
        "use StripSpaces(value), or Trim(value) in Cloud Sync",
    ),
    (
        "RTrim",
        "use StripSpaces(value), or Trim(value) in Cloud Sync",
    ),
    ("CNum", "numbers are strings here; pass the value as it is"),
    ("CGuid", "there is no GUID conversion"),
    ("IsNumeric", "there is no numeric test"),
    ("IsDate", "there is no date test"),
    ("IsEmpty", "use IsNullOrEmpty(value)"),
    ("EscapeDNComponent", "use Replace to escape DN characters"),
    ("DNComponentRev", "use DNComponent in Cloud Sync"),
    ("InStrRev", "use InStr"),
    ("ReplaceChars", "use Replace"),
    ("BitOr", "only BitAnd exists"),
    ("RandomNum", "use RandomString"),
    ("Select", "there are no lambdas"),
    ("Where", "there are no lambdas"),
    ("With", "there are no variables"),
    ("StringFromGuid", "there is no GUID conversion"),
    ("ConvertFromUTF8Hex", "only ConvertToUTF8Hex exists"),
    ("IsBitSet", "use BitAnd(value, mask) > 0 inside IIF"),
    ("IsGuid", "there is no GUID test"),
];

/// The catalogue entry for `name` in `context`; if the name exists only in other contexts, the
/// first such entry.
pub fn lookup(name: &str, context: Context) -> Option<&'static Function> {
    static INDEX: OnceLock<FxHashMap<&'static str, Vec<&'static Function>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: FxHashMap<&'static str, Vec<&'static Function>> = FxHashMap::default();
        for f in FUNCTIONS {
            index.entry(f.name).or_default().push(f);
        }
        index
    });
    let entries = index.get(name)?;
    entries
        .iter()
        .find(|f| f.contexts.contains(context))
        .or_else(|| entries.first())
        .copied()
}

/// Connect Sync functions with a one-to-one provisioning equivalent (same arguments, same
/// result), which the language server's quick fixes rename.
pub static CONNECT_SYNC_EQUIVALENTS: &[(&str, &str)] =
    &[("LCase", "ToLower"), ("UCase", "ToUpper")];

/// The catalogue entry for a call of `name` with `args` arguments in `context`: among the entries
/// of `context`, the one whose arity accepts the count (FormatDateTime has a four- and a
/// three-argument form), else as [`lookup`].
pub fn lookup_call(name: &str, context: Context, args: usize) -> Option<&'static Function> {
    FUNCTIONS
        .iter()
        .find(|f| f.name == name && f.contexts.contains(context) && f.accepts_count(args))
        .or_else(|| lookup(name, context))
}

/// The catalogue entry for a call of `name` with `args` arguments in whichever context has one:
/// how a Graph source tree binds arguments to keys (by count, never by context).
pub fn lookup_any_context(name: &str, args: usize) -> Option<&'static Function> {
    Context::ALL
        .into_iter()
        .find_map(|c| {
            FUNCTIONS
                .iter()
                .find(|f| f.name == name && f.contexts.contains(c) && f.accepts_count(args))
        })
        .or_else(|| lookup(name, Context::AppProvisioning))
}

/// The Connect Sync advice for a name that is not a function here.
pub fn connect_sync_only(name: &str) -> Option<&'static str> {
    CONNECT_SYNC_ONLY
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, advice)| *advice)
}

/// Every distinct function name.
pub fn names() -> impl Iterator<Item = &'static str> {
    let mut seen: Vec<&str> = Vec::new();
    FUNCTIONS.iter().filter_map(move |f| {
        if seen.contains(&f.name) {
            None
        } else {
            seen.push(f.name);
            Some(f.name)
        }
    })
}

impl Function {
    /// The fewest arguments.
    pub fn min_args(&self) -> usize {
        match self.arity {
            Arity::Range { min } => min,
            Arity::Repeat { group, min_groups } => self.params.len() - group + group * min_groups,
        }
    }

    /// The most arguments, if bounded.
    pub fn max_args(&self) -> Option<usize> {
        match self.arity {
            Arity::Range { .. } => Some(self.params.len()),
            Arity::Repeat { .. } => None,
        }
    }

    /// Whether `n` arguments is a valid count.
    pub fn accepts_count(&self, n: usize) -> bool {
        match self.arity {
            Arity::Range { min } => (min..=self.params.len()).contains(&n),
            Arity::Repeat { group, .. } => {
                let fixed = self.params.len() - group;
                n >= self.min_args() && (n - fixed).is_multiple_of(group)
            }
        }
    }

    /// The parameter that argument `index` binds to.
    pub fn param_for(&self, index: usize) -> Option<&'static Param> {
        match self.arity {
            Arity::Range { .. } => self.params.get(index),
            Arity::Repeat { group, .. } => {
                let fixed = self.params.len() - group;
                if index < fixed {
                    self.params.get(index)
                } else {
                    self.params.get(fixed + (index - fixed) % group)
                }
            }
        }
    }

    /// The signature as messages and docs show it, such as
    /// `Switch(source, defaultValue?, key, value, …) -> Any`.
    pub fn signature(&self) -> String {
        let mut out = format!("{}(", self.name);
        for (i, param) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(param.name);
            let optional =
                !param.required || matches!(self.arity, Arity::Range { min } if i >= min);
            if optional {
                out.push('?');
            }
        }
        if let Arity::Repeat { .. } = self.arity {
            out.push_str(", …");
        }
        let _ = write!(out, ") -> {}", self.returns_name());
        out
    }

    fn returns_name(&self) -> String {
        match self.returns {
            Returns::Fixed(t) => t.to_string(),
            Returns::Never => "never".to_owned(),
            _ => "Any".to_owned(),
        }
    }
}
