//! Why an object is skipped, disabled or deleted: one table of stable reason ids, each with the
//! name Entra's provisioning logs give it where there is one (`SkipReason` and error codes, as
//! Microsoft documents them for provisioning logs and provision on demand).

use serde::{Serialize, Serializer};

macro_rules! reasons {
    ($($variant:ident => $id:literal, $entra:expr, $summary:literal;)*) => {
        /// A reason, with a stable id (`not-assigned`) and Entra's own name beside it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Reason {
            $(#[doc = $summary] $variant,)*
        }

        /// Every reason, in the order of the table.
        pub const REASONS: &[Reason] = &[$(Reason::$variant,)*];

        impl Reason {
            /// The stable id (what `plan --format json` writes).
            pub fn id(self) -> &'static str {
                match self { $(Reason::$variant => $id,)* }
            }

            /// Entra's name for it (a provisioning log's `SkipReason` or error code), if it
            /// has one.
            pub fn entra(self) -> Option<&'static str> {
                match self { $(Reason::$variant => $entra,)* }
            }

            /// One line on what it means.
            pub fn summary(self) -> &'static str {
                match self { $(Reason::$variant => $summary,)* }
            }
        }
    };
}

// Entra's names: `NotEffectivelyEntitled` is the SkipReason of a user not assigned, disabled,
// or out of scope ("IsEffectivelyEntitledForProvisioning" in the log's scoping step);
// `DuplicateTargetEntries` / `DuplicateSourceEntries` are documented error codes of the
// provisioning logs; `UnableToResolveReferenceAttributeValue` the SkipReason of a reference
// (manager) outside scope. Sources: MicrosoftDocs/entra-docs
// docs/identity/monitoring-health/concept-provisioning-logs.md and
// docs/identity/app-provisioning/provision-on-demand.md.
reasons! {
    NotAssigned => "not-assigned", Some("NotEffectivelyEntitled"),
        "The user (or group) is not assigned to the app, directly or through a group it is an immediate member of.";
    OutOfScope => "out-of-scope", Some("NotEffectivelyEntitled"),
        "The object fails the scoping filter (or the object mapping is disabled, or IgnoreObjectFlow was reached).";
    SoftDeleted => "soft-deleted", Some("NotEffectivelyEntitled"),
        "The user is disabled or soft-deleted in Entra ID (IsSoftDeleted).";
    NoMatchingValue => "no-matching-value", None,
        "The matching attribute has no value: Entra cannot look the object up.";
    DuplicateTarget => "duplicate-target", Some("DuplicateTargetEntries"),
        "More than one existing account matches the object.";
    DuplicateSource => "duplicate-source", Some("DuplicateSourceEntries"),
        "Another object of the export has the same matching value.";
    ReferenceUnresolved => "reference-unresolved", Some("UnableToResolveReferenceAttributeValue"),
        "A reference (a manager, a group member) points at an object outside scope.";
    MappingError => "mapping-error", None,
        "The mapping cannot produce a value the target takes (as preview reports it).";
    Unreadable => "unreadable", None,
        "The row of the export cannot be read.";
    SkipOutOfScopeDeletions => "skip-out-of-scope-deletions", None,
        "The job's SkipOutOfScopeDeletions setting keeps the account as it is.";
    NoActiveMapping => "no-active-mapping", None,
        "The user is soft-deleted but nothing maps `active`: Entra sends no disable.";
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = REASONS.iter().map(|r| r.id()).collect();
        assert!(ids
            .iter()
            .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), REASONS.len());
    }
}
