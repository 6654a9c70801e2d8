//! `entramap export FILE`: the Graph synchronization schema of a mapping file.

use super::{
    prepare_path, quiet, refuse_overwriting_input, use_color, OutputArg, Stream, EXIT_FINDINGS,
    EXIT_USAGE,
};
use entramap::base::fs::read_text_limited;
use entramap::graph::export::{export, ExportOptions};
use entramap::graph::model::{read_schema, MAX_DOCUMENT_BYTES};
use std::path::PathBuf;

/// Arguments of `entramap export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The mapping file; `-` reads it from standard input.
    file: PathBuf,
    #[command(flatten)]
    output: OutputArg,
    /// The name of the Entra directory in the job's schema (`Azure Active Directory` in
    /// older tenants); default: the base schema's, else `Microsoft Entra ID`.
    #[arg(long)]
    source_directory: Option<String>,
    /// The job's schema from the tenant (`GET .../synchronization/jobs/{id}/schema`): merge the
    /// mapping into it, keeping what the server owns. The result is the body of a PUT.
    #[arg(long, value_name = "SCHEMA.json")]
    base: Option<PathBuf>,
}

/// Runs `entramap export`.
pub fn run(args: ExportArgs) -> u8 {
    if let Some(output) = args.output.file() {
        let mut inputs = vec![args.file.as_path()];
        inputs.extend(args.base.as_deref());
        if let Err(code) = refuse_overwriting_input(output, &inputs) {
            return code;
        }
    }
    // Standard input is read once, for both the preparation and the lint.
    let stdin = if args.file.as_os_str() == "-" {
        match super::read_stdin_input() {
            Ok(input) => Some(input),
            Err(code) => return code,
        }
    } else {
        None
    };
    let prepared = match &stdin {
        Some(input) => {
            match entramap::model::prepare_text(&input.name, input.text.clone(), Some(&input.base))
            {
                Ok(p) => p,
                Err(reports) => {
                    eprint!(
                        "{}",
                        entramap::diagnostics::report::to_human(
                            &reports,
                            use_color(Stream::Stderr)
                        )
                    );
                    return super::failure_status(&reports);
                }
            }
        }
        None => match prepare_path(&args.file) {
            Ok(p) => p,
            Err(code) => return code,
        },
    };
    // A file with lint errors would export a schema Entra refuses or misreads (an unknown
    // function has no parameter keys): the rule of every command that evaluates a file.
    let gate = entramap::lint::gate::Gate::of(match &stdin {
        Some(input) => entramap::lint::lint_source(&input.name, &input.text, Some(&input.base)),
        None => entramap::lint::lint_file(&args.file),
    });
    if gate.blocks() {
        eprint!(
            "{}",
            entramap::diagnostics::report::to_human(
                std::slice::from_ref(&gate.lint.report),
                use_color(Stream::Stderr)
            )
        );
        say!(
            "entramap: {} has lint errors; nothing is exported until they are fixed",
            args.file.display()
        );
        return EXIT_FINDINGS;
    }
    let base = match &args.base {
        None => None,
        Some(path) => {
            let text = match read_text_limited(path, MAX_DOCUMENT_BYTES) {
                Ok(t) => t,
                Err(e) => {
                    say!("entramap: cannot read {}: {e}", path.display());
                    return EXIT_USAGE;
                }
            };
            match read_schema(text.strip_prefix('\u{feff}').unwrap_or(&text)) {
                Ok(schema) => Some(schema),
                Err(e) => {
                    say!("entramap: {}:{e}", path.display());
                    return EXIT_USAGE;
                }
            }
        }
    };
    if base.is_none() && !quiet() {
        let gallery_directory = prepared
            .profile
            .gallery
            .as_ref()
            .and_then(|g| g.target_directory.as_ref())
            .filter(|_| prepared.file.target_directory.is_none());
        match gallery_directory {
            _ if !prepared.profile.is_scim() => say!(
                "note: no --base: this is the mapping in the non-gallery SCIM template's frame with the target directory {}; to update the app's job, export with --base and the job's current schema",
                prepared.file.target_directory.as_ref().map_or("of the file", |d| d.value.as_str())
            ),
            Some(_) => say!(
                "note: no --base: this is the mapping in the non-gallery SCIM template's frame, with the {} gallery app's target directory; to update the app's job, export with --base and the job's current schema",
                prepared.profile.title.as_deref().unwrap_or(&prepared.profile.name)
            ),
            None => say!("note: no --base: this is the non-gallery SCIM (customappsso) template; to update a job, export with --base and the job's current schema"),
        }
    }
    let exported = match export(
        &prepared,
        &ExportOptions {
            source_directory_name: args.source_directory,
            base,
        },
    ) {
        Ok(e) => e,
        Err(e) => {
            say!("entramap: {e}");
            return EXIT_USAGE;
        }
    };
    if !quiet() {
        for note in &exported.notes {
            say!("note: {note}");
        }
    }
    args.output.write(&exported.to_json())
}
