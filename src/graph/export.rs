//! `entramap export`: the Graph `synchronizationSchema` document of a mapping file, with the
//! rule from Microsoft Entra ID to the SCIM app, the user and group object mappings, and both
//! directories (Entra's attributes plus `source_attributes`; the profile's attributes plus
//! `target_attributes`). Expressions become Graph's source trees.

use super::model::{
    AttributeDefinition, AttributeMapping, AttributeMappingSource, DirectoryDefinition, Filter,
    FilterClause, FilterGroup, FilterOperand, KeyValue, ObjectDefinition, ObjectMapping,
    ReferencedObjectDefinition, SourceKind, SourceParameter, SynchronizationRule,
    SynchronizationSchema,
};
use super::{
    object_kind, object_mapping_name, ENTRA_DIRECTORY_ID, ENTRA_DIRECTORY_NAMES, MAXIMUM_LENGTH,
    SCIM_DIRECTORY_ID, SCIM_DIRECTORY_NAME, SCIM_GROUP_OBJECT, SCIM_RULE_ID, SCIM_RULE_NAME,
    SCIM_USER_OBJECT, SCOPING_FILTER_TITLE,
};
use crate::expr::catalogue;
use crate::expr::source::{ObjectKind, SourceAttribute};
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{print, Arg, Expr, ExprKind};
use crate::expr::types::Base;
use crate::model::profile::{Mutability, ReferencedObject, TargetAttribute};
use crate::model::Prepared;
use crate::model::{Apply, MappingKind, Scope};
use serde_json::Map;
use std::collections::HashMap;

/// Export settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportOptions {
    /// The name of the Entra source directory: `Microsoft Entra ID` (newer tenants) or
    /// `Azure Active Directory` (older ones); it must match the job's. `None`: the base
    /// schema's, else `Microsoft Entra ID`.
    pub source_directory_name: Option<String>,
    /// The job's schema as the tenant gives it (`GET .../jobs/{id}/schema`): the mapping is
    /// merged into it, keeping what the server owns (ids, version, rule, object-mapping and
    /// object metadata, `supportedApis`, other rules and objects). `None`: the non-gallery SCIM
    /// template is written.
    pub base: Option<SynchronizationSchema>,
}

/// Why a mapping cannot be merged into a base schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The base schema has no rule from Microsoft Entra ID with a user or group object mapping.
    NoRule,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::NoRule => f.write_str(
                "the base schema has no synchronization rule from Microsoft Entra ID with a User or Group object mapping",
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// The name of the Entra directory when neither the options nor a base schema give one.
pub const DEFAULT_SOURCE_DIRECTORY: &str = "Microsoft Entra ID";

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

/// Exports a prepared mapping file: the non-gallery SCIM template, or, with
/// [`ExportOptions::base`], the base schema with the mapping merged in.
pub fn export(prepared: &Prepared, options: &ExportOptions) -> Result<Exported, ExportError> {
    match &options.base {
        None => Ok(template(prepared, options)),
        Some(base) => merge(prepared, options, base),
    }
}

/// The non-gallery SCIM template with the mapping, its target directory named by the file's
/// `target_directory:`, else by the gallery profile's, else `customappsso`.
fn template(prepared: &Prepared, options: &ExportOptions) -> Exported {
    let file = &prepared.file;
    let source_directory = options
        .source_directory_name
        .clone()
        .unwrap_or_else(|| DEFAULT_SOURCE_DIRECTORY.to_owned());
    let gallery_directory = prepared
        .profile
        .gallery
        .as_ref()
        .and_then(|g| g.target_directory.as_deref());
    let target_directory = file
        .target_directory
        .as_ref()
        .map(|d| d.value.as_str())
        .or(gallery_directory)
        .unwrap_or(SCIM_DIRECTORY_NAME)
        .to_owned();
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
                            // A unary clause (IS TRUE, IS NULL, ...) has no operand: `null`, as
                            // the service stores it (real Cloud Sync rule metadata).
                            target_operand: c.value.as_ref().map(|v| FilterOperand {
                                values: vec![v.value.clone()],
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
        source_directory_name: source_directory.clone(),
        target_directory_name: target_directory.clone(),
        metadata: Vec::new(),
        object_mappings,
        extra: Map::new(),
    };
    let entra = DirectoryDefinition {
        id: Some(ENTRA_DIRECTORY_ID.to_owned()),
        name: source_directory,
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
                        .map(|a| source_definition(kind, a, declared.contains(&a.name.as_str())))
                        .collect(),
                    ..ObjectDefinition::default()
                }
            })
            .collect(),
        ..DirectoryDefinition::default()
    };
    let scim = DirectoryDefinition {
        id: Some(SCIM_DIRECTORY_ID.to_owned()),
        name: target_directory,
        read_only: Some(false),
        discoverabilities: Some("None".to_owned()),
        objects: ObjectKind::ALL
            .into_iter()
            .map(|kind| ObjectDefinition {
                name: scim_object(kind).to_owned(),
                attributes: prepared
                    .targets(kind)
                    .attributes()
                    .iter()
                    .map(target_definition)
                    .collect(),
                ..ObjectDefinition::default()
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

/// Entra's User and Group attribute definitions as the service writes them
/// (`schemas/source/entra-id-graph-definitions.json`, from a real job schema).
fn entra_definitions() -> &'static [ObjectDefinition] {
    #[derive(serde::Deserialize)]
    struct Definitions {
        objects: Vec<ObjectDefinition>,
    }
    static DEFINITIONS: std::sync::OnceLock<Vec<ObjectDefinition>> = std::sync::OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        serde_json::from_str::<Definitions>(include_str!(
            "../../schemas/source/entra-id-graph-definitions.json"
        ))
        .map(|d| d.objects)
        .unwrap_or_default()
    })
}

