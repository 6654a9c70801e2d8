//! `entramap diff`: a semantic diff of two mapping files (order, formatting and expression
//! spelling do not matter) with the effect of each change on a running provisioning job,
//! flagged by risk: re-matching on a changed matching attribute, the whole tenant on a scope
//! change, stale values after a removed mapping, accounts enabled or disabled, target type
//! changes, create-only changes, and the full initial cycle any schema change starts.
//!
//! This module computes the [`Diff`]; `render` turns it into text (human, JSON, Markdown).

use crate::expr::source::{ObjectKind, SourceSchema};
use crate::model::Prepared;
use crate::model::{Apply, AttributeMapping, MappingKind, Scope};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

mod equivalence;
mod render;

pub use equivalence::equivalent_over;

pub use render::{github, render, DiffFormat, NewFile};

/// How much a change can hurt a running job.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Worth knowing.
    Low,
    /// Changes what existing accounts get; review it.
    Medium,
    /// Can re-match, duplicate, provision, enable or disable accounts at scale.
    High,
}

impl Risk {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// One effect of a change on a running provisioning job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// Stable kebab-case id (`rematch`, `whole-tenant`, `stale-value`, `enable-disable`,
    /// `type-change`, `create-only`, `deprovision`, `mass-create`, `full-cycle`, `update-all`,
    /// `new-values`, `default-on-create`, `mapping-disabled`, `equivalent`).
    pub id: &'static str,
    /// How risky it is.
    pub risk: Risk,
    /// What happens.
    pub message: String,
}

/// Whether a change adds, removes or modifies something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the new file.
    Added,
    /// Only in the old file.
    Removed,
    /// In both, different.
    Changed,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// `users`, `groups`, or `None` for the file as a whole.
    pub object: Option<&'static str>,
    /// What changed: a target attribute, `scope`, `target`, `scoping`, `enabled`,
    /// `target_attributes <name>`, `source_attributes <name>`.
    pub subject: String,
    /// The old value, when there is one.
    pub before: Option<String>,
    /// The new value, when there is one.
    pub after: Option<String>,
    /// Effects on a running job.
    pub effects: Vec<Effect>,
}

impl Change {
    /// The highest risk of its effects.
    pub fn risk(&self) -> Option<Risk> {
        self.effects.iter().map(|e| e.risk).max()
    }
}

/// The changes between two files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Every change, file-level first, then users, then groups.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The highest risk of any change.
    pub fn highest(&self) -> Option<Risk> {
        self.changes.iter().filter_map(Change::risk).max()
    }

    /// How many changes are risky: medium risk or higher.
    pub fn risky_count(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.risk() >= Some(Risk::Medium))
            .count()
    }

    /// Whether a change is at or above `threshold`.
    pub fn risky(&self, threshold: Risk) -> bool {
        self.highest().is_some_and(|r| r >= threshold)
    }
}

fn effect(id: &'static str, risk: Risk, message: impl Into<String>) -> Effect {
    Effect {
        id,
        risk,
        message: message.into(),
    }
}

