//! `entramap diff OLD NEW`: what changed between two mapping files, and what it does to a
//! running provisioning job.

use super::{count, emit, emit_masked, prepare_path_as, print_summary, EXIT_FINDINGS, EXIT_OK};
use entramap::diagnostics::report::Format;
use entramap::output::diff::{diff, render, DiffFormat, Risk};
use std::path::PathBuf;

/// Arguments of `entramap diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old mapping file.
    old: PathBuf,
    /// The new mapping file.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Exit 1 when a change is flagged at or above `--risk-level`.
    #[arg(long)]
    fail_on_risk: bool,
    /// The lowest risk that counts as risky for `--fail-on-risk`.
    #[arg(long, value_enum, default_value_t = Risk::Medium)]
    risk_level: Risk,
}

/// Runs `entramap diff`.
pub fn run(args: DiffArgs) -> u8 {
    let findings = match args.format {
        DiffFormat::Json => Format::Json,
        DiffFormat::Human | DiffFormat::Markdown => Format::Human,
    };
    if let Err(code) =
        super::refuse_two_stdins(&[("OLD", Some(&args.old)), ("NEW", Some(&args.new))])
    {
        return code;
    }
    let old = match prepare_path_as(&args.old, findings) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let new = match prepare_path_as(&args.new, findings) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let result = diff(&old, &new);
    emit_masked(&render(&result, args.format));
    if args.format == DiffFormat::Human && !result.is_empty() {
        emit("\n");
        print_summary(
            &[count(result.changes.len(), "change", "changes")],
            "found",
            &[
                format!("{} risky", result.risky_count()),
                format!(
                    "highest risk: {}",
                    result.highest().map_or("none", Risk::as_str)
                ),
            ],
        );
    }
    if args.fail_on_risk && result.risky(args.risk_level) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
