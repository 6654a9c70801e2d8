//! The README shows real output: the diagnostics of the broken example, the ConfigCat table and
//! the walkthrough that debugs one user. These tests fail when the tool and the README drift apart.

use crate::common::{entramap, root, stdout};

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md is readable")
}

#[test]
fn the_readme_shows_the_real_lint_output() {
    let output = entramap(&["lint", "examples/broken/idmelon-typo.entramap.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let readme = readme();
    let start = text
        .find("examples/broken/idmelon-typo.entramap.yaml:46:28")
        .expect("the givenNme finding");
    assert!(
        readme.contains(&text[start..]),
        "README's lint example is out of date; the tool prints:\n{text}"
    );
}

#[test]
fn the_readme_shows_the_real_table() {
    let output = entramap(&[
        "table",
        "examples/configcat.entramap.yaml",
        "--object",
        "users",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let table = &text[text.find("| Mapping type").expect("a mapping table")..];
    assert!(
        readme().contains(table.trim_end()),
        "README's table is out of date; the tool prints:\n{text}"
    );
}

/// The `yaml` block of the README's CI recipe, parsed. It has no placeholder to edit
/// (`<owner>`): it runs as written.
fn ci_recipe() -> serde_json::Value {
    let readme = readme();
    let section = &readme[readme.find("## CI recipe").expect("a CI recipe section")..];
    let start = section.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").expect("closed")];
    let placeholder = regex::Regex::new(r"<[A-Za-z_-]+>").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !placeholder.is_match(block),
        "a placeholder in the recipe: {block}"
    );
    serde_saphyr::from_str(block).unwrap_or_else(|e| panic!("the recipe is not YAML: {e}"))
}

fn run(command: &str, args: &[&str], dir: &std::path::Path) {
    let output = std::process::Command::new(command)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{command}: {e}"));
    assert!(
        output.status.success(),
        "{command} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn write(path: &std::path::Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs every `run:` step of the README's CI recipe, as written, in a sample repository whose
/// pull request changes only a target profile: the install step (with `cargo` and `gh`
/// stubbed, since the test has no network), the lint, and the diff that must fail on the
/// profile's type change and comment it.
#[test]
fn the_readme_ci_recipe_runs_on_a_sample_repository() {
    let recipe = ci_recipe();
    let paths: Vec<&str> = recipe["on"]["pull_request"]["paths"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(paths.contains(&"**/*.entramap.yaml") && paths.contains(&"**/*.target.yaml"));

    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (repo, runner_temp, stubs) = (
        temp.path().join("repo"),
        temp.path().join("runner"),
        temp.path().join("stubs"),
    );
    for dir in [&repo, &runner_temp, &stubs] {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    let git = |args: &[&str]| {
        let mut all = vec!["-c", "user.name=ci", "-c", "user.email=ci@example.invalid"];
        all.extend_from_slice(args);
        run("git", &all, &repo);
    };
    git(&["init", "-q"]);
    write(
        &repo.join("mappings/app.entramap.yaml"),
        &fixture("tests/fixtures/diff/old/app.entramap.yaml"),
    );
    write(
        &repo.join("mappings/acme.target.yaml"),
        &fixture("tests/fixtures/diff/old/acme.target.yaml"),
    );
    git(&["add", "."]);
    git(&["commit", "-qm", "base"]);
    let base = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&repo)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|e| panic!("{e}"));
    // The pull request changes only the profile.
    write(
        &repo.join("mappings/acme.target.yaml"),
        &fixture("tests/fixtures/diff/new/acme.target.yaml"),
    );
    git(&["commit", "-qam", "badge becomes an Integer"]);

    write(
        &stubs.join("cargo"),
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUBS/cargo.args\"\n",
    );
    write(
        &stubs.join("gh"),
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUBS/gh.args\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --body-file ] && cp \"$2\" \"$STUBS/comment.md\"; shift; done\n",
    );
    for stub in ["cargo", "gh"] {
        run("chmod", &["+x", stub], &stubs);
    }
    let expressions = [
        (
            "${{ vars.ENTRAMAP_GIT }}",
            "https://example.invalid/entramap.git",
        ),
        ("${{ github.token }}", "test-token"),
        ("${{ github.event.pull_request.base.sha }}", base.as_str()),
        ("${{ github.event.pull_request.number }}", "7"),
    ];
    let steps = recipe["jobs"]["mapping"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut statuses = std::collections::BTreeMap::new();
    for step in &steps {
        let Some((name, output)) =
            crate::common::run_workflow_step(step, &repo, &stubs, &runner_temp, &expressions)
        else {
            continue;
        };
        statuses.insert(
            name.clone(),
            (
                output.status.code(),
                String::from_utf8_lossy(&output.stderr).into_owned(),
            ),
        );
    }
    let status = |name: &str| statuses.get(name).map(|(code, _)| *code);
    assert_eq!(status("Install entramap"), Some(Some(0)), "{statuses:?}");
    assert_eq!(
        std::fs::read_to_string(stubs.join("cargo.args")).unwrap_or_default(),
        "install\n--locked\n--git\nhttps://example.invalid/entramap.git\nentramap\n"
    );
    assert_eq!(status("Lint"), Some(Some(0)), "{statuses:?}");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("entramap.sarif")).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("SARIF: {e}"));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        status("Diff against the base branch"),
        Some(Some(1)),
        "the profile's type change is high risk: {statuses:?}"
    );
    let comment = std::fs::read_to_string(stubs.join("comment.md")).unwrap_or_default();
    assert!(
        comment.contains("#### `mappings/app.entramap.yaml`"),
        "{comment}"
    );
    assert!(comment.contains("`type-change`"), "{comment}");
    let gh = std::fs::read_to_string(stubs.join("gh.args")).unwrap_or_default();
    assert!(gh.starts_with("pr\ncomment\n7\n"), "{gh}");
}

/// The `console` blocks of a README section: the command after `$ ` and the output shown.
fn console_blocks(readme: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut rest = readme;
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body.find("```").expect("a closed console block");
        let (command, output) = body[..end].split_once('\n').expect("a command line");
        blocks.push((command.to_owned(), output.to_owned()));
        rest = &body[end + 3..];
    }
    blocks
}

#[test]
fn the_readme_walkthrough_shows_real_output() {
    let readme = readme();
    let start = readme
        .find("## Debug one user")
        .expect("the walkthrough section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let blocks = console_blocks(section);
    assert_eq!(
        blocks.len(),
        4,
        "preview, preview --user, eval --mapping, preview --groups"
    );
    assert!(
        blocks
            .iter()
            .any(|(c, _)| c.contains("preview") && c.contains("--user")),
        "the walkthrough debugs one user with preview --user"
    );
    for (command, shown) in blocks {
        let args: Vec<&str> = command
            .strip_prefix("$ entramap ")
            .unwrap_or_else(|| panic!("`{command}` runs entramap"))
            .split_whitespace()
            .collect();
        let output = entramap(&args);
        assert_eq!(
            stdout(&output),
            shown,
            "README's output of `{command}` is out of date"
        );
    }
}

/// The README's `cargo test` passes on a fresh clone with only the Rust toolchain: a test that
/// runs a program beyond the base system's (a shell, coreutils, git) is in a module built only
/// with the `e2e` feature, which `.ci/run`'s end-to-end step enables after installing the program.
#[test]
fn the_readme_test_command_needs_only_the_rust_toolchain() {
    const BASE_SYSTEM: &[&str] = &["bash", "git", "kill", "mkfifo"];
    let mut offenders = Vec::new();
    let mut stack = vec![root().join("tests/it")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("tests/it is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a test source");
            for (at, _) in text.match_indices("Command::new(\"") {
                let rest = &text[at + "Command::new(\"".len()..];
                let program = &rest[..rest.find('"').unwrap_or(0)];
                if !BASE_SYSTEM.contains(&program) && !e2e_only(&path) {
                    offenders.push(format!("{} runs `{program}`", path.display()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "tests that need more than the Rust toolchain must be built only with the e2e feature and run by .ci/run: {offenders:?}"
    );
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert!(ci.contains("cargo test --features e2e --test it lsp::neovim"));
}

/// Whether the test module in `path` is declared under `#[cfg(feature = "e2e")]` in its parent.
fn e2e_only(path: &std::path::Path) -> bool {
    let (Some(dir), Some(name)) = (path.parent(), path.file_stem()) else {
        return false;
    };
    let parent = std::fs::read_to_string(dir.join("mod.rs"))
        .or_else(|_| std::fs::read_to_string(dir.join("main.rs")))
        .unwrap_or_default();
    let declaration = format!("#[cfg(feature = \"e2e\")]\nmod {};", name.to_string_lossy());
    parent.contains(&declaration)
}

/// What users read (the README, docs, examples, schemas and starters, and every message in the
/// sources) cites Microsoft's and the vendors' documents, never the project's own issues or the
/// seed numbers of its research material.
#[test]
fn no_user_facing_text_mentions_the_projects_issues_or_seeds() {
    fn mentions(text: &str) -> Option<String> {
        let lower = text.to_lowercase();
        for (at, _) in lower.match_indices("issue") {
            let rest = lower[at + "issue".len()..].trim_start_matches(['s', ' ', '#']);
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return Some(text[at..(at + 20).min(text.len())].to_owned());
            }
        }
        for (at, _) in lower.match_indices("seed") {
            let rest = lower[at + "seed".len()..].trim_start_matches(['s', ' ']);
            if rest.len() >= 3 && rest.as_bytes()[..3].iter().all(u8::is_ascii_digit) {
                return Some(text[at..(at + 20).min(text.len())].to_owned());
            }
        }
        None
    }
    let mut found = Vec::new();
    let mut stack: Vec<std::path::PathBuf> = ["README.md", "docs", "examples", "schemas", "src"]
        .iter()
        .map(|p| root().join(p))
        .collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("a readable directory") {
                stack.push(entry.expect("an entry").path());
            }
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines() {
            if let Some(hit) = mentions(line) {
                found.push(format!("{}: {hit}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_readme_shows_the_real_logs_walkthrough() {
    let output = entramap(&[
        "logs",
        "examples/logs/ProvisioningLogs.json",
        "--mapping",
        "examples/logs/contoso.entramap.yaml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        readme().contains(&text),
        "README's logs walkthrough is out of date; the tool prints:\n{text}"
    );
}
