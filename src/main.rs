//! The `entramap` command line: argument parsing and dispatch only; the work is in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let outcome = std::panic::catch_unwind(cli::run);
    match outcome {
        Ok(code) => code,
        Err(_) => {
            eprintln!("entramap: internal error (this is a bug; please report it with the input that caused it)");
            ExitCode::from(3)
        }
    }
}
