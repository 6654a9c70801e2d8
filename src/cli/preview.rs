//! `entramap preview FILE --users EXPORT`: the dry run of provisioning.

use super::output::{writes_stdout, Output};
use super::{
    count, quiet, refuse_overwriting_input, summary_line, FailOn, ResultFormat, EXIT_FINDINGS,
    EXIT_OK, EXIT_USAGE,
};
use entramap::base::text::escape_controls;
use entramap::expr::source::ObjectKind;
use entramap::preview::members::MemberIndex;
use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink, Summary};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Arguments of `entramap preview`.
#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The mapping file; `-` reads it from standard input.
    file: PathBuf,
    /// The user export: JSON Lines, a Graph `/users` page or the portal's "Download users"
    /// CSV; `-` reads standard input.
    #[arg(long, value_name = "EXPORT")]
    users: PathBuf,
    /// A group export too (JSON Lines, or a Graph `/groups` page, each group with `members`:
    /// ids or Graph member objects): group scoping, the group mappings, members resolved
    /// against the users previewed, and the group profile's constraints.
    #[arg(long, value_name = "EXPORT")]
    groups: Option<PathBuf>,
    /// Explain one user of the export instead: its UPN, objectId or line. Prints the scoping
    /// verdict, every mapping's value with its trace, the payload and the problems.
    #[arg(long, value_name = "KEY", conflicts_with_all = ["out", "groups"])]
    user: Option<String>,
    /// How the export is written (default: detected from its content).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Write the SCIM payloads to FILE as JSON Lines: `-` (or `/dev/stdout`) writes standard
    /// output and moves the report to standard error; a regular file is replaced atomically;
    /// a device, FIFO or symbolic link is written in place.
    #[arg(
        short = 'o',
        long = "output",
        visible_alias = "out",
        value_name = "FILE"
    )]
    out: Option<PathBuf>,
    /// Report format: `human` is one line per problem (`export:LINE: rule: message
    /// (target)`), then a summary; `json` one document with `problems` and `summary`.
    #[arg(long, value_enum, default_value_t = ResultFormat::Human)]
    format: ResultFormat,
    /// Print at most N problems one by one (default: 20 in the human format, all in JSON);
    /// the summary groups them all by rule and target.
    #[arg(long, value_name = "N")]
    max_problems: Option<u64>,
    /// Print every problem one by one (no limit).
    #[arg(long, conflicts_with = "max_problems")]
    details: bool,
    /// Exit 1 when a problem at or above this level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Worker threads (0: one per core). The output is the same for any number.
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    /// Users per unit of work.
    #[arg(long, default_value_t = 2048, hide = true)]
    chunk_size: usize,
    /// Preview a file that lint reports errors in: the errors are still printed, and every
    /// payload a mapping with an error gives a value to is marked (`preview-lint-error`).
    #[arg(long)]
    allow_errors: bool,
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

/// The report and payload writer.
struct CliSink {
    export: String,
    format: ResultFormat,
    report: BufWriter<Box<dyn Write>>,
    first: bool,
    /// Problems still to print one by one (`None`: all).
    shown_left: Option<u64>,
    /// Problems not printed.
    omitted: u64,
    out: Option<Output>,
    bar: Option<ProgressBar>,
    /// What the export holds: `user` or `group`.
    noun: &'static str,
    /// The users read, by objectId, when groups are previewed after them.
    members: Option<MemberIndex>,
}

