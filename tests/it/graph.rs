//! `entramap export` and `entramap import`: the Graph synchronization schema of every example,
//! the round trip export → import (examples and generated files), the real exported schemas in
//! tests/fixtures/graph (see SOURCES.md there), errors with positions, secrets, and the CLI.

use entramap::graph::export::{export, ExportOptions};
use entramap::graph::import::{import_str, ImportError, ImportOptions, Imported};
use entramap::graph::model::read_schema;
use entramap::model::{prepare, Prepared};
use entramap::output::diff::diff;
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
    let exported = export(prepared, &ExportOptions::default()).to_json();
    let app = prepared.file.app.as_ref().map(|a| a.value.as_str());
    let imported = import(&exported, Some(prepared.file.target_profile()), app);
    let back = prepare("back.entramap.yaml", &imported.yaml, None)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", imported.yaml));
    let changes: Vec<_> = diff(prepared, &back)
        .changes
        .into_iter()
        .filter(|c| c.subject != "scope")
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
        let exported = export(&prepared, &ExportOptions::default());
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
fn export_marks_declared_attributes_and_limits() {
    let (prepared, _) = example("idmelon.entramap.yaml");
    let document = serde_json::to_value(export(&prepared, &ExportOptions::default()).schema)
        .expect("the schema serializes");
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
    assert_eq!(
        immutable["metadata"][0],
        serde_json::json!({"key": "IsCustomerDefined", "value": "true"})
    );
    let (cloudsso, _) = example("cloudsso.entramap.yaml");
    let document = serde_json::to_value(export(&cloudsso, &ExportOptions::default()).schema)
        .expect("the schema serializes");
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
    let exported = export(&prepared, &ExportOptions::default());
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
                .contains("expression: 'Replace([preferredLanguage], \"-\", , , \"_\", , )'"),
            "{}",
            imported.yaml
        );
        assert!(imported.yaml.contains("expression: 'Not([IsSoftDeleted])'"));
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
fn secret_tokens_in_a_schema_are_masked_and_reported() {
    let secret = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL";
    let text = fixture("forcepoint-smc-scim-job-schema.json").replacen(
        "\"defaultValue\": \"\"",
        &format!("\"defaultValue\": \"{secret}\""),
        1,
    );
    let imported = import(&text, None, None);
    assert!(!imported.yaml.contains(secret), "{}", imported.yaml);
    assert!(imported.yaml.contains("Zm9v****"));
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

#[test]
fn hand_written_sources_without_expression_text_are_rebuilt() {
    let source: entramap::graph::model::AttributeMappingSource = serde_json::from_str(
        r#"{"name": "Replace", "type": "Function", "parameters": [
            {"key": "source", "value": {"name": "preferredLanguage", "type": "Attribute"}},
            {"key": "Find", "value": {"name": "-", "type": "Constant"}},
            {"key": "Replacement", "value": {"name": "_", "type": "Constant"}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        entramap::graph::import::expression_text(&source),
        r#"Replace([preferredLanguage], "-", , , "_")"#
    );
}
