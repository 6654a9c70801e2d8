//! `entramap export` and `entramap import`: the Graph synchronization schema of every example,
//! the round trip export → import (examples and generated files), the real exported schemas in
//! tests/fixtures/graph (see SOURCES.md there), errors with positions, secrets, and the CLI.

use entramap::diff::diff;
use entramap::graph::export::{export, ExportOptions};
use entramap::graph::import::{import_str, ImportError, ImportOptions, Imported};
use entramap::graph::model::read_schema;
use entramap::model::{prepare, Prepared};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

use crate::common::{entramap_in as cli, root, EXAMPLES};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example(name: &str) -> (Prepared, String) {
    let path = root().join("examples").join(name);
    let text = read(&path);
    let prepared = prepare(name, &text, path.parent()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    (prepared, text)
}

fn fixture(name: &str) -> String {
    read(&root().join("tests/fixtures/graph").join(name))
}

/// The template export of a prepared file.
fn exported(prepared: &Prepared) -> entramap::graph::export::Exported {
    export(prepared, &ExportOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn import(text: &str, target: Option<&str>, app: Option<&str>) -> Imported {
    let options = ImportOptions {
        target: target.map(str::to_owned),
        app: app.map(str::to_owned),
        ..ImportOptions::default()
    };
    import_str(text, &options, None).unwrap_or_else(|e| panic!("{e}"))
}

/// Imports the export of `prepared` and checks that nothing the diff sees changed.
fn assert_round_trip(prepared: &Prepared) {
    let exported = exported(prepared).to_json();
    let app = prepared.file.app.as_ref().map(|a| a.value.as_str());
    let imported = import(&exported, Some(prepared.file.target_profile()), app);
    let back = prepare("back.entramap.yaml", &imported.yaml, None)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", imported.yaml));
    // Expected differences: `scope` is a job setting, not part of the schema; a declared target
    // attribute that the profile already has comes back undeclared (the service marks no
    // attribute as customer-defined, so import cannot tell), with the same attribute list.
    let profile_has = |c: &entramap::diff::Change| {
        let kind = match c.object {
            Some("groups") => entramap::expr::source::ObjectKind::Group,
            _ => entramap::expr::source::ObjectKind::User,
        };
        c.subject
            .strip_prefix("target_attributes ")
            .is_some_and(|name| back.profile.object(kind).get(name).is_some())
    };
    let changes: Vec<_> = diff(prepared, &back)
        .changes
        .into_iter()
        .filter(|c| c.subject != "scope" && !profile_has(c))
        .collect();
    assert!(
        changes.is_empty(),
        "{changes:#?}\n{}\n{exported}",
        imported.yaml
    );
}

#[test]
fn export_of_every_example() {
    for name in EXAMPLES {
        let (prepared, _) = example(name);
        let exported = exported(&prepared);
        let stem = name.trim_end_matches(".entramap.yaml");
        // The rules in full; the directories are checked below (they are long lists).
        insta::assert_json_snapshot!(
            format!("export_{stem}_rules"),
            exported.schema.synchronization_rules
        );
        let document: serde_json::Value =
            serde_json::from_str(&exported.to_json()).unwrap_or_else(|e| panic!("{e}"));
        let directories = document["directories"]
            .as_array()
            .cloned()
            .expect("directories is an array");
        assert_eq!(directories.len(), 2);
        assert_eq!(directories[0]["id"], "66e4a8cc-1b7b-435e-95f8-f06cea133828");
        assert_eq!(directories[1]["id"], "09760868-cafb-47ac-9031-0a3262300427");
        assert_eq!(directories[1]["name"], "customappsso");
        let user_object = &directories[1]["objects"][0];
        assert_eq!(
            user_object["name"],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        );
        let anchors = user_object["attributes"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|a| a["anchor"] == true).count());
        assert_eq!(anchors, 1, "{name}: exactly one anchor (id)");
        // Every mapped target exists on the target object (graph-sync-schema.md §14.3).
        for mapping in document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let target = &mapping["targetAttributeName"];
            assert!(
                user_object["attributes"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|a| &a["name"] == target)),
                "{name}: {target}"
            );
        }
    }
}

#[test]
fn export_writes_declared_attributes_as_the_service_does_and_limits() {
    let (prepared, _) = example("idmelon.entramap.yaml");
    let document = serde_json::to_value(exported(&prepared).schema).expect("the schema serializes");
    let users = &document["directories"][1]["objects"][0]["attributes"];
    let immutable = users
        .as_array()
        .and_then(|a| {
            a.iter().find(|a| {
                a["name"]
                    .as_str()
                    .is_some_and(|n| n.ends_with(":immutable_id"))
            })
        })
        .cloned()
        .expect("the immutable attribute is exported");
    // Real bodies of added attributes carry no IsCustomerDefined metadata
    // (tests/fixtures/graph/msgraph-customappsso-extension-attribute-put.json).
    assert_eq!(immutable["metadata"], serde_json::json!([]));
    let (cloudsso, _) = example("cloudsso.entramap.yaml");
    let document = serde_json::to_value(exported(&cloudsso).schema).expect("the schema serializes");
    let user_name = document["directories"][1]["objects"][0]["attributes"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "userName"))
        .cloned()
        .expect("userName is exported");
    assert_eq!(
        user_name["metadata"][0],
        serde_json::json!({"key": "MaximumLength", "value": "64"})
    );
}

