//! One command vocabulary: `-o/--output` and `-` on every command that writes a file,
//! `--object users|groups`, `--fail-on error|warning|never`, the global `--quiet` and `--color`,
//! one summary line, and a lint that finds nothing failing.

use crate::common::{entramap, entramap_in, root, stderr, stdout, with_stdin};

const WARNS: &str = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n";

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_command_that_writes_a_file_takes_dash_o_and_dash_for_stdout() {
    let dir = temp();
    let example = root().join("examples/idmelon.entramap.yaml");
    let example = example.to_str().unwrap_or_default();
    let cases: [&[&str]; 6] = [
        &["schema", "mapping"],
        &["synth", "--users", "3"],
        &["table", example],
        &["docs", example],
        &["export", example],
        &[
            "import",
            "tests/fixtures/graph/forcepoint-smc-scim-job-schema.json",
        ],
    ];
    for (i, args) in cases.iter().enumerate() {
        let to_stdout = entramap(args);
        assert_eq!(
            to_stdout.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&to_stdout)
        );
        let dash: Vec<&str> = args.iter().copied().chain(["-o", "-"]).collect();
        let to_dash = entramap(&dash);
        assert_eq!(stdout(&to_dash), stdout(&to_stdout), "{args:?} -o -");
        assert!(
            !root().join("-").exists(),
            "{args:?} created a file named -"
        );
        let file = dir.path().join(format!("out{i}"));
        let file_text = file.to_str().unwrap_or_default();
        let long: Vec<&str> = args
            .iter()
            .copied()
            .chain(["--output", file_text])
            .collect();
        let to_file = entramap(&long);
        assert_eq!(
            to_file.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&to_file)
        );
        assert_eq!(stdout(&to_file), "", "{args:?} -o FILE prints nothing");
        assert_eq!(read(&file), stdout(&to_stdout), "{args:?} -o FILE");
    }
}

#[test]
fn preview_takes_dash_o_and_keeps_out_as_an_alias() {
    let dir = temp();
    let users = "{\"id\":\"1\",\"userPrincipalName\":\"a@contoso.com\",\"accountEnabled\":true,\"givenName\":\"A\",\"surname\":\"B\",\"displayName\":\"A B\"}\n";
    for flag in ["-o", "--output", "--out"] {
        let file = dir.path().join(flag.trim_start_matches('-'));
        let file = file.to_str().unwrap_or_default();
        let output = with_stdin(
            &[
                "preview",
                "examples/idmelon.entramap.yaml",
                "--users",
                "-",
                flag,
                file,
            ],
            users.as_bytes(),
        );
        assert!(
            output.status.code().is_some_and(|c| c < 2),
            "{}",
            stderr(&output)
        );
        assert!(
            read(std::path::Path::new(file)).contains("a@contoso.com"),
            "{flag}"
        );
    }
}

#[test]
fn object_is_users_or_groups_everywhere_and_the_singular_still_works() {
    for object in ["users", "user", "groups", "group"] {
        let output = entramap(&["check", "[displayName]", "--object", object]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{object}: {}",
            stderr(&output)
        );
    }
    let groups = entramap(&[
        "table",
        "examples/idmelon.entramap.yaml",
        "--object",
        "groups",
    ]);
    let users = entramap(&[
        "table",
        "examples/idmelon.entramap.yaml",
        "--object",
        "users",
    ]);
    assert_eq!(groups.status.code(), Some(0), "{}", stderr(&groups));
    assert_ne!(stdout(&groups), stdout(&users));
    let wrong = entramap(&["check", "[displayName]", "--object", "devices"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("users"), "{}", stderr(&wrong));
}

#[test]
fn fail_on_has_the_same_values_everywhere() {
    let dir = temp();
    let file = dir.path().join("w.entramap.yaml");
    std::fs::write(&file, WARNS).unwrap_or_else(|e| panic!("{e}"));
    let file = file.to_str().unwrap_or_default();
    for (fail_on, code) in [("error", 0), ("warning", 1), ("never", 0)] {
        let lint = entramap(&["lint", file, "--fail-on", fail_on]);
        assert_eq!(lint.status.code(), Some(code), "lint --fail-on {fail_on}");
    }
    for (fail_on, code) in [("error", 1), ("warning", 1), ("never", 0)] {
        let check = entramap(&["check", "Frobnicate([a])", "--fail-on", fail_on]);
        assert_eq!(check.status.code(), Some(code), "check --fail-on {fail_on}");
    }
    let preview = with_stdin(
        &[
            "preview",
            "examples/idmelon.entramap.yaml",
            "--users",
            "-",
            "--fail-on",
            "never",
        ],
        b"not json\n",
    );
    assert_eq!(preview.status.code(), Some(0), "{}", stderr(&preview));
}

#[test]
fn lint_reads_standard_input_under_a_given_name() {
    let output = with_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "app.entramap.yaml",
            "--fail-on",
            "warning",
        ],
        WARNS.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("app.entramap.yaml:"), "{out}");
    assert!(out.contains("Summary: 1 file, 1 mapping checked"), "{out}");
    let json = with_stdin(&["lint", "-", "--format", "json"], b"{\"entramap\": 1, \"app\": \"T\", \"users\": [{\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1}]}");
    let document: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&json)));
    assert_eq!(document["summary"]["files"], 1);
    assert_eq!(document["diagnostics"][0]["file"], "<stdin>");
}

