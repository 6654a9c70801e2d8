//! `entramap lsp`: the language server on stdin and stdout.

use super::{EXIT_OK, EXIT_USAGE};
use entramap::lsp::{run_stdio, Options};

/// Arguments of `entramap lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
    /// Milliseconds to wait after a change for further changes before checking.
    #[arg(long, default_value_t = 10)]
    debounce_ms: u64,
}

/// Runs `entramap lsp` until the client says `exit`.
pub fn run(args: LspArgs) -> u8 {
    let _ = args.stdio;
    let options = Options {
        debounce: std::time::Duration::from_millis(args.debounce_ms),
    };
    match run_stdio(options) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("entramap lsp: {e}");
            EXIT_USAGE
        }
    }
}
