//! Inputs chosen to overflow integers or blow up work: each gets a finding or an evaluation
//! error, never a panic.

use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use entramap::expr::eval::{compile_text, EvalContext, JsonSource};

fn check_rules(text: &str) -> Vec<&'static str> {
    let options = CheckOptions {
        context: Context::AppProvisioning,
        attributes: Attributes::Any,
        target_type: None,
    };
    check_text(text, &options)
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect()
}

fn eval(text: &str) -> Result<String, String> {
    let compiled = compile_text(text).map_err(|e| e.to_string())?;
    let user = JsonSource::parse("{}").expect("empty user");
    let ctx = EvalContext::at(chrono::DateTime::UNIX_EPOCH);
    compiled
        .eval(&user, &ctx)
        .map(|o| format!("{o:?}"))
        .map_err(|e| e.to_string())
}

#[test]
fn random_string_minimums_that_overflow_are_out_of_bounds() {
    let text = "RandomString(8, 9223372036854775807, 1, 0, 0)";
    assert_eq!(check_rules(text), vec!["random-string-bounds"]);
    let error = eval(text).expect_err("fails for the object");
    assert!(error.contains("minimums"), "{error}");
}

#[test]
fn a_year_with_too_many_digits_does_not_parse() {
    let error = eval(r#"FormatDateTime("99999999999", , "yyyyyyyyyyy", "yyyy")"#)
        .expect_err("no such date");
    assert!(!error.is_empty());
}

#[test]
fn a_huge_attribute_name_gets_no_suggestion_quickly() {
    let name = "a".repeat(60_000);
    let options = CheckOptions {
        context: Context::AppProvisioning,
        attributes: Attributes::Schema(&entramap::expr::source::entra_id().users),
        target_type: None,
    };
    let checked = check_text(&format!("[{name}]"), &options);
    assert!(checked
        .diagnostics
        .iter()
        .any(|d| d.rule == "unknown-source-attribute"));
}

#[test]
fn an_invalid_dotnet_escape_is_an_invalid_regex() {
    assert_eq!(
        check_rules(r#"Replace([mail], , "abc\\", , "", , )"#),
        vec!["invalid-regex"]
    );
    assert!(
        check_rules(r#"Replace([mail], , "(?<=@)contoso", , "", , )"#).is_empty(),
        "look-behind is valid .NET"
    );
}
