//! `entramap export`: the Graph `synchronizationSchema` document of a mapping file, with the
//! rule from Microsoft Entra ID to the SCIM app, the user and group object mappings, and both
//! directories (Entra's attributes plus `source_attributes`; the profile's attributes plus
//! `target_attributes`). Expressions become Graph's source trees.

use super::model::{
    AttributeDefinition, AttributeMapping, AttributeMappingSource, DirectoryDefinition, Filter,
    FilterClause, FilterGroup, FilterOperand, KeyValue, ObjectDefinition, ObjectMapping,
    ReferencedObjectDefinition, SourceParameter, SynchronizationRule, SynchronizationSchema,
};
use super::{
    object_mapping_name, CUSTOMER_DEFINED, ENTRA_DIRECTORY_ID, MAXIMUM_LENGTH, PARAMETER_ALIASES,
    SCIM_DIRECTORY_ID, SCIM_DIRECTORY_NAME, SCIM_GROUP_OBJECT, SCIM_RULE_ID, SCIM_RULE_NAME,
    SCIM_USER_OBJECT, SCOPING_FILTER_TITLE,
};
use crate::expr::catalogue::{self, Context};
use crate::expr::source::{ObjectKind, SourceAttribute};
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{print, Arg, Expr, ExprKind};
use crate::expr::types::Base;
use crate::model::profile::{Mutability, ReferencedObject, TargetAttribute};
use crate::model::Prepared;
use crate::model::{Apply, MappingKind, Scope};
use serde_json::Map;

/// Export settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The name of the Entra source directory: `Microsoft Entra ID` (newer tenants) or
    /// `Azure Active Directory` (older ones); it must match the job's.
    pub source_directory_name: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            source_directory_name: "Microsoft Entra ID".to_owned(),
        }
    }
}

/// The exported document and what the schema cannot carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The document.
    pub schema: SynchronizationSchema,
    /// Parts of the mapping file the schema has no place for (scope, notes, ...).
    pub notes: Vec<String>,
}

impl Exported {
    /// The document as pretty JSON, with a final newline.
    pub fn to_json(&self) -> String {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&self.schema).unwrap_or_default()
        )
    }
}

