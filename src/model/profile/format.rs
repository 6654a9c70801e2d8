//! The target profile file format (`entramap-target: 1`) as serde reads and writes it: the
//! attributes and sub-attributes of users and groups as the portal lists them, the facts about the
//! app (source, SCIM version, gallery job) and the typed attribute a resolved profile holds.

use crate::base::named::{Named, NamedList};
use crate::expr::source::ObjectKind;
use crate::expr::types::{Base, Type};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the service provider lets Entra write the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum Mutability {
    /// Read and written (the default).
    #[default]
    ReadWrite,
    /// Only read: never a mapping target.
    ReadOnly,
    /// Written once, on create.
    Immutable,
    /// Written, never returned.
    WriteOnly,
}

/// The object a Reference attribute points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReferencedObject {
    /// A user.
    User,
    /// A group.
    Group,
}

/// How the gallery app's default mapping applies an attribute (the mapping file's `apply`
/// vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ApplyDefault {
    /// On create and update (the default).
    #[default]
    Always,
    /// Only when the object is created.
    OnCreate,
}

/// One part of a complex attribute (`roles` has `primary`, `type`, `display`, `value`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubAttribute {
    /// The sub-attribute's name.
    pub name: String,
    /// Its type (default String; names as the portal writes them, in any letter case).
    #[serde(
        rename = "type",
        default = "string_base",
        deserialize_with = "portal_type"
    )]
    pub base: Base,
    /// A regular expression (.NET syntax) each value of this part must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// One attribute of a target object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetAttribute {
    /// The name as Entra writes it (a SCIM path, possibly URN-qualified).
    pub name: String,
    /// The type (default String).
    #[serde(rename = "type", default = "string_base")]
    pub base: Base,
    /// The object cannot be created without it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Holds several values.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multivalued: bool,
    /// Compared case-sensitively.
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_exact: bool,
    /// The anchor (the service provider's `id`): never a mapping target.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// The service provider supports `filter=<name> eq "..."`: it may be a matching attribute.
    #[serde(default, skip_serializing_if = "is_false")]
    pub filterable: bool,
    /// Who may write it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub mutability: Mutability,
    /// For `Reference`: what it points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_object: Option<ReferencedObject>,
    /// Longest accepted value, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// A regular expression every value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Values must be unique among the service provider's objects.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// What the attribute is, for docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How the gallery app's default mapping applies it.
    #[serde(default, skip_serializing_if = "is_always")]
    pub apply: ApplyDefault,
    /// The parts of a complex attribute (empty for a simple one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<SubAttribute>,
}

/// One attribute as a profile file writes it: what it leaves out is taken from RFC 7643 when the
/// attribute is a SCIM core or enterprise attribute ([`crate::model::scim::rfc7643`]), else from
/// the defaults (single-valued String).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeEntry {
    /// The name as the tutorial or the portal writes it (a SCIM path, possibly URN-qualified;
    /// any spelling the app uses, such as SCIM 1.1 `urn:scim:schemas:extension:enterprise:1.0.department`).
    pub name: String,
    /// The type, as the portal writes it (`String`, `Integer`, `Boolean`, `DateTime`,
    /// `Reference`, `Binary`; any letter case). Default: the RFC 7643 type of a SCIM core or
    /// enterprise attribute, else String.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "portal_type_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub base: Option<Base>,
    /// The object cannot be created without it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Holds several values. Default: as RFC 7643 says for a SCIM core attribute (`members`,
    /// `emails`, `roles`, ...), true for a complex attribute, else false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multivalued: Option<bool>,
    /// Compared case-sensitively.
    #[serde(default, skip_serializing_if = "is_false")]
    pub case_exact: bool,
    /// The anchor (the service provider's `id`): never a mapping target.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// The service provider supports `filter=<name> eq "..."`: it may be a matching attribute.
    #[serde(default, skip_serializing_if = "is_false")]
    pub filterable: bool,
    /// Who may write it.
    #[serde(default, skip_serializing_if = "is_default")]
    pub mutability: Mutability,
    /// For `Reference`: what it points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_object: Option<ReferencedObject>,
    /// Longest accepted value, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// A regular expression (.NET syntax) every value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Values must be unique among the service provider's objects.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// What the attribute is, for docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How the gallery app's default mapping applies it (`on-create`: Slack's `displayName`).
    #[serde(default, skip_serializing_if = "is_always")]
    pub apply: ApplyDefault,
    /// The parts of a complex attribute, such as `roles` fed by `AppRoleAssignmentsComplex`
    /// (`primary`, `type`, `display`, `value`). A complex attribute is multi-valued unless
    /// `multivalued: false`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<SubAttribute>,
}

/// The sub-attributes RFC 7643 gives an attribute declared by its bare name as a String (the
/// portal's "Edit attribute list" has no complex type): `roles`, which
/// `AppRoleAssignmentsComplex` writes whole. A profile entry and a mapping file's
/// `target_attributes` entry both get them, so that the two ways of declaring one portal
/// attribute agree.
pub fn rfc7643_parts(kind: ObjectKind, name: &str) -> Vec<SubAttribute> {
    crate::model::scim::rfc7643(kind, name).map_or_else(Vec::new, |core| {
        core.sub_attributes
            .iter()
            .map(|(name, base)| SubAttribute {
                name: (*name).to_owned(),
                base: *base,
                pattern: None,
            })
            .collect()
    })
}

