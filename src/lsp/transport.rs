//! The byte stream under the protocol: `Content-Length` framed JSON-RPC messages read from any
//! [`BufRead`] and written to any [`Write`] (the command line passes stdin and stdout), with
//! every resource bounded, in place of `lsp_server`'s stdio threads.
//!
//! A header line is at most [`MAX_HEADER_LINE`] bytes and a message at most [`MAX_HEADERS`]
//! lines; a body at most [`MAX_BODY`] bytes, read as it arrives (a length announced but not
//! sent costs nothing). A larger body is read past and refused with a logged error; a header
//! that cannot be read (no length, a length that is not a number, a line without end) ends
//! the session, since nothing says where the next message starts. A well-framed body that is
//! not a message (bad JSON, a batch, a request without a method) is answered with a JSON-RPC
//! error and the session goes on; a lone UTF-16 surrogate escape (`"\ud800"`, which JavaScript
//! clients send for half of an emoji) reads as U+FFFD.

use lsp_server::{Connection, ErrorCode, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The longest header line, in bytes.
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// The most header lines of one message.
pub const MAX_HEADERS: usize = 32;
/// The largest message body, in bytes (a 64 MiB document is far beyond any mapping file).
pub const MAX_BODY: u64 = 64 * 1024 * 1024;
/// How much of a bad header an error message quotes (escaped).
const QUOTED: usize = 64;

/// Why the stream cannot be read further.
#[derive(Debug)]
pub enum TransportError {
    /// Reading or writing failed.
    Io(io::Error),
    /// A header that does not frame a message.
    Malformed(String),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Io(e) => write!(f, "{e}"),
            TransportError::Malformed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TransportError {}

impl From<io::Error> for TransportError {
    fn from(e: io::Error) -> Self {
        TransportError::Io(e)
    }
}

/// One framed message as read.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The body, at most [`MAX_BODY`] bytes.
    Body(Vec<u8>),
    /// A body of this many bytes, larger than [`MAX_BODY`], read past without keeping it.
    TooLarge(u64),
}

/// Reads the next message's frame: `None` at the end of the stream (between messages or
/// inside one: the client hung up).
pub fn read_frame(reader: &mut impl BufRead) -> Result<Option<Frame>, TransportError> {
    let mut length = None;
    let mut line = Vec::new();
    for count in 0.. {
        if count > MAX_HEADERS {
            return Err(malformed("more than 32 header lines", &line));
        }
        line.clear();
        if !read_line(reader, &mut line)? {
            return Ok(None);
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            break;
        }
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            return Err(malformed("a header line without `:`", text));
        };
        let (name, value) = (&text[..colon], text[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"Content-Length") {
            if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
                return Err(malformed("a `Content-Length` that is not a length", text));
            }
            // Digits only: what does not fit in 64 bits is far above the limit anyway.
            let parsed = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(u64::MAX);
            length = Some(parsed);
        }
    }
    let Some(length) = length else {
        return Err(malformed("a message without `Content-Length`", b""));
    };
    if length > MAX_BODY {
        let skipped = io::copy(&mut reader.take(length), &mut io::sink())?;
        return Ok((skipped == length).then_some(Frame::TooLarge(length)));
    }
    // Grown as the bytes arrive, never allocated from the announced length alone.
    let mut body = Vec::with_capacity(usize::try_from(length.min(64 * 1024)).unwrap_or(0));
    reader.take(length).read_to_end(&mut body)?;
    Ok((body.len() as u64 == length).then_some(Frame::Body(body)))
}

/// Reads one line (through `\n`) into `line`, refusing one longer than [`MAX_HEADER_LINE`];
/// `false` at the end of the stream before any byte.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> Result<bool, TransportError> {
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if available.is_empty() {
            return Ok(!line.is_empty());
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > MAX_HEADER_LINE {
            let mut head = line.clone();
            head.extend_from_slice(&available[..take.min(QUOTED)]);
            return Err(malformed("a header line longer than 8 KiB", &head));
        }
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            return Ok(true);
        }
    }
}

/// A framing error quoting at most [`QUOTED`] bytes of `bytes`, escaped.
fn malformed(what: &str, bytes: &[u8]) -> TransportError {
    let shown = &bytes[..bytes.len().min(QUOTED)];
    let mut quoted: String = String::from_utf8_lossy(shown).escape_debug().collect();
    if bytes.len() > QUOTED {
        quoted.push_str("...");
    }
    TransportError::Malformed(if bytes.is_empty() {
        format!("malformed message: {what}")
    } else {
        format!("malformed message: {what} (`{quoted}`)")
    })
}

/// A body that is not a message: the JSON-RPC error to answer it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// The request's id when the body has one, else JSON `null`.
    pub id: Value,
    /// The JSON-RPC error code.
    pub code: i32,
    /// What is wrong.
    pub message: String,
}

impl Refused {
    /// The error response, as a JSON-RPC message.
    pub fn response(&self) -> Value {
        json!({"jsonrpc": "2.0", "id": self.id, "error": {"code": self.code, "message": self.message}})
    }
}

