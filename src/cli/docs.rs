//! `entramap docs FILE`: the JSON Schema of the SCIM resources the app receives.

use super::{prepare_path, OutputArg};
use entramap::output::docs;
use std::path::PathBuf;

/// Arguments of `entramap docs`.
#[derive(Debug, clap::Args)]
pub struct DocsArgs {
    /// The mapping file; `-` reads it from standard input.
    file: PathBuf,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `entramap docs`.
pub fn run(args: DocsArgs) -> u8 {
    match prepare_path(&args.file) {
        Ok(prepared) => args.output.write(&format!(
            "{}\n",
            serde_json::to_string_pretty(&docs::schema(&prepared)).unwrap_or_default()
        )),
        Err(code) => code,
    }
}
