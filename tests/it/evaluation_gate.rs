//! The one rule of the commands that evaluate a mapping file (`preview`, `eval --mapping`,
//! `export`; [`entramap::lint::gate`]): a file lint reports errors in is refused (exit 1) with
//! the errors located in the file, unless `--allow-errors`, which marks what they affect; a
//! bare word is never evaluated as its own text.

use crate::common::{entramap, stderr, stdout};
use entramap::expr::source::ObjectKind;
use entramap::lint::gate::Gate;
use std::path::Path;

const UNQUOTED: &str = "tests/fixtures/gate/unquoted-constant.entramap.yaml";
const MISSPELLED: &str = "tests/fixtures/gate/misspelled-source.entramap.yaml";
const TYPO: &str = "tests/fixtures/gate/idmelon-typo-tolower.entramap.yaml";
const USERS: &str = "examples/exports/users.jsonl";

#[test]
fn preview_refuses_a_file_lint_rejects_with_the_located_error() {
    let output = entramap(&["preview", UNQUOTED, "--users", USERS, "-o", "-"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "", "no payload of a rejected file");
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{UNQUOTED}:13:18: error[unknown-identifier]")),
        "{err}"
    );
    assert!(
        err.contains("nothing is previewed until they are fixed"),
        "{err}"
    );
}

#[test]
fn preview_refuses_every_lint_error_not_only_some() {
    // LCase replaced by ToLower: the file still has two lint errors (a misspelled source
    // attribute and a duplicate matching precedence), neither of which stops the evaluation.
    let output = entramap(&["preview", TYPO, "--users", USERS]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("error[unknown-source-attribute]"), "{err}");
    assert!(
        err.contains("error[matching-precedence-duplicate]"),
        "{err}"
    );
    assert!(!stdout(&output).contains("0 failures"));
}

#[test]
fn preview_allow_errors_marks_every_affected_payload() {
    let output = entramap(&["preview", TYPO, "--users", USERS, "--allow-errors"]);
    let out = stdout(&output);
    assert_eq!(out.matches("preview-lint-error").count(), 4, "{out}");
    assert!(out.contains("3 payloads"), "{out}");
    assert!(stderr(&output).contains("previewed anyway (--allow-errors)"));
}

#[test]
fn a_bare_word_is_never_evaluated_as_its_own_text() {
    let output = entramap(&[
        "preview",
        UNQUOTED,
        "--users",
        USERS,
        "--allow-errors",
        "-o",
        "-",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(!out.contains("\"Employee\""), "{out}");
    let err = stderr(&output);
    assert!(err.contains("preview-evaluation-error"), "{err}");
    assert!(err.contains("unknown identifier `Employee`"), "{err}");
    // The library: compiling the bare word fails; as an enum argument it is a value.
    let bare = entramap::expr::syntax::parse("Employee").expect("parses");
    assert!(entramap::expr::eval::compile(&bare).is_err());
    let encoding =
        entramap::expr::syntax::parse("InStr([a], \"x\", , vbTextCompare)").expect("parses");
    assert!(entramap::expr::eval::compile(&encoding).is_ok());
}

#[test]
fn eval_mapping_gives_lint_verdict_at_the_file_location() {
    let output = entramap(&["eval", "--mapping", MISSPELLED, "--target", "displayName"]);
    assert_eq!(output.status.code(), Some(1));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        all.contains(&format!(
            "{MISSPELLED}:12:40: error[unknown-source-attribute]"
        )),
        "{all}"
    );
    assert!(
        !all.contains("<expression>"),
        "one location, in the file: {all}"
    );
    assert!(
        !all.contains("warning[unlisted-source-attribute]"),
        "one verdict: {all}"
    );
}

#[test]
fn eval_mapping_allow_errors_marks_the_value() {
    let output = entramap(&[
        "eval",
        "--mapping",
        MISSPELLED,
        "--target",
        "displayName",
        "--allow-errors",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let err = stderr(&output);
    assert_eq!(
        err.matches("error[unknown-source-attribute]").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("its value is shown only because errors were allowed"),
        "{err}"
    );
}

#[test]
fn eval_mapping_of_a_clean_file_evaluates() {
    let output = entramap(&[
        "eval",
        "--mapping",
        "examples/scim-core-default.entramap.yaml",
        "--target",
        "name.formatted",
        "--users",
        USERS,
        "--user",
        "ana@contoso.com",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "\"Ana O'Brien\"\n");
}

#[test]
fn the_gate_sorts_errors_by_mapping() {
    let gate = Gate::check(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(MISSPELLED)
            .as_path(),
    );
    assert!(gate.blocks());
    assert!(gate.affects(ObjectKind::User, 2));
    assert!(!gate.affects(ObjectKind::User, 0));
    assert!(!gate.affects(ObjectKind::Group, 0));
    let clean = Gate::check(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/idmelon.entramap.yaml")
            .as_path(),
    );
    assert!(!clean.blocks());
}

/// `-` is standard input for the commands that evaluate a file too: the text is read once and
/// both prepared and linted, so a clean file previews and evaluates, and a rejected one is
/// refused with its errors located in `<stdin>`.
#[test]
fn preview_and_eval_read_the_mapping_once_from_standard_input() {
    use crate::common::with_stdin;
    let clean = std::fs::read(crate::common::root().join("examples/idmelon.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let named = entramap(&[
        "preview",
        "examples/idmelon.entramap.yaml",
        "--users",
        USERS,
        "-o",
        "-",
    ]);
    let piped = with_stdin(&["preview", "-", "--users", USERS, "-o", "-"], &clean);
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&named), "the same payloads");
    let user =
        std::env::temp_dir().join(format!("entramap-gate-stdin-{}.json", std::process::id()));
    std::fs::write(&user, r#"{"objectId": "Ana-Object-Id"}"#).unwrap_or_else(|e| panic!("{e}"));
    let user = user.display().to_string();
    let eval = with_stdin(
        &[
            "eval",
            "--mapping",
            "-",
            "--target",
            "userName",
            "--user",
            &user,
        ],
        &clean,
    );
    assert_eq!(eval.status.code(), Some(0), "{}", stderr(&eval));
    assert!(stdout(&eval).contains("Ana-Object-Id"), "{}", stdout(&eval));
    let rejected =
        std::fs::read(crate::common::root().join(UNQUOTED)).unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec!["preview", "-", "--users", USERS],
        vec![
            "eval",
            "--mapping",
            "-",
            "--target",
            "userType",
            "--user",
            &user,
        ],
    ] {
        let output = with_stdin(&args, &rejected);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        let err = stderr(&output);
        assert!(
            err.contains("<stdin>:13:18: error[unknown-identifier]"),
            "{err}"
        );
        assert!(err.contains("<stdin> has lint errors"), "{err}");
    }
    let _ = std::fs::remove_file(&user);
}
