//! A user's manager: the reference Entra resolves to the account of another provisioned user.
//!
//! What Entra does (MicrosoftDocs/entra-docs docs/identity/app-provisioning/known-issues.md,
//! "Manager isn't provisioned"): "If a user and their manager are both in scope for
//! provisioning, the service provisions the user and then updates the manager. If on day one
//! the user is in scope and the manager is out of scope, we'll provision the user without the
//! manager reference." The value sent is the manager's `id` in the app, not an Entra object id
//! (the `reference-to-string` rule's text); Entra sends it as that plain text, not as RFC 7643's
//! complex `{"value": …}` (Microsoft's answer on Microsoft Q&A, question 188003 "SCIM user
//! provisioning setup with manager attribute": "we are only sending ID at the moment"), in a
//! PATCH of its own after the user's POST (Microsoft's reply in
//! github.com/MicrosoftDocs/azure-docs/issues/45885: the service does "a round trip to link
//! newly-created users accounts with their managers inside the target application. That's why
//! there is a separate patch operation"), as a SCIM library's report shows one
//! (github.com/Captain-P-Goldfish/SCIM-SDK/issues/686):
//! `{"op": "add", "path": "urn:…:enterprise:2.0:User:manager", "value": "<id>"}`. The op's case
//! follows the dialect, as for any attribute added; `replace` for a manager changed on an
//! existing account is this plan's reading (no public capture shows one), and so is comparing
//! an account's manager by its id whether the app returns it as text or as `{"value": …}`.
//! A manager that cannot be resolved (not provisioned, or not in the user export) is a step
//! whose SkipReason is `UnableToResolveReferenceAttributeValue` (MicrosoftDocs/entra-docs
//! docs/identity/app-provisioning/application-provisioning-log-analytics.md, as for group
//! members); the user's own action stands.
//!
//! So the plan: a Direct mapping of the source `manager` is the manager field. Its value (the
//! manager's objectId, as preview reads it from text or from Graph's `{"id": …}`) is taken out
//! of the payload before the user's POST or update is built, and settled here:
//!
//! - a manager decided before the user: provisioned, a PATCH of the manager after the user's
//!   own requests (`add` when the account has no manager, `replace` when it has another one),
//!   naming the manager's account by its id or by the POST that creates it in this cycle
//!   (`{{create_N.response.body.$.id}}`); an update lists the change, an account whose manager
//!   is already that id is left alone; not provisioned: `reference-unresolved`;
//! - a manager later in the export (the hard case: the export is read once): the user's
//!   requests go out in their turn (Entra does not wait for the manager either), but its
//!   decision is held until its manager is decided, then sent with the manager's PATCH, or
//!   `reference-unresolved`; still held at the end of the users' pass, the manager is not in
//!   the export and the decision is sent unresolved, in export order among those.
//!
//! Why hold decisions rather than stream them all in export order with a reason settled later:
//! every consumer of a decision (the reports, `--user`, the impact diff's comparisons) gets it
//! once and final. The cost is memory: one decision held for each provisioned user whose
//! manager comes later in the export (none when managers come first; about half of those with a
//! manager in an export of random order; about 450 bytes each, BENCHMARKS.md), plus about 40
//! bytes a user for what every user resolves to.
//! [`super::Cycle::keep_export_order`] turns the holding off (the impact diff, which pairs the
//! decisions of two plans in order, uses it): a manager later in the export is then not checked.

use super::requests::{self, Ref};
use super::{path, Action, Adapter, Decision, Reason};
use crate::expr::source::ObjectKind;
use crate::model::{MappingKind, Prepared};
use crate::preview::{Outcome, Values};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io;

/// What a user of the export resolves to, as a manager.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// Not provisioned (out of scope, unassigned, skipped, failing, disabled).
    Unprovisioned,
    /// The account it matches (its index).
    Account(u32),
    /// The account its POST creates (`create_N`).
    Created(u64),
}

