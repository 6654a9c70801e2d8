//! The gallery catalogue: for every gallery app, the tutorial's profile plus Entra's
//! default sources lints with no error, both as the built-in profile (`init --app`) and as a
//! profile file copied next to the mapping, as an admin would copy the tutorial's tables; GitHub
//! EMU's complex roles and Slack's SCIM 1.1 names go through table, docs, export and preview.

use crate::common::{entramap_in, stderr, stdout};
use entramap::diagnostics::Severity;
use entramap::lint::lint_source;
use entramap::model::prepare;
use entramap::model::profile;
use entramap::model::starter;
use std::path::Path;

fn gallery_apps() -> Vec<&'static str> {
    profile::built_in_names()
        .filter(|n| profile::is_gallery(n))
        .collect()
}

fn errors_of(name: &str, text: &str, dir: Option<&Path>) -> Vec<String> {
    lint_source(name, text, dir)
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect()
}

#[test]
fn every_gallery_app_has_a_starter_with_its_tutorial_and_it_lints_without_errors() {
    let apps = gallery_apps();
    assert!(apps.len() >= 25, "{} gallery apps", apps.len());
    assert!(
        entramap::model::catalogue::gallery().all(|e| e.starter.is_some()),
        "one starter per app"
    );
    for app in apps {
        let text = starter::starter(Some(app)).unwrap_or_else(|e| panic!("{e}"));
        let built_in = profile::built_in(app).unwrap_or_else(|e| panic!("{e}"));
        let source = built_in
            .source
            .unwrap_or_else(|| panic!("{app}: no source"));
        assert!(
            source
                .path
                .ends_with(&format!("{app}-provisioning-tutorial.md")),
            "{app}: {}",
            source.path
        );
        assert!(
            text.contains(&format!("# Tutorial: {}\n", source.url())),
            "{app}: the starter links its tutorial"
        );
        let file = entramap::model::load_str("x.entramap.yaml", &text)
            .file
            .unwrap_or_else(|| panic!("{app}: the starter loads"));
        assert_eq!(file.target_profile(), app);
        let errors = errors_of(&format!("{app}.entramap.yaml"), &text, None);
        assert!(errors.is_empty(), "{app}: {errors:#?}");
    }
}

#[test]
fn the_tutorial_tables_copied_as_a_profile_file_lint_without_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for app in gallery_apps() {
        let profile_text =
            std::fs::read_to_string(root.join(format!("schemas/gallery/{app}.yaml")))
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !profile_text.contains("\nextends:"),
            "{app}: written without extends"
        );
        std::fs::write(dir.path().join(format!("{app}.yaml")), profile_text)
            .unwrap_or_else(|e| panic!("{e}"));
        let text = starter::starter(Some(app))
            .unwrap_or_else(|e| panic!("{e}"))
            .replace(
                &format!("target: {app}\n"),
                &format!("target: ./{app}.yaml\n"),
            );
        let errors = errors_of(&format!("{app}.entramap.yaml"), &text, Some(dir.path()));
        assert!(errors.is_empty(), "{app}: {errors:#?}");
    }
}

#[test]
fn the_non_gallery_starter_lints_clean() {
    let text = starter::starter(None).unwrap_or_else(|e| panic!("{e}"));
    let report = lint_source("default.entramap.yaml", &text, None);
    assert!(
        report.report.diagnostics.is_empty(),
        "{:?}",
        report.report.diagnostics
    );
    assert!(!text.starts_with("# yaml-language-server"));
}

#[test]
fn unknown_apps_get_did_you_mean() {
    let e = starter::starter(Some("slak"))
        .err()
        .unwrap_or_else(|| panic!("found"));
    assert_eq!(e.suggestions, ["slack"]);
    assert!(e.to_string().contains("did you mean `slack`?"));
}

