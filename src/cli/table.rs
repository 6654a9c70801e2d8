//! `entramap table FILE`: the setup tables of a mapping file.

use super::{prepare_path_as, OutputArg};
use entramap::diagnostics::report::Format;
use entramap::expr::source::ObjectKind;
use entramap::output::table::{self, TableFormat};
use std::path::PathBuf;

/// Arguments of `entramap table`.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// The mapping file; `-` reads it from standard input.
    file: PathBuf,
    /// Only the tables of one object.
    #[arg(long, value_enum)]
    object: Option<ObjectKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Markdown)]
    format: TableFormat,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `entramap table`.
pub fn run(args: TableArgs) -> u8 {
    // Findings that stop the command come as JSON beside a JSON table, as text otherwise.
    let findings = if args.format == TableFormat::Json {
        Format::Json
    } else {
        Format::Human
    };
    match prepare_path_as(&args.file, findings) {
        Ok(prepared) => {
            let tables = table::build(&prepared, args.object);
            args.output.write(&table::render(&tables, args.format))
        }
        Err(code) => code,
    }
}
