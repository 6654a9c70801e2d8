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
    let table = &text[text.find("| Entra ID Attribute").expect("a mapping table")..];
    assert!(
        readme().contains(table.trim_end()),
        "README's table is out of date; the tool prints:\n{text}"
    );
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
    let start = readme.find("## Debug one user").expect("the walkthrough section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let blocks = console_blocks(section);
    assert_eq!(blocks.len(), 3, "preview, preview --user, eval --mapping");
    assert!(
        blocks.iter().any(|(c, _)| c.contains("preview") && c.contains("--user")),
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
