//! YAML anchors, aliases (`*name`) and merge keys (`<<: *name`) under `lint --fix`, the
//! language server's quick fixes (the same fixes) and `fmt`: an edit goes to the anchored text,
//! once, and never into an alias or a merge key.

use crate::common::{entramap, stderr};
use entramap::canonical::format_source;
use entramap::lint::fix::apply_fixes;
use entramap::lint::lint_source;

const HEAD: &str = "entramap: 1\napp: Test\ntarget: scim-core\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n";

/// Applies every certain fix of `text` (as `lint --fix` does) and returns the result.
fn fix_all(text: &str) -> String {
    let report = lint_source("a.entramap.yaml", text, None);
    apply_fixes(text, &report.report.diagnostics).0
}

#[test]
fn a_fix_through_an_alias_edits_the_anchored_expression_once() {
    let text = format!(
        "{HEAD}  - target: displayName\n    expression: &e LCase([givenNme])\n  - target: nickName\n    expression: *e\n  - target: title\n    expression: *e\n"
    );
    let fixed = fix_all(&text);
    assert_eq!(
        fixed,
        text.replace("&e LCase([givenNme])", "&e ToLower([givenName])"),
        "only the anchored text changes"
    );
    let again = lint_source("a.entramap.yaml", &fixed, None);
    assert!(
        again.report.diagnostics.iter().all(|d| d.fix.is_none()),
        "{:?}",
        again.report.diagnostics
    );
}

#[test]
fn a_fix_through_a_merge_key_edits_the_anchored_mapping_and_keeps_the_merge_key() {
    let text = format!(
        "{HEAD}  - &m {{target: displayName, expression: \"LCase([givenNme])\"}}\n  - <<: *m\n    target: nickName\n"
    );
    let fixed = fix_all(&text);
    assert_eq!(
        fixed,
        text.replace("\"LCase([givenNme])\"", "\"ToLower([givenName])\""),
    );
    assert!(fixed.contains("  - <<: *m\n"), "{fixed}");
}

#[test]
fn a_key_fix_is_not_offered_through_a_merge_key() {
    let text = format!(
        "{HEAD}  - &m {{target: displayName, source: givenName, nots: x}}\n  - <<: *m\n    target: nickName\n"
    );
    let report = lint_source("a.entramap.yaml", &text, None);
    let keys: Vec<_> = report
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-key")
        .collect();
    assert_eq!(keys.len(), 2, "{keys:#?}");
    assert_eq!(
        keys.iter().filter(|d| d.fix.is_some()).count(),
        1,
        "only the anchored mapping's own key carries the fix: {keys:#?}"
    );
    let fixed = fix_all(&text);
    assert_eq!(fixed, text.replace("nots: x", "note: x"));
}

#[test]
fn fmt_rewrites_the_anchored_expression_and_keeps_the_alias() {
    let text = format!(
        "{HEAD}  - target: displayName\n    expression: &e ToLower( [givenName] )\n  - target: nickName\n    expression: *e\n"
    );
    let formatted = format_source("a.entramap.yaml", &text);
    assert!(formatted.errors.is_empty(), "{:?}", formatted.errors);
    assert_eq!(
        formatted.text.as_deref(),
        Some(
            text.replace("&e ToLower( [givenName] )", "&e ToLower([givenName])")
                .as_str()
        )
    );
}

#[test]
fn lint_fix_on_disk_keeps_aliases_and_merge_keys() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("aliases.entramap.yaml");
    let text = format!(
        "{HEAD}  - &m {{target: displayName, expression: \"LCase([givenNme])\"}}\n  - <<: *m\n    target: nickName\n  - target: title\n    expression: &t LCase([jobTitle])\n  - target: profileUrl\n    expression: *t\n"
    );
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let output = entramap(&["lint", "--fix", &path]);
    assert!(
        stderr(&output).contains("3 fixes applied"),
        "{}",
        stderr(&output)
    );
    let fixed = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        fixed,
        text.replace("LCase([givenNme])", "ToLower([givenName])")
            .replace("LCase([jobTitle])", "ToLower([jobTitle])")
    );
}

#[test]
fn a_certain_fix_never_creates_a_duplicate_key_or_target() {
    let key = format!("{HEAD}  - target: title\n    source: jobTitle\n    sourc: department\n");
    let report = lint_source("a.entramap.yaml", &key, None);
    let d = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-key")
        .unwrap_or_else(|| panic!("{:?}", report.report.diagnostics));
    assert_eq!(d.fix, None, "`source` is already there");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("`source`")));

    let target = format!(
        "{HEAD}  - target: title\n    source: jobTitle\n  - target: titel\n    source: department\n"
    );
    let report = lint_source("a.entramap.yaml", &target, None);
    let d = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-target-attribute")
        .unwrap_or_else(|| panic!("{:?}", report.report.diagnostics));
    assert_eq!(d.fix, None, "`title` is already mapped");
}
