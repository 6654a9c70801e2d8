//! `entramap check`: rendered diagnostics (human and json) for every expression rule, snapshot
//! tested, a clean case for each, and the exit codes.

use crate::common::{entramap, stdout, with_stdin};

/// One triggering expression per rule, with extra `check` flags, and its fixed form.
const CASES: &[(&str, &[&str], &str, &str)] = &[
    (
        "syntax-error",
        &[],
        "Append([mail], “.test”)",
        "Append([mail], \".test\")",
    ),
    ("unknown-function", &[], "ToLowr([mail])", "ToLower([mail])"),
    (
        "single-value-argument",
        &[],
        "Count([mail])",
        "Count([proxyAddresses])",
    ),
    (
        "top-level-recommended",
        &[],
        "ToLower(IgnoreFlowIfNullOrEmpty([department]))",
        "IgnoreFlowIfNullOrEmpty(ToLower([department]))",
    ),
    (
        "function-name-case",
        &[],
        "Instr([mail], \"@\")",
        "InStr([mail], \"@\")",
    ),
    (
        "connect-sync-only-function",
        &[],
        "LCase([mail])",
        "ToLower([mail])",
    ),
    (
        "undocumented-function",
        &["--context", "cloud-sync"],
        "DefaultDomain()",
        "Guid()",
    ),
    (
        "function-not-in-context",
        &[],
        "Trim([displayName])",
        "StripSpaces([displayName])",
    ),
    (
        "argument-count",
        &[],
        "Mid([givenName], 1)",
        "Mid([givenName], 1, 3)",
    ),
    (
        "replace-slots",
        &[],
        "Replace([mail], \"@contoso.com\", \"@fabrikam.com\")",
        "Replace([mail], \"@contoso.com\", , , \"@fabrikam.com\", , )",
    ),
    (
        "missing-required-argument",
        &[],
        "Mid([givenName], , 3)",
        "Mid([givenName], 1, 3)",
    ),
    (
        "argument-type",
        &[],
        "Mid([givenName], \"one\", 3)",
        "Mid([givenName], 1, 3)",
    ),
    (
        "multivalue-argument",
        &[],
        "ToLower([proxyAddresses])",
        "ToLower(Item([proxyAddresses], 1))",
    ),
    (
        "switch-pairs",
        &[],
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\")",
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
    ),
    (
        "switch-without-pairs",
        &[],
        "Switch([IsSoftDeleted])",
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
    ),
    (
        "switch-source-predicate",
        &[],
        "Switch(IsPresent([jobTitle]), \"Staff\", \"True\", [jobTitle])",
        "IIF(IsPresent([jobTitle]), [jobTitle], \"Staff\")",
    ),
    (
        "top-level-only",
        &["--context", "hr-inbound", "--any-attribute"],
        "ToLower(SelectUniqueValue([a], [b]))",
        "SelectUniqueValue(ToLower([a]), ToLower([b]))",
    ),
    (
        "unknown-source-attribute",
        &[],
        "Join(\" \", [givenNme], [surname])",
        "Join(\" \", [givenName], [surname])",
    ),
    (
        "unknown-identifier",
        &[],
        "Append([mail], test)",
        "Append([mail], \"test\")",
    ),
    (
        "unverified-identifier",
        &["--context", "hr-inbound", "--any-attribute"],
        "IIF([Active]=\"1\", [Department], IgnoreAttributeFlow)",
        "IgnoreFlowIfNullOrEmpty(IIF([Active]=\"1\", [Department], \"\"))",
    ),
    (
        "parameter-not-in-context",
        &[],
        "Append(\"@\", %DomainFQDN%)",
        "Append([mailNickname], \"@contoso.com\")",
    ),
    (
        "item-index-zero",
        &[],
        "Item(Split([mail], \"@\"), 0)",
        "Item(Split([mail], \"@\"), 1)",
    ),
    (
        "invalid-date-interval",
        &["--any-attribute"],
        "DateAdd(\"days\", 7, CDate([startDate]))",
        "DateAdd(\"d\", 7, CDate([startDate]))",
    ),
    (
        "random-string-bounds",
        &[],
        "RandomString(6, 3, 3, 3, 3)",
        "RandomString(12, 3, 3, 3, 3)",
    ),
    (
        "invalid-regex",
        &[],
        "Replace([mail], , \"(?<user>.*@\", , \"\", , )",
        "Replace([mail], , \"(?<user>.*)@\", \"user\", \"\", , )",
    ),
    (
        "target-type-mismatch",
        &["--target-type", "Boolean"],
        "Split([mail], \"@\")",
        "Not([IsSoftDeleted])",
    ),
    ("nesting-too-deep", &[], "", "ToLower([mail])"),
];

