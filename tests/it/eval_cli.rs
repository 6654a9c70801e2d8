//! `entramap eval` end to end: exit codes, formats, stdin, and insta snapshots of `--trace`.

use crate::common::{self, entramap, stdout, with_stdin};
use std::io::Write;

const NOW: &str = "2025-01-15T12:00:00Z";

fn user_file(json: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(json.as_bytes()).expect("write user");
    file
}

#[test]
fn prints_the_value_and_exits_0() {
    let user = user_file(r#"{"userPrincipalName":"John.Doe@contoso.com"}"#);
    let out = entramap(&[
        "eval",
        r#"Append([userPrincipalName], ".test")"#,
        "--user",
        user.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "\"John.Doe@contoso.com.test\"\n");
}

#[test]
fn says_when_the_attribute_does_not_flow() {
    let user = user_file(r#"{"department":""}"#);
    let out = entramap(&[
        "eval",
        "IgnoreFlowIfNullOrEmpty([department])",
        "--user",
        user.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("does not flow: IgnoreFlowIfNullOrEmpty"),
        "{}",
        stdout(&out)
    );
    let out = entramap(&["eval", r#"Switch([x], , "a", "b")"#]);
    assert!(
        stdout(&out).contains("does not flow: the expression yields null"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn reads_the_expression_from_stdin() {
    let user = user_file(r#"{"givenName":"Zoë"}"#);
    let out = with_stdin(
        &["eval", "-", "--user", user.path().to_str().unwrap()],
        "NormalizeDiacritics([givenName])\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "\"Zoe\"\n");
}

#[test]
fn reads_the_user_from_stdin() {
    let out = with_stdin(
        &["eval", "Item([proxyAddresses], 2)", "--user", "-"],
        r#"{"proxyAddresses":["a","b"]}"#.as_bytes(),
    );
    assert_eq!(stdout(&out), "\"b\"\n");
}

#[test]
fn evaluation_errors_exit_1_with_a_located_diagnostic() {
    let out = with_stdin(
        &["eval", "Item([proxyAddresses], 3)", "--user", "-"],
        r#"{"proxyAddresses":["a"]}"#.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("<expression>:1:1: error[evaluation-error]: Item: index 3 is out of range"),
        "{text}"
    );
}

#[test]
fn an_attribute_missing_from_the_schema_is_a_warning_and_the_value_flows() {
    let user = r#"{"givenNme":"Ana","surname":"Diaz"}"#;
    let bad = r#"Join(" ", [givenNme], [surname])"#;
    let human = with_stdin(&["eval", bad, "--user", "-"], user.as_bytes());
    assert_eq!(human.status.code(), Some(0));
    assert_eq!(stdout(&human), "\"Ana Diaz\"\n");
    insta::assert_snapshot!(
        "eval_human_unlisted-source-attribute",
        common::stderr(&human)
    );
    let json = with_stdin(
        &["eval", bad, "--user", "-", "--format", "json"],
        user.as_bytes(),
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json output");
    insta::assert_json_snapshot!("eval_json_unlisted-source-attribute", json);

    let good = r#"Join(" ", [givenName], [surname])"#;
    let clean = with_stdin(
        &["eval", good, "--user", "-", "--format", "json"],
        r#"{"givenName":"Ana","surname":"Diaz"}"#.as_bytes(),
    );
    assert_eq!(clean.status.code(), Some(0));
    let clean: serde_json::Value = serde_json::from_slice(&clean.stdout).expect("json output");
    assert_eq!(clean["diagnostics"], serde_json::json!([]), "{clean}");
    assert_eq!(
        clean["result"]["value"],
        serde_json::json!("Ana Diaz"),
        "{clean}"
    );
}

#[test]
fn checker_errors_exit_1_without_evaluating() {
    let out = entramap(&["eval", r#"Switch([a], "x", "y")"#]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error["), "{}", stdout(&out));
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        entramap(&["eval", "Now()", "--user", "/nonexistent/user.json"])
            .status
            .code(),
        Some(2)
    );
    let bad = user_file("{not json");
    assert_eq!(
        entramap(&["eval", "Now()", "--user", bad.path().to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        entramap(&["eval", "Now()", "--now", "yesterday"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        with_stdin(&["eval", "-", "--user", "-"], "".as_bytes())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn seed_and_now_make_output_reproducible() {
    let run = |seed: &str| {
        stdout(&entramap(&[
            "eval",
            "Join(\" \", Guid(), RandomString(8,2,2,2,2), Now())",
            "--seed",
            seed,
            "--now",
            NOW,
        ]))
    };
    assert_eq!(run("42"), run("42"));
    assert_ne!(run("42"), run("43"));
    assert!(run("1").contains("1/15/2025 12:00:00 PM"), "{}", run("1"));
}

#[test]
fn params_taken_and_strict_iif() {
    let out = entramap(&[
        "eval",
        r#"Append("@", %DomainFQDN%)"#,
        "--context",
        "cloud-sync",
        "--param",
        "DomainFQDN=contoso.com",
    ]);
    assert_eq!(stdout(&out), "\"@contoso.com\"\n");
    let out = entramap(&[
        "eval",
        r#"SelectUniqueValue("a", "b")"#,
        "--context",
        "hr-inbound",
        "--taken",
        "a",
    ]);
    assert_eq!(stdout(&out), "\"b\"\n");
    let expr = r#"IIF(IsNullOrEmpty([country]),"Other",[country])"#;
    assert_eq!(stdout(&entramap(&["eval", expr])), "\"Other\"\n");
    assert_eq!(
        entramap(&["eval", expr, "--strict-iif"]).status.code(),
        Some(1)
    );
}

#[test]
fn json_format_has_result_and_trace() {
    let out = with_stdin(
        &[
            "eval",
            r#"Redact(Append([a], "!"))"#,
            "--user",
            "-",
            "--format",
            "json",
            "--trace",
        ],
        r#"{"a":"x"}"#.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(doc["result"]["flows"], true);
    assert_eq!(doc["result"]["value"], "x!");
    assert_eq!(doc["result"]["redacted"], true);
    assert_eq!(doc["trace"].as_array().map(Vec::len), Some(3));
    assert_eq!(doc["trace"][0]["expression"], "[a]");
    let out = entramap(&["eval", "IgnoreFlowIfNullOrEmpty([a])", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(doc["result"]["flows"], false);
    assert_eq!(doc["result"]["reason"], "ignore-flow-if-null-or-empty");
}

fn trace(expression: &str, user: &str) -> String {
    let out = with_stdin(
        &[
            "eval",
            "--trace",
            "--now",
            NOW,
            "--context",
            "hr-inbound",
            expression,
            "--user",
            "-",
        ],
        user.as_bytes(),
    );
    format!("$ entramap eval --trace '{expression}'\n{}", stdout(&out))
}

#[test]
fn trace_of_the_scim_active_mapping() {
    insta::assert_snapshot!(trace(
        r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
        r#"{"IsSoftDeleted":"False"}"#
    ));
}

#[test]
fn trace_of_a_workday_termination_lookahead() {
    insta::assert_snapshot!(trace(
        r#"Switch([StatusTerminationLastDayOfWork], Switch([Active], "True", "0", "False", "1", IIF(DateDiff("n", DateAdd("h","-7",Now()),CDate( Switch([StatusTerminationLastDayOfWork],Mid([StatusTerminationLastDayOfWork],1,10), "","9999-12-31") ) ) <= 0, "False", "True") ), "", Switch([Active], , "1", "True", "0", "False") )"#,
        r#"{"StatusTerminationLastDayOfWork":"2025-01-10-08:00","Active":"1"}"#
    ));
}

#[test]
fn trace_of_a_phone_number_cleanup() {
    insta::assert_snapshot!(trace(
        r#"Replace(Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>.* )[x](?<extension>.*)", , "${phoneNumber}", , ), ,"[()\\s-]+", ,"", , )"#,
        r#"{"telephoneNumber":"+1 (206) 291-8163 x8125"}"#
    ));
}

/// `--user <(generate-user)` in a shell hands entramap a named pipe.
#[cfg(unix)]
#[test]
fn reads_the_user_from_a_named_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("user.json");
    crate::common::mkfifo(&fifo);
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || std::fs::write(writer_path, r#"{"givenName":"Zoë"}"#));
    let out = entramap(&[
        "eval",
        "NormalizeDiacritics([givenName])",
        "--user",
        fifo.to_str().expect("UTF-8 path"),
    ]);
    writer
        .join()
        .expect("writer finishes")
        .expect("writes the pipe");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "\"Zoe\"\n");
}

#[test]
fn sarif_and_github_formats_carry_the_diagnostics() {
    let user = user_file(r#"{"mail":"a@b"}"#);
    let path = user.path().to_str().expect("UTF-8 path");
    let expression = r#"Item(Split([mail], "@"), 3)"#;
    let github = entramap(&["eval", expression, "--user", path, "--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    assert!(
        stdout(&github).starts_with("::error file=<expression>,line=1,col=1,"),
        "{}",
        stdout(&github)
    );
    let sarif = entramap(&["eval", expression, "--user", path, "--format", "sarif"]);
    let document: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    assert_eq!(document["version"], "2.1.0");
    assert_eq!(
        document["runs"][0]["results"][0]["ruleId"],
        "evaluation-error"
    );
}

#[test]
fn a_disabled_user_reads_as_preview_reads_it() {
    // A Graph user: `id`, `mobilePhone`, and `IsSoftDeleted` derived from `accountEnabled`.
    let user = user_file(
        r#"{"id":"4f6c0e1a","userPrincipalName":"ada@contoso.com","accountEnabled":false,"mobilePhone":"+1 555 0100"}"#,
    );
    let path = user.path().to_str().unwrap();
    let active = r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#;
    let out = entramap(&["eval", active, "--user", path, "--trace"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("eval_trace_derived_soft_deleted", stdout(&out));
    let aliases = entramap(&["eval", r#"Join("|", [objectId], [mobile])"#, "--user", path]);
    assert_eq!(stdout(&aliases), "\"4f6c0e1a|+1 555 0100\"\n");
    let json = entramap(&[
        "eval",
        "[IsSoftDeleted]",
        "--user",
        path,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json output");
    assert_eq!(
        json["derived"],
        serde_json::json!([{"attribute": "IsSoftDeleted", "value": "True", "from": "accountEnabled = false"}])
    );
}

#[test]
fn a_mapping_of_a_file_for_a_user_of_an_export() {
    let args = [
        "eval",
        "--mapping",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--target",
        "active",
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "--user",
        "zoe@contoso.com",
        "--trace",
    ];
    let out = common::entramap(&args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    insta::assert_snapshot!("eval_mapping_user_of_export", stdout(&out));
    let by_line = common::entramap(&[
        "eval",
        "--mapping",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--target",
        "name.familyName",
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "--user",
        "1",
    ]);
    assert_eq!(stdout(&by_line), "\"O'Brien\"\n");
    let unknown = common::entramap(&[
        "eval",
        "--mapping",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--target",
        "nickName",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(common::stderr(&unknown)
        .contains("no user mapping to `nickName`; the targets are: userName, active,"));
    let nobody = common::entramap(&[
        "eval",
        "[mail]",
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "--user",
        "nobody@contoso.com",
    ]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(common::stderr(&nobody).contains("no user has `nobody@contoso.com`"));
}
