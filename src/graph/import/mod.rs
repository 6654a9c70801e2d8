//! `entramap import`: a Graph synchronization schema (as the portal's schema editor downloads it,
//! or `GET .../synchronization/jobs/{id}/schema` returns it, Microsoft-internal parts and all)
//! to a mapping file. What a mapping file cannot express is reported as an [`ImportNote`], by
//! name; nothing is dropped in silence. Values that look like secret tokens are written as they
//! are (data is never altered) and reported in a note, masked.

mod declarations;
mod tree;

use super::file_writer::{write_yaml, DeclarationOut, MappingOut, ObjectOut};
use super::model::{
    read_schema, AttributeMapping, DocumentError, ObjectDefinition, ObjectMapping, SourceKind,
    SynchronizationSchema,
};
use super::{
    object_kind, object_mapping_name, ENTRA_DIRECTORY_ID, ENTRA_DIRECTORY_NAMES,
    SCIM_DIRECTORY_NAME, SCOPING_FILTER_TITLE,
};
use crate::diagnostics::secrets;
use crate::expr::source::{ByObject, ObjectKind};
use crate::model::profile::{self, ProfileError};
use declarations::{source_additions, target_additions};
use serde::Serialize;
use std::path::Path;
pub use tree::expression_text;
use tree::source_name;

/// Import settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The target profile to name in the file (default: the gallery app whose profile records
    /// the rule's target directory, else `scim-core`); target attributes it lacks become
    /// `target_attributes`.
    pub target: Option<String>,
    /// The application name (default: that gallery app's title, else the target directory's
    /// name, or "Imported app").
    pub app: Option<String>,
    /// The `$schema` reference of the yaml-language-server modeline.
    pub schema_ref: String,
    /// Import even when something that decides who is provisioned cannot be kept (scopes in
    /// `inputFilterGroups` or `categoryFilterGroups`, a clause with several values): it is then
    /// a note. Without it, import fails.
    pub allow_lossy: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            target: None,
            app: None,
            schema_ref: "../schemas/entramap.schema.json".to_owned(),
            allow_lossy: false,
        }
    }
}

/// Something in the document that the mapping file does not carry, or carries differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportNote {
    /// Where it is in the document, such as `users: targetAttributeName "roles"`.
    pub at: String,
    /// What happened to it.
    pub message: String,
}

/// The mapping file and the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The mapping file (YAML, with the yaml-language-server modeline).
    pub yaml: String,
    /// What the file does not express.
    pub notes: Vec<ImportNote>,
}

/// Why a document cannot be imported.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// Not JSON, or not a synchronization schema (with line and column).
    Read(DocumentError),
    /// The document has no rule from Microsoft Entra ID.
    NoRule,
    /// The target profile named by the options cannot be loaded.
    Profile(ProfileError),
    /// A source tree that cannot be read (an unknown function or parameter key, a node
    /// without a type).
    Source {
        /// Where it is, such as `users: targetAttributeName "active"`.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// Something that decides who or what is provisioned would be lost (allow it with
    /// [`ImportOptions::allow_lossy`]).
    Lossy {
        /// Where it is.
        at: String,
        /// What would be lost.
        message: String,
    },
    /// The mapping file would be larger than entramap reads.
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Read(e) => write!(f, "{e}"),
            ImportError::NoRule => f.write_str(
                "the schema has no synchronization rule with an object mapping from Microsoft Entra ID users or groups",
            ),
            ImportError::Profile(e) => write!(f, "{e}"),
            ImportError::Source { at, message } => {
                write!(f, "{at}: cannot read the source tree: {message}")
            }
            ImportError::Lossy { at, message } => write!(
                f,
                "{at}: {message}; a mapping file cannot express it (pass --allow-lossy to import without it)"
            ),
            ImportError::TooLarge { bytes } => write!(
                f,
                "the mapping file would be {bytes} bytes; entramap reads mapping files of at most {} bytes",
                crate::model::MAX_FILE_BYTES
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Whether the document's directory `name` is a SCIM service: its objects or attributes carry
/// SCIM names (`userName`, `externalId`, a SCIM schema URN). A directory the document does not
/// describe is taken for one (the non-gallery SCIM template is the default).
fn is_scim_directory(schema: &SynchronizationSchema, name: &str) -> bool {
    let scim = |n: &str| n.starts_with("urn:ietf:params:scim:");
    schema
        .directories
        .iter()
        .find(|d| d.name == name)
        .is_none_or(|d| {
            d.objects.is_empty()
                || d.objects.iter().any(|o| {
                    scim(&o.name)
                        || o.attributes.iter().any(|a| {
                            a.name == "userName" || a.name == "externalId" || scim(&a.name)
                        })
                })
        })
}

/// Imports a synchronization schema's JSON text. `base_dir` resolves a target profile path.
pub fn import_str(
    text: &str,
    options: &ImportOptions,
    base_dir: Option<&Path>,
) -> Result<Imported, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let schema = read_schema(text).map_err(ImportError::Read)?;
    let mut notes = secret_notes(text);
    let yaml = import_schema(&schema, options, base_dir, &mut notes)?;
    if yaml.len() > crate::model::MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: yaml.len() });
    }
    Ok(Imported { yaml, notes })
}

