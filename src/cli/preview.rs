//! `entramap preview FILE --users EXPORT`: the dry run of provisioning, and the hidden
//! `entramap synth` that writes synthetic tenants for tests and benchmarks.

use super::synth::{self, SynthFormat};
use super::{prepare_path, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::AtomicFile;
use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink, Summary};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Report formats of `entramap preview`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PreviewFormat {
    /// One line per problem (`export:LINE: rule: message (target)`), then a summary.
    Human,
    /// One JSON document: `problems` and `summary`.
    Json,
}

/// When the exit status is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any error: a user that would fail, an unreadable row.
    Error,
    /// Errors and warnings.
    Warning,
    /// Never (still 2 on usage and I/O errors).
    Never,
}

/// Arguments of `entramap preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The mapping file.
    file: PathBuf,
    /// The user export: JSON Lines, a Graph `/users` page or the portal's "Download users"
    /// CSV; `-` reads standard input.
    #[arg(long, value_name = "EXPORT")]
    users: PathBuf,
    /// How the export is written (default: detected from its content).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Write the SCIM payloads to FILE as JSON Lines (atomically).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = PreviewFormat::Human)]
    format: PreviewFormat,
    /// Exit 1 when a problem at or above this level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Worker threads (0: one per core). The output is the same for any number.
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    /// Users per unit of work.
    #[arg(long, default_value_t = 2048, hide = true)]
    chunk_size: usize,
    /// Seed of Guid() and RandomString() (the stream is the user's line).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// What Now() returns (RFC 3339); default: the system clock.
    #[arg(long, value_parser = super::eval::parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// A `%Name%` parameter value, as NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = super::eval::parse_param)]
    params: Vec<(String, String)>,
}

/// Arguments of `entramap synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// How many users.
    #[arg(long, default_value_t = 1000)]
    users: u64,
    /// The tenant's seed: the same seed gives the same users.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SynthFormat::Jsonl)]
    format: SynthFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `entramap synth`.
pub fn run_synth(args: SynthArgs) -> u8 {
    let result = match &args.out {
        Some(path) => File::create(path)
            .and_then(|file| synth::write(file, args.users, args.seed, args.format)),
        None => synth::write(io::stdout().lock(), args.users, args.seed, args.format),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("entramap: cannot write synthetic users: {e}");
            EXIT_USAGE
        }
    }
}

/// Where `--out` goes: an [`AtomicFile`] (a temporary file beside the target, renamed over it
/// at the end); or, for a path that exists and is not a regular file (`/dev/null`, a pipe),
/// that path itself.
enum Output {
    Atomic(BufWriter<AtomicFile>),
    Direct(BufWriter<File>),
}

impl Output {
    fn open(path: &Path) -> io::Result<Output> {
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Ok(Output::Direct(BufWriter::with_capacity(
                1 << 20,
                std::fs::OpenOptions::new().write(true).open(path)?,
            ))),
            _ => Ok(Output::Atomic(BufWriter::with_capacity(
                1 << 20,
                AtomicFile::create(path)?,
            ))),
        }
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Atomic(w) => w,
            Output::Direct(w) => w,
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Output::Atomic(w) => w
                .into_inner()
                .map_err(io::IntoInnerError::into_error)
                .and_then(AtomicFile::commit),
            Output::Direct(mut w) => w.flush(),
        }
    }
}

/// The report and payload writer.
struct CliSink {
    export: String,
    format: PreviewFormat,
    report: BufWriter<io::StdoutLock<'static>>,
    first: bool,
    out: Option<Output>,
    bar: Option<ProgressBar>,
}

impl Sink for CliSink {
    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        match self.format {
            PreviewFormat::Human => {
                write!(
                    self.report,
                    "{}:{}: {}: {}",
                    self.export, problem.line, problem.rule, problem.message
                )?;
                match &problem.target {
                    Some(target) => writeln!(self.report, " ({target})"),
                    None => writeln!(self.report),
                }
            }
            PreviewFormat::Json => {
                self.report
                    .write_all(if self.first { b"\n    " } else { b",\n    " })?;
                self.first = false;
                serde_json::to_writer(&mut self.report, problem).map_err(io::Error::other)
            }
        }
    }

    fn payload(&mut self, _line: u64, json: &[u8]) -> io::Result<()> {
        if let Some(out) = &mut self.out {
            let out = out.writer();
            out.write_all(json)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn progress(&mut self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{rows} users"));
        }
    }
}

