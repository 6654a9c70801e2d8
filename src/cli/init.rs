//! `entramap init [--app NAME] [-o FILE]`: write a starter mapping file.

use super::interrupt::write_atomically;
use super::{emit, EXIT_OK, EXIT_USAGE};
use entramap::model::catalogue;
use entramap::model::starter;
use std::path::PathBuf;

/// Arguments of `entramap init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The gallery app: its tutorial's file name without `-provisioning-tutorial` (`slack`,
    /// `github-enterprise-managed-user`), a unique prefix of it or the app's title;
    /// `entramap targets --search WORD` finds them. Without it, the default mappings of a
    /// non-gallery SCIM app.
    #[arg(long, value_parser = AppName, hide_possible_values = true)]
    app: Option<String>,
    /// Where to write the file (atomically); without it, or with `-`, standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
}

/// Any text names an app (the library resolves prefixes and titles); the gallery's names are
/// offered to shell completion.
#[derive(Debug, Clone, Copy)]
struct AppName;

impl clap::builder::TypedValueParser for AppName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(catalogue::gallery().map(|e| {
            clap::builder::PossibleValue::new(e.name).help(e.title)
        })))
    }
}

/// Runs `entramap init`.
pub fn run(args: InitArgs) -> u8 {
    let text = match starter::starter(args.app.as_deref()) {
        Ok(text) => text,
        Err(e) => {
            say!("entramap: {e}");
            return EXIT_USAGE;
        }
    };
    let Some(path) = args.output.filter(|p| p.as_os_str() != "-") else {
        emit(&text);
        return EXIT_OK;
    };
    if path.exists() && !args.force {
        say!(
            "entramap: {} exists; pass --force to overwrite it",
            path.display()
        );
        return EXIT_USAGE;
    }
    match write_atomically(&path, text.as_bytes()) {
        Ok(()) => {
            say!(
                "entramap: wrote {}; check it with `entramap lint {}`",
                path.display(),
                path.display()
            );
            EXIT_OK
        }
        Err(e) => {
            say!("entramap: cannot write {}: {e}", path.display());
            EXIT_USAGE
        }
    }
}
