//! Every rule id the source code reports is in the rule table, so `entramap explain` and the
//! SARIF rule metadata cover every finding.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn every_reported_rule_id_is_in_the_rule_table() {
    let pattern = regex::Regex::new(r#"(?:Diagnostic::new\(\s*|rule:\s*)"([a-z][a-z0-9-]*)""#)
        .expect("valid pattern");
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut seen = 0;
    for (path, text) in &files {
        for capture in pattern.captures_iter(text) {
            let id = &capture[1];
            seen += 1;
            assert!(
                entramap::diagnostics::rules::lookup(id).is_some(),
                "{path} reports `{id}`, which is not in src/rules.rs"
            );
        }
    }
    assert!(seen > 20, "the scan found only {seen} rule ids");
}
