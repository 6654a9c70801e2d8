//! Language server latency through an in-memory connection (the editor's view, without the
//! stdio pipes): diagnostics of the 1,000-mapping benchmark file after a change (with the
//! default debounce window), and hover and completion on the IDmelon example.

use criterion::{criterion_group, criterion_main, Criterion};
use entramap::lsp::{serve, Options};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::time::Duration;

/// The 1,000-mapping file of BENCHMARKS.md (the same generator as its Python script).
fn thousand() -> String {
    let ext = "extension_0123456789abcdef0123456789abcdef";
    let urn = "urn:ietf:params:scim:schemas:extension:Bench:2.0:User";
    let mut out = vec![
        "entramap: 1".to_owned(),
        "app: Bench".into(),
        "source_attributes:".into(),
        "  users:".into(),
    ];
    out.extend((0..1000).map(|i| format!("    - {{name: {ext}_attr{i}}}")));
    out.extend(["target_attributes:".to_owned(), "  users:".into()]);
    out.extend((0..1000).map(|i| format!("    - {{name: {urn}:a{i}}}")));
    out.extend([
        "users:".to_owned(),
        "  - target: userName".into(),
        "    source: userPrincipalName".into(),
        "    matching_precedence: 1".into(),
        "  - target: active".into(),
        "    expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")"
            .into(),
    ]);
    for i in 0..998 {
        out.push(format!("  - target: {urn}:a{i}"));
        out.push(if i % 2 == 1 {
            format!("    source: {ext}_attr{i}")
        } else {
            format!("    expression: Join(\" \", ToLower([givenName]), IIF(IsPresent([department]), [department], \"none\"), [{ext}_attr{i}])")
        });
    }
    out.join("\n") + "\n"
}

struct Client {
    connection: Connection,
    next: i32,
}

impl Client {
    fn start(options: Options) -> Client {
        let (server, connection) = Connection::memory();
        std::thread::spawn(move || serve(&server, options));
        let mut client = Client {
            connection,
            next: 0,
        };
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(n))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .unwrap();
        loop {
            match self
                .connection
                .receiver
                .recv_timeout(Duration::from_secs(30))
            {
                Ok(Message::Response(r)) if r.id == id => {
                    return r.response_result.unwrap_or(Value::Null)
                }
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// Waits for the diagnostics of `version`; returns how many there are.
    fn diagnostics(&self, version: i32) -> usize {
        loop {
            match self
                .connection
                .receiver
                .recv_timeout(Duration::from_secs(30))
            {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics"
                        && n.params["version"] == version =>
                {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
                Ok(_) => {}
                Err(e) => panic!("no diagnostics: {e}"),
            }
        }
    }
}

/// One-character edits of the last expression of `text` (a space in and out of its string
/// literal `"none"`, so that every version lints like the original, without findings), each
/// waited for until its diagnostics arrive.
fn changes(c: &mut Criterion, name: &str, options: Options, text: &str) -> Client {
    let client = Client::start(options);
    let uri = "file:///bench/thousand.entramap.yaml";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(1), 0, "the benchmark file is clean");
    let (line, literal) = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| l.find("\"none\"").map(|at| (i as u32, at as u32)))
        .last()
        .expect("an expression with \"none\"");
    let inside = literal + 2;
    let mut version = 1;
    c.bench_function(name, |b| {
        b.iter(|| {
            version += 1;
            let (start, end, insert) = if version % 2 == 0 {
                (inside, inside, " ")
            } else {
                (inside, inside + 1, "")
            };
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{
                    "range": {"start": {"line": line, "character": start},
                              "end": {"line": line, "character": end}},
                    "text": insert}]}),
            );
            assert_eq!(client.diagnostics(version), 0, "version {version} is clean");
        })
    });
    client
}

/// A JSON mapping file on one line with `n` mappings, each with an unknown key: `n` findings
/// with a certain fix and a suppression each.
fn json_findings(n: usize) -> String {
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

fn bench(c: &mut Criterion) {
    // Code actions over a whole one-line JSON document: every finding's quick fix and
    // suppression (linear in the findings; each position found by binary search).
    let mut json_client = Client::start(Options::default());
    for n in [1_000, 10_000] {
        let uri = format!("file:///bench/json{n}.entramap.json");
        json_client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": json_findings(n)}}),
        );
        json_client.diagnostics(1);
        let range =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
        c.bench_function(
            &format!("code actions over a one-line JSON document, {n} findings"),
            |b| {
                b.iter(|| {
                    json_client.request(
                        "textDocument/codeAction",
                        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
                    )
                })
            },
        );
    }
    let text = thousand();
    // The same work without the server, for comparison on a busy machine.
    c.bench_function("lint_source alone, 1,000 mappings", |b| {
        b.iter(|| entramap::lint::lint_source("thousand.entramap.yaml", &text, None))
    });
    changes(
        c,
        "diagnostics after a change, 1,000 mappings, no debounce",
        Options {
            debounce: Duration::ZERO,
        },
        &text,
    );
    let mut client = changes(
        c,
        "diagnostics after a change, 1,000 mappings",
        Options::default(),
        &text,
    );

    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/idmelon.entramap.yaml"
    ))
    .unwrap();
    let uri = format!(
        "file://{}/examples/idmelon.entramap.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": example}}),
    );
    client.diagnostics(1);
    let position = |needle: &str, after: usize| {
        let offset = example.find(needle).unwrap() + after;
        let line = example[..offset].matches('\n').count();
        let column = offset - example[..offset].rfind('\n').map_or(0, |i| i + 1);
        json!({"line": line, "character": column})
    };
    let switch = position("Switch(", 1);
    c.bench_function("hover on Switch, idmelon example", |b| {
        b.iter(|| {
            client.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri}, "position": switch}),
            )
        })
    });
    let attribute = position("[department]", 3);
    c.bench_function("completion inside [, idmelon example", |b| {
        b.iter(|| {
            client.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": attribute}),
            )
        })
    });
    let target = position("target: displayName", 12);
    c.bench_function("completion of a target, idmelon example", |b| {
        b.iter(|| {
            client.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": target}),
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