impl Sink for CliSink {
    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        // An out-of-scope user is not a problem to people: the summary line counts them.
        if self.format == ResultFormat::Human && problem.rule == preview::rule::OUT_OF_SCOPE {
            return Ok(());
        }
        match &mut self.shown_left {
            Some(0) => {
                self.omitted += 1;
                return Ok(());
            }
            Some(left) => *left -= 1,
            None => {}
        }
        match self.format {
            ResultFormat::Human => {
                // Values from the export (names, messages quoting them) are escaped: a line
                // break would start a CI workflow command, an escape sequence reach the terminal.
                let mut line = format!("{}:{}: {}: ", self.export, problem.line, problem.rule);
                if let Some(name) = &problem.user {
                    line.push_str(&format!("{} {name}: ", self.noun));
                }
                line.push_str(&problem.message);
                if let Some(target) = &problem.target {
                    line.push_str(&format!(" ({target})"));
                }
                writeln!(self.report, "{}", escape_controls(&line))
            }
            ResultFormat::Json => {
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

    fn object(&mut self, object_id: &str, provisioned: bool) {
        if let Some(members) = &mut self.members {
            members.insert(object_id, provisioned);
        }
    }

    fn progress(&mut self, bytes: u64, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{rows} read"));
        }
    }
}

fn progress_bar(total: Option<u64>) -> Option<ProgressBar> {
    if quiet() || !io::stderr().is_terminal() {
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

/// How many problems the human format prints one by one unless told.
const DEFAULT_MAX_PROBLEMS: u64 = 20;

fn human_summary(summary: &Summary, omitted: u64, objects: &str) -> String {
    let mut text = String::new();
    if !quiet() {
        for note in &summary.notes {
            text.push_str(&format!("note: {}\n", escape_controls(note)));
        }
    }
    if omitted > 0 {
        text.push_str(&format!(
            "… and {omitted} more problems (--details prints them all)\n"
        ));
    }
    for attribute in &summary.absent_attributes {
        let caused: Vec<String> = summary
            .groups
            .iter()
            .filter(|g| g.caused_by.contains(attribute))
            .map(|g| match &g.target {
                Some(target) => format!("{} {} ({target})", g.count, g.rule),
                None => format!("{} {}", g.count, g.rule),
            })
            .collect();
        // A root cause explains problems; with none to explain, it is not printed.
        if !caused.is_empty() {
            text.push_str(&format!(
                "root cause: no user of the export has `{}`, which the mapping reads; it explains {}\n",
                escape_controls(attribute),
                caused.join(", ")
            ));
        }
    }
    // Out-of-scope users are counted in the summary line, not listed as problems.
    let mut groups: Vec<&preview::Group> = summary
        .groups
        .iter()
        .filter(|g| g.rule != preview::rule::OUT_OF_SCOPE)
        .collect();
    if !groups.is_empty() {
        text.push_str("problems by rule and target:\n");
        groups.sort_by(|a, b| {
            (b.rule.severity(), b.count)
                .cmp(&(a.rule.severity(), a.count))
                .then_with(|| (a.rule, &a.target).cmp(&(b.rule, &b.target)))
        });
        for group in groups {
            let more = if group.count > group.users.len() as u64 {
                ", …"
            } else {
                ""
            };
            let target = group
                .target
                .as_ref()
                .map_or_else(String::new, |t| format!(" ({t})"));
            let line = format!(
                "  {}{target}: {}; first: {}{more}",
                group.rule,
                group.count,
                group.users.join(", ")
            );
            text.push_str(&format!("{}\n", escape_controls(&line)));
        }
    }
    if quiet() {
        return text;
    }
    let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let one = objects.strip_suffix('s').unwrap_or(objects);
    text.push_str(&summary_line(
        &[count(n(summary.users_read), one, objects)],
        "read",
        &[
            count(n(summary.payloads), "payload", "payloads"),
            count(n(summary.failures), "failure", "failures"),
            format!("{} out of scope", summary.out_of_scope),
            format!("{} unreadable", summary.unreadable),
        ],
    ));
    text
}

/// Runs `entramap preview`.
pub fn run(args: PreviewArgs) -> u8 {
    if let Err(code) = super::refuse_two_stdins(&[
        ("FILE", Some(&args.file)),
        ("--users", Some(&args.users)),
        ("--groups", args.groups.as_deref()),
    ]) {
        return code;
    }
    if let Some(out) = &args.out {
        let mut inputs = vec![args.file.as_path(), args.users.as_path()];
        inputs.extend(args.groups.as_deref());
        if let Err(code) = refuse_overwriting_input(out, &inputs) {
            return code;
        }
    }
    if args.jobs > preview::max_jobs() {
        say!(
            "entramap: --jobs {} is more than {} per core; using {}",
            args.jobs,
            preview::JOBS_PER_CORE,
            preview::max_jobs()
        );
    }
    let (prepared, gate) = match super::prepare_and_gate(&args.file, "previewed", args.allow_errors)
    {
        Ok((prepared, gate)) => (
            prepared,
            Some(gate).filter(entramap::lint::gate::Gate::blocks),
        ),
        Err(code) => return code,
    };
    let plan = match compile(&prepared, ObjectKind::User, gate.as_ref()) {
        Ok(plan) => plan,
        Err(e) => {
            // Lint errors were refused above: what is left is what lint warns about (a
            // pattern Entra accepts and preview cannot run).
            say!(
                "entramap: {}: {e}; {}",
                args.file.display(),
                cannot_run(gate.is_some())
            );
            return EXIT_FINDINGS;
        }
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
    if let Some(key) = &args.user {
        let json = args.format == ResultFormat::Json;
        return super::preview_user::run(
            &plan,
            &args.users,
            args.input_format,
            key,
            &options,
            json,
        );
    }
    let out = match &args.out {
        Some(path) => match Output::open(path) {
            Ok(output) => Some(output),
            Err(e) => {
                say!("entramap: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let groups = match &args.groups {
        Some(path) => match compile(&prepared, ObjectKind::Group, gate.as_ref()) {
            Ok(plan) => Some((path, plan)),
            Err(e) => {
                say!(
                    "entramap: {}: {e}; {}",
                    args.file.display(),
                    cannot_run(gate.is_some())
                );
                return EXIT_FINDINGS;
            }
        },
        None => None,
    };
    options.object_ids = groups.is_some();
    let shown_left = match (args.details, args.max_problems, args.format) {
        (true, _, _) => None,
        (false, Some(n), _) => Some(n),
        (false, None, ResultFormat::Human) => Some(DEFAULT_MAX_PROBLEMS),
        (false, None, ResultFormat::Json) => None,
    };
    let mut sink = CliSink {
        export: args.users.display().to_string(),
        format: args.format,
        // Payloads on standard output: the report goes to standard error.
        report: BufWriter::with_capacity(
            1 << 16,
            if args.out.as_deref().is_some_and(writes_stdout) {
                Box::new(io::stderr())
            } else {
                Box::new(io::stdout())
            },
        ),
        first: true,
        shown_left,
        omitted: 0,
        out,
        bar: None,
        noun: ObjectKind::User.as_str(),
        members: groups.as_ref().map(|_| MemberIndex::default()),
    };
    if args.format == ResultFormat::Json {
        let header = format!(
            "{{\n  \"version\": 1,\n  \"file\": {},\n  \"users\": {},\n  \"problems\": [",
            serde_json::Value::String(args.file.display().to_string()),
            serde_json::Value::String(sink.export.clone()),
        );
        if let Err(e) = sink.report.write_all(header.as_bytes()) {
            return write_failed(&e);
        }
    }
    let summary = match run_object(&plan, &args.users, &options, &mut sink) {
        Ok(summary) => summary,
        Err(code) => return code,
    };
    let mut failing = failing_count(&summary, args.fail_on);
    let mut tail = match args.format {
        ResultFormat::Human => human_summary(&summary, sink.omitted, "users"),
        ResultFormat::Json => format!(
            "\n  ],\n  \"problems_omitted\": {},\n  \"summary\": {}",
            sink.omitted,
            serde_json::to_string(&summary).unwrap_or_default()
        ),
    };
    if let Some((path, group_plan)) = groups {
        let group_plan = group_plan.with_members(sink.members.take().unwrap_or_default());
        sink.export = path.display().to_string();
        sink.noun = ObjectKind::Group.as_str();
        sink.first = true;
        sink.shown_left = shown_left;
        sink.omitted = 0;
        options.object_ids = false;
        tail.push_str(&match args.format {
            ResultFormat::Human => "\n".to_owned(),
            ResultFormat::Json => format!(
                ",\n  \"groups\": {{\n  \"file\": {},\n  \"problems\": [",
                serde_json::Value::String(sink.export.clone())
            ),
        });
        if let Err(e) = sink.report.write_all(tail.as_bytes()) {
            return write_failed(&e);
        }
        let summary = match run_object(&group_plan, path, &options, &mut sink) {
            Ok(summary) => summary,
            Err(code) => return code,
        };
        failing += failing_count(&summary, args.fail_on);
        tail = match args.format {
            ResultFormat::Human => human_summary(&summary, sink.omitted, "groups"),
            ResultFormat::Json => format!(
                "\n  ],\n  \"problems_omitted\": {},\n  \"summary\": {}\n  }}",
                sink.omitted,
                serde_json::to_string(&summary).unwrap_or_default()
            ),
        };
    }
    if args.format == ResultFormat::Json {
        tail.push_str("\n}\n");
    }
    if let Err(e) = sink
        .report
        .write_all(tail.as_bytes())
        .and_then(|()| sink.report.flush())
    {
        return write_failed(&e);
    }
    if let (Some(out), Some(path)) = (sink.out.take(), &args.out) {
        if let Err(e) = out.finish() {
            say!("entramap: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    if failing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Why a mapping that passed the gate cannot be compiled: with errors allowed, one of them;
/// otherwise what lint only warns about (a pattern Entra accepts and preview cannot run).
fn cannot_run(errors_allowed: bool) -> &'static str {
    if errors_allowed {
        "preview cannot run this mapping even with --allow-errors"
    } else {
        "preview cannot run this mapping (lint warns about it: Entra accepts it)"
    }
}

/// The plan of one object: plain, or marking what mappings with lint errors give when errors
/// are allowed.
fn compile(
    prepared: &entramap::model::Prepared,
    kind: ObjectKind,
    gate: Option<&entramap::lint::gate::Gate>,
) -> Result<Plan, preview::PreviewError> {
    match gate {
        Some(gate) => Plan::allowing_errors(prepared, kind, &|i| gate.affects(kind, i)),
        None => Plan::for_object(prepared, kind),
    }
}

fn failing_count(summary: &Summary, fail_on: FailOn) -> u64 {
    fail_on.severity().map_or(0, |s| summary.count_at_least(s))
}

/// Previews one export (`-`: standard input) into the sink, with a progress bar on a terminal.
fn run_object(
    plan: &Plan,
    path: &Path,
    options: &Options,
    sink: &mut CliSink,
) -> Result<Summary, u8> {
    let export = path.display().to_string();
    let (input, total): (Box<dyn BufRead>, Option<u64>) = if export == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        if let Some(kind) = device(path) {
            say!("entramap: cannot read {export}: it is a {kind}, not a file or a pipe");
            return Err(EXIT_USAGE);
        }
        match File::open(path) {
            Ok(file) => {
                let total = file.metadata().ok().map(|m| m.len());
                (Box::new(BufReader::with_capacity(1 << 20, file)), total)
            }
            Err(e) => {
                say!("entramap: cannot read {export}: {e}");
                return Err(EXIT_USAGE);
            }
        }
    };
    sink.bar = progress_bar(total);
    let result = preview::preview(plan, input, options, sink);
    if let Some(bar) = sink.bar.take() {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => Ok(summary),
        Err(preview::PreviewError::Write(e)) => Err(write_failed(&e)),
        Err(e) => {
            let _ = sink.report.flush();
            say!("entramap: {export}: {e}");
            Err(EXIT_USAGE)
        }
    }
}

/// What kind of device `path` is, if it is one (`/dev/zero` would be read without end).
fn device(path: &Path) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = std::fs::metadata(path).ok()?.file_type();
        if kind.is_char_device() {
            return Some("character device");
        }
        if kind.is_block_device() {
            return Some("block device");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

fn write_failed(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return EXIT_OK;
    }
    say!("entramap: cannot write the report: {e}");
    EXIT_USAGE
}
