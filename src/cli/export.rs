//! `entramap export FILE`: the Graph synchronization schema of a mapping file.

use super::{emit, prepare_path, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::write_atomically;
use entramap::graph::export::{export, ExportOptions};
use std::path::PathBuf;

/// Arguments of `entramap export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The mapping file.
    file: PathBuf,
    /// Write the schema to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
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
    for note in &exported.notes {
        eprintln!("note: {note}");
    }
    let json = exported.to_json();
    match &args.output {
        None => emit(&json),
        Some(path) => {
            if let Err(e) = write_atomically(path, json.as_bytes()) {
                eprintln!("entramap: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}
