//! The one rule of every command that evaluates a mapping file (`preview`, `eval --mapping`,
//! `export`, and any command that will run a file's mappings): a file `lint` reports errors in
//! is not evaluated. The command reports those errors as lint does (with their location) and
//! refuses with exit status 1, unless the user explicitly asks to go on (`--allow-errors`); then
//! it marks every result a mapping with an error contributes to. A value that looks like a
//! secret token is not such an error: it is the data the file carries (findings mask it).

use super::{lint_file, LintReport};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::source::{ByObject, ObjectKind};
use std::path::Path;

/// The lint errors of a file, as the commands that evaluate it see them.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The whole lint report (errors, warnings and notes, located in the file).
    pub lint: LintReport,
    /// Per object, the indices of the mappings that have an error.
    pub mappings: ByObject<Vec<usize>>,
    /// Per object, whether an error concerns the object as a whole (not one mapping: a
    /// scoping filter, the file's header): then every result of that object is affected.
    pub whole: ByObject<bool>,
}

impl Gate {
    /// Lints `path` and sorts its errors by the mapping they belong to.
    pub fn check(path: &Path) -> Gate {
        Gate::of(lint_file(path))
    }

    /// The gate of a lint report already made.
    pub fn of(lint: LintReport) -> Gate {
        let mut mappings = ByObject::from_fn(|_| Vec::new());
        let mut whole = ByObject::from_fn(|_| false);
        for d in lint.report.diagnostics.iter().filter(|d| blocks(d)) {
            match d.path.as_deref().and_then(mapping_of) {
                Some((kind, index)) => {
                    let list: &mut Vec<usize> = mappings.of_mut(kind);
                    if !list.contains(&index) {
                        list.push(index);
                    }
                }
                None => {
                    whole.users = true;
                    whole.groups = true;
                }
            }
        }
        Gate {
            lint,
            mappings,
            whole,
        }
    }

    /// Whether the file has lint errors: the command refuses unless told to go on.
    pub fn blocks(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The errors that stop evaluation, in file order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.lint.report.diagnostics.iter().filter(|d| blocks(d))
    }

    /// Whether the mapping `index` of `kind` is affected by an error (its own, or one of the
    /// whole object).
    pub fn affects(&self, kind: ObjectKind, index: usize) -> bool {
        *self.whole.of(kind) || self.mappings.of(kind).contains(&index)
    }

    /// The lint findings of one mapping (any severity), as a report located in the file.
    pub fn findings_of(&self, kind: ObjectKind, index: usize) -> crate::diagnostics::FileReport {
        let mut report = self.lint.report.clone();
        report.diagnostics.retain(|d| {
            d.path.as_deref().and_then(mapping_of) == Some((kind, index))
                || (d.path.is_none() && blocks(d))
        });
        report
    }
}

/// Whether a finding stops evaluation.
fn blocks(d: &Diagnostic) -> bool {
    d.severity >= Severity::Error && d.rule != RuleId::SecretToken
}

/// `users[3]` to (users, 3): the mapping a finding's path names.
fn mapping_of(path: &str) -> Option<(ObjectKind, usize)> {
    let (object, rest) = path.split_once('[')?;
    let index = rest.strip_suffix(']')?.parse().ok()?;
    let kind = [ObjectKind::User, ObjectKind::Group]
        .into_iter()
        .find(|k| k.plural() == object)?;
    Some((kind, index))
}
