//! `entramap import SCHEMA.json`: a Graph synchronization schema to a mapping file.

use super::{emit, quiet, OutputArg, ResultFormat, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::read_text_limited;
use entramap::graph::import::{import_str, ImportError, ImportOptions};
use entramap::graph::model::MAX_DOCUMENT_BYTES;
use std::path::PathBuf;

/// Arguments of `entramap import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The schema JSON (`GET .../synchronization/jobs/{id}/schema`, or the portal's download).
    schema: PathBuf,
    #[command(flatten)]
    output: OutputArg,
    /// The target profile to name (a built-in name or a path); default: the gallery app whose
    /// profile records the schema's target directory, else scim-core.
    #[arg(long, value_parser = super::completions::Candidates::profiles(), hide_possible_values = true)]
    target: Option<String>,
    /// The application name for `app:`.
    #[arg(long)]
    app: Option<String>,
    /// The `$schema` of the yaml-language-server modeline.
    #[arg(long, default_value = "../schemas/entramap.schema.json")]
    schema_ref: String,
    /// Output format: `human` writes the mapping file (on stdout unless `-o`) and notes on
    /// stderr; `json` one document `{"version": 1, "mapping": "<yaml>", "notes": [...]}`
    /// (`mapping` is null with `-o FILE`).
    #[arg(long, value_enum, default_value_t = ResultFormat::Human)]
    format: ResultFormat,
    /// Import even when a scope the mapping file cannot express (`inputFilterGroups`,
    /// `categoryFilterGroups`, a clause with several values) would be lost; it is then a note.
    #[arg(long)]
    allow_lossy: bool,
}

/// Runs `entramap import`.
pub fn run(args: ImportArgs) -> u8 {
    if let Some(output) = args.output.file() {
        if let Err(code) = super::refuse_overwriting_input(output, &[&args.schema]) {
            return code;
        }
    }
    let name = args.schema.display().to_string();
    let text = match read_text_limited(&args.schema, MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(e) => {
            say!("entramap: cannot read {name}: {e}");
            return EXIT_USAGE;
        }
    };
    let options = ImportOptions {
        target: args.target,
        app: args.app,
        schema_ref: args.schema_ref,
        allow_lossy: args.allow_lossy,
    };
    let imported = match import_str(&text, &options, None) {
        Ok(i) => i,
        Err(ImportError::Profile(e)) => {
            say!("entramap: {e}");
            return EXIT_USAGE;
        }
        Err(e @ ImportError::Read(_)) => {
            say!("entramap: {name}:{e}");
            return EXIT_FINDINGS;
        }
        Err(e) => {
            say!("entramap: {name}: {e}");
            return EXIT_FINDINGS;
        }
    };
    let to_file = args.output.file().is_some();
    if to_file || args.format == ResultFormat::Human {
        let status = args.output.write(&imported.yaml);
        if status != EXIT_OK {
            return status;
        }
    }
    match args.format {
        ResultFormat::Human => {
            if !quiet() {
                for note in &imported.notes {
                    say!("note: {}: {}", note.at, note.message);
                }
            }
        }
        ResultFormat::Json => {
            let document = serde_json::json!({
                "version": 1,
                "mapping": (!to_file).then_some(&imported.yaml),
                "notes": imported.notes,
            });
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            ));
        }
    }
    EXIT_OK
}
