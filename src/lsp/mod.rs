//! `entramap lsp`: the Language Server Protocol over any [`Connection`] (the command line
//! serves it on stdio; tests use an in-memory pair), with no async runtime. Nothing here
//! prints: failures are logged to the client (`window/logMessage`).
//!
//! The server keeps the open documents in memory and answers from their current text:
//! diagnostics from the same pipeline as `entramap lint` ([`crate::lint::lint_source_with`],
//! reading target profiles from unsaved buffers first), hover, completion, quick fixes and
//! suppressions, formatting (`entramap fmt`), document symbols and go to definition. An
//! isolated edit is checked at once; the rest of a burst is checked once it pauses: queued
//! changes are applied before anything is checked, and after a change that follows another
//! within the debounce window the server waits until a window passes without a change (at most
//! five windows). A panic while answering one message is caught and logged; the
//! connection stays up.

mod actions;
mod completion;
mod cursor;
mod definition;
mod diagnostics;
mod document;
mod hover;
pub mod position;
mod symbols;
pub mod transport;

use document::{DocKind, Document};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    Request as _,
};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    CompletionOptions, HoverProviderCapability, InitializeParams, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use position::Encoding;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How the server behaves beyond the protocol.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The debounce window. A change that follows the previous one within it is part of a
    /// burst: the server waits until a window passes without a change (at most five windows)
    /// before checking, so that a burst of keystrokes is checked once it pauses. A change after
    /// a quiet window is checked at once. Changes already queued are always coalesced.
    pub debounce: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(10),
        }
    }
}

/// Why the server stopped other than by `shutdown` and `exit`.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves the protocol on `connection`: the `initialize` handshake, then every message until
/// `shutdown` and `exit` (or until the client hangs up).
pub fn serve(connection: &Connection, options: Options) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo {
            name: "entramap".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server::new(encoding, params.capabilities, options.debounce);
    server.main_loop(connection)
}

/// What the server offers, with positions in `encoding`.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(
                ["[", "(", ",", ":", " "]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            ),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// The open documents and what the client can do.
struct Server {
    encoding: Encoding,
    client: ClientCapabilities,
    documents: HashMap<Url, Document>,
    /// Documents changed since they were last checked.
    dirty: BTreeSet<Url>,
    /// Whether the last change came in a burst, and so waits for the debounce window.
    debounce: Debounce,
    shutdown: bool,
    /// Messages read while a long request looked for its cancellation, handled next.
    pending: VecDeque<Message>,
}

/// Tells an isolated change, checked at once, from one in a burst, checked after the window.
#[derive(Debug, Clone, Copy)]
struct Debounce {
    window: Duration,
    last_change: Option<Instant>,
    burst: bool,
}

impl Debounce {
    fn new(window: Duration) -> Self {
        Debounce {
            window,
            last_change: None,
            burst: false,
        }
    }

    /// A document was opened or changed at `now`: a burst when the previous change was less
    /// than a window earlier.
    fn change(&mut self, now: Instant) {
        self.burst = self
            .last_change
            .is_some_and(|last| now.saturating_duration_since(last) < self.window);
        self.last_change = Some(now);
    }

    /// How long to wait, at `now`, for further changes before checking: in a burst, until a
    /// window has passed since the last change, but never past [`MAX_WINDOWS`] windows after
    /// `since` (when the check was due), so that steady typing is still checked; else nothing.
    fn wait(&self, since: Instant, now: Instant) -> Duration {
        let Some(last) = self.last_change.filter(|_| self.burst) else {
            return Duration::ZERO;
        };
        let quiet = last + self.window;
        let cap = since + self.window * MAX_WINDOWS;
        quiet.min(cap).saturating_duration_since(now)
    }
}

/// Whether `message` is a `$/cancelRequest` for the request `id`.
fn is_cancel_of(message: &Message, id: &lsp_server::RequestId) -> bool {
    let Message::Notification(n) = message else {
        return false;
    };
    n.method == lsp_types::notification::Cancel::METHOD
        && serde_json::from_value::<lsp_types::CancelParams>(n.params.clone()).is_ok_and(
            |p| match p.id {
                lsp_types::NumberOrString::Number(n) => *id == lsp_server::RequestId::from(n),
                lsp_types::NumberOrString::String(s) => *id == lsp_server::RequestId::from(s),
            },
        )
}