/// Compares two prepared mapping files.
pub fn diff(old: &Prepared, new: &Prepared) -> Diff {
    let mut changes = Vec::new();
    let file_change = |subject: &str, before: String, after: String, effects: Vec<Effect>| Change {
        kind: ChangeKind::Changed,
        object: None,
        subject: subject.to_owned(),
        before: Some(before),
        after: Some(after),
        effects,
    };
    let (old_scope, new_scope) = (old.file.scope(), new.file.scope());
    if old_scope != new_scope {
        let effects = if new_scope == Scope::All {
            vec![effect("whole-tenant", Risk::High, "every user and group in the tenant comes into scope and is provisioned, not only the assigned ones")]
        } else {
            vec![effect("deprovision", Risk::High, "users and groups that are not assigned to the app leave the scope and are deprovisioned (disabled or deleted in the app)")]
        };
        changes.push(file_change(
            "scope",
            scope_name(old_scope),
            scope_name(new_scope),
            effects,
        ));
    }
    if old.file.target_profile() != new.file.target_profile() {
        changes.push(file_change(
            "target",
            old.file.target_profile().to_owned(),
            new.file.target_profile().to_owned(),
            Vec::new(),
        ));
    }
    if old.file.app.as_ref().map(|a| &a.value) != new.file.app.as_ref().map(|a| &a.value) {
        changes.push(file_change(
            "app",
            old.file
                .app
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            new.file
                .app
                .as_ref()
                .map(|a| a.value.clone())
                .unwrap_or_default(),
            Vec::new(),
        ));
    }
    for kind in ObjectKind::ALL {
        attribute_lists(old, new, kind, &mut changes);
        object_changes(old, new, kind, &mut changes);
    }
    let schema_changed = changes
        .iter()
        .any(|c| c.subject != "app" && c.subject != "scope");
    if schema_changed {
        for change in &mut changes {
            if change.subject != "app" && change.subject != "scope" {
                change.effects.push(effect(
                    "full-cycle",
                    Risk::Low,
                    "saving a changed schema makes Entra restart the job with a full initial cycle over every object in scope",
                ));
                break;
            }
        }
    }
    Diff { changes }
}

fn scope_name(scope: Scope) -> String {
    match scope {
        Scope::Assigned => "assigned".to_owned(),
        Scope::All => "all".to_owned(),
    }
}

fn describe_target(a: &crate::model::profile::TargetAttribute) -> String {
    let mut s = a.base.as_str().to_owned();
    for (on, flag) in [
        (a.multivalued, "multi-valued"),
        (a.required, "required"),
        (a.case_exact, "case-exact"),
        (a.primary_key, "primary key"),
    ] {
        if on {
            let _ = write!(s, ", {flag}");
        }
    }
    s
}

fn type_change(
    name: &str,
    before: crate::expr::types::Type,
    after: crate::expr::types::Type,
) -> Effect {
    effect(
        "type-change",
        Risk::High,
        format!(
            "`{name}` changes type from {before} to {after}: the service provider receives values of another type for every object, and exports fail until both sides agree"
        ),
    )
}

/// Changes to the effective target attribute lists (the profile's attributes plus the file's
/// `target_attributes`; the old file read with its own profile), and to the declared
/// `source_attributes`.
fn attribute_lists(old: &Prepared, new: &Prepared, kind: ObjectKind, changes: &mut Vec<Change>) {
    let object = Some(kind.plural());
    let declared = |p: &Prepared, name: &str| {
        p.file
            .target_attributes
            .of(kind)
            .iter()
            .any(|d| d.attribute.name == name)
    };
    let mapped = |p: &Prepared, name: &str| {
        p.file
            .object(kind)
            .mappings
            .iter()
            .any(|m| m.target.value == name)
    };
    let (old_targets, new_targets) = (old.targets(kind), new.targets(kind));
    // Every name, old ones first (in their order), then the ones only the new list has.
    let names = old_targets.attributes().iter().chain(
        new_targets
            .attributes()
            .iter()
            .filter(|b| old_targets.get(&b.name).is_none()),
    );
    for name in names.map(|a| a.name.clone()) {
        let before = old_targets.get(&name);
        let after = new_targets.get(&name);
        if let (Some(a), Some(b)) = (before, after) {
            if describe_target(a) == describe_target(b) {
                continue;
            }
        }
        let in_file = declared(old, &name) || declared(new, &name);
        if !in_file && !mapped(old, &name) && !mapped(new, &name) {
            // A profile attribute no mapping uses: changing it changes nothing that is sent.
            continue;
        }
        let effects = match (before, after) {
            (Some(a), Some(b)) if a.ty() != b.ty() => vec![type_change(&name, a.ty(), b.ty())],
            _ => Vec::new(),
        };
        changes.push(Change {
            kind: match (before, after) {
                (Some(_), Some(_)) => ChangeKind::Changed,
                (Some(_), None) => ChangeKind::Removed,
                _ => ChangeKind::Added,
            },
            object,
            subject: if in_file {
                format!("target_attributes {name}")
            } else {
                format!("target attribute {name}")
            },
            before: before.map(describe_target),
            after: after.map(describe_target),
            effects,
        });
    }
    let sources = |p: &Prepared| -> Vec<(String, String)> {
        p.file
            .source_attributes
            .of(kind)
            .iter()
            .map(|d| (d.attribute.name.clone(), d.attribute.ty().to_string()))
            .collect()
    };
    let (old_sources, new_sources) = (sources(old), sources(new));
    for (name, ty) in &old_sources {
        let after = new_sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone());
        if after.as_ref() == Some(ty) {
            continue;
        }
        changes.push(Change {
            kind: if after.is_some() {
                ChangeKind::Changed
            } else {
                ChangeKind::Removed
            },
            object,
            subject: format!("source_attributes {name}"),
            before: Some(ty.clone()),
            after,
            effects: Vec::new(),
        });
    }
    for (name, ty) in &new_sources {
        if !old_sources.iter().any(|(n, _)| n == name) {
            changes.push(Change {
                kind: ChangeKind::Added,
                object,
                subject: format!("source_attributes {name}"),
                before: None,
                after: Some(ty.clone()),
                effects: Vec::new(),
            });
        }
    }
}

