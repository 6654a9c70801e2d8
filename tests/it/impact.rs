//! `entramap diff OLD NEW --users EXPORT`: the impact of a mapping change on the tenant's data,
//! on a planted 50,000-user export: a scoping change that excludes exactly 1,234 users, an
//! expression change that alters one attribute for exactly 317, a matching change that makes 12
//! users collide, a removed filter, the CI gates, and an equivalent rewrite that changes nothing.

use crate::common::{entramap, root, stderr, stdout};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

const USERS: usize = 50_000;
const INTERNS: usize = 317; // jobTitle "Intern"
const LEGAL: usize = 1_234; // department "Legal"
const COLLIDING: usize = 12; // two accounts have their mailNickname as externalId

struct Tenant {
    dir: tempfile::TempDir,
}

impl Tenant {
    fn new() -> Tenant {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut users = String::new();
        let mut accounts = String::new();
        for i in 0..USERS {
            let title = if i < INTERNS { "Intern" } else { "Engineer" };
            let department = if (INTERNS..INTERNS + LEGAL).contains(&i) {
                "Legal"
            } else {
                "Sales"
            };
            let line = json!({
                "objectId": format!("id-{i}"),
                "userPrincipalName": format!("u{i}@contoso.com"),
                "mailNickname": format!("n{i}"),
                "displayName": format!("User {i}"),
                "jobTitle": title,
                "department": department,
                "accountEnabled": true,
            });
            let _ = writeln!(users, "{line}");
        }
        for i in USERS - COLLIDING..USERS {
            for copy in ["a", "b"] {
                let line = json!({"id": format!("{copy}{i}"), "userName": format!("other{copy}{i}@contoso.com"), "externalId": format!("n{i}"), "active": true});
                let _ = writeln!(accounts, "{line}");
            }
        }
        std::fs::write(dir.path().join("users.jsonl"), users).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("accounts.jsonl"), accounts)
            .unwrap_or_else(|e| panic!("{e}"));
        let old = std::fs::read_to_string(root().join("tests/fixtures/impact/old.entramap.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let variants = [
            ("old", old.clone()),
            (
                "legal-out",
                old.replace(
                    "  mappings:\n",
                    "  scoping:\n    - - {attribute: department, operator: NOT EQUALS, value: Legal}\n  mappings:\n",
                ),
            ),
            (
                "interns",
                old.replace(
                    "      source: displayName\n",
                    "      expression: Switch([jobTitle], [displayName], \"Intern\", Join(\" \", [displayName], \"(intern)\"))\n",
                ),
            ),
            (
                "match-nickname",
                old.replace("      matching_precedence: 1\n", "      matching_precedence: 2\n")
                    .replace(
                        "      source: mailNickname\n",
                        "      source: mailNickname\n      matching_precedence: 1\n",
                    ),
            ),
            (
                "not-soft-deleted",
                old.replace(
                    "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
                    "Not([IsSoftDeleted])",
                ),
            ),
        ];
        for (name, text) in variants {
            assert!(name == "old" || text != old, "{name} changes the mapping");
            std::fs::write(dir.path().join(format!("{name}.entramap.yaml")), text)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        Tenant { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    fn diff(&self, old: &str, new: &str, extra: &[&str]) -> (Option<i32>, Value) {
        let (o, n, u, a) = (
            self.path(&format!("{old}.entramap.yaml")),
            self.path(&format!("{new}.entramap.yaml")),
            self.path("users.jsonl"),
            self.path("accounts.jsonl"),
        );
        let mut args = vec![
            "diff",
            &o,
            &n,
            "--users",
            &u,
            "--accounts",
            &a,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = entramap(&args);
        let json = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", stdout(&out), stderr(&out)));
        (out.status.code(), json)
    }
}

fn keys(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

fn legal() -> Vec<String> {
    (INTERNS..INTERNS + LEGAL)
        .map(|i| format!("u{i}@contoso.com"))
        .collect()
}

#[test]
fn planted_changes_report_exactly_who_they_touch() {
    let tenant = Tenant::new();
    // A scoping change excluding the 1,234 Legal users: those, and no other.
    let (code, out) = tenant.diff("old", "legal-out", &["--max-disables", "2000"]);
    assert_eq!(code, Some(0));
    let users = &out["impact"]["users"];
    assert_eq!(keys(&users["disable"]), legal());
    assert_eq!(keys(&users["create"]), Vec::<String>::new());
    assert_eq!(users["compared"], USERS as u64);
    assert!(out["changes"].as_array().is_some_and(|c| !c.is_empty()));
    let (code, _) = tenant.diff("old", "legal-out", &["--max-disables", "500"]);
    assert_eq!(code, Some(1));
    // Removing the filter brings them back in: creations.
    let (_, out) = tenant.diff("legal-out", "old", &[]);
    assert_eq!(keys(&out["impact"]["users"]["create"]), legal());
    assert_eq!(
        keys(&out["impact"]["users"]["disable"]),
        Vec::<String>::new()
    );
    // An expression change altering displayName for the 317 interns.
    let (_, out) = tenant.diff("old", "interns", &["--max-changes", "316"]);
    let users = &out["impact"]["users"];
    assert_eq!(
        users["attributes"]["displayName"]["changed"],
        INTERNS as u64
    );
    assert_eq!(users["changed_objects"], INTERNS as u64);
    assert_eq!(
        users["attributes"]["displayName"]["examples"][0],
        json!({"key": "u0@contoso.com", "old": "User 0", "new": "User 0 (intern)"})
    );
    assert_eq!(users["attributes"].as_object().map(|a| a.len()), Some(1));
    // Matching on mailNickname first: the 12 whose value two accounts share collide.
    let (_, out) = tenant.diff("old", "match-nickname", &[]);
    let rematch = out["impact"]["users"]["rematch"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rematch.len(), COLLIDING);
    assert!(rematch.iter().all(|r| r["reason"] == "duplicate-target"));
    assert_eq!(
        rematch[0]["key"],
        format!("u{}@contoso.com", USERS - COLLIDING)
    );
}

#[test]
fn gates_fail_with_the_counts_and_an_equivalent_rewrite_changes_nothing() {
    let tenant = Tenant::new();
    let (o, n, u) = (
        tenant.path("old.entramap.yaml"),
        tenant.path("interns.entramap.yaml"),
        tenant.path("users.jsonl"),
    );
    let out = entramap(&["diff", &o, &n, "--users", &u, "--max-changes", "300"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the change makes 317 changes, more than --max-changes 300"));
    // Not([IsSoftDeleted]) for the default Switch, on the example export: zero changed values.
    let export = root().join("examples/exports/users.jsonl");
    let (code, out) = {
        let d = Path::new(&tenant.path("x"))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let args = [
            "diff",
            &o,
            &tenant.path("not-soft-deleted.entramap.yaml"),
            "--users",
            &export.display().to_string(),
            "--format",
            "json",
        ];
        let out = crate::common::entramap_in(&args, &d);
        (
            out.status.code(),
            serde_json::from_str::<Value>(&stdout(&out)).unwrap_or_default(),
        )
    };
    assert_eq!(code, Some(0));
    assert_eq!(out["impact"]["users"]["changed_objects"], 0);
    assert_eq!(out["impact"]["users"]["compared"], 3);
}

/// The README shows the real Markdown of the impact example.
#[test]
fn the_readme_shows_the_real_impact_markdown() {
    let readme =
        std::fs::read_to_string(root().join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = &readme[readme
        .find("### The impact on the tenant's data")
        .unwrap_or_else(|| panic!("the impact section"))..];
    let start = section
        .find("```console\n")
        .unwrap_or_else(|| panic!("a console block"));
    let body = &section[start + "```console\n".len()..];
    let body = &body[..body.find("\n```").unwrap_or_else(|| panic!("closed")) + 1];
    let (command, shown) = body.split_once('\n').unwrap_or_else(|| panic!("a command"));
    let args: Vec<&str> = command
        .strip_prefix("$ entramap ")
        .unwrap_or_else(|| panic!("runs entramap"))
        .split_whitespace()
        .collect();
    assert_eq!(stdout(&entramap(&args)), shown);
}

/// Without an export, the textual diff says which way a scope change goes: an added filter
/// narrows the scope (deprovisions), a removed one widens it (provisions).
#[test]
fn the_textual_diff_says_which_way_the_scope_moves() {
    let old = "tests/fixtures/impact/old.entramap.yaml";
    let new = "tests/fixtures/impact/new.entramap.yaml";
    let effects = |a: &str, b: &str| -> Vec<(String, String)> {
        let out = entramap(&["diff", a, b, "--format", "json"]);
        let doc: Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
        doc["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["subject"] == "scoping")
            .flat_map(|c| c["effects"].as_array().cloned().unwrap_or_default())
            .filter(|e| e["id"] != "full-cycle")
            .map(|e| {
                (
                    e["id"].as_str().unwrap_or_default().to_owned(),
                    e["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let narrowed = effects(old, new);
    assert_eq!(narrowed.len(), 1);
    assert_eq!(narrowed[0].0, "deprovision");
    assert!(narrowed[0].1.contains("fall out of scope"), "{narrowed:?}");
    let widened = effects(new, old);
    assert_eq!(widened.len(), 1);
    assert_eq!(widened[0].0, "mass-create");
    assert!(widened[0].1.contains("come in are created"), "{widened:?}");
}

/// `--format github`: one annotation a change on its line of the new file, then the impact's
/// counts and each changed attribute, at the lines of the new file that cause them.
#[test]
fn github_annotations_point_at_the_changed_lines_of_the_new_file() {
    let old = "tests/fixtures/impact/old.entramap.yaml";
    let new = "tests/fixtures/impact/new.entramap.yaml";
    let out = entramap(&[
        "diff",
        old,
        new,
        "--users",
        "examples/exports/users.jsonl",
        "--format",
        "github",
    ]);
    insta::assert_snapshot!("github", stdout(&out));
    let text = std::fs::read_to_string(root().join(new)).unwrap_or_else(|e| panic!("{e}"));
    // Every located annotation names the new file and a line of it.
    for line in stdout(&out).lines() {
        let n: usize = line
            .split("line=")
            .nth(1)
            .and_then(|l| l.split(',').next())
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("a line in {line}"));
        assert!(line.contains(&format!("file={new},")), "{line}");
        assert!(n >= 1 && n <= text.lines().count(), "{line}");
    }
    // The scoping annotation is on the new file's first clause.
    let scoping = stdout(&out)
        .lines()
        .find(|l| l.contains("title=users%3A changed scoping"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a scoping annotation"));
    let clause = text
        .lines()
        .position(|l| l.contains("operator"))
        .unwrap_or_else(|| panic!("a clause"));
    assert!(
        scoping.contains(&format!(",line={},", clause + 1)),
        "{scoping}"
    );
}

/// The job's accidental-deletion threshold: past it the job goes on hold, said in every format;
/// the Markdown comment gives the counts first and collapses long lists.
#[test]
fn the_deletion_threshold_puts_the_job_on_hold_and_long_lists_collapse() {
    let tenant = Tenant::new();
    let (o, n, u) = (
        tenant.path("old.entramap.yaml"),
        tenant.path("legal-out.entramap.yaml"),
        tenant.path("users.jsonl"),
    );
    let md = entramap(&[
        "diff",
        &o,
        &n,
        "--users",
        &u,
        "--deletion-threshold",
        "1000",
        "--all",
        "--format",
        "markdown",
    ]);
    let text = stdout(&md);
    assert!(
        text.contains("1234 disables and deletes exceed the job's accidental-deletion threshold of 1000: Entra would put the job on hold"),
        "{text}"
    );
    let counts = text
        .find("| users | 50000 | 1234 |")
        .unwrap_or_else(|| panic!("{text}"));
    let list = text
        .find("<details><summary>users: who and what</summary>")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(counts < list);
    let below = entramap(&[
        "diff",
        &o,
        &n,
        "--users",
        &u,
        "--deletion-threshold",
        "2000",
    ]);
    assert!(!stdout(&below).contains("accidental-deletion threshold"));
    // A short list stays open.
    let example = entramap(&[
        "diff",
        "tests/fixtures/impact/old.entramap.yaml",
        "tests/fixtures/impact/new.entramap.yaml",
        "--users",
        "examples/exports/users.jsonl",
        "--format",
        "markdown",
    ]);
    assert!(
        !stdout(&example).contains("<details>"),
        "{}",
        stdout(&example)
    );
    let gh = entramap(&[
        "diff",
        &o,
        &n,
        "--users",
        &u,
        "--deletion-threshold",
        "1000",
        "--max-disables",
        "500",
        "--format",
        "github",
    ]);
    assert_eq!(gh.status.code(), Some(1));
    let impact = stdout(&gh)
        .lines()
        .find(|l| l.contains("title=impact on users"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", stdout(&gh)));
    assert!(impact.starts_with("::error "), "{impact}");
    assert!(impact.contains("put the job on hold"), "{impact}");
}

/// Values that the new mapping makes invalid for the target (the profile's `pattern`, and
/// `unique` among users) are counted by attribute with examples, and not mistaken for
/// rematches.
#[test]
fn values_that_become_invalid_for_the_target_are_counted_by_attribute() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut users = String::new();
    for i in 0..40 {
        let title = if i < 7 { "Intern" } else { "Engineer" };
        let line = json!({"objectId": format!("id-{i}"), "userPrincipalName": format!("u{i}@contoso.com"),
            "mailNickname": format!("n{i}"), "displayName": format!("User {i}"), "jobTitle": title,
            "mail": if i == 38 || i == 39 { "shared@contoso.com".to_owned() } else { format!("m{i}@contoso.com") },
            "accountEnabled": true});
        let _ = writeln!(users, "{line}");
    }
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
    };
    write("users.jsonl", &users);
    // The preview tests' profile: userName at most 40 characters of `[a-zA-Z0-9@._'-]`, work
    // emails unique.
    write(
        "profile.yaml",
        &std::fs::read_to_string(root().join("tests/fixtures/preview/profile.yaml"))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let old = "entramap: 1\napp: Impact test\ntarget: profile.yaml\nscope: all\nusers:\n  mappings:\n    - target: userName\n      source: userPrincipalName\n    - target: externalId\n      source: objectId\n      matching_precedence: 1\n    - target: emails[type eq \"work\"].value\n      source: userPrincipalName\n";
    write("old.entramap.yaml", old);
    write(
        "new.entramap.yaml",
        &old.replace(
            "    - target: userName\n      source: userPrincipalName\n",
            "    - target: userName\n      expression: Switch([jobTitle], [userPrincipalName], \"Intern\", [displayName])\n",
        )
        .replace(
            "    - target: emails[type eq \"work\"].value\n      source: userPrincipalName\n",
            "    - target: emails[type eq \"work\"].value\n      source: mail\n",
        ),
    );
    let p = |name: &str| dir.path().join(name).display().to_string();
    let out = entramap(&[
        "diff",
        &p("old.entramap.yaml"),
        &p("new.entramap.yaml"),
        "--users",
        &p("users.jsonl"),
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    let users = &doc["impact"]["users"];
    assert_eq!(users["attributes"]["userName"]["invalid"], 7, "{users}");
    assert_eq!(
        users["attributes"]["userName"]["invalid_examples"][0]["key"],
        "u0@contoso.com"
    );
    assert_eq!(
        users["attributes"]["userName"]["invalid_examples"][0]["rule"],
        "preview-constraint"
    );
    // The second user with the shared work email breaks `unique`.
    assert_eq!(
        users["attributes"]["emails[type eq \"work\"].value"]["invalid"], 1,
        "{users}"
    );
    assert_eq!(users["invalid_objects"], 8);
    assert_eq!(users["rematch"], json!([]));
    let human = entramap(&[
        "diff",
        &p("old.entramap.yaml"),
        &p("new.entramap.yaml"),
        "--users",
        &p("users.jsonl"),
    ]);
    assert!(
        stdout(&human).contains("userName: 0 changed; 7 now invalid for the target, e.g. u0@contoso.com (preview-constraint:"),
        "{}",
        stdout(&human)
    );
}

/// The `yaml` block of the README's impact section: the CI job, as written.
fn impact_recipe() -> Value {
    let readme =
        std::fs::read_to_string(root().join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let section = &readme[readme
        .find("### The impact on the tenant's data")
        .unwrap_or_else(|| panic!("the impact section"))..];
    let start = section
        .find("```yaml\n")
        .unwrap_or_else(|| panic!("a yaml block"))
        + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap_or(0)];
    serde_saphyr::from_str(block).unwrap_or_else(|e| panic!("the recipe is not YAML: {e}"))
}

fn git(repo: &Path, args: &[&str]) -> String {
    let mut all = vec!["-c", "user.name=ci", "-c", "user.email=ci@example.invalid"];
    all.extend_from_slice(args);
    let out = std::process::Command::new("git")
        .args(&all)
        .current_dir(repo)
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(out.status.success(), "git {args:?}: {}", stderr_of(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs every `run:` step of the README's impact job, as written, in a sample repository with a
/// committed export whose pull request adds a scoping filter that disables 120 users: the gate
/// `--max-disables 100` fails the job, the annotations point at the new filter, and the
/// comment gives the counts.
#[test]
fn the_readme_impact_recipe_runs_on_a_sample_repository() {
    let recipe = impact_recipe();
    let temp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (repo, runner_temp, stubs) = (
        temp.path().join("repo"),
        temp.path().join("runner"),
        temp.path().join("stubs"),
    );
    for dir in [
        &repo,
        &runner_temp,
        &stubs,
        &repo.join("mappings"),
        &repo.join("exports"),
    ] {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
    }
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    let mut users = String::new();
    for i in 0..300 {
        let department = if i < 120 { "Legal" } else { "Sales" };
        let line = json!({"objectId": format!("id-{i}"), "userPrincipalName": format!("u{i}@contoso.com"),
            "mailNickname": format!("n{i}"), "displayName": format!("User {i}"), "department": department,
            "accountEnabled": true});
        let _ = writeln!(users, "{line}");
    }
    write(&repo.join("exports/users.jsonl"), &users);
    let old = std::fs::read_to_string(root().join("tests/fixtures/impact/old.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mapping = repo.join("mappings/app.entramap.yaml");
    write(&mapping, &old);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "base"]);
    let base = git(&repo, &["rev-parse", "HEAD"]);
    write(
        &mapping,
        &old.replace(
            "  mappings:\n",
            "  scoping:\n    - - {attribute: department, operator: NOT EQUALS, value: Legal}\n  mappings:\n",
        ),
    );
    git(&repo, &["commit", "-qam", "Legal out of scope"]);
    write(
        &stubs.join("cargo"),
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUBS/cargo.args\"\n",
    );
    write(
        &stubs.join("gh"),
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUBS/gh.args\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --body-file ] && cp \"$2\" \"$STUBS/comment.md\"; shift; done\n",
    );
    for stub in ["cargo", "gh"] {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(stubs.join(stub), std::fs::Permissions::from_mode(0o755))
            .unwrap_or_else(|e| panic!("{e}"));
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
    let mut results = std::collections::BTreeMap::new();
    for step in recipe["jobs"]["impact"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some((name, out)) =
            crate::common::run_workflow_step(step, &repo, &stubs, &runner_temp, &expressions)
        else {
            continue;
        };
        results.insert(name, out);
    }
    let step = |name: &str| {
        results
            .get(name)
            .unwrap_or_else(|| panic!("no step {name}: {:?}", results.keys()))
    };
    assert_eq!(step("Install entramap").status.code(), Some(0));
    let impact = step("Impact on the tenant's data");
    assert_eq!(impact.status.code(), Some(1), "{}", stderr_of(impact));
    assert!(
        stderr_of(impact).contains("the change makes 120 disables, more than --max-disables 100"),
        "{}",
        stderr_of(impact)
    );
    let annotations = String::from_utf8_lossy(&impact.stdout);
    assert!(
        annotations.contains(
            "::error file=mappings/app.entramap.yaml,line=9,title=users%3A changed scoping::"
        ),
        "{annotations}"
    );
    assert!(
        annotations.contains("title=impact on users::300 compared: 120 disabled"),
        "{annotations}"
    );
    let comment = std::fs::read_to_string(stubs.join("comment.md")).unwrap_or_default();
    assert!(
        comment.contains("#### `mappings/app.entramap.yaml`"),
        "{comment}"
    );
    assert!(
        comment.contains("| users | 300 | 120 | 0 | 0 | 0 |"),
        "{comment}"
    );
    let gh = std::fs::read_to_string(stubs.join("gh.args")).unwrap_or_default();
    assert!(gh.starts_with("pr\ncomment\n7\n"), "{gh}");
}
