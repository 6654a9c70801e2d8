//! `entramap diff`: semantic changes with their risk, in every format, and `--fail-on-risk`.

use entramap::diff::{diff, render, DiffFormat, Risk};
use entramap::model::{prepare, Prepared};

use crate::common::entramap as cli;

const BASE: &str = "entramap: 1
app: Acme
scope: assigned
target_attributes:
  users:
    - {name: 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge', type: String}
users:
  - target: userName
    source: userPrincipalName
    matching_precedence: 1
  - target: active
    expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")
  - target: title
    source: jobTitle
  - target: externalId
    source: mailNickname
  - target: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge
    source: employeeId
groups:
  - target: displayName
    source: displayName
    matching_precedence: 1
";

fn load(text: &str) -> Prepared {
    prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}\n{text}"))
}

fn effects(old: &str, new: &str) -> Vec<(&'static str, Risk)> {
    diff(&load(old), &load(new))
        .changes
        .iter()
        .flat_map(|c| c.effects.iter().map(|e| (e.id, e.risk)))
        .collect()
}

#[test]
fn order_formatting_and_expression_spelling_do_not_matter() {
    let reordered = "entramap: 1\napp: Acme\ntarget_attributes:\n  users:\n    - name: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge\ngroups:\n  - {target: displayName, source: displayName, matching_precedence: 1}\nusers:\n  - target: externalId\n    source: mailNickname\n  - target: title\n    source: jobTitle\n  - target: active\n    expression: |\n      Switch([IsSoftDeleted],,\"False\",\n             \"True\", \"True\", \"False\")\n  - target: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge\n    source: employeeId\n  - target: userName\n    matching_precedence: 1\n    source: userPrincipalName\n";
    let result = diff(&load(BASE), &load(reordered));
    assert!(result.is_empty(), "{result:#?}");
    assert_eq!(render(&result, DiffFormat::Human), "No changes.\n");
}

#[test]
fn each_risk_is_flagged() {
    let changed_matching = BASE.replace(
        "    source: mailNickname\n",
        "    source: mailNickname\n    matching_precedence: 2\n",
    );
    assert!(effects(BASE, &changed_matching).contains(&("rematch", Risk::High)));
    let to_all = BASE.replace("scope: assigned", "scope: all");
    assert_eq!(
        effects(BASE, &to_all),
        [("whole-tenant", Risk::High)],
        "scope alone is a job setting, no schema change"
    );
    let removed = BASE.replace("  - target: title\n    source: jobTitle\n", "");
    assert!(effects(BASE, &removed).contains(&("stale-value", Risk::Medium)));
    let active = BASE.replace(
        "expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
        "expression: Switch([IsSoftDeleted], , \"False\", \"False\", \"True\", \"True\")",
    );
    assert!(effects(BASE, &active).contains(&("enable-disable", Risk::High)));
    let retyped = BASE.replace("type: String}", "type: Integer}");
    assert!(effects(BASE, &retyped).contains(&("type-change", Risk::High)));
    let on_create = BASE.replace(
        "    source: jobTitle\n",
        "    source: jobTitle\n    apply: on-create\n",
    );
    let found = effects(BASE, &on_create);
    assert!(
        found.contains(&("create-only", Risk::Low)) && found.contains(&("full-cycle", Risk::Low)),
        "{found:?}"
    );
    let scoped = BASE.replace("groups:\n  - target: displayName\n    source: displayName\n    matching_precedence: 1\n", "groups:\n  scoping:\n    - - {attribute: displayName, operator: EQUALS, value: Sales}\n  mappings:\n    - target: displayName\n      source: displayName\n      matching_precedence: 1\n");
    assert!(effects(BASE, &scoped).contains(&("deprovision", Risk::High)));
}

#[test]
fn every_format() {
    let new = BASE
        .replace("scope: assigned", "scope: all")
        .replace("source: mailNickname", "source: objectId")
        .replace(
            "  - target: title\n    source: jobTitle\n",
            "  - target: preferredLanguage\n    constant: en-US\n    apply: on-create\n",
        );
    let result = diff(&load(BASE), &load(&new));
    insta::assert_snapshot!("human", render(&result, DiffFormat::Human));
    insta::assert_snapshot!("markdown", render(&result, DiffFormat::Markdown));
    let json: serde_json::Value =
        serde_json::from_str(&render(&result, DiffFormat::Json)).expect("the JSON diff is JSON");
    insta::assert_json_snapshot!("json", json);
    assert_eq!(json["summary"]["highest"], "high");
}

