//! Hostile inputs and outputs for every command that reads a user's file: bounded reads (FIFOs,
//! devices, oversized files, endless standard input), located findings for malformed files,
//! configuration errors that cannot be suppressed, write errors and closed pipes.

use crate::common::{self, entramap_in, stderr, stdout, with_stdin};
use std::path::Path;
use std::process::{Command, Stdio};

const CLEAN: &str = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[cfg(unix)]
#[test]
fn a_target_naming_a_device_is_a_configuration_error_not_an_endless_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "a.entramap.yaml",
        &CLEAN.replace("app: T\n", "app: T\ntarget: /dev/zero\n"),
    );
    let output = entramap_in(&["lint"], dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("invalid-target-profile")
            && stdout(&output).contains("is not a target profile"),
        "{}",
        stdout(&output)
    );
    let output = entramap_in(&["table", "a.entramap.yaml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a.entramap.yaml:3:9"),
        "located at `target:`: {}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.entramap.yaml");
    crate::common::mkfifo(&fifo);
    for command in ["lint", "fmt", "table", "docs", "export"] {
        let output = entramap_in(&[command, "pipe.entramap.yaml"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}: {output:?}");
        let text = format!("{}{}", stdout(&output), stderr(&output));
        assert!(text.contains("not a regular file"), "{command}: {text}");
    }
    let output = entramap_in(&["import", "pipe.entramap.yaml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_oversized_file_is_an_input_limit_finding_in_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = format!("{CLEAN}# {}\n", "x".repeat(5 * 1024 * 1024));
    write(dir.path(), "big.entramap.yaml", &big);
    let output = entramap_in(&["lint", "big.entramap.yaml"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[input-limit]"));
    for command in ["table", "docs", "export", "fmt"] {
        let output = entramap_in(&[command, "big.entramap.yaml"], dir.path());
        assert_eq!(output.status.code(), Some(1), "{command}");
        assert!(
            stderr(&output).contains("big.entramap.yaml:1:1: error[input-limit]"),
            "{command}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn standard_input_past_the_limit_is_an_error_not_a_truncation() {
    let long = vec![b'a'; 16 * 1024 * 1024 + 1];
    let output = with_stdin(&["check", "-"], &long);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("input exceeds 16777216 bytes"),
        "{}",
        stderr(&output)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let user = dir.path().join("user.json");
    std::fs::write(&user, "{}").expect("user written");
    let longer = vec![b'a'; 64 * 1024 * 1024 + 1];
    let output = with_stdin(
        &["eval", "-", "--user", &user.display().to_string()],
        &longer,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("input exceeds 67108864 bytes"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_malformed_file_is_a_located_finding_for_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "bad.entramap.yaml",
        "entramap: 1\napp: T\napp: U\n",
    );
    write(dir.path(), "good.entramap.yaml", CLEAN);
    for args in [
        &["table", "bad.entramap.yaml"][..],
        &["docs", "bad.entramap.yaml"],
        &["export", "bad.entramap.yaml"],
        &["diff", "good.entramap.yaml", "bad.entramap.yaml"],
        &["fmt", "bad.entramap.yaml"],
    ] {
        let output = entramap_in(args, dir.path());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let text = stderr(&output);
        assert!(
            text.contains("bad.entramap.yaml:3:1: error[duplicate-key]"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("has errors"), "{args:?}: {text}");
    }
    for args in [
        &[
            "diff",
            "good.entramap.yaml",
            "bad.entramap.yaml",
            "--format",
            "json",
        ][..],
        &["table", "bad.entramap.yaml", "--format", "json"],
        &["fmt", "bad.entramap.yaml", "--format", "json"],
    ] {
        let output = entramap_in(args, dir.path());
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let document: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert_eq!(
            document["diagnostics"][0]["rule"], "duplicate-key",
            "{args:?}"
        );
        assert_eq!(document["diagnostics"][0]["span"]["start"]["line"], 3);
    }
}

#[test]
fn an_allow_cannot_turn_an_unknown_profile_into_success() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "a.entramap.yaml",
        &CLEAN.replace(
            "app: T\n",
            "app: T\ntarget: nosuch\nallow:\n  - {rule: unknown-target-profile, reason: quiet}\n",
        ),
    );
    let output = entramap_in(&["lint"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("error[unknown-target-profile]")
            && text.contains(
                "`unknown-target-profile` is a configuration error and cannot be suppressed"
            ),
        "{text}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_error_on_stdout_exits_2() {
    let root = common::root();
    for args in [
        &["export", "examples/configcat.entramap.yaml"][..],
        &["table", "examples/configcat.entramap.yaml"],
        &["lint", "examples/configcat.entramap.yaml"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let output = Command::new(env!("CARGO_BIN_EXE_entramap"))
            .args(args)
            .current_dir(root)
            .stdout(full)
            .output()
            .expect("entramap runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..50 {
        write(
            dir.path(),
            &format!("m{i}.entramap.yaml"),
            &format!("{CLEAN}  - target: active\n    expression: Not( [IsSoftDeleted] )\n"),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
        .args(["fmt", "--check"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("entramap runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("entramap finishes");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"));
}

#[test]
fn a_yaml_error_at_the_end_of_the_file_points_at_its_line() {
    let report = entramap::lint::lint_source(
        "eof.entramap.yaml",
        "entramap: 1\napp: X\nusers:\n  - target: userName\n    source: [userPrincipalName\n",
        None,
    )
    .report;
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "file-syntax")
        .expect("reported");
    let at = report.source.position(d.span.start);
    assert_eq!((at.line, at.column), (5, 13), "{d:?}");
}

#[test]
fn reports_mask_a_secret_looking_value_and_data_outputs_keep_it() {
    let token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL";
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = format!(
        "{CLEAN}  - target: displayName\n    constant: \"{token}\"\n  - target: active\n    expression: Not([IsSoftDeleted])\n"
    );
    write(dir.path(), "a.entramap.yaml", &mapping);
    write(dir.path(), "b.entramap.yaml", CLEAN);
    for args in [
        vec!["lint", "a.entramap.yaml"],
        vec!["lint", "a.entramap.yaml", "--format", "json"],
        vec!["lint", "a.entramap.yaml", "--format", "sarif"],
        vec!["lint", "a.entramap.yaml", "--format", "github"],
        vec!["diff", "b.entramap.yaml", "a.entramap.yaml"],
        vec!["check", &format!("Append([mail], \"{token}\")")],
    ] {
        let output = entramap_in(&args, dir.path());
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(
            !all.contains(token),
            "`entramap {}` printed the token:\n{all}",
            args.join(" ")
        );
    }
    for args in [
        vec!["table", "a.entramap.yaml"],
        vec!["docs", "a.entramap.yaml"],
        vec!["export", "a.entramap.yaml"],
    ] {
        let output = entramap_in(&args, dir.path());
        assert!(
            stdout(&output).contains(token),
            "`entramap {}` altered the data:\n{}",
            args.join(" "),
            stdout(&output)
        );
    }
}

#[test]
fn export_to_stdout_and_to_a_file_are_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = format!(
        "{CLEAN}  - target: displayName\n    constant: SalesAndMarketingDepartmentBerlin2023\n  - target: title\n    constant: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL\n  - target: active\n    expression: Not([IsSoftDeleted])\nallow:\n  - rule: secret-token\n    reason: a test fixture, not a real token\n"
    );
    write(dir.path(), "a.entramap.yaml", &mapping);
    let printed = entramap_in(&["export", "a.entramap.yaml"], dir.path());
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    let written = entramap_in(&["export", "a.entramap.yaml", "-o", "out.json"], dir.path());
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let file = std::fs::read(dir.path().join("out.json")).expect("written");
    assert_eq!(printed.stdout, file);
    assert!(stdout(&printed).contains("SalesAndMarketingDepartmentBerlin2023"));
    let lint = entramap_in(&["lint", "a.entramap.yaml"], dir.path());
    let out = stdout(&lint);
    assert_eq!(lint.status.code(), Some(0), "{out}");
    assert!(
        out.contains("1 suppressed") && !out.contains("suppresses nothing"),
        "{out}"
    );
}
