//! `entramap diff OLD NEW`: what changed between two mapping files, and what it does to a
//! running provisioning job.

use super::{count, emit, emit_masked, prepare_path_as, print_summary, EXIT_FINDINGS, EXIT_OK};
use entramap::diagnostics::report::Format;
use entramap::diff::{diff, github, render, DiffFormat, NewFile, Risk};
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
    /// The impact on the tenant's data (with `--users`).
    #[command(flatten)]
    impact: super::impact::ImpactArgs,
}

/// Runs `entramap diff`.
pub fn run(args: DiffArgs) -> u8 {
    let findings = match args.format {
        DiffFormat::Json => Format::Json,
        DiffFormat::Human | DiffFormat::Markdown => Format::Human,
        DiffFormat::Github => Format::Github,
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
    let impact = if args.impact.wanted() {
        match super::impact::compute(&args.impact, &old, &new) {
            Ok(impact) => Some(impact),
            Err(code) => return code,
        }
    } else {
        None
    };
    // The annotations point at lines of the new file, read again when it is a file (standard
    // input is read once; its annotations are not located).
    let new_text = (args.format == DiffFormat::Github && args.new.as_os_str() != "-")
        .then(|| std::fs::read_to_string(&args.new).ok())
        .flatten();
    let new_name = args.new.display().to_string();
    let new_file = new_text.as_deref().map(|text| NewFile {
        name: &new_name,
        file: &new.file,
        text,
    });
    match (&impact, args.format) {
        (impact, DiffFormat::Github) => {
            emit_masked(&github(&result, new_file));
            if let Some(impact) = impact {
                emit_masked(&super::impact::annotations(
                    &args.impact,
                    impact,
                    new_file,
                    &new.file,
                ));
            }
        }
        (Some(impact), DiffFormat::Json) => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&render(&result, args.format)).unwrap_or_default();
            if let Some(map) = doc.as_object_mut() {
                map.insert(
                    "impact".to_owned(),
                    serde_json::to_value(impact).unwrap_or_default(),
                );
            }
            emit_masked(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ));
        }
        (Some(impact), format) => {
            emit_masked(&render(&result, format));
            emit(&super::impact::render(&args.impact, impact, format));
        }
        (None, format) => emit_masked(&render(&result, format)),
    }
    let failed = impact
        .as_ref()
        .map(|i| super::impact::gates(&args.impact, i))
        .unwrap_or_default();
    for message in &failed {
        eprintln!("entramap: {message}");
    }
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
    if !failed.is_empty() || (args.fail_on_risk && result.risky(args.risk_level)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
