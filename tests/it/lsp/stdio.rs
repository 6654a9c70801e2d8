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

/// Runs `entramap lsp` on `input` (written from another thread, then closed); returns the exit
/// status, every message the server sent, and its standard error.
fn raw_session(input: Vec<u8>) -> (Option<i32>, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("entramap lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The server may stop reading (a malformed header): a broken pipe is expected then.
        let _ = stdin.write_all(&input);
    });
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_end(&mut out)
        .expect("read");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    let _ = writer.join();
    let status = child.wait().expect("exit").code();
    let mut received = Vec::new();
    let mut rest = out.as_slice();
    while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
        let header = std::str::from_utf8(&rest[..at]).expect("header");
        let length: usize = header
            .trim()
            .strip_prefix("Content-Length: ")
            .expect("length")
            .parse()
            .expect("a number");
        let body = &rest[at + 4..at + 4 + length];
        received.push(serde_json::from_slice(body).expect("JSON"));
        rest = &rest[at + 4 + length..];
    }
    (status, received, err)
}

fn framed(messages: &[Value]) -> Vec<u8> {
    messages.iter().flat_map(frame).collect()
}

fn shutdown_and_exit() -> Vec<u8> {
    framed(&[
        json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ])
}

#[test]
fn malformed_messages_get_a_json_rpc_error_and_the_session_goes_on() {
    let mut input = framed(&initialize());
    for body in ["{not json", "[]", "{\"jsonrpc\": \"2.0\", \"id\": 7}"] {
        input.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).bytes());
    }
    // A lone surrogate, as a JavaScript client sends half of an emoji.
    let open = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/s.entramap.yaml","languageId":"yaml","version":1,"text":"entramap: 1\napp: \"T\ud83d\"\nusers:\n  - target: userName\n    expression: ToLowr([mail])\n"}}}"#;
    input.extend(format!("Content-Length: {}\r\n\r\n{open}", open.len()).bytes());
    input.extend(framed(&[
        json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/documentSymbol",
        "params": {"textDocument": {"uri": "file:///tmp/s.entramap.yaml"}}}),
    ]));
    input.extend(shutdown_and_exit());
    let (status, received, _) = raw_session(input);
    assert_eq!(status, Some(0), "{received:#?}");
    let errors: Vec<(&Value, i64)> = received
        .iter()
        .filter_map(|m| Some((&m["id"], m["error"]["code"].as_i64()?)))
        .collect();
    assert_eq!(
        errors,
        [
            (&Value::Null, -32700),
            (&Value::Null, -32600),
            (&json!(7), -32600)
        ],
        "{received:#?}"
    );
    assert!(
        received
            .iter()
            .any(|m| m["id"] == 5 && m["result"].as_array().is_some_and(|a| !a.is_empty())),
        "the document with a lone surrogate was read: {received:#?}"
    );
}

#[test]
fn a_body_over_64_mib_is_read_past_and_refused_and_the_session_goes_on() {
    let mut input = framed(&initialize());
    let size = 64 * 1024 * 1024 + 1;
    input.extend(format!("Content-Length: {size}\r\n\r\n").bytes());
    input.resize(input.len() + size, b' ');
    input.extend(shutdown_and_exit());
    let (status, received, _) = raw_session(input);
    assert_eq!(status, Some(0), "{received:#?}");
    assert!(
        received.iter().any(|m| m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("refused"))),
        "{received:#?}"
    );
}

#[test]
fn a_header_that_frames_nothing_ends_the_session_with_a_short_error_and_no_abort() {
    for header in [
        b"Content-Length: 1e14\r\n\r\n{}".to_vec(),
        vec![b'A'; 4 * 1024 * 1024],
        b"Content-Length: 800000000\r\n\r\n{".to_vec(),
    ] {
        let mut input = framed(&initialize());
        input.extend(&header);
        let (status, _, err) = raw_session(input);
        assert!(matches!(status, Some(0 | 1)), "{status:?}: {err}");
        assert!(err.len() < 400, "a short error: {err}");
    }
}
