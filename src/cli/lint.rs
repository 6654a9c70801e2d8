//! `entramap lint [PATH]...`: lint mapping files and print the findings.

use super::interrupt::write_atomically;
use super::{
    count, emit, emit_with, finding_counts, print_summary, quiet, use_color, FailOn, Stream,
    EXIT_FINDINGS, EXIT_OK, EXIT_USAGE,
};
use entramap::base::fs::read_stream_text_limited;
use entramap::base::text::escape_controls;
use entramap::diagnostics::report::{self, diagnostic_json, FileReport, Format, Summary};
use entramap::lint::fix::apply_fixes;
use entramap::lint::{discover_files, lint_file, lint_source, LintReport};
use entramap::model::{read_mapping_file_encoded, MAX_FILE_BYTES};
use std::path::{Path, PathBuf};

/// Arguments of `entramap lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Mapping files or directories (searched for *.entramap.yaml, *.entramap.yml,
    /// *.entramap.json); default the current directory. `-` reads one file from standard input.
    paths: Vec<PathBuf>,
    /// The name of the file read from standard input (`-`): shown in findings, picks YAML or
    /// JSON by its extension, and resolves a `target:` path from its directory.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Apply the certain fixes (function-name case, a Connect Sync function with a provisioning
    /// equivalent, a did-you-mean with one candidate) to the files, atomically, then report
    /// what remains.
    #[arg(long)]
    fix: bool,
    /// Also search directories named `target` and `node_modules`, and deeper than 32 levels
    /// (skipped by default, with a note saying how many).
    #[arg(long)]
    all_dirs: bool,
}

/// Runs `entramap lint`.
pub fn run(args: LintArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.fix {
        say!("entramap: --fix rewrites files; it does not apply to standard input (`-`)");
        return EXIT_USAGE;
    }
    let on_disk: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    let found = discover_files(&on_disk, args.all_dirs);
    super::note_skipped(&found.skipped);
    let (files, errors) = (found.files, found.errors);
    for error in &errors {
        say!("entramap: {}", escape_controls(error));
    }
    if files.is_empty() && !stdin && errors.is_empty() {
        let looked: Vec<String> = on_disk.iter().map(|p| p.display().to_string()).collect();
        say!(
            "entramap: no mapping files found in {} (looked for *.entramap.yaml, *.entramap.yml and *.entramap.json); name the files, or `-` for standard input",
            looked.join(", ")
        );
        return EXIT_USAGE;
    }
    let mut results: Vec<LintReport> = Vec::new();
    if stdin {
        match read_stream_text_limited(std::io::stdin().lock(), MAX_FILE_BYTES) {
            Ok(text) => {
                let name = args
                    .stdin_filename
                    .as_deref()
                    .unwrap_or(Path::new("<stdin>"));
                let base = name
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                results.push(lint_source(&name.display().to_string(), &text, Some(base)));
            }
            Err(e) => {
                say!("entramap: cannot read standard input: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // A file that cannot be written is reported and the others are still fixed.
    let mut unwritten = 0;
    for file in &files {
        let mut result = lint_file(file);
        if args.fix {
            match fix_file(file, &result) {
                Ok(0) => {}
                Ok(applied) => {
                    if !quiet() {
                        say!(
                            "entramap: {}: {}",
                            escape_controls(&file.display().to_string()),
                            count(applied, "fix applied", "fixes applied")
                        );
                    }
                    result = lint_file(file);
                }
                Err(e) => {
                    say!(
                        "entramap: cannot write {}: {e}; its fixes are not applied",
                        escape_controls(&file.display().to_string())
                    );
                    unwritten += 1;
                }
            }
        }
        results.push(result);
    }
    let mappings: usize = results.iter().map(|r| r.mappings).sum();
    let suppressed: usize = results.iter().map(|r| r.suppressed.len()).sum();
    let configuration_error = results.iter().any(LintReport::configuration_error);
    let suppressed_json: Vec<serde_json::Value> = results
        .iter()
        .flat_map(|r| {
            r.suppressed.iter().map(|s| {
                let mut value = diagnostic_json(&r.report.source, &s.diagnostic);
                if let Some(object) = value.as_object_mut() {
                    object.insert("reason".into(), s.reason.clone().into());
                    let at = r.report.source.position(s.allow.start);
                    object.insert(
                        "allowed_at".into(),
                        serde_json::json!({"line": at.line, "column": at.column}),
                    );
                }
                value
            })
        })
        .collect();
    let reports: Vec<FileReport> = results
        .into_iter()
        .flat_map(|r| std::iter::once(r.report).chain(r.profile))
        .collect();
    let summary = Summary::of(&reports);
    match args.format {
        Format::Human => {
            emit(&report::to_human(&reports, use_color(Stream::Stdout)));
            let mut counts = finding_counts(&summary);
            counts.push(format!("{suppressed} suppressed"));
            print_summary(
                &[
                    count(summary.files, "file", "files"),
                    count(mappings, "mapping", "mappings"),
                ],
                "checked",
                &counts,
            );
        }
        Format::Json => emit_with(|out| {
            let extra = [
                ("mappings", mappings.into()),
                ("suppressed", suppressed.into()),
            ];
            let document = [("suppressed", suppressed_json.into())];
            report::write_json_with(&reports, &extra, &document, out)
        }),
        Format::Github => emit(&report::to_github(&reports)),
        Format::Sarif => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report::to_sarif(&reports)).unwrap_or_default()
        )),
    }
    if !errors.is_empty() || configuration_error || unwritten > 0 {
        EXIT_USAGE
    } else if args.fail_on.fails(&summary) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Applies the certain fixes of `result`'s findings to `file` (read again as lint read it) and
/// writes it atomically; how many were applied.
///
/// One lint suggests fixes within a budget (and overlapping fixes wait), so the fixed text is
/// linted and fixed again until no fix is left, at most [`MAX_FIX_PASSES`] times (as ruff
/// does): a second `--fix` then finds nothing to do.
fn fix_file(file: &Path, result: &LintReport) -> std::io::Result<usize> {
    if result.report.diagnostics.iter().all(|d| d.fix.is_none()) {
        return Ok(0);
    }
    let Ok((text, encoding)) = read_mapping_file_encoded(file) else {
        return Ok(0);
    };
    let name = file.display().to_string();
    let (mut fixed, mut applied) = apply_fixes(&text, &result.report.diagnostics);
    let mut total = applied;
    let mut passes = 1;
    while applied > 0 && passes < MAX_FIX_PASSES {
        let again = lint_source(&name, &fixed, file.parent());
        (fixed, applied) = apply_fixes(&fixed, &again.report.diagnostics);
        total += applied;
        passes += 1;
    }
    if total > 0 {
        write_atomically(file, &encoding.encode(&fixed))?;
    }
    Ok(total)
}

/// The most lint-and-fix passes `--fix` makes over one file.
const MAX_FIX_PASSES: usize = 100;
