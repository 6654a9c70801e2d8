//! What entramap prints from hostile files (the output side): lines wider than a terminal
//! renderer can pad, thousands of findings, control characters and workflow commands hidden in
//! values. Large inputs are generated here; assertions are on the shape and size of the output,
//! never on time.

use crate::common::{entramap_in, stdout, with_stdin};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// The widest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// A mapping file with `n` user mappings of one target, each naming an unknown source attribute:
/// `2n - 1` errors (every mapping's source, every mapping after the first a duplicate).
fn many_unknown_sources(n: usize) -> String {
    let mut text = String::from("entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n");
    for i in 0..n {
        text.push_str(&format!(
            "  - target: name.givenName\n    source: nope{i}\n"
        ));
    }
    text
}

#[test]
fn a_finding_past_column_65535_is_rendered_clipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let padding = "x".repeat(70_000);
    let json = format!(r#"{{"entramap": 1, "app": "{padding}", "bogus_key": 1}}"#);
    write(dir.path(), "wide.entramap.json", &json);
    let output = entramap_in(&["lint", "wide.entramap.json"], dir.path());
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("wide.entramap.json:1:70"), "{out}");
    assert!(out.contains("unknown key `bogus_key`"), "{out}");
    assert!(out.contains('…'), "the line is clipped: {out}");
    assert!(widest(&out) < 300, "{out}");
}

#[test]
fn a_syntax_error_at_the_end_of_a_70_kb_expression_is_rendered_clipped() {
    let expression = format!("Join(\" \", {}", "\"a\", ".repeat(14_000));
    let output = with_stdin(&["check", "-"], expression.as_bytes());
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        &out[..out.len().min(2_000)]
    );
    assert!(out.contains("error["), "{}", &out[..out.len().min(2_000)]);
    let frame = out.lines().filter(|l| l.contains('│')).collect::<Vec<_>>();
    assert!(!frame.is_empty(), "a code frame is shown");
    assert!(frame.iter().all(|l| l.chars().count() < 300), "{frame:?}");
}

#[test]
fn control_characters_and_workflow_commands_are_escaped_in_human_and_github_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A YAML escape that decodes to a line break followed by a workflow command inside a value
    // that a message quotes; a raw escape sequence in a comment (a syntax error that quotes it).
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: \"x\\n::stop-commands::tok\\e[31m\"\n    matching_precedence: 1\n";
    write(dir.path(), "esc.entramap.yaml", text);
    let raw = "entramap: 1\napp: T # \u{1b}[2J\u{1b}]0;owned\u{7}\nusers: []\n";
    write(dir.path(), "raw.entramap.yaml", raw);
    for (file, format) in [
        ("esc.entramap.yaml", "human"),
        ("esc.entramap.yaml", "github"),
        ("raw.entramap.yaml", "human"),
        ("raw.entramap.yaml", "github"),
    ] {
        let output = entramap_in(&["lint", file, "--format", format], dir.path());
        let out = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{format}: {out}");
        assert!(
            !out.bytes().any(|b| b == 0x1b || b == 0x07),
            "{format}: raw control character in {out:?}"
        );
        assert!(
            !out.lines().any(|l| l.starts_with("::stop-commands")),
            "{format}: a workflow command escaped the value: {out}"
        );
        if format == "github" {
            assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
        }
    }
    let human = stdout(&entramap_in(&["lint", "esc.entramap.yaml"], dir.path()));
    assert!(
        human.contains(r"unknown source attribute `x\n::stop-commands::tok\u{1b}[31m`"),
        "{human}"
    );
    let human = stdout(&entramap_in(&["lint", "raw.entramap.yaml"], dir.path()));
    assert!(
        human.contains(r"T # \u{1b}[2J\u{1b}]0;owned\u{7}"),
        "shown as escapes: {human}"
    );
}

#[test]
fn check_and_eval_escape_control_characters_of_values() {
    let output = with_stdin(&["check", "-"], "Append([mail], \"\u{1b}[2J\")".as_bytes());
    let out = stdout(&output);
    assert!(
        !out.contains('\u{1b}') && out.contains(r"\u{1b}[2J"),
        "{out:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "u.json",
        "{\"mail\": \"a\\u001b[2J\\n::warning::x\"}",
    );
    let output = entramap_in(&["eval", "[mail]", "--user", "u.json"], dir.path());
    let out = stdout(&output);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
}

#[test]
fn thousands_of_findings_are_grouped_by_rule_in_human_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "many.entramap.yaml",
        &many_unknown_sources(2_000),
    );
    let output = entramap_in(&["lint", "many.entramap.yaml"], dir.path());
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        out.matches("error[unknown-source-attribute]").count(),
        1,
        "one frame for the rule: {out}"
    );
    assert!(
        out.contains("1999 more unknown-source-attribute finding(s), at 12:13, 14:13,"),
        "{out}"
    );
    assert!(
        out.contains("Summary: 1 file, 2002 mappings checked - 3999 errors"),
        "{out}"
    );
    assert!(out.len() < 20_000, "{} bytes", out.len());
}

#[test]
fn machine_output_keeps_at_most_10000_findings_a_file_and_counts_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "many.entramap.yaml",
        &many_unknown_sources(5_100),
    );
    let output = entramap_in(
        &["lint", "many.entramap.yaml", "--format", "json"],
        dir.path(),
    );
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(
        document["diagnostics"].as_array().map(Vec::len),
        Some(10_000)
    );
    assert_eq!(document["summary"]["errors"], 10_199);
    assert_eq!(document["summary"]["omitted"], 199);
    let output = entramap_in(
        &["lint", "many.entramap.yaml", "--format", "sarif"],
        dir.path(),
    );
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().map(Vec::len), Some(10_000));
    let notice = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(notice.contains("199 more findings"), "{notice}");
    let output = entramap_in(
        &["lint", "many.entramap.yaml", "--format", "github"],
        dir.path(),
    );
    let out = stdout(&output);
    assert_eq!(
        out.lines().count(),
        10_001,
        "one line a kept finding, one notice"
    );
    assert!(out
        .lines()
        .last()
        .is_some_and(|l| l.contains("199 more findings")));
}

