//! The rule table: every diagnostic entramap can report, with its id, default severity, one-line
//! summary and the long `entramap explain` text with a bad and a fixed example. To add a rule,
//! add one entry to [`RULES`].

use crate::diagnostic::Severity;

/// Which layer reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The expression parser and checker (`entramap check`, and every expression in `lint`).
    Expression,
    /// The mapping-file loader and mapping rules (`entramap lint`).
    Mapping,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
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
}

use Layer::Expression as X;
use Severity::{Error as E, Warning as W};

macro_rules! rules {
    ($({ $id:literal, $sev:expr, $layer:expr, $summary:literal, $explanation:literal, bad: $bad:literal, good: $good:literal $(,)? }),* $(,)?) => {
        /// Every rule, one entry each.
        pub static RULES: &[Rule] = &[$(Rule {
            id: $id,
            severity: $sev,
            layer: $layer,
            summary: $summary,
            explanation: $explanation,
            bad: $bad,
            good: $good,
        }),*];
    };
}

rules![
    { "syntax-error", E, X, "The expression does not parse.",
      "Entra's expression language has function calls, [attributes], \"strings\" with backslash escapes, whole numbers, &H hex numbers, bare enum words and one comparison (= <> < <= > >=) per argument. It has no operators for concatenation, no AND/OR, no indexing and no grouping parentheses. Entra reports a syntax error only when the mapping is saved, without a position.",
      bad: "Append([mail], “.test”)", good: "Append([mail], \".test\")" },
    { "nesting-too-deep", E, X, "The expression nests calls deeper than entramap's limit of 64 levels.",
      "Entra documents no nesting limit, but such expressions cannot be reviewed and would exhaust a recursive parser. entramap stops at 64 levels of parentheses.",
      bad: "IIF(..., IIF(..., IIF(...  (65 levels)", good: "Switch([department], \"Other\", \"a\", \"A\", \"b\", \"B\")" },
    { "expression-too-long", E, X, "The expression is longer than Entra's limit of 10,000 characters.",
      "Microsoft's known-issues page caps attribute-mapping expressions at 10,000 characters; longer ones are rejected when saved.",
      bad: "Switch([department], ... 10,001 characters ...)", good: "a shorter expression, or the logic split over several mappings" },
    { "unknown-function", E, X, "No function of that name exists.",
      "Function names are matched against Microsoft's function reference. The help names the closest function.",
      bad: "ToLowr([mail])", good: "ToLower([mail])" },
    { "function-name-case", W, X, "A function name written with the wrong letter case.",
      "Microsoft's reference says the syntax is case-sensitive, yet Microsoft's own Cloud Sync default mappings write `Instr(`. Because the docs disagree this is a warning: write the documented spelling.",
      bad: "Instr([mail], \"@\")", good: "InStr([mail], \"@\")" },
    { "connect-sync-only-function", E, X, "The function exists only in Entra Connect Sync, not in provisioning expressions.",
      "Entra Connect Sync's declarative provisioning language has functions such as LCase, UCase, Len, Right and Contains. Examples copied from its documentation do not work in app provisioning or Cloud Sync.",
      bad: "LCase([mail])", good: "ToLower([mail])" },
    { "undocumented-function", W, X, "The function is listed in the Graph functions catalogue but not documented.",
      "DefaultDomain and AppRoleAssignments appear only in a sample response of the Graph synchronization functions API. Their behaviour is not documented.",
      bad: "DefaultDomain()", good: "a documented function" },
    { "function-not-in-context", E, X, "The function does not exist in this provisioning context.",
      "App provisioning, HR inbound provisioning and Cloud Sync document different function lists: SelectUniqueValue is HR-to-AD only, Trim and ConvertFromBase64 are Cloud Sync only, Coalesce and the date functions are not in Cloud Sync.",
      bad: "Trim([displayName])   (app provisioning)", good: "StripSpaces([displayName])" },
    { "argument-count", E, X, "The call has the wrong number of arguments.",
      "Each function takes a fixed number of argument slots; optional ones are left empty (`, ,`) but still counted. Entra rejects a wrong count with SchemaInvalid when the mapping is saved.",
      bad: "Replace([mail], \"@contoso.com\", \"@fabrikam.com\")", good: "Replace([mail], \"@contoso.com\", , , \"@fabrikam.com\", , )" },
    { "missing-required-argument", E, X, "A required argument slot is empty.",
      "Only optional parameters may be left as empty slots.",
      bad: "Mid([givenName], , 3)", good: "Mid([givenName], 1, 3)" },
    { "argument-type", E, X, "An argument has a type the parameter cannot take.",
      "Numbers may be written as strings (\"1\" and 1 are the same constant), but text that is not a number cannot stand where an integer is expected, and app role assignments only go to the role functions.",
      bad: "Mid([givenName], \"one\", 3)", good: "Mid([givenName], 1, 3)" },
    { "multivalue-argument", W, X, "A multi-valued value is passed where one value is expected.",
      "Microsoft does not document what single-valued functions do with a multi-valued attribute (Cloud Sync's Trim works per value; others are unspecified). Pick one value with Item or join them with Join.",
      bad: "ToLower([proxyAddresses])", good: "ToLower(Item([proxyAddresses], 1))" },
    { "switch-pairs", E, X, "Switch needs a source, a default slot and whole key/value pairs.",
      "Switch(source, defaultValue, key1, value1, key2, value2, ...): after the source and the (possibly empty) default come pairs. An odd count means a key without a value.",
      bad: "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\")", good: "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")" },
    { "switch-source-predicate", W, X, "IsPresent, IsNull or IsNullOrEmpty used as the Switch source.",
      "Microsoft's function reference cautions against using IsPresent, IsNull or IsNullOrEmpty inside Switch and recommends IIF; another Microsoft page shows the pattern. Because the docs disagree this is a warning.",
      bad: "Switch(IsPresent([jobTitle]), \"Staff\", \"True\", [jobTitle])", good: "IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")" },
    { "top-level-only", E, X, "The function must be the whole expression.",
      "SelectUniqueValue must be at the top level and cannot be nested; the role functions (AppRoleAssignmentsComplex, AssertiveAppRoleAssignmentsComplex) map a whole complex attribute. IgnoreFlowIfNullOrEmpty has only ever been documented as the outermost call (a warning).",
      bad: "ToLower(SelectUniqueValue(Join(\"@\", [givenName], \"contoso.com\"), Join(\"@\", [surname], \"contoso.com\")))", good: "SelectUniqueValue(ToLower(Join(\"@\", [givenName], \"contoso.com\")), ToLower(Join(\"@\", [surname], \"contoso.com\")))" },
    { "unknown-source-attribute", E, X, "The attribute is not in the source schema.",
      "Attribute names are case-sensitive and must exist in the source directory's schema (Entra rejects the mapping with SchemaInvalid). Declare directory extensions under `source_attributes`, or use --any-attribute for sources entramap does not ship.",
      bad: "Join(\" \", [givenNme], [surname])", good: "Join(\" \", [givenName], [surname])" },
    { "unknown-identifier", E, X, "A bare word that is not an enum value of the parameter.",
      "Bare identifiers exist only as enum values of particular parameters (InStr's vbTextCompare/vbBinaryCompare, ConvertFromBase64's Unicode/ASCII/UTF8). Strings need double quotes.",
      bad: "Append([mail], test)", good: "Append([mail], \"test\")" },
    { "unverified-identifier", W, X, "IgnoreAttributeFlow / IgnoreObjectFlow appear in one AI-assisted Microsoft guide only.",
      "These sentinels appear only in the Workday expression guide, which is marked as AI-assisted; no reference page documents them.",
      bad: "IIF([Active]=\"1\", [Department], IgnoreAttributeFlow)", good: "IgnoreFlowIfNullOrEmpty(IIF([Active]=\"1\", [Department], \"\"))" },
    { "parameter-not-in-context", E, X, "%Parameters% exist only in Cloud Sync.",
      "Connector parameters such as %DomainFQDN% are supplied by the Cloud Sync Entra-to-AD connector; app provisioning has none.",
      bad: "Append(\"@\", %DomainFQDN%)   (app provisioning)", good: "Append([mailNickname], \"@contoso.com\")" },
    { "item-index-zero", E, X, "Item's index is 1-based; 0 selects nothing.",
      "Item(list, 1) is the first value. Index 0 is out of range and fails for the object.",
      bad: "Item(Split([mail], \"@\"), 0)", good: "Item(Split([mail], \"@\"), 1)" },
    { "invalid-date-interval", E, X, "DateAdd/DateDiff interval is not one of yyyy m d ww h n s.",
      "The interval codes are VB's: yyyy (year), m (month), d (day), ww (week), h (hour), n (minute), s (second). They are case-sensitive: \"M\" and \"D\" are not codes.",
      bad: "DateAdd(\"days\", 7, CDate([startDate]))", good: "DateAdd(\"d\", 7, CDate([startDate]))" },
    { "random-string-bounds", E, X, "RandomString's length is above 256 or below the sum of the minimums.",
      "RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital, MinimumLowerCase, CharactersToAvoid?): Length must be at least the sum of the four minimums and at most 256.",
      bad: "RandomString(6, 3, 3, 3, 3)", good: "RandomString(12, 3, 3, 3, 3)" },
    { "invalid-regex", E, X, "Replace's regexPattern is not a valid regular expression.",
      "Entra runs .NET regular expressions. entramap checks the pattern with a .NET-compatible reading (named groups may be written (?<name>...)).",
      bad: "Replace([mail], , \"(?<user>.*@\", , \"\", , )", good: "Replace([mail], , \"(?<user>.*)@\", \"user\", \"\", , )" },
    { "target-type-mismatch", E, X, "The value's type does not fit the target attribute's type.",
      "A Reference target (manager, members) needs a Reference source; a multi-valued value cannot go to a single-valued target; a Boolean target takes Boolean values.",
      bad: "target: active (Boolean)  expression: Join(\" \", [givenName], [surname])", good: "target: active  expression: Not([IsSoftDeleted])" },
];

/// The rule with this id.
pub fn lookup(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The default severity of a rule id (Error for ids missing from the table).
pub fn default_severity(id: &str) -> Severity {
    lookup(id).map_or(Severity::Error, |r| r.severity)
}

/// The `entramap explain` text of a rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity})\n\n{summary}\n\n{explanation}\n\nBad:\n    {bad}\n\nFixed:\n    {good}\n",
        id = rule.id,
        severity = rule.severity,
        summary = rule.summary,
        explanation = rule.explanation,
        bad = rule.bad,
        good = rule.good,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
        }
    }
}