/// A user's decision held until its manager is decided.
#[derive(Debug)]
struct Held {
    decision: Decision,
    /// The manager's objectId.
    manager: String,
    /// The user's account.
    user: Ref,
    /// The account matched (its index), for the manager it has.
    account: Option<u32>,
}

/// The manager of the user being decided.
#[derive(Debug, Default)]
struct Current {
    /// The manager's objectId, taken from the payload.
    manager: Option<String>,
    /// The account the user matches, if one.
    account: Option<u32>,
}

/// The managers of a plan's users: what each user resolves to and the decisions held.
#[derive(Debug)]
pub(super) struct Managers {
    /// The manager field's index in the users' layout.
    field: usize,
    /// Its target, as PATCH paths and changes name it.
    target: String,
    /// Hold decisions whose manager comes later (false: decide in export order).
    hold: bool,
    /// Every user decided so far, by the hash of its objectId.
    users: HashMap<u64, Target>,
    /// Decisions held, by the hash of their manager's objectId.
    held: HashMap<u64, Vec<Held>>,
    current: Current,
}

/// Object ids compare without regard to case (as group members do: [`crate::preview::members`]).
fn key(object_id: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(object_id.to_ascii_lowercase())
}

impl Managers {
    /// The manager field of a mapping (a Direct mapping of the source `manager`, whatever the
    /// target's type: gallery apps that type it String get the same id), if it has one.
    pub(super) fn of(prepared: &Prepared, layout: &super::layout::Layout) -> Option<Managers> {
        let mapping = prepared
            .file
            .object(ObjectKind::User)
            .mappings
            .iter()
            .find(|m| matches!(&m.kind, Some(MappingKind::Direct(s)) if s.value.eq_ignore_ascii_case("manager")))?;
        let field = layout
            .fields
            .iter()
            .position(|f| f.target == mapping.target.value)?;
        Some(Managers {
            field,
            target: mapping.target.value.clone(),
            hold: true,
            users: HashMap::new(),
            held: HashMap::new(),
            current: Current::default(),
        })
    }

    /// Whether decisions whose manager comes later are held.
    pub(super) fn set_hold(&mut self, hold: bool) {
        self.hold = hold;
    }
}

/// The manager's objectId in a payload value: its text (or the `value` of an object).
fn object_id(value: &Value) -> Option<String> {
    path::scalar_text(value)
        .or_else(|| path::member(value, "value").and_then(path::scalar_text))
        .filter(|t| !t.is_empty())
}

/// Takes the value at the manager field's path out of a payload (an extension object left
/// empty goes too).
fn take(payload: &mut Value, field: &super::layout::Field) -> Option<Value> {
    let p = &field.path;
    let Value::Object(root) = payload else {
        return None;
    };
    let name = |map: &serde_json::Map<String, Value>, wanted: &str| {
        map.keys().find(|k| k.eq_ignore_ascii_case(wanted)).cloned()
    };
    match &p.schema {
        Some(schema) if schema.text.contains(":extension:") => {
            let ext = name(root, &schema.text)?;
            let Some(Value::Object(container)) = root.get_mut(&ext) else {
                return None;
            };
            let attribute = name(container, &p.attribute.text)?;
            let value = container.remove(&attribute);
            if container.is_empty() {
                root.remove(&ext);
            }
            value
        }
        _ => {
            let attribute = name(root, &p.attribute.text)?;
            root.remove(&attribute)
        }
    }
}

impl<S: ?Sized + super::Sink> Adapter<'_, '_, S> {
    /// Notes the user's manager (from its values), with the account matched: the POST and
    /// the update do not carry it ([`Adapter::without_manager`], [`Adapter::manager_field`]),
    /// it is settled on its own ([`Adapter::settle_manager`]).
    pub(super) fn take_manager(&mut self, values: Option<&Values<'_>>, account: Option<u32>) {
        let Some(managers) = self.cycle.managers.as_mut() else {
            return;
        };
        if self.kind != ObjectKind::User {
            return;
        }
        let field = &self.cycle.layouts[0].fields[managers.field];
        let manager = values
            .and_then(|v| v.get(field.mapping))
            .map(path::parse)
            .as_ref()
            .and_then(object_id);
        managers.current = Current { manager, account };
    }

