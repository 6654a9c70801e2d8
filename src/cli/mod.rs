//! Command-line definitions (clap) and the dispatch to each command.

/// `eprintln!` for a message line: control characters in what it quotes (paths, arguments,
/// values from files) are escaped, so that nothing given to entramap moves the terminal or
/// starts a CI workflow command on a line of its own.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", entramap::base::text::escape_controls(&format!($($arg)*)))
    };
}

mod check;
mod completions;
mod diff;
mod docs;
mod eval;
mod export;
mod fmt;
mod impact;
mod import;
mod init;
mod interrupt;
mod lint;
mod logs;
mod lsp;
mod output;
mod plan;
mod preview;
mod preview_user;
mod schema;
mod synth;
mod table;
mod targets;

use clap::{Parser, Subcommand};
use entramap::diagnostics::report::{FileReport, Format, Summary};
use entramap::diagnostics::RuleId;
use entramap::lint::has_configuration_error;
use entramap::model::{prepare_file, Prepared};
use entramap::Severity;
pub use output::OutputArg;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Lint, generate, evaluate and diff Microsoft Entra ID provisioning mappings, offline.
#[derive(Debug, Parser)]
#[command(name = "entramap", version, about, propagate_version = true)]
pub struct Cli {
    /// Print only the result and the findings: no summary line, notes or progress bar.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// When to colour the output: `auto` colours a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

/// The values of `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless the `NO_COLOR` environment variable is set (and not empty).
    Auto,
    /// Always colour, even a pipe or a file.
    Always,
    /// Never colour.
    Never,
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
    /// List the built-in target profiles (generic and gallery apps), or check and print one.
    Targets(targets::TargetsArgs),
    /// Write a starter mapping file: a gallery app's default mappings, or the non-gallery default.
    Init(init::InitArgs),
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
    /// Provisioning logs explained: events grouped by root cause, what each code means, the
    /// quarantine risk and, with the mapping file, drift and the mapping behind a failure.
    Logs(logs::LogsArgs),
    /// Dry run: evaluate the user mapping for every user of an export and report what would fail.
    Preview(preview::PreviewArgs),
    /// What one provisioning cycle would do to every user and group against the app's existing
    /// accounts (create, update, disable, skip, orphans), and the SCIM requests it would send.
    Plan(plan::PlanArgs),
    /// The language server (LSP over stdin and stdout) for editors: diagnostics, hover,
    /// completion, quick fixes, formatting.
    Lsp(lsp::LspArgs),
    /// Write a synthetic tenant's users (for tests and benchmarks).
    #[command(hide = true)]
    Synth(synth::SynthArgs),
    /// Shell completions for bash, zsh, fish, PowerShell or elvish.
    Completions(completions::CompletionsArgs),
    /// The man page, entramap(1), as roff (`entramap man -o entramap.1`); `--dir DIR` writes it
    /// and the page of every command.
    Man(completions::ManArgs),
    /// Explain a rule, with a bad and a fixed example, or a code of the provisioning logs
    /// (error code, SkipReason, quarantine reason); without RULE, list them all.
    Explain {
        /// The rule id, such as `switch-pairs`, or a provisioning log code, such as `EntryConflict`.
        #[arg(value_parser = completions::Candidates::explainable(), hide_possible_values = true)]
        rule: Option<String>,
    },
}

/// The values of `--fail-on`, the same for every command that has it (`check`, `eval`, `lint`,
/// `preview`): the lowest severity of a finding that makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Never (the exit status is still 2 on usage, I/O and configuration errors).
    Never,
}

impl FailOn {
    /// The severity threshold, `None` for `never`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Never => None,
        }
    }

    /// Whether `summary` fails at this level.
    pub fn fails(self, summary: &Summary) -> bool {
        self.severity().is_some_and(|s| summary.fails(s))
    }
}

/// The `--format` of commands whose result is either text for people or one JSON document
/// (`import`, `preview`). Commands that report findings use [`Format`]; `table` and `diff` have
/// sets of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ResultFormat {
    /// For people.
    #[default]
    Human,
    /// One JSON document.
    Json,
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
    QUIET.store(cli.quiet, Ordering::Relaxed);
    COLOR.store(cli.color as u8, Ordering::Relaxed);
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Targets(args) => targets::run(args),
        Command::Init(args) => init::run(args),
        Command::Table(args) => table::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(args) => import::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Logs(args) => logs::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Synth(args) => synth::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => completions::run_man(args),
        Command::Explain { rule } => explain(rule.as_deref()),
    };
    if OUTPUT_FAILED.load(Ordering::Relaxed) {
        return ExitCode::from(code.max(EXIT_USAGE));
    }
    ExitCode::from(code)
}