/// Decodes a body into a message, or says why it is not one.
pub fn decode(body: &[u8]) -> Result<Message, Refused> {
    let parse_error = |message: String| Refused {
        id: Value::Null,
        code: ErrorCode::ParseError as i32,
        message,
    };
    let text = std::str::from_utf8(body)
        .map_err(|e| parse_error(format!("the message is not UTF-8: {e}")))?;
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(first) => match without_lone_surrogates(text) {
            Some(repaired) => serde_json::from_str(&repaired)
                .map_err(|e| parse_error(format!("the message is not JSON: {e}")))?,
            None => return Err(parse_error(format!("the message is not JSON: {first}"))),
        },
    };
    let id = value
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
        .unwrap_or(Value::Null);
    if value.is_array() {
        return Err(Refused {
            id,
            code: ErrorCode::InvalidRequest as i32,
            message: "batches are not part of the Language Server Protocol".to_owned(),
        });
    }
    serde_json::from_value(value).map_err(|e| Refused {
        id,
        code: ErrorCode::InvalidRequest as i32,
        message: format!("not a request, response or notification: {e}"),
    })
}

/// `text` with every `\u` escape of a lone UTF-16 surrogate written as `\uFFFD`, or `None`
/// when it has none. Backslashes occur only inside JSON strings, so every escape is seen.
fn without_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(bytes.get(at + 2..at + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut out = String::with_capacity(text.len());
    let (mut done, mut i, mut changed) = (0, 0, false);
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&text[done..i]);
                out.push_str("\\uFFFD");
                i += 6;
                done = i;
                changed = true;
            }
            Some(_) => i += 6,
            None => i += 2,
        }
    }
    out.push_str(&text[done.min(text.len())..]);
    changed.then_some(out)
}

/// The threads that move messages between the stream and a [`Connection`].
pub struct Transport {
    reader: JoinHandle<Result<(), TransportError>>,
    writer: JoinHandle<Result<(), TransportError>>,
}

impl Transport {
    /// Waits for both threads: the reader's error first (why the session ended), then the
    /// writer's.
    pub fn join(self) -> Result<(), TransportError> {
        let reader = self.reader.join();
        let writer = self.writer.join();
        for result in [reader, writer] {
            match result {
                Ok(r) => r?,
                Err(_) => {
                    return Err(TransportError::Io(io::Error::other(
                        "a transport thread panicked",
                    )))
                }
            }
        }
        Ok(())
    }
}

/// Serves a [`Connection`] over `input` and `output`: the server receives every message read,
/// and what it sends is written. Messages that are not messages are answered here, and
/// refused bodies logged to the client (`window/logMessage`).
pub fn connect<R, W>(input: R, output: W) -> (Connection, Transport)
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let output = Arc::new(Mutex::new(output));
    let (to_server, server_receiver) = crossbeam_channel::unbounded::<Message>();
    let (server_sender, from_server) = crossbeam_channel::unbounded::<Message>();
    let out = Arc::clone(&output);
    let writer = std::thread::spawn(move || -> Result<(), TransportError> {
        for message in from_server {
            let mut out = out.lock().map_err(|_| io::Error::other("poisoned"))?;
            message.write(&mut *out)?;
        }
        Ok(())
    });
    let reader = std::thread::spawn(move || -> Result<(), TransportError> {
        let mut input = input;
        let write_raw = |value: &Value| -> Result<(), TransportError> {
            let text = value.to_string();
            let mut out = output.lock().map_err(|_| io::Error::other("poisoned"))?;
            write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
            out.flush()?;
            Ok(())
        };
        let log = |message: &str| {
            write_raw(&json!({
                "jsonrpc": "2.0",
                "method": "window/logMessage",
                "params": {"type": 1, "message": format!("entramap: {message}")},
            }))
        };
        loop {
            match read_frame(&mut input) {
                Ok(None) => return Ok(()),
                Ok(Some(Frame::TooLarge(length))) => log(&format!(
                    "a message of {length} bytes was refused: the limit is {MAX_BODY} bytes"
                ))?,
                Ok(Some(Frame::Body(body))) => match decode(&body) {
                    Ok(message) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if to_server.send(message).is_err() || exit {
                            return Ok(());
                        }
                    }
                    Err(refused) => write_raw(&refused.response())?,
                },
                Err(e) => {
                    let _ = log(&e.to_string());
                    return Err(e);
                }
            }
        }
    });
    (
        Connection {
            sender: server_sender,
            receiver: server_receiver,
        },
        Transport { reader, writer },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(text: &[u8]) -> Result<Option<Frame>, TransportError> {
        read_frame(&mut io::Cursor::new(text))
    }

    #[test]
    fn lengths_that_are_not_numbers_or_too_large_are_refused_without_allocating() {
        assert!(matches!(
            frame(b"Content-Length: 1e14\r\n\r\n{}"),
            Err(TransportError::Malformed(m)) if m.contains("not a length")
        ));
        assert_eq!(
            frame(b"Content-Length: 800000000\r\n\r\n{}").ok(),
            Some(None)
        );
        assert_eq!(
            frame(b"Content-Length: 99999999999999999999999\r\n\r\n").ok(),
            Some(None)
        );
    }

    #[test]
    fn a_header_line_without_end_is_refused_at_8_kib_and_quoted_short() {
        let line = vec![b'x'; 1 << 20];
        let Err(TransportError::Malformed(m)) = frame(&line) else {
            panic!("refused");
        };
        assert!(m.len() < 200, "{m}");
    }

    #[test]
    fn a_lone_surrogate_reads_as_the_replacement_character() {
        let body = br#"{"jsonrpc":"2.0","method":"x","params":{"a":"\ud83d!","b":"\ud83d\ude00","c":"\\ud800"}}"#;
        let Ok(Message::Notification(n)) = decode(body) else {
            panic!("decoded");
        };
        assert_eq!(n.params["a"], "\u{FFFD}!");
        assert_eq!(n.params["b"], "😀");
        assert_eq!(n.params["c"], "\\ud800");
    }
}
