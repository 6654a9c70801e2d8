//! Initialize, open, change, diagnostics, shutdown: the document lifecycle.

use super::client::{uri, utf16_position, Client};
use lsp_types::{DiagnosticSeverity, NumberOrString};
use serde_json::json;

/// A clean mapping file that further mappings are appended to.
pub const HEAD: &str = "entramap: 1\napp: Test\ntarget: scim-core\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: active\n    expression: Not([IsSoftDeleted])\n";

#[test]
fn initialize_announces_the_features_and_utf16_by_default() {
    let client = Client::start(&[]);
    let capabilities = &client.capabilities["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(client.capabilities["serverInfo"]["name"], "entramap");
    client.shutdown();
}

#[test]
fn utf8_is_used_when_the_client_offers_it() {
    let client = Client::start(&["utf-16", "utf-8"]);
    assert_eq!(
        client.capabilities["capabilities"]["positionEncoding"],
        "utf-8"
    );
    client.shutdown();
}

/// A mapping whose expression has a typo after `ü` and an emoji on the same line.
fn unicode_mapping() -> String {
    format!("{HEAD}  - target: displayName\n    expression: Join(\"ü😀\", [givenNme])\n")
}

#[test]
fn diagnostics_on_open_point_at_the_typo_in_utf16() {
    let mut client = Client::start(&[]);
    let text = unicode_mapping();
    let doc = uri("tests/fixtures/lsp/unicode.entramap.yaml");
    client.open(&doc, &text);
    let published = client.diagnostics(&doc);
    assert_eq!(published.version, Some(1));
    let [d] = published.diagnostics.as_slice() else {
        panic!("one finding: {:?}", published.diagnostics);
    };
    assert_eq!(
        d.code,
        Some(NumberOrString::String("unknown-source-attribute".into()))
    );
    assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
    assert_eq!(d.source.as_deref(), Some("entramap"));
    assert_eq!(
        d.code_description.as_ref().map(|c| c.href.as_str()),
        Some(expected_rule_docs("unknown-source-attribute").as_str())
    );
    assert!(
        d.message.contains("did you mean `givenName`?"),
        "{}",
        d.message
    );
    let (line, character) = utf16_position(&text, "[givenNme]");
    assert_eq!(
        (d.range.start.line, d.range.start.character),
        (line, character)
    );
    assert_eq!(d.range.end.character, character + "[givenNme]".len() as u32);
    // `ü` is 2 bytes and 1 UTF-16 unit, the emoji 4 bytes and 2 units.
    let column = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("[givenNme]")
        .unwrap() as u32;
    assert_eq!(character, column - 1 - 2);
    client.shutdown();
}

#[test]
fn diagnostics_in_utf8_count_bytes() {
    let mut client = Client::start(&["utf-8"]);
    let text = unicode_mapping();
    let doc = uri("tests/fixtures/lsp/unicode8.entramap.yaml");
    client.open(&doc, &text);
    let published = client.diagnostics(&doc);
    let d = &published.diagnostics[0];
    let line = text.lines().nth(d.range.start.line as usize).unwrap();
    assert_eq!(
        d.range.start.character as usize,
        line.find("[givenNme]").unwrap()
    );
    client.shutdown();
}

#[test]
fn a_change_rechecks_and_a_fixed_document_is_clean() {
    let mut client = Client::start(&[]);
    let text = unicode_mapping();
    let doc = uri("tests/fixtures/lsp/change.entramap.yaml");
    client.open(&doc, &text);
    assert_eq!(client.diagnostics(&doc).diagnostics.len(), 1);
    let (line, character) = utf16_position(&text, "Nme]");
    // Insert the missing `a` after `givenN`.
    client.change(&doc, 2, [line, character + 1], [line, character + 1], "a");
    let published = client.diagnostics(&doc);
    assert_eq!(published.version, Some(2));
    assert_eq!(published.diagnostics, vec![]);
    client.shutdown();
}

#[test]
fn queued_changes_are_checked_once() {
    let mut client = Client::start_with(&[], std::time::Duration::from_millis(50));
    let doc = uri("tests/fixtures/lsp/burst.entramap.yaml");
    // Opened and changed 19 times in a row: a burst (each change follows the previous one
    // within the window), checked once it pauses. The open may be checked at once, and a
    // client thread paused longer than the window (a loaded machine) splits the burst, so the
    // test asserts coalescing and the last version, not an exact count.
    client.open(&doc, HEAD);
    for version in 2..=20 {
        let text = format!("{HEAD}  - target: title\n    expression: ToLowr([mail]) # {version}\n");
        client.change_all(&doc, version, &text);
    }
    let mut published = client.diagnostics(&doc);
    let mut checks = 1;
    while published.version != Some(20) {
        assert!(checks < 20, "version 20 is never checked: {published:?}");
        published = client.diagnostics(&doc);
        checks += 1;
    }
    assert!(
        checks < 19,
        "{checks} checks for 20 versions: the burst was not coalesced"
    );
    assert_eq!(published.diagnostics.len(), 1);
    // A request after the burst is answered, so nothing else was published in between.
    client.request("entramap/nothing", json!({})).ok();
    assert!(!client.has_pending("textDocument/publishDiagnostics"));
    client.shutdown();
}

#[test]
fn half_typed_documents_still_get_diagnostics() {
    let mut client = Client::start(&[]);
    let doc = uri("tests/fixtures/lsp/half.entramap.yaml");
    for (version, text) in [
        (
            1,
            format!("{HEAD}  - target: title\n    expression: Join(\" \", [mail]"),
        ),
        (2, format!("{HEAD}  - target: title\n    expression: [")),
        (3, format!("{HEAD}  - target: title\n    expr")),
        (4, "entramap: 1\napp: [".to_owned()),
    ] {
        if version == 1 {
            client.open(&doc, &text);
        } else {
            client.change_all(&doc, version, &text);
        }
        let published = client.diagnostics(&doc);
        assert_eq!(published.version, Some(version));
        assert!(
            !published.diagnostics.is_empty(),
            "version {version}: {text}"
        );
    }
    client.shutdown();
}

#[test]
fn secondary_labels_are_related_information() {
    let mut client = Client::start(&[]);
    let doc = uri("tests/fixtures/lsp/related.entramap.yaml");
    let text =
        format!("{HEAD}  - target: externalId\n    source: objectId\n    matching_precedence: 1\n");
    client.open(&doc, &text);
    let published = client.diagnostics(&doc);
    let d = published
        .diagnostics
        .iter()
        .find(|d| {
            d.code
                == Some(NumberOrString::String(
                    "matching-precedence-duplicate".into(),
                ))
        })
        .expect("the duplicate precedence is found");
    let related = d.related_information.as_ref().expect("related information");
    assert_eq!(related[0].location.uri, doc);
    assert_eq!(related[0].location.range.start.line, 6);
    assert_eq!(related[0].message, "first used here");
    client.shutdown();
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut client = Client::start(&[]);
    let doc = uri("tests/fixtures/lsp/close.entramap.yaml");
    client.open(&doc, &unicode_mapping());
    assert_eq!(client.diagnostics(&doc).diagnostics.len(), 1);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": doc}}),
    );
    assert_eq!(client.diagnostics(&doc).diagnostics, vec![]);
    client.shutdown();
}

