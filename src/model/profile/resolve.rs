//! Resolving a profile reference: built-in names through [`crate::model::catalogue`] (parsed
//! once per process), user files by path, then `extends` inherited and `remove` applied into a
//! resolved [`Profile`].

use super::error::ProfileError;
use super::format::{GalleryJob, ProfileFile, ProfileSource, ScimVersion, TargetSchema};
use super::path::{has_profile_extension, is_path, looks_like_profile, not_a_profile};
use super::validate::parse_file;
use crate::base::fs::{read_text_limited, ReadError};
use crate::expr::source::{ByObject, ObjectKind};
use crate::model::catalogue;
use std::path::{Path, PathBuf};

/// The default profile of a mapping file without `target:`.
pub const DEFAULT_PROFILE: &str = "scim-core";

/// How deep `extends` chains may go.
const MAX_EXTENDS: usize = 8;

/// The largest target profile file read, in bytes.
pub const MAX_PROFILE_BYTES: usize = 4 * 1024 * 1024;

/// Names people write for a profile that are Graph template or job names, with the profile
/// they mean: the non-gallery SCIM app's template is `customappsso` (`scim` in job ids).
const TEMPLATE_NAMES: &[(&str, &str)] = &[("customappsso", "scim-core"), ("scim", "scim-core")];

/// The generic profile of a target directory that is not a SCIM service.
pub const NOT_SCIM_PROFILE: &str = "non-scim";

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
    use crate::expr::types::Base;

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