#[test]
fn lint_that_finds_no_files_exits_2_with_a_message() {
    let dir = temp();
    for command in ["lint", "fmt"] {
        let output = entramap_in(&[command], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert!(
            stderr(&output).contains("no mapping files found in ."),
            "{command}: {}",
            stderr(&output)
        );
    }
    let missing = entramap(&["lint", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn quiet_drops_the_summary_line_and_notes() {
    let dir = temp();
    let file = dir.path().join("w.entramap.yaml");
    std::fs::write(&file, WARNS).unwrap_or_else(|e| panic!("{e}"));
    let file = file.to_str().unwrap_or_default();
    let loud = entramap(&["lint", file]);
    assert!(stdout(&loud).contains("Summary: "));
    for quiet in ["--quiet", "-q"] {
        let output = entramap(&[quiet, "lint", file]);
        assert!(
            !stdout(&output).contains("Summary: "),
            "{}",
            stdout(&output)
        );
        assert!(stdout(&output).contains("is-soft-deleted-unmapped"));
        let after = entramap(&["lint", file, quiet]);
        assert_eq!(stdout(&after), stdout(&output), "--quiet is global");
    }
    let import = entramap(&[
        "import",
        "tests/fixtures/graph/forcepoint-smc-scim-job-schema.json",
    ]);
    assert!(stderr(&import).contains("note: "), "{}", stderr(&import));
    let quiet_import = entramap(&[
        "-q",
        "import",
        "tests/fixtures/graph/forcepoint-smc-scim-job-schema.json",
    ]);
    assert_eq!(stderr(&quiet_import), "");
    assert_eq!(stdout(&quiet_import), stdout(&import));
}

#[test]
fn color_always_colours_a_pipe_despite_no_color_and_never_does_not() {
    let file = "examples/broken/idmelon-typo.entramap.yaml";
    let auto = entramap(&["lint", file]);
    assert!(!stdout(&auto).contains('\u{1b}'), "NO_COLOR is honoured");
    let always = entramap(&["--color", "always", "lint", file]);
    assert!(stdout(&always).contains("\u{1b}["), "{}", stdout(&always));
    let never = entramap(&["lint", file, "--color", "never"]);
    assert!(!stdout(&never).contains('\u{1b}'));
    assert_eq!(stdout(&never), stdout(&auto));
}

#[test]
fn one_summary_line_format() {
    let dir = temp();
    let file = dir.path().join("w.entramap.yaml");
    std::fs::write(&file, WARNS).unwrap_or_else(|e| panic!("{e}"));
    let file = file.to_str().unwrap_or_default();
    let last_line = |out: &std::process::Output| {
        let text = stdout(out);
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("Summary: "))
            .collect();
        assert_eq!(lines.len(), 1, "one summary line: {text}");
        lines[0].to_owned()
    };
    let lines = [
        last_line(&entramap(&["lint", file])),
        last_line(&entramap(&["fmt", "--check", file])),
        last_line(&entramap(&["check", "Frobnicate([a])"])),
        last_line(&entramap(&["diff", "examples/idmelon.entramap.yaml", file])),
        last_line(&with_stdin(
            &["preview", "examples/idmelon.entramap.yaml", "--users", "-"],
            b"{\"userPrincipalName\":\"a@contoso.com\"}\n",
        )),
    ];
    let shape = regex::Regex::new(r"^Summary: \d+ [a-z]+(, \d+ [a-z]+)* [a-z]+ - [^,]+(, [^,]+)*$")
        .unwrap_or_else(|e| panic!("{e}"));
    for line in &lines {
        assert!(shape.is_match(line), "{line:?} in {lines:#?}");
    }
    assert_eq!(
        lines[0],
        "Summary: 1 file, 1 mapping checked - 0 errors, 1 warning, 0 suppressed"
    );
    assert_eq!(lines[1], "Summary: 1 file checked - 0 would reformat");
}

#[test]
fn completions_for_every_shell_come_from_the_clap_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = entramap(&["completions", shell]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        for word in ["entramap", "lint", "preview", "stdin-filename", "fail-on"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let dir = temp();
    let file = dir.path().join("entramap.bash");
    let written = entramap(&[
        "completions",
        "bash",
        "-o",
        file.to_str().unwrap_or_default(),
    ]);
    assert_eq!(written.status.code(), Some(0));
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output();
    if let Ok(syntax) = syntax {
        assert!(
            syntax.status.success(),
            "{}",
            String::from_utf8_lossy(&syntax.stderr)
        );
    }
    let wrong = entramap(&["completions", "tcsh"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn the_man_page_lists_every_command_and_the_global_flags() {
    let output = entramap(&["man"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH entramap 1"), "{page}");
    for command in [
        "lint",
        "check",
        "eval",
        "fmt",
        "schema",
        "targets",
        "table",
        "docs",
        "export",
        "import",
        "diff",
        "preview",
        "explain",
        "completions",
    ] {
        assert!(
            page.contains(&format!("entramap\\-{command}(1)")),
            "the man page lacks {command}"
        );
    }
    assert!(page.contains("\\-\\-quiet") && page.contains("\\-\\-color"));
}

/// `entramap(1)` names a page per command (`entramap-lint(1)`): `man --dir` writes every one of
/// them, and none for the hidden `synth`.
#[test]
fn every_page_the_man_page_refers_to_is_generated() {
    let page = stdout(&entramap(&["man"]));
    let dir = temp();
    let written = entramap(&["man", "--dir", dir.path().to_str().unwrap_or_default()]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(dir.path().join("entramap.1").is_file());
    let mut referred = 0;
    for (at, _) in page.match_indices("entramap\\-") {
        let rest = &page[at + "entramap\\-".len()..];
        let Some(end) = rest.find("(1)") else {
            continue;
        };
        let name = &rest[..end];
        if name.contains(|c: char| !c.is_ascii_alphanumeric()) {
            continue;
        }
        referred += 1;
        assert!(
            dir.path().join(format!("entramap-{name}.1")).is_file(),
            "entramap(1) refers to entramap-{name}(1), which is not generated"
        );
    }
    assert!(referred > 10, "{page}");
    assert!(!page.contains("synth"));
    assert!(!dir.path().join("entramap-synth.1").exists());
}

/// Completions offer the values people type: built-in profiles for `import --target`, gallery
/// apps for `init --app`, rule ids for `explain`; never the hidden `synth`.
#[test]
fn completions_offer_profiles_apps_and_rule_ids_and_never_synth() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&entramap(&["completions", shell]));
        assert!(!script.contains("synth"), "{shell} offers synth");
        for value in ["scim-core", "github-enterprise-managed-user"] {
            assert!(script.contains(value), "{shell} completions lack {value}");
        }
        // clap_complete's fish script completes no positional argument's values.
        if shell != "fish" {
            assert!(
                script.contains("switch-pairs"),
                "{shell} completions lack rule ids"
            );
        }
    }
    // The candidates do not restrict what is accepted: a profile path still imports.
    let help = stdout(&entramap(&["import", "--help"]));
    assert!(!help.contains("possible values"), "{help}");
}
