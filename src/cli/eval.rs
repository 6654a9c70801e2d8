//! `entramap eval EXPR --user FILE`: evaluate one expression against one source object; or
//! `eval --mapping FILE --target NAME`: the expression of one mapping; `--users EXPORT --user
//! KEY`: one user of an export. Users are read as `preview` reads them
//! ([`entramap::preview::user`]).

use super::{emit, emit_masked, use_color, Stream, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::read_stream_text_limited;
use entramap::base::text::escape_controls;
use entramap::diagnostics::report::{FileReport, Format, SourceText};
use entramap::expr::catalogue::Context;
use entramap::expr::checker::{Attributes, CheckOptions};
use entramap::expr::eval::{self, EvalContext, IifNullPolicy, Outcome, TraceResult};
use entramap::expr::source::{self, ObjectKind};
use entramap::model::MappingKind;
use entramap::preview::user::{self, OneUser, UserKey};
use entramap::preview::InputFormat;
use entramap::Severity;
use serde_json::json;

/// Arguments of `entramap eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The expression; `-` reads it from standard input. Not with `--mapping`.
    #[arg(required_unless_present = "mapping", conflicts_with = "mapping")]
    expression: Option<String>,
    /// Evaluate the mapping of `--target` in this mapping file instead of an expression.
    #[arg(long, value_name = "FILE", requires = "target")]
    mapping: Option<std::path::PathBuf>,
    /// The target attribute whose mapping to evaluate (with `--mapping`).
    #[arg(long, value_name = "NAME", requires = "mapping")]
    target: Option<String>,
    /// With `--mapping`: evaluate even when lint reports errors in the file (they are printed
    /// first, located in the file).
    #[arg(long, requires = "mapping")]
    allow_errors: bool,
    /// The user: a JSON file (a Graph user, or attribute name to value; arrays for
    /// multi-valued; `-` reads standard input); with `--users`, a key of the export (UPN,
    /// objectId or line number). Without it, every attribute is absent.
    #[arg(long, value_name = "FILE|KEY")]
    user: Option<String>,
    /// A user export (JSON Lines, Graph page or portal CSV) to pick `--user KEY` from.
    #[arg(long, value_name = "EXPORT", requires = "user")]
    users: Option<std::path::PathBuf>,
    /// Which Entra object the attributes belong to (unknown names are reported as warnings).
    #[arg(long, value_enum, default_value_t = ObjectKind::User)]
    object: ObjectKind,
    /// Which function list applies.
    #[arg(long, value_enum, default_value_t = Context::AppProvisioning)]
    context: Context,
    /// Seed of Guid() and RandomString().
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// What Now() returns (RFC 3339); default: the system clock.
    #[arg(long, value_parser = parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// A `%Name%` parameter value, as NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// A value SelectUniqueValue must treat as already taken (repeatable).
    #[arg(long, value_name = "VALUE")]
    taken: Vec<String>,
    /// Fail IIF conditions that read a null or empty attribute (the app provisioning reference's wording).
    #[arg(long)]
    strict_iif: bool,
    /// Print the value of every sub-expression.
    #[arg(long)]
    trace: bool,
    /// Output format: `json` is one document with the diagnostics, the result and the trace;
    /// `sarif` and `github` carry the diagnostics only.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(super) fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time such as 2025-01-31T12:00:00Z: {e}"))
}

pub(super) fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        None => Err("expected NAME=VALUE".to_owned()),
        Some((name, _)) if name.trim().is_empty() => {
            Err("expected NAME=VALUE; the parameter name is empty".to_owned())
        }
        Some((name, _)) if name.contains('%') => Err(format!(
            "expected NAME=VALUE; write the name without `%` (`{}`)",
            name.trim_matches('%')
        )),
        Some((name, value)) => Ok((name.to_owned(), value.to_owned())),
    }
}

const MAX_INPUT: usize = 64 * 1024 * 1024;

/// Reads an input as text (decoded by its byte order mark, the mark dropped, as every reader of
/// entramap does).
fn read_input(path: &str, what: &str) -> Result<String, String> {
    if path == "-" {
        read_stream_text_limited(std::io::stdin().lock(), MAX_INPUT)
            .map_err(|e| format!("cannot read {what} from standard input: {e}"))
    } else {
        read_path(path).map_err(|e| format!("cannot read {what} `{path}`: {e}"))
    }
}

/// Reads a file, bounded. A named pipe is fine (`--user <(...)`): the read is bounded, not the
/// file type. It is opened without waiting for a writer, so that a FIFO nobody writes to is an
/// error, not a command that never returns.
fn read_path(path: &str) -> Result<String, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
        let fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
        if fifo {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)
                .map_err(|e| e.to_string())?;
            let text = read_stream_text_limited(
                Patient {
                    file,
                    started: std::time::Instant::now(),
                    data: false,
                },
                MAX_INPUT,
            )
            .map_err(|e| e.to_string())?;
            if text.is_empty() {
                return Err("it is a FIFO and no program wrote to it within 3 seconds".to_owned());
            }
            return Ok(text);
        }
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    read_stream_text_limited(file, MAX_INPUT).map_err(|e| e.to_string())
}