    /// The manager field's index in the users' layout, when a user is decided and the mapping
    /// maps `manager`.
    pub(super) fn manager_field(&self) -> Option<usize> {
        let managers = self.cycle.managers.as_ref()?;
        (self.kind == ObjectKind::User).then_some(managers.field)
    }

    /// Takes the manager out of a user's POST body.
    pub(super) fn without_manager(&self, payload: &mut Value) {
        if let Some(at) = self.manager_field() {
            take(payload, &self.cycle.layouts[0].fields[at]);
        }
    }

    /// Sends a user's decision with its manager settled, or holds it until its manager is
    /// decided; then sends the decisions that were waiting for this user.
    pub(super) fn settle_manager(
        &mut self,
        mut decision: Decision,
        outcome: &Outcome<'_>,
    ) -> io::Result<()> {
        let Some(managers) = self.cycle.managers.as_mut() else {
            return self.send(decision);
        };
        let current = std::mem::take(&mut managers.current);
        let provisioned = matches!(
            decision.action,
            Action::Create | Action::Update | Action::Unchanged
        ) && decision.reason.is_none();
        let target = match (provisioned, decision.action, current.account) {
            (false, _, _) => Target::Unprovisioned,
            (true, Action::Create, _) => Target::Created(self.cycle.creates),
            (true, _, Some(i)) => Target::Account(i),
            (true, _, None) => Target::Unprovisioned,
        };
        let own = outcome.object_id.map(key);
        if let Some(own) = own {
            managers.users.insert(own, target);
        }
        let hold = managers.hold;
        // What the manager resolves to (`None`: not decided yet), for a provisioned user.
        let found = current
            .manager
            .as_deref()
            .map(|m| managers.users.get(&key(m)).copied());
        let user = match target {
            Target::Account(i) => Some(Ref::Existing(
                self.cycle.accounts.users.get(i).id.to_string(),
            )),
            Target::Created(n) => Some(Ref::Created(format!("create_{n}"))),
            Target::Unprovisioned => None,
        };
        match (current.manager, user, found) {
            (Some(manager), Some(user), Some(Some(found))) => {
                self.resolve(&mut decision, &manager, found, &user, current.account)?;
                self.send(decision)?;
            }
            (Some(manager), Some(user), Some(None)) if hold => {
                self.sink.deferred(&decision);
                if let Some(managers) = self.cycle.managers.as_mut() {
                    managers.held.entry(key(&manager)).or_default().push(Held {
                        decision,
                        manager,
                        user,
                        account: current.account,
                    });
                }
            }
            _ => self.send(decision)?,
        }
        let waiting = match (own, self.cycle.managers.as_mut()) {
            (Some(own), Some(managers)) => managers.held.remove(&own).unwrap_or_default(),
            _ => Vec::new(),
        };
        for held in waiting {
            let mut decision = held.decision;
            self.resolve(
                &mut decision,
                &held.manager,
                target,
                &held.user,
                held.account,
            )?;
            self.send(decision)?;
        }
        Ok(())
    }

    /// Sends the decisions still held at the end of the users' pass, in export order: their
    /// managers are not in the user export.
    pub(super) fn release_held(&mut self) -> io::Result<()> {
        let Some(managers) = self.cycle.managers.as_mut() else {
            return Ok(());
        };
        let mut left: Vec<Held> = managers.held.drain().flat_map(|(_, v)| v).collect();
        left.sort_by_key(|h| h.decision.line);
        for held in left {
            let mut decision = held.decision;
            let explain = self.cycle.explain;
            unresolved(
                &mut decision,
                &held.manager,
                "is not in the user export",
                explain,
            );
            self.send(decision)?;
        }
        Ok(())
    }

