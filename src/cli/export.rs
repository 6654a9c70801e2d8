//! `entramap export FILE`: the Graph synchronization schema of a mapping file.

use super::{prepare_path, quiet, OutputArg};
use entramap::graph::export::{export, ExportOptions};
use std::path::PathBuf;

/// Arguments of `entramap export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The mapping file.
    file: PathBuf,
    #[command(flatten)]
    output: OutputArg,
    /// The name of the Entra directory in the job's schema (`Azure Active Directory` in
    /// older tenants).
    #[arg(long, default_value = "Microsoft Entra ID")]
    source_directory: String,
}

/// Runs `entramap export`.
pub fn run(args: ExportArgs) -> u8 {
    let prepared = match prepare_path(&args.file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let exported = export(
        &prepared,
        &ExportOptions {
            source_directory_name: args.source_directory,
        },
    );
    if !quiet() {
        for note in &exported.notes {
            eprintln!("note: {note}");
        }
    }
    args.output.write(&exported.to_json())
}
