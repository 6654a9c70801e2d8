//! The expression corpus: real expressions from Microsoft's docs and samples (copied into
//! `tests/fixtures/expressions/`, sources in each file's header) check clean, and known-invalid
//! ones are rejected with the fitting rule.

use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use entramap::expr::source::entra_id;
use entramap::Severity;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/expressions");

fn rows(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(file)).expect("fixture exists");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn context(name: &str) -> Context {
    match name {
        "app-provisioning" => Context::AppProvisioning,
        "hr-inbound" => Context::HrInbound,
        "cloud-sync" => Context::CloudSync,
        other => panic!("unknown context {other}"),
    }
}

/// The checker options of a row: the context's source schema (Entra ID in app provisioning, AD
/// and Entra ID in Cloud Sync, open in HR inbound), or any attribute for object `any`.
fn options(context_name: &str, object: &str) -> CheckOptions<'static> {
    let context = context(context_name);
    let schema = entramap::expr::source::for_context(context);
    CheckOptions {
        context,
        attributes: match (object, schema) {
            ("user", Some(schema)) => Attributes::Schema(&schema.users),
            ("group", Some(schema)) => Attributes::Schema(&schema.groups),
            ("user" | "group" | "any", _) => Attributes::Any,
            (other, _) => panic!("unknown object {other}"),
        },
        target_type: None,
    }
}

fn describe(diagnostics: &[entramap::Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("{}[{}] {}", d.severity, d.rule, d.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn valid_expressions_check_clean() {
    let mut failures = Vec::new();
    let rows = rows("valid.tsv");
    assert!(rows.len() > 100, "the corpus has {} rows", rows.len());
    for row in &rows {
        let (expression, ctx, object, note) = (
            &row[0],
            &row[1],
            &row[2],
            row.get(3).map_or("", String::as_str),
        );
        let checked = check_text(expression, &options(ctx, object));
        let warnings_allowed = note.starts_with("warn:");
        let bad: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| {
                d.severity == Severity::Error
                    || (d.severity == Severity::Warning && !warnings_allowed)
            })
            .cloned()
            .collect();
        if !bad.is_empty() {
            failures.push(format!(
                "{expression}\n    ({ctx}, {object}): {}",
                describe(&bad)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} valid expressions were rejected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn invalid_expressions_are_rejected_with_the_fitting_rule() {
    let mut failures = Vec::new();
    let rows = rows("invalid.tsv");
    assert!(rows.len() > 50, "the corpus has {} rows", rows.len());
    for row in &rows {
        let (expression, ctx, object, expected) = (&row[0], &row[1], &row[2], &row[3]);
        let checked = check_text(expression, &options(ctx, object));
        if !checked
            .diagnostics
            .iter()
            .any(|d| d.rule == expected.as_str())
        {
            failures.push(format!(
                "{expression}\n    expected {expected}, got: {}",
                describe(&checked.diagnostics)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} invalid expressions were not caught:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_expression_rule_has_an_invalid_example() {
    let covered: Vec<String> = rows("invalid.tsv")
        .into_iter()
        .map(|r| r[3].clone())
        .collect();
    for rule in entramap::diagnostics::rules::RULES
        .iter()
        .filter(|r| r.layer == entramap::diagnostics::rules::Layer::Expression)
    {
        if matches!(
            rule.id.as_str(),
            "nesting-too-deep"
                | "expression-too-long"
                | "target-type-mismatch"
                | "parameter-not-in-context"
                | "undocumented-function"
                | "unverified-identifier"
                | "function-name-case"
                | "multivalue-argument"
                | "single-value-argument"
                | "top-level-recommended"
                | "unlisted-source-attribute"
        ) {
            continue;
        }
        assert!(
            covered.iter().any(|c| c == rule.id.as_str()),
            "no invalid example for {}",
            rule.id
        );
    }
}

#[test]
fn multiline_expressions_keep_exact_positions() {
    for row in rows("multiline/index.tsv") {
        let (file, ctx, object, expected) = (&row[0], &row[1], &row[2], &row[3]);
        let text = std::fs::read_to_string(Path::new(FIXTURES).join("multiline").join(file))
            .expect("fixture");
        let checked = check_text(&text, &options(ctx, object));
        if expected == "clean" {
            let errors: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .cloned()
                .collect();
            assert!(errors.is_empty(), "{file}: {}", describe(&errors));
        } else {
            assert!(
                checked
                    .diagnostics
                    .iter()
                    .any(|d| d.rule == expected.as_str()),
                "{file}: {}",
                describe(&checked.diagnostics)
            );
        }
    }
    let text =
        std::fs::read_to_string(Path::new(FIXTURES).join("multiline/unknown-attribute-line3.txt"))
            .expect("fixture");
    let checked = check_text(&text, &options("app-provisioning", "user"));
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-source-attribute")
        .expect("reported");
    let source = entramap::diagnostics::report::SourceText::new("x", text.clone());
    let (start, end) = (source.position(d.span.start), source.position(d.span.end));
    assert_eq!(
        (start.line, start.column, end.line, end.column),
        (3, 10, 3, 18)
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `surname`?"));
}

#[test]
fn lenient_attributes_turn_unknown_names_into_warnings() {
    let schema = entra_id();
    let options = CheckOptions {
        context: Context::AppProvisioning,
        attributes: Attributes::Lenient(&schema.users),
        target_type: None,
    };
    let checked = check_text("Join(\" \", [givenNme], [proxyAddresses])", &options);
    let found: Vec<(&str, Severity)> = checked
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.severity))
        .collect();
    assert_eq!(
        found,
        vec![("unlisted-source-attribute", Severity::Warning)]
    );
    assert_eq!(
        checked.diagnostics[0].help.as_deref(),
        Some("did you mean `givenName`?")
    );
}
