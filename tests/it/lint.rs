//! Every mapping rule: a fixture that triggers it (`tests/fixtures/lint/<rule>/bad.entramap.yaml`,
//! with snapshots of the human and JSON output) and its fixed form, which lints clean.

use entramap::diagnostics::report::{to_human, to_json};
use entramap::diagnostics::rules::{Layer, MappingCheck, RULES};
use entramap::lint::{checks, lint_file, lint_source, LintReport};
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint")
}

/// Lints a fixture with a name relative to the repository, so output is stable.
fn lint_fixture(rule: &str, which: &str) -> LintReport {
    let path = fixture_dir()
        .join(rule)
        .join(format!("{which}.entramap.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lint_source(
        &format!("tests/fixtures/lint/{rule}/{which}.entramap.yaml"),
        &text,
        path.parent(),
    )
}

fn rules_with_fixtures() -> Vec<String> {
    let mut rules: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    rules.sort();
    rules
}

#[test]
fn every_mapping_rule_has_fixtures_and_a_check() {
    let fixtures = rules_with_fixtures();
    for rule in RULES.iter().filter(|r| r.layer == Layer::Mapping) {
        if rule.id != "file-unreadable" {
            assert!(
                fixtures.iter().any(|f| f == rule.id.as_str()),
                "no fixture for {}",
                rule.id
            );
        }
    }
}

#[test]
fn every_mapping_check_runs_once() {
    for check in MappingCheck::ALL {
        let runs = checks::CHECKS.iter().filter(|c| c.check == *check).count();
        assert_eq!(runs, 1, "{check:?} runs {runs} times");
        assert!(check.rules().next().is_some(), "{check:?} reports no rule");
    }
}

#[test]
fn bad_fixtures_trigger_their_rule() {
    for rule in rules_with_fixtures() {
        let report = lint_fixture(&rule, "bad");
        let ids: Vec<&str> = report
            .report
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .collect();
        assert!(
            ids.contains(&rule.as_str()),
            "{rule}: bad fixture reports {ids:?}"
        );
        let reports = [report.report];
        insta::assert_snapshot!(format!("{rule}_human"), to_human(&reports, false));
        insta::assert_json_snapshot!(format!("{rule}_json"), to_json(&reports));
    }
}

#[test]
fn good_fixtures_lint_clean() {
    for rule in rules_with_fixtures() {
        let report = lint_fixture(&rule, "good");
        let found: Vec<String> = report
            .report
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        assert!(found.is_empty(), "{rule}: good fixture reports {found:?}");
    }
}

#[test]
fn examples_lint_clean_and_the_broken_one_does_not() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        seen += 1;
        let report = lint_file(&path);
        let found: Vec<String> = report
            .report
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        assert!(found.is_empty(), "{}: {found:?}", path.display());
        assert!(report.mappings > 0);
    }
    assert!(seen >= 4, "one example per built-in profile");
    let broken = lint_file(&examples.join("broken/idmelon-typo.entramap.yaml"));
    let mut ids: Vec<&str> = broken
        .report
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "connect-sync-only-function",
            "matching-precedence-duplicate",
            "unknown-source-attribute"
        ]
    );
}

#[test]
fn allow_suppresses_by_rule_in_a_mapping_and_in_the_file() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: nickName\n    source: mailNickname\n    matching_precedence: 2\n    allow:\n      - {rule: matching-not-filterable, reason: the vendor supports it}\nallow:\n  - {rule: is-soft-deleted-unmapped, reason: the vendor deletes users instead}\n";
    let report = lint_source("t.entramap.yaml", text, None);
    assert!(
        report.report.diagnostics.is_empty(),
        "{:?}",
        report.report.diagnostics
    );
    assert_eq!(report.suppressed.len(), 2);
}

#[test]
fn secrets_are_masked_in_every_output() {
    let report = lint_fixture("secret-token", "bad");
    let secret = "c2VjcmV0LXNpZ25hdHVyZS1mb3ItdGVzdHM";
    let reports = [report.report];
    assert!(!to_human(&reports, false).contains(secret));
    assert!(!to_json(&reports).to_string().contains(secret));
    assert!(!entramap::diagnostics::report::to_sarif(&reports)
        .to_string()
        .contains(secret));
    assert!(!entramap::diagnostics::report::to_github(&reports).contains(secret));
}