#[test]
fn functions_become_graph_source_trees() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: preferredLanguage\n    expression: 'Replace([preferredLanguage], \"-\", , , \"_\", , )'\n  - target: title\n    expression: Mid([jobTitle], 1, 8)\n  - target: displayName\n    constant: Fixed \"name\"\n    apply: on-create\n    default: none\n";
    let prepared = prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let exported = exported(&prepared);
    insta::assert_json_snapshot!(
        "export_function_sources",
        exported.schema.synchronization_rules[0].object_mappings[0].attribute_mappings
    );
    assert_round_trip(&prepared);
}

#[test]
fn every_example_survives_export_then_import() {
    for name in EXAMPLES {
        assert_round_trip(&example(name).0);
    }
}

#[test]
fn import_of_the_real_forcepoint_scim_job() {
    let imported = import(&fixture("forcepoint-smc-scim-job-schema.json"), None, None);
    insta::assert_snapshot!("import_forcepoint", imported.yaml);
    let report = entramap::lint::lint_source("forcepoint.entramap.yaml", &imported.yaml, None);
    assert!(
        report
            .report
            .diagnostics
            .iter()
            .all(|d| d.severity != entramap::Severity::Error),
        "{:#?}",
        report.report.diagnostics
    );
    let notes: Vec<String> = imported
        .notes
        .iter()
        .map(|n| format!("{}: {}", n.at, n.message))
        .collect();
    insta::assert_json_snapshot!("import_forcepoint_notes", notes);
    // The disabled group mapping with `sourceObjectName: ""` is accepted.
    assert!(imported.yaml.contains("groups:\n  enabled: false\n"));
}

#[test]
fn import_of_salesforce_schemas_reports_what_a_mapping_file_cannot_say() {
    for name in [
        "msgraph-2017-salesforce-job-schema.json",
        "msgraph-2017-salesforce-template-SfOutDelta.json",
    ] {
        let imported = import(&fixture(name), None, Some("Salesforce"));
        let loaded = entramap::model::load_str("sf.entramap.yaml", &imported.yaml);
        assert!(
            loaded.file.is_some() && loaded.diagnostics.is_empty(),
            "{name}: {:#?}",
            loaded.diagnostics
        );
        let notes: Vec<String> = imported
            .notes
            .iter()
            .map(|n| format!("{}: {}", n.at, n.message))
            .collect();
        let has = |needle: &str| notes.iter().any(|n| n.contains(needle));
        assert!(has("PROFILE_INBOUND_APPROLE"), "{notes:#?}");
        assert!(has("\"EmailEncodingKey\": mapping type None"), "{notes:#?}");
        assert!(
            imported
                .yaml
                .contains("expression: Replace([preferredLanguage], \"-\", , , \"_\", , )\n"),
            "{}",
            imported.yaml
        );
        assert!(imported.yaml.contains("expression: Not([IsSoftDeleted])\n"));
        if name.contains("job") {
            insta::assert_snapshot!("import_salesforce_job", imported.yaml);
        }
    }
}