fn secret_notes(text: &str) -> Vec<ImportNote> {
    let source = crate::diagnostics::report::SourceText::new("", text);
    secrets::find(text)
        .into_iter()
        .map(|span| {
            let at = source.position(span.start);
            ImportNote {
                at: format!("line {}, column {}", at.line, at.column),
                message: format!(
                    "a value looks like a secret token ({}); it is written to the mapping file as it is (an import never alters data): replace it there, or keep the file out of version control (`entramap lint` reports it as `secret-token`)",
                    secrets::masked(&text[span.start..span.end])
                ),
            }
        })
        .collect()
}

/// Imports a parsed schema; notes are appended to `notes`.
pub fn import_schema(
    schema: &SynchronizationSchema,
    options: &ImportOptions,
    base_dir: Option<&Path>,
    notes: &mut Vec<ImportNote>,
) -> Result<String, ImportError> {
    let entra = schema
        .directories
        .iter()
        .find(|d| d.id.as_deref() == Some(ENTRA_DIRECTORY_ID))
        .or_else(|| {
            schema
                .directories
                .iter()
                .find(|d| ENTRA_DIRECTORY_NAMES.contains(&d.name.as_str()))
        });
    let is_entra_rule =
        |name: &str| entra.is_some_and(|d| d.name == name) || ENTRA_DIRECTORY_NAMES.contains(&name);
    let rule_index = schema
        .synchronization_rules
        .iter()
        .position(|r| {
            (is_entra_rule(&r.source_directory_name) || r.source_directory_name.is_empty())
                && r.object_mappings.iter().any(|m| object_kind(m).is_some())
        })
        .ok_or(ImportError::NoRule)?;
    let rule = &schema.synchronization_rules[rule_index];
    // A rule writing to a gallery app's directory names that app's profile, unless --target
    // chooses one.
    let gallery = options
        .target
        .is_none()
        .then(|| profile::gallery_for_directory(&rule.target_directory_name))
        .flatten();
    let profile_name = match (&options.target, gallery) {
        (Some(target), _) => target.clone(),
        (None, Some(name)) => {
            notes.push(ImportNote {
                at: "document".to_owned(),
                message: format!(
                    "the target directory `{}` is the gallery app `{name}`: the mapping file names its profile (`--target` chooses another)",
                    rule.target_directory_name
                ),
            });
            name.to_owned()
        }
        (None, None) if !is_scim_directory(schema, &rule.target_directory_name) => {
            notes.push(ImportNote {
                at: "document".to_owned(),
                message: format!(
                    "the target directory `{}` is not a SCIM service and no gallery profile describes it: the mapping file names `{}`, and lint turns off the checks of a SCIM target",
                    rule.target_directory_name,
                    profile::NOT_SCIM_PROFILE
                ),
            });
            profile::NOT_SCIM_PROFILE.to_owned()
        }
        (None, None) => profile::DEFAULT_PROFILE.to_owned(),
    };
    let profile = profile::load(&profile_name, base_dir).map_err(ImportError::Profile)?;
    for (i, other) in schema.synchronization_rules.iter().enumerate() {
        if i != rule_index {
            notes.push(ImportNote {
                at: format!(
                    "synchronizationRules[{i}] {}",
                    other.name.as_deref().unwrap_or("")
                ),
                message: format!(
                    "only the rule from Microsoft Entra ID to the app is imported; this rule ({} to {}) is not",
                    other.source_directory_name, other.target_directory_name
                ),
            });
        }
    }
    let target_directory = schema
        .directories
        .iter()
        .find(|d| d.name == rule.target_directory_name);
    let mut objects: ByObject<Option<ObjectOut>> = ByObject::default();
    let mut target_objects: ByObject<Option<&ObjectDefinition>> = ByObject::default();
    for (i, om) in rule.object_mappings.iter().enumerate() {
        let label = om
            .name
            .clone()
            .unwrap_or_else(|| format!("objectMappings[{i}]"));
        let Some(kind) = object_kind(om) else {
            notes.push(ImportNote {
                at: label,
                message: format!(
                    "object mapping {} to {} is not a user or group mapping; a mapping file has only `users` and `groups`",
                    om.source_object_name, om.target_object_name
                ),
            });
            continue;
        };
        if objects.of(kind).is_some() {
            notes.push(ImportNote {
                at: label,
                message: format!(
                    "a second {} object mapping; only the first is imported",
                    kind.as_str()
                ),
            });
            continue;
        }
        *objects.of_mut(kind) = Some(object_out(om, kind, &label, options.allow_lossy, notes)?);
        *target_objects.of_mut(kind) = target_directory
            .and_then(|d| d.objects.iter().find(|o| o.name == om.target_object_name));
    }
    let mut target_attributes: ByObject<Vec<DeclarationOut>> = ByObject::default();
    for kind in ObjectKind::ALL {
        if let Some(object) = target_objects.of(kind) {
            *target_attributes.of_mut(kind) =
                target_additions(object, profile.object(kind), kind, notes);
        }
    }
    let mut source_attributes: ByObject<Vec<DeclarationOut>> = ByObject::default();
    if let Some(entra) = entra {
        source_attributes = source_additions(entra, notes);
    }
    notes.push(ImportNote {
        at: "document".to_owned(),
        message: "server-owned parts (job id, version, rule and object metadata, directory ids and discovery data) are not kept; `entramap export` writes the SCIM template's own, and `export --base` keeps the job's".to_owned(),
    });
    let app = options
        .app
        .clone()
        .or_else(|| gallery.and_then(|_| profile.title.clone()))
        .or_else(|| {
            target_directory
                .map(|d| d.name.clone())
                .filter(|n| !n.is_empty() && n != SCIM_DIRECTORY_NAME)
        })
        .unwrap_or_else(|| "Imported app".to_owned());
    let directory = Some(rule.target_directory_name.as_str())
        .filter(|n| !n.is_empty() && *n != SCIM_DIRECTORY_NAME);
    Ok(write_yaml(
        &options.schema_ref,
        &app,
        &profile_name,
        directory,
        &source_attributes,
        &target_attributes,
        &objects,
    ))
}

