//! Why a target profile cannot be loaded: the message, whether it was found at all, and the
//! place in the profile's text for a code frame.

use crate::base::text::{SourceText, Span};
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, FileReport};

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
    pub(super) fn invalid(origin: &str, text: &str, span: Span, problem: String) -> Self {
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