/// The longest a burst delays its check, in debounce windows.
const MAX_WINDOWS: u32 = 5;

/// What handling one message asks of the loop.
enum Flow {
    Continue,
    Exit,
}

impl Server {
    fn new(encoding: Encoding, client: ClientCapabilities, debounce: Duration) -> Self {
        Server {
            encoding,
            client,
            documents: HashMap::new(),
            dirty: BTreeSet::new(),
            debounce: Debounce::new(debounce),
            shutdown: false,
            pending: VecDeque::new(),
        }
    }

    fn main_loop(&mut self, connection: &Connection) -> Result<(), Error> {
        while let Some(message) = self
            .pending
            .pop_front()
            .or_else(|| connection.receiver.recv().ok())
        {
            if let Flow::Exit = self.handle(connection, message) {
                return self.exit();
            }
            // Coalesce: apply everything already queued and, in a burst, what arrives until the
            // burst pauses for a debounce window, before checking.
            let due = Instant::now();
            loop {
                let wait = self.debounce.wait(due, Instant::now());
                let queued = self.pending.pop_front().map(Ok);
                let next = match queued.unwrap_or_else(|| connection.receiver.try_recv()) {
                    Ok(message) => Some(message),
                    Err(_) if !self.dirty.is_empty() && !wait.is_zero() => {
                        connection.receiver.recv_timeout(wait).ok()
                    }
                    Err(_) => None,
                };
                let Some(message) = next else { break };
                if let Flow::Exit = self.handle(connection, message) {
                    return self.exit();
                }
            }
            self.publish_dirty(connection);
        }
        Ok(())
    }

    /// The outcome of `exit`: an error unless `shutdown` came first (the protocol's exit
    /// status 1).
    fn exit(&self) -> Result<(), Error> {
        if self.shutdown {
            Ok(())
        } else {
            Err("the client sent `exit` without `shutdown`".into())
        }
    }