#[test]
fn unknown_requests_and_bad_parameters_are_errors_not_hangups() {
    let mut client = Client::start(&[]);
    let error = client.request("entramap/nothing", json!({})).unwrap_err();
    assert!(error.contains("entramap/nothing"), "{error}");
    let error = client
        .request("textDocument/hover", json!({"nope": 1}))
        .unwrap_err();
    assert!(error.contains("invalid parameters"), "{error}");
    // Still serving.
    let doc = uri("tests/fixtures/lsp/after.entramap.yaml");
    client.open(&doc, &unicode_mapping());
    assert_eq!(client.diagnostics(&doc).diagnostics.len(), 1);
    client.shutdown();
}

/// The link of a rule's explanation: `docs/rules.md#<rule>` where Cargo.toml's `repository`
/// publishes it, else in this checkout; the section exists.
fn expected_rule_docs(rule: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/rules.md")).expect("docs/rules.md");
    assert!(
        docs.contains(&format!("\n## {rule}\n")),
        "{rule} has a section"
    );
    match entramap::diagnostics::rules::published_docs() {
        Some(published) => format!("{published}#{rule}"),
        None => {
            let local =
                lsp_types::Url::from_file_path(root.join("docs/rules.md")).expect("absolute");
            format!("{local}#{rule}")
        }
    }
}

