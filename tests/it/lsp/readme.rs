//! The README's editor walkthrough shows the server's real answers.

use super::client::{uri, utf16_position, Client};

#[test]
fn the_readme_shows_the_real_hover_of_switch() {
    let mut client = Client::start(&[]);
    let path = "examples/broken/idmelon-typo.entramap.yaml";
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("the broken example");
    let doc = uri(path);
    client.open(&doc, &text);
    client.diagnostics(&doc);
    let (line, character) = utf16_position(&text, "Switch(");
    let hover = client.at("textDocument/hover", &doc, line, character);
    let value = hover["contents"]["value"]
        .as_str()
        .expect("a hover")
        .to_owned();
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    assert!(
        readme.contains(&value),
        "the README's hover of Switch is out of date; the server says:\n{value}"
    );
    client.shutdown();
}