#[test]
fn json_mapping_files_are_linted_with_spans() {
    let text = r#"{"entramap": 1, "app": "T", "users": [{"target": "userName", "source": "userPrincipalName", "matching_precedence": 1}, {"target": "active", "expression": "Not([IsSoftDeleted])"}, {"target": "displayName", "expression": "Join(\" \", [givenNme])"}], "colour": 1}"#;
    let report = lint_source("t.entramap.json", text, None);
    let found: Vec<(&str, &str)> = report
        .report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), &text[d.span.start..d.span.end]))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-source-attribute", "[givenNme]"),
            ("unknown-key", "\"colour\"")
        ]
    );
}

#[test]
fn configuration_rules_cannot_be_suppressed() {
    let text = "entramap: 1\napp: T\ntarget: nosuch\nallow:\n  - {rule: unknown-target-profile, reason: try}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n";
    let report = lint_source("t.entramap.yaml", text, None);
    let rules: Vec<&str> = report
        .report
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    assert!(rules.contains(&"unknown-target-profile"), "{rules:?}");
    assert!(!report.configuration_error(), "a finding, exit 1");
    assert!(report.suppressed.is_empty());
    let allow = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "allow-unknown-rule")
        .expect("the allow entry is reported");
    assert!(
        allow.message.contains("cannot be suppressed"),
        "{}",
        allow.message
    );
    assert_eq!(
        &text[allow.span.start..allow.span.end],
        "unknown-target-profile"
    );
}

#[test]
fn a_one_mebibyte_source_name_gets_no_suggestion() {
    let word = "g".repeat(1 << 20);
    let text = format!(
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: displayName\n    source: {word}\n"
    );
    let report = lint_source("t.entramap.yaml", &text, None);
    let finding = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-source-attribute")
        .expect("the unknown source is reported");
    assert!(
        !finding
            .help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean"),
        "{:?}",
        finding.help
    );
}

#[test]
fn a_given_profile_replaces_the_one_the_file_names() {
    use entramap::lint::lint_source_with_profile;
    use entramap::model::profile::{built_in, from_text};
    let text =
        std::fs::read_to_string("examples/idmelon.entramap.yaml").unwrap_or_else(|e| panic!("{e}"));
    let rules = |report: &LintReport| -> Vec<String> {
        report
            .report
            .diagnostics
            .iter()
            .map(|d| d.rule.to_string())
            .collect()
    };
    // As the file says (idmelon), and against idmelon given explicitly: the same findings.
    let named = lint_source("idmelon.entramap.yaml", &text, None);
    let given = lint_source_with_profile("idmelon.entramap.yaml", &text, built_in("idmelon"));
    assert_eq!(rules(&named), rules(&given));
    // Against a pasted profile that knows only userName, the other targets are unknown.
    let pasted = "entramap-target: 1\nname: tiny\nusers:\n  attributes:\n    - {name: userName, type: String, required: true}\ngroups:\n  attributes:\n    - {name: displayName, type: String}\n";
    let tiny = lint_source_with_profile(
        "idmelon.entramap.yaml",
        &text,
        from_text(pasted, "pasted profile"),
    );
    assert!(
        rules(&tiny).iter().any(|r| r == "unknown-target-attribute"),
        "{:?}",
        rules(&tiny)
    );
    // A pasted profile that does not parse is a configuration finding at `target:`.
    let broken = lint_source_with_profile(
        "idmelon.entramap.yaml",
        &text,
        from_text("entramap-target: 1\nname: [", "pasted profile"),
    );
    assert!(broken.configuration_error());
    let finding = &broken.report.diagnostics[0];
    assert_eq!(finding.rule.to_string(), "invalid-target-profile");
    assert!(
        finding.message.starts_with("pasted profile:"),
        "{}",
        finding.message
    );
    assert_eq!(
        &text[finding.span.start..finding.span.end],
        "idmelon",
        "at the file's target:"
    );
}

