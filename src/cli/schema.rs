//! `entramap schema [mapping|target] [-o FILE]`: a draft-07 JSON Schema of entramap's file
//! formats, for editors (yaml-language-server) and validators.

use super::OutputArg;
use entramap::model::schema;

/// Which format.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum Which {
    /// The mapping file (`*.entramap.yaml`).
    #[default]
    Mapping,
    /// A target profile.
    Target,
}

/// Arguments of `entramap schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The format whose schema to print.
    #[arg(value_enum, default_value_t = Which::Mapping)]
    which: Which,
    #[command(flatten)]
    output: OutputArg,
}

/// Runs `entramap schema`.
pub fn run(args: SchemaArgs) -> u8 {
    let value = match args.which {
        Which::Mapping => schema::mapping_schema(),
        Which::Target => schema::target_schema(),
    };
    args.output.write(&format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    ))
}
