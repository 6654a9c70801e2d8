//! The impact of a mapping change on the tenant's data: the old and the new mapping planned
//! over the same export, object by object, and the differences in outcome that a reviewer
//! approves: who leaves scope or assignment (and so is disabled, deleted or kept), who enters
//! (and so is created), which target values change (with examples and the new nulls), who
//! would match another account, none, or several.
//!
//! Both plans decide the objects of one export in the same order, so the comparison pairs the
//! n-th decision of each; [`Side`] is what is kept of an old decision until the new plan
//! decides the same object.

use super::layout::{FieldValues, Layout};
use super::path::{parse, plain_str, same};
use super::{Action, Decision, Reason, Settings};
use crate::expr::source::ObjectKind;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A value that breaks the target's rules, as preview checks them: the profile's
/// `max_length`, `pattern` and `unique`, and the attribute's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invalid {
    /// The target attribute.
    pub target: String,
    /// Preview's rule (`preview-constraint`, `preview-type`).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

impl Invalid {
    /// The invalid values among an object's problems (errors of the rules above).
    pub fn of(problems: &[crate::preview::Problem]) -> Vec<Invalid> {
        use crate::diagnostics::RuleId;
        problems
            .iter()
            .filter(|p| {
                p.severity >= crate::diagnostics::Severity::Error
                    && matches!(p.rule, RuleId::PreviewConstraint | RuleId::PreviewType)
            })
            .filter_map(|p| {
                Some(Invalid {
                    target: p.target.clone()?,
                    rule: p.rule.as_str(),
                    message: p.message.clone(),
                })
            })
            .collect()
    }
}

/// What the impact keeps of one plan's decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// User or group.
    #[serde(skip)]
    pub kind: ObjectKind,
    /// The object's key.
    pub key: String,
    /// The action.
    pub action: Action,
    /// The reason, if any.
    pub reason: Option<Reason>,
    /// The account matched, if any.
    pub account: Option<String>,
    /// The values of the mapping's fields, if it gives a payload.
    #[serde(skip)]
    pub values: Option<FieldValues>,
    /// Its values that break the target's rules.
    pub invalid: Vec<Invalid>,
}

impl Side {
    /// What is kept of a decision.
    pub fn of(decision: &Decision) -> Side {
        Side {
            kind: decision.kind,
            key: decision.key.clone(),
            action: decision.action,
            reason: decision.reason,
            account: decision.account.clone(),
            values: decision.values.clone(),
            invalid: decision.invalid.clone(),
        }
    }

    /// Whether Entra provisions the object (creates, updates or leaves its account as it is;
    /// also without a reference it cannot resolve, a manager or a member).
    fn provisioned(&self) -> bool {
        matches!(
            self.action,
            Action::Create | Action::Update | Action::Unchanged
        ) && self.reason.is_none_or(|r| r == Reason::ReferenceUnresolved)
    }

    /// Whether the object is out of scope or unassigned.
    fn out(&self) -> bool {
        matches!(
            self.reason,
            Some(Reason::NotAssigned | Reason::OutOfScope | Reason::SoftDeleted)
        )
    }
}

/// An object that leaves or enters scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// The object's key.
    pub key: String,
    /// Why it leaves (the new reason id) or `enters`.
    pub reason: String,
    /// What Entra does to its account: `disable`, `delete`, `kept` (SkipOutOfScopeDeletions)
    /// for one leaving; `create` or `match` for one entering.
    pub effect: String,
}

/// One example of a changed value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// The object's key.
    pub key: String,
    /// The value with the old mapping (null: none).
    pub old: Value,
    /// The value with the new mapping (null: none).
    pub new: Value,
}

/// How one target attribute's values change.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AttributeImpact {
    /// Objects whose value changes.
    pub changed: u64,
    /// Of those, objects that had a value and have none now.
    pub new_nulls: u64,
    /// The first few.
    pub examples: Vec<Example>,
    /// Objects whose value breaks the target's rules with the new mapping and did not with
    /// the old one (Entra's export of them fails).
    pub invalid: u64,
    /// The first few, with what is wrong.
    pub invalid_examples: Vec<InvalidExample>,
}

/// One example of a value that becomes invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidExample {
    /// The object's key.
    pub key: String,
    /// Preview's rule.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

