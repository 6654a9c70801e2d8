//! The mapping rules: one table, [`CHECKS`], pairing each [`MappingCheck`] with the function
//! that runs it. Rule metadata (severity, explanation, examples) and the check that reports each
//! rule live in [`crate::diagnostics::rules`]; a rule with no check there is reported by the
//! loader or the lint driver.

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
use crate::diagnostics::rules::{Layer, MappingCheck, RuleId};
use declarations::declarations;
use lifecycle::{role_functions, role_targets, soft_delete};
use matching::matching;
use scoping::scoping;
use targets::{duplicate_targets, required_targets, target_attributes};
use values::values;

/// One mapping check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Which check; the rule table lists the ids it may report ([`MappingCheck::rules`]).
    pub check: MappingCheck,
    /// Runs it.
    pub run: fn(&CheckContext<'_>, &mut Sink),
}

/// Every mapping check, in the order they run.
pub static CHECKS: &[Check] = &[
    Check {
        check: MappingCheck::TargetAttributes,
        run: target_attributes,
    },
    Check {
        check: MappingCheck::DuplicateTargets,
        run: duplicate_targets,
    },
    Check {
        check: MappingCheck::Values,
        run: values,
    },
    Check {
        check: MappingCheck::Matching,
        run: matching,
    },
    Check {
        check: MappingCheck::RequiredTargets,
        run: required_targets,
    },
    Check {
        check: MappingCheck::SoftDelete,
        run: soft_delete,
    },
    Check {
        check: MappingCheck::RoleFunctions,
        run: role_functions,
    },
    Check {
        check: MappingCheck::RoleTargets,
        run: role_targets,
    },
    Check {
        check: MappingCheck::Declarations,
        run: declarations,
    },
    Check {
        check: MappingCheck::Scoping,
        run: scoping,
    },
];

impl Check {
    /// Whether this check may report `rule`: a rule the table gives this check, or an expression
    /// rule the checker found in a value (which no mapping check owns).
    pub fn may_report(&self, rule: RuleId) -> bool {
        let rule = rule.rule();
        rule.check == Some(self.check) || (rule.check.is_none() && rule.layer != Layer::Mapping)
    }
}
