//! `entramap fmt [--check] [PATH]...`: canonical expressions, written atomically.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::fmt::format_source;
use entramap::lint::discover;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `entramap fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Mapping files or directories; default the current directory.
    paths: Vec<PathBuf>,
    /// Write nothing; exit 1 if any file would change.
    #[arg(long)]
    check: bool,
}

/// Runs `entramap fmt`.
pub fn run(args: FmtArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (files, errors) = discover(&paths);
    let mut status = if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USAGE
    };
    for error in &errors {
        eprintln!("entramap: {error}");
    }
    let mut changed = false;
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("entramap: {}: {e}", path.display());
                status = EXIT_USAGE;
                continue;
            }
        };
        let formatted = format_source(&path.display().to_string(), &text);
        if !formatted.errors.is_empty() {
            eprintln!(
                "entramap: {}: not formatted: the file has errors (run `entramap lint`)",
                path.display()
            );
            status = status.max(EXIT_FINDINGS);
            continue;
        }
        let Some(new_text) = formatted.text else {
            continue;
        };
        changed = true;
        if args.check {
            println!("would reformat {}", path.display());
        } else if let Err(e) = write_atomically(path, &new_text) {
            eprintln!("entramap: {}: {e}", path.display());
            status = EXIT_USAGE;
        } else {
            println!("reformatted {}", path.display());
        }
    }
    if args.check && changed {
        status = status.max(EXIT_FINDINGS);
    }
    status
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(temp.path(), meta.permissions());
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
