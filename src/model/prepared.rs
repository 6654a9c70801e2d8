//! The resolved mapping file every consumer reads (`table`, `docs`, `export`, `diff`,
//! `preview`): the loaded file with its target profile, and the source and target schemas of
//! each object with the file's own declarations added.

use super::profile::{self, Profile, ProfileError, TargetSchema};
use super::{load_str, read_mapping_file, MappingFile};
use crate::base::text::{SourceText, Span};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, FileReport};
use crate::expr::source::{entra_id, ObjectKind, SourceSchema};
use std::path::Path;

/// A mapping file that loaded without errors, with its target profile.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The file model.
    pub file: MappingFile,
    /// The resolved target profile (`target:`, default `scim-core`).
    pub profile: Profile,
}

/// Why a mapping file cannot be used for output.
#[derive(Debug, Clone)]
pub enum PrepareError {
    /// The file does not load: its error findings, located in the text.
    Findings(Vec<Diagnostic>),
    /// The target profile cannot be loaded: the configuration finding
    /// (`unknown-target-profile` or `invalid-target-profile`) at the file's `target:`, and the
    /// problem located in the profile file when its place is known.
    Profile(Box<Diagnostic>, Option<Box<FileReport>>),
}

impl PrepareError {
    /// The findings, whatever the cause.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            PrepareError::Findings(diagnostics) => diagnostics,
            PrepareError::Profile(diagnostic, _) => vec![*diagnostic],
        }
    }
}

/// Loads a mapping file's text (`name` picks YAML or JSON) and resolves its target profile
/// (`base_dir` resolves a profile given by path). Loader warnings are not errors here.
pub fn prepare(name: &str, text: &str, base_dir: Option<&Path>) -> Result<Prepared, PrepareError> {
    prepare_against(name, text, |file| {
        profile::load(file.target_profile(), base_dir)
    })
}

/// [`prepare`] against `profile` instead of the profile the file's `target:` names (the
/// playground's target picker).
pub fn prepare_with_profile(
    name: &str,
    text: &str,
    profile: Result<Profile, ProfileError>,
) -> Result<Prepared, PrepareError> {
    prepare_against(name, text, |_| profile)
}

fn prepare_against(
    name: &str,
    text: &str,
    resolve: impl FnOnce(&MappingFile) -> Result<Profile, ProfileError>,
) -> Result<Prepared, PrepareError> {
    let file = load_str(name, text)
        .into_valid()
        .map_err(PrepareError::Findings)?;
    let profile = resolve(&file).map_err(|e| {
        PrepareError::Profile(
            Box::new(profile_diagnostic(&file, &e)),
            e.report().map(Box::new),
        )
    })?;
    Ok(Prepared { file, profile })
}

/// Reads a mapping file from disk (bounded: see [`read_mapping_file`]) and
/// prepares it. On failure, the reports to print: the file's findings located in it, then the
/// target profile's problem located in the profile file when there is one; whether it is a
/// configuration error (exit status 2 rather than 1) is `lint::has_configuration_error` of
/// their diagnostics.
pub fn prepare_file(path: &Path) -> Result<Prepared, Vec<FileReport>> {
    let text = read_mapping_file(path).map_err(|report| vec![report])?;
    prepare_text(&path.display().to_string(), text, path.parent())
}

/// [`prepare_file`] of a text already read (standard input): `name` shows in findings and
/// picks YAML or JSON, `base_dir` resolves a profile given by path.
pub fn prepare_text(
    name: &str,
    text: String,
    base_dir: Option<&Path>,
) -> Result<Prepared, Vec<FileReport>> {
    let name = name.to_owned();
    prepare(&name, &text, base_dir).map_err(|error| {
        let profile = match &error {
            PrepareError::Profile(_, profile) => profile.as_deref().cloned(),
            PrepareError::Findings(_) => None,
        };
        let mut reports = vec![FileReport::new(
            SourceText::new(name.clone(), text.clone()),
            error.into_diagnostics(),
        )];
        reports.extend(profile);
        reports
    })
}

impl Prepared {
    /// The profile's attributes of one object plus the file's `target_attributes`.
    pub fn targets(&self, kind: ObjectKind) -> TargetSchema {
        let mut schema = self.profile.object(kind).clone();
        for decl in self.file.target_attributes.of(kind) {
            schema.insert(decl.attribute.clone());
        }
        schema
    }

    /// Entra's attributes of one object plus the file's `source_attributes`.
    pub fn sources(&self, kind: ObjectKind) -> SourceSchema {
        let mut schema = entra_id().of(kind).clone();
        for decl in self.file.source_attributes.of(kind) {
            schema.insert(decl.attribute.clone());
        }
        schema
    }
}

/// The finding for a target profile that cannot be loaded (`unknown-target-profile` or
/// `invalid-target-profile`, both configuration errors), at the file's `target:`.
pub fn profile_diagnostic(file: &MappingFile, error: &ProfileError) -> Diagnostic {
    let span = file.target.as_ref().map_or(Span::new(0, 0), |t| t.span);
    let rule = if error.not_found {
        RuleId::UnknownTargetProfile
    } else {
        RuleId::InvalidTargetProfile
    };
    Diagnostic::new(rule, span, error.message.clone())
        .with_primary_label("target profile")
        .with_help("use a built-in profile (`entramap targets` lists them: generic ones and gallery apps) or a path to a profile file")
}
