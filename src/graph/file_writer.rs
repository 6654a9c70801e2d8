//! The mapping file `import` writes: the YAML text of an imported schema, every scalar written by
//! the one YAML scalar writer ([`crate::base::yaml`]).

use crate::base::yaml::{flow_scalar, scalar};
use crate::expr::source::{ByObject, ObjectKind};
use crate::expr::types::Base;
use crate::model::profile::ReferencedObject;
use std::fmt::Write as _;

/// One entry of `source_attributes` or `target_attributes`, as the file will say it.
#[derive(Debug)]
pub(super) struct DeclarationOut {
    pub(super) name: String,
    pub(super) base: Base,
    pub(super) required: bool,
    pub(super) multivalued: bool,
    pub(super) case_exact: bool,
    pub(super) primary_key: bool,
    /// Written for a reference attribute only.
    pub(super) referenced: Option<ReferencedObject>,
}

/// Writes one declaration as a YAML list entry under `  users:` or `  groups:`.
fn write_declaration(out: &mut String, d: &DeclarationOut) {
    let _ = write!(
        out,
        "    - name: {}\n      type: {}\n",
        scalar(&d.name),
        d.base.as_str()
    );
    for (on, key) in [
        (d.required, "required"),
        (d.multivalued, "multivalued"),
        (d.case_exact, "case_exact"),
        (d.primary_key, "primary_key"),
    ] {
        if on {
            let _ = writeln!(out, "      {key}: true");
        }
    }
    if let Some(r) = d.referenced {
        let _ = writeln!(
            out,
            "      referenced_object: {}",
            match r {
                ReferencedObject::User => "User",
                ReferencedObject::Group => "Group",
            }
        );
    }
}

/// A mapping of one object, as the file will say it.
pub(super) struct ObjectOut {
    pub(super) enabled: bool,
    pub(super) scoping: Vec<Vec<(String, String, Option<String>)>>,
    pub(super) mappings: Vec<MappingOut>,
}

pub(super) struct MappingOut {
    pub(super) target: String,
    pub(super) key: &'static str,
    pub(super) value: String,
    pub(super) precedence: i64,
    pub(super) on_create: bool,
    pub(super) default: Option<String>,
}

/// The mapping file text: modeline, header, `source_attributes`, `target_attributes`, then the
/// user and group mappings, every scalar through [`crate::base::yaml`].
pub(super) fn write_yaml(
    schema_ref: &str,
    app: &str,
    target: &str,
    directory: Option<&str>,
    source_attributes: &ByObject<Vec<DeclarationOut>>,
    target_attributes: &ByObject<Vec<DeclarationOut>>,
    objects: &ByObject<Option<ObjectOut>>,
) -> String {
    let mut out = format!(
        "# yaml-language-server: $schema={}\n#\n# Imported by entramap from a Microsoft Graph synchronization schema.\nentramap: 1\napp: {}\ntarget: {}\n",
        schema_ref,
        scalar(app),
        scalar(target)
    );
    if let Some(directory) = directory {
        let _ = writeln!(out, "target_directory: {}", scalar(directory));
    }
    for (key, lists) in [
        ("source_attributes", source_attributes),
        ("target_attributes", target_attributes),
    ] {
        if lists.iter().all(|(_, list)| list.is_empty()) {
            continue;
        }
        let _ = write!(out, "\n{key}:\n");
        for kind in ObjectKind::ALL {
            let entries = lists.of(kind);
            if !entries.is_empty() {
                let _ = writeln!(out, "  {}:", kind.plural());
                for e in entries {
                    write_declaration(&mut out, e);
                }
            }
        }
    }
    for kind in ObjectKind::ALL {
        let Some(object) = objects.of(kind) else {
            continue;
        };
        let _ = write!(out, "\n{}:\n", kind.plural());
        let simple = object.enabled && object.scoping.is_empty();
        let indent = if simple { "" } else { "  " };
        if !simple {
            if !object.enabled {
                out.push_str("  enabled: false\n");
            }
            if !object.scoping.is_empty() {
                out.push_str("  scoping:\n");
                for group in &object.scoping {
                    let mut first = true;
                    for (attribute, operator, value) in group {
                        let lead = if first { "    - - " } else { "      - " };
                        first = false;
                        let _ = write!(
                            out,
                            "{lead}{{attribute: {}, operator: {}",
                            flow_scalar(attribute),
                            flow_scalar(operator)
                        );
                        if let Some(v) = value {
                            let _ = write!(out, ", value: {}", flow_scalar(v));
                        }
                        out.push_str("}\n");
                    }
                    if group.is_empty() {
                        out.push_str("    - []\n");
                    }
                }
            }
            if object.mappings.is_empty() {
                out.push_str("  mappings: []\n");
                continue;
            }
            out.push_str("  mappings:\n");
        } else if object.mappings.is_empty() {
            out.truncate(out.len() - 1);
            out.push_str(" []\n");
            continue;
        }
        for m in &object.mappings {
            let _ = writeln!(out, "{indent}  - target: {}", scalar(&m.target));
            let _ = writeln!(out, "{indent}    {}: {}", m.key, scalar(&m.value));
            if m.precedence > 0 {
                let _ = writeln!(out, "{indent}    matching_precedence: {}", m.precedence);
            }
            if m.on_create {
                let _ = writeln!(out, "{indent}    apply: on-create");
            }
            if let Some(d) = &m.default {
                let _ = writeln!(out, "{indent}    default: {}", scalar(d));
            }
        }
    }
    out
}