/// An object that would match another account, none, or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rematch {
    /// The object's key.
    pub key: String,
    /// The account matched with the old mapping.
    pub old: Option<String>,
    /// With the new one.
    pub new: Option<String>,
    /// The new action (`create` when it no longer matches, `skip` for duplicates).
    pub action: String,
    /// The new reason, for a skip (`duplicate-source`, `duplicate-target`, ...).
    pub reason: Option<String>,
}

/// The impact on one object kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KindImpact {
    /// Objects leaving scope or assignment whose account is disabled (or deleted).
    pub disable: Vec<String>,
    /// Objects entering scope that are created.
    pub create: Vec<String>,
    /// Every object leaving or entering, with why and the effect.
    pub moves: Vec<Move>,
    /// Value changes by target attribute.
    pub attributes: BTreeMap<String, AttributeImpact>,
    /// Objects with at least one changed value.
    pub changed_objects: u64,
    /// Objects with at least one value that becomes invalid for the target.
    pub invalid_objects: u64,
    /// Objects matching differently.
    pub rematch: Vec<Rematch>,
    /// Objects compared.
    pub compared: u64,
}

/// The impact of a change.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Impact {
    /// Users.
    pub users: KindImpact,
    /// Groups.
    pub groups: KindImpact,
}

/// How many examples an attribute keeps.
pub const EXAMPLES: usize = 3;

/// The targets both mappings of one object kind write: each with its field in the old and in
/// the new layout.
#[derive(Debug, Default)]
struct Targets {
    /// The new mapping's targets first, then the old one's that the new one drops.
    names: Vec<String>,
    /// Each target's field in the old layout, if it has one.
    old: Vec<Option<usize>>,
    /// And in the new.
    new: Vec<Option<usize>>,
    /// Whether the new mapping writes `active` (its disables are PATCHes, not DELETEs).
    active: bool,
}

impl Targets {
    fn of(old: &Layout, new: &Layout) -> Targets {
        let mut targets = Targets {
            active: new.active.is_some(),
            ..Targets::default()
        };
        let position =
            |layout: &Layout, name: &str| layout.fields.iter().position(|f| f.target == name);
        for field in new.fields.iter().chain(&old.fields) {
            if targets.names.contains(&field.target) {
                continue;
            }
            targets.old.push(position(old, &field.target));
            targets.new.push(position(new, &field.target));
            targets.names.push(field.target.clone());
        }
        targets
    }
}

/// Compares pairs of decisions into an [`Impact`].
#[derive(Debug)]
pub struct Comparer {
    targets: [Targets; 2],
    settings: Settings,
    impact: Impact,
}

impl Comparer {
    /// A comparer of the targets of both mappings (the new mapping's first, then the old
    /// one's that the new one drops), for the new job's settings.
    pub fn new(old: [&Layout; 2], new: [&Layout; 2], settings: Settings) -> Comparer {
        Comparer {
            targets: [Targets::of(old[0], new[0]), Targets::of(old[1], new[1])],
            settings,
            impact: Impact::default(),
        }
    }

