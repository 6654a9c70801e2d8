//! Fuzz target: any bytes as the language server's input stream, framed and decoded as
//! `entramap lsp` reads stdin (`entramap::lsp::transport`); nothing may panic, no body is kept
//! above the limit, and a refused body is answered with a JSON-RPC error that is JSON.
#![no_main]

use entramap::lsp::transport::{decode, read_frame, Frame, TransportError, MAX_BODY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = std::io::Cursor::new(data);
    loop {
        match read_frame(&mut input) {
            Ok(None) | Err(TransportError::Malformed(_)) => break,
            Err(TransportError::Io(e)) => panic!("reading a slice cannot fail: {e}"),
            Ok(Some(Frame::TooLarge(length))) => assert!(length > MAX_BODY),
            Ok(Some(Frame::Body(body))) => {
                assert!(body.len() as u64 <= MAX_BODY);
                if let Err(refused) = decode(&body) {
                    let response = refused.response().to_string();
                    assert!(serde_json::from_str::<serde_json::Value>(&response).is_ok());
                    assert!(refused.id.is_null() || refused.id.is_number() || refused.id.is_string());
                }
            }
        }
    }
});
