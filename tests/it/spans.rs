//! A diagnostic about a token inside an expression points at that token in the file, whatever
//! the YAML or JSON quoting: plain, single-quoted, double-quoted (with escapes before the token),
//! literal and folded block scalars, and JSON strings with escapes.

use entramap::lint::lint_source;

const HEAD: &str = "entramap: 1\napp: Spans\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: displayName\n    expression: ";

/// Lints `file` and returns the text, line and column of the one `unknown-source-attribute`.
fn located(name: &str, file: &str) -> (String, usize, usize) {
    let report = lint_source(name, file, None).report;
    let found: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-source-attribute")
        .collect();
    assert_eq!(found.len(), 1, "{:?}", report.diagnostics);
    let span = found[0].span;
    let start = report.source.position(span.start);
    (
        file[span.start..span.end].to_owned(),
        start.line,
        start.column,
    )
}

#[test]
fn plain_scalar() {
    let file = format!("{HEAD}Join(\" \", [givenNme], [surname])\n");
    assert_eq!(
        located("p.entramap.yaml", &file),
        ("[givenNme]".into(), 10, 27)
    );
}

#[test]
fn single_quoted_scalar_with_doubled_quotes_before() {
    let file = format!("{HEAD}'Join(\"''\", [givenNme], [surname])'\n");
    assert_eq!(
        located("s.entramap.yaml", &file),
        ("[givenNme]".into(), 10, 29)
    );
}

#[test]
fn double_quoted_scalar_with_escapes_before() {
    let file = format!("{HEAD}\"Join(\\\"\\u00e9\\t\\\", [givenNme], [surname])\"\n");
    assert_eq!(
        located("d.entramap.yaml", &file),
        ("[givenNme]".into(), 10, 37)
    );
}

#[test]
fn double_quoted_scalar_folded_over_lines() {
    let file = format!("{HEAD}\"Join(\\\" \\\",\n      [givenNme], [surname])\"\n");
    assert_eq!(
        located("f.entramap.yaml", &file),
        ("[givenNme]".into(), 11, 7)
    );
}

#[test]
fn literal_block_scalar() {
    let file =
        format!("{HEAD}|\n      Join(\" \",\n           [givenNme],\n           [surname])\n");
    assert_eq!(
        located("l.entramap.yaml", &file),
        ("[givenNme]".into(), 12, 12)
    );
}

#[test]
fn folded_block_scalar() {
    let file = format!("{HEAD}>-\n      Join(\" \",\n      [givenNme], [surname])\n");
    assert_eq!(
        located("g.entramap.yaml", &file),
        ("[givenNme]".into(), 12, 7)
    );
}

#[test]
fn json_string_with_escapes() {
    let file = "{\"entramap\": 1, \"app\": \"J\",\n \"users\": [{\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1},\n  {\"target\": \"active\", \"expression\": \"Not([IsSoftDeleted])\"},\n  {\"target\": \"displayName\", \"expression\": \"Join(\\\"\\u00e9\\/\\\", [givenNme])\"}]}\n";
    assert_eq!(
        located("j.entramap.json", file),
        ("[givenNme]".into(), 4, 63)
    );
}

#[test]
fn direct_source_and_target_spans() {
    let file = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalNme\n    matching_precedence: 1\n  - target: 'name.givenNam'\n    source: givenName\n";
    let report = lint_source("t.entramap.yaml", file, None).report;
    let texts: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), &file[d.span.start..d.span.end]))
        .collect();
    assert!(
        texts.contains(&("unknown-source-attribute", "userPrincipalNme")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("unknown-target-attribute", "name.givenNam")),
        "{texts:?}"
    );
}