    /// Handles one message, catching a panic so that one bad request never ends the session.
    fn handle(&mut self, connection: &Connection, message: Message) -> Flow {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let method = request.method.clone();
                if self.shutdown {
                    send(
                        connection,
                        Response::new_err(
                            id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".to_owned(),
                        ),
                    );
                    return Flow::Continue;
                }
                if request.method == lsp_types::request::Shutdown::METHOD {
                    self.shutdown = true;
                    send(connection, Response::new_ok(id, ()));
                    return Flow::Continue;
                }
                let response = guarded(connection, &method, || self.request(connection, request))
                    .unwrap_or_else(|what| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("entramap failed on this request: {what}"),
                        )
                    });
                send(connection, response);
                Flow::Continue
            }
            Message::Notification(notification) => {
                if notification.method == lsp_types::notification::Exit::METHOD {
                    return Flow::Exit;
                }
                let method = notification.method.clone();
                let _ = guarded(connection, &method, || self.notification(notification));
                Flow::Continue
            }
            Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, connection: &Connection, request: Request) -> Response {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => self.answer::<HoverRequest>(request, |s, p| {
                let at = &p.text_document_position_params;
                s.documents
                    .get(&at.text_document.uri)
                    .and_then(|d| hover::hover(d, at.position, s.overlay()))
            }),
            Completion::METHOD => self.answer::<Completion>(request, |s, p| {
                let at = &p.text_document_position;
                s.documents.get(&at.text_document.uri).map(|d| {
                    lsp_types::CompletionResponse::Array(completion::complete(
                        d,
                        at.position,
                        s.snippets(),
                        s.overlay(),
                    ))
                })
            }),
            CodeActionRequest::METHOD => self.code_actions(connection, request),
            Formatting::METHOD => self.answer::<Formatting>(request, |s, p| {
                s.documents
                    .get(&p.text_document.uri)
                    .and_then(actions::format)
            }),
            DocumentSymbolRequest::METHOD => {
                self.answer::<DocumentSymbolRequest>(request, |s, p| {
                    s.documents
                        .get(&p.text_document.uri)
                        .map(|d| lsp_types::DocumentSymbolResponse::Nested(symbols::symbols(d)))
                })
            }
            GotoDefinition::METHOD => self.answer::<GotoDefinition>(request, |s, p| {
                let at = &p.text_document_position_params;
                s.documents
                    .get(&at.text_document.uri)
                    .and_then(|d| definition::definition(d, at.position, s.overlay()))
                    .map(lsp_types::GotoDefinitionResponse::Scalar)
            }),
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("entramap does not handle `{method}`"),
            ),
        }
    }

    /// Code actions, which on a large document with many findings take a while: between
    /// findings the messages that arrived are read, and a `$/cancelRequest` for this request
    /// stops the work (the other messages are handled next, in order).
    fn code_actions(&mut self, connection: &Connection, request: Request) -> Response {
        let id = request.id.clone();
        let mut arrived = Vec::new();
        let mut cancelled = false;
        let mut is_cancelled = || {
            while let Ok(message) = connection.receiver.try_recv() {
                cancelled |= is_cancel_of(&message, &id);
                arrived.push(message);
            }
            cancelled
        };
        let response = match serde_json::from_value::<lsp_types::CodeActionParams>(request.params) {
            Ok(p) => match self.documents.get(&p.text_document.uri) {
                Some(d) => {
                    match actions::code_actions(d, p.range, self.overlay(), &mut is_cancelled) {
                        Some(actions) => Response::new_ok(id.clone(), Some(actions)),
                        None => Response::new_err(
                            id.clone(),
                            ErrorCode::RequestCanceled as i32,
                            "cancelled".to_owned(),
                        ),
                    }
                }
                None => Response::new_ok(id.clone(), ()),
            },
            Err(e) => Response::new_err(
                id.clone(),
                ErrorCode::InvalidParams as i32,
                format!(
                    "invalid parameters for `{}`: {e}",
                    CodeActionRequest::METHOD
                ),
            ),
        };
        self.pending.extend(arrived);
        response
    }

    /// Decodes a request's parameters, runs `f` and encodes its result.
    fn answer<R>(
        &mut self,
        request: Request,
        f: impl FnOnce(&Self, &R::Params) -> R::Result,
    ) -> Response
    where
        R: lsp_types::request::Request,
    {
        match serde_json::from_value::<R::Params>(request.params) {
            Ok(params) => Response::new_ok(request.id, f(self, &params)),
            Err(e) => Response::new_err(
                request.id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters for `{}`: {e}", R::METHOD),
            ),
        }
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let item = p.text_document;
                    self.debounce.change(Instant::now());
                    let document =
                        Document::new(item.uri.clone(), item.text, item.version, self.encoding);
                    self.changed(document.kind());
                    self.documents.insert(item.uri.clone(), document);
                    self.dirty.insert(item.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) {
                    let uri = p.text_document.uri;
                    if let Some(document) = self.documents.get_mut(&uri) {
                        self.debounce.change(Instant::now());
                        document.apply(p.text_document.version, &p.content_changes);
                        let kind = document.kind();
                        self.changed(kind);
                        self.dirty.insert(uri);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = notification
                    .extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                {
                    if let Some(kind) = self.documents.get(&p.text_document.uri).map(Document::kind)
                    {
                        self.changed(kind);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    if let Some(document) = self.documents.remove(&p.text_document.uri) {
                        self.changed(document.kind());
                    }
                    // Cleared on the next publish: a closed document has no findings.
                    self.dirty.insert(p.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                // A profile changed on disk: every mapping that reads a profile file may change.
                self.recheck_profile_users();
            }
            _ => {}
        }
    }

    /// After a document of `kind` changed: when it is a target profile, its users are checked
    /// again.
    fn changed(&mut self, kind: DocKind) {
        if kind == DocKind::Profile {
            self.recheck_profile_users();
        }
    }

    /// Marks every open mapping file whose `target:` names a profile file for checking (a
    /// profile may extend another, so every file-based profile may be affected).
    fn recheck_profile_users(&mut self) {
        for (uri, document) in &self.documents {
            if document.kind() == DocKind::Mapping && document.uses_profile_file() {
                self.dirty.insert(uri.clone());
            }
        }
    }

    /// Checks every dirty document and publishes its diagnostics.
    fn publish_dirty(&mut self, connection: &Connection) {
        let dirty = std::mem::take(&mut self.dirty);
        for uri in dirty {
            let checked = guarded(connection, &format!("checking {uri}"), || {
                match self.documents.get(&uri) {
                    Some(document) => (
                        diagnostics::diagnostics(document, self.overlay()),
                        Some(document.version),
                    ),
                    None => (Vec::new(), None),
                }
            });
            let Ok((diagnostics, version)) = checked else {
                continue;
            };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            };
            send(
                connection,
                Notification::new(PublishDiagnostics::METHOD.to_owned(), params),
            );
        }
    }

    /// Reads target profile files from the open documents first, then from disk.
    fn overlay(&self) -> Overlay<'_> {
        Overlay {
            documents: &self.documents,
            encoding: self.encoding,
        }
    }

    /// Whether the client takes snippets in completions.
    fn snippets(&self) -> bool {
        self.client
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false)
    }
}

