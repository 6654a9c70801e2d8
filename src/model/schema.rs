//! JSON Schema (draft-07, for editors and yaml-language-server) of entramap's file formats. The
//! mapping file's schema is generated from the document shapes below, which mirror what the
//! loader accepts; the target profile's from [`crate::model::profile::ProfileFile`] itself.

use crate::expr::types::Base;
use crate::model::profile::{ProfileFile, ReferencedObject};
use schemars::JsonSchema;

/// The shape of a mapping file, as the JSON Schema describes it (the loader builds the located
/// model, [`super::MappingFile`]).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "entramap mapping file",
    description = "Provisioning attribute mappings of one Microsoft Entra enterprise application (Entra ID to SCIM)."
)]
pub struct MappingDocument {
    /// Format version: 1.
    #[schemars(range(min = 1, max = 1))]
    pub entramap: u32,
    /// The enterprise application's display name.
    pub app: String,
    /// Target schema profile: a built-in name (`entramap targets`) or a path relative to this file. Default `scim-core`.
    pub target: Option<String>,
    /// `assigned` (default): sync only assigned users and groups; `all`: sync all users and groups.
    pub scope: Option<ScopeDoc>,
    /// The app's directory in the Graph synchronization schema (`targetDirectoryName`): `customappsso` (default) for a non-gallery SCIM app, the gallery app's own name otherwise (`salesforce.com`). `entramap import` keeps it and `entramap export` writes it.
    pub target_directory: Option<String>,
    /// Extra Entra source attributes, such as directory extensions.
    pub source_attributes: Option<PerObjectDoc<SourceAttributeDoc>>,
    /// Additions to the target attribute list ("Edit attribute list for customappsso").
    pub target_attributes: Option<PerObjectDoc<TargetAttributeDoc>>,
    /// The user object mapping.
    pub users: Option<ObjectMappingDoc>,
    /// The group object mapping.
    pub groups: Option<ObjectMappingDoc>,
    /// File-wide suppressions.
    pub allow: Option<Vec<AllowDoc>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
/// `scope`.
pub enum ScopeDoc {
    /// Only assigned users and groups.
    Assigned,
    /// All users and groups.
    All,
}

#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
/// `apply`.
pub enum ApplyDoc {
    /// On create and update.
    Always,
    /// Only during object creation.
    OnCreate,
}

/// `users:` / `groups:` lists.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerObjectDoc<T> {
    /// For users.
    pub users: Option<Vec<T>>,
    /// For groups.
    pub groups: Option<Vec<T>>,
}

/// A `source_attributes` entry.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceAttributeDoc {
    /// Case-sensitive name; directory extensions are `extension_<appIdWithoutHyphens>_<name>`.
    pub name: String,
    /// Default String.
    #[serde(rename = "type")]
    pub base: Option<Base>,
    /// Multi-valued (such extensions cannot be provisioned).
    pub multivalued: Option<bool>,
}

/// A `target_attributes` entry.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetAttributeDoc {
    /// The SCIM attribute name or path, or `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`.
    pub name: String,
    /// Default String.
    #[serde(rename = "type")]
    pub base: Option<Base>,
    /// Required?
    pub required: Option<bool>,
    /// Multi-Value?
    pub multivalued: Option<bool>,
    /// Exact case?
    pub case_exact: Option<bool>,
    /// Primary Key?
    pub primary_key: Option<bool>,
    /// Referenced Object Attribute (for Reference).
    pub referenced_object: Option<ReferencedObject>,
}

/// A list of attribute mappings, or `{enabled, scoping, mappings}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ObjectMappingDoc {
    /// The attribute mappings.
    Mappings(Vec<AttributeMappingDoc>),
    /// With switches and a scoping filter.
    Object(ObjectBodyDoc),
}

/// `users:` / `groups:` as a mapping.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectBodyDoc {
    /// Whether the object mapping is enabled (default true).
    pub enabled: Option<bool>,
    /// Clause groups: AND inside a group, OR between groups.
    pub scoping: Option<Vec<Vec<ClauseDoc>>>,
    /// The attribute mappings.
    pub mappings: Option<Vec<AttributeMappingDoc>>,
}

/// A scoping clause.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClauseDoc {
    /// A source attribute.
    pub attribute: String,
    /// EQUALS, NOT EQUALS, IS TRUE, IS FALSE, IS NULL, IS NOT NULL, REGEX MATCH, NOT REGEX MATCH, Greater_Than, Greater_Than_OR_EQUALS, Includes, ENDS_WITH, &, !& (`model::scoping::OPERATORS`).
    pub operator: String,
    /// The value (none for the IS operators).
    pub value: Option<String>,
}

/// An attribute mapping.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{"required": ["source"]}, {"required": ["expression"]}, {"required": ["constant"]}]))]
pub struct AttributeMappingDoc {
    /// The target attribute (a SCIM path such as `emails[type eq "work"].value`).
    pub target: String,
    /// Mapping type Direct: one source attribute.
    pub source: Option<String>,
    /// Mapping type Expression.
    pub expression: Option<String>,
    /// Mapping type Constant.
    pub constant: Option<String>,
    /// Default value if null (applied on create only).
    pub default: Option<String>,
    /// Match objects using this attribute, with this precedence (1 is tried first).
    #[schemars(range(min = 1))]
    pub matching_precedence: Option<u32>,
    /// `always` (default) or `on-create` ("Only during object creation").
    pub apply: Option<ApplyDoc>,
    /// Free text for the docs.
    pub note: Option<String>,
    /// Suppressions for this mapping.
    pub allow: Option<Vec<AllowDoc>>,
}

/// A suppression.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowDoc {
    /// A rule id (`entramap explain`).
    pub rule: String,
    /// Why the finding does not apply.
    pub reason: String,
}

fn draft07<T: JsonSchema>() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.to_value()
}

/// The JSON Schema of the mapping file format.
pub fn mapping_schema() -> serde_json::Value {
    draft07::<MappingDocument>()
}

/// The JSON Schema of the target profile format.
pub fn target_schema() -> serde_json::Value {
    draft07::<ProfileFile>()
}