/// Exports a prepared mapping file.
pub fn export(prepared: &Prepared, options: &ExportOptions) -> Exported {
    let file = &prepared.file;
    let mut notes = Vec::new();
    if file.scope() == Scope::All {
        notes.push("`scope: all` is a job setting (Provisioning > Settings > Scope: Sync all users and groups), not part of the schema; set it in the portal".to_owned());
    }
    let mut object_mappings = Vec::new();
    for kind in ObjectKind::ALL {
        let mapping = file.object(kind);
        if !mapping.present {
            notes.push(format!(
                "the file has no `{}`: the schema has no {} object mapping (a PUT of this schema removes it)",
                kind.plural(),
                kind.as_str()
            ));
            continue;
        }
        let mut attribute_mappings = Vec::new();
        for m in &mapping.mappings {
            if m.note.is_some() {
                notes.push(format!(
                    "the note of `{}` ({}) is documentation only; the schema does not carry it",
                    m.target.value,
                    kind.plural()
                ));
            }
            let Some(value) = &m.kind else {
                continue;
            };
            attribute_mappings.push(AttributeMapping {
                default_value: m.default.as_ref().map(|d| d.value.clone()),
                export_missing_references: Some(false),
                flow_behavior: Some("FlowWhenChanged".to_owned()),
                flow_type: Some(
                    match m.apply.value {
                        Apply::Always => "Always",
                        Apply::OnCreate => "ObjectAddOnly",
                    }
                    .to_owned(),
                ),
                matching_priority: m.matching_precedence.as_ref().map_or(0, |p| p.value),
                source: Some(mapping_source(value)),
                target_attribute_name: m.target.value.clone(),
                extra: Map::new(),
            });
        }
        let scope = (!mapping.scoping.is_empty()).then(|| Filter {
            groups: mapping
                .scoping
                .iter()
                .enumerate()
                .map(|(i, clauses)| FilterGroup {
                    name: Some(format!("{SCOPING_FILTER_TITLE} {}", i + 1)),
                    clauses: clauses
                        .iter()
                        .map(|c| FilterClause {
                            source_operand_name: c.attribute.value.clone(),
                            operator_name: c.operator.value.clone(),
                            target_operand: Some(FilterOperand {
                                values: c.value.iter().map(|v| v.value.clone()).collect(),
                                extra: Map::new(),
                            }),
                            extra: Map::new(),
                        })
                        .collect(),
                    extra: Map::new(),
                })
                .collect(),
            ..Filter::default()
        });
        object_mappings.push(ObjectMapping {
            name: Some(object_mapping_name(kind).to_owned()),
            enabled: mapping.enabled,
            flow_types: Some("Add, Update, Delete".to_owned()),
            scope,
            source_object_name: kind.title().to_owned(),
            target_object_name: scim_object(kind).to_owned(),
            metadata: Vec::new(),
            attribute_mappings,
            extra: Map::new(),
        });
    }
    let rule = SynchronizationRule {
        id: Some(SCIM_RULE_ID.to_owned()),
        name: Some(SCIM_RULE_NAME.to_owned()),
        priority: Some(1),
        editable: Some(true),
        source_directory_name: options.source_directory_name.clone(),
        target_directory_name: SCIM_DIRECTORY_NAME.to_owned(),
        metadata: Vec::new(),
        object_mappings,
        extra: Map::new(),
    };
    let entra = DirectoryDefinition {
        id: Some(ENTRA_DIRECTORY_ID.to_owned()),
        name: options.source_directory_name.clone(),
        read_only: Some(true),
        discoverabilities: Some("AttributeNames, AttributeDataTypes".to_owned()),
        objects: ObjectKind::ALL
            .into_iter()
            .map(|kind| {
                let declared: Vec<&str> = file
                    .source_attributes
                    .of(kind)
                    .iter()
                    .map(|d| d.attribute.name.as_str())
                    .collect();
                ObjectDefinition {
                    name: kind.title().to_owned(),
                    attributes: prepared
                        .sources(kind)
                        .attributes()
                        .iter()
                        .map(|a| source_definition(a, declared.contains(&a.name.as_str())))
                        .collect(),
                    ..ObjectDefinition::default()
                }
            })
            .collect(),
        ..DirectoryDefinition::default()
    };
    let scim = DirectoryDefinition {
        id: Some(SCIM_DIRECTORY_ID.to_owned()),
        name: SCIM_DIRECTORY_NAME.to_owned(),
        read_only: Some(false),
        discoverabilities: Some("None".to_owned()),
        objects: ObjectKind::ALL
            .into_iter()
            .map(|kind| {
                let declared: Vec<&str> = file
                    .target_attributes
                    .of(kind)
                    .iter()
                    .map(|d| d.attribute.name.as_str())
                    .collect();
                ObjectDefinition {
                    name: scim_object(kind).to_owned(),
                    attributes: prepared
                        .targets(kind)
                        .attributes()
                        .iter()
                        .map(|a| target_definition(a, declared.contains(&a.name.as_str())))
                        .collect(),
                    ..ObjectDefinition::default()
                }
            })
            .collect(),
        ..DirectoryDefinition::default()
    };
    Exported {
        schema: SynchronizationSchema {
            synchronization_rules: vec![rule],
            directories: vec![entra, scim],
            ..SynchronizationSchema::default()
        },
        notes,
    }
}

/// The SCIM target object name of a kind.
pub fn scim_object(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::User => SCIM_USER_OBJECT,
        ObjectKind::Group => SCIM_GROUP_OBJECT,
    }
}

fn graph_type(base: Base) -> &'static str {
    match base {
        Base::Roles | Base::Any => "String",
        other => other.as_str(),
    }
}

fn customer_defined(declared: bool) -> Vec<KeyValue> {
    if declared {
        vec![KeyValue::new(CUSTOMER_DEFINED, "true")]
    } else {
        Vec::new()
    }
}

fn source_definition(a: &SourceAttribute, declared: bool) -> AttributeDefinition {
    AttributeDefinition {
        anchor: a.name == "objectId",
        multivalued: a.multivalued,
        mutability: Some("ReadWrite".to_owned()),
        name: a.name.clone(),
        kind: Some(graph_type(a.base).to_owned()),
        metadata: customer_defined(declared),
        ..AttributeDefinition::default()
    }
}

