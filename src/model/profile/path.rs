//! Which references and files are target profiles: a `target:` value that names a path, a
//! path with a profile's extension, a text with the `entramap-target` key at the top.

use super::error::ProfileError;
use std::path::Path;

/// Whether `reference` (a `target:` value) names a file rather than a built-in profile.
pub fn is_path(reference: &str) -> bool {
    reference.contains(['/', '\\']) || reference.ends_with(".yaml") || reference.ends_with(".yml")
}

/// Whether a profile path has a profile's extension (`.yaml`, `.yml` or `.json`, any case).
pub(super) fn has_profile_extension(reference: &str) -> bool {
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
pub(super) fn not_a_profile(reference: &str, why: &str) -> ProfileError {
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
