//! The Microsoft Graph `synchronizationSchema` document as serde types: rules, object mappings,
//! attribute mappings with their source trees, scoping filters, directories and attribute
//! definitions. Every type keeps the properties it does not model in `extra`, so that
//! Microsoft-internal parts (`@odata.*`, metadata, future fields) are read without loss.
//! Fields that real exports write as `null` or leave out read as their defaults.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Reads `null` as the type's default.
fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn yes() -> bool {
    true
}

/// A `{key, value}` pair (metadata, API expressions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyValue {
    /// The key.
    #[serde(default, deserialize_with = "null_default")]
    pub key: String,
    /// The value (a string in every known export; other JSON is kept as it is).
    #[serde(default)]
    pub value: Value,
}

impl KeyValue {
    /// A pair of strings.
    pub fn new(key: &str, value: &str) -> Self {
        KeyValue {
            key: key.to_owned(),
            value: Value::String(value.to_owned()),
        }
    }
}

/// The value of `key` in a metadata list, if it is a string.
pub fn metadata_value<'a>(metadata: &'a [KeyValue], key: &str) -> Option<&'a str> {
    metadata
        .iter()
        .find(|m| m.key == key)
        .and_then(|m| m.value.as_str())
}

/// The whole schema of a synchronization job.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SynchronizationSchema {
    /// The job id (server-owned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The schema version (server-owned; changes on every save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The synchronization rules.
    #[serde(default, deserialize_with = "null_default")]
    pub synchronization_rules: Vec<SynchronizationRule>,
    /// The directories (source and target).
    #[serde(default, deserialize_with = "null_default")]
    pub directories: Vec<DirectoryDefinition>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A synchronization rule: one source directory to one target directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SynchronizationRule {
    /// The rule id (fixed per template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The rule name, such as `USERGROUP_OUTBOUND_USERGROUP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Lower runs first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Whether the rule may be edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editable: Option<bool>,
    /// Name of the source directory.
    #[serde(default, deserialize_with = "null_default")]
    pub source_directory_name: String,
    /// Name of the target directory.
    #[serde(default, deserialize_with = "null_default")]
    pub target_directory_name: String,
    /// Rule metadata.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Vec<KeyValue>,
    /// One object mapping per object pair.
    #[serde(default, deserialize_with = "null_default")]
    pub object_mappings: Vec<ObjectMapping>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How objects of one kind flow (the portal's "Provision Microsoft Entra ID Users").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMapping {
    /// The label in the portal's Mappings list.
    #[serde(default)]
    pub name: Option<String>,
    /// "Enabled: Yes/No".
    #[serde(default = "yes")]
    pub enabled: bool,
    /// "Target Object Actions": `Add`, `Update`, `Delete`, comma-joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_types: Option<String>,
    /// The scoping filter (`null`: all records).
    #[serde(default)]
    pub scope: Option<Filter>,
    /// The source object (`User`, `Group`; may be empty on a disabled mapping).
    #[serde(default, deserialize_with = "null_default")]
    pub source_object_name: String,
    /// The target object.
    #[serde(default, deserialize_with = "null_default")]
    pub target_object_name: String,
    /// Object mapping metadata.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Vec<KeyValue>,
    /// The attribute mappings.
    #[serde(default, deserialize_with = "null_default")]
    pub attribute_mappings: Vec<AttributeMapping>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One attribute mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMapping {
    /// "Default value if null".
    #[serde(default)]
    pub default_value: Option<String>,
    /// Internal; `false` in every sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_missing_references: Option<bool>,
    /// `FlowWhenChanged` (default) or `FlowAlways`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_behavior: Option<String>,
    /// `Always`, `ObjectAddOnly`, `MultiValueAddOnly`, `ValueAddOnly`, `AttributeAddOnly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_type: Option<String>,
    /// 0: not a matching attribute; 1 is tried first.
    #[serde(default, deserialize_with = "null_default")]
    pub matching_priority: i64,
    /// Where the value comes from (`null`: only the default value).
    #[serde(default)]
    pub source: Option<AttributeMappingSource>,
    /// The target attribute.
    #[serde(default, deserialize_with = "null_default")]
    pub target_attribute_name: String,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A node of the source tree: an attribute, a constant or a function call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMappingSource {
    /// The node's text form (`[attr]`, `"value"`, `Fn(...)`); may be missing in hand-written
    /// documents.
    #[serde(default)]
    pub expression: Option<String>,
    /// The attribute name, the constant's value or the function name.
    #[serde(default)]
    pub name: Option<String>,
    /// `Attribute`, `Constant` or `Function`.
    #[serde(rename = "type", default, deserialize_with = "null_default")]
    pub kind: SourceKind,
    /// A function's arguments, keyed by parameter name; empty slots are absent.
    #[serde(default, deserialize_with = "null_default")]
    pub parameters: Vec<SourceParameter>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `type` of a source node. A document may carry no type, or one this version does not
/// know; both are kept as written so that a document read and written again is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum SourceKind {
    /// `Attribute`: a source attribute, named by `name`.
    Attribute,
    /// `Constant`: the text in `name`.
    Constant,
    /// `Function`: a call of `name` with `parameters`.
    Function,
    /// No `type` (absent, null or empty).
    #[default]
    Missing,
    /// Any other `type`, as written.
    Other(String),
}

impl From<String> for SourceKind {
    fn from(text: String) -> Self {
        match text.as_str() {
            "Attribute" => SourceKind::Attribute,
            "Constant" => SourceKind::Constant,
            "Function" => SourceKind::Function,
            "" => SourceKind::Missing,
            _ => SourceKind::Other(text),
        }
    }
}

impl From<SourceKind> for String {
    fn from(kind: SourceKind) -> Self {
        match kind {
            SourceKind::Attribute => "Attribute".to_owned(),
            SourceKind::Constant => "Constant".to_owned(),
            SourceKind::Function => "Function".to_owned(),
            SourceKind::Missing => String::new(),
            SourceKind::Other(text) => text,
        }
    }
}

/// One argument of a function node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceParameter {
    /// The function's parameter name.
    #[serde(default, deserialize_with = "null_default")]
    pub key: String,
    /// The argument.
    pub value: AttributeMappingSource,
}

/// A scoping filter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    /// The scoping filters: OR between groups, AND inside one.
    #[serde(default, deserialize_with = "null_default")]
    pub groups: Vec<FilterGroup>,
    /// Experimental read-time filters.
    #[serde(default, deserialize_with = "null_default")]
    pub input_filter_groups: Vec<FilterGroup>,
    /// Experimental category filters.
    #[serde(default, deserialize_with = "null_default")]
    pub category_filter_groups: Vec<FilterGroup>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One scoping filter ("Scoping Filter Title" and its clauses).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterGroup {
    /// The title.
    #[serde(default)]
    pub name: Option<String>,
    /// The clauses, ANDed.
    #[serde(default, deserialize_with = "null_default")]
    pub clauses: Vec<FilterClause>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One clause: attribute, operator, values.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterClause {
    /// The source attribute.
    #[serde(default, deserialize_with = "null_default")]
    pub source_operand_name: String,
    /// The operator (`EQUALS`, `IS TRUE`, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub operator_name: String,
    /// The values compared with.
    #[serde(default)]
    pub target_operand: Option<FilterOperand>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The values of a clause.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterOperand {
    /// The values (empty for unary operators).
    #[serde(default, deserialize_with = "null_default")]
    pub values: Vec<String>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A directory: its objects and their attributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryDefinition {
    /// The directory id (stable per directory kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name rules refer to.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Whether the directory is read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Discovery capabilities (flags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discoverabilities: Option<String>,
    /// The objects.
    #[serde(default, deserialize_with = "null_default")]
    pub objects: Vec<ObjectDefinition>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An object of a directory.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDefinition {
    /// The object name (`User`, a SCIM URN, ...).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Its attributes.
    #[serde(default, deserialize_with = "null_default")]
    pub attributes: Vec<AttributeDefinition>,
    /// Object metadata.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Vec<KeyValue>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An attribute of an object ("Edit attribute list").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeDefinition {
    /// "Primary Key?".
    #[serde(default, deserialize_with = "null_default")]
    pub anchor: bool,
    /// "Exact case?".
    #[serde(default, deserialize_with = "null_default")]
    pub case_exact: bool,
    /// The default value.
    #[serde(default)]
    pub default_value: Option<String>,
    /// Whether null may flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_null_values: Option<bool>,
    /// "Multi-Value?".
    #[serde(default, deserialize_with = "null_default")]
    pub multivalued: bool,
    /// `ReadWrite` (default), `ReadOnly`, `Immutable`, `WriteOnly`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<String>,
    /// The name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// "Required?".
    #[serde(default, deserialize_with = "null_default")]
    pub required: bool,
    /// The type (`String` when absent; compared case-insensitively).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// "API Expression".
    #[serde(default, deserialize_with = "null_default")]
    pub api_expressions: Vec<KeyValue>,
    /// Attribute metadata.
    #[serde(default, deserialize_with = "null_default")]
    pub metadata: Vec<KeyValue>,
    /// "Referenced Object Attribute".
    #[serde(default, deserialize_with = "null_default")]
    pub referenced_objects: Vec<ReferencedObjectDefinition>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The object a Reference attribute points at.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferencedObjectDefinition {
    /// The referenced object's name.
    #[serde(default, deserialize_with = "null_default")]
    pub referenced_object_name: String,
    /// Not supported by the service (null).
    #[serde(default)]
    pub referenced_property: Option<String>,
    /// Properties not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Why a document could not be read, with its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// What is wrong.
    pub message: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for DocumentError {}

/// The largest document read, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// Reads a synchronization schema as the portal or the API gives it: the schema itself, a
/// synchronizationTemplate wrapping it as `schema`, or a template list `{"value": [...]}`.
pub fn read_schema(text: &str) -> Result<SynchronizationSchema, DocumentError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError {
            message: format!(
                "the document is {} bytes; entramap reads at most {MAX_DOCUMENT_BYTES}",
                text.len()
            ),
            line: 0,
            column: 0,
        });
    }
    let located = |e: serde_json::Error| DocumentError {
        message: e
            .to_string()
            .rsplit_once(" at line ")
            .map_or_else(|| e.to_string(), |(m, _)| m.to_owned()),
        line: e.line(),
        column: e.column(),
    };
    let value: Value = serde_json::from_str(text).map_err(located)?;
    let Value::Object(top) = &value else {
        return Err(not_a_schema());
    };
    if top.contains_key("synchronizationRules") || top.contains_key("directories") {
        serde_json::from_str::<SynchronizationSchema>(text).map_err(located)
    } else if top.get("schema").is_some_and(Value::is_object) {
        Ok(serde_json::from_str::<Template>(text)
            .map_err(located)?
            .schema)
    } else if top.get("value").is_some_and(Value::is_array) {
        serde_json::from_str::<TemplateList>(text)
            .map_err(located)?
            .value
            .into_iter()
            .find_map(|t| t.schema)
            .ok_or_else(not_a_schema)
    } else {
        Err(not_a_schema())
    }
}

/// A synchronizationTemplate: the schema is under `schema`.
#[derive(Deserialize)]
struct Template {
    schema: SynchronizationSchema,
}

/// A template list response.
#[derive(Deserialize)]
struct TemplateList {
    value: Vec<MaybeTemplate>,
}

/// A template that may lack a schema.
#[derive(Deserialize)]
struct MaybeTemplate {
    #[serde(default)]
    schema: Option<SynchronizationSchema>,
}

fn not_a_schema() -> DocumentError {
    DocumentError {
        message: "not a synchronization schema: expected an object with `synchronizationRules` and `directories` (or a synchronizationTemplate with `schema`)".to_owned(),
        line: 1,
        column: 1,
    }
}
