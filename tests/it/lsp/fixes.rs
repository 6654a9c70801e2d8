//! The certain fixes that lint findings carry (`Diagnostic::fix`), which the quick fixes offer
//! and a `lint --fix` can apply: each one, applied, removes its finding; uncertain suggestions
//! carry none.

use super::protocol::HEAD;
use entramap::lint::lint_source;

/// Lints `text`, applies the fix of its `rule` finding and returns the fixed text.
fn fixed(text: &str, rule: &str) -> String {
    let report = lint_source("a.entramap.yaml", text, None);
    let d = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("{rule} in {:#?}", report.report.diagnostics));
    let fix = d
        .fix
        .as_ref()
        .unwrap_or_else(|| panic!("{rule} carries a fix"));
    let mut out = text.to_owned();
    out.replace_range(fix.span.start..fix.span.end, &fix.replacement);
    let after = lint_source("a.entramap.yaml", &out, None);
    assert!(
        after.report.diagnostics.iter().all(|x| x.rule != rule),
        "{rule} is gone after the fix: {out}"
    );
    out
}

#[test]
fn each_certain_fix_removes_its_finding() {
    let mapping = |m: &str| format!("{HEAD}{m}");
    let cases = [
        ("function-name-case", mapping("  - target: title\n    expression: Instr([mail], \"@\")\n"), "InStr([mail]"),
        ("connect-sync-only-function", mapping("  - target: title\n    expression: \"UCase([mail])\"\n"), "\"ToUpper([mail])\""),
        ("unknown-function", mapping("  - target: title\n    expression: ToLowr([mail])\n"), "ToLower([mail])"),
        ("unknown-source-attribute", mapping("  - target: title\n    expression: ToLower([mial])\n"), "ToLower([mail])"),
        ("unknown-source-attribute", mapping("  - target: title\n    source: 'departmnt'\n"), "source: 'department'"),
        ("unknown-target-attribute", mapping("  - target: titel\n    source: jobTitle\n"), "target: title\n"),
        ("unknown-key", mapping("  - target: title\n    source: jobTitle\n    nots: x\n"), "    note: x\n"),
        ("allow-unknown-rule", mapping("  - target: title\n    expression: Instr([mail], \"@\")\n    allow:\n      - rule: function-name-cas\n        reason: r\n"), "rule: function-name-case\n"),
        ("scoping-unknown-attribute", "entramap: 1\napp: T\nusers:\n  scoping:\n    - - {attribute: departmnt, operator: EQUALS, value: Sales}\n  mappings:\n    - target: userName\n      source: userPrincipalName\n      matching_precedence: 1\n    - target: active\n      expression: Not([IsSoftDeleted])\n".to_owned(), "{attribute: department,"),
    ];
    for (rule, text, expected) in cases {
        let out = fixed(&text, rule);
        assert!(out.contains(expected), "{rule}: {out}");
    }
}

#[test]
fn a_fix_in_json_keeps_the_quotes() {
    let text = "{\"entramap\": 1, \"app\": \"T\", \"users\": [{\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1}, {\"target\": \"active\", \"expression\": \"Not([IsSoftDeleted])\", \"nots\": \"x\"}]}";
    let report = lint_source("a.entramap.json", text, None);
    let d = report
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-key")
        .expect("unknown-key");
    let fix = d.fix.as_ref().expect("a fix");
    assert_eq!(&text[fix.span.start..fix.span.end], "nots");
    assert_eq!(fix.replacement, "note");
}

#[test]
fn uncertain_suggestions_carry_no_fix() {
    for expression in [
        // Contains has advice but no one-to-one equivalent.
        "Contains([mail], \"@\")",
        // extensionAttribute1, 2, ... 10 are all one edit away: a suggestion, not a fix.
        "ToLower([extensionAttribute0])",
    ] {
        let text = format!("{HEAD}  - target: title\n    expression: '{expression}'\n");
        let report = lint_source("a.entramap.yaml", &text, None);
        let found = &report.report.diagnostics;
        assert!(
            found.iter().any(|d| d
                .help
                .as_deref()
                .is_some_and(|h| h.contains("did you mean") || h.contains("use InStr"))),
            "{expression}: {found:?}"
        );
        for d in &report.report.diagnostics {
            assert_eq!(d.fix, None, "{expression}: {d:?}");
        }
    }
}
