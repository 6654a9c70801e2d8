//! entramap: Microsoft Entra ID provisioning mappings (Entra ID to a SCIM 2.0 service provider)
//! as reviewed files: lint them offline, generate setup tables, docs and Graph schemas from them,
//! evaluate them, diff them.
//!
//! One folder per stage, bottom up (each imports only from those before it; see
//! `ARCHITECTURE.md`): [`base`] (spans, source text, suggestions, files) → [`diagnostics`]
//! (findings, rules, renderers) → [`expr`] (the expression language) → [`model`] (mapping files
//! and target profiles) → [`lint`], [`output`] (tables, docs), [`graph`], [`canonical`] (`fmt`),
//! [`preview`], [`logs`], [`diff`] → [`cycle`] (the provisioning cycle `plan` simulates) → the command line.

#![warn(missing_docs)]
// Nothing below the command line prints: the library returns values or writes to a `Write` it
// is given (ARCHITECTURE.md). `src/cli` is part of the binary, not of this crate root.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod base;
pub mod canonical;
pub mod cycle;
pub mod diagnostics;
pub mod diff;
pub mod expr;
pub mod graph;
pub mod lint;
pub mod logs;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod model;
pub mod output;
pub mod preview;

pub use base::text::Span;
pub use diagnostics::{Diagnostic, Severity};