fn object_out(
    om: &ObjectMapping,
    kind: ObjectKind,
    label: &str,
    allow_lossy: bool,
    notes: &mut Vec<ImportNote>,
) -> Result<ObjectOut, ImportError> {
    let lossy = |message: String| -> Result<(), ImportError> {
        if allow_lossy {
            Ok(())
        } else {
            Err(ImportError::Lossy {
                at: label.to_owned(),
                message,
            })
        }
    };
    let mut note = |message: String| {
        notes.push(ImportNote {
            at: label.to_owned(),
            message,
        })
    };
    if om
        .name
        .as_deref()
        .is_some_and(|n| n != object_mapping_name(kind))
    {
        note(format!(
            "the object mapping's name is not kept (export names it \"{}\")",
            object_mapping_name(kind)
        ));
    }
    if let Some(flow) = &om.flow_types {
        let mut types: Vec<&str> = flow.split(',').map(str::trim).collect();
        types.sort_unstable();
        if types != ["Add", "Delete", "Update"] {
            note(format!(
                "Target Object Actions `{flow}` cannot be expressed (a mapping file always creates, updates and deletes)"
            ));
        }
    }
    for key in om.extra.keys() {
        note(format!("property `{key}` is not kept"));
    }
    let mut scoping = Vec::new();
    if let Some(filter) = &om.scope {
        for (name, groups) in [
            ("inputFilterGroups", &filter.input_filter_groups),
            ("categoryFilterGroups", &filter.category_filter_groups),
        ] {
            if !groups.is_empty() {
                let message = format!(
                    "{} scoping filter(s) in `{name}` (only `groups` can be expressed)",
                    groups.len()
                );
                lossy(message.clone())?;
                note(format!("{message} are not kept"));
            }
        }
        for (i, group) in filter.groups.iter().enumerate() {
            let generated = format!("{SCOPING_FILTER_TITLE} {}", i + 1);
            if let Some(title) = group.name.as_deref().filter(|t| *t != generated) {
                note(format!(
                    "the title of scoping filter \"{}\" is not kept",
                    secrets::redact(title)
                ));
            }
            let mut clauses = Vec::new();
            for c in &group.clauses {
                let values = c
                    .target_operand
                    .as_ref()
                    .map(|o| o.values.clone())
                    .unwrap_or_default();
                if values.len() > 1 {
                    let message = format!(
                        "clause `{} {}` has {} values",
                        c.source_operand_name,
                        c.operator_name,
                        values.len()
                    );
                    lossy(message.clone())?;
                    note(format!("{message}; only the first is kept"));
                }
                clauses.push((
                    c.source_operand_name.clone(),
                    c.operator_name.clone(),
                    values.into_iter().next(),
                ));
            }
            scoping.push(clauses);
        }
    }
    let mut mappings = Vec::new();
    for am in &om.attribute_mappings {
        if let Some(m) = mapping_out(am, label, notes)? {
            mappings.push(m);
        }
    }
    Ok(ObjectOut {
        enabled: om.enabled,
        scoping,
        mappings,
    })
}

