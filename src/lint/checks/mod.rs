//! The mapping rules: one table, [`CHECKS`], each entry a named check with the rule ids it
//! reports and the function that runs it. Rule metadata (severity, explanation, examples) lives
//! in [`crate::diagnostics::rules`].

//!
//! Each group of checks has its own file: `targets` (paths, the profile, required targets),
//! `values` (sources and types), `matching`, `lifecycle` (soft delete, role functions),
//! `declarations` (the file's own attribute declarations) and `scoping`.

mod declarations;
mod lifecycle;
mod matching;
mod scoping;
mod targets;
mod values;

use super::{CheckContext, Sink};
use crate::diagnostics::rules::RuleId;
use declarations::declarations;
use lifecycle::{role_functions, role_targets, soft_delete};
use matching::matching;
use scoping::scoping;
use targets::{duplicate_targets, required_targets, target_attributes};
use values::values;

/// One mapping check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// A short name.
    pub name: &'static str,
    /// The rule ids it may report.
    pub rules: &'static [RuleId],
    /// Runs it.
    pub run: fn(&CheckContext<'_>, &mut Sink),
}

/// Every mapping check, in the order they run.
pub static CHECKS: &[Check] = &[
    Check {
        name: "target attributes",
        rules: &[
            RuleId::MalformedTargetPath,
            RuleId::UnknownTargetAttribute,
            RuleId::PrimaryKeyTarget,
            RuleId::ReadOnlyTarget,
            RuleId::GalleryApplyOnCreate,
        ],
        run: target_attributes,
    },
    Check {
        name: "duplicate targets",
        rules: &[RuleId::DuplicateTarget],
        run: duplicate_targets,
    },
    Check {
        name: "values",
        rules: &[
            RuleId::UnknownSourceAttribute,
            RuleId::TargetTypeMismatch,
            RuleId::ReferenceToString,
            RuleId::AppRoleAssignmentsDirect,
            RuleId::MultivaluedExtensionSource,
        ],
        run: values,
    },
    Check {
        name: "matching",
        rules: &[
            RuleId::MissingMatchingAttribute,
            RuleId::MatchingPrecedenceDuplicate,
            RuleId::MatchingPrecedenceInvalid,
            RuleId::MatchingAttributeSource,
            RuleId::MatchingNotFilterable,
        ],
        run: matching,
    },
    Check {
        name: "required targets",
        rules: &[RuleId::RequiredTargetUnmapped],
        run: required_targets,
    },
    Check {
        name: "soft delete",
        rules: &[RuleId::IsSoftDeletedUnmapped],
        run: soft_delete,
    },
    Check {
        name: "role functions",
        rules: &[RuleId::RoleFunctionSyncAll],
        run: role_functions,
    },
    Check {
        name: "role targets",
        rules: &[RuleId::SingleRoleIntoType],
        run: role_targets,
    },
    Check {
        name: "declarations",
        rules: &[
            RuleId::CustomAttributeName,
            RuleId::CustomAttributeType,
            RuleId::DirectoryExtensionName,
        ],
        run: declarations,
    },
    Check {
        name: "scoping",
        rules: &[
            RuleId::ScopingUnknownAttribute,
            RuleId::ScopingUnknownOperator,
            RuleId::ScopingValue,
            RuleId::ScopingRegexUnsupported,
            RuleId::ScopingAttributeNotAllowed,
            RuleId::ScopingOperatorType,
        ],
        run: scoping,
    },
];

/// Rule ids reported by the loader and the lint driver rather than by a check.
pub const DRIVER_RULES: &[RuleId] = &[
    RuleId::NotScimTarget,
    RuleId::FileSyntax,
    RuleId::FileUnreadable,
    RuleId::InputLimit,
    RuleId::UnknownKey,
    RuleId::DuplicateKey,
    RuleId::InvalidValue,
    RuleId::MissingKey,
    RuleId::UnsupportedVersion,
    RuleId::ConflictingMappingTypes,
    RuleId::UnknownTargetProfile,
    RuleId::InvalidTargetProfile,
    RuleId::NotAMappingFile,
    RuleId::SecretToken,
    RuleId::UnusedAllow,
    RuleId::AllowUnknownRule,
];
