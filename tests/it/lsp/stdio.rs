//! `entramap lsp` as a process: the protocol over stdin and stdout, and its exit status.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Sends `first`, waits for a message from the server of `method`, sends `then`; returns the
/// exit status and every message the server sent.
fn session(first: &[Value], method: &str, then: &[Value]) -> (Option<i32>, Vec<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("entramap lsp starts");
    let mut stdin = Some(child.stdin.take().expect("stdin"));
    for m in first {
        stdin.as_mut().unwrap().write_all(&frame(m)).expect("write");
    }
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut received: Vec<Value> = Vec::new();
    loop {
        if received
            .last()
            .is_some_and(|m| m["method"] == method || (method == "initialize" && m["id"] == 1))
        {
            if let Some(mut input) = stdin.take() {
                for m in then {
                    input.write_all(&frame(m)).expect("write");
                }
            }
        }
        let mut header = String::new();
        if out.read_line(&mut header).expect("read") == 0 {
            break;
        }
        let Some(length) = header.trim().strip_prefix("Content-Length: ") else {
            continue;
        };
        let length: usize = length.parse().expect("a length");
        let mut blank = String::new();
        out.read_line(&mut blank).expect("read");
        let mut body = vec![0; length];
        out.read_exact(&mut body).expect("body");
        received.push(serde_json::from_slice(&body).expect("JSON"));
    }
    (child.wait().expect("exit").code(), received)
}

fn initialize() -> [Value; 2] {
    [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    ]
}

#[test]
fn a_session_over_stdio_ends_with_status_0_after_shutdown() {
    let text =
        "entramap: 1\napp: T\nusers:\n  - target: userName\n    expression: ToLowr([mail])\n";
    let mut messages = initialize().to_vec();
    messages.push(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": "file:///tmp/s.entramap.yaml", "languageId": "yaml", "version": 1, "text": text}}}),
    );
    let end = [
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let (status, received) = session(&messages, "textDocument/publishDiagnostics", &end);
    assert_eq!(status, Some(0));
    assert_eq!(received[0]["result"]["serverInfo"]["name"], "entramap");
    let published = received
        .iter()
        .find(|m| m["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics");
    let codes: Vec<&Value> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert!(codes.contains(&&json!("unknown-function")), "{codes:?}");
    assert!(received
        .iter()
        .any(|m| m["id"] == 2 && m["result"].is_null()));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let exit = [json!({"jsonrpc": "2.0", "method": "exit"})];
    let (status, _) = session(&initialize(), "initialize", &exit);
    assert_eq!(status, Some(1));
}
