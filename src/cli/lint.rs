//! `entramap lint [PATH]...`: lint mapping files and print the findings.

use super::FailOn;
use super::{emit, emit_with, use_color, Stream, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::diagnostics::report::{self, FileReport, Format, Summary};
use entramap::lint::{discover, lint_file, LintReport};
use std::path::PathBuf;

/// Arguments of `entramap lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Mapping files or directories (searched for *.entramap.yaml, *.entramap.yml,
    /// *.entramap.json); default the current directory.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

/// Runs `entramap lint`.
pub fn run(args: LintArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let (files, errors) = discover(&paths);
    for error in &errors {
        eprintln!("entramap: {error}");
    }
    let results: Vec<LintReport> = files.iter().map(|f| lint_file(f)).collect();
    let mappings: usize = results.iter().map(|r| r.mappings).sum();
    let suppressed: usize = results.iter().map(|r| r.suppressed).sum();
    let configuration_error = results.iter().any(LintReport::configuration_error);
    let reports: Vec<FileReport> = results
        .into_iter()
        .flat_map(|r| std::iter::once(r.report).chain(r.profile))
        .collect();
    let summary = Summary::of(&reports);
    match args.format {
        Format::Human => {
            let mut out = report::to_human(&reports, use_color(Stream::Stdout));
            out.push_str(&summary_line(&summary, mappings, suppressed));
            emit(&out);
        }
        Format::Json => emit_with(|out| {
            let extra = [
                ("mappings", mappings.into()),
                ("suppressed", suppressed.into()),
            ];
            report::write_json(&reports, &extra, out)
        }),
        Format::Github => emit(&report::to_github(&reports)),
        Format::Sarif => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report::to_sarif(&reports)).unwrap_or_default()
        )),
    }
    if !errors.is_empty() || configuration_error {
        EXIT_USAGE
    } else if summary.fails(args.fail_on.severity()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Summary: 3 files, 41 mappings checked - 2 errors, 5 warnings, 1 suppressed`.
fn summary_line(summary: &Summary, mappings: usize, suppressed: usize) -> String {
    let mut line = format!(
        "Summary: {}, {} checked - {}, {}",
        plural(summary.files, "file", "files"),
        plural(mappings, "mapping", "mappings"),
        plural(summary.errors, "error", "errors"),
        plural(summary.warnings, "warning", "warnings"),
    );
    if summary.notes > 0 {
        line.push_str(&format!(", {}", plural(summary.notes, "note", "notes")));
    }
    line.push_str(&format!(", {suppressed} suppressed\n"));
    line
}