fn target_definition(a: &TargetAttribute, declared: bool) -> AttributeDefinition {
    let mut metadata = customer_defined(declared);
    if let Some(max) = a.max_length {
        metadata.push(KeyValue::new(MAXIMUM_LENGTH, &max.to_string()));
    }
    AttributeDefinition {
        anchor: a.primary_key,
        case_exact: a.case_exact,
        multivalued: a.multivalued,
        mutability: Some(
            match a.mutability {
                Mutability::ReadWrite => "ReadWrite",
                Mutability::ReadOnly => "ReadOnly",
                Mutability::Immutable => "Immutable",
                Mutability::WriteOnly => "WriteOnly",
            }
            .to_owned(),
        ),
        name: a.name.clone(),
        required: a.required,
        kind: Some(graph_type(a.base).to_owned()),
        metadata,
        referenced_objects: a
            .referenced_object
            .map(|r| ReferencedObjectDefinition {
                referenced_object_name: match r {
                    ReferencedObject::User => SCIM_USER_OBJECT,
                    ReferencedObject::Group => SCIM_GROUP_OBJECT,
                }
                .to_owned(),
                ..ReferencedObjectDefinition::default()
            })
            .into_iter()
            .collect(),
        ..AttributeDefinition::default()
    }
}

/// The Graph source tree of a mapping's value.
pub fn mapping_source(kind: &MappingKind) -> AttributeMappingSource {
    match kind {
        MappingKind::Source(name) => attribute(&name.value),
        MappingKind::Constant(value) => constant(
            &value.value,
            format!(
                "\"{}\"",
                crate::expr::syntax::ast::encode_string(&value.value)
            ),
        ),
        MappingKind::Expression {
            expr: Some(expr), ..
        } => expression_source(expr),
        MappingKind::Expression { text, expr: None } => {
            let text = text.value.trim();
            AttributeMappingSource {
                expression: Some(text.to_owned()),
                name: Some(text.split('(').next().unwrap_or_default().trim().to_owned()),
                kind: "Function".to_owned(),
                parameters: Vec::new(),
                extra: Map::new(),
            }
        }
    }
}

fn attribute(name: &str) -> AttributeMappingSource {
    AttributeMappingSource {
        expression: Some(format!("[{name}]")),
        name: Some(name.to_owned()),
        kind: "Attribute".to_owned(),
        parameters: Vec::new(),
        extra: Map::new(),
    }
}

fn constant(name: &str, expression: String) -> AttributeMappingSource {
    AttributeMappingSource {
        expression: Some(expression),
        name: Some(name.to_owned()),
        kind: "Constant".to_owned(),
        parameters: Vec::new(),
        extra: Map::new(),
    }
}

/// The Graph source tree of an expression: attributes, constants (numbers as string constants,
/// as the service stores them) and functions with parameters keyed by name.
pub fn expression_source(expr: &Expr) -> AttributeMappingSource {
    match &expr.kind {
        ExprKind::Attribute(name) => attribute(name),
        ExprKind::Str(raw) => constant(&decode_string(raw), format!("\"{raw}\"")),
        ExprKind::Number(digits) => constant(digits, format!("\"{digits}\"")),
        ExprKind::Hex(_) | ExprKind::Parameter(_) | ExprKind::Identifier(_) => {
            let text = print(expr);
            constant(&text.clone(), text)
        }
        ExprKind::Call(call) => {
            let function = catalogue::lookup(&call.name, Context::AppProvisioning);
            let parameters = call
                .args
                .iter()
                .enumerate()
                .filter_map(|(i, arg)| {
                    let Arg::Value(value) = arg else {
                        return None;
                    };
                    let key = match function.and_then(|f| f.param_for(i)) {
                        Some(param) => graph_parameter_name(&call.name, param.name).to_owned(),
                        None => format!("arg{}", i + 1),
                    };
                    Some(SourceParameter {
                        key,
                        value: expression_source(value),
                    })
                })
                .collect();
            AttributeMappingSource {
                expression: Some(print(expr)),
                name: Some(call.name.clone()),
                kind: "Function".to_owned(),
                parameters,
                extra: Map::new(),
            }
        }
        ExprKind::Comparison { lhs, op, rhs, .. } => AttributeMappingSource {
            expression: Some(print(expr)),
            name: Some(op.as_str().to_owned()),
            kind: "Function".to_owned(),
            parameters: vec![
                SourceParameter {
                    key: "left".to_owned(),
                    value: expression_source(lhs),
                },
                SourceParameter {
                    key: "right".to_owned(),
                    value: expression_source(rhs),
                },
            ],
            extra: Map::new(),
        },
    }
}

/// Graph's name for a parameter of `function` (the reference name unless Graph renames it).
pub fn graph_parameter_name<'a>(function: &str, param: &'a str) -> &'a str {
    PARAMETER_ALIASES
        .iter()
        .find(|(f, p, _)| *f == function && *p == param)
        .map_or(param, |(_, _, graph)| graph)
}
