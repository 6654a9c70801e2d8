//! Target schema profiles: what a service provider's SCIM endpoint accepts (the portal's
//! "customappsso Attribute" list for users and groups). The built-in profiles (the generic ones
//! under `schemas/targets/` and the gallery apps under `schemas/gallery/`, listed by
//! [`crate::model::catalogue`]) are compiled in; a user's own profile is a YAML file named by path.
//! `extends` inherits another profile's lists and `remove` drops inherited attributes.

use crate::base::fs::{read_text_limited, ReadError};
use crate::base::named::{Named, NamedList};
use crate::base::text::{SourceText, Span};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, FileReport};
use crate::expr::source::{ByObject, ObjectKind};
use crate::expr::types::{Base, Type};
use crate::model::catalogue;
use crate::model::tree::{de, node};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The default profile of a mapping file without `target:`.
pub const DEFAULT_PROFILE: &str = "scim-core";

/// How deep `extends` chains may go.
const MAX_EXTENDS: usize = 8;

/// The largest target profile file read, in bytes.
pub const MAX_PROFILE_BYTES: usize = 4 * 1024 * 1024;

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

/// Names people write for a profile that are Graph template or job names, with the profile
/// they mean: the non-gallery SCIM app's template is `customappsso` (`scim` in job ids).
const TEMPLATE_NAMES: &[(&str, &str)] = &[("customappsso", "scim-core"), ("scim", "scim-core")];

/// The generic profile of a target directory that is not a SCIM service.
pub const NOT_SCIM_PROFILE: &str = "non-scim";

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

/// A resolved profile (inheritance applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// The display title.
    pub title: Option<String>,
    /// Where its facts come from.
    pub source: Option<ProfileSource>,
    /// The SCIM version the app speaks.
    pub scim_version: ScimVersion,
    /// The gallery job's identity in Microsoft Graph.
    pub gallery: Option<GalleryJob>,
    /// The attributes of users and of groups.
    pub objects: ByObject<TargetSchema>,
    /// The default matching attribute of users and of groups.
    pub matching: ByObject<Option<String>>,
}

impl Profile {
    /// Whether the target is a SCIM service (see [`ScimVersion::None`]).
    pub fn is_scim(&self) -> bool {
        self.scim_version != ScimVersion::None
    }

    /// The attributes of one target object.
    pub fn object(&self, kind: ObjectKind) -> &TargetSchema {
        self.objects.of(kind)
    }

    /// The default matching attribute of one object, if the profile names one.
    pub fn matching(&self, kind: ObjectKind) -> Option<&str> {
        self.matching.of(kind).as_deref()
    }
}

/// Why a profile cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// What went wrong, with the file and position where known.
    pub message: String,
    /// Whether the profile was not found at all (as opposed to found and invalid).
    pub not_found: bool,
    /// The profile's text and the place of the problem, when it is known (for a code frame).
    pub frame: Option<ProfileFrame>,
}

/// Where in a profile file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFrame {
    /// The file's name as shown (a path, or the built-in profile's name).
    pub name: String,
    /// The file's text.
    pub text: String,
    /// The problem's place in it.
    pub span: Span,
    /// The problem, without the file and position.
    pub problem: String,
}

impl ProfileError {
    fn invalid(origin: &str, text: &str, span: Span, problem: String) -> Self {
        let position = SourceText::new(origin, text).position(span.start);
        ProfileError {
            message: format!("{origin}:{}:{}: {problem}", position.line, position.column),
            not_found: false,
            frame: Some(ProfileFrame {
                name: origin.to_owned(),
                text: text.to_owned(),
                span,
                problem,
            }),
        }
    }