#[test]
fn a_token_written_with_escapes_is_found_and_masked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = r#"{"entramap": 1, "app": "T", "users": [{"target": "userName", "source": "userPrincipalName", "matching_precedence": 1}, {"target": "title", "constant": "Zm9vYmFy\u0059mF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL"}]}"#;
    write(dir.path(), "t.entramap.json", json);
    for format in ["human", "json", "sarif", "github"] {
        let output = entramap_in(&["lint", "t.entramap.json", "--format", format], dir.path());
        let out = stdout(&output);
        assert!(out.contains("secret-token"), "{format}: {out}");
        assert!(
            !out.contains("mF6cXV4MTIz"),
            "{format} printed the token: {out}"
        );
    }
}

#[test]
fn type_messages_do_not_contradict_themselves() {
    let output = crate::common::entramap(&["check", "Mid([givenName], 99999999999999999999, 1)"]);
    let out = stdout(&output);
    assert!(
        out.contains("99999999999999999999 is out of range"),
        "{out}"
    );
    assert!(!out.contains("found Integer"), "{out}");
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "f.entramap.yaml",
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1.5\n",
    );
    let out = stdout(&entramap_in(&["lint", "f.entramap.yaml"], dir.path()));
    assert!(
        out.contains("`matching_precedence` must be a whole number, not a decimal number"),
        "{out}"
    );
}

#[test]
fn a_million_tiny_mistakes_are_counted_not_kept() {
    // One loader finding every three bytes (an empty attribute mapping needs a target).
    let dir = tempfile::tempdir().expect("temp dir");
    let json = format!(
        r#"{{"entramap": 1, "app": "T", "users": [{}]}}"#,
        vec!["{}"; 12_000].join(",")
    );
    write(dir.path(), "tiny.entramap.json", &json);
    let output = entramap_in(
        &["lint", "tiny.entramap.json", "--format", "json"],
        dir.path(),
    );
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(
        document["diagnostics"].as_array().map(Vec::len),
        Some(10_000)
    );
    assert_eq!(document["summary"]["errors"], 12_001);
    assert_eq!(document["summary"]["omitted"], 2_001);
    let human = stdout(&entramap_in(&["lint", "tiny.entramap.json"], dir.path()));
    assert!(
        human.contains("11999 more missing-key finding(s), at 1:"),
        "{human}"
    );
    assert!(human.contains("12001 errors"), "{human}");
}

#[test]
fn preview_escapes_export_values_in_its_human_report_and_user_explanation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = r#"{"userPrincipalName":"a\n::error::pwned\u001b]0;x\u0007@contoso.com","displayName":"A\n::warning::x","accountEnabled":true,"department":"Engineering"}"#;
    write(dir.path(), "users.jsonl", &format!("{evil}\n{evil}\n"));
    let mapping = crate::common::root().join("tests/fixtures/preview/mapping.entramap.yaml");
    let mapping = mapping.display().to_string();
    for args in [
        vec!["preview", &mapping, "--users", "users.jsonl"],
        vec![
            "preview",
            &mapping,
            "--users",
            "users.jsonl",
            "--user",
            "a\n::error::pwned\u{1b}]0;x\u{7}@contoso.com",
        ],
        vec![
            "preview",
            &mapping,
            "--users",
            "users.jsonl",
            "--user",
            "nobody\n::error::x\u{1b}[2J",
        ],
    ] {
        let output = entramap_in(&args, dir.path());
        let all = format!("{}{}", stdout(&output), crate::common::stderr(&output));
        assert!(all.contains("pwned") || all.contains("nobody"), "{all}");
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{7}'),
            "{args:?}: {all:?}"
        );
        assert!(
            !all.lines().any(|l| l.trim_start().starts_with("::")),
            "{args:?}: {all}"
        );
    }
}

#[test]
fn control_characters_of_command_line_arguments_are_escaped_in_messages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let evil = "x\u{1b}]0;title\u{7}\n::error::y";
    for args in [
        vec!["lint", evil],
        vec!["explain", evil],
        vec!["table", evil],
        vec!["init", "--app", evil],
    ] {
        let output = entramap_in(&args, dir.path());
        let err = crate::common::stderr(&output);
        assert_ne!(output.status.code(), Some(0), "{args:?}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{args:?}: {err:?}"
        );
        assert!(!err.lines().any(|l| l.starts_with("::")), "{args:?}: {err}");
    }
}

/// The preview's notes quote the export's CSV header: its control characters are escaped, as
/// every other value of the export is.
#[test]
fn preview_escapes_csv_header_names_in_its_notes() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "evil.csv",
        "Object Id [objectId];User name [userPrincipalName];\u{1b}]0;pwn\u{7}X\u{1b}[31m\nid1;a@b.c;x\n",
    );
    let mapping = crate::common::root().join("examples/idmelon.entramap.yaml");
    let output = entramap_in(
        &[
            "preview",
            &mapping.display().to_string(),
            "--users",
            "evil.csv",
            "-o",
            "-",
        ],
        dir.path(),
    );
    let all = format!("{}{}", stdout(&output), crate::common::stderr(&output));
    assert!(all.contains("pwn"), "the column is named: {all}");
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all:?}");
}
