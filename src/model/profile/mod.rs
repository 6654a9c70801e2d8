//! Target schema profiles: what a service provider's SCIM endpoint accepts (the portal's
//! "customappsso Attribute" list for users and groups). The built-in profiles (the generic ones
//! under `schemas/targets/` and the gallery apps under `schemas/gallery/`, listed by
//! [`crate::model::catalogue`]) are compiled in; a user's own profile is a YAML file named by path.
//! `extends` inherits another profile's lists and `remove` drops inherited attributes.
//!
//! One concept a file, each depending only on those listed before it: `error` (why a profile
//! cannot be loaded), `path` (which paths and texts are profiles), `format` (the serde file
//! format), `validate` (parsing a file's text with located errors) and `resolve` (built-in
//! lookup, user files, `extends`/`remove`). Everything public is re-exported here.

mod error;
mod format;
mod path;
mod resolve;
mod validate;

pub use error::{ProfileError, ProfileFrame};
pub use format::{
    rfc7643_parts, ApplyDefault, AttributeEntry, GalleryJob, Mutability, ObjectSection,
    ProfileFile, ProfileSource, ReferencedObject, ScimVersion, SubAttribute, TargetAttribute,
    TargetSchema, NOT_SCIM_CHECKS,
};
pub use path::{is_path, looks_like_profile};
pub use resolve::{
    built_in, built_in_names, from_text, gallery_for_directory, is_gallery, load, load_with,
    read_from_disk, Profile, ReadProfile, DEFAULT_PROFILE, MAX_PROFILE_BYTES, NOT_SCIM_PROFILE,
};
pub use validate::parse_file;
