//! `entramap init [--app NAME] [-o FILE]`: write a starter mapping file.

use super::interrupt::write_atomically;
use super::{emit, EXIT_OK, EXIT_USAGE};
use entramap::model::starter;
use std::path::PathBuf;

/// Arguments of `entramap init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The gallery app: its tutorial's file name without `-provisioning-tutorial` (`slack`,
    /// `github-enterprise-managed-user`), a unique prefix of it or the app's title;
    /// `entramap targets --search WORD` finds them. Without it, the default mappings of a
    /// non-gallery SCIM app.
    #[arg(long, value_parser = super::completions::Candidates::apps(), hide_possible_values = true)]
    app: Option<String>,
    /// Where to write the file (atomically); without it, or with `-`, standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
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