/// A scoping filter as sets of clause texts: OR between the sets, AND inside one. Empty: no
/// filter (every object in scope).
fn scoping_groups(p: &Prepared, kind: ObjectKind) -> Vec<BTreeSet<String>> {
    p.file
        .object(kind)
        .scoping
        .iter()
        .map(|group| group.iter().map(clause_text).collect())
        .collect()
}

fn clause_text(c: &crate::model::Clause) -> String {
    let mut s = format!("{} {}", c.attribute.value, c.operator.value);
    if let Some(v) = &c.value {
        let _ = write!(s, " \"{}\"", v.value);
    }
    s
}

/// Whether filter `a` admits at least every object `b` admits, judged by the clauses: each
/// clause group of `b` holds at least the clauses of a group of `a` (no filter admits all).
fn admits_all_of(a: &[BTreeSet<String>], b: &[BTreeSet<String>]) -> bool {
    a.is_empty()
        || (!b.is_empty()
            && b.iter()
                .all(|group| a.iter().any(|wider| wider.is_subset(group))))
}

/// What a change of scoping filter does, per direction: a wider scope brings objects in (they
/// are created in the app), a narrower one takes them out (they are disabled or deleted).
fn scoping_effects(
    old: &[BTreeSet<String>],
    new: &[BTreeSet<String>],
    kind: ObjectKind,
) -> Vec<Effect> {
    let plural = kind.plural();
    let widens = !admits_all_of(old, new);
    let narrows = !admits_all_of(new, old);
    let mut effects = Vec::new();
    if widens {
        let what = if new.is_empty() {
            format!(
                "the scoping filter is removed: every {} of the app's scope comes in",
                kind.as_str()
            )
        } else {
            "the new scoping filter admits objects the old one left out".to_owned()
        };
        effects.push(effect(
            "mass-create",
            Risk::High,
            format!("{what}; {plural} that come in are created in the app (possibly many at once)"),
        ));
    }
    if narrows {
        let what = if old.is_empty() {
            "a scoping filter is added".to_owned()
        } else {
            "the new scoping filter leaves out objects the old one admitted".to_owned()
        };
        effects.push(effect(
            "deprovision",
            Risk::High,
            format!("{what}; {plural} that fall out of scope are deprovisioned (disabled or deleted in the app)"),
        ));
    }
    effects
}

