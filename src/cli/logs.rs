//! `entramap logs LOG... [--mapping FILE]`: downloaded provisioning logs grouped by root cause
//! and explained (the library's `logs` stage does the work; this prints it).

use super::{
    count, emit_masked, prepare_path, print_summary, quiet, OutputArg, EXIT_OK, EXIT_USAGE,
};
use entramap::base::text::SourceText;
use entramap::logs::event::Status;
use entramap::logs::read::{self, Record};
use entramap::logs::replay::Replayer;
use entramap::logs::{render, Analyzer, Options};
use std::path::PathBuf;

/// The values of `logs --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogsFormat {
    /// For people.
    #[default]
    Human,
    /// One JSON document.
    Json,
    /// Markdown, for a ticket or a pull request.
    Markdown,
}

/// Arguments of `entramap logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Provisioning logs: the portal's JSON or CSV download (give its three CSV files together),
    /// Graph `/auditLogs/provisioning` pages, Log Analytics exports (JSON or CSV),
    /// provision-on-demand results, synchronization job statuses; `-` reads standard input.
    #[arg(required = true, value_name = "LOG")]
    logs: Vec<PathBuf>,
    /// The mapping file the job runs: replay it on each event's source values to find drift,
    /// and name the mapping (file:line:col) behind a failure caused by a value.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = LogsFormat::Human)]
    format: LogsFormat,
    /// Print every event of group N of the report (one line each) instead of the report.
    #[arg(long, value_name = "N")]
    show: Option<usize>,
    /// Examples kept per group.
    #[arg(long, value_name = "N", default_value_t = 3)]
    examples: usize,
    /// What Now() returns in a replay (RFC 3339); default: the system clock.
    #[arg(long, value_parser = super::eval::parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `entramap logs`.
pub fn run(args: LogsArgs) -> u8 {
    let replayer = match &args.mapping {
        Some(path) => {
            let prepared = match prepare_path(path) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let text = match entramap::model::read_mapping_file(path) {
                Ok(t) => t,
                Err(_) => return EXIT_USAGE,
            };
            let source = SourceText::new(path.display().to_string(), text);
            let now = args.now.unwrap_or_else(|| {
                chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
            });
            Some((
                Replayer::new(&prepared, &source, now),
                path.display().to_string(),
            ))
        }
        None => None,
    };
    let paths: Vec<&std::path::Path> = args.logs.iter().map(PathBuf::as_path).collect();
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        eprintln!("entramap: standard input (`-`) can be read only once");
        return EXIT_USAGE;
    }
    let stream = paths
        .iter()
        .find(|p| p.as_os_str() == "-" || (p.exists() && !read::rereadable(p)));
    if let (Some(stream), Some(_)) = (stream, args.show) {
        eprintln!(
            "entramap: --show reads the logs twice, so it cannot read {} (standard input, a pipe or a device)",
            stream.display()
        );
        return EXIT_USAGE;
    }
    let options = Options {
        examples: args.examples,
        ..Options::default()
    };
    let mut analyzer = Analyzer::new(options, replayer.as_ref().map(|(r, f)| (r, f.clone())));
    let files = read::read_paths(&paths, &mut |record| analyzer.add(record));
    let report = analyzer.finish(files);
    let unreadable = report
        .files
        .iter()
        .any(|f| f.formats.is_empty() && f.problems.iter().any(|p| p.starts_with("cannot read")));
    if let Some(number) = args.show {
        return show(&paths, &report, number, replayer.as_ref());
    }
    let text = match args.format {
        LogsFormat::Human => {
            let mut text = render::human(&report);
            if !quiet()
                && report
                    .groups
                    .iter()
                    .any(|g| g.count as usize > g.examples.len())
            {
                text.push_str("\nEvery event of a group: entramap logs LOG... --show N\n\n");
            }
            text
        }
        LogsFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&render::json(&report)).unwrap_or_default()
        ),
        LogsFormat::Markdown => render::markdown(&report),
    };
    let text = entramap::diagnostics::secrets::redact(&text).into_owned();
    let code = if args.output.file().is_some() {
        args.output.write(&text)
    } else {
        emit_masked(&text);
        EXIT_OK
    };
    if args.format == LogsFormat::Human {
        let s = &report.statuses;
        let mut counts = vec![
            count(s.failure as usize, "failed", "failed"),
            count(s.skipped as usize, "skipped", "skipped"),
            count(s.success as usize, "succeeded", "succeeded"),
            count(report.groups.len(), "group", "groups"),
        ];
        if let Some(drift) = &report.drift {
            counts.push(format!("{} with drift", drift.drifted_events));
        }
        let mut subject = vec![
            count(report.files.len(), "file", "files"),
            count(report.events as usize, "event", "events"),
        ];
        if !report.jobs.is_empty() {
            subject.push(count(report.jobs.len(), "job status", "job statuses"));
        }
        print_summary(&subject, "read", &counts);
    }
    if unreadable {
        EXIT_USAGE
    } else {
        code
    }
}

/// `--show N`: reads the logs again and prints each event of group `number`.
fn show(
    paths: &[&std::path::Path],
    report: &entramap::logs::Report,
    number: usize,
    replayer: Option<&(Replayer, String)>,
) -> u8 {
    let Some(group) = report.groups.iter().find(|g| g.number == number) else {
        eprintln!(
            "entramap: there is no group {number}: the report has {}",
            report.groups.len()
        );
        return EXIT_USAGE;
    };
    let analyzer = Analyzer::new(Options::default(), replayer.map(|(r, f)| (r, f.clone())));
    let wanted = &group.key;
    let clean = |text: &str| {
        let text = entramap::base::text::escape_controls(text).into_owned();
        entramap::diagnostics::secrets::redact(&text).into_owned()
    };
    super::emit_with(|out| {
        writeln!(out, "#{} {}", group.number, clean(&render::title(group)))?;
        let mut result = Ok(());
        read::read_paths(paths, &mut |record| {
            let line = match &record {
                Record::Event { event, .. } if analyzer.key(event) == *wanted => format!(
                    "{}\t{}\t{}\t{}",
                    clean(&event.time),
                    clean(&event.object_name()),
                    clean(&event.source.id),
                    clean(&event.change_id)
                ),
                Record::Unreadable {
                    reason, location, ..
                } if wanted.status == Status::Unreadable
                    && wanted.detail.as_deref() == Some(reason.as_str()) =>
                {
                    clean(location)
                }
                _ => return,
            };
            if result.is_ok() {
                result = writeln!(out, "{line}");
            }
        });
        result
    });
    EXIT_OK
}
