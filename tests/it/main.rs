//! The integration tests, one binary: one module per feature, sharing the helpers of
//! [`common`]. Snapshots are under `tests/it/snapshots/`, named after the module
//! (`it__<module>__<name>.snap`).

mod common;

mod check_cli;
mod cli_lint;
mod diff;
mod docs;
mod eval;
mod eval_cli;
mod eval_fixtures;
mod expressions;
mod faults;
mod gallery;
mod graph;
mod hostile_inputs;
mod hostile_output;
mod impact;
mod library_use;
mod lint;
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
