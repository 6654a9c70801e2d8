//! Hover, completion, code actions, formatting, document symbols, go to definition and
//! re-checking a profile's users, each through the protocol.

use super::client::{uri, utf16_position, Client};
use super::protocol::HEAD;
use serde_json::{json, Value};

/// Opens `text` and waits for its first diagnostics.
fn open(client: &mut Client, name: &str, text: &str) -> lsp_types::Url {
    let doc = uri(&format!("tests/fixtures/lsp/{name}"));
    client.open(&doc, text);
    client.diagnostics(&doc);
    doc
}

fn hover_text(client: &mut Client, doc: &lsp_types::Url, text: &str, needle: &str) -> String {
    let (line, character) = utf16_position(text, needle);
    let hover = client.at("textDocument/hover", doc, line, character + 1);
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("a hover at {needle}: {hover}"))
        .to_owned()
}

#[test]
fn hover_explains_functions_attributes_targets_rules_and_values() {
    let mut client = Client::start(&[]);
    let text = format!(
        "{HEAD}  - target: title\n    expression: Switch([department], \"Staff\", \"IT\", \"Engineer\")\n    allow:\n      - rule: switch-source-predicate\n        reason: kept for the demo\n"
    );
    let doc = open(&mut client, "hover.entramap.yaml", &text);
    let switch = hover_text(&mut client, &doc, &text, "Switch(");
    assert!(
        switch.contains("Switch(source, defaultValue?, key, value, …)"),
        "{switch}"
    );
    assert!(switch.contains("contexts: app-provisioning"), "{switch}");
    let department = hover_text(&mut client, &doc, &text, "department]");
    assert!(
        department.starts_with("**department**: String (user source attribute)"),
        "{department}"
    );
    let title = hover_text(&mut client, &doc, &text, "title\n");
    assert!(
        title
            .starts_with("**title**: String (user target attribute, from the `scim-core` profile)"),
        "{title}"
    );
    let user_name = hover_text(&mut client, &doc, &text, "userName");
    assert!(user_name.contains("- required"), "{user_name}");
    let rule = hover_text(&mut client, &doc, &text, "switch-source-predicate");
    assert!(
        rule.contains("IsPresent, IsNull or IsNullOrEmpty used as the Switch source"),
        "{rule}"
    );
    assert!(rule.contains("Fixed:"), "{rule}");
    let value = hover_text(&mut client, &doc, &text, "\"Staff\"");
    assert!(value.ends_with("value type: **String**"), "{value}");
    let not = hover_text(&mut client, &doc, &text, "[IsSoftDeleted]");
    assert!(not.contains("Boolean"), "{not}");
    let profile = hover_text(&mut client, &doc, &text, "scim-core");
    assert!(
        profile.starts_with("**scim-core** target profile"),
        "{profile}"
    );
    // Nothing to say about `app:`.
    let (line, character) = utf16_position(&text, "Test");
    assert_eq!(
        client.at("textDocument/hover", &doc, line, character),
        Value::Null
    );
    client.shutdown();
}

#[test]
fn hover_on_a_connect_sync_name_says_what_to_use() {
    let mut client = Client::start(&[]);
    let text = format!("{HEAD}  - target: title\n    expression: LCase([mail])\n");
    let doc = open(&mut client, "hover-cs.entramap.yaml", &text);
    let lcase = hover_text(&mut client, &doc, &text, "LCase");
    assert!(
        lcase.contains("Connect Sync") && lcase.contains("ToLower"),
        "{lcase}"
    );
    client.shutdown();
}