#[test]
fn init_writes_atomically_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = entramap_in(
        &["init", "--app", "slack", "-o", "slack.entramap.yaml"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("slack.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(Some(written.clone()), starter::starter(Some("slack")).ok());
    let again = entramap_in(
        &["init", "--app", "zoom", "-o", "slack.entramap.yaml"],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"));
    let unchanged = std::fs::read_to_string(dir.path().join("slack.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unchanged, written);
    let forced = entramap_in(
        &[
            "init",
            "--app",
            "zoom",
            "-o",
            "slack.entramap.yaml",
            "--force",
        ],
        dir.path(),
    );
    assert_eq!(forced.status.code(), Some(0));
    let lint = entramap_in(&["lint", "slack.entramap.yaml"], dir.path());
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    let unknown = entramap_in(
        &["init", "--app", "githb-enterprise-managed-user"],
        dir.path(),
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `github-enterprise-managed-user`?"));
}

#[test]
fn targets_lists_the_catalogue_with_titles() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = entramap_in(&["targets"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let listed = stdout(&out);
    for entry in entramap::model::catalogue::ENTRIES {
        assert!(
            listed.contains(&format!("  {} ", entry.name)),
            "{} listed",
            entry.name
        );
    }
    let search = entramap_in(&["targets", "--search", "ZSCALER"], dir.path());
    assert_eq!(search.status.code(), Some(0));
    insta::assert_snapshot!("targets_search", stdout(&search));
    let nothing = entramap_in(&["targets", "--search", "no-such-app-anywhere"], dir.path());
    assert_eq!(nothing.status.code(), Some(2));
    assert!(stderr(&nothing).contains("no built-in profile's name or title contains"));
    let slack = entramap_in(&["targets", "slack"], dir.path());
    insta::assert_snapshot!("targets_slack", stdout(&slack));
}

#[test]
fn an_invalid_profile_pattern_is_reported_at_its_place_by_targets_and_lint() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("acme.yaml"),
        "entramap-target: 1\nname: acme\nusers:\n  attributes:\n    - name: userName\n      pattern: '^[a-z'\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = entramap_in(&["targets", "./acme.yaml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("invalid_pattern_targets", stderr(&out));
    std::fs::write(
        dir.path().join("a.entramap.yaml"),
        "entramap: 1\napp: Acme\ntarget: ./acme.yaml\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let lint = entramap_in(&["lint", "a.entramap.yaml"], dir.path());
    assert_eq!(lint.status.code(), Some(2));
    assert!(
        stdout(&lint).contains("./acme.yaml:6:16"),
        "{}",
        stdout(&lint)
    );
    for command in ["docs", "table", "export"] {
        let out = entramap_in(&[command, "a.entramap.yaml"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(stderr(&out).contains("invalid-target-profile"), "{command}");
    }
    let profile_linted = entramap_in(&["lint", "acme.yaml"], dir.path());
    assert_eq!(profile_linted.status.code(), Some(2));
    assert!(stdout(&profile_linted).contains("not-a-mapping-file"));
}

fn outputs_of(app: &str, user: &str) -> String {
    let text = starter::starter(Some(app)).unwrap_or_else(|e| panic!("{e}"));
    let report = lint_source("x.entramap.yaml", &text, None);
    assert!(
        report
            .report
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Note),
        "{app}: {:?}",
        report.report.diagnostics
    );
    let prepared = prepare("x.entramap.yaml", &text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let docs = entramap::output::docs::schema(&prepared);
    let exported = entramap::graph::export::export(&prepared, &Default::default())
        .unwrap_or_else(|e| panic!("{app}: {e}"));
    let plan = entramap::preview::Plan::new(&prepared).unwrap_or_else(|e| panic!("{app}: {e}"));
    let mut payloads = Vec::new();
    let mut sink = Payloads(&mut payloads);
    entramap::preview::preview(
        &plan,
        std::io::Cursor::new(user.as_bytes()),
        &entramap::preview::Options::default(),
        &mut sink,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let users = exported
        .schema
        .directories
        .iter()
        .flat_map(|d| d.objects.iter())
        .filter(|o| o.name.contains("User"))
        .flat_map(|o| o.attributes.iter())
        .filter(|a| a.name.contains("roles") || a.name.contains("1.0"))
        .map(|a| format!("{} multivalued={} type={:?}", a.name, a.multivalued, a.kind))
        .collect::<Vec<_>>();
    format!(
        "docs:\n{}\n\nexport (target attributes):\n{}\n\npreview payloads:\n{}\n",
        serde_json::to_string_pretty(&docs["$defs"]["User"]["properties"]).unwrap_or_default(),
        users.join("\n"),
        payloads.join("\n")
    )
}

struct Payloads<'a>(&'a mut Vec<String>);

impl entramap::preview::Sink for Payloads<'_> {
    fn problem(&mut self, problem: &entramap::preview::Problem) -> std::io::Result<()> {
        self.0.push(format!("problem: {problem:?}"));
        Ok(())
    }

    fn payload(&mut self, _line: u64, json: &[u8]) -> std::io::Result<()> {
        self.0.push(String::from_utf8_lossy(json).into_owned());
        Ok(())
    }
}

#[test]
fn github_emu_complex_roles_have_their_real_shape_everywhere() {
    let user = r#"{"objectId":"6f9d2c1e-0000-4000-8000-000000000001","userPrincipalName":"ada@contoso.com","mailNickname":"ada","displayName":"Ada Lovelace","givenName":"Ada","surname":"Lovelace","mail":"ada@contoso.com","IsSoftDeleted":false,"appRoleAssignments":[{"value":"User","displayName":"User"},{"value":"Enterprise Owner","displayName":"Enterprise Owner"}]}"#;
    insta::assert_snapshot!(
        "github_emu_outputs",
        outputs_of("github-enterprise-managed-user", &format!("{user}\n"))
    );
}

#[test]
fn slack_scim_1_1_names_go_through_every_output() {
    let user = r#"{"objectId":"6f9d2c1e-0000-4000-8000-000000000002","userPrincipalName":"grace@contoso.com","mailNickname":"grace","displayName":"Grace Hopper","givenName":"Grace","surname":"Hopper","mail":"grace@contoso.com","department":"Navy","employeeId":"1906","IsSoftDeleted":false,"city":"Arlington"}"#;
    let out = outputs_of("slack", &format!("{user}\n"));
    assert!(out.contains("urn:scim:schemas:extension:enterprise:1.0"));
    insta::assert_snapshot!("slack_outputs", out);
}

#[test]
fn did_you_mean_does_not_change_a_filter_value() {
    let text = "entramap: 1\napp: Test\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: 'addresses[type eq \"untyped\"].locality'\n    source: city\n  - target: 'name.givenNam'\n    source: givenName\n";
    let report = lint_source("t.entramap.yaml", text, None);
    let helps: Vec<(String, String)> = report
        .report
        .diagnostics
        .iter()
        .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(helps.len(), 2, "{helps:?}");
    assert!(
        helps[0].0.contains("untyped") && !helps[0].1.contains("did you mean"),
        "{helps:?}"
    );
    assert!(
        helps[1].1.contains("did you mean `name.givenName`?"),
        "{helps:?}"
    );
}

#[test]
fn complex_roles_take_the_complex_function_and_one_role_goes_to_a_filtered_value() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("p.yaml"),
        "entramap-target: 1\nname: p\nusers:\n  attributes:\n    - {name: userName, filterable: true}\n    - {name: active, type: boolean}\n    - name: roles\n      type: String\n    - {name: 'roles[primary eq \"True\"].value'}\ngroups:\n  attributes:\n    - {name: displayName, filterable: true}\n    - {name: members, type: Reference}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mapping = |roles: &str, single: &str| {
        format!("entramap: 1\napp: T\ntarget: ./p.yaml\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: roles\n    expression: {roles}\n  - target: 'roles[primary eq \"True\"].value'\n    expression: {single}\ngroups:\n  - target: displayName\n    source: displayName\n    matching_precedence: 1\n  - target: members\n    source: members\n")
    };
    let good = mapping(
        "AppRoleAssignmentsComplex([appRoleAssignments])",
        "SingleAppRoleAssignment([appRoleAssignments])",
    );
    let errors = errors_of("good.entramap.yaml", &good, Some(dir.path()));
    assert!(errors.is_empty(), "{errors:#?}");
    let swapped = mapping(
        "SingleAppRoleAssignment([appRoleAssignments])",
        "AppRoleAssignmentsComplex([appRoleAssignments])",
    );
    let errors = errors_of("bad.entramap.yaml", &swapped, Some(dir.path()));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors.iter().all(|e| e.starts_with("target-type-mismatch")),
        "{errors:#?}"
    );
}

#[test]
fn type_mismatch_messages_name_the_difference() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("p.yaml"),
        "entramap-target: 1\nname: p\ngroups:\n  attributes:\n    - {name: displayName, filterable: true}\n    - {name: members, type: Reference, multivalued: false}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = "entramap: 1\napp: T\ntarget: ./p.yaml\nusers:\n  enabled: false\ngroups:\n  - target: displayName\n    source: displayName\n    matching_precedence: 1\n  - target: members\n    source: members\n";
    let errors = errors_of("t.entramap.yaml", text, Some(dir.path()));
    assert_eq!(
        errors,
        ["target-type-mismatch: `members` is multi-valued (Reference), the target `members` holds one value"]
    );
}

/// The catalogue list, pinned: one line per built-in profile (name, kind, title, source path and
/// commit), so that an app dropped or renamed by a regeneration is a visible diff.
#[test]
fn the_catalogue_list_is_pinned() {
    use entramap::model::catalogue::{Kind, ENTRIES};
    let mut lines = Vec::new();
    for entry in ENTRIES {
        let parsed = profile::built_in(entry.name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            parsed.title.as_deref().unwrap_or(""),
            entry.title,
            "{}: the title read at build time is the profile's",
            entry.name
        );
        let source = parsed.source.map_or_else(String::new, |s| {
            format!(
                "{} @ {}",
                s.path,
                s.commit.as_deref().map_or("", |c| c.get(..12).unwrap_or(c))
            )
        });
        let kind = if entry.kind == Kind::Gallery {
            "gallery"
        } else {
            "generic"
        };
        lines.push(
            format!("{} | {kind} | {} | {source}", entry.name, entry.title)
                .trim_end()
                .to_owned(),
        );
    }
    let gallery = ENTRIES.iter().filter(|e| e.kind == Kind::Gallery).count();
    assert!(gallery >= 25, "{gallery} gallery apps");
    insta::assert_snapshot!(
        "catalogue_list",
        format!("{gallery} gallery apps\n{}\n", lines.join("\n"))
    );
}

/// Every gallery app: its profile validates and `init --app NAME` (the binary, as an admin runs
/// it) writes a file that `lint` passes with no error against the built-in profile.
#[test]
fn init_writes_a_file_that_lints_clean_for_every_gallery_app() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    for entry in entramap::model::catalogue::gallery() {
        let file = format!("{}.entramap.yaml", entry.name);
        let init = entramap_in(&["init", "--app", entry.name, "-o", &file], dir.path());
        assert_eq!(
            init.status.code(),
            Some(0),
            "{}: {}",
            entry.name,
            stderr(&init)
        );
        let written =
            std::fs::read_to_string(dir.path().join(&file)).unwrap_or_else(|e| panic!("{e}"));
        let errors = errors_of(&file, &written, Some(dir.path()));
        if !errors.is_empty() {
            failures.push(format!("{}: {errors:?}", entry.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn init_app_takes_a_title_or_a_unique_prefix_and_suggests_close_names() {
    use entramap::model::catalogue::{find_app, AppMatch};
    let found = |text: &str| match find_app(text) {
        AppMatch::Found(e) => e.name,
        AppMatch::NotFound(close) => panic!("{text}: not found, close: {close:?}"),
    };
    assert_eq!(found("slack"), "slack");
    assert_eq!(found("Slack"), "slack", "the title, any letter case");
    assert_eq!(found("AWS IAM Identity Center"), "aws-single-sign-on");
    assert_eq!(found("aws-single"), "aws-single-sign-on", "a unique prefix");
    assert_eq!(found("ZSCALER-PRIV"), "zscaler-private-access");
    let AppMatch::NotFound(close) = find_app("zscal") else {
        panic!("`zscal` prefixes two apps");
    };
    assert!(
        close.contains(&"zscaler") && close.contains(&"zscaler-private-access"),
        "{close:?}"
    );
    let AppMatch::NotFound(close) = find_app("slakc") else {
        panic!("a typo is no app");
    };
    assert_eq!(close, ["slack"]);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let by_title = entramap_in(&["init", "--app", "Slack"], dir.path());
    assert_eq!(by_title.status.code(), Some(0), "{}", stderr(&by_title));
    assert!(stdout(&by_title).contains("target: slack\n"));
    let ambiguous = entramap_in(&["init", "--app", "zscal"], dir.path());
    assert_eq!(ambiguous.status.code(), Some(2));
    insta::assert_snapshot!("init_app_ambiguous", stderr(&ambiguous));
}

#[test]
fn the_readme_states_the_real_gallery_count() {
    let count = entramap::model::catalogue::gallery().count();
    let readme = std::fs::read_to_string(crate::common::root().join("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        readme.contains(&format!("lists the {count} gallery apps")),
        "README.md's gallery paragraph should say `lists the {count} gallery apps`"
    );
}

#[test]
fn shell_completions_offer_the_gallery_app_names_and_help_does_not_list_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bash = stdout(&entramap_in(&["completions", "bash"], dir.path()));
    for entry in entramap::model::catalogue::gallery() {
        assert!(bash.contains(entry.name), "{} completes", entry.name);
    }
    let help = stdout(&entramap_in(&["init", "--help"], dir.path()));
    assert!(!help.contains("zscaler-private-access"), "{help}");
}
