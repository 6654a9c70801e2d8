//! The rule table: every diagnostic entramap can report, with its id, default severity, one-line
//! summary and the long `entramap explain` text with a bad and a fixed example. To add a rule,
//! add one entry to the `rules!` table below: it defines both the [`RuleId`] variant that
//! reporting code names and the [`RULES`] entry. Each rule has exactly one default severity.
//! A rule that a mapping check reports names that check (`check: Matching`), so the lint
//! driver learns which ids a check may report from this table and nowhere else.

use crate::diagnostics::Severity;

/// Which layer reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The expression parser and checker (`entramap check`, and every expression in `lint`).
    Expression,
    /// The mapping-file loader and mapping rules (`entramap lint`).
    Mapping,
    /// The dry run over a user export (`entramap preview`).
    Preview,
    /// Evaluating one expression for one object (`entramap eval`).
    Evaluation,
    /// Rewriting expressions to canonical form (`entramap fmt`).
    Format,
}

/// The mapping checks of `entramap lint`, by name: the rule table says which check reports a
/// rule, and the lint driver pairs each name with the code that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MappingCheck {
    /// Target paths, unknown, read-only and primary-key targets.
    TargetAttributes,
    /// Two mappings writing one target.
    DuplicateTargets,
    /// Sources and the types of the values written.
    Values,
    /// The matching attributes and their precedence.
    Matching,
    /// Targets the service requires.
    RequiredTargets,
    /// The soft-delete attribute.
    SoftDelete,
    /// Role functions and their sync mode.
    RoleFunctions,
    /// Role functions written into a typed target.
    RoleTargets,
    /// The file's own attribute declarations.
    Declarations,
    /// Scoping filters.
    Scoping,
}

impl MappingCheck {
    /// Every mapping check.
    pub const ALL: &'static [MappingCheck] = &[
        MappingCheck::TargetAttributes,
        MappingCheck::DuplicateTargets,
        MappingCheck::Values,
        MappingCheck::Matching,
        MappingCheck::RequiredTargets,
        MappingCheck::SoftDelete,
        MappingCheck::RoleFunctions,
        MappingCheck::RoleTargets,
        MappingCheck::Declarations,
        MappingCheck::Scoping,
    ];

    /// The rule ids this check may report, in table order.
    pub fn rules(self) -> impl Iterator<Item = RuleId> {
        RULES
            .iter()
            .filter(move |r| r.check == Some(self))
            .map(|r| r.id)
    }
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Its id.
    pub id: RuleId,
    /// Default severity.
    pub severity: Severity,
    /// Who reports it.
    pub layer: Layer,
    /// One line.
    pub summary: &'static str,
    /// Why it matters, in a paragraph or two.
    pub explanation: &'static str,
    /// A mapping or expression that triggers the rule.
    pub bad: &'static str,
    /// The same, fixed.
    pub good: &'static str,
    /// The mapping check that reports it; `None` for rules the loader, the expression checker
    /// or the lint driver itself report.
    pub check: Option<MappingCheck>,
}

use Layer::{Evaluation as V, Expression as X, Format as F, Mapping as M, Preview as P};
use Severity::{Error as E, Note as N, Warning as W};

/// The `check` column of a `rules!` entry: the named [`MappingCheck`], or none.
macro_rules! check {
    () => {
        None
    };
    ($check:ident) => {
        Some(MappingCheck::$check)
    };
}

macro_rules! rules {
    ($({ $variant:ident, $id:literal, $sev:expr, $layer:expr, $summary:literal, $explanation:literal, bad: $bad:literal, good: $good:literal $(, check: $check:ident)? $(,)? }),* $(,)?) => {
        /// Every rule id: one variant per entry of [`RULES`], in table order. Reporting code
        /// names rules by variant, so a misspelt id does not compile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(#[doc = $summary] $variant),*
        }

        impl RuleId {
            /// Every rule id, in table order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable kebab-case id written in files and every output format.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id),*
                }
            }
        }

        /// Every rule, one entry each.
        pub static RULES: &[Rule] = &[$(Rule {
            id: RuleId::$variant,
            severity: $sev,
            layer: $layer,
            summary: $summary,
            explanation: $explanation,
            bad: $bad,
            good: $good,
            check: check!($($check)?),
        }),*];
    };
}