/// Did-you-mean work is bounded per file: 300 misspelt sources against 300 declared names get
/// suggestions until the file's budget of edit distances is spent, then findings without one
/// (before, every finding compared itself with every name: quadratic, minutes for such a file).
#[test]
fn suggestions_stop_when_the_file_budget_is_spent() {
    let ext = "extension_0123456789abcdef0123456789abcdef";
    let mut text = String::from("entramap: 1\napp: T\nsource_attributes:\n  users:\n");
    for i in 0..300 {
        text.push_str(&format!("    - {{name: {ext}_attr{i}}}\n"));
    }
    text.push_str(
        "users:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n",
    );
    for i in 0..300 {
        text.push_str(&format!("  - target: title\n    source: {ext}_atr{i}\n"));
    }
    let report = lint_source("t.entramap.yaml", &text, None);
    let unknown: Vec<_> = report
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-source-attribute")
        .collect();
    assert_eq!(unknown.len(), 300);
    let suggested = unknown
        .iter()
        .filter(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.contains("did you mean"))
        })
        .count();
    assert!(
        suggested > 0 && suggested < 300,
        "{suggested} of 300 have a suggestion"
    );
    assert!(unknown[0]
        .help
        .as_deref()
        .is_some_and(|h| h.contains(&format!("{ext}_attr0"))));
}

/// `roles` declared String + multi-valued in the mapping file (the portal's "Edit attribute
/// list" has no complex type; vendor guides set it up so) takes AppRoleAssignmentsComplex as the
/// same attribute in a target profile does: the two ways of declaring it agree.
#[test]
fn app_role_functions_into_a_declared_string_roles_lint_as_in_a_profile() {
    for function in [
        "AppRoleAssignmentsComplex",
        "AssertiveAppRoleAssignmentsComplex",
    ] {
        let declared = format!(
            "entramap: 1\napp: Roles\ntarget: scim-core\ntarget_attributes:\n  users:\n    - {{name: roles, type: String, multivalued: true}}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: roles\n    expression: {function}([appRoleAssignments])\n"
        );
        let report = lint_source("t.entramap.yaml", &declared, None);
        assert!(
            report.report.diagnostics.is_empty(),
            "{function}: {:?}",
            report.report.diagnostics
        );
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("roles.yaml"),
            "entramap-target: 1\nname: roles-app\nextends: scim-core\nusers:\n  attributes:\n    - {name: roles, type: String, multivalued: true}\n",
        )
        .expect("write the profile");
        let profiled = declared
            .replace("target: scim-core", "target: ./roles.yaml")
            .replace(
                "target_attributes:\n  users:\n    - {name: roles, type: String, multivalued: true}\n",
                "",
            );
        let report = lint_source("t.entramap.yaml", &profiled, Some(dir.path()));
        assert!(
            report.report.diagnostics.is_empty(),
            "{function} (profile): {:?}",
            report.report.diagnostics
        );
    }
}

/// A custom `title <- manager` is not "Microsoft's default mapping for this app": the
/// reference-to-string help says what happens, never where the mapping comes from.
#[test]
fn reference_to_string_help_makes_no_claim_about_defaults() {
    let text = "entramap: 1\napp: T\ntarget: scim-core\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: title\n    source: manager\n";
    let report = lint_source("t.entramap.yaml", text, None);
    let finding = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule.as_str() == "reference-to-string")
        .expect("reference-to-string");
    let help = finding.help.as_deref().unwrap_or_default();
    assert!(!help.contains("default mapping"), "{help}");
    assert!(help.contains("manager's id"), "{help}");
}

fn with_target(profile: &str, target: &str) -> String {
    format!(
        "entramap: 1\napp: T\ntarget: {profile}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: {target}\n    source: mail\n"
    )
}

fn help_of(text: &str, rule: &str) -> String {
    let report = lint_source("t.entramap.yaml", text, None);
    let d = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule.as_str() == rule)
        .unwrap_or_else(|| panic!("no {rule}: {:?}", report.report.diagnostics));
    format!("{} {}", d.message, d.help.as_deref().unwrap_or_default())
}

/// Letter-case typos get their suggestion: a filter value (`"Work"`), a SCIM URN longer than
/// the edit-distance bound (`:user:` for `:User:`), and the Graph template name `customappsso`
/// for the profile `scim-core`.
#[test]
fn did_you_mean_finds_case_typos_in_filters_urns_and_profile_names() {
    let work = help_of(
        &with_target("scim-core", "'emails[type eq \"Work\"].value'"),
        "unknown-target-attribute",
    );
    assert!(
        work.contains("did you mean `emails[type eq \"work\"].value`?"),
        "{work}"
    );
    let urn = help_of(
        &with_target(
            "scim-core",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department",
        ),
        "unknown-target-attribute",
    );
    assert!(
        urn.contains(
            "did you mean `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`?"
        ),
        "{urn}"
    );
    let profile = help_of(
        &with_target("customappsso", "title"),
        "unknown-target-profile",
    );
    assert!(profile.contains("did you mean `scim-core`?"), "{profile}");
}