    /// The problem as a report on the profile file itself (`invalid-target-profile` with a code
    /// frame), when its place is known.
    pub fn report(&self) -> Option<FileReport> {
        let frame = self.frame.as_ref()?;
        Some(FileReport::new(
            SourceText::new(frame.name.clone(), frame.text.clone()),
            vec![Diagnostic::new(
                RuleId::InvalidTargetProfile,
                frame.span,
                frame.problem.clone(),
            )
            .with_primary_label("invalid in the target profile")
            .with_help("`entramap targets FILE` checks a profile; docs/target-profiles.md describes every field")],
        ))
    }
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

/// Whether a built-in profile is a gallery app's (from its Microsoft tutorial).
pub fn is_gallery(name: &str) -> bool {
    catalogue::entry(name).is_some_and(|e| e.kind == catalogue::Kind::Gallery)
}

/// The names of the built-in profiles: the generic ones, then the gallery apps.
pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    catalogue::ENTRIES.iter().map(|e| e.name)
}

/// The built-in gallery profile whose Graph job writes to `target_directory` (a rule's
/// `targetDirectoryName`, such as `AWSSingleSignon`), if one declares it.
pub fn gallery_for_directory(target_directory: &str) -> Option<&'static str> {
    if target_directory.is_empty() {
        return None;
    }
    catalogue::gallery()
        .filter(|e| e.profile.contains(target_directory))
        .map(|e| e.name)
        .find(|name| {
            built_in(name).is_ok_and(|p| {
                p.gallery
                    .and_then(|g| g.target_directory)
                    .is_some_and(|d| d == target_directory)
            })
        })
}

/// Whether `reference` (a `target:` value) names a file rather than a built-in profile.
pub fn is_path(reference: &str) -> bool {
    reference.contains(['/', '\\']) || reference.ends_with(".yaml") || reference.ends_with(".yml")
}

/// Whether a profile path has a profile's extension (`.yaml`, `.yml` or `.json`, any case).
fn has_profile_extension(reference: &str) -> bool {
    Path::new(reference)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| {
            ["yaml", "yml", "json"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
}

/// A path named as a profile that is not one (by its extension or its text): refused without
/// quoting any of its text, which may be anything the process can read (`/proc/self/environ`,
/// a credentials file) and would reach a CI log.
fn not_a_profile(reference: &str, why: &str) -> ProfileError {
    ProfileError {
        message: format!(
            "`{reference}` is not a target profile ({why}); a profile is a YAML file that starts with `entramap-target: 1`, and `entramap targets` lists the built-in ones"
        ),
        not_found: false,
        frame: None,
    }
}

/// Whether a document's text is a target profile (it has the `entramap-target` key at the top,
/// in YAML or JSON): a cheap look that works on documents that do not parse (the one test of it,
/// for `lint` and the language server).
pub fn looks_like_profile(text: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("entramap-target:")
            || l.trim_start()
                .trim_start_matches('{')
                .trim_start()
                .trim_start_matches(['"', '\''])
                .starts_with("entramap-target")
                && l.contains(':')
    })
}

/// A built-in profile by name (parsed once per process, and only when first asked for: linting
/// against one profile never parses the others).
pub fn built_in(name: &str) -> Result<Profile, ProfileError> {
    type Cell = std::sync::OnceLock<Result<Profile, ProfileError>>;
    static PARSED: std::sync::OnceLock<Vec<Cell>> = std::sync::OnceLock::new();
    let cells = PARSED.get_or_init(|| catalogue::ENTRIES.iter().map(|_| Cell::new()).collect());
    match catalogue::position(name) {
        Some(i) => cells[i]
            .get_or_init(|| resolve(name, None, &read_from_disk, 0))
            .clone(),
        None => resolve(name, None, &read_from_disk, 0),
    }
}

/// Resolves a `target:` value: a built-in name, or a path relative to `base_dir`.
pub fn load(reference: &str, base_dir: Option<&Path>) -> Result<Profile, ProfileError> {
    load_with(reference, base_dir, &read_from_disk)
}

/// Reads a profile file's text: [`read_from_disk`], or an editor's unsaved buffer first (the
/// language server).
pub type ReadProfile<'a> = &'a dyn Fn(&Path) -> Result<String, ReadError>;

