//! `entramap lsp`: the language server on stdin and stdout.

use super::{EXIT_FINDINGS, EXIT_OK};
use entramap::lsp::{serve, Error, Options};

/// Arguments of `entramap lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
    /// The debounce window in milliseconds: after a change within it of the previous change,
    /// the check waits until the edits pause this long (at most five windows); an isolated
    /// change is checked at once.
    #[arg(long, default_value_t = 10)]
    debounce_ms: u64,
}

/// Runs `entramap lsp` until the client says `exit`: status 0 after `shutdown`, else 1.
pub fn run(args: LspArgs) -> u8 {
    let _ = args.stdio;
    let options = Options {
        debounce: std::time::Duration::from_millis(args.debounce_ms),
    };
    match run_stdio(options) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            // The protocol asks for status 1 when the session did not end with `shutdown`.
            say!("entramap lsp: {}", e.to_string().escape_debug());
            EXIT_FINDINGS
        }
    }
}

/// Serves the protocol on stdin and stdout until the client says `exit` (or the input cannot
/// be read further: that error is the session's).
fn run_stdio(options: Options) -> Result<(), Error> {
    let input = std::io::BufReader::new(std::io::stdin());
    let (connection, transport) = entramap::lsp::transport::connect(input, std::io::stdout());
    let served = serve(&connection, options);
    drop(connection);
    transport.join()?;
    served
}
