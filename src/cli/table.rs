//! `entramap table FILE`: the setup tables of a mapping file.

use super::{emit, use_color, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::output::table::{self, TableFormat};
use entramap::output::{prepare, PrepareError, Prepared};
use entramap::report::{FileReport, Source};
use entramap::source::ObjectKind;
use std::path::{Path, PathBuf};

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
    match prepare_path(&args.file) {
        Ok(prepared) => {
            let tables = table::build(&prepared, args.object.map(Object::kind));
            emit(&table::render(&tables, args.format));
            EXIT_OK
        }
        Err(code) => code,
    }
}

/// Reads and prepares a mapping file; on failure prints why and gives the exit status
/// (1: the file has errors, printed as located findings; 2: unreadable file or unknown profile).
pub fn prepare_path(path: &Path) -> Result<Prepared, u8> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("entramap: cannot read {name}: {e}");
        EXIT_USAGE
    })?;
    prepare(&name, &text, path.parent()).map_err(|error| match error {
        PrepareError::Findings(diagnostics) => {
            let report = FileReport {
                source: Source::new(name.clone(), text.clone()),
                diagnostics,
            };
            eprint!("{}", entramap::report::to_human(&[report], use_color()));
            eprintln!("entramap: {name} has errors; run `entramap lint {name}`");
            EXIT_FINDINGS
        }
        PrepareError::Profile(e) => {
            eprintln!("entramap: {name}: {e}");
            EXIT_USAGE
        }
    })
}