impl AttributeEntry {
    /// The resolved attribute: what the entry leaves out comes from RFC 7643 for a SCIM core or
    /// enterprise attribute of `kind`, else from the defaults.
    pub fn resolve(self, kind: ObjectKind) -> TargetAttribute {
        let rfc = crate::model::scim::rfc7643(kind, &self.name);
        let mut sub_attributes = self.sub_attributes;
        if sub_attributes.is_empty() && self.base.is_none_or(|b| b == Base::String) {
            sub_attributes = rfc7643_parts(kind, &self.name);
        }
        let base = self.base.or(rfc.map(|c| c.base)).unwrap_or(Base::String);
        let multivalued = self
            .multivalued
            .or(rfc.map(|c| c.multivalued))
            .unwrap_or(!sub_attributes.is_empty());
        TargetAttribute {
            name: self.name,
            base,
            required: self.required,
            multivalued,
            case_exact: self.case_exact,
            primary_key: self.primary_key,
            filterable: self.filterable,
            mutability: self.mutability,
            referenced_object: self.referenced_object,
            max_length: self.max_length,
            pattern: self.pattern,
            unique: self.unique,
            description: self.description,
            apply: self.apply,
            sub_attributes,
        }
    }
}

fn string_base() -> Base {
    Base::String
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_default(m: &Mutability) -> bool {
    *m == Mutability::ReadWrite
}

fn is_always(a: &ApplyDefault) -> bool {
    *a == ApplyDefault::Always
}

/// The portal's type names, in any letter case.
fn portal_type<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Base, D::Error> {
    let name = String::deserialize(deserializer)?;
    Base::parse(&name).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "unknown type `{name}`: the portal's types are String, Integer, Boolean, DateTime, Reference and Binary"
        ))
    })
}

fn portal_type_option<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Base>, D::Error> {
    portal_type(deserializer).map(Some)
}

impl TargetAttribute {
    /// A String attribute with this name and every flag off.
    pub fn named(name: impl Into<String>, base: Base) -> Self {
        TargetAttribute {
            name: name.into(),
            base,
            required: false,
            multivalued: false,
            case_exact: false,
            primary_key: false,
            filterable: false,
            mutability: Mutability::ReadWrite,
            referenced_object: None,
            max_length: None,
            pattern: None,
            unique: false,
            description: None,
            apply: ApplyDefault::Always,
            sub_attributes: Vec::new(),
        }
    }

    /// Whether it is a complex attribute (it has sub-attributes).
    pub fn is_complex(&self) -> bool {
        !self.sub_attributes.is_empty()
    }

    /// The attribute's type. A complex attribute takes app roles, the one complex value an
    /// expression produces (`AppRoleAssignmentsComplex`).
    pub fn ty(&self) -> Type {
        Type {
            base: if self.is_complex() {
                Base::Roles
            } else {
                self.base
            },
            multi: self.multivalued,
        }
    }
}

/// Where a profile's facts come from, for `entramap targets` and the `init` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileSource {
    /// The repository (`MicrosoftDocs/entra-docs`).
    pub repository: String,
    /// The file in it (`docs/identity/saas-apps/slack-provisioning-tutorial.md`).
    pub path: String,
    /// The commit read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The document's date (ISO 8601, from its `ms.date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The vendor's documentation the profile adds from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
}

impl ProfileSource {
    /// A link to the document on GitHub (at the commit when known).
    pub fn url(&self) -> String {
        format!(
            "https://github.com/{}/blob/{}/{}",
            self.repository,
            self.commit.as_deref().unwrap_or("main"),
            self.path
        )
    }
}

/// The SCIM protocol version the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ScimVersion {
    /// SCIM 2.0 (RFC 7643/7644), the default.
    #[default]
    #[serde(rename = "2.0")]
    V2,
    /// SCIM 1.1 (Slack's gallery app).
    #[serde(rename = "1.1")]
    V1,
    /// Not a SCIM service: Entra writes to the app's own API (Salesforce). The checks that
    /// judge a SCIM service are off ([`NOT_SCIM_CHECKS`]).
    #[serde(rename = "none")]
    None,
}

/// The rules that judge a SCIM service, off for a target that is not one: what a SCIM target
/// requires (`userName`) and what its filter must support.
pub const NOT_SCIM_CHECKS: &[crate::diagnostics::rules::RuleId] = &[
    crate::diagnostics::rules::RuleId::RequiredTargetUnmapped,
    crate::diagnostics::rules::RuleId::MatchingNotFilterable,
];

/// The gallery job's identity in Microsoft Graph, where a source states it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GalleryJob {
    /// The synchronization template (job id prefix), such as `aWSSingleSignon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// The rule's `targetDirectoryName`, such as `AWSSingleSignon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_directory: Option<String>,
}

/// The attribute list of one object in a profile file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectSection {
    /// The app's default matching attribute (precedence 1): a name in this list (or inherited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<String>,
    /// Attributes added (or replaced, by name) on top of the inherited list.
    #[serde(default)]
    pub attributes: Vec<AttributeEntry>,
    /// Names of inherited attributes to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

/// A target profile file (`entramap-target: 1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "entramap target profile")]
pub struct ProfileFile {
    /// Format version: 1.
    #[serde(rename = "entramap-target")]
    pub version: u32,
    /// The profile's name.
    pub name: String,
    /// A display title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Another profile to inherit from: a built-in name or a path relative to this file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Where the profile's facts come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ProfileSource>,
    /// The SCIM version the app speaks (`'2.0'` default, `'1.1'`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_version: Option<ScimVersion>,
    /// The gallery job's template and target directory in Microsoft Graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gallery: Option<GalleryJob>,
    /// The user attribute list.
    #[serde(default)]
    pub users: ObjectSection,
    /// The group attribute list.
    #[serde(default)]
    pub groups: ObjectSection,
}

/// The attributes of one target object, looked up by exact name.
pub type TargetSchema = NamedList<TargetAttribute>;

impl Named for TargetAttribute {
    fn name(&self) -> &str {
        &self.name
    }
}