/// Reads a profile file from disk, at most [`MAX_PROFILE_BYTES`].
pub fn read_from_disk(path: &Path) -> Result<String, ReadError> {
    read_text_limited(path, MAX_PROFILE_BYTES)
}

/// [`load`], reading profile files (the one named and those it `extends`) through `read`.
pub fn load_with(
    reference: &str,
    base_dir: Option<&Path>,
    read: ReadProfile<'_>,
) -> Result<Profile, ProfileError> {
    if is_path(reference) {
        resolve(reference, base_dir, read, 0)
    } else {
        built_in(reference)
    }
}

/// Parses and validates a profile file's text: its shape (unknown fields, types as the portal
/// writes them), every `pattern` (it must compile), every `matching` (it must name an attribute
/// of the list). Problems carry their place in `text`.
pub fn parse_file(text: &str, origin: &str) -> Result<ProfileFile, ProfileError> {
    let root = node::read_yaml(text).map_err(|e| {
        let start = e.span.start;
        let problem = e
            .message
            .split_once(" at line ")
            .map_or(e.message.as_str(), |(p, _)| p)
            .to_owned();
        ProfileError::invalid(origin, text, Span::new(start, start), problem)
    })?;
    let file: ProfileFile = de::from_node(text, &root).map_err(|e| {
        let start = e.span.start.min(text.len());
        ProfileError::invalid(origin, text, Span::new(start, start), e.message)
    })?;
    if file.version != 1 {
        return Err(ProfileError::invalid(
            origin,
            text,
            find_key(&root, &["entramap-target"]),
            format!(
                "unsupported `entramap-target: {}` (this entramap reads version 1)",
                file.version
            ),
        ));
    }
    validate(&file, &root, text, origin)?;
    Ok(file)
}

/// The place of a value in the profile's tree, by its path of keys and list indexes (the
/// deepest the path reaches when it cannot be found).
fn find_key(root: &node::Node, path: &[&str]) -> Span {
    root.deepest(path).span
}

fn validate(
    file: &ProfileFile,
    root: &node::Node,
    text: &str,
    origin: &str,
) -> Result<(), ProfileError> {
    for (key, section) in [("users", &file.users), ("groups", &file.groups)] {
        for (i, a) in section.attributes.iter().enumerate() {
            let index = i.to_string();
            if let Some(pattern) = &a.pattern {
                if let Err(e) = crate::expr::dotnet_regex::compile(pattern) {
                    return Err(ProfileError::invalid(
                        origin,
                        text,
                        find_key(root, &[key, "attributes", &index, "pattern"]),
                        format!("the `pattern` of `{}` does not compile: {e}", a.name),
                    ));
                }
            }
            for (j, sub) in a.sub_attributes.iter().enumerate() {
                let Some(pattern) = &sub.pattern else {
                    continue;
                };
                if let Err(e) = crate::expr::dotnet_regex::compile(pattern) {
                    return Err(ProfileError::invalid(
                        origin,
                        text,
                        find_key(
                            root,
                            &[
                                key,
                                "attributes",
                                &index,
                                "sub_attributes",
                                &j.to_string(),
                                "pattern",
                            ],
                        ),
                        format!(
                            "the `pattern` of `{}.{}` does not compile: {e}",
                            a.name, sub.name
                        ),
                    ));
                }
            }
        }
        if let Some(matching) = &section.matching {
            let declared = section.attributes.iter().any(|a| &a.name == matching);
            if !declared && file.extends.is_none() {
                let names = section.attributes.iter().map(|a| a.name.as_str());
                let hint = crate::base::suggest::did_you_mean(matching, names)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                return Err(ProfileError::invalid(
                    origin,
                    text,
                    find_key(root, &[key, "matching"]),
                    format!("the matching attribute `{matching}` is not in the {key} attribute list{hint}"),
                ));
            }
        }
    }
    Ok(())
}