rules![
    { SyntaxError, "syntax-error", E, X, "The expression does not parse.",
      "Entra's expression language has function calls, [attributes], \"strings\" with backslash escapes, whole numbers, &H hex numbers, bare enum words and one comparison (= <> < <= > >=) per argument. It has no operators for concatenation, no AND/OR, no indexing and no grouping parentheses. Entra reports a syntax error only when the mapping is saved, without a position.",
      bad: "Append([mail], “.test”)", good: "Append([mail], \".test\")" },
    { NestingTooDeep, "nesting-too-deep", E, X, "The expression nests calls deeper than entramap's limit of 64 levels.",
      "Entra documents no nesting limit, but such expressions cannot be reviewed and would exhaust a recursive parser. entramap stops at 64 levels of parentheses.",
      bad: "IIF(..., IIF(..., IIF(...  (65 levels)", good: "Switch([department], \"Other\", \"a\", \"A\", \"b\", \"B\")" },
    { ExpressionTooLong, "expression-too-long", E, X, "The expression is longer than Entra's limit of 10,000 characters.",
      "Microsoft's known-issues page caps attribute-mapping expressions at 10,000 characters; longer ones are rejected when saved.",
      bad: "Switch([department], ... 10,001 characters ...)", good: "a shorter expression, or the logic split over several mappings" },
    { UnknownFunction, "unknown-function", E, X, "No function of that name exists.",
      "Function names are matched against Microsoft's function reference. The help names the closest function.",
      bad: "ToLowr([mail])", good: "ToLower([mail])" },
    { FunctionNameCase, "function-name-case", W, X, "A function name written with the wrong letter case.",
      "Microsoft's reference says the syntax is case-sensitive, yet Microsoft's own Cloud Sync default mappings write `Instr(`. Because the docs disagree this is a warning: write the documented spelling.",
      bad: "Instr([mail], \"@\")", good: "InStr([mail], \"@\")" },
    { ConnectSyncOnlyFunction, "connect-sync-only-function", E, X, "The function exists only in Entra Connect Sync, not in provisioning expressions.",
      "Entra Connect Sync's declarative provisioning language has functions such as LCase, UCase, Len, Right and Contains. Examples copied from its documentation do not work in app provisioning or Cloud Sync.",
      bad: "LCase([mail])", good: "ToLower([mail])" },
    { UndocumentedFunction, "undocumented-function", W, X, "The function is listed in the Graph functions catalogue but not documented.",
      "DefaultDomain and AppRoleAssignments appear only in a sample response of the Graph synchronization functions API. Their behaviour is not documented.",
      bad: "DefaultDomain()", good: "a documented function" },
    { FunctionNotInContext, "function-not-in-context", E, X, "The function does not exist in this provisioning context.",
      "App provisioning, HR inbound provisioning and Cloud Sync document different function lists: SelectUniqueValue is HR-to-AD only, Trim and ConvertFromBase64 are Cloud Sync only, Coalesce and the date functions are not in Cloud Sync.",
      bad: "Trim([displayName])   (app provisioning)", good: "StripSpaces([displayName])" },
    { ArgumentCount, "argument-count", E, X, "The call has the wrong number of arguments.",
      "Each function takes a fixed number of argument slots (optional ones may be left empty with `, ,`; where the service marks every later parameter optional, as for Replace, trailing ones may be left out). Entra rejects a wrong count with SchemaInvalid when the mapping is saved.",
      bad: "Mid([givenName], 1)", good: "Mid([givenName], 1, 3)" },
    { ReplaceSlots, "replace-slots", W, X, "Replace is given both oldValue and regexPattern; the pattern is ignored.",
      "Replace picks its mode by which slots are filled: with oldValue (the service's `Find`) it replaces that literal text and ignores regexPattern. Every slot but source is optional, so `Replace([mail], \"old\", \"new\")` is accepted by the service, but \"new\" lands in the regexPattern slot, not in replacementValue (the fifth).",
      bad: "Replace([mail], \"@contoso.com\", \"@fabrikam.com\")", good: "Replace([mail], \"@contoso.com\", , , \"@fabrikam.com\", , )" },
    { MissingRequiredArgument, "missing-required-argument", E, X, "A required argument slot is empty.",
      "Only optional parameters may be left as empty slots.",
      bad: "Mid([givenName], , 3)", good: "Mid([givenName], 1, 3)" },
    { ArgumentType, "argument-type", E, X, "An argument has a type the parameter cannot take.",
      "Numbers may be written as strings (\"1\" and 1 are the same constant), but text that is not a number cannot stand where an integer is expected, and app role assignments only go to the role functions.",
      bad: "Mid([givenName], \"one\", 3)", good: "Mid([givenName], 1, 3)" },
    { MultivalueArgument, "multivalue-argument", W, X, "A multi-valued value is passed where one value is expected.",
      "Microsoft does not document what single-valued functions do with a multi-valued attribute (Cloud Sync's Trim works per value; others are unspecified). Pick one value with Item or join them with Join.",
      bad: "ToLower([proxyAddresses])", good: "ToLower(Item([proxyAddresses], 1))" },
    { SingleValueArgument, "single-value-argument", W, X, "A single value is passed where a multi-valued attribute is expected.",
      "Count, Item and RemoveDuplicates are documented for multi-valued attributes. What they do with one value (a list of one, or an error) is not documented; the expression is probably not what was meant.",
      bad: "Count([mail])", good: "Count([proxyAddresses])" },
    { SwitchPairs, "switch-pairs", E, X, "Switch needs a source, a default slot and whole key/value pairs.",
      "Switch(source, defaultValue, key1, value1, key2, value2, ...): after the source and the (possibly empty) default come pairs. An odd count means a key without a value.",
      bad: "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\")", good: "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")" },
    { SwitchWithoutPairs, "switch-without-pairs", W, X, "Switch has a source (and a default) but no key/value pair.",
      "The service's own function list (GET .../schema/functions) marks Switch's key/value pairs optional, so it accepts Switch([IsSoftDeleted]); with no key to compare, the result is the default value for every object (nothing flows when the default slot is empty). Microsoft's reference always shows pairs, so this is a warning: the pairs were most likely lost.",
      bad: "Switch([IsSoftDeleted])", good: "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")" },
    { SwitchSourcePredicate, "switch-source-predicate", W, X, "IsPresent, IsNull or IsNullOrEmpty used as the Switch source.",
      "Microsoft's function reference cautions against using IsPresent, IsNull or IsNullOrEmpty inside Switch and recommends IIF; another Microsoft page shows the pattern. Because the docs disagree this is a warning.",
      bad: "Switch(IsPresent([jobTitle]), \"Staff\", \"True\", [jobTitle])", good: "IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")" },
    { TopLevelOnly, "top-level-only", E, X, "The function must be the whole expression.",
      "SelectUniqueValue must be at the top level and cannot be nested; the role functions (AppRoleAssignmentsComplex, AssertiveAppRoleAssignmentsComplex) map a whole complex attribute. IgnoreFlowIfNullOrEmpty nested is `top-level-recommended`.",
      bad: "ToLower(SelectUniqueValue(Join(\"@\", [givenName], \"contoso.com\"), Join(\"@\", [surname], \"contoso.com\")))", good: "SelectUniqueValue(ToLower(Join(\"@\", [givenName], \"contoso.com\")), ToLower(Join(\"@\", [surname], \"contoso.com\")))" },
    { TopLevelRecommended, "top-level-recommended", W, X, "The function is documented only as the whole expression.",
      "IgnoreFlowIfNullOrEmpty has only ever been documented as the outermost call of an expression; nested inside another call its effect is undefined. Because Microsoft does not forbid it, this is a warning.",
      bad: "ToLower(IgnoreFlowIfNullOrEmpty([department]))", good: "IgnoreFlowIfNullOrEmpty(ToLower([department]))" },
    { UnknownSourceAttribute, "unknown-source-attribute", E, X, "The attribute is not in the source schema.",
      "Attribute names are case-sensitive and must exist in the source directory's schema (Entra rejects the mapping with SchemaInvalid). Declare directory extensions under the mapping file's `source_attributes`; `entramap check --any-attribute` checks an expression for a source entramap does not ship.",
      bad: "Join(\" \", [givenNme], [surname])", good: "Join(\" \", [givenName], [surname])", check: Values },
    { UnlistedSourceAttribute, "unlisted-source-attribute", W, X, "The attribute is not in the source schema, but the object evaluated may carry it.",
      "`entramap eval` evaluates an expression against one object given as JSON, which may carry attributes entramap's Entra schema does not list (a directory extension, say). A name missing from the schema is then a warning: check its spelling, since attribute names are case-sensitive; `entramap check` and `lint` report the same name as `unknown-source-attribute`.",
      bad: "Join(\" \", [givenNme], [surname])", good: "Join(\" \", [givenName], [surname])" },
    { UnknownIdentifier, "unknown-identifier", E, X, "A bare word that is not an enum value of the parameter.",
      "Bare identifiers exist only as enum values of particular parameters (InStr's vbTextCompare/vbBinaryCompare, ConvertFromBase64's Unicode/ASCII/UTF8). Strings need double quotes.",
      bad: "Append([mail], test)", good: "Append([mail], \"test\")" },
    { UnverifiedIdentifier, "unverified-identifier", W, X, "IgnoreAttributeFlow / IgnoreObjectFlow appear in one AI-assisted Microsoft guide only.",
      "These sentinels appear only in the Workday expression guide, which is marked as AI-assisted; no reference page documents them.",
      bad: "IIF([Active]=\"1\", [Department], IgnoreAttributeFlow)", good: "IgnoreFlowIfNullOrEmpty(IIF([Active]=\"1\", [Department], \"\"))" },
    { ParameterNotInContext, "parameter-not-in-context", E, X, "%Parameters% exist only in Cloud Sync.",
      "Connector parameters such as %DomainFQDN% are supplied by the Cloud Sync Entra-to-AD connector; app provisioning has none.",
      bad: "Append(\"@\", %DomainFQDN%)   (app provisioning)", good: "Append([mailNickname], \"@contoso.com\")" },
    { ItemIndexZero, "item-index-zero", E, X, "Item's index is 1-based; 0 selects nothing.",
      "Item(list, 1) is the first value. Index 0 is out of range and fails for the object.",
      bad: "Item(Split([mail], \"@\"), 0)", good: "Item(Split([mail], \"@\"), 1)" },
    { InvalidDateInterval, "invalid-date-interval", E, X, "DateAdd/DateDiff interval is not one of yyyy m d ww h n s.",
      "The interval codes are VB's: yyyy (year), m (month), d (day), ww (week), h (hour), n (minute), s (second). They are case-sensitive: \"M\" and \"D\" are not codes.",
      bad: "DateAdd(\"days\", 7, CDate([startDate]))", good: "DateAdd(\"d\", 7, CDate([startDate]))" },
    { RandomStringBounds, "random-string-bounds", E, X, "RandomString's length is above 256 or below the sum of the minimums.",
      "RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital, MinimumLowerCase, CharactersToAvoid?): Length must be at least the sum of the four minimums and at most 256.",
      bad: "RandomString(6, 3, 3, 3, 3)", good: "RandomString(12, 3, 3, 3, 3)" },
    { InvalidRegex, "invalid-regex", E, X, "Replace's regexPattern is not a valid regular expression.",
      "Entra runs .NET regular expressions. entramap checks the pattern with a .NET-compatible reading (named groups may be written (?<name>...)).",
      bad: "Replace([mail], , \"(?<user>.*@\", , \"\", , )", good: "Replace([mail], , \"(?<user>.*)@\", \"user\", \"\", , )" },
    { EvaluationError, "evaluation-error", E, V, "The expression fails for this object.",
      "Some functions fail for particular values instead of producing one: Item with an index past the last value, Error(), a date that does not parse in CDate or FormatDateTime, a regular expression feature the evaluator cannot run. Entra reports such an object as failed in the provisioning logs and skips it.",
      bad: "Item(Split([mail], \"@\"), 3)   (mail = \"a@b\")", good: "IIF(Count(Split([mail], \"@\")) >= 3, Item(Split([mail], \"@\"), 3), \"\")" },
    { TargetTypeMismatch, "target-type-mismatch", E, X, "The value's type does not fit the target attribute's type.",
      "A Reference target (manager, members) needs a Reference source; a multi-valued value cannot go to a single-valued target; a Boolean target takes Boolean values.",
      bad: "target: active (Boolean)  expression: Join(\" \", [givenName], [surname])", good: "target: active  expression: Not([IsSoftDeleted])", check: Values },
    { FileSyntax, "file-syntax", E, M, "The mapping file is not valid YAML or JSON (or is empty, or not text entramap can decode).",
      "entramap reads `*.entramap.yaml`/`.yml` as YAML and `*.entramap.json` as JSON, in UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark; text in another encoding is reported with the encoding it probably is. A file that does not parse is reported at the place the reader stopped; nothing else in it is checked.",
      bad: "entramap: 1\napp: [IDmelon", good: "entramap: 1\napp: IDmelon" },
    { FileUnreadable, "file-unreadable", E, M, "The file cannot be read.",
      "The file named on the command line or found in a directory could not be opened (permissions, a broken link). This is a configuration error: the exit status is 2.",
      bad: "entramap lint missing.entramap.yaml", good: "entramap lint examples/idmelon.entramap.yaml" },
    { InputLimit, "input-limit", E, M, "The file exceeds a resource limit (size, nesting depth, YAML aliases).",
      "Mapping files are small. entramap reads at most 4 MiB, 64 levels of nesting and 1,000 YAML aliases, so a hostile file (a \"billion laughs\" of nested aliases) is refused in milliseconds instead of exhausting memory.",
      bad: "a: &a [x, x, x]\nb: &b [*a, *a, *a]\n# ... aliases nested ten levels deep", good: "# write each value out: mapping files need no aliases" },
    { UnknownKey, "unknown-key", E, M, "A key that the mapping file format does not have.",
      "Unknown keys are errors so that a typo (`matching_precedance`) never passes silently. The help names the closest known key.",
      bad: "  - target: userName\n    source: userPrincipalName\n    matching_precedance: 1", good: "  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1" },
    { DuplicateKey, "duplicate-key", E, M, "The same key twice in one mapping.",
      "YAML readers differ on which of two equal keys wins. entramap keeps the first and reports the second.",
      bad: "  - target: userName\n    source: mail\n    source: userPrincipalName", good: "  - target: userName\n    source: userPrincipalName" },
    { InvalidValue, "invalid-value", E, M, "A value of the wrong type or not one of the allowed words.",
      "Each key takes one kind of value: `scope` is `assigned` or `all`, `apply` is `always` or `on-create`, `matching_precedence` a whole number, `enabled` true or false, `type` one of String, Integer, Boolean, DateTime, Reference, Binary.",
      bad: "scope: everyone", good: "scope: all" },
    { MissingKey, "missing-key", E, M, "A required key is missing (`entramap: 1`, `app`, a mapping's `target` or value, a suppression's `reason`).",
      "A mapping file starts with `entramap: 1` and names its `app`; every attribute mapping has a `target` and exactly one of `source`, `expression`, `constant`; every `allow` entry gives a `reason`.",
      bad: "app: IDmelon\nusers:\n  - target: userName", good: "entramap: 1\napp: IDmelon\nusers:\n  - target: userName\n    source: userPrincipalName" },
    { UnsupportedVersion, "unsupported-version", E, M, "`entramap:` names a format version this entramap does not read.",
      "The only format version is 1.",
      bad: "entramap: 2", good: "entramap: 1" },
    { ConflictingMappingTypes, "conflicting-mapping-types", E, M, "An attribute mapping has more than one of `source`, `expression` and `constant`.",
      "The portal's Mapping type is Direct, Expression or Constant: one of them. entramap uses the first given and reports the others.",
      bad: "  - target: displayName\n    source: displayName\n    expression: ToUpper([displayName])", good: "  - target: displayName\n    expression: ToUpper([displayName])" },
    { UnknownTargetProfile, "unknown-target-profile", E, M, "`target:` names no built-in profile and no readable profile file.",
      "`target` is a built-in profile (`entramap targets` lists them) or a path to a profile file relative to the mapping file. The finding is located at `target:` with the closest built-in name (`customappsso`, the Graph template's name, is `scim-core`); the exit status is 1.",
      bad: "target: idmelonn", good: "target: idmelon" },
    { InvalidTargetProfile, "invalid-target-profile", E, M, "The target profile file is not a valid profile.",
      "A profile file starts with `entramap-target: 1` and `name`, and lists `users:`/`groups:` `attributes` (`entramap schema target` prints the format's JSON Schema, also shipped as `schemas/target.schema.json`; the built-in profiles under `schemas/targets/` are examples). This is a configuration error: the exit status is 2.",
      bad: "entramap-target: 1\nname: acme\nusers:\n  attributes:\n    - name: badge\n      typ: Integer", good: "entramap-target: 1\nname: acme\nusers:\n  attributes:\n    - name: badge\n      type: Integer" },
    { NotAMappingFile, "not-a-mapping-file", E, M, "The file given to lint is a target profile, not a mapping file.",
      "A target profile (`entramap-target: 1`) describes what an app's SCIM endpoint accepts; a mapping file (`entramap: 1`) maps Entra's attributes to it and names the profile with `target:`. `entramap targets FILE` checks and lists a profile; `entramap init --app NAME` writes a mapping file for a gallery app. This is a configuration error: the exit status is 2.",
      bad: "entramap lint schemas/gallery/slack.yaml", good: "entramap targets schemas/gallery/slack.yaml\nentramap init --app slack -o slack.entramap.yaml" },
    { ReferenceToString, "reference-to-string", N, M, "A Reference source (such as `manager`) goes to a String target.",
      "Several gallery apps (Gong, Infor CloudSuite, Airtable, Smartsheet, Workplace from Meta) type the enterprise `manager` as String, and Microsoft's default mapping feeds it from `manager`. Entra resolves the reference and sends the manager's `id` in the app (the id the app returned when Entra created the manager), not an Entra object id or a name; while the manager is not provisioned to the app, nothing is sent. This note says so; it is not an error.",
      bad: "  - target: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager   # a String target\n    source: manager", good: "# the same mapping, into a Reference target\n  - target: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\n    source: manager", check: Values },
    { MalformedTargetPath, "malformed-target-path", E, M, "The target is not a valid SCIM attribute path.",
      "Entra target names are SCIM paths: an attribute, an optional value filter `[type eq \"work\"]` with a double-quoted value, an optional `.subAttribute`, optionally after a schema URN and `:`.",
      bad: "  - target: emails[type eq work].value", good: "  - target: emails[type eq \"work\"].value", check: TargetAttributes },
    { UnknownTargetAttribute, "unknown-target-attribute", E, M, "The target attribute is not in the target's attribute list.",
      "Entra maps only to attributes in the app's attribute list (\"Edit attribute list for customappsso\"); the mapping is rejected otherwise. If the service provider has the attribute, declare it under `target_attributes`.",
      bad: "  - target: name.givenNam\n    source: givenName", good: "  - target: name.givenName\n    source: givenName", check: TargetAttributes },
    { PrimaryKeyTarget, "primary-key-target", E, M, "A mapping writes the target's primary key (`id`).",
      "The service provider assigns `id`; Entra never writes it. Map Entra's objectId to `externalId` instead.",
      bad: "  - target: id\n    source: objectId", good: "  - target: externalId\n    source: objectId", check: TargetAttributes },
    { GalleryApplyOnCreate, "gallery-apply-on-create", N, M, "A mapping applies always what the gallery app's default mapping writes only on create.",
      "Some gallery apps take an attribute only when the object is created: Microsoft changed Slack's `displayName` mapping to \"only during object creation\" (tutorial change log, 06/16/2020), because Slack manages it afterwards. The target profile says so with `apply: on-create`; a mapping that writes the attribute on every update departs from Microsoft's default. A note, since an admin may want it.",
      bad: "  - target: displayName   (Slack)\n    source: displayName", good: "  - target: displayName\n    source: displayName\n    apply: on-create", check: TargetAttributes },
    { ReadOnlyTarget, "read-only-target", E, M, "A mapping writes an attribute the target profile marks ReadOnly.",
      "Microsoft's schema rules say not to map to ReadOnly targets: the service provider ignores or rejects the write.",
      bad: "  - target: meta.created\n    source: employeeHireDate", good: "# no mapping to a read-only attribute", check: TargetAttributes },
    { DuplicateTarget, "duplicate-target", E, M, "Two mappings write the same target attribute.",
      "A target attribute may be mapped at most once per object mapping; Graph rejects the schema otherwise.",
      bad: "  - target: displayName\n    source: displayName\n  - target: displayName\n    source: mailNickname", good: "  - target: displayName\n    expression: Coalesce([displayName], [mailNickname])", check: DuplicateTargets },
    { AppRoleAssignmentsDirect, "app-role-assignments-direct", E, M, "`appRoleAssignments` is mapped directly.",
      "App role assignments are complex values; Microsoft says to use them only through SingleAppRoleAssignment, AppRoleAssignmentsComplex or AssertiveAppRoleAssignmentsComplex.",
      bad: "  - target: roles[primary eq \"True\"].value\n    source: appRoleAssignments", good: "  - target: roles[primary eq \"True\"].value\n    expression: SingleAppRoleAssignment([appRoleAssignments])", check: Values },
    { MultivaluedExtensionSource, "multivalued-extension-source", E, M, "A multi-valued directory extension is used as a source.",
      "Entra cannot provision multi-valued directory extensions, in mappings or scoping filters.",
      bad: "source_attributes:\n  users:\n    - {name: extension_0123456789abcdef0123456789abcdef_skills, multivalued: true}\nusers:\n  - target: title\n    source: extension_0123456789abcdef0123456789abcdef_skills", good: "source_attributes:\n  users:\n    - {name: extension_0123456789abcdef0123456789abcdef_department}\nusers:\n  - target: title\n    source: extension_0123456789abcdef0123456789abcdef_department", check: Values },
    { MissingMatchingAttribute, "missing-matching-attribute", W, M, "An object mapping has no matching attribute.",
      "Entra finds existing objects in the target by the matching attributes (\"Match objects using this attribute\"). Every shipped template has one; whether the portal refuses to save without one is not documented, so this is a warning.",
      bad: "users:\n  - target: userName\n    source: userPrincipalName", good: "users:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1", check: Matching },
    { MatchingPrecedenceDuplicate, "matching-precedence-duplicate", E, M, "Two matching attributes share a precedence.",
      "Matching attributes are tried in ascending precedence until one finds a match; the order must be strict.",
      bad: "  - target: externalId\n    source: objectId\n    matching_precedence: 1\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1", good: "  - target: externalId\n    source: objectId\n    matching_precedence: 1\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 2", check: Matching },
    { MatchingPrecedenceInvalid, "matching-precedence-invalid", E, M, "A matching precedence of 0 or less.",
      "In the Graph schema a matchingPriority of 0 means \"not a matching attribute\"; precedences start at 1.",
      bad: "    matching_precedence: 0", good: "    matching_precedence: 1", check: Matching },
    { MatchingAttributeSource, "matching-attribute-source", E, M, "A matching attribute fed by a constant, or by an expression of more or fewer than one source attribute.",
      "Matching needs one value per object, unique, derived from a single source attribute: Entra rejects a joining property with more than one source (`SchemaInvalid ... has more than one SourceName`), and a constant matches every object to the same one.",
      bad: "  - target: userName\n    expression: Join(\".\", [givenName], [surname])\n    matching_precedence: 1", good: "  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1", check: Matching },
    { MatchingNotFilterable, "matching-not-filterable", W, M, "A matching attribute the target profile does not mark filterable.",
      "Entra looks up existing objects with `filter=<attribute> eq \"value\"`; the service provider must support filtering on the matching attribute. Profiles mark such attributes `filterable: true`.",
      bad: "  - target: displayName\n    source: displayName\n    matching_precedence: 1   # users", good: "  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1", check: Matching },
    { RequiredTargetUnmapped, "required-target-unmapped", E, M, "A required target attribute has no mapping.",
      "The service provider cannot create an object without its required attributes (`userName` for users, `displayName` for groups in SCIM).",
      bad: "users:\n  - target: externalId\n    source: objectId\n    matching_precedence: 1", good: "users:\n  - target: externalId\n    source: objectId\n    matching_precedence: 1\n  - target: userName\n    source: userPrincipalName", check: RequiredTargets },
    { IsSoftDeletedUnmapped, "is-soft-deleted-unmapped", W, M, "No user mapping reads IsSoftDeleted.",
      "IsSoftDeleted is how Entra tells the service provider that a user was disabled, deleted or left scope. Without a mapping that reads it (usually into `active`), such users stay active in the target.",
      bad: "users:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1", good: "users:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")", check: SoftDelete },
    { RoleFunctionSyncAll, "role-function-sync-all", E, M, "An app role function with `scope: all`.",
      "SingleAppRoleAssignment, AppRoleAssignmentsComplex and AssertiveAppRoleAssignmentsComplex are incompatible with \"Sync all users and groups\": roles exist only on assignments.",
      bad: "scope: all\nusers:\n  - target: roles[primary eq \"True\"].value\n    expression: SingleAppRoleAssignment([appRoleAssignments])", good: "scope: assigned\nusers:\n  - target: roles[primary eq \"True\"].value\n    expression: SingleAppRoleAssignment([appRoleAssignments])", check: RoleFunctions },
    { SingleRoleIntoType, "single-role-into-type", W, M, "SingleAppRoleAssignment mapped to a role's `type`.",
      "SingleAppRoleAssignment gives the name of the user's app role. Mapped to `roles[primary eq \"True\"].type`, the service does not send that name: a provisioning log on Microsoft's entra-docs repository (MicrosoftDocs/entra-docs#391) shows it sending `\"type\": \"WindowsAzureActiveDirectoryRole\"`, so the role never arrives. Map the role to `roles[primary eq \"True\"].value` (or `.display`), as Microsoft's app role guidance does.",
      bad: "  - target: roles[primary eq \"True\"].type\n    expression: SingleAppRoleAssignment([appRoleAssignments])", good: "  - target: roles[primary eq \"True\"].value\n    expression: SingleAppRoleAssignment([appRoleAssignments])", check: RoleTargets },
    { NotScimTarget, "not-scim-target", N, M, "The target directory is not a SCIM service, so the checks of a SCIM target are off.",
      "Some gallery apps are provisioned through the app's own API, not SCIM (Salesforce: `salesforce.com`). Judging them against the SCIM profile gives false errors (`userName` is not required there; matching attributes are not SCIM filters). A file whose `target:` is `non-scim` (what `entramap import` names for such a directory when the catalogue has no gallery profile for it) is checked against the attributes it declares; `required-target-unmapped` and `matching-not-filterable` are off, and this note says so.",
      bad: "target: non-scim\ntarget_directory: salesforce.com", good: "(nothing to fix: the note says which checks are off)" },
    { CustomAttributeName, "custom-attribute-name", E, M, "A custom target attribute's name is not `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`.",
      "Non-gallery SCIM apps accept custom attributes only in this URN form (Microsoft's customize-application-attributes page).",
      bad: "    - name: urn:ietf:params:scim:schemas:extension:IDmelon:User:immutable_id", good: "    - name: urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User:immutable_id", check: Declarations },
    { CustomAttributeType, "custom-attribute-type", E, M, "A custom target attribute that is multi-valued, a reference or complex.",
      "Custom attributes of non-gallery SCIM apps cannot be references, multi-valued or complex; those forms are for gallery apps only.",
      bad: "    - name: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badges\n      multivalued: true", good: "    - name: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge", check: Declarations },
    { DirectoryExtensionName, "directory-extension-name", E, M, "A declared directory extension whose name is not `extension_<32 hex>_<name>`.",
      "Directory extensions are named `extension_` + the owning application's id without hyphens (32 hex digits) + `_` + the name, case-sensitively.",
      bad: "    - name: extension_costCenter", good: "    - name: extension_0123456789abcdef0123456789abcdef_costCenter", check: Declarations },
    { ScopingUnknownAttribute, "scoping-unknown-attribute", E, M, "A scoping clause tests an attribute that is not in the source schema.",
      "Scoping filters test Entra source attributes by their exact, case-sensitive name; declare directory extensions under `source_attributes`.",
      bad: "    - - {attribute: departmnt, operator: EQUALS, value: Sales}", good: "    - - {attribute: department, operator: EQUALS, value: Sales}", check: Scoping },
    { ScopingUnknownOperator, "scoping-unknown-operator", E, M, "A scoping clause uses an operator Entra does not have.",
      "Operators are spelled as the Graph API spells them: EQUALS, NOT EQUALS, IS TRUE, IS FALSE, IS NULL, IS NOT NULL, REGEX MATCH, NOT REGEX MATCH, and the portal's Greater_Than, Greater_Than_OR_EQUALS, Includes.",
      bad: "    - - {attribute: department, operator: EQUAL, value: Sales}", good: "    - - {attribute: department, operator: EQUALS, value: Sales}", check: Scoping },
    { ScopingValue, "scoping-value", E, M, "A scoping clause has a value its operator does not take, lacks one it needs, or has an invalid one.",
      "IS TRUE, IS FALSE, IS NULL and IS NOT NULL take no value; the others need one. Greater_Than compares whole numbers; REGEX MATCH needs a valid regular expression.",
      bad: "    - - {attribute: accountEnabled, operator: IS TRUE, value: \"true\"}", good: "    - - {attribute: accountEnabled, operator: IS TRUE}", check: Scoping },
    { ScopingRegexUnsupported, "scoping-regex-unsupported", W, M, "A scoping filter's regular expression uses a .NET feature entramap cannot evaluate.",
      "The pattern is valid .NET, so Entra accepts it (hence a warning), but entramap evaluates neither character-class subtraction, conditionals, balancing groups nor `\\G`: `entramap preview` cannot run the filter and says so, naming the feature. Look-around, backreferences and atomic groups are evaluated (on a backtracking engine with a step limit). Lint and preview use the same validation.",
      bad: "    - - {attribute: mail, operator: REGEX MATCH, value: \"^[a-z-[aeiou]]+@contoso\\\\.com$\"}", good: "    - - {attribute: mail, operator: REGEX MATCH, value: \"^[b-df-hj-np-tv-z]+@contoso\\\\.com$\"}", check: Scoping },
    { ScopingAttributeNotAllowed, "scoping-attribute-not-allowed", E, M, "A scoping clause tests an attribute Entra does not allow in scoping filters.",
      "Scoping filters cannot use multi-valued attributes, members, appRoleAssignments, userType, manager or date-typed attributes (Microsoft's scoping-filter documentation and known issues).",
      bad: "    - - {attribute: manager, operator: IS NOT NULL}", good: "    - - {attribute: department, operator: IS NOT NULL}", check: Scoping },
    { ScopingOperatorType, "scoping-operator-type", W, M, "A scoping operator applied to an attribute type it is not meant for.",
      "IS TRUE and IS FALSE test Booleans; EQUALS, REGEX MATCH and Includes test strings and integers; Greater_Than tests integers.",
      bad: "    - - {attribute: department, operator: IS TRUE}", good: "    - - {attribute: accountEnabled, operator: IS TRUE}", check: Scoping },
    { SecretToken, "secret-token", E, M, "Something that looks like a SCIM secret token (a JWT or a long random string).",
      "A mapping file is meant for a repository; the secret token belongs only in the portal's Admin Credentials. entramap masks the value in every report (data outputs such as export and import keep it, byte for byte). Rotate a token that was committed.",
      bad: "note: token eyJhbGciOi...", good: "note: the secret token comes from the vendor's admin panel" },
    { UnusedAllow, "unused-allow", W, M, "An `allow` entry suppresses nothing.",
      "A suppression that no longer matches a finding hides nothing and should go, so that a future finding of that rule is seen.",
      bad: "allow:\n  - {rule: missing-matching-attribute, reason: legacy}   # no such finding", good: "# no allow entry" },
    { AllowUnknownRule, "allow-unknown-rule", E, M, "An `allow` entry names no rule, or a rule that cannot be suppressed.",
      "Suppressions name a rule id (`entramap explain` lists them). Configuration errors (unknown-target-profile, invalid-target-profile, file-unreadable) mean the file cannot be checked at all: they cannot be suppressed, and an entry naming one is reported here.",
      bad: "allow:\n  - {rule: is-soft-deleted-unmaped, reason: ...}", good: "allow:\n  - {rule: is-soft-deleted-unmapped, reason: ...}" },
    { FmtUnsafeRewrite, "fmt-unsafe-rewrite", E, F, "fmt: the canonical form of an expression would not read back as the same expression.",
      "entramap fmt writes each expression back in its own YAML style, and reloads the result before writing: when an expression would read back differently (a YAML scalar folding a line break in a string literal, say), the file is left as it is and the expression is reported. Write the expression as a double-quoted scalar with escapes (`\\n`, `\\t`).",
      bad: "    expression: 'Join(\"\n\", [givenName], [surname])'   # a raw line break in a single-quoted scalar", good: "    expression: \"Join(\\\"\\n\\\", [givenName], [surname])\"" },
    { PreviewRequiredMissing, "preview-required-missing", E, P, "preview: a required target attribute, or a matching attribute, gets no value for a user.",
      "The target profile marks some attributes `required` (userName for every SCIM app): the service provider rejects a user without one. A matching attribute without a value cannot be used to find the user in the target, so Entra skips the user. entramap preview reports each such user with its line in the export; map the attribute from a source that every user has, or give the mapping a `default`.",
      bad: "users:\n  - target: userName\n    source: mail          # empty for users without a mailbox", good: "users:\n  - target: userName\n    source: userPrincipalName" },
    { PreviewDuplicateMatchingValue, "preview-duplicate-matching-value", E, P, "preview: two users of the export have the same value of a matching attribute.",
      "Entra finds a user in the target with `filter=<matching attribute> eq \"<value>\"`. When two source users give the same value they match the same target object: one overwrites the other, or the second fails as a duplicate. Values are compared case-insensitively unless the target attribute is `case_exact`. The first user with the value keeps it; every later one is reported, with the line of the first.",
      bad: "  - target: userName\n    source: mailNickname     # not unique across the tenant\n    matching_precedence: 1", good: "  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1" },
    { PreviewConstraint, "preview-constraint", E, P, "preview: a value breaks the target profile's `pattern`, `max_length` or `unique`.",
      "Target profiles carry the service provider's documented value rules: a regular expression every value must match, a longest length in characters, and values that must be unique among its users. The service provider rejects a user whose value breaks one.",
      bad: "  - target: userName            # CloudSSO: ^[a-zA-Z0-9@._-]{1,64}$\n    source: displayName         # \"Zoë O'Brien\"", good: "  - target: userName\n    source: userPrincipalName" },
    { PreviewType, "preview-type", E, P, "preview: a value does not convert to the target attribute's type.",
      "Entra converts text to the target's type on the way (\"True\" to a Boolean, \"42\" to an Integer); text that is not a Boolean, a whole number or an ISO 8601 date fails, and so does a multi-valued value for a single-valued attribute.",
      bad: "  - target: active\n    source: department", good: "  - target: active\n    expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")" },
    { PreviewUnreadableRow, "preview-unreadable-row", E, P, "preview: a row of the user export cannot be read.",
      "Every row of the export is either a user or reported: a JSON line that does not parse or is not an object, a Graph page element that is not a user object, a CSV row with a different number of fields than the header, text that is not UTF-8, a row longer than 16 MiB. Rows are counted, never dropped.",
      bad: "{\"userPrincipalName\": \"ana@contoso.com\",", good: "{\"userPrincipalName\": \"ana@contoso.com\"}" },
    { PreviewEvaluationError, "preview-evaluation-error", E, P, "preview: an expression fails for a user.",
      "Some expressions fail for particular values (Item beyond the last value, CDate of text that is not a date, SingleAppRoleAssignment with two roles). Entra then fails the user's export. The message names the failing function.",
      bad: "  - target: title\n    expression: Item([proxyAddresses], 3)", good: "  - target: title\n    expression: IIF(Count([proxyAddresses]) >= 3, Item([proxyAddresses], 3), \"\")" },
    { PreviewMemberNotProvisioned, "preview-member-not-provisioned", W, P, "preview: a group member is not a provisioned user, and is left out of the group.",
      "Entra provisions a group's members that are users it provisions to the app: a member that is not in the user export, or is out of scope there, or fails, is left out of the group's `members` (it is added once the user is provisioned). Nested groups are not provisioned to SCIM apps. entramap preview resolves members against the users previewed with `--users`.",
      bad: "(a group whose member is out of the user scoping filter)", good: "(the member is in scope, or the scoping filter is meant to leave it out)" },
    { PreviewLintError, "preview-lint-error", W, P, "preview --allow-errors: a payload is built from a mapping that lint reports an error in.",
      "A mapping file with lint errors is not previewed (nor evaluated by `eval --mapping`, nor exported): the command reports the errors with their location and exits 1. `--allow-errors` previews it anyway and marks every payload a mapping with an error contributes to, so that no payload built from a wrong mapping passes for a right one. A mapping that cannot be evaluated at all (an unknown function, a bare word) fails every user instead.",
      bad: "  - target: userType\n    expression: \"Employee\"   # YAML removes the quotes: a bare word", good: "  - target: userType\n    constant: Employee" },
    { PreviewOutOfScope, "preview-out-of-scope", N, P, "preview: the user is out of scope and is not provisioned.",
      "A user is in scope when every clause of at least one scoping clause group holds; a disabled user object mapping, or an expression reaching IgnoreObjectFlow, also skips the user. Out-of-scope users are counted in the summary, never as failures; the JSON report lists them as notes (the human report does not list them: `--user KEY` says why for one user).",
      bad: "(a user with department Marketing under `department EQUALS 'Sales'`)", good: "(nothing to fix when the filter is intended)" },
];

