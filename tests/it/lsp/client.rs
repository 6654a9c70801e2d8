//! A test client: drives `entramap::lsp::serve` through an in-memory connection, as an editor
//! would over stdio.

use entramap::lsp::{serve, Options};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{PublishDiagnosticsParams, Url};
use serde_json::{json, Value};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a test waits for one answer.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A client connected to a server running on its own thread.
pub struct Client {
    connection: Connection,
    server: Option<JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else, oldest first.
    pending: Vec<Notification>,
    /// The initialize result.
    pub capabilities: Value,
}

impl Client {
    /// A server initialized by a client with these `general.positionEncodings` (none: the
    /// protocol's UTF-16 default).
    pub fn start(encodings: &[&str]) -> Client {
        Client::start_with(encodings, Duration::ZERO)
    }

    /// [`Client::start`] with a debounce window.
    pub fn start_with(encodings: &[&str], debounce: Duration) -> Client {
        let (server_side, connection) = Connection::memory();
        let server = std::thread::spawn(move || {
            serve(&server_side, Options { debounce }).expect("the server ends cleanly");
        });
        let mut client = Client {
            connection,
            server: Some(server),
            next_id: 0,
            pending: Vec::new(),
            capabilities: Value::Null,
        };
        let mut capabilities = json!({
            "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}
        });
        if !encodings.is_empty() {
            capabilities["general"] = json!({"positionEncodings": encodings});
        }
        let result = client.request(
            lsp_types::request::Initialize::METHOD,
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        client.capabilities = result.expect("initialize succeeds");
        client.notify(lsp_types::notification::Initialized::METHOD, json!({}));
        client
    }

    /// Sends a notification.
    pub fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .expect("the server is listening");
    }

    /// Sends a request and waits for its response: the result, or the error message.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_owned(),
                params,
            )))
            .expect("the server is listening");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.connection.receiver.recv_timeout(left) {
                Ok(Message::Response(Response {
                    id: got,
                    response_result,
                })) if got == id => {
                    return response_result.map_err(|e| e.message);
                }
                Ok(Message::Notification(n)) => self.pending.push(n),
                Ok(other) => panic!("unexpected message while waiting for {method}: {other:?}"),
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// Sends a request and, at once, its `$/cancelRequest`; waits for the response.
    pub fn request_then_cancel(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id + 1;
        let cancel = Notification::new("$/cancelRequest".to_owned(), json!({"id": id}));
        let sender = self.connection.sender.clone();
        let (method, params) = (method.to_owned(), params);
        self.next_id = id;
        sender
            .send(Message::Request(Request::new(
                RequestId::from(id),
                method.clone(),
                params,
            )))
            .expect("the server is listening");
        sender
            .send(Message::Notification(cancel))
            .expect("the server is listening");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.connection.receiver.recv_timeout(left) {
                Ok(Message::Response(Response {
                    id: got,
                    response_result,
                })) if got == RequestId::from(id) => {
                    return response_result.map_err(|e| e.message);
                }
                Ok(Message::Notification(n)) => self.pending.push(n),
                Ok(other) => panic!("unexpected message while waiting for {method}: {other:?}"),
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// The next notification of `method` (earlier ones of other methods are kept).
    pub fn notification(&mut self, method: &str) -> Notification {
        if let Some(i) = self.pending.iter().position(|n| n.method == method) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.connection.receiver.recv_timeout(left) {
                Ok(Message::Notification(n)) if n.method == method => return n,
                Ok(Message::Notification(n)) => self.pending.push(n),
                Ok(other) => panic!("unexpected message while waiting for {method}: {other:?}"),
                Err(e) => panic!("no {method} notification: {e}"),
            }
        }
    }

    /// The next diagnostics published for `uri` (those for other documents are skipped).
    pub fn diagnostics(&mut self, uri: &Url) -> PublishDiagnosticsParams {
        loop {
            let n = self.notification(lsp_types::notification::PublishDiagnostics::METHOD);
            let params: PublishDiagnosticsParams =
                serde_json::from_value(n.params).expect("valid diagnostics");
            if &params.uri == uri {
                return params;
            }
        }
    }

    /// Whether any notification of `method` is waiting (received or queued) now.
    pub fn has_pending(&mut self, method: &str) -> bool {
        while let Ok(message) = self.connection.receiver.try_recv() {
            if let Message::Notification(n) = message {
                self.pending.push(n);
            }
        }
        self.pending.iter().any(|n| n.method == method)
    }

    /// Opens a document.
    pub fn open(&self, uri: &Url, text: &str) {
        self.notify(
            lsp_types::notification::DidOpenTextDocument::METHOD,
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Replaces a document's whole text.
    pub fn change_all(&self, uri: &Url, version: i32, text: &str) {
        self.notify(
            lsp_types::notification::DidChangeTextDocument::METHOD,
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Replaces a range (`[line, character]` pairs) of a document.
    pub fn change(&self, uri: &Url, version: i32, start: [u32; 2], end: [u32; 2], text: &str) {
        self.notify(
            lsp_types::notification::DidChangeTextDocument::METHOD,
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": start[0], "character": start[1]},
                              "end": {"line": end[0], "character": end[1]}},
                    "text": text
                }]
            }),
        );
    }

    /// A request at a position of a document (hover, completion, definition).
    pub fn at(&mut self, method: &str, uri: &Url, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// `shutdown` then `exit`; the server thread must end.
    pub fn shutdown(mut self) {
        let result = self.request(lsp_types::request::Shutdown::METHOD, Value::Null);
        assert_eq!(result, Ok(Value::Null));
        self.notify(lsp_types::notification::Exit::METHOD, Value::Null);
        if let Some(server) = self.server.take() {
            server
                .join()
                .expect("the server thread ends without panicking");
        }
    }
}

/// A `file:` URI for a path under the repository (it need not exist).
pub fn uri(relative: &str) -> Url {
    Url::from_file_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative))
        .expect("absolute path")
}

/// A position `(line, character)` of the first `needle` in `text`, counted in UTF-16 units.
pub fn utf16_position(text: &str, needle: &str) -> (u32, u32) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in text"));
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    (line as u32, character as u32)
}