/// The labels offered at the end of `needle` in `text`.
fn labels_at(client: &mut Client, doc: &lsp_types::Url, text: &str, needle: &str) -> Vec<String> {
    let (line, character) = utf16_position(text, needle);
    let end = character + needle.encode_utf16().count() as u32;
    let items = client.at("textDocument/completion", doc, line, end);
    items
        .as_array()
        .unwrap_or_else(|| panic!("a list: {items}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn completion_offers_what_fits_where_the_cursor_is() {
    let mut client = Client::start(&[]);
    // Half typed: the last line does not parse yet.
    let text = format!(
        "{HEAD}  - target: name.giv\n    expression: Join(\" \", [giv\n  - target: x\n    source: sur\n    allow:\n      - rule: switch-s\n"
    );
    let doc = open(&mut client, "complete.entramap.yaml", &text);
    let targets = labels_at(&mut client, &doc, &text, "target: name.giv");
    assert!(
        targets.contains(&"name.givenName".to_owned()),
        "{targets:?}"
    );
    assert!(
        !targets.contains(&"id".to_owned()),
        "the primary key is no target"
    );
    let sources = labels_at(&mut client, &doc, &text, "[giv");
    assert!(
        sources.contains(&"givenName".to_owned()) && sources.contains(&"IsSoftDeleted".to_owned())
    );
    let direct = labels_at(&mut client, &doc, &text, "source: sur");
    assert!(direct.contains(&"surname".to_owned()));
    let rules = labels_at(&mut client, &doc, &text, "rule: switch-s");
    assert!(rules.contains(&"switch-source-predicate".to_owned()));
    assert!(
        !rules.contains(&"unknown-target-profile".to_owned()),
        "not suppressible"
    );
    let profiles = labels_at(&mut client, &doc, &text, "target: scim-core");
    assert_eq!(
        profiles[..5],
        ["cloudsso", "configcat", "idmelon", "non-scim", "scim-core"]
    );
    assert!(
        profiles.contains(&"slack".to_owned()),
        "gallery profiles too"
    );
    client.shutdown();
}

#[test]
fn function_completion_inserts_a_snippet_over_the_typed_prefix() {
    let mut client = Client::start(&[]);
    let text = format!("{HEAD}  - target: title\n    expression: Jo\n");
    let doc = open(&mut client, "snippet.entramap.yaml", &text);
    let (line, character) = utf16_position(&text, "Jo\n");
    let items = client.at("textDocument/completion", &doc, line, character + 2);
    let join = items
        .as_array()
        .and_then(|a| a.iter().find(|i| i["label"] == "Join"))
        .expect("Join is offered");
    assert_eq!(join["insertTextFormat"], 2, "snippet");
    assert_eq!(
        join["textEdit"]["newText"],
        "Join(${1:separator}, ${2:source})$0"
    );
    assert_eq!(
        join["textEdit"]["range"]["start"],
        json!({"line": line, "character": character})
    );
    assert!(join["detail"]
        .as_str()
        .is_some_and(|d| d.starts_with("Join(")));
    let names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(!names.contains(&"Trim"), "Trim is Cloud Sync only");
    client.shutdown();
}

#[test]
fn scoping_operators_complete_in_flow_clauses() {
    let mut client = Client::start(&[]);
    let text =
        "entramap: 1\napp: T\nusers:\n  scoping:\n    - - {attribute: department, operator: EQ\n";
    let doc = open(&mut client, "scoping.entramap.yaml", text);
    let operators = labels_at(&mut client, &doc, text, "operator: EQ");
    assert!(
        operators.contains(&"EQUALS".to_owned()) && operators.contains(&"IS TRUE".to_owned()),
        "{operators:?}"
    );
    client.shutdown();
}

/// Applies a workspace edit's changes for `doc` to `text` (edits in reverse order).
pub fn apply(text: &str, edits: &Value) -> String {
    let mut edits: Vec<&Value> = edits.as_array().expect("edits").iter().collect();
    let offset = |p: &Value| {
        let (line, character) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        let rest = &text[start..];
        rest.char_indices()
            .find(|(_, c)| {
                let here = units >= character;
                units += c.len_utf16();
                here
            })
            .map_or(text.len(), |(i, _)| start + i)
    };
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_owned();
    for e in edits {
        let (start, end) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

fn actions_at(client: &mut Client, doc: &lsp_types::Url, text: &str, needle: &str) -> Vec<Value> {
    let (line, character) = utf16_position(text, needle);
    let range = json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}});
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": doc}, "range": range, "context": {"diagnostics": []}}),
        )
        .expect("code actions");
    actions.as_array().expect("a list").clone()
}

