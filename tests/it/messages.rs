//! Messages that help (issue 12): YAML-aware help for the quoting traps, labels under the
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
