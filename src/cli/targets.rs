//! `entramap targets [NAME]`: the built-in target profiles.

use super::{emit, EXIT_OK, EXIT_USAGE};
use entramap::model::profile::{self, TargetSchema};

/// Arguments of `entramap targets`.
#[derive(Debug, clap::Args)]
pub struct TargetsArgs {
    /// A built-in profile name or a profile file; without it, list the built-in profiles.
    name: Option<String>,
}

/// Runs `entramap targets`.
pub fn run(args: TargetsArgs) -> u8 {
    let Some(name) = args.name else {
        let mut out = String::new();
        for name in profile::built_in_names() {
            let title = profile::built_in(name)
                .ok()
                .and_then(|p| p.title)
                .unwrap_or_default();
            out.push_str(&format!("{name:<12} {title}\n"));
        }
        emit(&out);
        return EXIT_OK;
    };
    match profile::load(&name, None) {
        Ok(p) => {
            let mut out = format!(
                "{}{}\n",
                p.name,
                p.title.map(|t| format!(" ({t})")).unwrap_or_default()
            );
            for (object, schema) in [("users", &p.users), ("groups", &p.groups)] {
                out.push_str(&format!("\n{object}:\n"));
                out.push_str(&listing(schema));
            }
            emit(&out);
            EXIT_OK
        }
        Err(e) => {
            eprintln!("entramap: {e}");
            EXIT_USAGE
        }
    }
}

fn listing(schema: &TargetSchema) -> String {
    let mut out = String::new();
    for a in schema.attributes() {
        let mut flags = Vec::new();
        for (on, flag) in [
            (a.required, "required"),
            (a.multivalued, "multi-valued"),
            (a.primary_key, "primary key"),
            (a.filterable, "filterable"),
            (a.unique, "unique"),
        ] {
            if on {
                flags.push(flag.to_owned());
            }
        }
        if let Some(n) = a.max_length {
            flags.push(format!("max {n}"));
        }
        let line = format!(
            "  {:<72} {:<10} {}",
            a.name,
            a.base.as_str(),
            flags.join(", ")
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