#[test]
fn quick_fixes_apply_the_certain_fixes() {
    let mut client = Client::start(&[]);
    for (needle, text, fixed) in [
        ("Instr", "Instr([mail], \"@\")", "InStr([mail], \"@\")"),
        ("LCase", "LCase([mail])", "ToLower([mail])"),
        ("ToLowr", "ToLowr([mail])", "ToLower([mail])"),
        (
            "[givenNme]",
            "Join(\"ü😀\", [givenNme])",
            "Join(\"ü😀\", [givenName])",
        ),
    ] {
        let text = format!("{HEAD}  - target: title\n    expression: '{text}'\n");
        let doc = open(
            &mut client,
            &format!("fix-{}.entramap.yaml", needle.trim_matches(['[', ']'])),
            &text,
        );
        let actions = actions_at(&mut client, &doc, &text, needle);
        let fix = actions
            .iter()
            .find(|a| a["isPreferred"] == true)
            .unwrap_or_else(|| panic!("a preferred fix for {needle}: {actions:?}"));
        assert_eq!(fix["kind"], "quickfix");
        let edits = &fix["edit"]["changes"][doc.as_str()];
        let out = apply(&text, edits);
        assert_eq!(
            out,
            format!("{HEAD}  - target: title\n    expression: '{fixed}'\n")
        );
        assert!(actions.iter().any(|a| a["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Suppress"))));
    }
    client.shutdown();
}

#[test]
fn no_quick_fix_when_the_suggestion_is_not_certain() {
    let mut client = Client::start(&[]);
    let text = format!("{HEAD}  - target: title\n    expression: Contains([mail], \"@\")\n");
    let doc = open(&mut client, "uncertain.entramap.yaml", &text);
    let actions = actions_at(&mut client, &doc, &text, "Contains");
    assert!(
        actions.iter().all(|a| a["isPreferred"] != true),
        "{actions:?}"
    );
    assert_eq!(actions.len(), 1, "only the suppression: {actions:?}");
    client.shutdown();
}

#[test]
fn suppress_with_a_reason_inserts_an_allow_entry() {
    let mut client = Client::start(&[]);
    let text = format!("{HEAD}  - target: title\n    expression: Instr([mail], \"@\")\n");
    let doc = open(&mut client, "suppress.entramap.yaml", &text);
    let actions = actions_at(&mut client, &doc, &text, "Instr");
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress `function-name-case` in this mapping (with a reason)")
        .expect("a suppression");
    let out = apply(&text, &suppress["edit"]["changes"][doc.as_str()]);
    client.change_all(&doc, 2, &out);
    let after = client.diagnostics(&doc);
    assert_eq!(after.diagnostics, vec![], "{out}");
    assert!(out.contains("    allow:\n      - rule: function-name-case\n        reason: "));
    client.shutdown();
}

#[test]
fn suppress_with_a_reason_in_a_json_file_inserts_an_allow_member() {
    let mut client = Client::start(&[]);
    let text = "{\n  \"entramap\": 1,\n  \"app\": \"Test\",\n  \"users\": [\n    {\"target\": \"userName\", \"source\": \"userPrincipalName\", \"matching_precedence\": 1},\n    {\"target\": \"active\", \"expression\": \"Not([IsSoftDeleted])\"},\n    {\n      \"target\": \"title\",\n      \"expression\": \"Instr([mail], \\\"@\\\")\"\n    }\n  ]\n}\n";
    let doc = open(&mut client, "suppress.entramap.json", text);
    let actions = actions_at(&mut client, &doc, text, "Instr");
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress `function-name-case` in this mapping (with a reason)")
        .unwrap_or_else(|| panic!("a suppression: {actions:?}"));
    let out = apply(text, &suppress["edit"]["changes"][doc.as_str()]);
    let json: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        json["users"][2]["allow"],
        json!([{"rule": "function-name-case", "reason": "<say why this finding is acceptable>"}])
    );
    assert!(
        out.contains("\\\"@\\\")\",\n      \"allow\": [{\"rule\": \"function-name-case\""),
        "on its own line, at the mapping's indentation: {out}"
    );
    client.change_all(&doc, 2, &out);
    let after = client.diagnostics(&doc);
    assert_eq!(after.diagnostics, vec![], "{out}");
    client.shutdown();
}