fn progress_bar(total: Option<u64>) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{bar:30} {bytes}/{total_bytes} {msg} ({eta})"
    } else {
        "{spinner} {bytes} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}

fn human_summary(summary: &Summary) -> String {
    let mut text = format!(
        "{} users read: {} payloads, {} failures, {} out of scope, {} unreadable\n",
        summary.users_read,
        summary.payloads,
        summary.failures,
        summary.out_of_scope,
        summary.unreadable
    );
    if !summary.problems.is_empty() {
        let rules: Vec<String> = summary
            .problems
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        text.push_str(&format!("problems: {}\n", rules.join(", ")));
    }
    text
}

/// Runs `entramap preview`.
pub fn run(args: PreviewArgs) -> u8 {
    let prepared = match prepare_path(&args.file) {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    let plan = match Plan::new(&prepared) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!(
                "entramap: {}: {e}; run `entramap lint {}`",
                args.file.display(),
                args.file.display()
            );
            return EXIT_FINDINGS;
        }
    };
    let export = args.users.display().to_string();
    let (input, total): (Box<dyn BufRead>, Option<u64>) = if export == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        match File::open(&args.users) {
            Ok(file) => {
                let total = file.metadata().ok().map(|m| m.len());
                (Box::new(BufReader::with_capacity(1 << 20, file)), total)
            }
            Err(e) => {
                eprintln!("entramap: cannot read {export}: {e}");
                return EXIT_USAGE;
            }
        }
    };
    let out = match &args.out {
        Some(path) => match Output::open(path) {
            Ok(output) => Some(output),
            Err(e) => {
                eprintln!("entramap: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let mut options = Options {
        jobs: args.jobs,
        format: args.input_format,
        chunk_size: args.chunk_size,
        seed: args.seed,
        parameters: args.params.into_iter().collect(),
        ..Options::default()
    };
    if let Some(now) = args.now {
        options.now = now;
    }
    let mut sink = CliSink {
        export: export.clone(),
        format: args.format,
        report: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        first: true,
        out,
        bar: progress_bar(total),
    };
    if args.format == PreviewFormat::Json {
        let header = format!(
            "{{\n  \"version\": 1,\n  \"file\": {},\n  \"users\": {},\n  \"problems\": [",
            serde_json::Value::String(args.file.display().to_string()),
            serde_json::Value::String(export.clone()),
        );
        if let Err(e) = sink.report.write_all(header.as_bytes()) {
            return write_failed(&e);
        }
    }
    let result = preview::preview(&plan, input, &options, &mut sink);
    if let Some(bar) = &sink.bar {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(summary) => summary,
        Err(preview::PreviewError::Write(e)) => return write_failed(&e),
        Err(e) => {
            let _ = sink.report.flush();
            eprintln!("entramap: {export}: {e}");
            return EXIT_USAGE;
        }
    };
    let tail = match args.format {
        PreviewFormat::Human => human_summary(&summary),
        PreviewFormat::Json => format!(
            "\n  ],\n  \"summary\": {}\n}}\n",
            serde_json::to_string(&summary).unwrap_or_default()
        ),
    };
    if let Err(e) = sink
        .report
        .write_all(tail.as_bytes())
        .and_then(|()| sink.report.flush())
    {
        return write_failed(&e);
    }
    if let (Some(out), Some(path)) = (sink.out.take(), &args.out) {
        if let Err(e) = out.finish() {
            eprintln!("entramap: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    let failing = match args.fail_on {
        FailOn::Error => summary.count_at_least(entramap::Severity::Error),
        FailOn::Warning => summary.count_at_least(entramap::Severity::Warning),
        FailOn::Never => 0,
    };
    if failing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn write_failed(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return EXIT_OK;
    }
    eprintln!("entramap: cannot write the report: {e}");
    EXIT_USAGE
}
