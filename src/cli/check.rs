//! `entramap check EXPR`: parse and type-check one expression.

use super::{emit_masked, finding_counts, finish, print_summary, FailOn, EXIT_USAGE};
use entramap::base::fs::read_stream_text_limited;
use entramap::base::text::escape_controls;
use entramap::diagnostics::report::{FileReport, Format, SourceText};
use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use entramap::expr::source::{self, ObjectKind};
use entramap::expr::types::{Base, Type};

/// The most standard input `check -` reads, in bytes.
const MAX_STDIN_BYTES: usize = 16 * 1024 * 1024;

/// Arguments of `entramap check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The expression; `-` reads it from standard input.
    expression: String,
    /// Which source object the attributes belong to (in `cloud-sync`, the on-premises AD
    /// object's attributes and Entra ID's; `hr-inbound` accepts any attribute).
    #[arg(long, value_enum, default_value_t = ObjectKind::User)]
    object: ObjectKind,
    /// Accept any attribute name (for sources whose schema entramap does not ship).
    #[arg(long)]
    any_attribute: bool,
    /// Which function list applies.
    #[arg(long, value_enum, default_value_t = Context::AppProvisioning)]
    context: Context,
    /// The target attribute's type (String, Integer, Boolean, DateTime, Reference, Binary).
    #[arg(long, value_parser = parse_type)]
    target_type: Option<Type>,
    /// The target attribute is multi-valued.
    #[arg(long, requires = "target_type")]
    target_multivalued: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

fn parse_type(text: &str) -> Result<Type, String> {
    Base::parse(text).map(Type::single).ok_or_else(|| {
        format!("`{text}` is not one of String, Integer, Boolean, DateTime, Reference, Binary")
    })
}

/// Runs `entramap check`.
pub fn run(args: CheckArgs) -> u8 {
    let text = if args.expression == "-" {
        match read_stream_text_limited(std::io::stdin().lock(), MAX_STDIN_BYTES) {
            Ok(buffer) => buffer.trim_end_matches(['\n', '\r']).to_owned(),
            Err(e) => {
                say!("entramap: cannot read the expression from standard input: {e}");
                return EXIT_USAGE;
            }
        }
    } else {
        args.expression
    };
    let options = CheckOptions {
        context: args.context,
        attributes: match source::for_context(args.context) {
            Some(schema) if !args.any_attribute => Attributes::Schema(schema.of(args.object)),
            _ => Attributes::Any,
        },
        target_type: args.target_type.map(|t| Type {
            multi: args.target_multivalued,
            ..t
        }),
    };
    let checked = check_text(&text, &options);
    let canonical = checked.expr.as_ref().map(entramap::expr::syntax::print);
    let ty = checked.ty.to_string();
    let report = FileReport::new(SourceText::new("<expression>", text), checked.diagnostics);
    if args.format == Format::Human {
        if let Some(canonical) = &canonical {
            emit_masked(&format!("{}\n  : {ty}\n", escape_controls(canonical)));
        }
    }
    let extra = serde_json::json!({"canonical": canonical, "type": ty});
    let reports = [report];
    let code = finish(
        &reports,
        args.format,
        args.fail_on,
        Some(("expression", extra)),
    );
    if args.format == Format::Human {
        let summary = entramap::diagnostics::report::Summary::of(&reports);
        if summary.errors + summary.warnings + summary.notes > 0 {
            print_summary(
                &["1 expression".to_owned()],
                "checked",
                &finding_counts(&summary),
            );
        }
    }
    code
}
