//! The README's library example, compiled and run.

use entramap::expr::checker::{check_text, Attributes, CheckOptions};

#[test]
fn the_readme_library_example_works() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = entramap::lint::lint_file(&root.join("examples/idmelon.entramap.yaml"));
    assert!(report.report.diagnostics.is_empty());

    let options = CheckOptions {
        context: entramap::expr::catalogue::Context::AppProvisioning,
        attributes: Attributes::Schema(&entramap::expr::source::entra_id().users),
        target_type: None,
    };
    let checked = check_text(r#"Join(" ", [givenNme], [surname])"#, &options);
    assert_eq!(checked.diagnostics[0].rule, "unknown-source-attribute");
}