/// An unknown `target:` name is a finding located at `target:` (exit 1), not a configuration
/// error (exit 2).
#[test]
fn an_unknown_target_name_is_a_located_finding_with_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("t.entramap.yaml");
    std::fs::write(&file, with_target("idmelonn", "title")).expect("write");
    let output = crate::common::entramap(&["lint", file.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(1));
    let text = crate::common::stdout(&output);
    assert!(
        text.contains(":3:9: error[unknown-target-profile]"),
        "{text}"
    );
    assert!(text.contains("did you mean `idmelon`?"), "{text}");
}

/// The two shapes of scoping admins write by mistake (a top-level `scoping:`, a flat list of
/// clauses) get findings that show the right shape and point at the scoped example, which
/// lints clean and previews.
#[test]
fn scoping_shape_errors_show_the_expected_shape() {
    let top_level = "entramap: 1\napp: T\ntarget: scim-core\nscoping:\n  - attribute: department\n    operator: EQUALS\n    value: Sales\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n";
    let flat = "entramap: 1\napp: T\ntarget: scim-core\nusers:\n  scoping:\n    - attribute: department\n      operator: EQUALS\n      value: Sales\n  mappings:\n    - target: userName\n      source: userPrincipalName\n      matching_precedence: 1\n    - target: active\n      expression: Not([IsSoftDeleted])\n";
    for (text, rule) in [(top_level, "unknown-key"), (flat, "invalid-value")] {
        let report = lint_source("t.entramap.yaml", text, None);
        let d = report
            .report
            .diagnostics
            .iter()
            .find(|d| d.rule.as_str() == rule)
            .unwrap_or_else(|| panic!("{rule}: {:?}", report.report.diagnostics));
        let help = d.help.as_deref().unwrap_or_default();
        assert!(
            help.contains("users: {scoping: [[clause, ...], ...], mappings: [...]}"),
            "{help}"
        );
        assert!(help.contains("examples/scoped.entramap.yaml"), "{help}");
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scoped.entramap.yaml");
    let report = lint_file(&example);
    assert!(report.report.diagnostics.is_empty());
    let output = crate::common::entramap(&[
        "preview",
        "examples/scoped.entramap.yaml",
        "--users",
        "examples/exports/users.jsonl",
    ]);
    assert!(crate::common::stdout(&output).contains("1 out of scope"));
}

/// YAML errors an admin cannot act on from the parser's text alone: the value's own quote
/// nested inside it, and tabs (reported on the tab's line, even on a continuation line).
#[test]
fn yaml_errors_help_with_nested_quotes_and_tabs_on_the_tab_line() {
    let head = "entramap: 1\napp: T\ntarget: scim-core\nusers:\n  - target: userName\n    source: userPrincipalName\n";
    let find = |text: &str| {
        let report = lint_source("t.entramap.yaml", text, None);
        let d = report
            .report
            .diagnostics
            .iter()
            .find(|d| d.rule.as_str() == "file-syntax")
            .cloned()
            .unwrap_or_else(|| panic!("{:?}", report.report.diagnostics));
        let line = text[..d.span.start].matches('\n').count() + 1;
        (line, d.message, d.help.unwrap_or_default())
    };
    let (_, _, help) = find(&format!(
        "{head}  - target: displayName\n    expression: 'Join(' ', [givenName], [surname])'\n"
    ));
    assert!(
        help.contains("expression: 'Join(\" \", [givenName], [surname])'"),
        "{help}"
    );
    assert!(
        help.contains("'Join('' '', [givenName], [surname])'"),
        "{help}"
    );
    let (line, message, help) = find(&format!("{head}\tmatching_precedence: 1\n"));
    assert_eq!(line, 7, "{message}");
    assert!(
        help.contains("replace the tab at the start of line 7"),
        "{help}"
    );
    let (line, _, _) = find(&format!(
        "{head}    matching_precedence: 1\n  - target: displayName\n    expression: Join(\" \",\n\t[givenName], [surname])\n"
    ));
    assert_eq!(line, 10, "the tab's own line, not the line before");
}
