//! `entramap docs`: the JSON Schema of the SCIM resources, checked with a JSON Schema validator
//! against sample payloads.

use entramap::model::{prepare, Prepared};
use entramap::output::docs::schema;
use serde_json::{json, Value};
use std::path::Path;

use crate::common;

fn example(name: &str) -> Prepared {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    prepare(name, &text, path.parent()).unwrap_or_else(|e| panic!("{e:?}"))
}

/// A validator for one `$defs` entry of the document.
fn validator(document: &Value, def: &str) -> jsonschema::Validator {
    let mut wrapper = document.clone();
    if let Some(o) = wrapper.as_object_mut() {
        o.remove("anyOf");
        o.insert("$ref".into(), json!(format!("#/$defs/{def}")));
    }
    jsonschema::draft202012::new(&wrapper).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_example_has_a_valid_schema() {
    for name in [
        "idmelon.entramap.yaml",
        "configcat.entramap.yaml",
        "cloudsso.entramap.yaml",
        "scim-core-default.entramap.yaml",
    ] {
        let document = schema(&example(name));
        assert!(jsonschema::draft202012::meta::is_valid(&document), "{name}");
        let stem = name.trim_end_matches(".entramap.yaml");
        insta::assert_json_snapshot!(format!("docs_{stem}"), document);
    }
}

#[test]
fn idmelon_payloads_validate() {
    let document = schema(&example("idmelon.entramap.yaml"));
    let users = validator(&document, "User");
    let good = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User"],
        "externalId": "5f1c…",
        "userName": "5f1c…",
        "active": true,
        "displayName": "Ada Lovelace",
        "emails": [{"type": "work", "value": "ada@example.com"}],
        "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
        "urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User": {"immutable_id": "abc", "extraAttribute1": "Sales / Engineer"}
    });
    assert!(
        users.is_valid(&good),
        "{:?}",
        users
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    for bad in [
        json!({"userName": "x"}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x", "active": "yes"}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x", "emails": [{"type": "home", "value": "a"}]}),
    ] {
        assert!(!users.is_valid(&bad), "{bad}");
    }
    let matching = &document["$defs"]["User"]["properties"]["externalId"];
    assert_eq!(matching["x-entramap-matching-precedence"], 1);
    assert!(matching["description"]
        .as_str()
        .is_some_and(|d| d.contains("objectId") && d.contains("Matching attribute")));
    let groups = validator(&document, "Group");
    assert!(groups.is_valid(&json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Sales", "externalId": "g1", "description": "d",
        "members": [{"value": "u1"}, {"value": "u2"}]
    })));
}

#[test]
fn cloudsso_constraints_reject_bad_names() {
    let document = schema(&example("cloudsso.entramap.yaml"));
    let groups = validator(&document, "Group");
    let group = |name: &str| json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name});
    assert!(groups.is_valid(&group("Sales_EU")));
    assert!(!groups.is_valid(&group("Sales EU")), "pattern");
    assert!(!groups.is_valid(&group(&"a".repeat(129))), "maxLength");
    let users = validator(&document, "User");
    let user = |email: String| json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada", "emails": [{"type": "work", "value": email}]});
    assert!(users.is_valid(&user("ada@example.com".into())));
    assert!(
        !users.is_valid(&user(format!("{}@example.com", "a".repeat(130)))),
        "email maxLength"
    );
}

#[test]
fn cli_prints_the_schema() {
    let out = common::entramap(&["docs", "examples/configcat.entramap.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&out.stdout).expect("docs prints JSON");
    assert_eq!(
        document["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

/// `preview` builds the payloads that `docs` documents: every payload of a synthetic tenant,
/// through every example, validates against that example's User schema.
#[test]
fn preview_payloads_validate_against_the_docs_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let users = dir.path().join("users.jsonl");
    let synth = common::entramap(&[
        "synth",
        "--users",
        "300",
        "--seed",
        "7",
        "-o",
        users.to_str().expect("UTF-8"),
    ]);
    assert_eq!(synth.status.code(), Some(0), "{}", common::stderr(&synth));
    for name in common::EXAMPLES {
        let document = schema(&example(name));
        let validator = validator(&document, "User");
        let out = dir.path().join(format!("{name}.payloads.jsonl"));
        let example_path = format!("examples/{name}");
        let preview = common::entramap(&[
            "preview",
            &example_path,
            "--users",
            users.to_str().expect("UTF-8"),
            "--out",
            out.to_str().expect("UTF-8"),
            "--fail-on",
            "never",
        ]);
        assert_eq!(
            preview.status.code(),
            Some(0),
            "{name}: {}",
            common::stderr(&preview)
        );
        let payloads = std::fs::read_to_string(&out).expect("payloads written");
        let mut checked = 0;
        for line in payloads.lines() {
            let payload: Value = serde_json::from_str(line).expect("a payload is JSON");
            let errors: Vec<String> = validator
                .iter_errors(&payload)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{name}: {line}\n{errors:?}");
            checked += 1;
        }
        assert!(checked > 100, "{name}: only {checked} payloads");
    }
}
