//! Runs `tests/fixtures/expressions/eval.tsv`: expression, user JSON, expected result.

use chrono::{TimeZone, Utc};
use entramap::expr::eval::{compile_text, EvalContext, JsonSource, NoFlowReason, Outcome};

fn render(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Flows { value, .. } => value
            .text()
            .map(|t| t.into_owned())
            .unwrap_or_else(|| value.to_string()),
        Outcome::NotFlowing {
            reason: NoFlowReason::NullResult,
            ..
        } => "<null>".to_owned(),
        Outcome::NotFlowing { .. } => "<no-flow>".to_owned(),
    }
}

#[test]
fn eval_tsv_rows_give_their_expected_results() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/expressions/eval.tsv"
    ))
    .expect("eval.tsv is readable");
    let ctx = EvalContext::at(Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).unwrap());
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        let (expression, user, expected) = (cols[0], cols[1], cols[2]);
        let source = JsonSource::parse(user)
            .unwrap_or_else(|e| panic!("line {}: bad user JSON: {e}", n + 1));
        let got = match compile_text(expression).and_then(|c| c.eval(&source, &ctx)) {
            Ok(outcome) => render(&outcome),
            Err(e) => format!("<error: {e}>"),
        };
        if got != expected {
            failures.push(format!(
                "line {}: {expression}\n  expected: {expected}\n  got:      {got}",
                n + 1
            ));
        }
    }
    assert!(rows > 0, "eval.tsv has no rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