#[test]
fn fail_on_risk_for_ci() {
    let old = "examples/scim-core-default.entramap.yaml";
    let new = "examples/configcat.entramap.yaml";
    assert_eq!(cli(&["diff", old, new]).status.code(), Some(0));
    assert_eq!(
        cli(&["diff", old, new, "--fail-on-risk"]).status.code(),
        Some(1)
    );
    assert_eq!(
        cli(&["diff", old, new, "--fail-on-risk", "--risk-level", "high"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        cli(&["diff", new, new, "--fail-on-risk", "--risk-level", "low"])
            .status
            .code(),
        Some(0)
    );
    let out = cli(&["diff", old, new, "--format", "markdown"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("### entramap diff\n"));
    assert_eq!(
        cli(&["diff", old, "missing.entramap.yaml"]).status.code(),
        Some(2)
    );
}

#[test]
fn equivalent_expressions_over_boolean_inputs_are_not_a_risky_change() {
    use entramap::diff::equivalent_over;
    use entramap::model::MappingKind;
    let kind = |expression: &str| {
        let text = format!("entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: '{expression}'\n");
        let prepared = load(&text);
        let kind: MappingKind = prepared.file.objects.users.mappings[1]
            .kind
            .clone()
            .unwrap_or_else(|| panic!("{expression}"));
        (
            kind,
            prepared.sources(entramap::expr::source::ObjectKind::User),
        )
    };
    let default = "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")";
    let (switch, sources) = kind(default);
    let (not, _) = kind("Not([IsSoftDeleted])");
    assert_eq!(
        equivalent_over(&switch, &not, &sources),
        Some(vec!["IsSoftDeleted".to_owned()])
    );
    let (iif, _) = kind("IIF([IsSoftDeleted] = \"True\", \"False\", \"True\")");
    assert!(equivalent_over(&switch, &iif, &sources).is_some());
    // Not equivalent: inverted, another input, an input that is not enumerable.
    for other in [
        "Switch([IsSoftDeleted], , \"False\", \"False\", \"True\", \"True\")",
        "Not([accountEnabled])",
        "IIF(IsPresent([department]), \"True\", \"False\")",
    ] {
        let (other, _) = kind(other);
        assert_eq!(equivalent_over(&switch, &other, &sources), None);
    }
    // accountEnabled may be absent: Not([accountEnabled]) and a Switch that gives nothing when
    // it is absent differ there.
    let (by_enabled, _) =
        kind("Switch([accountEnabled], , \"True\", \"True\", \"False\", \"False\")");
    let (not_enabled, _) = kind("Not(Not([accountEnabled]))");
    assert_eq!(equivalent_over(&by_enabled, &not_enabled, &sources), None);

    let new = BASE.replace(
        &format!("expression: {default}"),
        "expression: Not([IsSoftDeleted])",
    );
    assert_ne!(new, BASE);
    let result = diff(&load(BASE), &load(&new));
    assert_eq!(result.changes.len(), 1, "{result:#?}");
    let ids: Vec<&str> = result.changes[0].effects.iter().map(|e| e.id).collect();
    assert_eq!(ids, ["equivalent", "full-cycle"], "{result:#?}");
    assert_eq!(result.highest(), Some(Risk::Low));
}

#[test]
fn each_file_is_read_with_its_own_profile_and_the_effective_attribute_lists_are_compared() {
    let old = "tests/fixtures/diff/old/app.entramap.yaml";
    let new = "tests/fixtures/diff/new/app.entramap.yaml";
    let output = cli(&["diff", old, new, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
    let subjects: Vec<&str> = json["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert_eq!(
        subjects,
        [
            "target attribute urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge",
            "active"
        ],
        "the profile's type change shows although both mapping files name the same target; the unmapped `floor` does not"
    );
    assert_eq!(json["changes"][0]["effects"][0]["id"], "type-change");
    assert_eq!(json["changes"][1]["risk"], "low");
    insta::assert_snapshot!(
        "own_profiles_markdown",
        crate::common::stdout(&cli(&["diff", old, new, "--format", "markdown"]))
    );
}

#[test]
fn a_removed_scoping_filter_creates_and_an_added_one_disables() {
    // The scoping change's own effects (a scoping change also costs a full cycle).
    let scope_effects = |old: &str, new: &str| -> Vec<(&'static str, Risk)> {
        effects(old, new)
            .into_iter()
            .filter(|(id, _)| *id != "full-cycle")
            .collect()
    };
    let scoped = |clauses: &str| {
        BASE.replace(
            "groups:\n  - target: displayName\n    source: displayName\n    matching_precedence: 1\n",
            &format!("groups:\n  scoping:\n{clauses}  mappings:\n    - target: displayName\n      source: displayName\n      matching_precedence: 1\n"),
        )
    };
    let sales = scoped("    - - {attribute: displayName, operator: EQUALS, value: Sales}\n");
    let sales_or_hr = scoped("    - - {attribute: displayName, operator: EQUALS, value: Sales}\n    - - {attribute: displayName, operator: EQUALS, value: HR}\n");
    let sales_and_active = scoped("    - - {attribute: displayName, operator: EQUALS, value: Sales}\n      - {attribute: description, operator: IS NOT NULL}\n");
    let hr = scoped("    - - {attribute: displayName, operator: EQUALS, value: HR}\n");
    // Added: the scope narrows; removed: it widens.
    assert_eq!(scope_effects(BASE, &sales), [("deprovision", Risk::High)]);
    assert_eq!(scope_effects(&sales, BASE), [("mass-create", Risk::High)]);
    // Another clause group (OR) widens; another clause in a group (AND) narrows.
    assert_eq!(
        scope_effects(&sales, &sales_or_hr),
        [("mass-create", Risk::High)]
    );
    assert_eq!(
        scope_effects(&sales, &sales_and_active),
        [("deprovision", Risk::High)]
    );
    // A different filter does both.
    assert_eq!(
        scope_effects(&sales, &hr),
        [("mass-create", Risk::High), ("deprovision", Risk::High)]
    );
    let text = render(&diff(&load(&sales), &load(BASE)), DiffFormat::Human);
    assert!(text.contains("the scoping filter is removed"), "{text}");
    assert!(!text.contains("fall out"), "{text}");
}
