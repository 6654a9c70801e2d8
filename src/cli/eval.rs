//! `entramap eval EXPR --user FILE`: evaluate one expression against one source object.

use super::{emit, use_color, Stream, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::read_stream_text_limited;
use entramap::diagnostics::report::{FileReport, Source};
use entramap::expr::catalogue::Context;
use entramap::expr::checker::{Attributes, CheckOptions};
use entramap::expr::eval::{
    self, EvalContext, IifNullPolicy, JsonSource, Outcome, TraceResult, TraceStep,
};
use entramap::expr::source::{entra_id, ObjectKind};
use entramap::Severity;
use serde_json::json;

/// Output formats of `entramap eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    /// For people.
    Human,
    /// One JSON document: the diagnostics, the result and the trace.
    Json,
    /// SARIF 2.1.0 of the diagnostics only (for code-scanning tools).
    Sarif,
    /// GitHub workflow commands for the diagnostics only.
    Github,
}

/// Arguments of `entramap eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The expression; `-` reads it from standard input.
    expression: String,
    /// The source object as JSON (attribute name to value; arrays for multi-valued); `-` reads
    /// standard input. Without it, every attribute is absent.
    #[arg(long, value_name = "FILE")]
    user: Option<String>,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Human)]
    format: EvalFormat,
}

pub(super) fn parse_now(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time such as 2025-01-31T12:00:00Z: {e}"))
}

pub(super) fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected NAME=VALUE".to_owned())
}

const MAX_INPUT: usize = 64 * 1024 * 1024;

fn read_input(path: &str, what: &str) -> Result<String, String> {
    if path == "-" {
        return read_stream_text_limited(std::io::stdin().lock(), MAX_INPUT)
            .map_err(|e| format!("cannot read {what} from standard input: {e}"));
    }
    // A named pipe is fine here (`--user <(...)`): the read is bounded, not the file type.
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {what} `{path}`: {e}"))?;
    read_stream_text_limited(file, MAX_INPUT)
        .map_err(|e| format!("cannot read {what} `{path}`: {e}"))
}

/// Runs `entramap eval`.
pub fn run(args: EvalArgs) -> u8 {
    if args.expression == "-" && args.user.as_deref() == Some("-") {
        eprintln!("entramap: the expression and --user cannot both be read from standard input");
        return EXIT_USAGE;
    }
    let text = if args.expression == "-" {
        match read_input("-", "the expression") {
            Ok(t) => t.trim_end_matches(['\n', '\r']).to_owned(),
            Err(e) => {
                eprintln!("entramap: {e}");
                return EXIT_USAGE;
            }
        }
    } else {
        args.expression.clone()
    };
    let user = match &args.user {
        None => JsonSource::default(),
        Some(path) => match read_input(path, "the user file").and_then(|t| JsonSource::parse(&t)) {
            Ok(user) => user,
            Err(e) => {
                eprintln!("entramap: --user {path}: {e}");
                return EXIT_USAGE;
            }
        },
    };
    let mut ctx = args.now.map_or_else(EvalContext::default, EvalContext::at);
    ctx.seed = args.seed;
    ctx.parameters.extend(args.params.iter().cloned());
    ctx.taken.extend(args.taken.iter().cloned());
    if args.strict_iif {
        ctx.iif_null = IifNullPolicy::Strict;
    }

    // HR sources (Workday, SuccessFactors) have schemas entramap does not ship: any name goes.
    // Otherwise names missing from the Entra schema are warnings: the user object may carry them.
    let attributes = if args.context == Context::HrInbound {
        Attributes::Any
    } else {
        Attributes::Lenient(entra_id().object(args.object))
    };
    let options = CheckOptions {
        context: args.context,
        attributes,
        target_type: None,
    };
    let evaluation = eval::check_and_evaluate(&text, &options, &user, &ctx, args.trace);
    print(&args, &text, evaluation)
}

fn snippet(text: &str, step: &TraceStep) -> String {
    let raw = text.get(step.span.start..step.span.end).unwrap_or("");
    let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 72 {
        format!("{}…", flat.chars().take(71).collect::<String>())
    } else {
        flat
    }
}

fn trace_result(result: &TraceResult) -> String {
    match result {
        TraceResult::Value(v) => v.to_string(),
        TraceResult::NotFlowing(reason) => format!("does not flow ({})", reason.as_str()),
        TraceResult::Failed => "error".to_owned(),
    }
}

fn print(args: &EvalArgs, text: &str, evaluation: eval::Evaluation) -> u8 {
    let eval::Evaluation {
        diagnostics,
        result,
        trace,
    } = evaluation;
    let trace = trace.as_slice();
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let reports = [FileReport {
        source: Source::new("<expression>", text),
        diagnostics,
    }];
    match args.format {
        EvalFormat::Human => {
            let mut out = String::new();
            if !trace.is_empty() {
                for step in trace {
                    let indent = "  ".repeat(step.depth);
                    out.push_str(&format!(
                        "{indent}{}\n{indent}  => {}\n",
                        snippet(text, step),
                        trace_result(&step.result)
                    ));
                }
                out.push('\n');
            }
            match &result {
                Some(Ok(Outcome::Flows { value, redacted })) => {
                    out.push_str(&format!("{value}\n"));
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
            emit(&out);
        }
        EvalFormat::Sarif => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&entramap::diagnostics::report::to_sarif(&reports))
                .unwrap_or_default()
        )),
        EvalFormat::Github => emit(&entramap::diagnostics::report::to_github(&reports)),
        EvalFormat::Json => {
            let mut document = entramap::diagnostics::report::to_json(&reports);
            let result_json = match &result {
                Some(Ok(Outcome::Flows { value, redacted })) => json!({
                    "flows": true, "value": value.to_json(), "type": value.type_name(), "redacted": redacted,
                }),
                Some(Ok(Outcome::NotFlowing { reason, span })) => json!({
                    "flows": false, "reason": reason.as_str(), "message": reason.describe(),
                    "span": entramap::diagnostics::report::span_json(&reports[0].source, *span),
                }),
                _ => serde_json::Value::Null,
            };
            if let Some(object) = document.as_object_mut() {
                object.insert("result".to_owned(), result_json);
                if args.trace {
                    let steps: Vec<_> = trace
                        .iter()
                        .map(|s| {
                            json!({
                                "depth": s.depth,
                                "span": entramap::diagnostics::report::span_json(&reports[0].source, s.span),
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
            emit(&format!(
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