fn deep() -> String {
    format!("{}[mail]{}", "ToLower(".repeat(65), ")".repeat(65))
}

#[test]
fn every_rule_renders_and_its_fix_checks_clean() {
    for (rule, flags, bad, good) in CASES {
        let bad = if *rule == "nesting-too-deep" {
            deep()
        } else {
            (*bad).to_owned()
        };
        let mut args = vec!["check"];
        args.extend_from_slice(flags);
        args.push(&bad);
        let human = entramap(&args);
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let json: serde_json::Value =
            serde_json::from_slice(&entramap(&json_args).stdout).expect("json output");
        let rules: Vec<&str> = json["diagnostics"]
            .as_array()
            .map(|d| d.iter().filter_map(|d| d["rule"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            rules,
            vec![*rule],
            "{bad}: exactly one diagnostic, of the rule"
        );
        let errors = json["summary"]["errors"].as_u64();
        assert_eq!(
            human.status.code(),
            Some(if errors == Some(0) { 0 } else { 1 }),
            "{rule}: exit status"
        );
        insta::assert_snapshot!(format!("check_human_{rule}"), stdout(&human));
        insta::assert_json_snapshot!(format!("check_json_{rule}"), json);

        let mut good_args = vec!["check"];
        good_args.extend_from_slice(flags);
        good_args.extend([*good, "--format", "json", "--fail-on", "warning"]);
        let clean = entramap(&good_args);
        let clean_json: serde_json::Value =
            serde_json::from_slice(&clean.stdout).expect("json output");
        assert_eq!(
            clean_json["diagnostics"],
            serde_json::json!([]),
            "{rule}: the fixed form {good} is clean"
        );
        assert_eq!(clean.status.code(), Some(0));
    }
}

#[test]
fn prints_canonical_form_and_type() {
    let output = entramap(&[
        "check",
        "Switch([IsSoftDeleted],,\"False\",\"True\",\"True\",\"False\")",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")\n  : String\n"
    );
}

#[test]
fn reads_the_expression_from_stdin() {
    let output = with_stdin(
        &["check", "-", "--format", "json"],
        b"Join(\" \",\n  [givenName],\n  [surname])\n",
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        json["expression"]["canonical"],
        "Join(\" \", [givenName], [surname])"
    );
    assert_eq!(json["expression"]["type"], "String");
}

#[test]
fn github_format_is_a_workflow_command() {
    let output = entramap(&[
        "check",
        "Join(\" \", [givenNme], [surname])",
        "--format",
        "github",
    ]);
    assert_eq!(
        stdout(&output),
        "::error file=<expression>,line=1,col=11,endLine=1,endColumn=21,title=unknown-source-attribute::unknown source attribute `givenNme`%0Ahelp: did you mean `givenName`?\n"
    );
}

#[test]
fn group_schema_and_any_attribute() {
    assert_eq!(
        entramap(&["check", "[members]", "--object", "group"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(entramap(&["check", "[members]"]).status.code(), Some(1));
    assert_eq!(
        entramap(&["check", "[PreferredFirstName]", "--any-attribute"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn fail_on_warning_and_usage_errors() {
    assert_eq!(
        entramap(&["check", "Instr([mail], \"@\")"]).status.code(),
        Some(0)
    );
    assert_eq!(
        entramap(&["check", "Instr([mail], \"@\")", "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        entramap(&["check", "[mail]", "--context", "nowhere"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        entramap(&["check", "[mail]", "--target-type", "Text"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        entramap(&["explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}

#[test]
fn explain_shows_bad_and_fixed_examples_for_every_rule() {
    for rule in entramap::diagnostics::rules::RULES {
        let output = entramap(&["explain", rule.id.as_str()]);
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        let bad = rule
            .bad
            .lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            text.contains("Bad:") && text.contains("Fixed:") && text.contains(&bad),
            "{}",
            rule.id
        );
    }
}

/// The examples of `explain` between `label` and the next blank line, without their indentation.
fn example(text: &str, label: &str) -> String {
    let start = text.find(label).map_or(text.len(), |i| i + label.len());
    text[start..]
        .trim_start_matches('\n')
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|l| {
            l.strip_prefix("    ")
                .unwrap_or_else(|| panic!("not indented: {l:?}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rules whose bad example is invalid YAML on purpose: they are about YAML that does not load.
const INVALID_ON_PURPOSE: &[&str] = &["file-syntax", "duplicate-key", "input-limit"];

#[test]
fn explain_examples_of_file_rules_paste_as_valid_yaml() {
    use entramap::diagnostics::rules::Layer;
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in entramap::diagnostics::rules::RULES {
        // Expression rules show expressions, preview rules rows of a user export.
        if matches!(
            rule.layer,
            Layer::Expression | Layer::Evaluation | Layer::Preview
        ) {
            continue;
        }
        let text = stdout(&entramap(&["explain", rule.id.as_str()]));
        let mut examples = vec![("Fixed", example(&text, "Fixed:\n"))];
        if !INVALID_ON_PURPOSE.contains(&rule.id.as_str()) {
            examples.push(("Bad", example(&text, "Bad:\n")));
        }
        for (which, yaml) in examples {
            let parsed: Result<serde_json::Value, _> = serde_saphyr::from_str(&yaml);
            if let Err(e) = parsed {
                failures.push(format!("{} {which}: {e}\n{yaml}", rule.id));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked > 40, "{checked}");
}

/// The service's own function list defines FormatDateTime(source, inputFormat, outputFormat):
/// three arguments bind by count in every context, and a wrong count names both forms.
#[test]
fn format_date_time_with_three_arguments_is_accepted_in_every_context() {
    for context in ["app-provisioning", "cloud-sync", "hr-inbound"] {
        let out = entramap(&[
            "check",
            "--context",
            context,
            "FormatDateTime([extensionAttribute1], \"yyyyMMddHHmmss.fZ\", \"yyyy-MM-dd\")",
        ]);
        assert_eq!(out.status.code(), Some(0), "{context}: {}", stdout(&out));
    }
    let two = entramap(&[
        "check",
        "FormatDateTime([extensionAttribute1], \"yyyy-MM-dd\")",
    ]);
    let text = stdout(&two);
    assert!(
        text.contains("`FormatDateTime` takes 3 or 4 arguments, 2 given"),
        "{text}"
    );
    assert!(
        text.contains("is left empty, as `, ,`, not left out"),
        "{text}"
    );
}

/// Microsoft's Cloud Sync password hash sync maps CredentialData from [PasswordHash].
#[test]
fn password_hash_is_a_cloud_sync_source_attribute() {
    let out = entramap(&["check", "--context", "cloud-sync", "[PasswordHash]"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The service's function list marks Switch's key/value pairs optional: without them Switch
/// is a warning, never an error; a key without a value stays an error.
#[test]
fn switch_with_only_a_source_is_a_warning() {
    let out = entramap(&["check", "Switch([IsSoftDeleted])"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("warning[switch-without-pairs]"));
    let odd = entramap(&["check", "Switch([IsSoftDeleted], , \"False\")"]);
    assert_eq!(odd.status.code(), Some(1));
    assert!(stdout(&odd).contains("error[switch-pairs]"));
}
