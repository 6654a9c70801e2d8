//! Command-line definitions (clap) and the dispatch to each command.

mod check;
mod diff;
mod docs;
mod eval;
mod export;
mod fmt;
mod import;
mod lint;
mod schema;
mod table;
mod targets;

use clap::{Parser, Subcommand};
use entramap::report::{FileReport, Format, Summary};
use entramap::Severity;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Lint, generate, evaluate and diff Microsoft Entra ID provisioning mappings, offline.
#[derive(Debug, Parser)]
#[command(name = "entramap", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and type-check one expression (the offline expression builder).
    Check(check::CheckArgs),
    /// Evaluate one expression against one source object (JSON), optionally step by step.
    Eval(eval::EvalArgs),
    /// Lint mapping files.
    Lint(lint::LintArgs),
    /// Rewrite the expressions of mapping files to canonical form, in place.
    Fmt(fmt::FmtArgs),
    /// Print the JSON Schema (draft-07) of the mapping file or target profile format.
    Schema(schema::SchemaArgs),
    /// List the built-in target profiles, or print one profile's attribute list.
    Targets(targets::TargetsArgs),
    /// The setup tables of a mapping file (Markdown, CSV or JSON), as vendor guides print them.
    Table(table::TableArgs),
    /// JSON Schema (draft 2020-12) of the SCIM User and Group resources the app receives.
    Docs(docs::DocsArgs),
    /// The Microsoft Graph synchronization schema JSON of a mapping file.
    Export(export::ExportArgs),
    /// A Microsoft Graph synchronization schema JSON to a mapping file.
    Import(import::ImportArgs),
    /// What changed between two mapping files, and its effect on a running provisioning job.
    Diff(diff::DiffArgs),
    /// Explain a rule, with a bad and a fixed example; without RULE, list every rule.
    Explain {
        /// The rule id, such as `switch-pairs`.
        rule: Option<String>,
    },
}

/// Exit status: nothing at or above the failure level.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings at or above the failure level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, I/O or configuration error.
pub const EXIT_USAGE: u8 = 2;

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Targets(args) => targets::run(args),
        Command::Table(args) => table::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(args) => import::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain { rule } => explain(rule.as_deref()),
    };
    ExitCode::from(code)
}

/// Whether to colour output on stdout.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Prints `text` to stdout, ignoring a closed pipe.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Prints reports in `format` and returns the exit status for `fail_on`.
pub fn finish(
    reports: &[FileReport],
    format: Format,
    fail_on: Severity,
    extra: Option<(&str, serde_json::Value)>,
) -> u8 {
    let summary = Summary::of(reports);
    match format {
        Format::Human => {
            emit(&entramap::report::to_human(reports, use_color()));
        }
        Format::Json => {
            let mut document = entramap::report::to_json(reports);
            if let (Some((key, value)), Some(object)) = (extra, document.as_object_mut()) {
                object.insert(key.to_owned(), value);
            }
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            ));
        }
        Format::Github => emit(&entramap::report::to_github(reports)),
        Format::Sarif => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&entramap::report::to_sarif(reports)).unwrap_or_default()
        )),
    }
    if summary.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn explain(rule: Option<&str>) -> u8 {
    match rule {
        None => {
            let mut text = String::new();
            for rule in entramap::rules::RULES {
                text.push_str(&format!(
                    "{:<36} {:<8} {}\n",
                    rule.id, rule.severity, rule.summary
                ));
            }
            emit(&text);
            EXIT_OK
        }
        Some(id) => match entramap::rules::lookup(id) {
            Some(rule) => {
                emit(&entramap::rules::explain(rule));
                EXIT_OK
            }
            None => {
                let ids = entramap::rules::RULES.iter().map(|r| r.id);
                let hint = entramap::suggest::did_you_mean(id, ids)
                    .unwrap_or_else(|| "run `entramap explain` for the list".to_owned());
                eprintln!("entramap: unknown rule `{id}`; {hint}");
                EXIT_USAGE
            }
        },
    }
}
