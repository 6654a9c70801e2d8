//! Messages that help: YAML-aware help for the quoting traps, labels under the
//! characters they name, `explain` examples that paste as valid YAML, help that does not
//! recommend what it complains about.

use crate::common::{entramap, stdout, with_stdin};

/// Each trap: the fixture, the line as written, and a fix the help must offer (applied to the
/// file, it lints clean).
const TRAPS: &[(&str, &str, &[&str])] = &[
    (
        "quoted-constant.entramap.yaml",
        "expression: \"Employee\"",
        &["expression: '\"Employee\"'", "constant: Employee"],
    ),
    (
        "list-expression.entramap.yaml",
        "expression: [displayName]",
        &["source: displayName", "expression: '[displayName]'"],
    ),
    (
        "colon-in-plain-value.entramap.yaml",
        "expression: Join(\": \", [givenName], [surname])",
        &["expression: 'Join(\": \", [givenName], [surname])'"],
    ),
    (
        "bare-attribute.entramap.yaml",
        "expression: mailNickname",
        &["source: mailNickname", "expression: '[mailNickname]'"],
    ),
    (
        "json-quoted-constant.entramap.json",
        "\"expression\": \"Employee\"",
        &[
            "\"expression\": \"\\\"Employee\\\"\"",
            "\"constant\": \"Employee\"",
        ],
    ),
];

#[test]
fn yaml_quoting_traps_get_help_that_fixes_them() {
    for (fixture, written, fixes) in TRAPS {
        let path = format!("tests/fixtures/yaml-traps/{fixture}");
        let output = entramap(&["lint", &path]);
        assert_eq!(output.status.code(), Some(1), "{fixture}");
        let text = stdout(&output);
        insta::assert_snapshot!(format!("yaml_trap_{fixture}"), text);
        let help = text.split("help:").nth(1).unwrap_or_default();
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let original = std::fs::read_to_string(crate::common::root().join(&path))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(original.contains(written), "{fixture}");
        for fix in *fixes {
            assert!(
                help.contains(fix),
                "{fixture}: the help does not offer {fix}: {help}"
            );
            let fixed = original.replace(written, fix);
            let name = if fixture.ends_with(".json") {
                "fixed.entramap.json"
            } else {
                "fixed.entramap.yaml"
            };
            let clean = with_stdin(&["lint", "-", "--stdin-filename", name], fixed.as_bytes());
            assert_eq!(
                clean.status.code(),
                Some(0),
                "{fixture} fixed with {fix}:\n{}",
                stdout(&clean)
            );
        }
    }
}

/// The characters of `row` (a code-frame line) from the first character of `source` on.
fn columns(row: &str) -> Vec<char> {
    row.chars().collect()
}

#[test]
fn labels_are_drawn_under_the_characters_they_name_when_several_share_a_line() {
    let output = entramap(&[
        "lint",
        "tests/fixtures/messages/nested-labels.entramap.yaml",
    ]);
    let text = stdout(&output);
    insta::assert_snapshot!("nested_labels", text);
    let lines: Vec<&str> = text.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("expression: Join("))
        .unwrap_or_else(|| panic!("no source line in {text}"));
    let (code, underline) = (columns(lines[source]), columns(lines[source + 1]));
    let code_text: String = code.iter().collect();
    for name in ["[surname]", "[givenName]", "[department]"] {
        let byte = code_text.find(name).unwrap_or_else(|| panic!("{name}"));
        let start = code_text[..byte].chars().count();
        let width = name.chars().count();
        for (i, c) in underline.iter().enumerate().skip(start).take(width) {
            assert!(
                matches!(c, '─' | '┬'),
                "{name}: column {i} is {c:?}\n{text}"
            );
        }
        assert_eq!(
            underline.get(start - 1),
            Some(&' '),
            "{name} starts its own underline\n{text}"
        );
        assert!(
            underline.get(start + width).is_none_or(|c| *c == ' '),
            "{name} ends its own underline\n{text}"
        );
        let labels = &lines[source + 2..];
        assert!(labels
            .iter()
            .any(|l| l.contains(&format!("`{}`", &name[1..name.len() - 1]))));
    }
}

#[test]
fn help_never_recommends_the_attribute_it_complains_about() {
    let output = entramap(&[
        "lint",
        "tests/fixtures/messages/username-not-filterable.entramap.yaml",
    ]);
    let text = stdout(&output);
    insta::assert_snapshot!("username_not_filterable", text);
    let help = text.split("help:").nth(1).unwrap_or_default();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("warning[matching-not-filterable]"), "{text}");
    let advice = help.split("; ").nth(1).unwrap_or_default();
    assert!(!advice.contains("userName"), "{help}");
    assert!(advice.contains("`externalId`"), "{help}");
}

/// `docs/rules.md`, which the language server's diagnostics link to, is generated from the rule
/// table; this keeps the file equal to it (`ENTRAMAP_UPDATE_DOCS=1` rewrites it).
#[test]
fn rules_docs_are_generated_from_the_rule_table() {
    let docs = crate::common::assert_generated_docs(
        "rules.md",
        &entramap::diagnostics::rules::reference_markdown(),
        "rules_docs",
    );
    // Every rule has its section, whose heading is the anchor the links name.
    for rule in entramap::diagnostics::rules::RULES {
        assert!(docs.contains(&format!("\n## {}\n", rule.id)), "{}", rule.id);
    }
}