/// The definition of a source attribute: the service's own for Entra's built-in ones (with
/// their `required` flags, references, `IsContainer` and complex object definitions), else one
/// built from the declaration, as the service writes an added attribute (no
/// `IsCustomerDefined` metadata).
fn source_definition(kind: ObjectKind, a: &SourceAttribute, declared: bool) -> AttributeDefinition {
    let real = entra_definitions()
        .iter()
        .find(|o| o.name == kind.title())
        .and_then(|o| o.attributes.iter().find(|d| d.name == a.name));
    match real {
        Some(real) if !declared => real.clone(),
        _ => AttributeDefinition {
            anchor: a.name == "objectId",
            multivalued: a.multivalued,
            mutability: Some("ReadWrite".to_owned()),
            name: a.name.clone(),
            kind: Some(graph_type(a.base).to_owned()),
            ..AttributeDefinition::default()
        },
    }
}

/// The definition of a target attribute (no `IsCustomerDefined` metadata: real bodies of added
/// attributes carry none).
fn target_definition(a: &TargetAttribute) -> AttributeDefinition {
    let mut metadata = Vec::new();
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
        MappingKind::Direct(name) => attribute(&name.value),
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
                kind: SourceKind::Function,
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
        kind: SourceKind::Attribute,
        parameters: Vec::new(),
        extra: Map::new(),
    }
}

