//! `entramap lint`, `fmt`, `schema` and `targets` as a process: exit codes, formats, discovery,
//! robustness.

use crate::common::{entramap_in as entramap, root, stderr, stdout};

const CLEAN: &str = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n";

#[test]
fn clean_examples_exit_zero_with_a_summary() {
    let output = entramap(
        &[
            "lint",
            "examples/idmelon.entramap.yaml",
            "examples/configcat.entramap.yaml",
        ],
        root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let out = stdout(&output);
    assert!(out.starts_with("Summary: 2 files, "), "{out}");
    assert!(
        out.trim_end()
            .ends_with("0 errors, 0 warnings, 0 suppressed"),
        "{out}"
    );
}

#[test]
fn directory_discovery_finds_the_broken_example_and_fails() {
    let output = entramap(&["lint", "examples", "--format", "json"], root());
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["files"], 7);
    assert_eq!(json["summary"]["errors"], 3);
    assert!(json["summary"]["mappings"].as_u64().is_some_and(|n| n > 50));
    let first = &json["diagnostics"][0];
    assert_eq!(first["file"], "examples/broken/idmelon-typo.entramap.yaml");
    assert!(first["span"]["start"]["line"].as_u64().is_some());
}

#[test]
fn github_format_and_fail_on_warning() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = CLEAN.replace(
        "  - target: active\n    expression: Not([IsSoftDeleted])\n",
        "",
    );
    std::fs::write(dir.path().join("w.entramap.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
    let output = entramap(&["lint", "--format", "github"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "warnings do not fail by default"
    );
    assert!(
        stdout(&output).starts_with("::warning file=./w.entramap.yaml,line=4,col=3,"),
        "{}",
        stdout(&output)
    );
    let output = entramap(&["lint", "--fail-on", "warning"], dir.path());
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let output = entramap(&["lint", "examples/broken", "--format", "sarif"], root());
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let schema_text =
        std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
            .unwrap_or_else(|e| panic!("{e}"));
    // The official schema's `language` pattern has a stray `]` that jsonschema's ECMA-262 check
    // of the schema itself rejects; escape it (entramap never writes `language`).
    let schema_text = schema_text.replace(r#"{2}-[a-zA-Z]{2}]?$"#, r#"{2}-[a-zA-Z]{2}\\]?$"#);
    let schema: serde_json::Value =
        serde_json::from_str(&schema_text).unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    assert_eq!(rules.as_array().map(Vec::len), Some(3));
    assert!(rules[0]["shortDescription"]["text"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
}

#[test]
fn an_unknown_profile_is_a_finding_and_a_missing_path_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("p.entramap.yaml"),
        CLEAN.replace("app: T\n", "app: T\ntarget: nosuch\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(entramap(&["lint"], dir.path()).status.code(), Some(1));
    assert_eq!(
        entramap(&["lint", "missing.entramap.yaml"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn hostile_and_broken_files_are_located_findings_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("{e}"))
    };
    write("a-empty.entramap.yaml", b"");
    write("b-utf8.entramap.yaml", b"entramap: 1\napp: \xff\xfe\n");
    write(
        "c-deep.entramap.yaml",
        format!(
            "entramap: 1\napp: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        )
        .as_bytes(),
    );
    write(
        "d-deep.entramap.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    write("e-tabs.entramap.yaml", b"\tentramap: 1\n\t\t: [\n");
    write("z-clean.entramap.yaml", CLEAN.as_bytes());
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("nowhere"),
        dir.path().join("f-dangling.entramap.yaml"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let output = entramap(&["lint", "--format", "json"], dir.path());
    assert!(
        matches!(output.status.code(), Some(1 | 2)),
        "no crash: {output:?}"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)));
    let rules: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["file"].as_str().unwrap_or(""),
                        d["rule"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        rules.contains(&("./a-empty.entramap.yaml", "file-syntax")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("./b-utf8.entramap.yaml", "file-syntax")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("./c-deep.entramap.yaml", "input-limit")),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("./d-deep.entramap.json", "input-limit")),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|(f, _)| *f == "./e-tabs.entramap.yaml"),
        "{rules:?}"
    );
    #[cfg(unix)]
    assert!(
        rules.contains(&("./f-dangling.entramap.yaml", "file-unreadable")),
        "{rules:?}"
    );
    assert!(!rules.iter().any(|(f, _)| *f == "./z-clean.entramap.yaml"));
}

#[test]
fn a_directory_of_thousands_of_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for i in 0..2000 {
        let sub = dir.path().join(format!("d{}", i % 20));
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(sub.join(format!("f{i}.entramap.yaml")), CLEAN)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let output = entramap(&["lint"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).starts_with("Summary: 2000 files, 4000 mappings checked - 0 errors"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn fmt_rewrites_in_place_and_check_reports() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("f.entramap.yaml");
    let messy = CLEAN.replace(
        "Not([IsSoftDeleted])",
        "Not( [IsSoftDeleted] )  # comment stays",
    );
    std::fs::write(&path, &messy).unwrap_or_else(|e| panic!("{e}"));
    let check = entramap(&["fmt", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&path).expect("the file is readable"),
        messy,
        "--check writes nothing"
    );
    assert_eq!(entramap(&["fmt"], dir.path()).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&path).expect("the file is readable"),
        CLEAN.replace(
            "Not([IsSoftDeleted])",
            "Not([IsSoftDeleted])  # comment stays"
        )
    );
    assert_eq!(
        entramap(&["fmt", "--check"], dir.path()).status.code(),
        Some(0)
    );
    let leftovers = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 1, "no temporary file left behind");
}

#[test]
fn examples_are_already_formatted() {
    let output = entramap(
        &[
            "fmt",
            "--check",
            "examples/cloudsso.entramap.yaml",
            "examples/configcat.entramap.yaml",
            "examples/idmelon.entramap.yaml",
            "examples/scim-core-default.entramap.yaml",
        ],
        root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn schema_and_targets_commands() {
    let output = entramap(&["schema", "target"], root());
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("\"entramap-target\""));
    let output = entramap(&["targets"], root());
    assert!(["scim-core", "idmelon", "configcat", "cloudsso"]
        .iter()
        .all(|n| stdout(&output).contains(n)));
    let output = entramap(&["targets", "idmelon"], root());
    assert!(stdout(&output)
        .contains("urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User:immutable_id"));
    assert_eq!(
        entramap(&["targets", "nosuch"], root()).status.code(),
        Some(2)
    );
    let output = entramap(&["explain", "duplicate-target"], root());
    assert!(stdout(&output).contains("Bad:") && stdout(&output).contains("Fixed:"));
}

#[cfg(unix)]
#[test]
fn fmt_and_export_keep_the_permissions_of_the_file_they_replace() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.entramap.yaml");
    std::fs::write(
        &path,
        CLEAN.replace("Not([IsSoftDeleted])", "Not( [IsSoftDeleted] )"),
    )
    .expect("written");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = dir.path().join("schema.json");
    std::fs::write(&out, "old").expect("written");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o604)).expect("chmod");
    assert_eq!(entramap(&["fmt"], dir.path()).status.code(), Some(0));
    let output = entramap(
        &["export", "a.entramap.yaml", "-o", "schema.json"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o640);
    assert_eq!(mode(&out), 0o604);
    assert!(std::fs::read_to_string(&path)
        .expect("readable")
        .contains("Not([IsSoftDeleted])"));
}

#[test]
fn json_lists_suppressed_findings_with_their_reasons() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\nallow:\n  - {rule: is-soft-deleted-unmapped, reason: the vendor deletes users instead}\n";
    let output = crate::common::with_stdin(&["lint", "-", "--format", "json"], text.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["summary"]["suppressed"], 1);
    let suppressed = &json["suppressed"][0];
    assert_eq!(suppressed["rule"], "is-soft-deleted-unmapped");
    assert_eq!(suppressed["reason"], "the vendor deletes users instead");
    assert_eq!(suppressed["allowed_at"]["line"], 8);
    assert_eq!(suppressed["span"]["start"]["line"], 4);
    assert_eq!(suppressed["severity"], "warning");
}

#[test]
fn fix_applies_the_certain_fixes_atomically_and_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("idmelon-typo.entramap.yaml");
    let original =
        std::fs::read_to_string(root().join("examples/broken/idmelon-typo.entramap.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&file, &original).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();

    let output = entramap(&["lint", "--fix", &path, "--format", "json"], root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("2 fixes applied"),
        "{}",
        stderr(&output)
    );
    let fixed = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    let expected = original
        .replace("'Join(\" \", [givenNme]", "'Join(\" \", [givenName]")
        .replace("LCase([department])", "ToLower([department])");
    assert_ne!(expected, original);
    assert_eq!(
        fixed, expected,
        "only the two certain fixes changed the file"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json["summary"]["errors"], 1,
        "the finding without a certain fix remains"
    );

    let again = entramap(&["lint", "--fix", &path], root());
    assert!(!stderr(&again).contains("applied"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(&file).ok().as_deref(),
        Some(fixed.as_str())
    );

    let piped = entramap(&["lint", "--fix", "-"], root());
    assert_eq!(piped.status.code(), Some(2), "{}", stderr(&piped));
}

#[test]
fn a_target_path_that_is_not_a_profile_is_never_quoted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let secret = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\nusers: x\n";
    std::fs::write(dir.path().join("credentials"), secret).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("creds.yaml"), secret).unwrap_or_else(|e| panic!("{e}"));
    for reference in ["./credentials", "./creds.yaml"] {
        let mapping = format!(
            "entramap: 1\napp: T\ntarget: {reference}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n"
        );
        std::fs::write(dir.path().join("a.entramap.yaml"), &mapping)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("b.entramap.yaml"), &mapping)
            .unwrap_or_else(|e| panic!("{e}"));
        for args in [
            &["lint", "a.entramap.yaml"][..],
            &["lint", "--format", "json", "a.entramap.yaml"],
            &["table", "a.entramap.yaml"],
            &["docs", "a.entramap.yaml"],
            &["export", "a.entramap.yaml"],
            &["diff", "a.entramap.yaml", "b.entramap.yaml"],
        ] {
            let output = crate::common::entramap_in(args, dir.path());
            let all = format!("{}{}", stdout(&output), stderr(&output));
            assert_ne!(output.status.code(), Some(0), "{args:?}: {all}");
            assert!(!all.contains("wJalrX"), "{args:?} quotes the file: {all}");
            assert!(!all.contains("users: x"), "{args:?} quotes the file: {all}");
            assert!(
                all.contains("is not a target profile"),
                "{args:?} says why: {all}"
            );
        }
    }
}

#[test]
fn lint_dir_says_which_directories_it_skipped_and_all_dirs_searches_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let broken =
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    expression: ToLowr([mail])\n";
    let mut deep = dir.path().to_path_buf();
    for i in 0..34 {
        deep.push(format!("d{i}"));
    }
    for sub in [
        dir.path().join("target"),
        dir.path().join("a/node_modules"),
        deep,
    ] {
        std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(sub.join("x.entramap.yaml"), broken).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(dir.path().join("ok.entramap.yaml"), "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n").unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().display().to_string();
    let default = entramap(&["lint", &path], root());
    assert_eq!(default.status.code(), Some(0), "{}", stdout(&default));
    assert!(
        stderr(&default).contains("3 directories not searched")
            && stderr(&default).contains("--all-dirs"),
        "{}",
        stderr(&default)
    );
    let all = entramap(&["lint", "--all-dirs", &path], root());
    assert_eq!(all.status.code(), Some(1), "{}", stdout(&all));
    assert_eq!(stdout(&all).matches("error[unknown-function]").count(), 3);
    assert!(!stderr(&all).contains("not searched"), "{}", stderr(&all));
}

#[test]
fn fix_goes_on_past_a_read_only_file_and_reports_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let broken =
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    expression: LCase([mail])\n";
    for name in ["a.entramap.yaml", "b.entramap.yaml"] {
        std::fs::write(dir.path().join(name), broken).unwrap_or_else(|e| panic!("{e}"));
    }
    let locked = dir.path().join("a.entramap.yaml");
    let mut permissions = std::fs::metadata(&locked)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&locked, permissions).unwrap_or_else(|e| panic!("{e}"));
    let output = entramap(
        &["lint", "--fix", &dir.path().display().to_string()],
        root(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot write") && stderr(&output).contains("a.entramap.yaml"),
        "{}",
        stderr(&output)
    );
    let fixed = std::fs::read_to_string(dir.path().join("b.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        fixed.contains("ToLower([mail])"),
        "the next file is fixed: {fixed}"
    );
}

#[test]
fn fix_is_idempotent_past_the_suggestion_budget() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::from("entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n");
    for _ in 0..3_000 {
        text.push_str("  - target: title\n    expression: ToLower([givenNme])\n");
    }
    let file = dir.path().join("many.entramap.yaml");
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    let first = entramap(&["lint", "--fix", &path], root());
    assert!(
        stderr(&first).contains("3000 fixes applied"),
        "{}",
        stderr(&first)
    );
    let second = entramap(&["lint", "--fix", &path], root());
    assert!(!stderr(&second).contains("applied"), "{}", stderr(&second));
}

#[test]
fn a_dash_means_standard_input_or_output_and_is_read_once() {
    let example = std::fs::read(root().join("examples/idmelon.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    for command in ["table", "docs", "export"] {
        let piped = crate::common::with_stdin(&[command, "-"], &example);
        let named = entramap(&[command, "examples/idmelon.entramap.yaml"], root());
        assert_eq!(
            piped.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&piped)
        );
        assert_eq!(
            stdout(&piped),
            stdout(&named),
            "{command} - reads standard input"
        );
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let init = entramap(&["init", "-o", "-"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert!(stdout(&init).contains("entramap: 1"), "{}", stdout(&init));
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    let twice = crate::common::with_stdin(
        &[
            "preview",
            "examples/idmelon.entramap.yaml",
            "--users",
            "-",
            "--groups",
            "-",
        ],
        b"{}\n",
    );
    assert_eq!(twice.status.code(), Some(2), "{}", stderr(&twice));
    assert!(
        stderr(&twice).contains("--users and --groups are all `-`"),
        "{}",
        stderr(&twice)
    );
}

/// `lint` never tells the admin to pass a flag it does not take.
#[test]
fn lint_help_names_no_flag_lint_lacks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("t.entramap.yaml");
    std::fs::write(
        &file,
        "entramap: 1\napp: T\ntarget: scim-core\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: title\n    expression: ToLower([qqqqqqqqzzzz])\n",
    )
    .expect("write");
    let output = crate::common::entramap(&["lint", file.to_str().unwrap_or_default()]);
    let text = crate::common::stdout(&output);
    assert!(text.contains("unknown source attribute"), "{text}");
    assert!(!text.contains("pass --any-attribute"), "{text}");
    let lint_help = crate::common::stdout(&crate::common::entramap(&["lint", "--help"]));
    assert!(!lint_help.contains("--any-attribute"));
}