fn scoping_text(p: &Prepared, kind: ObjectKind) -> String {
    p.file
        .object(kind)
        .scoping
        .iter()
        .map(|group| {
            let clauses: Vec<String> = group.iter().map(clause_text).collect();
            format!("({})", clauses.join(" AND "))
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The value of a mapping, as compared: mapping type, canonical value.
fn value_of(m: &AttributeMapping) -> String {
    match &m.kind {
        Some(kind @ MappingKind::Direct(_)) => format!("source {}", kind.one_line()),
        Some(kind @ MappingKind::Expression { .. }) => format!("expression {}", kind.one_line()),
        Some(kind @ MappingKind::Constant(_)) => format!("constant {}", kind.one_line()),
        None => "(none)".to_owned(),
    }
}

fn describe_mapping(m: &AttributeMapping) -> String {
    let mut s = value_of(m);
    if let Some(p) = &m.matching_precedence {
        let _ = write!(s, ", matching precedence {}", p.value);
    }
    if m.apply.value == Apply::OnCreate {
        s.push_str(", on create only");
    }
    if let Some(d) = &m.default {
        let _ = write!(s, ", default \"{}\"", d.value);
    }
    s
}

/// Whether a mapping decides whether accounts are enabled (`active`, or reads `IsSoftDeleted`
/// or `accountEnabled`).
fn enables_accounts(m: &AttributeMapping) -> bool {
    let target = m.target.value.rsplit(':').next().unwrap_or_default();
    target.eq_ignore_ascii_case("active")
        || m.kind.as_ref().is_some_and(|k| {
            let text = k.text().value.as_str();
            text.contains("IsSoftDeleted") || text.contains("accountEnabled")
        })
}

fn object_changes(old: &Prepared, new: &Prepared, kind: ObjectKind, changes: &mut Vec<Change>) {
    let object = Some(kind.plural());
    let (a, b) = (old.file.object(kind), new.file.object(kind));
    let (old_on, new_on) = (a.present && a.enabled, b.present && b.enabled);
    if old_on != new_on {
        let effects = vec![if new_on {
            effect(
                "new-values",
                Risk::Medium,
                format!("{} in scope start to be provisioned", kind.plural()),
            )
        } else {
            effect(
                "mapping-disabled",
                Risk::Medium,
                format!(
                    "{} are no longer created or updated; those already in the app stay as they are",
                    kind.plural()
                ),
            )
        }];
        changes.push(Change {
            kind: ChangeKind::Changed,
            object,
            subject: "enabled".to_owned(),
            before: Some(old_on.to_string()),
            after: Some(new_on.to_string()),
            effects,
        });
    }
    let (old_scoping, new_scoping) = (scoping_text(old, kind), scoping_text(new, kind));
    if old_scoping != new_scoping {
        changes.push(Change {
            kind: ChangeKind::Changed,
            object,
            subject: "scoping".to_owned(),
            before: Some(old_scoping).filter(|s| !s.is_empty()),
            after: Some(new_scoping).filter(|s| !s.is_empty()),
            effects: scoping_effects(&scoping_groups(old, kind), &scoping_groups(new, kind), kind),
        });
    }
    let first = |list: &'_ [AttributeMapping], target: &str| {
        list.iter().position(|m| m.target.value == target)
    };
    for (i, m) in a.mappings.iter().enumerate() {
        if first(&a.mappings, &m.target.value) != Some(i) {
            continue;
        }
        match first(&b.mappings, &m.target.value).map(|j| &b.mappings[j]) {
            None => {
                let mut effects = vec![effect(
                    "stale-value",
                    Risk::Medium,
                    format!(
                        "`{}` stops being updated; the app keeps the last value sent (removing a mapping does not clear the attribute)",
                        m.target.value
                    ),
                )];
                if m.matching_precedence.is_some() {
                    effects.push(rematch(&m.target.value));
                }
                if enables_accounts(m) {
                    effects.push(effect(
                        "enable-disable",
                        Risk::High,
                        "accounts are no longer enabled or disabled by this mapping: soft-deleted or blocked users stay active in the app",
                    ));
                }
                changes.push(Change {
                    kind: ChangeKind::Removed,
                    object,
                    subject: m.target.value.clone(),
                    before: Some(describe_mapping(m)),
                    after: None,
                    effects,
                });
            }
            Some(n) => {
                if let Some(change) = mapping_change(m, n, object, &new.sources(kind)) {
                    changes.push(change);
                }
            }
        }
    }
    for (j, n) in b.mappings.iter().enumerate() {
        if first(&b.mappings, &n.target.value) != Some(j)
            || first(&a.mappings, &n.target.value).is_some()
        {
            continue;
        }
        let mut effects = Vec::new();
        if n.matching_precedence.is_some() {
            effects.push(rematch(&n.target.value));
        }
        if enables_accounts(n) {
            effects.push(effect(
                "enable-disable",
                Risk::High,
                "this mapping decides whether accounts are active: existing accounts can be enabled or disabled on the next cycle",
            ));
        }
        if n.apply.value == Apply::OnCreate {
            effects.push(effect(
                "create-only",
                Risk::Low,
                format!(
                    "`{}` is sent only when an account is created; existing accounts do not get it",
                    n.target.value
                ),
            ));
        } else {
            effects.push(effect(
                "new-values",
                Risk::Low,
                format!(
                    "`{}` is sent for every {} in scope on the next cycle",
                    n.target.value,
                    kind.as_str()
                ),
            ));
        }
        changes.push(Change {
            kind: ChangeKind::Added,
            object,
            subject: n.target.value.clone(),
            before: None,
            after: Some(describe_mapping(n)),
            effects,
        });
    }
}

fn rematch(target: &str) -> Effect {
    effect(
        "rematch",
        Risk::High,
        format!(
            "the matching attributes change (`{target}`): every existing account is matched again; accounts that no longer match are created a second time (duplicates) or fail"
        ),
    )
}

fn mapping_change(
    a: &AttributeMapping,
    b: &AttributeMapping,
    object: Option<&'static str>,
    sources: &SourceSchema,
) -> Option<Change> {
    if describe_mapping(a) == describe_mapping(b) {
        return None;
    }
    let mut effects = Vec::new();
    let precedence = |m: &AttributeMapping| m.matching_precedence.as_ref().map(|p| p.value);
    let mut value_changed = value_of(a) != value_of(b);
    if value_changed {
        if let (Some(old), Some(new)) = (&a.kind, &b.kind) {
            if let Some(inputs) = equivalent_over(old, new, sources) {
                value_changed = false;
                let inputs: Vec<String> = inputs.iter().map(|i| format!("`{i}`")).collect();
                effects.push(effect(
                    "equivalent",
                    Risk::Low,
                    format!(
                        "the new value is the same function of {} as the old one (checked for every value each can take): existing accounts get the same value",
                        inputs.join(", ")
                    ),
                ));
            }
        }
    }
    if precedence(a) != precedence(b) || (precedence(a).is_some() && value_changed) {
        effects.push(rematch(&b.target.value));
    }
    if value_changed && (enables_accounts(a) || enables_accounts(b)) {
        effects.push(effect(
            "enable-disable",
            Risk::High,
            "the mapping that decides whether accounts are active changes: existing accounts can be enabled or disabled on the next cycle",
        ));
    }
    if a.apply.value != b.apply.value {
        if b.apply.value == Apply::OnCreate {
            effects.push(effect(
                "create-only",
                Risk::Low,
                format!(
                    "`{}` is now sent only when an account is created; existing accounts keep their current value",
                    b.target.value
                ),
            ));
        } else {
            effects.push(effect(
                "update-all",
                Risk::Medium,
                format!(
                    "`{}` is now also sent on update: every existing account is updated",
                    b.target.value
                ),
            ));
        }
    } else if value_changed && b.apply.value == Apply::OnCreate {
        effects.push(effect(
            "create-only",
            Risk::Low,
            "the new value applies only to accounts created from now on; existing accounts are unchanged",
        ));
    } else if value_changed {
        effects.push(effect(
            "update-all",
            Risk::Medium,
            format!(
                "`{}` is recomputed and updated for every existing account",
                b.target.value
            ),
        ));
    }
    if a.default.as_ref().map(|d| &d.value) != b.default.as_ref().map(|d| &d.value) {
        effects.push(effect(
            "default-on-create",
            Risk::Low,
            "the default value applies only when an account is created",
        ));
    }
    Some(Change {
        kind: ChangeKind::Changed,
        object,
        subject: b.target.value.clone(),
        before: Some(describe_mapping(a)),
        after: Some(describe_mapping(b)),
        effects,
    })
}
