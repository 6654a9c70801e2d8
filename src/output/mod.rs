//! What entramap generates from a mapping file: setup tables ([`table`]) and a JSON Schema of the
//! SCIM resources the service provider receives ([`docs`]). Both read a [`Prepared`] mapping:
//! the loaded file with its target profile resolved. The Graph schema export is in
//! [`crate::graph`], the semantic diff in [`crate::diff`].

pub mod docs;
pub mod table;

use crate::diagnostic::Diagnostic;
use crate::mapping::{load_str, MappingFile, MappingKind};
use crate::profile::{self, Profile, TargetSchema};
use crate::report::{FileReport, Source};
use crate::source::{entra_id, ObjectKind, SourceSchema};
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
    /// (`unknown-target-profile` or `invalid-target-profile`) at the file's `target:`.
    Profile(Box<Diagnostic>),
}

impl PrepareError {
    /// The findings, whatever the cause.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            PrepareError::Findings(diagnostics) => diagnostics,
            PrepareError::Profile(diagnostic) => vec![*diagnostic],
        }
    }
}

/// Loads a mapping file's text (`name` picks YAML or JSON) and resolves its target profile
/// (`base_dir` resolves a profile given by path). Loader warnings are not errors here.
pub fn prepare(name: &str, text: &str, base_dir: Option<&Path>) -> Result<Prepared, PrepareError> {
    let file = load_str(name, text)
        .into_valid()
        .map_err(PrepareError::Findings)?;
    let profile = profile::load(file.target_profile(), base_dir)
        .map_err(|e| PrepareError::Profile(Box::new(crate::lint::profile_diagnostic(&file, &e))))?;
    Ok(Prepared { file, profile })
}

/// Reads a mapping file from disk (bounded: see [`crate::lint::read_mapping_file`]) and
/// prepares it. On failure, the report to print, its findings located in the file; whether it
/// is a configuration error (exit status 2 rather than 1) is
/// [`crate::lint::has_configuration_error`] of its diagnostics.
pub fn prepare_file(path: &Path) -> Result<Prepared, FileReport> {
    let text = crate::lint::read_mapping_file(path)?;
    let name = path.display().to_string();
    prepare(&name, &text, path.parent()).map_err(|error| FileReport {
        source: Source::new(name.clone(), text.clone()),
        diagnostics: error.into_diagnostics(),
    })
}

impl Prepared {
    /// The profile's attributes of one object plus the file's `target_attributes`.
    pub fn targets(&self, kind: ObjectKind) -> TargetSchema {
        let mut schema = match kind {
            ObjectKind::User => self.profile.users.clone(),
            ObjectKind::Group => self.profile.groups.clone(),
        };
        for decl in self.file.target_attributes.of(kind) {
            schema.insert(decl.attribute.clone());
        }
        schema
    }

    /// Entra's attributes of one object plus the file's `source_attributes`.
    pub fn sources(&self, kind: ObjectKind) -> SourceSchema {
        let mut schema = entra_id().object(kind).clone();
        for decl in self.file.source_attributes.of(kind) {
            schema.insert(decl.attribute.clone());
        }
        schema
    }
}

/// The value of a mapping on one line: the source attribute name, the expression in canonical
/// form (as written, whitespace collapsed, when it does not parse), or the constant in quotes.
pub fn value_text(kind: &MappingKind) -> String {
    match kind {
        MappingKind::Source(text) => text.value.clone(),
        MappingKind::Expression {
            expr: Some(expr), ..
        } => crate::syntax::print(expr),
        MappingKind::Expression { text, expr: None } => {
            text.value.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        MappingKind::Constant(text) => format!("\"{}\"", text.value),
    }
}

/// The plural object name used in files and options (`users`, `groups`).
pub fn plural(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::User => "users",
        ObjectKind::Group => "groups",
    }
}
