//! Target schema profiles: what a service provider's SCIM endpoint accepts (the portal's
//! "customappsso Attribute" list for users and groups). The built-in profiles under
//! `schemas/targets/` are compiled in; a user's own profile is a YAML file named by path.
//! `extends` inherits another profile's lists and `remove` drops inherited attributes.

use crate::base::fs::{read_text_limited, ReadError};
use crate::base::named::{Named, NamedList};
use crate::expr::source::ObjectKind;
use crate::expr::types::{Base, Type};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The built-in profiles: name and YAML text.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "scim-core",
        include_str!("../../schemas/targets/scim-core.yaml"),
    ),
    (
        "idmelon",
        include_str!("../../schemas/targets/idmelon.yaml"),
    ),
    (
        "configcat",
        include_str!("../../schemas/targets/configcat.yaml"),
    ),
    (
        "cloudsso",
        include_str!("../../schemas/targets/cloudsso.yaml"),
    ),
];

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
        }
    }

    /// The attribute's type.
    pub fn ty(&self) -> Type {
        Type {
            base: self.base,
            multi: self.multivalued,
        }
    }
}

/// The attribute list of one object in a profile file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectSection {
    /// Attributes added (or replaced, by name) on top of the inherited list.
    #[serde(default)]
    pub attributes: Vec<TargetAttribute>,
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
    /// User attributes.
    pub users: TargetSchema,
    /// Group attributes.
    pub groups: TargetSchema,
}

impl Profile {
    /// The attributes of one target object.
    pub fn object(&self, kind: ObjectKind) -> &TargetSchema {
        match kind {
            ObjectKind::User => &self.users,
            ObjectKind::Group => &self.groups,
        }
    }
}

/// Why a profile cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// What went wrong, with the file and position where known.
    pub message: String,
    /// Whether the profile was not found at all (as opposed to found and invalid).
    pub not_found: bool,
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

/// The names of the built-in profiles.
pub fn built_in_names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(n, _)| *n)
}

/// Whether `reference` (a `target:` value) names a file rather than a built-in profile.
pub fn is_path(reference: &str) -> bool {
    reference.contains(['/', '\\']) || reference.ends_with(".yaml") || reference.ends_with(".yml")
}

/// A built-in profile by name (parsed once per process).
pub fn built_in(name: &str) -> Result<Profile, ProfileError> {
    static PARSED: std::sync::OnceLock<Vec<(&'static str, Result<Profile, ProfileError>)>> =
        std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        built_in_names()
            .map(|n| (n, resolve(n, None, &read_from_disk, 0)))
            .collect()
    });
    match parsed.iter().find(|(n, _)| *n == name) {
        Some((_, profile)) => profile.clone(),
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

/// Parses a profile file's text.
pub fn parse_file(text: &str, origin: &str) -> Result<ProfileFile, ProfileError> {
    let file: ProfileFile =
        serde_saphyr::from_str_with_options(text, serde_saphyr::options! { with_snippet: false })
            .map_err(|e| ProfileError {
            message: format!(
                "{origin}: {}",
                e.without_snippet()
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or("invalid profile")
            ),
            not_found: false,
        })?;
    if file.version != 1 {
        return Err(ProfileError {
            message: format!(
                "{origin}: unsupported `entramap-target: {}` (this entramap reads version 1)",
                file.version
            ),
            not_found: false,
        });
    }
    Ok(file)
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
        });
    }
    let (file, dir) = if is_path(reference) {
        let path: PathBuf =
            base_dir.map_or_else(|| PathBuf::from(reference), |d| d.join(reference));
        let text = read(&path).map_err(|e| ProfileError {
            message: format!("cannot read target profile `{reference}`: {e}"),
            not_found: matches!(e, ReadError::Io(_)),
        })?;
        (
            parse_file(&text, reference)?,
            path.parent().map(Path::to_path_buf),
        )
    } else {
        let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == reference) else {
            let hint = crate::base::suggest::did_you_mean(reference, built_in_names())
                .unwrap_or_else(|| {
                    format!(
                        "built-in profiles: {}",
                        built_in_names().collect::<Vec<_>>().join(", ")
                    )
                });
            return Err(ProfileError {
                message: format!("unknown target profile `{reference}`; {hint}"),
                not_found: true,
            });
        };
        (parse_file(text, reference)?, None)
    };
    let mut profile = match &file.extends {
        Some(parent) => resolve(parent, dir.as_deref(), read, depth + 1)?,
        None => Profile {
            name: String::new(),
            title: None,
            users: TargetSchema::default(),
            groups: TargetSchema::default(),
        },
    };
    profile.name = file.name;
    profile.title = file.title;
    for (schema, section) in [
        (&mut profile.users, file.users),
        (&mut profile.groups, file.groups),
    ] {
        for name in &section.remove {
            schema.remove(name);
        }
        for attribute in section.attributes {
            schema.insert(attribute);
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
                profile.users.get("userName").is_some_and(|a| a.required),
                "{name}"
            );
        }
        let idmelon = built_in("idmelon").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            idmelon.users.get("name.givenName").is_some(),
            "inherits scim-core"
        );
        assert!(idmelon.groups.get("description").is_some());
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
            !error.not_found && error.message.contains("not a regular file"),
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
        assert!(profile.users.get("title").is_none());
        assert_eq!(
            profile.users.get("badge").map(|a| a.base),
            Some(Base::Integer)
        );
    }
}