fn resolve(
    reference: &str,
    base_dir: Option<&Path>,
    read: ReadProfile<'_>,
    depth: usize,
) -> Result<Profile, ProfileError> {
    if depth > MAX_EXTENDS {
        return Err(ProfileError {
            message: format!(
                "`extends` chain deeper than {MAX_EXTENDS} profiles at `{reference}` (a cycle?)"
            ),
            not_found: false,
            frame: None,
        });
    }
    let (file, dir) = if is_path(reference) {
        let path: PathBuf =
            base_dir.map_or_else(|| PathBuf::from(reference), |d| d.join(reference));
        if !has_profile_extension(reference) {
            return Err(not_a_profile(
                reference,
                "its name does not end in `.yaml`, `.yml` or `.json`",
            ));
        }
        let text = read(&path).map_err(|e| ProfileError {
            message: format!("cannot read target profile `{reference}`: {e}"),
            not_found: matches!(e, ReadError::Io(_)),
            frame: None,
        })?;
        if !looks_like_profile(&text) {
            return Err(not_a_profile(
                reference,
                "it has no `entramap-target` key at the top",
            ));
        }
        (
            parse_file(&text, reference)?,
            path.parent().map(Path::to_path_buf),
        )
    } else {
        let Some(text) = catalogue::entry(reference).map(|e| e.profile) else {
            let hint = TEMPLATE_NAMES
                .iter()
                .find(|(template, _)| template.eq_ignore_ascii_case(reference))
                .map(|(template, profile)| {
                    format!("did you mean `{profile}`? (`{template}` is the Graph template of the non-gallery SCIM app, whose profile is `{profile}`)")
                })
                .or_else(|| crate::base::suggest::did_you_mean(reference, built_in_names()))
                .unwrap_or_else(|| "`entramap targets` lists the built-in profiles".to_owned());
            return Err(ProfileError {
                message: format!("unknown target profile `{reference}`; {hint}"),
                not_found: true,
                frame: None,
            });
        };
        (parse_file(text, reference)?, None)
    };
    apply(file, dir.as_deref(), read, depth)
}

/// A profile given as text rather than named (the playground's pasted profile): parsed, then
/// resolved as a file would be; an `extends` that is a path is taken from the working
/// directory. `origin` names the text in error messages.
pub fn from_text(text: &str, origin: &str) -> Result<Profile, ProfileError> {
    if text.len() > MAX_PROFILE_BYTES {
        return Err(ProfileError {
            message: format!("{origin}: larger than {MAX_PROFILE_BYTES} bytes"),
            not_found: false,
            frame: None,
        });
    }
    apply(parse_file(text, origin)?, None, &read_from_disk, 0)
}

