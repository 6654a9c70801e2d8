//! Findings and how they are reported: the one [`Diagnostic`] type every layer reports with, its
//! [`Severity`], the table of every rule ([`rules`]), the renderers (`human`, `json`, `github`,
//! SARIF: [`report`]) and the masking of secret tokens ([`secrets`]).

pub mod diagnostic;
pub mod human;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod severity;

pub use diagnostic::{Diagnostic, FileReport, Label, Omitted, Summary, MAX_FINDINGS_PER_FILE};
pub use rules::RuleId;
pub use severity::Severity;