#[test]
fn import_of_a_template_list_and_of_documents_that_are_not_schemas() {
    let imported = import(
        &fixture("msgraph-aws-sso-template-list-fragment.json"),
        None,
        Some("AWS"),
    );
    assert!(imported.yaml.contains("groups:\n"), "{}", imported.yaml);
    for name in [
        "msgraph-directorydefinition-sample.json",
        "msgraph-filteroperators-full-response.json",
        "msgraph-objectdefinition-entra-user.json",
        "msgraph-objectmapping-salesforce-users.json",
    ] {
        match import_str(&fixture(name), &ImportOptions::default(), None) {
            Err(ImportError::Read(e)) => assert!(
                e.message.contains("not a synchronization schema"),
                "{name}: {e}"
            ),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(matches!(
        import_str(
            &fixture("msgraph-customappsso-extension-attribute-put.json"),
            &ImportOptions::default(),
            None
        ),
        Err(ImportError::NoRule)
    ));
}

#[test]
fn the_typed_model_reads_every_full_schema_and_sparse_definitions() {
    let schema = read_schema(&fixture("forcepoint-smc-scim-job-schema.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        schema.extra.contains_key("@odata.context")
            && schema.extra.contains_key("provisioningTaskIdentifier")
    );
    assert_eq!(schema.directories[0].objects[0].attributes.len(), 47);
    let again: serde_json::Value = serde_json::to_value(&schema).expect("the model serializes");
    let original: serde_json::Value =
        serde_json::from_str(&fixture("forcepoint-smc-scim-job-schema.json"))
            .expect("the fixture is JSON");
    assert_eq!(
        again["directories@odata.context"],
        original["directories@odata.context"]
    );
    assert_eq!(
        again["synchronizationRules"][0]["metadata"],
        original["synchronizationRules"][0]["metadata"]
    );
    let directory: entramap::graph::model::DirectoryDefinition =
        serde_json::from_str(&fixture("msgraph-directorydefinition-sample.json"))
            .unwrap_or_else(|e| panic!("{e}"));
    let is_active = &directory.objects[0].attributes[1];
    assert_eq!(is_active.name, "IsActive");
    assert!(
        !is_active.anchor && !is_active.multivalued && !is_active.case_exact && is_active.required
    );
    assert_eq!(is_active.mutability, None, "absent: ReadWrite by default");
}

#[test]
fn malformed_json_is_a_located_error_never_a_panic() {
    match import_str(
        "{\n  \"synchronizationRules\": [\n    {,}\n  ]\n}",
        &ImportOptions::default(),
        None,
    ) {
        Err(ImportError::Read(e)) => assert_eq!((e.line, e.column), (3, 6), "{e}"),
        other => panic!("{other:?}"),
    }
    match import_str(
        "{\"synchronizationRules\": [{\"objectMappings\": [{\"enabled\": \"yes\"}]}]}",
        &ImportOptions::default(),
        None,
    ) {
        Err(ImportError::Read(e)) => assert!(
            e.line == 1 && e.column > 40 && e.message.contains("expected a boolean"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    let full = fixture("forcepoint-smc-scim-job-schema.json");
    for cut in (0..full.len())
        .step_by(997)
        .filter(|&cut| full.is_char_boundary(cut))
    {
        let _ = import_str(&full[..cut], &ImportOptions::default(), None);
    }
}

#[test]
fn secret_tokens_in_a_schema_are_kept_in_the_file_and_reported_masked() {
    let secret = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL";
    let text = fixture("forcepoint-smc-scim-job-schema.json").replacen(
        "\"defaultValue\": \"\"",
        &format!("\"defaultValue\": \"{secret}\""),
        1,
    );
    let imported = import(&text, None, None);
    assert!(imported.yaml.contains(secret), "{}", imported.yaml);
    assert!(!imported.yaml.contains("Zm9v****"));
    let notes = serde_json::to_string(&imported.notes).expect("notes serialize");
    assert!(
        !notes.contains(secret) && notes.contains("secret token"),
        "{notes}"
    );
}

#[test]
fn cli_export_and_import_write_files_and_report_notes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let schema: PathBuf = dir.path().join("schema.json");
    let out = cli(
        &[
            "export",
            "examples/idmelon.entramap.yaml",
            "-o",
            &schema.display().to_string(),
        ],
        root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("`scope: all` is a job setting"));
    let mapping = dir.path().join("back.entramap.yaml");
    let out = cli(
        &[
            "import",
            &schema.display().to_string(),
            "--target",
            "idmelon",
            "--app",
            "IDmelon",
            "-o",
            &mapping.display().to_string(),
        ],
        root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = read(&mapping);
    assert!(yaml.starts_with("# yaml-language-server: $schema="));
    let out = cli(
        &["import", &schema.display().to_string(), "--format", "json"],
        root(),
    );
    let document: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("import prints JSON");
    assert!(document["mapping"]
        .as_str()
        .is_some_and(|m| m.contains("entramap: 1")));
    assert!(document["notes"].as_array().is_some_and(|n| !n.is_empty()));
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"synchronizationRules\": [}").unwrap_or_else(|e| panic!("{e}"));
    let out = cli(&["import", &broken.display().to_string()], root());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.json:1:27: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(
        &["import", &schema.display().to_string(), "--target", "nope"],
        root(),
    );
    assert_eq!(out.status.code(), Some(2));
}

const TARGETS: &[&str] = &[
    "displayName",
    "title",
    "externalId",
    "name.givenName",
    "emails[type eq \"work\"].value",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
    "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge",
];

fn value_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "givenName",
            "surname",
            "mail",
            "department",
            "extension_0123456789abcdef0123456789abcdef_badge"
        ])
        .prop_map(|s| format!("source: {s}")),
        prop::sample::select(vec![
            "Join(\" \", [givenName], [surname])",
            "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
            "Replace([mail], , \"[^a-z]\", , \"_\", , )",
            "ToLower(Coalesce([mail], [userPrincipalName]))",
            "IIF([department] = \"Sales\", \"S\", \"O\")",
        ])
        .prop_map(|s| format!("expression: '{s}'")),
        "[A-Za-z0-9 ]{0,12}".prop_map(|s| format!("constant: '{s}'")),
    ]
}

prop_compose! {
    fn mapping_file()(
        picks in prop::collection::btree_map(0..TARGETS.len(), (value_strategy(), any::<bool>(), prop::option::of("[a-z]{1,6}")), 0..TARGETS.len()),
        badge_integer in any::<bool>(),
        enabled in any::<bool>(),
        scoping in any::<bool>(),
    ) -> String {
        let mut text = format!(
            "entramap: 1\napp: Generated\nsource_attributes:\n  users:\n    - name: extension_0123456789abcdef0123456789abcdef_badge\n      type: String\ntarget_attributes:\n  users:\n    - name: urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge\n      type: {}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n",
            if badge_integer { "Integer" } else { "String" }
        );
        for (i, (value, on_create, default)) in picks {
            text.push_str(&format!("  - target: '{}'\n    {value}\n", TARGETS[i]));
            if on_create {
                text.push_str("    apply: on-create\n");
            }
            if let Some(d) = default {
                text.push_str(&format!("    default: {d}\n"));
            }
        }
        text.push_str(&format!("groups:\n  enabled: {enabled}\n"));
        if scoping {
            text.push_str("  scoping:\n    - - {attribute: displayName, operator: EQUALS, value: Sales}\n      - {attribute: mail, operator: IS NOT NULL}\n");
        }
        text.push_str("  mappings:\n    - target: displayName\n      source: displayName\n      matching_precedence: 1\n");
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn import_of_an_export_gives_back_the_same_mapping(text in mapping_file()) {
        let prepared = prepare("gen.entramap.yaml", &text, None)
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_round_trip(&prepared);
    }
}

fn rebuilt(json: &str) -> Result<String, String> {
    let source: entramap::graph::model::AttributeMappingSource =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
    entramap::graph::import::expression_text(&source)
}

#[test]
fn hand_written_sources_without_expression_text_are_rebuilt_by_key() {
    assert_eq!(
        rebuilt(
            r#"{"name": "Replace", "type": "Function", "parameters": [
            {"key": "source", "value": {"name": "preferredLanguage", "type": "Attribute"}},
            {"key": "Find", "value": {"name": "-", "type": "Constant"}},
            {"key": "Replacement", "value": {"name": "_", "type": "Constant"}}]}"#
        )
        .as_deref(),
        Ok(r#"Replace([preferredLanguage], "-", , , "_")"#)
    );
    // The regex goes to the RegularExpression slot whatever the order of the keys.
    assert_eq!(
        rebuilt(
            r#"{"name": "Replace", "type": "Function", "parameters": [
            {"key": "Replacement", "value": {"name": "", "type": "Constant"}},
            {"key": "RegularExpression", "value": {"name": "[^0-9]", "type": "Constant"}},
            {"key": "source", "value": {"name": "mobile", "type": "Attribute"}}]}"#
        )
        .as_deref(),
        Ok(r#"Replace([mobile], , "[^0-9]", , "")"#)
    );
    // Switch with the service's keys (source, defaultValue, switchValue...): the default stays the
    // default even when it is written after the pairs.
    assert_eq!(
        rebuilt(
            r#"{"name": "Switch", "type": "Function", "parameters": [
            {"key": "source", "value": {"name": "IsSoftDeleted", "type": "Attribute"}},
            {"key": "switchValue", "value": {"name": "True", "type": "Constant"}},
            {"key": "switchValue", "value": {"name": "False", "type": "Constant"}},
            {"key": "defaultValue", "value": {"name": "False", "type": "Constant"}},
            {"key": "switchValue", "value": {"name": "False", "type": "Constant"}},
            {"key": "switchValue", "value": {"name": "True", "type": "Constant"}}]}"#
        )
        .as_deref(),
        Ok(r#"Switch([IsSoftDeleted], "False", "True", "False", "False", "True")"#)
    );
    // IIF's first key is `one` (a real Cloud Sync tree); an empty branch stays empty.
    assert_eq!(
        rebuilt(
            r#"{"name": "IIF", "type": "Function", "parameters": [
            {"key": "one", "value": {"name": "IsPresent", "type": "Function", "parameters": [
                {"key": "source", "value": {"name": "pwdLastSet", "type": "Attribute"}}]}},
            {"key": "two", "value": {"name": "x", "type": "Constant"}}]}"#
        )
        .as_deref(),
        Ok(r#"IIF(IsPresent([pwdLastSet]), "x", )"#)
    );
}