/// A JSON mapping file on one line with `n` mappings, each with an unknown key (a finding with
/// a certain fix and a suppression).
fn json_with_findings(n: usize) -> String {
    let mut mappings = vec![
        r#"{"target": "userName", "source": "userPrincipalName", "matching_precedence": 1}"#
            .to_owned(),
    ];
    mappings.extend((0..n).map(|i| {
        format!(r#"{{"target": "urn:ietf:params:scim:schemas:extension:B:2.0:User:a{i}", "source": "department", "nots": "x"}}"#)
    }));
    let declared: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"name": "urn:ietf:params:scim:schemas:extension:B:2.0:User:a{i}"}}"#))
        .collect();
    format!(
        r#"{{"entramap": 1, "app": "T", "target_attributes": {{"users": [{}]}}, "users": [{}]}}"#,
        declared.join(", "),
        mappings.join(", ")
    )
}

#[test]
fn code_actions_on_a_large_json_document_offer_every_fix_and_suppression() {
    let mut client = Client::start(&[]);
    let doc = uri("big.entramap.json");
    // Under the suggestion budget of one lint: every typo gets its certain fix.
    let n = 1_000;
    client.open(&doc, &json_with_findings(n));
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": doc}, "range": range, "context": {"diagnostics": []}}),
        )
        .expect("code actions");
    let actions = actions.as_array().expect("a list");
    let count = |prefix: &str| {
        actions
            .iter()
            .filter(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .count()
    };
    assert_eq!(count("write `note`"), n);
    assert_eq!(count("Suppress `unknown-key`"), n);
}

#[test]
fn a_cancelled_code_action_request_stops_and_the_server_goes_on() {
    let mut client = Client::start(&[]);
    let doc = uri("big.entramap.json");
    client.open(&doc, &json_with_findings(5_000));
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
    let params =
        json!({"textDocument": {"uri": doc}, "range": range, "context": {"diagnostics": []}});
    assert_eq!(
        client.request_then_cancel("textDocument/codeAction", params),
        Err("cancelled".to_owned())
    );
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": doc}}),
        )
        .expect("the server answers the next request");
    assert!(symbols.as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn a_document_with_carriage_returns_only_gets_findings_on_their_lines() {
    let mut client = Client::start(&[]);
    let text =
        HEAD.replace('\n', "\r") + "  - target: displayName\r    expression: ToLower([givenNme])\r";
    let doc = uri("cr.entramap.yaml");
    client.open(&doc, &text);
    let published = client.diagnostics(&doc);
    let d = published
        .diagnostics
        .iter()
        .find(|d| d.code == Some(NumberOrString::String("unknown-source-attribute".into())))
        .unwrap_or_else(|| panic!("{:?}", published.diagnostics));
    let line = text.split('\r').position(|l| l.contains("givenNme"));
    assert_eq!(Some(d.range.start.line as usize), line, "{d:?}");
    assert_eq!(
        d.range.start.character,
        "    expression: ToLower(".len() as u32
    );
}