/// The profile a parsed file describes: its `extends` resolved (from `dir`), then its own
/// removals and attributes applied.
fn apply(
    file: ProfileFile,
    dir: Option<&Path>,
    read: ReadProfile<'_>,
    depth: usize,
) -> Result<Profile, ProfileError> {
    let mut profile = match &file.extends {
        Some(parent) => resolve(parent, dir, read, depth + 1)?,
        None => Profile {
            name: String::new(),
            title: None,
            source: None,
            scim_version: ScimVersion::V2,
            gallery: None,
            objects: ByObject::default(),
            matching: ByObject::default(),
        },
    };
    profile.name = file.name;
    profile.title = file.title;
    profile.source = file.source;
    if let Some(version) = file.scim_version {
        profile.scim_version = version;
    }
    if file.gallery.is_some() {
        profile.gallery = file.gallery;
    }
    for (kind, section) in [
        (ObjectKind::User, file.users),
        (ObjectKind::Group, file.groups),
    ] {
        if section.matching.is_some() {
            *profile.matching.of_mut(kind) = section.matching;
        }
        let schema = profile.objects.of_mut(kind);
        for name in &section.remove {
            schema.remove(name);
        }
        for attribute in section.attributes {
            schema.insert(attribute.resolve(kind));
        }
    }
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_loads() {
        for name in built_in_names() {
            let profile = built_in(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(profile.name, name);
            assert!(
                !profile.is_scim() || !profile.objects.users.attributes().is_empty(),
                "{name}"
            );
            if is_gallery(name) {
                assert!(
                    profile.source.is_some(),
                    "{name}: a gallery profile names its tutorial"
                );
            } else if profile.is_scim() {
                assert!(
                    profile
                        .objects
                        .users
                        .get("userName")
                        .is_some_and(|a| a.required),
                    "{name}"
                );
            } else {
                assert!(profile.objects.users.attributes().is_empty(), "{name}");
            }
        }
        let idmelon = built_in("idmelon").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            idmelon.objects.users.get("name.givenName").is_some(),
            "inherits scim-core"
        );
        assert!(idmelon.objects.groups.get("description").is_some());
    }

    #[test]
    fn rfc_7643_fills_in_what_a_profile_leaves_out() {
        let file = parse_file(
            "entramap-target: 1\nname: t\nusers:\n  attributes:\n    - {name: roles, type: string}\n    - {name: emails}\n    - {name: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager, type: String}\ngroups:\n  attributes:\n    - {name: members, type: Reference}\n    - {name: owners, type: Reference}\n",
            "t.yaml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let users: Vec<TargetAttribute> = file
            .users
            .attributes
            .into_iter()
            .map(|a| a.resolve(ObjectKind::User))
            .collect();
        assert!(users[0].multivalued && users[0].is_complex());
        assert_eq!(users[0].ty(), Type::multi(Base::Roles));
        assert!(users[1].multivalued && !users[1].is_complex());
        assert_eq!(users[2].ty(), Type::STRING, "what the profile says wins");
        let groups: Vec<TargetAttribute> = file
            .groups
            .attributes
            .into_iter()
            .map(|a| a.resolve(ObjectKind::Group))
            .collect();
        assert_eq!(groups[0].ty(), Type::multi(Base::Reference));
        assert_eq!(
            groups[1].ty(),
            Type::single(Base::Reference),
            "not a SCIM core name"
        );
    }

    #[test]
    fn profile_problems_are_located() {
        let text = "entramap-target: 1\nname: t\nusers:\n  matching: userNam\n  attributes:\n    - {name: userName, type: Strng}\n";
        let e = parse_file(text, "t.yaml")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert!(e.message.contains("unknown type `Strng`"), "{e}");
        let text = "entramap-target: 1\nname: t\nusers:\n  matching: userNam\n  attributes:\n    - {name: userName}\n";
        let e = parse_file(text, "t.yaml")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        let frame = e.frame.as_ref().unwrap_or_else(|| panic!("no frame"));
        assert_eq!(&text[frame.span.start..frame.span.end], "userNam");
        assert!(e.message.starts_with("t.yaml:4:13: "), "{e}");
        assert!(e.message.contains("did you mean `userName`?"), "{e}");
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let error = built_in("idmelonn")
            .err()
            .unwrap_or_else(|| panic!("found"));
        assert!(error.not_found && error.message.contains("`idmelon`"));
    }

    #[cfg(unix)]
    #[test]
    fn a_profile_path_that_is_not_a_regular_file_is_refused() {
        let error = load("/dev/zero", None)
            .err()
            .unwrap_or_else(|| panic!("loaded /dev/zero"));
        assert!(
            !error.not_found && error.message.contains("is not a target profile"),
            "{error}"
        );
    }

    #[test]
    fn extends_and_remove_from_a_user_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("acme.yaml");
        std::fs::write(&path, "entramap-target: 1\nname: acme\nextends: scim-core\nusers:\n  remove: [title]\n  attributes:\n    - {name: badge, type: Integer}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let profile = load("acme.yaml", Some(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        assert!(profile.objects.users.get("title").is_none());
        assert_eq!(
            profile.objects.users.get("badge").map(|a| a.base),
            Some(Base::Integer)
        );
    }
}