#[test]
fn unreadable_source_trees_are_errors_by_name() {
    let cases = [
        (r#"{"name": "displayName"}"#, "no `type`"),
        (
            r#"{"name": "Frobnicate", "type": "Function", "parameters": []}"#,
            "unknown function `Frobnicate`",
        ),
        (
            r#"{"name": "Switch", "type": "Function", "parameters": [
                {"key": "key", "value": {"name": "a", "type": "Constant"}}]}"#,
            "`Switch` has no parameter `key`",
        ),
        (
            r#"{"name": "Trim", "type": "Function", "parameters": [
                {"key": "source", "value": {"type": "Attribute"}}]}"#,
            "has no `name`",
        ),
    ];
    for (json, expected) in cases {
        let error = rebuilt(json).expect_err(json);
        assert!(error.contains(expected), "{json}: {error}");
    }
}

#[test]
fn export_uses_the_service_parameter_keys_bound_by_count() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: 'Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")'\n  - target: displayName\n    expression: 'Join(\" \", [givenName], [surname])'\n  - target: title\n    expression: 'FormatDateTime([employeeHireDate], , \"yyyy-MM-ddTHH:mm:ssZ\", \"yyyy\")'\n  - target: nickName\n    expression: 'IIF(IsPresent([mail]), Trim([mail]), )'\n";
    let prepared = prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let document = serde_json::to_value(exported(&prepared).schema).expect("serializes");
    let mappings = &document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"];
    let keys = |i: usize| -> Vec<String> {
        mappings[i]["source"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["key"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        keys(1),
        [
            "source",
            "switchValue",
            "switchValue",
            "switchValue",
            "switchValue"
        ]
    );
    assert_eq!(keys(2), ["separator", "source", "source"]);
    assert_eq!(keys(3), ["source", "inputFormat", "outputFormat"]);
    assert_eq!(keys(4), ["one", "two"]);
    assert_eq!(
        mappings[4]["source"]["parameters"][1]["value"]["parameters"][0]["key"],
        "source"
    );
    assert_round_trip(&prepared);
}

fn real(name: &str) -> String {
    read(&root().join("tests/fixtures/graph-real").join(name))
}

#[test]
fn the_catalogue_has_every_function_of_the_service_list_with_its_keys() {
    // tests/fixtures/graph-real/msgraph-functions-full-response.json: the service's own
    // GET .../schema/functions response.
    let list: serde_json::Value =
        serde_json::from_str(&real("msgraph-functions-full-response.json")).expect("JSON");
    let functions = list["value"].as_array().expect("value");
    assert_eq!(functions.len(), 14);
    for f in functions {
        let name = f["name"].as_str().expect("name");
        let declared: Vec<&entramap::expr::catalogue::Function> =
            entramap::expr::catalogue::functions()
                .filter(|d| d.name == name)
                .collect();
        assert!(!declared.is_empty(), "{name} is not in the catalogue");
        for p in f["parameters"].as_array().into_iter().flatten() {
            let key = p["name"].as_str().expect("parameter name");
            assert!(
                declared
                    .iter()
                    .any(|d| d.params.iter().any(|q| q.key == key)),
                "{name}: no parameter with the service's key `{key}`"
            );
            if p["required"] == false {
                assert!(
                    declared.iter().any(|d| d
                        .params
                        .iter()
                        .any(|q| q.key == key && (!q.required || d.max_args().is_none()))),
                    "{name}: `{key}` is optional in the service's list"
                );
            }
        }
        assert!(!declared[0].origin.is_empty());
    }
}

#[test]
fn a_real_cloud_sync_trim_mapping_reads_and_exports_with_its_key() {
    // tests/fixtures/graph-real/cloudsync-trim-attributemapping.json
    let mapping: entramap::graph::model::AttributeMapping =
        serde_json::from_str(&real("cloudsync-trim-attributemapping.json")).expect("JSON");
    let source = mapping.source.expect("a source");
    let text = entramap::graph::import::expression_text(&source).expect("readable");
    assert_eq!(text, "Trim([extensionAttribute3])");
    let mut without_text = source.clone();
    without_text.expression = None;
    assert_eq!(
        entramap::graph::import::expression_text(&without_text).as_deref(),
        Ok("Trim([extensionAttribute3])")
    );
    let expr = entramap::expr::syntax::parse(&text).expect("parses");
    let exported = entramap::graph::export::expression_source(&expr);
    assert_eq!(exported.parameters[0].key, source.parameters[0].key);
}

/// An attribute mapping's comparable parts: source expression (canonical), default, flow type
/// and matching priority.
fn mapping_facts(m: &serde_json::Value) -> (String, String, String, String) {
    let source: Option<entramap::graph::model::AttributeMappingSource> =
        serde_json::from_value(m["source"].clone()).ok().flatten();
    let text = source
        .map(|s| entramap::graph::import::expression_text(&s).unwrap_or_else(|e| e))
        .unwrap_or_default();
    (
        text,
        m["defaultValue"].to_string(),
        m["flowType"].to_string(),
        m["matchingPriority"].to_string(),
    )
}

/// Every complete real schema document: import it, export the mapping file into the document
/// itself (`--base`), and compare mapping by mapping. Each difference must be one the table
/// names as expected.
#[test]
fn every_real_document_round_trips_mapping_by_mapping() {
    for name in [
        "forcepoint-smc-scim-job-schema.json",
        "msgraph-2017-salesforce-job-schema.json",
        "msgraph-2017-salesforce-template-SfOutDelta.json",
        "msgraph-aws-sso-template-list-fragment.json",
        "../graph-real/msgraph-dirext-salesforce-get-response.json",
    ] {
        let text = fixture(name);
        let original = read_schema(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let options = ImportOptions {
            allow_lossy: true,
            ..ImportOptions::default()
        };
        let imported = import_str(&text, &options, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let prepared = prepare("back.entramap.yaml", &imported.yaml, None)
            .unwrap_or_else(|e| panic!("{name}: {e:?}\n{}", imported.yaml));
        let merged = export(
            &prepared,
            &ExportOptions {
                base: Some(original.clone()),
                ..ExportOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let before = serde_json::to_value(&original).expect("serializes");
        let after = serde_json::to_value(&merged.schema).expect("serializes");
        // Everything outside the rules' object mappings is the base's, untouched.
        assert_eq!(before["directories"], after["directories"], "{name}");
        assert_eq!(before["id"], after["id"], "{name}");
        assert_eq!(before["version"], after["version"], "{name}");
        let mut differences = Vec::new();
        for (r, rule) in before["synchronizationRules"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let rule_after = &after["synchronizationRules"][r];
            assert_eq!(
                rule["objectMappings"].as_array().map(Vec::len),
                rule_after["objectMappings"].as_array().map(Vec::len),
                "{name}: no object mapping added or lost"
            );
            assert_eq!(
                rule["metadata"], rule_after["metadata"],
                "{name}: rule metadata kept"
            );
            for (o, om) in rule["objectMappings"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let om_after = &rule_after["objectMappings"][o];
                assert_eq!(
                    om["metadata"], om_after["metadata"],
                    "{name}: object metadata kept"
                );
                assert_eq!(om["name"], om_after["name"], "{name}");
                let list =
                    |v: &serde_json::Value| -> Vec<(String, (String, String, String, String))> {
                        v["attributeMappings"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|m| {
                                (
                                    m["targetAttributeName"]
                                        .as_str()
                                        .unwrap_or_default()
                                        .to_owned(),
                                    mapping_facts(m),
                                )
                            })
                            .collect()
                    };
                let (b, a) = (list(om), list(om_after));
                for (target, facts) in &b {
                    let other = a.iter().find(|(t, _)| t == target).map(|(_, f)| f);
                    if other != Some(facts) {
                        differences.push((
                            target.clone(),
                            facts.clone(),
                            other.cloned(),
                            om["sourceObjectName"].clone(),
                        ));
                    }
                }
                for (target, _) in &a {
                    assert!(
                        b.iter().any(|(t, _)| t == target),
                        "{name}: {target} appeared"
                    );
                }
            }
        }
        for (target, before, after, object) in differences {
            // The one expected difference: a mapping with no source and only a default value
            // (the portal's mapping type "None") comes back as a Constant of that value (a
            // mapping file has no "None" type; import notes it).
            let none_became_constant = before.0.is_empty()
                && after.as_ref().is_some_and(|a| {
                    a.0 == format!("\"{}\"", before.1.trim_matches('"')) && a.1 == "null"
                });
            assert!(
                none_became_constant,
                "{name}: unexpected difference at {target} ({object}): {before:?} -> {after:?}"
            );
        }
    }
}

#[test]
fn import_accepts_a_bom_and_refuses_what_it_would_lose_or_could_not_read_back() {
    let text = fixture("forcepoint-smc-scim-job-schema.json");
    // A UTF-8 BOM, as Windows tools write it, is accepted.
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(
        import(&with_bom, None, None).yaml,
        import(&text, None, None).yaml
    );
    // A scope in inputFilterGroups decides who is provisioned: import fails unless allowed.
    let scoped = text.replacen(
        "\"scope\": null",
        r#""scope": {"groups": [], "inputFilterGroups": [{"name": "g", "clauses": [{"sourceOperandName": "department", "operatorName": "EQUALS", "targetOperand": {"values": ["Sales"]}}]}], "categoryFilterGroups": []}"#,
        1,
    );
    assert_ne!(scoped, text, "the fixture has a null scope to replace");
    let error = import_str(&scoped, &ImportOptions::default(), None).expect_err("lossy");
    assert!(matches!(error, ImportError::Lossy { .. }), "{error}");
    assert!(error.to_string().contains("inputFilterGroups"), "{error}");
    let allowed = ImportOptions {
        allow_lossy: true,
        ..ImportOptions::default()
    };
    let imported = import_str(&scoped, &allowed, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(imported
        .notes
        .iter()
        .any(|n| n.message.contains("inputFilterGroups")));
    // A mapping file larger than entramap reads is refused, not written.
    let huge = "x".repeat(entramap::model::MAX_FILE_BYTES + 10);
    let big = text.replacen(
        "\"defaultValue\": \"\"",
        &format!("\"defaultValue\": \"{huge}\""),
        1,
    );
    let error = import_str(&big, &ImportOptions::default(), None).expect_err("too large");
    assert!(matches!(error, ImportError::TooLarge { .. }), "{error}");
}

#[test]
fn cli_export_refuses_lint_errors_and_merges_into_a_base() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("bad.entramap.yaml");
    std::fs::write(
        &bad,
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: displayName\n    expression: Frobnicate([mail])\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = cli(&["export", &bad.display().to_string()], root());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is exported");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown-function") && stderr.contains("lint errors"),
        "{stderr}"
    );
    // A bare export says that it writes the non-gallery template.
    let out = cli(&["export", "examples/idmelon.entramap.yaml"], root());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("non-gallery SCIM (customappsso) template")
    );
    // --base: the tenant's schema with the mapping merged in, server-owned parts kept.
    let base = root().join("tests/fixtures/graph/forcepoint-smc-scim-job-schema.json");
    let out = cli(
        &[
            "export",
            "examples/idmelon.entramap.yaml",
            "--base",
            &base.display().to_string(),
        ],
        root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("non-gallery SCIM (customappsso) template")
    );
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let original: serde_json::Value =
        serde_json::from_str(&fixture("forcepoint-smc-scim-job-schema.json")).expect("JSON");
    assert_eq!(merged["id"], original["id"]);
    assert_eq!(merged["@odata.context"], original["@odata.context"]);
    let rule = &merged["synchronizationRules"][0];
    assert_eq!(
        rule["metadata"],
        original["synchronizationRules"][0]["metadata"]
    );
    assert_eq!(rule["targetDirectoryName"], "Forcepoint SMC");
    let user_index = rule["objectMappings"]
        .as_array()
        .and_then(|o| o.iter().position(|m| m["sourceObjectName"] == "User"))
        .expect("a user mapping");
    let users = &rule["objectMappings"][user_index];
    assert_eq!(
        users["metadata"],
        original["synchronizationRules"][0]["objectMappings"][user_index]["metadata"]
    );
    assert!(users["attributeMappings"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["targetAttributeName"] == "active")));
    // The declared custom attribute is added to the tenant's SCIM user object.
    let scim_user = merged["directories"][1]["objects"]
        .as_array()
        .and_then(|o| {
            o.iter()
                .find(|o| o["name"] == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        })
        .cloned()
        .expect("the SCIM user object");
    assert!(scim_user["attributes"]
        .as_array()
        .is_some_and(|a| a.iter().any(|a| a["name"]
            .as_str()
            .is_some_and(|n| n.ends_with(":immutable_id")))));
}

#[test]
fn the_target_directory_name_survives_import_and_export() {
    let imported = import(
        &fixture("msgraph-2017-salesforce-job-schema.json"),
        None,
        None,
    );
    assert!(
        imported
            .yaml
            .contains("\ntarget_directory: salesforce.com\n"),
        "{}",
        imported.yaml
    );
    let prepared =
        prepare("sf.entramap.yaml", &imported.yaml, None).unwrap_or_else(|e| panic!("{e:?}"));
    let document = serde_json::to_value(exported(&prepared).schema).expect("serializes");
    assert_eq!(
        document["synchronizationRules"][0]["targetDirectoryName"],
        "salesforce.com"
    );
    assert_eq!(document["directories"][1]["name"], "salesforce.com");
}

/// A gallery app's mapping exports to the app's own target directory (the profile's `gallery`),
/// and an export of that directory imports against the app's profile, named by its title.
#[test]
fn a_gallery_app_round_trips_through_its_target_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = |name: &str| dir.path().join(name).display().to_string();
    let init = cli(
        &[
            "init",
            "--app",
            "aws-single-sign-on",
            "-o",
            &path("aws.entramap.yaml"),
        ],
        root(),
    );
    assert_eq!(init.status.code(), Some(0), "{init:?}");
    let export = cli(
        &[
            "export",
            &path("aws.entramap.yaml"),
            "-o",
            &path("aws.json"),
        ],
        root(),
    );
    assert_eq!(export.status.code(), Some(0), "{export:?}");
    assert!(String::from_utf8_lossy(&export.stderr)
        .contains("AWS IAM Identity Center gallery app's target directory"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(path("aws.json")).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        schema["synchronizationRules"][0]["targetDirectoryName"],
        "AWSSingleSignon"
    );
    let import = cli(&["import", &path("aws.json")], root());
    assert_eq!(import.status.code(), Some(0), "{import:?}");
    let yaml = String::from_utf8_lossy(&import.stdout);
    assert!(
        yaml.contains("\napp: AWS IAM Identity Center\ntarget: aws-single-sign-on\n"),
        "{yaml}"
    );
    assert!(
        String::from_utf8_lossy(&import.stderr).contains("is the gallery app `aws-single-sign-on`")
    );
    let chosen = cli(
        &["import", &path("aws.json"), "--target", "scim-core"],
        root(),
    );
    assert_eq!(chosen.status.code(), Some(0), "{chosen:?}");
    let yaml = String::from_utf8_lossy(&chosen.stdout);
    assert!(
        yaml.contains("\napp: AWSSingleSignon\ntarget: scim-core\n"),
        "--target wins, and the app is named by its directory: {yaml}"
    );
    assert!(!String::from_utf8_lossy(&chosen.stderr).contains("is the gallery app"));
}

/// `export --base` adds the file's declared source attributes (directory extensions the tenant's
/// schema does not list yet) to the base's Entra directory, as it adds declared target
/// attributes to the app's directory.
#[test]
fn export_with_a_base_adds_declared_source_attributes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ext = "extension_0123456789abcdef0123456789abcdef_badge";
    let file = dir.path().join("m.entramap.yaml");
    std::fs::write(
        &file,
        format!("entramap: 1\napp: T\nsource_attributes:\n  users:\n    - {{name: {ext}}}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: title\n    source: {ext}\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let base = root().join("tests/fixtures/graph/forcepoint-smc-scim-job-schema.json");
    let out = cli(
        &[
            "export",
            &file.display().to_string(),
            "--base",
            &base.display().to_string(),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let entra_user = merged["directories"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["name"] == "Azure Active Directory"))
        .and_then(|d| d["objects"].as_array())
        .and_then(|o| o.iter().find(|o| o["name"] == "User"))
        .expect("the Entra directory's User object");
    assert!(
        entra_user["attributes"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["name"] == ext)),
        "the declared extension is added"
    );
}

/// The complex app role functions are keyed `source`, as a public script that PUTs schemas to
/// real jobs writes them; import reads that key and the older `appRoleAssignments`, with or
/// without the expression text.
#[test]
fn app_role_functions_export_key_source_and_import_both_keys() {
    let text = "entramap: 1\napp: T\ntarget: scim-core\ntarget_attributes:\n  users:\n    - {name: roles, type: String, multivalued: true}\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: roles\n    expression: AssertiveAppRoleAssignmentsComplex([appRoleAssignments])\n";
    let prepared = prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let document = serde_json::to_value(exported(&prepared).schema).expect("serializes");
    let mappings = &document["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"];
    let roles = mappings
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["targetAttributeName"] == "roles")
        .expect("the roles mapping");
    assert_eq!(roles["source"]["parameters"][0]["key"], "source");
    for function in [
        "AppRoleAssignmentsComplex",
        "AssertiveAppRoleAssignmentsComplex",
    ] {
        for key in ["source", "appRoleAssignments"] {
            let tree = format!(
                r#"{{"name": "{function}", "type": "Function", "parameters": [
                {{"key": "{key}", "value": {{"name": "appRoleAssignments", "type": "Attribute"}}}}]}}"#
            );
            assert_eq!(
                rebuilt(&tree),
                Ok(format!("{function}([appRoleAssignments])")),
                "{function} keyed {key}"
            );
            let with_text = tree.replacen(
                "\"type\": \"Function\"",
                &format!(
                    "\"type\": \"Function\", \"expression\": \"{function}([appRoleAssignments])\""
                ),
                1,
            );
            assert_eq!(
                rebuilt(&with_text),
                Ok(format!("{function}([appRoleAssignments])"))
            );
        }
    }
}

