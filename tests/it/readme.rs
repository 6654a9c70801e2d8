//! The README's first screen shows real output: the diagnostics of the broken example and the
//! ConfigCat table. These tests fail when the tool's output and the README drift apart.

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
    let table = &text[text.find("| Entra ID Attribute").expect("a mapping table")..];
    assert!(
        readme().contains(table.trim_end()),
        "README's table is out of date; the tool prints:\n{text}"
    );
}