impl RuleId {
    /// The rule's entry in [`RULES`].
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The rule's one default severity.
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
}

/// A rule id that names no rule (in an `allow:` entry or `entramap explain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl std::fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no rule is called `{}`", self.0)
    }
}

impl std::error::Error for UnknownRule {}

impl std::str::FromStr for RuleId {
    type Err = UnknownRule;

    /// The rule with this exact id.
    fn from_str(id: &str) -> Result<Self, UnknownRule> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == id)
            .ok_or_else(|| UnknownRule(id.to_owned()))
    }
}

/// Rule ids sort by their text, as every output lists them.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The `entramap explain` text of a rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity})\n\n{summary}\n\n{explanation}\n\nBad:\n{bad}\n\nFixed:\n{good}\n",
        id = rule.id,
        severity = rule.severity,
        summary = rule.summary,
        explanation = rule.explanation,
        bad = indent(rule.bad),
        good = indent(rule.good),
    )
}

/// Where `docs/rules.md` is published, from `Cargo.toml`'s `repository`:
/// `<repository>/blob/main/docs/rules.md`, or `None` while the package names no repository.
pub fn published_docs() -> Option<String> {
    docs_in_repository(env!("CARGO_PKG_REPOSITORY"))
}

/// `docs/rules.md` in the repository at `repository` (`None` when it is empty).
fn docs_in_repository(repository: &str) -> Option<String> {
    let repository = repository.trim().trim_end_matches('/');
    let repository = repository.strip_suffix(".git").unwrap_or(repository);
    (!repository.is_empty()).then(|| format!("{repository}/blob/main/docs/rules.md"))
}

