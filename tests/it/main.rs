//! The integration tests, one binary: one module per feature, sharing the helpers of
//! [`common`]. Snapshots are under `tests/it/snapshots/`, named after the module
//! (`it__<module>__<name>.snap`).
//!
//! Where a test goes: a command's behaviour in the module named after it (`diff`, `plan`,
//! `preview`, ...; `check_cli`, `eval_cli` and `cli_lint` hold `check`, `eval` and `lint` run as a
//! process); hostile input by what it attacks: files and pipes (`robustness`, `faults`), work and
//! integers (`hostile_inputs`), what is printed (`hostile_output`). A binary is run through
//! `common::entramap`, `common::entramap_in` or `common::with_stdin`, a named pipe made with
//! `common::mkfifo`.

mod common;

mod architecture;
mod check_cli;
mod cli_lint;
mod diff;
mod docs;
mod encodings;
mod eval;
mod eval_cli;
mod eval_fixtures;
mod evaluation_gate;
mod expressions;
mod faults;
mod gallery;
mod graph;
mod hostile_inputs;
mod hostile_output;
mod impact;
mod library_use;
mod lint;
mod logs;
mod lsp;
mod messages;
mod plan;
mod preview;
mod printer_roundtrip;
mod readme;
mod regex_fast_path;
mod robustness;
mod schema_drift;
mod spans;
mod syntax;
mod table;
mod vocabulary;
mod yaml_aliases;
