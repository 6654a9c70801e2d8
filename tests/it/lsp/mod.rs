//! `entramap lsp`: protocol tests through an in-memory connection (an editor's view of the
//! server), the binary over stdio, and an end-to-end test with headless Neovim.

mod client;
mod features;
mod fixes;
#[cfg(feature = "e2e")]
mod neovim;
mod protocol;
mod readme;
mod stdio;