impl Layer {
    /// Which commands report the rules of this layer, for the rule reference.
    pub fn reported_by(self) -> &'static str {
        match self {
            Layer::Expression => "`entramap check`, and every expression in `entramap lint`",
            Layer::Mapping => "`entramap lint`",
            Layer::Preview => "`entramap preview`",
            Layer::Evaluation => "`entramap eval`",
            Layer::Format => "`entramap fmt`",
        }
    }
}

/// The generated part of `docs/rules.md`: an index, then one section per rule (its heading is
/// the id, so `rules.md#<id>` links to it) with severity, reporting commands, explanation and
/// the bad and fixed examples. A test keeps the file equal to it.
pub fn reference_markdown() -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut out = String::from("| rule | severity | summary |\n|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            rule.severity,
            cell(rule.summary),
            id = rule.id,
        ));
    }
    for rule in RULES {
        out.push_str(&format!(
            "\n## {id}\n\n{summary}\n\nSeverity: **{severity}**. Reported by {by}.\n\n{explanation}\n\nBad:\n\n```text\n{bad}\n```\n\nFixed:\n\n```text\n{good}\n```\n",
            id = rule.id,
            summary = rule.summary,
            severity = rule.severity,
            by = rule.layer.reported_by(),
            explanation = rule.explanation,
            bad = rule.bad,
            good = rule.good,
        ));
    }
    out
}

/// An example indented by four spaces, every line alike, so that it pastes as the YAML it is.
fn indent(example: &str) -> String {
    example
        .lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_docs_follow_the_repository() {
        assert_eq!(docs_in_repository(""), None);
        for repository in [
            "https://github.com/o/entramap",
            "https://github.com/o/entramap/",
            "https://github.com/o/entramap.git",
        ] {
            assert_eq!(
                docs_in_repository(repository).as_deref(),
                Some("https://github.com/o/entramap/blob/main/docs/rules.md")
            );
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.id as usize, index, "{} is out of table order", rule.id);
            assert!(
                seen.insert(rule.id.as_str()),
                "duplicate rule id {}",
                rule.id
            );
            assert!(
                rule.id
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
        }
    }
}