    /// Adds one object's pair of outcomes.
    pub fn add(&mut self, kind: ObjectKind, old: &Side, new: &Side) {
        let (targets, out) = match kind {
            ObjectKind::User => (&self.targets[0], &mut self.impact.users),
            ObjectKind::Group => (&self.targets[1], &mut self.impact.groups),
        };
        out.compared += 1;
        // Values that the new mapping makes invalid, for objects it still sends.
        let mut newly_invalid = false;
        if !new.out() {
            for i in &new.invalid {
                if old
                    .invalid
                    .iter()
                    .any(|o| o.target == i.target && o.rule == i.rule)
                {
                    continue;
                }
                newly_invalid = true;
                let entry = out.attributes.entry(i.target.clone()).or_default();
                entry.invalid += 1;
                if entry.invalid_examples.len() < EXAMPLES {
                    entry.invalid_examples.push(InvalidExample {
                        key: new.key.clone(),
                        rule: i.rule,
                        message: i.message.clone(),
                    });
                }
            }
        }
        if newly_invalid {
            out.invalid_objects += 1;
        }
        if old.provisioned() && new.out() {
            // Entra disables the accounts of objects that leave scope, deletes them when the
            // app has no `active`, and keeps them with SkipOutOfScopeDeletions
            // (how-provisioning-works.md, "Incremental cycles" and "Deprovisioning").
            let effect = if self.settings.skip_out_of_scope_deletions
                && new.reason != Some(Reason::SoftDeleted)
            {
                "kept"
            } else if kind == ObjectKind::User && targets.active {
                "disable"
            } else {
                "delete"
            };
            if effect != "kept" {
                out.disable.push(new.key.clone());
            }
            out.moves.push(Move {
                key: new.key.clone(),
                reason: new.reason.map(|r| r.id().to_owned()).unwrap_or_default(),
                effect: effect.to_owned(),
            });
            return;
        }
        if old.out() && new.provisioned() {
            let effect = if new.action == Action::Create {
                out.create.push(new.key.clone());
                "create"
            } else {
                "match"
            };
            out.moves.push(Move {
                key: new.key.clone(),
                reason: "enters".to_owned(),
                effect: effect.to_owned(),
            });
            return;
        }
        let rematch = if old.provisioned() && new.provisioned() {
            old.account != new.account
        } else {
            // Provisioned before, now skipped for a matching problem (duplicates, no value);
            // one skipped for a value that became invalid is counted with its attribute.
            old.provisioned() && !new.out() && !newly_invalid
        };
        if rematch {
            out.rematch.push(Rematch {
                key: new.key.clone(),
                old: old.account.clone(),
                new: new.account.clone(),
                action: new.action.as_str().to_owned(),
                reason: new.reason.map(|r| r.id().to_owned()),
            });
        }
        // Values count where Entra sends them: objects it provisions under both mappings.
        let (Some(a), Some(b), true) = (
            &old.values,
            &new.values,
            old.provisioned() && new.provisioned(),
        ) else {
            return;
        };
        let mut changed = false;
        for (at, target) in targets.names.iter().enumerate() {
            let before = targets.old[at].and_then(|i| a.get(i));
            let after = targets.new[at].and_then(|i| b.get(i));
            let differs = match (before, after) {
                (None, None) => false,
                (Some(x), Some(y)) => {
                    x != y && (plain_strings(x, y) || !same(&parse(x), &parse(y)))
                }
                _ => true,
            };
            if !differs {
                continue;
            }
            changed = true;
            let entry = out.attributes.entry(target.clone()).or_default();
            entry.changed += 1;
            if before.is_some() && after.is_none() {
                entry.new_nulls += 1;
            }
            if entry.examples.len() < EXAMPLES {
                entry.examples.push(Example {
                    key: new.key.clone(),
                    old: before.map_or(Value::Null, parse),
                    new: after.map_or(Value::Null, parse),
                });
            }
        }
        if changed {
            out.changed_objects += 1;
        }
    }

    /// The impact.
    pub fn finish(self) -> Impact {
        self.impact
    }
}

/// Whether two values are both JSON strings without escapes: then different texts are
/// different values ([`same`] compares strings exactly), without parsing them.
fn plain_strings(x: &[u8], y: &[u8]) -> bool {
    plain_str(x).is_some() && plain_str(y).is_some()
}

/// One of the inputs of a plan, which [`compare`] opens (the groups' export twice: for the
/// assignments through groups, then to plan the groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The user export.
    Users,
    /// The group export.
    Groups,
    /// The app's accounts.
    Accounts,
    /// The assignments.
    Assignments,
}

/// Opens an input (`None`: not given).
pub type Open<'a> = &'a dyn Fn(Input) -> std::io::Result<Option<Box<dyn std::io::BufRead + Send>>>;

