//! entramap: Microsoft Entra ID provisioning mappings (Entra ID to a SCIM 2.0 service provider)
//! as reviewed files: lint them offline, generate setup tables, docs and Graph schemas from them,
//! evaluate them, diff them.
//!
//! Layers, bottom up: [`syntax`] (expression syntax tree with spans) → [`catalogue`] (functions)
//! → [`checker`] → mapping model and profiles → lint rules → outputs → evaluator → the CLI.

#![warn(missing_docs)]

pub mod catalogue;
pub mod checker;
pub mod diagnostic;
pub mod diff;
pub mod dotnet_regex;
pub mod eval;
pub mod fmt;
pub mod fsutil;
pub mod graph;
pub mod lint;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod mapping;
pub mod named;
pub mod output;
pub mod preview;
pub mod profile;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod synth;
pub mod target_path;
pub mod types;

pub use diagnostic::{Diagnostic, Severity, Span};
