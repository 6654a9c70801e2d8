//! The committed JSON Schemas under `schemas/` are what `entramap schema` prints, and the
//! examples validate against the mapping schema.

use entramap::model::schema::{mapping_schema, target_schema};
use std::path::Path;

fn committed(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schemas_match_the_generated_ones() {
    assert_eq!(
        committed("entramap.schema.json"),
        mapping_schema(),
        "schemas/entramap.schema.json drifted: run `entramap schema mapping > schemas/entramap.schema.json`"
    );
    assert_eq!(
        committed("target.schema.json"),
        target_schema(),
        "schemas/target.schema.json drifted: run `entramap schema target > schemas/target.schema.json`"
    );
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn examples_and_profiles_validate_against_the_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mapping = jsonschema::draft7::new(&mapping_schema()).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(root.join("examples"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.path().is_file() {
            let errors: Vec<String> = mapping
                .iter_errors(&yaml_as_json(&entry.path()))
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
        }
    }
    let target = jsonschema::draft7::new(&target_schema()).unwrap_or_else(|e| panic!("{e}"));
    let profiles = ["schemas/targets", "schemas/gallery"]
        .into_iter()
        .flat_map(|dir| {
            std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("{e}"))
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        });
    for entry in profiles {
        let errors: Vec<String> = target
            .iter_errors(&yaml_as_json(&entry.path()))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
    }
}

#[test]
fn examples_carry_the_yaml_language_server_modeline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (dir, prefix) in [
        (root.clone(), "../schemas/"),
        (root.join("broken"), "../../schemas/"),
    ] {
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            if entry.path().is_file() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let modeline =
                    format!("# yaml-language-server: $schema={prefix}entramap.schema.json");
                assert!(
                    text.starts_with(&modeline),
                    "{} lacks `{modeline}`",
                    entry.path().display()
                );
            }
        }
    }
}