/// `export --base` replaces the base's attribute mappings with the file's, but keeps of each
/// what the file does not express (`flowBehavior`, `exportMissingReferences`, properties
/// entramap does not model): a PUT of the result changes only what the file says.
#[test]
fn export_with_a_base_keeps_what_the_file_does_not_express() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base_path = root().join("tests/fixtures/graph/forcepoint-smc-scim-job-schema.json");
    let mut base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&base_path).unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut changed = 0;
    for rule in base["synchronizationRules"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        for object in rule["objectMappings"].as_array_mut().into_iter().flatten() {
            for m in object["attributeMappings"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                if m["targetAttributeName"] == "userName" {
                    m["flowBehavior"] = "FlowAlways".into();
                    m["exportMissingReferences"] = true.into();
                    m["futureProperty"] = serde_json::json!({"kept": 1});
                    changed += 1;
                }
            }
        }
    }
    assert_eq!(changed, 1, "the base maps userName once");
    let base_file = dir.path().join("base.json");
    std::fs::write(&base_file, base.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("m.entramap.yaml");
    std::fs::write(
        &file,
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: mail\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = cli(
        &[
            "export",
            &file.display().to_string(),
            "--base",
            &base_file.display().to_string(),
        ],
        root(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let user_name = merged["synchronizationRules"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["objectMappings"].as_array().into_iter().flatten())
        .flat_map(|o| o["attributeMappings"].as_array().into_iter().flatten())
        .find(|m| m["targetAttributeName"] == "userName")
        .expect("userName is mapped");
    assert_eq!(user_name["source"]["name"], "mail", "the file's source");
    assert_eq!(user_name["flowBehavior"], "FlowAlways");
    assert_eq!(user_name["exportMissingReferences"], true);
    assert_eq!(user_name["futureProperty"], serde_json::json!({"kept": 1}));
}

/// A Microsoft-documented Salesforce schema (`salesforce.com`, not SCIM) imports naming the
/// `non-scim` profile, lints without the SCIM profile's false errors (with a note saying which
/// checks are off) and exports.
#[test]
fn a_non_scim_directory_is_not_judged_against_the_scim_profile() {
    let imported = import(
        &fixture("msgraph-2017-salesforce-job-schema.json"),
        None,
        None,
    );
    assert!(
        imported.yaml.contains("target: non-scim"),
        "{}",
        imported.yaml
    );
    assert!(imported
        .notes
        .iter()
        .any(|n| n.message.contains("is not a SCIM service")));
    let linted = entramap::lint::lint_source("sf.entramap.yaml", &imported.yaml, None);
    let rules: Vec<&str> = linted
        .report
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    assert_eq!(
        rules,
        ["not-scim-target"],
        "{:#?}",
        linted.report.diagnostics
    );
    assert!(linted.report.diagnostics[0]
        .message
        .contains("required-target-unmapped, matching-not-filterable"));
    let prepared =
        prepare("sf.entramap.yaml", &imported.yaml, None).unwrap_or_else(|e| panic!("{e:?}"));
    let document = serde_json::to_value(exported(&prepared).schema).expect("serializes");
    assert!(document.to_string().contains("\"Username\""));
    // A SCIM directory still gets the SCIM profile.
    let scim = import(&fixture("forcepoint-smc-scim-job-schema.json"), None, None);
    assert!(scim.yaml.contains("target: scim-core"));
}