/// The old and the new mapping planned over the same inputs at the same time, compared object
/// by object. The accounts and the assignments are read once for both; the export too
/// ([`super::Cycle::run_together`]): each chunk of it is evaluated by both mappings on
/// the same worker, then each plan decides the chunk's objects on a thread of its own, and the
/// two lists of decisions are compared pair by pair (the same objects, in export order). At
/// most a chunk of decisions of each plan is held.
pub fn compare(
    old: &crate::model::Prepared,
    new: &crate::model::Prepared,
    open: Open<'_>,
    settings: &Settings,
    options: &crate::preview::Options,
) -> Result<Impact, crate::preview::PreviewError> {
    use crate::preview::PreviewError;
    use std::io;
    use std::sync::Mutex;
    let read = |e: io::Error| PreviewError::Read(e);
    let groups = open(Input::Groups).map_err(read)?.is_some();
    // The assignments and the accounts are read once, for both mappings.
    let assignments = match open(Input::Assignments).map_err(read)? {
        Some(input) => {
            let mut a = super::assignments::read(input).map_err(read)?;
            if let Some(g) = open(Input::Groups).map_err(read)? {
                a.add_group_members(g).map_err(read)?;
            }
            Some(a)
        }
        None => None,
    };
    let layouts = [super::Cycle::layouts(old), super::Cycle::layouts(new)];
    let mut accounts = match open(Input::Accounts).map_err(read)? {
        Some(input) => super::accounts::read_for(
            input,
            &[
                [&layouts[0][0], &layouts[0][1]],
                [&layouts[1][0], &layouts[1][1]],
            ],
        )
        .map_err(read)?,
        None => Vec::new(),
    };
    let new_accounts = accounts.pop().unwrap_or_default();
    let old_accounts = accounts.pop().unwrap_or_default();
    let cycle = |prepared: &crate::model::Prepared,
                 accounts: super::accounts::Accounts,
                 assignments: Option<super::assignments::Assignments>|
     -> Result<super::Cycle, PreviewError> {
        let mut cycle =
            super::Cycle::with_accounts(prepared, groups, accounts, assignments, settings.clone())?;
        cycle.keep_values(true);
        // The comparison pairs the n-th decision of each plan.
        cycle.keep_export_order(true);
        Ok(cycle)
    };
    /// Collects one plan's decisions of a chunk (each plan decides on a thread of its own).
    struct Collect<'q>(&'q Mutex<Vec<Side>>);
    impl super::Sink for Collect<'_> {
        fn decision(&mut self, d: &Decision) -> io::Result<()> {
            lock(self.0)?.push(Side::of(d));
            Ok(())
        }
        /// The impact compares decisions, not requests: none are built.
        fn wants_requests(&self) -> bool {
            false
        }
    }
    fn lock(sides: &Mutex<Vec<Side>>) -> io::Result<std::sync::MutexGuard<'_, Vec<Side>>> {
        sides
            .lock()
            .map_err(|_| io::Error::other("a plan stopped while deciding"))
    }
    let mut old_cycle = cycle(old, old_accounts, assignments.clone())?;
    let mut new_cycle = cycle(new, new_accounts, assignments)?;
    let mut comparer = Comparer::new(
        [
            old_cycle.layout(ObjectKind::User),
            old_cycle.layout(ObjectKind::Group),
        ],
        [
            new_cycle.layout(ObjectKind::User),
            new_cycle.layout(ObjectKind::Group),
        ],
        settings.clone(),
    );
    let (olds, news) = (Mutex::new(Vec::new()), Mutex::new(Vec::new()));
    // Once both plans have decided a chunk's objects, in export order: each pair compared.
    let mut compare = || -> io::Result<()> {
        let (mut olds, mut news) = (lock(&olds)?, lock(&news)?);
        if olds.len() != news.len() {
            return Err(io::Error::other(format!(
                "the old mapping's plan decided {} objects where the new one decided {}",
                olds.len(),
                news.len()
            )));
        }
        for (old, new) in olds.drain(..).zip(news.drain(..)) {
            comparer.add(new.kind, &old, &new);
        }
        Ok(())
    };
    let (mut old_sink, mut new_sink) = (Collect(&olds), Collect(&news));
    let users = open(Input::Users)
        .map_err(read)?
        .ok_or_else(|| PreviewError::User("no user export".to_owned()))?;
    super::Cycle::run_together(
        &mut [&mut old_cycle, &mut new_cycle],
        ObjectKind::User,
        users,
        options,
        &mut [&mut old_sink, &mut new_sink],
        &mut compare,
    )?;
    if let Some(groups) = open(Input::Groups).map_err(read)? {
        super::Cycle::run_together(
            &mut [&mut old_cycle, &mut new_cycle],
            ObjectKind::Group,
            groups,
            options,
            &mut [&mut old_sink, &mut new_sink],
            &mut compare,
        )?;
    }
    // Decisions sent after the last chunk (none today) are compared too.
    compare().map_err(PreviewError::Write)?;
    Ok(comparer.finish())
}
