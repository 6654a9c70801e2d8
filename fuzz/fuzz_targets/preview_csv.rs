//! Fuzz target: any bytes as the user export of `entramap preview --input-format csv` (and
//! detected from the content); see `preview_common.rs` for what is checked.
#![no_main]

#[path = "preview_common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(data, entramap::preview::InputFormat::Csv));
