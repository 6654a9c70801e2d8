//! `entramap targets [NAME]`: the built-in target profiles.

use super::{emit, use_color, Stream, EXIT_OK, EXIT_USAGE};
use entramap::model::profile::{self, ScimVersion, TargetSchema};

/// Arguments of `entramap targets`.
#[derive(Debug, clap::Args)]
pub struct TargetsArgs {
    /// A built-in profile name or a profile file; without it, list the built-in profiles.
    name: Option<String>,
}

/// Runs `entramap targets`.
pub fn run(args: TargetsArgs) -> u8 {
    let Some(name) = args.name else {
        emit(&catalogue());
        return EXIT_OK;
    };
    match profile::load(&name, None) {
        Ok(p) => {
            let mut out = format!(
                "{}{}\n",
                p.name,
                p.title
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            );
            if let Some(source) = &p.source {
                out.push_str(&format!(
                    "source: {}{}\n",
                    source.url(),
                    source
                        .date
                        .as_ref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ));
            }
            if let Some(job) = &p.gallery {
                for (what, value) in [
                    ("template", &job.template_id),
                    ("target directory", &job.target_directory),
                ] {
                    if let Some(value) = value {
                        out.push_str(&format!("gallery job {what}: {value}\n"));
                    }
                }
            }
            if p.scim_version == ScimVersion::V1 {
                out.push_str("SCIM 1.1\n");
            }
            if profile::is_gallery(&p.name) {
                out.push_str(&format!(
                    "starter: entramap init --app {} -o {}.entramap.yaml\n",
                    p.name, p.name
                ));
            }
            for (kind, schema) in p.objects.iter() {
                out.push_str(&format!("\n{}:", kind.plural()));
                if let Some(matching) = p.matching(kind) {
                    out.push_str(&format!(" (matching on {matching})"));
                }
                out.push('\n');
                out.push_str(&listing(schema));
            }
            emit(&out);
            EXIT_OK
        }
        Err(e) => {
            match e.report() {
                Some(report) => eprint!(
                    "{}",
                    entramap::diagnostics::report::to_human(&[report], use_color(Stream::Stderr))
                ),
                None => say!("entramap: {e}"),
            }
            EXIT_USAGE
        }
    }
}

/// The list of built-in profiles: the generic ones, then the gallery apps, each with its title.
fn catalogue() -> String {
    let (gallery, generic): (Vec<&str>, Vec<&str>) =
        profile::built_in_names().partition(|n| profile::is_gallery(n));
    let width = profile::built_in_names().map(str::len).max().unwrap_or(0);
    let mut out = String::new();
    for (heading, names) in [
        ("Generic profiles", generic),
        (
            "Gallery apps (from Microsoft's provisioning tutorials; `entramap init --app NAME` writes the starter)",
            gallery,
        ),
    ] {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(heading);
        out.push_str(":\n");
        for name in names {
            let title = profile::built_in(name)
                .ok()
                .and_then(|p| p.title)
                .unwrap_or_default();
            out.push_str(&format!("  {name:<width$}  {title}\n"));
        }
    }
    out
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
            (a.apply == profile::ApplyDefault::OnCreate, "on create"),
        ] {
            if on {
                flags.push(flag.to_owned());
            }
        }
        if let Some(n) = a.max_length {
            flags.push(format!("max {n}"));
        }
        if a.is_complex() {
            let parts: Vec<&str> = a.sub_attributes.iter().map(|s| s.name.as_str()).collect();
            flags.push(format!("complex ({})", parts.join(", ")));
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