/// How long `eval --user FIFO` waits for a program to open the FIFO for writing.
#[cfg(unix)]
const FIFO_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A non-blocking FIFO read as a blocking one: waits for the writer's data and ends when the
/// writer closes; before any data, a FIFO without a writer is waited on for [`FIFO_WAIT`], then
/// read as empty.
#[cfg(unix)]
struct Patient {
    file: std::fs::File,
    started: std::time::Instant,
    data: bool,
}

#[cfg(unix)]
impl std::io::Read for Patient {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.file.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Ok(0) if !self.data && self.started.elapsed() < FIFO_WAIT => {}
                Ok(n) => {
                    self.data |= n > 0;
                    return Ok(n);
                }
                Err(e) => return Err(e),
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// Runs `entramap eval`.
pub fn run(args: EvalArgs) -> u8 {
    let (text, lint) = match expression_text(&args) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let user = match read_user(&args, &text) {
        Ok(user) => user,
        Err(e) => {
            say!("entramap: {e}");
            return EXIT_USAGE;
        }
    };
    let mut ctx = args.now.map_or_else(EvalContext::default, EvalContext::at);
    ctx.seed = args.seed;
    ctx.parameters.extend(args.params.iter().cloned());
    ctx.taken.extend(args.taken.iter().cloned());
    if args.strict_iif {
        ctx.iif_null = IifNullPolicy::Strict;
    }

    // HR sources (Workday, SuccessFactors) have schemas entramap does not ship: any name goes.
    // Otherwise names missing from the context's schema are warnings: the object may carry them.
    let attributes = match source::for_context(args.context) {
        None => Attributes::Any,
        Some(schema) => Attributes::Lenient(schema.of(args.object)),
    };
    let options = CheckOptions {
        context: args.context,
        attributes,
        target_type: None,
    };
    // A mapping of a file has lint's verdict, located in the file: its expression is evaluated,
    // not checked a second time against other rules.
    let evaluation = match &lint {
        Some(_) => eval::evaluate_unchecked(&text, &user, &ctx, args.trace),
        None => eval::check_and_evaluate(&text, &options, &user, &ctx, args.trace),
    };
    print(&args, &text, &user, evaluation, lint)
}

/// The expression: the argument, standard input, or the mapping of `--target` in `--mapping`
/// (a Direct mapping is `[source]`, a constant its quoted text) with lint's findings of that
/// mapping. A file with lint errors is not evaluated unless `--allow-errors`
/// ([`entramap::lint::gate`]).
fn expression_text(args: &EvalArgs) -> Result<(String, Option<FileReport>), u8> {
    if let (Some(path), Some(target)) = (&args.mapping, &args.target) {
        let (prepared, gate) = super::prepare_and_gate(path, "evaluated", args.allow_errors)?;
        let object = prepared.file.object(args.object);
        let Some(index) = object
            .mappings
            .iter()
            .position(|m| m.target.value == *target)
        else {
            let targets: Vec<&str> = object
                .mappings
                .iter()
                .map(|m| m.target.value.as_str())
                .collect();
            say!(
                "entramap: {}: no {} mapping to `{target}`; the targets are: {}",
                path.display(),
                args.object.as_str(),
                targets.join(", ")
            );
            return Err(EXIT_USAGE);
        };
        if gate.affects(args.object, index) {
            say!(
                "note: the mapping to `{target}` has lint errors: its value is shown only because errors were allowed"
            );
        }
        // The errors were printed by the gate; the mapping's other findings come with the result.
        let mut lint = gate.findings_of(args.object, index);
        lint.diagnostics.retain(|d| d.severity < Severity::Error);
        let lint = Some(lint);
        let mapping = &object.mappings[index];
        return match &mapping.kind {
            Some(MappingKind::Direct(source)) => Ok((format!("[{}]", source.value), lint)),
            Some(MappingKind::Constant(text)) => {
                Ok((format!("\"{}\"", text.value.replace('"', "\"\"")), lint))
            }
            Some(MappingKind::Expression { text, .. }) => Ok((text.value.clone(), lint)),
            None => {
                say!(
                    "entramap: {}: the mapping to `{target}` has no value; run `entramap lint {}`",
                    path.display(),
                    path.display()
                );
                Err(EXIT_USAGE)
            }
        };
    }
    let expression = args.expression.as_deref().unwrap_or_default();
    if expression == "-" && args.user.as_deref() == Some("-") && args.users.is_none() {
        say!("entramap: the expression and --user cannot both be read from standard input");
        return Err(EXIT_USAGE);
    }
    if expression == "-" {
        return match read_input("-", "the expression") {
            Ok(t) => Ok((t.trim_end_matches(['\n', '\r']).to_owned(), None)),
            Err(e) => {
                say!("entramap: {e}");
                Err(EXIT_USAGE)
            }
        };
    }
    Ok((expression.to_owned(), None))
}

/// The user: none, a JSON file, or one user of an export (reading the attributes the
/// expression names).
fn read_user(args: &EvalArgs, text: &str) -> Result<OneUser, String> {
    let Some(user) = &args.user else {
        return Ok(OneUser::default());
    };
    let Some(export) = &args.users else {
        return read_input(user, "the user file")
            .and_then(|t| OneUser::from_json(&t))
            .map_err(|e| format!("--user {user}: {e}"));
    };
    let wanted = attributes_read(text);
    let key = UserKey::parse(user);
    let name = export.display();
    let input: Box<dyn std::io::BufRead> = if export.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(export).map_err(|e| format!("cannot read {name}: {e}"))?;
        Box::new(std::io::BufReader::new(file))
    };
    match user::find_user(input, InputFormat::Auto, &wanted, &key) {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(format!("{name}: no user has {key}")),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

/// The attributes the expression reads (none when it does not parse).
fn attributes_read(text: &str) -> entramap::preview::record::Attributes {
    let mut attributes = entramap::preview::record::Attributes::default();
    if let Ok(expr) = entramap::expr::syntax::parse(text) {
        attributes.add_read_by(&expr);
    }
    attributes
}

/// Prints the result. `lint`: the findings of the mapping evaluated (`--mapping`), shown
/// before the expression's own (evaluation failures only, then).
fn print(
    args: &EvalArgs,
    text: &str,
    user: &OneUser,
    evaluation: eval::Evaluation,
    lint: Option<FileReport>,
) -> u8 {
    let eval::Evaluation {
        diagnostics,
        result,
        trace,
    } = evaluation;
    let trace = trace.as_slice();
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let source = SourceText::new("<expression>", text);
    let expression = FileReport::new(source.clone(), diagnostics);
    let reports: Vec<FileReport> = match lint {
        Some(lint) if expression.diagnostics.is_empty() => vec![lint],
        Some(lint) => vec![lint, expression],
        None => vec![expression],
    };
    match args.format {
        Format::Human => {
            let mut out = String::new();
            if !trace.is_empty() {
                out.push_str(&user.trace_text(text, trace, ""));
                out.push('\n');
            }
            match &result {
                Some(Ok(Outcome::Flows { value, redacted })) => {
                    out.push_str(&format!("{}\n", escape_controls(&value.to_string())));
                    if *redacted {
                        out.push_str("note: redacted: provisioning logs show [Redact] instead of this value\n");
                    }
                }
                Some(Ok(Outcome::NotFlowing { reason, .. })) => {
                    out.push_str(&format!("does not flow: {}\n", reason.describe()));
                }
                _ => {}
            }
            let stream = if failed {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            let findings = entramap::diagnostics::report::to_human(&reports, use_color(stream));
            if failed {
                out.push_str(&findings);
            } else if !findings.is_empty() {
                eprint!("{findings}");
            }
            emit_masked(&out);
        }
        Format::Sarif => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&entramap::diagnostics::report::to_sarif(&reports))
                .unwrap_or_default()
        )),
        Format::Github => emit(&entramap::diagnostics::report::to_github(&reports)),
        Format::Json => {
            let mut document = entramap::diagnostics::report::to_json(&reports);
            let result_json = match &result {
                Some(Ok(Outcome::Flows { value, redacted })) => json!({
                    "flows": true, "value": value.to_json(), "type": value.type_name(), "redacted": redacted,
                }),
                Some(Ok(Outcome::NotFlowing { reason, span })) => json!({
                    "flows": false, "reason": reason.as_str(), "message": reason.describe(),
                    "span": entramap::diagnostics::report::span_json(&source, *span),
                }),
                _ => serde_json::Value::Null,
            };
            if let Some(object) = document.as_object_mut() {
                object.insert("result".to_owned(), result_json);
                let read = attributes_read(text);
                let derived: Vec<_> = user
                    .derived
                    .iter()
                    .filter(|d| read.lookup(&d.attribute).is_some())
                    .map(|d| json!({"attribute": d.attribute, "value": d.value.to_json(), "from": d.from}))
                    .collect();
                if !derived.is_empty() {
                    object.insert("derived".to_owned(), serde_json::Value::Array(derived));
                }
                if args.trace {
                    let steps: Vec<_> = trace
                        .iter()
                        .map(|s| {
                            json!({
                                "depth": s.depth,
                                "span": entramap::diagnostics::report::span_json(&source, s.span),
                                "expression": text.get(s.span.start..s.span.end).unwrap_or(""),
                                "result": match &s.result {
                                    TraceResult::Value(v) => json!({"value": v.to_json()}),
                                    TraceResult::NotFlowing(r) => json!({"flows": false, "reason": r.as_str()}),
                                    TraceResult::Failed => json!({"error": true}),
                                },
                            })
                        })
                        .collect();
                    object.insert("trace".to_owned(), serde_json::Value::Array(steps));
                }
            }
            emit_masked(&format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            ));
        }
    }
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
