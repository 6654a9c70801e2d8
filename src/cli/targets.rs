//! `entramap targets [NAME | --search WORD]`: the built-in target profiles.

use super::{emit, use_color, Stream, EXIT_OK, EXIT_USAGE};
use entramap::model::catalogue::{self, Entry, Kind};
use entramap::model::profile::{self, ScimVersion, TargetSchema};

/// Arguments of `entramap targets`.
#[derive(Debug, clap::Args)]
pub struct TargetsArgs {
    /// A built-in profile name or a profile file; without it, list the built-in profiles.
    #[arg(conflicts_with = "search")]
    name: Option<String>,
    /// List only the built-in profiles whose name or title contains WORD (any letter case).
    #[arg(long, value_name = "WORD")]
    search: Option<String>,
}

/// Runs `entramap targets`.
pub fn run(args: TargetsArgs) -> u8 {
    if let Some(word) = args.search {
        let found = catalogue::search(&word);
        if found.is_empty() {
            say!("entramap: no built-in profile's name or title contains `{word}`");
            return EXIT_USAGE;
        }
        emit(&listing_of(&found));
        return EXIT_OK;
    }
    let Some(name) = args.name else {
        emit(&listing_of(&catalogue::ENTRIES.iter().collect::<Vec<_>>()));
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

/// A list of built-in profiles (in catalogue order): the generic ones, then the gallery apps,
/// each with its title. Parses no profile.
fn listing_of(entries: &[&Entry]) -> String {
    let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (kind, heading) in [
        (Kind::Generic, "Generic profiles".to_owned()),
        (
            Kind::Gallery,
            format!(
                "Gallery apps ({} from Microsoft's provisioning tutorials; `entramap init --app NAME` writes the starter)",
                entries.iter().filter(|e| e.kind == Kind::Gallery).count()
            ),
        ),
    ] {
        let mut rows = entries.iter().filter(|e| e.kind == kind).peekable();
        if rows.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&heading);
        out.push_str(":\n");
        for e in rows {
            out.push_str(format!("  {:<width$}  {}", e.name, e.title).trim_end());
            out.push('\n');
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