#[test]
fn formatting_is_the_fmt_rewrite() {
    let mut client = Client::start(&[]);
    let text = format!(
        "{HEAD}  - target: displayName\n    expression: Join(\" \",[givenName],  [surname])\n"
    );
    let doc = open(&mut client, "format.entramap.yaml", &text);
    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .expect("formatting");
    let out = apply(&text, &edits);
    assert_eq!(
        out,
        format!(
            "{HEAD}  - target: displayName\n    expression: Join(\" \", [givenName], [surname])\n"
        )
    );
    assert_eq!(
        out,
        entramap::canonical::format_source("a.entramap.yaml", &text)
            .text
            .unwrap()
    );
    client.change_all(&doc, 2, &out);
    client.diagnostics(&doc);
    let again = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": doc}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .expect("formatting");
    assert_eq!(again, Value::Null, "already canonical");
    client.shutdown();
}

#[test]
fn symbols_are_mappings_grouped_by_object() {
    let mut client = Client::start(&[]);
    let text = format!("{HEAD}groups:\n  - target: displayName\n    source: displayName\n");
    let doc = open(&mut client, "symbols.entramap.yaml", &text);
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": doc}}),
        )
        .expect("symbols");
    let outline: Vec<(String, Vec<String>)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let children = s["children"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        c["name"].as_str().unwrap(),
                        c["detail"].as_str().unwrap()
                    )
                })
                .collect();
            (s["name"].as_str().unwrap().to_owned(), children)
        })
        .collect();
    assert_eq!(
        outline,
        [
            (
                "users".to_owned(),
                vec![
                    "userName (source: userPrincipalName)".to_owned(),
                    "active (expression: Not([IsSoftDeleted]))".to_owned()
                ]
            ),
            (
                "groups".to_owned(),
                vec!["displayName (source: displayName)".to_owned()]
            ),
        ]
    );
    let active = &symbols[0]["children"][1];
    assert_eq!(active["range"]["start"]["line"], 7);
    assert_eq!(active["range"]["end"]["line"], 8);
    assert_eq!(
        active["selectionRange"]["start"],
        json!({"line": 7, "character": 12})
    );
    client.shutdown();
}

#[test]
fn definition_of_a_target_is_its_declaration() {
    let mut client = Client::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("app.yaml");
    std::fs::write(&profile, "entramap-target: 1\nname: app\nextends: scim-core\nusers:\n  attributes:\n    - name: costCenter\n      type: String\n").unwrap();
    let text = "entramap: 1\napp: T\ntarget: ./app.yaml\ntarget_attributes:\n  users:\n    - name: badge\n      type: String\nusers:\n  - target: badge\n    source: employeeId\n  - target: costCenter\n    source: department\n";
    let doc = lsp_types::Url::from_file_path(dir.path().join("a.entramap.yaml")).unwrap();
    client.open(&doc, text);
    client.diagnostics(&doc);
    let (line, character) = utf16_position(text, "badge\n    source");
    let local = client.at("textDocument/definition", &doc, line, character);
    assert_eq!(local["uri"], doc.as_str());
    assert_eq!(local["range"]["start"], json!({"line": 5, "character": 12}));
    let (line, character) = utf16_position(text, "costCenter");
    let remote = client.at("textDocument/definition", &doc, line, character);
    assert_eq!(
        remote["uri"],
        lsp_types::Url::from_file_path(&profile).unwrap().as_str()
    );
    assert_eq!(
        remote["range"]["start"],
        json!({"line": 5, "character": 12})
    );
    let (line, character) = utf16_position(text, "./app.yaml");
    let file = client.at("textDocument/definition", &doc, line, character);
    assert_eq!(file["uri"], remote["uri"]);
    client.shutdown();
}

