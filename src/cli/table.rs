//! `entramap table FILE`: the setup tables of a mapping file.

use super::{emit, prepare_path_as, EXIT_OK};
use entramap::diagnostics::report::Format;
use entramap::expr::source::ObjectKind;
use entramap::output::table::{self, TableFormat};
use std::path::PathBuf;

/// `users` or `groups`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Object {
    /// The user mapping.
    Users,
    /// The group mapping.
    Groups,
}

impl Object {
    /// The object kind.
    pub fn kind(self) -> ObjectKind {
        match self {
            Object::Users => ObjectKind::User,
            Object::Groups => ObjectKind::Group,
        }
    }
}

/// Arguments of `entramap table`.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// The mapping file.
    file: PathBuf,
    /// Only the tables of one object.
    #[arg(long, value_enum)]
    object: Option<Object>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Markdown)]
    format: TableFormat,
}

/// Runs `entramap table`.
pub fn run(args: TableArgs) -> u8 {
    let findings = match args.format {
        TableFormat::Json => Format::Json,
        TableFormat::Markdown | TableFormat::Csv => Format::Human,
    };
    match prepare_path_as(&args.file, findings) {
        Ok(prepared) => {
            let tables = table::build(&prepared, args.object.map(Object::kind));
            emit(&table::render(&tables, args.format));
            EXIT_OK
        }
        Err(code) => code,
    }
}