/// An output stream of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// `--quiet`.
static QUIET: AtomicBool = AtomicBool::new(false);
/// `--color`, as the discriminant of a [`ColorChoice`].
static COLOR: AtomicU8 = AtomicU8::new(ColorChoice::Auto as u8);

/// Says on stderr which directories a search skipped (`lint DIR`, `fmt DIR`): how many, the
/// first few, and the flag that searches them.
pub fn note_skipped(skipped: &[std::path::PathBuf]) {
    if skipped.is_empty() || quiet() {
        return;
    }
    let shown: Vec<String> = skipped
        .iter()
        .take(3)
        .map(|p| entramap::base::text::escape_controls(&p.display().to_string()).into_owned())
        .collect();
    let more = if skipped.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    say!(
        "entramap: note: {} not searched (named `target` or `node_modules`, or deeper than {} levels): {}{more}; --all-dirs searches them too",
        count(skipped.len(), "directory", "directories"),
        entramap::lint::MAX_WALK_DEPTH,
        shown.join(", ")
    );
}

/// Whether `--quiet` was given: print no summary line, notes or progress.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether to colour output written to `stream`: `--color always` or `never`; by default only
/// a terminal, and never with `NO_COLOR`.
pub fn use_color(stream: Stream) -> bool {
    match COLOR.load(Ordering::Relaxed) {
        c if c == ColorChoice::Always as u8 => return true,
        c if c == ColorChoice::Never as u8 => return false,
        _ => {}
    }
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
}

/// Set when writing to stdout failed for a reason other than a closed pipe.
static OUTPUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Prints a report for people or tools (`check`, `eval`, `diff`) with every secret-looking token
/// masked, as [`emit`] does. Data outputs (export, import, table, docs, payloads) go through
/// [`emit`] as they are, so that standard output and `-o` are the same bytes.
pub fn emit_masked(text: &str) {
    emit(&entramap::diagnostics::secrets::redact(text));
}

/// Lets `write` print to stdout (buffered), with [`emit`]'s handling of write errors.
pub fn emit_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = write(&mut out).and_then(|()| out.flush());
    report_write_error(result);
}

fn report_write_error(result: std::io::Result<()>) {
    if let Err(e) = result {
        if e.kind() != std::io::ErrorKind::BrokenPipe
            && !OUTPUT_FAILED.swap(true, Ordering::Relaxed)
        {
            say!("entramap: cannot write to standard output: {e}");
        }
    }
}

/// Prints `text` to stdout as it is. A closed pipe (`entramap ... | head -1`) is ignored; any
/// other write error (a full disk) is reported once on stderr, and the command then exits with
/// status 2 (see [`run`]).
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    report_write_error(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}

/// Prints reports in `format` on stdout; `extra` adds a key to the JSON document.
pub fn print_reports(
    reports: &[FileReport],
    format: Format,
    extra: Option<(&str, serde_json::Value)>,
) {
    match format {
        Format::Human => {
            emit_masked(&entramap::diagnostics::report::to_human(
                reports,
                use_color(Stream::Stdout),
            ));
        }
        Format::Json => {
            let mut document = entramap::diagnostics::report::to_json(reports);
            if let (Some((key, value)), Some(object)) = (extra, document.as_object_mut()) {
                object.insert(key.to_owned(), value);
            }
            emit_masked(&format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            ));
        }
        Format::Github => emit_masked(&entramap::diagnostics::report::to_github(reports)),
        Format::Sarif => emit_masked(&format!(
            "{}\n",
            serde_json::to_string_pretty(&entramap::diagnostics::report::to_sarif(reports))
                .unwrap_or_default()
        )),
    }
}