#[test]
fn changing_a_profile_rechecks_the_mappings_that_use_it() {
    let mut client = Client::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile_text = "entramap-target: 1\nname: app\nextends: scim-core\nusers:\n  attributes:\n    - name: costCenter\n      type: String\n";
    std::fs::write(dir.path().join("app.yaml"), profile_text).unwrap();
    let text = format!(
        "{}  - target: costCenter\n    source: department\n",
        HEAD.replace("scim-core", "./app.yaml")
    );
    let doc = lsp_types::Url::from_file_path(dir.path().join("a.entramap.yaml")).unwrap();
    client.open(&doc, &text);
    assert_eq!(client.diagnostics(&doc).diagnostics, vec![]);
    // The profile is opened and, unsaved, loses the attribute: the mapping is checked again
    // against the buffer.
    let profile = lsp_types::Url::from_file_path(dir.path().join("app.yaml")).unwrap();
    client.open(&profile, profile_text);
    let _ = client.diagnostics(&profile);
    let renamed = profile_text.replace("costCenter", "costCentre");
    client.change_all(&profile, 2, &renamed);
    let after = client.diagnostics(&doc);
    let codes: Vec<_> = after
        .diagnostics
        .iter()
        .filter_map(|d| d.code.clone())
        .collect();
    assert_eq!(
        codes,
        [lsp_types::NumberOrString::String(
            "unknown-target-attribute".into()
        )]
    );
    assert!(after.diagnostics[0]
        .message
        .contains("did you mean `costCentre`?"));
    // A broken profile is reported in the profile itself.
    client.change_all(
        &profile,
        3,
        "entramap-target: 1\nname: app\nusers:\n  atributes: []\n",
    );
    let own = loop {
        let n = client.notification("textDocument/publishDiagnostics");
        let p: lsp_types::PublishDiagnosticsParams = serde_json::from_value(n.params).unwrap();
        if p.uri == profile && p.version == Some(3) {
            break p;
        }
    };
    assert_eq!(own.diagnostics.len(), 1, "{:?}", own.diagnostics);
    assert_eq!(
        own.diagnostics[0].range.start.line, 3,
        "{:?}",
        own.diagnostics
    );
    client.shutdown();
}

#[test]
fn hover_on_a_finding_explains_its_rule() {
    let mut client = Client::start(&[]);
    let text =
        format!("{HEAD}  - target: externalId\n    source: objectId\n    matching_precedence: 1\n");
    let doc = open(&mut client, "explain.entramap.yaml", &text);
    let last = text.rfind("matching_precedence: 1").unwrap() + "matching_precedence: ".len();
    let line = text[..last].matches('\n').count() as u32;
    let hover = client.at("textDocument/hover", &doc, line, 25);
    let value = hover["contents"]["value"].as_str().expect("a hover");
    assert!(
        value.starts_with("**matching-precedence-duplicate** (error)"),
        "{value}"
    );
    // A document that does not load explains its syntax error.
    let broken = "entramap: 1\napp: [\n";
    client.change_all(&doc, 2, broken);
    let published = client.diagnostics(&doc);
    let at = published.diagnostics[0].range.start;
    let hover = client.at("textDocument/hover", &doc, at.line, at.character);
    let value = hover["contents"]["value"].as_str().expect("a hover");
    assert!(value.starts_with("**file-syntax** (error)"), "{value}");
    client.shutdown();
}