    /// Settles a provisioned user's manager against what the manager resolves to.
    fn resolve(
        &mut self,
        decision: &mut Decision,
        manager: &str,
        found: Target,
        user: &Ref,
        account: Option<u32>,
    ) -> io::Result<()> {
        let Some(managers) = self.cycle.managers.as_ref() else {
            return Ok(());
        };
        let wanted = match found {
            Target::Unprovisioned => {
                unresolved(
                    decision,
                    manager,
                    "is not provisioned (out of scope, unassigned, skipped or failing)",
                    self.cycle.explain,
                );
                return Ok(());
            }
            Target::Account(i) => Ref::Existing(self.cycle.accounts.users.get(i).id.to_string()),
            Target::Created(n) => Ref::Created(format!("create_{n}")),
        };
        // What the account has now (null: none, or a user created in this cycle).
        let old = account
            .map(|i| self.cycle.accounts.users.get(i).value(managers.field))
            .unwrap_or(Value::Null);
        let has = object_id(&old);
        if self.cycle.explain {
            decision.steps.push(format!(
                "manager {manager}: {}",
                match &wanted {
                    Ref::Existing(id) => format!("account {id}"),
                    Ref::Created(name) => format!("the account {name} creates"),
                }
            ));
        }
        if matches!(&wanted, Ref::Existing(id) if has.as_deref() == Some(id.as_str())) {
            return Ok(());
        }
        if decision.action != Action::Create {
            decision.changes.push(super::Change::Value {
                target: managers.target.clone(),
                old,
                new: Value::String(wanted.text()),
            });
            if decision.action == Action::Unchanged {
                decision.action = Action::Update;
                decision.entra = None;
            }
        }
        if !self.requests {
            return Ok(());
        }
        let request = requests::reference(
            user,
            &managers.target,
            &wanted,
            has.is_some(),
            self.cycle.settings.dialect,
        );
        self.sink.request(&request)
    }
}

/// A provisioned user whose manager cannot be resolved: the user is provisioned without it
/// (with `explain`, a step says so).
fn unresolved(decision: &mut Decision, manager: &str, why: &str, explain: bool) {
    if explain {
        decision
            .steps
            .push(format!("manager {manager}: unresolved, it {why}"));
    }
    decision.reason = Some(Reason::ReferenceUnresolved);
    decision.entra = Reason::ReferenceUnresolved.entra();
    decision.detail = Some(format!(
        "the manager {manager} {why}: the user is provisioned without a manager"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target_path::parse;
    use serde_json::json;

    fn field(target: &str) -> super::super::layout::Field {
        super::super::layout::Field {
            target: target.to_owned(),
            path: parse(target).unwrap_or_else(|e| panic!("{e:?}")),
            case_exact: false,
            precedence: None,
            on_update: true,
            members: false,
            mapping: 0,
        }
    }

    #[test]
    fn takes_the_manager_out_of_the_payload() {
        let urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let mut payload = json!({"userName": "a", urn: {"manager": "m1"}});
        let taken = take(&mut payload, &field(&format!("{urn}:manager")));
        assert_eq!(taken, Some(json!("m1")));
        assert_eq!(payload, json!({"userName": "a"}));
        let mut payload =
            json!({"userName": "a", urn: {"department": "D", "Manager": {"value": "m2"}}});
        let taken = take(&mut payload, &field(&format!("{urn}:manager")));
        assert_eq!(taken.as_ref().and_then(object_id).as_deref(), Some("m2"));
        assert_eq!(payload, json!({"userName": "a", urn: {"department": "D"}}));
        let mut payload = json!({"userName": "a", "manager": "m3"});
        assert_eq!(take(&mut payload, &field("manager")), Some(json!("m3")));
        assert_eq!(take(&mut payload, &field("manager")), None);
        assert_eq!(object_id(&json!("")), None);
        assert_eq!(key("ABC-def"), key("abc-DEF"));
    }
}
