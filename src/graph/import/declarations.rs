//! The attribute declarations an imported file needs: target attributes the profile lacks or
//! that differ from it, and source attributes Entra's built-in schema lacks, with a note for
//! everything a declaration cannot say. `file_writer.rs` writes them.

use super::ImportNote;
use crate::expr::source::{entra_id, ByObject, ObjectKind};
use crate::expr::types::Base;
use crate::graph::file_writer::DeclarationOut;
use crate::graph::model::{
    metadata_value, AttributeDefinition, DirectoryDefinition, ObjectDefinition,
};
use crate::graph::{CUSTOMER_DEFINED, MAXIMUM_LENGTH};
use crate::model::profile::{ReferencedObject, TargetSchema};

/// Target attributes the profile lacks, or that the document marks as customer-defined, or that
/// differ from the profile's, as YAML list entries.
pub(super) fn target_additions(
    object: &ObjectDefinition,
    profile: &TargetSchema,
    kind: ObjectKind,
    notes: &mut Vec<ImportNote>,
) -> Vec<DeclarationOut> {
    let mut out = Vec::new();
    let at = |name: &str| format!("{} attribute \"{}\"", object.name, name);
    for a in &object.attributes {
        let base = graph_base(a);
        let referenced = a.referenced_objects.first().and_then(|r| {
            let name = r.referenced_object_name.rsplit(':').next().unwrap_or_default();
            match name {
                "Group" => Some(ReferencedObject::Group),
                "User" => Some(ReferencedObject::User),
                _ => {
                    notes.push(ImportNote {
                        at: at(&a.name),
                        message: format!(
                            "referenced object `{}` cannot be written in `target_attributes` (only User or Group); not kept",
                            r.referenced_object_name
                        ),
                    });
                    None
                }
            }
        });
        let customer = metadata_value(&a.metadata, CUSTOMER_DEFINED) == Some("true");
        let same = profile.get(&a.name).is_some_and(|p| {
            p.base == base
                && p.required == a.required
                && p.multivalued == a.multivalued
                && p.case_exact == a.case_exact
                && p.primary_key == a.anchor
        });
        for m in &a.metadata {
            if m.key != CUSTOMER_DEFINED && m.key != MAXIMUM_LENGTH && m.key != "IsContainer" {
                notes.push(ImportNote {
                    at: at(&a.name),
                    message: format!("metadata `{}` is not kept", m.key),
                });
            }
        }
        if !a.api_expressions.is_empty() {
            notes.push(ImportNote {
                at: at(&a.name),
                message: "API expressions are not kept".to_owned(),
            });
        }
        if a.mutability.as_deref().is_some_and(|m| m != "ReadWrite") && !same {
            notes.push(ImportNote {
                at: at(&a.name),
                message: format!(
                    "mutability `{}` cannot be written in `target_attributes`",
                    a.mutability.as_deref().unwrap_or_default()
                ),
            });
        }
        if same && !customer {
            continue;
        }
        let entry = DeclarationOut {
            name: a.name.clone(),
            base,
            required: a.required,
            multivalued: a.multivalued,
            case_exact: a.case_exact,
            primary_key: a.anchor,
            referenced: referenced.filter(|_| base == Base::Reference),
        };
        out.push(entry);
    }
    let missing: Vec<&str> = profile
        .names()
        .filter(|n| !object.attributes.iter().any(|a| a.name == *n))
        .collect();
    if !missing.is_empty() {
        notes.push(ImportNote {
            at: object.name.clone(),
            message: format!(
                "{} {} attribute(s) of the target profile are not in the document's attribute list (a mapping file cannot remove profile attributes): {}",
                missing.len(),
                kind.as_str(),
                missing.join(", ")
            ),
        });
    }
    out
}

fn graph_base(a: &AttributeDefinition) -> Base {
    a.kind
        .as_deref()
        .and_then(Base::parse)
        .unwrap_or(Base::String)
}

/// Source attributes Entra's built-in schema lacks (directory extensions and the like).
pub(super) fn source_additions(
    entra: &DirectoryDefinition,
    notes: &mut Vec<ImportNote>,
) -> ByObject<Vec<DeclarationOut>> {
    let mut out: ByObject<Vec<DeclarationOut>> = ByObject::default();
    for object in &entra.objects {
        let kind = match object.name.as_str() {
            "User" => ObjectKind::User,
            "Group" => ObjectKind::Group,
            other => {
                notes.push(ImportNote {
                    at: format!("{} object \"{other}\"", entra.name),
                    message: "only the User and Group objects of Microsoft Entra ID are read"
                        .to_owned(),
                });
                continue;
            }
        };
        let built_in = entra_id().of(kind);
        for a in &object.attributes {
            if built_in.get(&a.name).is_some() {
                continue;
            }
            let entry = DeclarationOut {
                name: a.name.clone(),
                base: graph_base(a),
                required: false,
                multivalued: a.multivalued,
                case_exact: false,
                primary_key: false,
                referenced: None,
            };
            out.of_mut(kind).push(entry);
        }
    }
    out
}