fn constant(name: &str, expression: String) -> AttributeMappingSource {
    AttributeMappingSource {
        expression: Some(expression),
        name: Some(name.to_owned()),
        kind: SourceKind::Constant,
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
            // Arguments bind to keys by count (FormatDateTime's three- and four-argument forms),
            // whatever the context; a call the catalogue cannot bind keeps its text and no tree
            // (lint reports it, and `entramap export` refuses files with lint errors).
            let function = catalogue::lookup_any_context(&call.name, call.args.len())
                .filter(|f| f.accepts_count(call.args.len()));
            let parameters = match function {
                Some(function) => call
                    .args
                    .iter()
                    .enumerate()
                    .filter_map(|(i, arg)| {
                        let Arg::Value(value) = arg else {
                            return None;
                        };
                        Some(SourceParameter {
                            key: function.param_for(i)?.key.to_owned(),
                            value: expression_source(value),
                        })
                    })
                    .collect(),
                None => Vec::new(),
            };
            AttributeMappingSource {
                expression: Some(print(expr)),
                name: Some(call.name.clone()),
                kind: SourceKind::Function,
                parameters,
                extra: Map::new(),
            }
        }
        ExprKind::Comparison { lhs, op, rhs, .. } => AttributeMappingSource {
            expression: Some(print(expr)),
            name: Some(op.as_str().to_owned()),
            kind: SourceKind::Function,
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

/// The file's attribute mappings, each keeping what the mapping file does not express from the
/// base's mapping of the same target (the first one not yet taken): `flowBehavior`,
/// `exportMissingReferences` and properties entramap does not model, so that a PUT of the
/// merged schema changes only what the file says.
fn keep_unexpressed(
    ours: &[AttributeMapping],
    theirs: Vec<AttributeMapping>,
) -> Vec<AttributeMapping> {
    let mut by_target: HashMap<String, Vec<AttributeMapping>> = HashMap::new();
    for m in theirs.into_iter().rev() {
        by_target
            .entry(m.target_attribute_name.to_ascii_lowercase())
            .or_default()
            .push(m);
    }
    ours.iter()
        .map(|mine| {
            let mut merged = mine.clone();
            let base = by_target
                .get_mut(&mine.target_attribute_name.to_ascii_lowercase())
                .and_then(Vec::pop);
            if let Some(base) = base {
                if base.flow_behavior.is_some() {
                    merged.flow_behavior = base.flow_behavior;
                }
                if base.export_missing_references.is_some() {
                    merged.export_missing_references = base.export_missing_references;
                }
                for (key, value) in base.extra {
                    merged.extra.entry(key).or_insert(value);
                }
            }
            merged
        })
        .collect()
}

/// The base schema with the mapping merged in: in the rule from Microsoft Entra ID, the user and
/// group object mappings of the file replace the base's attribute mappings, scope and `enabled`
/// (keeping the base's name, metadata, flow types and target object, and of each attribute mapping
/// what the file does not express: see [`keep_unexpressed`]); declared source and target
/// attributes the base's directories lack are added. Everything else is the base's.
fn merge(
    prepared: &Prepared,
    options: &ExportOptions,
    base: &SynchronizationSchema,
) -> Result<Exported, ExportError> {
    let mut schema = base.clone();
    let entra_names: Vec<String> = schema
        .directories
        .iter()
        .filter(|d| d.id.as_deref() == Some(ENTRA_DIRECTORY_ID))
        .map(|d| d.name.clone())
        .chain(ENTRA_DIRECTORY_NAMES.iter().map(|n| (*n).to_owned()))
        .chain(options.source_directory_name.clone())
        .collect();
    let rule_index = schema
        .synchronization_rules
        .iter()
        .position(|r| {
            (entra_names.contains(&r.source_directory_name) || r.source_directory_name.is_empty())
                && r.object_mappings.iter().any(|m| object_kind(m).is_some())
        })
        .ok_or(ExportError::NoRule)?;
    let mine = template(
        prepared,
        &ExportOptions {
            source_directory_name: None,
            base: None,
        },
    );
    let mut notes: Vec<String> = mine
        .notes
        .into_iter()
        .filter(|n| !n.contains("a PUT of this schema removes it"))
        .collect();
    let my_rule = &mine.schema.synchronization_rules[0];
    let rule = &mut schema.synchronization_rules[rule_index];
    let target_directory = rule.target_directory_name.clone();
    let source_directory = rule.source_directory_name.clone();
    let mut target_objects: Vec<(String, ObjectKind)> = Vec::new();
    for kind in ObjectKind::ALL {
        let Some(ours) = my_rule
            .object_mappings
            .iter()
            .find(|m| m.source_object_name == kind.title())
        else {
            continue;
        };
        match rule
            .object_mappings
            .iter_mut()
            .find(|m| object_kind(m) == Some(kind))
        {
            Some(theirs) => {
                theirs.attribute_mappings = keep_unexpressed(
                    &ours.attribute_mappings,
                    std::mem::take(&mut theirs.attribute_mappings),
                );
                theirs.scope = ours.scope.clone();
                theirs.enabled = ours.enabled;
                target_objects.push((theirs.target_object_name.clone(), kind));
            }
            None => {
                notes.push(format!(
                    "the base schema has no {} object mapping; the file's is added",
                    kind.as_str()
                ));
                target_objects.push((ours.target_object_name.clone(), kind));
                rule.object_mappings.push(ours.clone());
            }
        }
    }
    let file = &prepared.file;
    let mine_dirs = &mine.schema.directories;
    for directory in &mut schema.directories {
        let is_source = directory.name == source_directory;
        let is_target = directory.name == target_directory;
        if !is_source && !is_target {
            continue;
        }
        for kind in ObjectKind::ALL {
            // The object in the base, what the file declares for it, and where the template
            // defines those attributes: Entra's directory names its objects `User`/`Group`, the
            // SCIM directory by their SCIM names.
            let (object_name, declared, mine_dir, my_name): (String, Vec<&str>, usize, &str) =
                if is_source {
                    (
                        kind.title().to_owned(),
                        file.source_attributes
                            .of(kind)
                            .iter()
                            .map(|d| d.attribute.name.as_str())
                            .collect(),
                        0,
                        kind.title(),
                    )
                } else {
                    let Some((name, _)) = target_objects.iter().find(|(_, k)| *k == kind) else {
                        continue;
                    };
                    (
                        name.clone(),
                        file.target_attributes
                            .of(kind)
                            .iter()
                            .map(|d| d.attribute.name.as_str())
                            .collect(),
                        1,
                        scim_object(kind),
                    )
                };
            let Some(object) = directory.objects.iter_mut().find(|o| o.name == object_name) else {
                continue;
            };
            let Some(my_object) = mine_dirs[mine_dir]
                .objects
                .iter()
                .find(|o| o.name == my_name)
            else {
                continue;
            };
            for name in declared {
                if object.attributes.iter().any(|a| a.name == name) {
                    continue;
                }
                if let Some(definition) = my_object.attributes.iter().find(|a| a.name == name) {
                    object.attributes.push(definition.clone());
                }
            }
        }
    }
    Ok(Exported { schema, notes })
}
