//! `entramap fmt [--check] [PATH]...`: canonical expressions, written atomically.

use super::interrupt::write_atomically;
use super::{
    count, emit, failure_status, print_reports, print_summary, use_color, Stream, EXIT_FINDINGS,
    EXIT_OK, EXIT_USAGE,
};
use entramap::canonical::format_source;
use entramap::diagnostics::report::{FileReport, Format, SourceText};
use entramap::lint::discover_files;
use entramap::model::read_mapping_file_encoded;
use std::path::PathBuf;

/// Arguments of `entramap fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Mapping files or directories; default the current directory.
    paths: Vec<PathBuf>,
    /// Write nothing; exit 1 if any file would change.
    #[arg(long)]
    check: bool,
    /// Format of the findings that stop a file from being formatted. `human` prints them on
    /// stderr and one line per changed file on stdout; the others print one document on stdout,
    /// and the JSON document lists the changed files under `formatted`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also search directories named `target` and `node_modules`, and deeper than 32 levels
    /// (skipped by default, with a note saying how many).
    #[arg(long)]
    all_dirs: bool,
}

/// Runs `entramap fmt`.
pub fn run(args: FmtArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let found = discover_files(&paths, args.all_dirs);
    super::note_skipped(&found.skipped);
    let (files, errors) = (found.files, found.errors);
    let mut status = if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_USAGE
    };
    for error in &errors {
        say!("entramap: {error}");
    }
    if files.is_empty() && errors.is_empty() {
        say!(
            "entramap: no mapping files found in {} (looked for *.entramap.yaml, *.entramap.yml and *.entramap.json)",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        return EXIT_USAGE;
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    let mut findings: Vec<FileReport> = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let (text, encoding) = match read_mapping_file_encoded(path) {
            Ok(read) => read,
            Err(report) => {
                findings.push(report);
                continue;
            }
        };
        let formatted = format_source(&name, &text);
        if !formatted.errors.is_empty() {
            findings.push(FileReport::new(
                SourceText::new(name, text),
                formatted.errors,
            ));
            continue;
        }
        let Some(new_text) = formatted.text else {
            continue;
        };
        if !args.check {
            if let Err(e) = write_atomically(path, &encoding.encode(&new_text)) {
                say!("entramap: cannot write {name}: {e}");
                status = EXIT_USAGE;
                continue;
            }
        }
        if args.format == Format::Human {
            emit(&format!("{verb} {name}\n"));
        }
        changed.push(name);
    }
    if args.format == Format::Human {
        if !findings.is_empty() {
            eprint!(
                "{}",
                entramap::diagnostics::report::to_human(&findings, use_color(Stream::Stderr))
            );
        }
    } else {
        print_reports(
            &findings,
            args.format,
            Some(("formatted", serde_json::json!(changed))),
        );
    }
    if !findings.is_empty() {
        status = status.max(failure_status(&findings));
    }
    if args.format == Format::Human {
        print_summary(
            &[count(files.len(), "file", "files")],
            "checked",
            &[format!("{} {verb}", changed.len())],
        );
    }
    if args.check && !changed.is_empty() {
        status = status.max(EXIT_FINDINGS);
    }
    status
}