fn mapping_out(
    am: &AttributeMapping,
    label: &str,
    notes: &mut Vec<ImportNote>,
) -> Result<Option<MappingOut>, ImportError> {
    let target = &am.target_attribute_name;
    let at = format!("{label}: targetAttributeName \"{target}\"");
    let mut note = |message: String| {
        notes.push(ImportNote {
            at: at.clone(),
            message,
        })
    };
    let default = am.default_value.clone();
    let (key, value, default) = match &am.source {
        None => match default.filter(|d| !d.is_empty()) {
            Some(d) => {
                note("mapping type None (no source, only a default value) is imported as a constant, which also applies on update".to_owned());
                ("constant", d, None)
            }
            None => {
                note("a mapping with neither source nor default value is not imported".to_owned());
                return Ok(None);
            }
        },
        Some(source) => match source.kind {
            SourceKind::Attribute => ("source", source_name(source), default),
            SourceKind::Constant => ("constant", source_name(source), default),
            _ => {
                let text = expression_text(source).map_err(|message| ImportError::Source {
                    at: at.clone(),
                    message,
                })?;
                if crate::expr::syntax::parse(&text).is_err() {
                    note("the expression does not parse; it is imported as written".to_owned());
                }
                ("expression", text, default)
            }
        },
    };
    let on_create = match am.flow_type.as_deref() {
        None | Some("Always") => false,
        Some("ObjectAddOnly") => true,
        Some(other) => {
            note(format!(
                "flowType `{other}` cannot be expressed; imported as `apply: always`"
            ));
            false
        }
    };
    if let Some(behavior) = am
        .flow_behavior
        .as_deref()
        .filter(|b| *b != "FlowWhenChanged")
    {
        note(format!("flowBehavior `{behavior}` cannot be expressed"));
    }
    if am.export_missing_references == Some(true) {
        note("exportMissingReferences `true` cannot be expressed".to_owned());
    }
    for key in am.extra.keys() {
        note(format!("property `{key}` is not kept"));
    }
    Ok(Some(MappingOut {
        target: target.clone(),
        key,
        value,
        precedence: am.matching_priority.max(0),
        on_create,
        default,
    }))
}