/// The open documents seen as files: a profile being edited is read from its buffer.
#[derive(Clone, Copy)]
pub(crate) struct Overlay<'a> {
    documents: &'a HashMap<Url, Document>,
    encoding: Encoding,
}

impl Overlay<'_> {
    /// The negotiated position encoding (for locations in files that are not open).
    pub(crate) fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The text of `path`: the open document's, else the file's.
    pub(crate) fn read(&self, path: &Path) -> Result<String, crate::base::fs::ReadError> {
        let wanted = normalize(path);
        for document in self.documents.values() {
            if document.path().is_some_and(|p| normalize(p) == wanted) {
                return Ok(document.text.clone());
            }
        }
        crate::base::fs::read_text_limited(path, crate::model::profile::MAX_PROFILE_BYTES)
    }
}

/// A path made comparable: absolute and without `.` and `..` (symbolic links resolved when the
/// file exists).
fn normalize(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn send(connection: &Connection, message: impl Into<Message>) {
    // The client hung up: the loop ends when the receiver does.
    let _ = connection.sender.send(message.into());
}

/// Shows a line in the client's log.
fn log(connection: &Connection, text: &str) {
    let params = lsp_types::LogMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: text.to_owned(),
    };
    send(
        connection,
        Notification::new(
            lsp_types::notification::LogMessage::METHOD.to_owned(),
            params,
        ),
    );
}

/// Runs `f`, catching a panic: it is logged (in the client's log) as a failure of
/// `what`, and its message returned as the error.
fn guarded<T>(connection: &Connection, what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic_message(&*panic);
        log(connection, &format!("entramap: `{what}` failed: {message}"));
        message
    })
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_in_a_burst_waits_until_the_burst_pauses() {
        let ms = Duration::from_millis;
        let window = ms(10);
        let mut debounce = Debounce::new(window);
        let start = Instant::now();
        debounce.change(start);
        assert_eq!(
            debounce.wait(start, start),
            Duration::ZERO,
            "the first change"
        );
        debounce.change(start + ms(3));
        assert_eq!(
            debounce.wait(start + ms(3), start + ms(3)),
            window,
            "3 ms after the previous one"
        );
        debounce.change(start + ms(12));
        assert_eq!(
            debounce.wait(start + ms(3), start + ms(12)),
            window,
            "the wait moves with each change of the burst"
        );
        assert_eq!(
            debounce.wait(start + ms(3), start + ms(20)),
            ms(2),
            "until a window after the last change"
        );
        debounce.change(start + ms(50));
        assert_eq!(
            debounce.wait(start + ms(3), start + ms(50)),
            Duration::ZERO,
            "after a quiet window"
        );
        let mut steady = Debounce::new(window);
        for i in 0..100 {
            steady.change(start + ms(i));
        }
        assert_eq!(
            steady.wait(start, start + ms(99)),
            Duration::ZERO,
            "steady typing is checked {MAX_WINDOWS} windows after the check was due"
        );
        let mut off = Debounce::new(Duration::ZERO);
        off.change(start);
        off.change(start);
        assert_eq!(off.wait(start, start), Duration::ZERO, "no window");
    }

    #[test]
    fn a_panic_is_logged_and_returned_as_an_error() {
        let (server, client) = Connection::memory();
        let outcome: Result<(), String> = guarded(&server, "textDocument/hover", || panic!("boom"));
        assert_eq!(outcome, Err("boom".to_owned()));
        let Ok(Message::Notification(n)) = client.receiver.try_recv() else {
            panic!("a log message is sent");
        };
        assert_eq!(n.method, "window/logMessage");
        assert!(n.params["message"]
            .as_str()
            .is_some_and(|m| m.contains("textDocument/hover") && m.contains("boom")));
        assert_eq!(guarded(&server, "x", || 7), Ok(7));
    }
}