/// Prints reports in `format` and returns the exit status for `fail_on`.
pub fn finish(
    reports: &[FileReport],
    format: Format,
    fail_on: FailOn,
    extra: Option<(&str, serde_json::Value)>,
) -> u8 {
    print_reports(reports, format, extra);
    if fail_on.fails(&Summary::of(reports)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `n` and the noun, singular or plural: `1 file`, `2 files`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one summary line every command prints last (unless `--quiet`):
/// `Summary: 3 files, 41 mappings checked - 2 errors, 5 warnings, 1 suppressed`. `subject` says
/// what was looked at, `counts` what was found.
pub fn summary_line(subject: &[String], verb: &str, counts: &[String]) -> String {
    let mut line = format!("Summary: {} {verb}", subject.join(", "));
    if !counts.is_empty() {
        line.push_str(" - ");
        line.push_str(&counts.join(", "));
    }
    line.push('\n');
    line
}

/// The findings part of a summary line: errors, warnings, and notes when there are some.
pub fn finding_counts(summary: &Summary) -> Vec<String> {
    let mut counts = vec![
        count(summary.errors, "error", "errors"),
        count(summary.warnings, "warning", "warnings"),
    ];
    if summary.notes > 0 {
        counts.push(count(summary.notes, "note", "notes"));
    }
    counts
}

/// Prints [`summary_line`] on stdout, unless `--quiet`.
pub fn print_summary(subject: &[String], verb: &str, counts: &[String]) {
    if !quiet() {
        emit(&summary_line(subject, verb, counts));
    }
}

/// The exit status of reports that stop a command: 2 when one says the configuration is unusable
/// (unreadable file, invalid target profile), else 1.
pub fn failure_status(reports: &[FileReport]) -> u8 {
    if reports
        .iter()
        .any(|r| has_configuration_error(&r.diagnostics))
    {
        EXIT_USAGE
    } else {
        EXIT_FINDINGS
    }
}

/// A mapping file read from standard input (`-`): its name in findings, its text, and the
/// directory a `target:` path is resolved from (the working directory).
pub struct StdinInput {
    /// `<stdin>`.
    pub name: String,
    /// The text, at most [`entramap::model::MAX_FILE_BYTES`].
    pub text: String,
    /// `.`.
    pub base: PathBuf,
}

/// Reads a mapping file from standard input, printing why it cannot be read.
pub fn read_stdin_input() -> Result<StdinInput, u8> {
    let text = entramap::base::fs::read_stream_text_limited(
        std::io::stdin().lock(),
        entramap::model::MAX_FILE_BYTES,
    )
    .map_err(|e| {
        say!("entramap: cannot read standard input: {e}");
        EXIT_USAGE
    })?;
    Ok(StdinInput {
        name: "<stdin>".to_owned(),
        text,
        base: PathBuf::from("."),
    })
}

/// Refuses more than one of `inputs` being standard input (`-`): the first would read it all
/// and the others nothing. Names the arguments in the message.
pub fn refuse_two_stdins(inputs: &[(&str, Option<&Path>)]) -> Result<(), u8> {
    let dashes: Vec<&str> = inputs
        .iter()
        .filter(|(_, p)| p.is_some_and(|p| p.as_os_str() == "-"))
        .map(|(name, _)| *name)
        .collect();
    if dashes.len() > 1 {
        say!(
            "entramap: {} are all `-`: standard input can be read once; give all but one as files",
            dashes.join(" and ")
        );
        return Err(EXIT_USAGE);
    }
    Ok(())
}

/// Reads and prepares a mapping file for `table`, `docs`, `export`, `diff` and `preview`. When
/// it cannot be used, prints its located findings as lint does (on stderr) and gives the exit
/// status (see [`failure_status`]).
pub fn prepare_path(path: &Path) -> Result<Prepared, u8> {
    prepare_path_as(path, Format::Human)
}

/// [`prepare_path`], printing the findings in `format`: human on stderr (stdout is the
/// command's own output), the machine formats as the one document on stdout.
///
/// `-` reads the mapping file from standard input (a `target:` path is then resolved from the
/// working directory).
pub fn prepare_path_as(path: &Path, format: Format) -> Result<Prepared, u8> {
    let prepared = if path.as_os_str() == "-" {
        let input = read_stdin_input()?;
        entramap::model::prepare_text(&input.name, input.text, Some(&input.base))
    } else {
        prepare_file(path)
    };
    prepared.map_err(|reports| {
        if format == Format::Human {
            eprint!(
                "{}",
                entramap::diagnostics::report::to_human(&reports, use_color(Stream::Stderr))
            );
        } else {
            print_reports(&reports, format, None);
        }
        failure_status(&reports)
    })
}

/// Reads a mapping file once (`-`: standard input), prepares it and lints it: the one rule of
/// the commands that evaluate a mapping file ([`entramap::lint::gate`]). When it cannot be
/// prepared, prints its findings as [`prepare_path`] does. When lint reports errors, prints them
/// (located, on stderr) and refuses with exit status 1, unless `allow_errors`; then gives the
/// gate too, whose errors mark the results. `what` is the participle of the command
/// (`previewed`, `evaluated`).
pub fn prepare_and_gate(
    path: &Path,
    what: &str,
    allow_errors: bool,
) -> Result<(Prepared, entramap::lint::gate::Gate), u8> {
    let (prepared, lint) = if path.as_os_str() == "-" {
        let input = read_stdin_input()?;
        let lint = entramap::lint::lint_source(&input.name, &input.text, Some(&input.base));
        let prepared = entramap::model::prepare_text(&input.name, input.text, Some(&input.base));
        (prepared, Some(lint))
    } else {
        (prepare_file(path), None)
    };
    let prepared = prepared.map_err(|reports| {
        eprint!(
            "{}",
            entramap::diagnostics::report::to_human(&reports, use_color(Stream::Stderr))
        );
        failure_status(&reports)
    })?;
    let gate =
        entramap::lint::gate::Gate::of(lint.unwrap_or_else(|| entramap::lint::lint_file(path)));
    if !gate.blocks() {
        return Ok((prepared, gate));
    }
    let mut errors = gate.lint.report.clone();
    errors.diagnostics = gate.errors().cloned().collect();
    eprint!(
        "{}",
        entramap::diagnostics::report::to_human(
            std::slice::from_ref(&errors),
            use_color(Stream::Stderr)
        )
    );
    let name = errors.source.name.clone();
    if allow_errors {
        say!("entramap: {name} has lint errors; {what} anyway (--allow-errors): results they affect are marked");
        Ok((prepared, gate))
    } else {
        say!("entramap: {name} has lint errors; nothing is {what} until they are fixed (--allow-errors goes on and marks the results they affect)");
        Err(EXIT_FINDINGS)
    }
}

fn explain(rule: Option<&str>) -> u8 {
    match rule {
        None => {
            let mut text = String::new();
            for rule in entramap::diagnostics::rules::RULES {
                text.push_str(&format!(
                    "{:<36} {:<8} {}\n",
                    rule.id, rule.severity, rule.summary
                ));
            }
            text.push_str("\nProvisioning log codes:\n");
            for code in entramap::logs::codes::CODES {
                text.push_str(&format!("{:<36} {}\n", code.code, code.kind.title()));
            }
            emit(&text);
            EXIT_OK
        }
        Some(id) => match id.parse::<RuleId>() {
            Ok(rule) => {
                emit(&entramap::diagnostics::rules::explain(rule.rule()));
                EXIT_OK
            }
            Err(_) if entramap::logs::codes::lookup(id).is_some() => {
                if let Some(code) = entramap::logs::codes::lookup(id) {
                    if !code.code.eq_ignore_ascii_case(id.trim()) {
                        emit(&format!(
                            "{id} is an app's spelling of {}: read as that code.\n\n",
                            code.code
                        ));
                    }
                    emit(&entramap::logs::codes::explain(code));
                }
                EXIT_OK
            }
            Err(_) => {
                let ids = RuleId::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .chain(entramap::logs::codes::CODES.iter().map(|c| c.code));
                let hint = entramap::base::suggest::did_you_mean(id, ids)
                    .unwrap_or_else(|| "run `entramap explain` for the list".to_owned());
                say!("entramap: unknown rule `{id}`; {hint}");
                EXIT_USAGE
            }
        },
    }
}

/// Refuses (exit status 2, with a message) to write `output` when it is one of `inputs`: the
/// same file by any name (symbolic or hard link). Writing it would destroy the input.
pub fn refuse_overwriting_input(output: &Path, inputs: &[&Path]) -> Result<(), u8> {
    match inputs
        .iter()
        .find(|input| input.as_os_str() != "-" && entramap::base::fs::same_file(output, input))
    {
        Some(input) => {
            say!(
                "entramap: refusing to write {}: it is the input {}",
                output.display(),
                input.display()
            );
            Err(EXIT_USAGE)
        }
        None => Ok(()),
    }
}
