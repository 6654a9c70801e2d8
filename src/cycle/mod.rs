//! The provisioning cycle: what Entra would do to every user and group of an export, against
//! the app's existing accounts, and the SCIM requests it would send (`entramap plan`).
//!
//! The stage reuses preview whole: [`crate::preview::preview`] reads the export, applies the
//! scoping filter and evaluates the mappings (out-of-scope objects too, for their matching
//! values: [`crate::preview::Options::outcomes`]); the cycle takes each object's outcome in
//! export order and decides, following Entra's documented behaviour
//! (MicrosoftDocs/entra-docs docs/identity/app-provisioning/how-provisioning-works.md, "Initial
//! cycle", "Incremental cycles", "Deprovisioning"):
//!
//! 1. **Scoping**: assignment ([`assignments`]; under `scope: all` everyone counts), then the
//!    scoping filter, then whether the user is soft-deleted (`accountEnabled` false or
//!    `deletedDateTime` set).
//! 2. **Matching**: the matching attributes in precedence order, each looked up as a SCIM
//!    `eq` filter compares (case-insensitive unless the target is caseExact, [`path::match_key`]);
//!    "If there are multiple matching attributes, they're evaluated in the order defined by
//!    this field, and the first match found is used" (docs/identity/app-provisioning/customize-application-attributes.md,
//!    "Matching precedence"); an empty value goes on to the next attribute.
//! 3. **Action**: in scope: `create` (no match, "If a matching user isn't found in the target
//!    system, it's created"), `update` (matched with differences: "If a matching user is found,
//!    it's updated"), `unchanged` (Entra's RedundantExport), `skip` with a [`Reason`] when
//!    several accounts match or the mapping fails. A soft-deleted user's matched account is
//!    disabled ("If a user that was previously in scope for provisioning is disabled or
//!    soft-deleted in the source system, the service disables the user in the target system
//!    via an update"); an unmatched one is skipped ("Provisioning a user that is disabled in
//!    Microsoft Entra ID isn't supported"). Out of scope or not assigned: the initial cycle
//!    only touches objects in scope (step 2 of "Initial cycle" filters them out), so they are
//!    skipped; an incremental cycle disables their matched accounts (steps 7 and 8), or
//!    deletes them when the mapping writes no `active` ("When one of the four events occurs
//!    and the target application doesn't support soft-deletes, the provisioning service sends
//!    a DELETE request"), or leaves them when the job's SkipOutOfScopeDeletions is set
//!    (docs/identity/app-provisioning/skip-out-of-scope-deletions.md).
//! 4. **Orphans**: accounts no object matches; Entra leaves them alone.
//! 5. **Managers**: a user's manager resolved to the account its user matches or creates, sent
//!    in a PATCH after the user, or `reference-unresolved` ([`references`]).
//! 6. **Groups**: the same for groups, then their members (resolved to the accounts their users
//!    match or create) against the target group's members.
//!
//! Memory: the account index ([`accounts`]), the assignment sets, when groups are planned one
//! reference per provisioned user, and when `manager` is mapped about 40 bytes a user plus the
//! decisions held for a manager later in the export ([`references`]); never the export, and no
//! other decision: they go to the [`Sink`] as they are made.

pub mod accounts;
pub mod assignments;
pub mod impact;
pub mod json;
pub mod layout;
pub mod path;
pub mod raw;
pub mod reason;
mod references;
pub mod requests;

pub use reason::Reason;
pub use requests::{Dialect, Request};

use crate::diagnostics::rules::RuleId;
use crate::expr::source::ObjectKind;
use crate::model::{Prepared, Scope};
use crate::preview::members::MemberIndex;
use crate::preview::{self, Outcome, Plan, PreviewError, Problem, Status, Values};
use accounts::{Accounts, Index, Lookup};
use assignments::Assignments;
use layout::{FieldValues, Layout};
use requests::Ref;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};

/// Which cycle is planned.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CycleKind {
    /// The first cycle after "Start provisioning" (or a restart, or a saved mapping change):
    /// only objects in scope are touched.
    #[default]
    Initial,
    /// A later cycle, where the matched accounts are ones Entra already manages: objects that
    /// left scope are disabled (or deleted).
    Incremental,
}

/// The job settings that change the outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Which cycle.
    pub cycle: CycleKind,
    /// The job's `SkipOutOfScopeDeletions` (default false): accounts of objects that leave
    /// scope are left as they are.
    pub skip_out_of_scope_deletions: bool,
    /// The accidental-deletion threshold (`QuarantineTooManyDeletesThreshold`): more disables
    /// and deletes than this in one cycle and Entra stops and quarantines the job
    /// (quarantine reason `TooManyDeletes`).
    pub deletion_threshold: Option<u64>,
    /// The PATCH dialect of the requests.
    pub dialect: Dialect,
}

/// What Entra does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// A POST: no account matches.
    Create,
    /// A PATCH of the attributes that differ.
    Update,
    /// Nothing to send: the account already has every value (RedundantExport).
    Unchanged,
    /// A PATCH of `active` to false.
    Disable,
    /// A DELETE.
    Delete,
    /// Nothing sent, for a [`Reason`].
    Skip,
}

/// Every action, in the order reports show them.
pub const ACTIONS: [Action; 6] = [
    Action::Create,
    Action::Update,
    Action::Unchanged,
    Action::Disable,
    Action::Delete,
    Action::Skip,
];

impl Action {
    /// Its name (`create`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Disable => "disable",
            Action::Delete => "delete",
            Action::Skip => "skip",
        }
    }
}

/// One attribute (or the members) an update changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Change {
    /// A value: what the account has and what Entra sends.
    Value {
        /// The target attribute.
        target: String,
        /// The account's value (null: none).
        old: Value,
        /// The new value.
        new: Value,
    },
    /// A group's members, by the key of each member.
    Members {
        /// `members`.
        target: String,
        /// Members added.
        added: Vec<String>,
        /// Members removed.
        removed: Vec<String>,
    },
}

/// What Entra does to one object of the export, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// User or group.
    #[serde(serialize_with = "kind_str")]
    pub kind: ObjectKind,
    /// The object: a user's userPrincipalName, a group's displayName, else its objectId, else
    /// `line N`.
    pub key: String,
    /// The action.
    pub action: Action,
    /// Why, for a skip, disable or delete.
    pub reason: Option<Reason>,
    /// Entra's own name for the outcome (`RedundantExport`, `DuplicateTargetEntries`, ...).
    pub entra: Option<&'static str>,
    /// What an update, disable or group update changes.
    pub changes: Vec<Change>,
    /// The object's line in its export.
    pub line: u64,
    /// The id of the account matched, if one is.
    pub account: Option<String>,
    /// More about the reason: the failing scoping clause, the accounts that match, the
    /// mapping's problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The object's path through scoping and matching, step by step (only when asked for:
    /// [`Cycle::explain`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// The object's values at its layout's fields (only when asked for:
    /// [`Cycle::keep_values`]).
    #[serde(skip)]
    pub values: Option<FieldValues>,
    /// The values that break the target's rules (only with [`Cycle::keep_values`]).
    #[serde(skip)]
    pub invalid: Vec<impact::Invalid>,
}

fn kind_str<S: serde::Serializer>(kind: &ObjectKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

/// An account no object matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Orphan {
    /// User or group.
    #[serde(serialize_with = "kind_str")]
    pub kind: ObjectKind,
    /// The account's id.
    pub id: String,
    /// Its matching value (or its id).
    pub key: String,
    /// Its line in the accounts file (of its page, in a ListResponse).
    pub line: u64,
    /// Its place in its page's `Resources` (1 first; 0 outside a page).
    #[serde(skip_serializing_if = "is_zero")]
    pub resource: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The counts of one object kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KindSummary {
    /// Objects created.
    pub create: u64,
    /// Objects updated.
    pub update: u64,
    /// Objects unchanged.
    pub unchanged: u64,
    /// Accounts disabled.
    pub disable: u64,
    /// Accounts deleted.
    pub delete: u64,
    /// Objects skipped.
    pub skip: u64,
    /// Accounts no object matches.
    pub orphan: u64,
    /// Skips, disables and deletes by reason id, and the groups provisioned with members left
    /// out (`reference-unresolved`).
    pub reasons: BTreeMap<&'static str, u64>,
    /// Objects read from the export (each in exactly one action).
    pub read: u64,
    /// Accounts of the app (each matched or orphan).
    pub accounts: u64,
    /// Accounts matched by an object.
    pub matched: u64,
}

impl KindSummary {
    fn count(&mut self, d: &Decision) {
        *match d.action {
            Action::Create => &mut self.create,
            Action::Update => &mut self.update,
            Action::Unchanged => &mut self.unchanged,
            Action::Disable => &mut self.disable,
            Action::Delete => &mut self.delete,
            Action::Skip => &mut self.skip,
        } += 1;
        if let Some(reason) = d.reason {
            *self.reasons.entry(reason.id()).or_default() += 1;
        }
        self.read += 1;
    }

    /// How many objects took `action`.
    pub fn of(&self, action: Action) -> u64 {
        match action {
            Action::Create => self.create,
            Action::Update => self.update,
            Action::Unchanged => self.unchanged,
            Action::Disable => self.disable,
            Action::Delete => self.delete,
            Action::Skip => self.skip,
        }
    }

    /// Whether every object read is in exactly one action and every account is matched or
    /// orphan.
    pub fn balanced(&self) -> bool {
        ACTIONS.iter().map(|a| self.of(*a)).sum::<u64>() == self.read
            && self.matched + self.orphan == self.accounts
    }
}

/// The counts of a cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Users.
    pub users: KindSummary,
    /// Groups.
    pub groups: KindSummary,
}

/// Where a cycle's results go, as they are decided.
pub trait Sink {
    /// One object's decision, in export order (users, then groups), except a user's decision
    /// held until its manager is decided ([`Sink::deferred`]), which comes when it is.
    fn decision(&mut self, decision: &Decision) -> io::Result<()>;
    /// One request, in the order Entra sends them.
    fn request(&mut self, _request: &Request) -> io::Result<()> {
        Ok(())
    }
    /// Whether [`Sink::request`] is to be called (false: the requests are not written, and the
    /// cycle does not build them).
    fn wants_requests(&self) -> bool {
        true
    }
    /// One orphan account, at the end.
    fn orphan(&mut self, _orphan: &Orphan) -> io::Result<()> {
        Ok(())
    }
    /// Progress: bytes of the export consumed and objects done so far.
    fn progress(&mut self, _bytes: u64, _rows: u64) {}
    /// A user's decision held until its manager is decided (its requests so far were sent
    /// before this call); it comes to [`Sink::decision`] later, settled.
    fn deferred(&mut self, _decision: &Decision) {}
}

/// A planned cycle: the mapping compiled, the accounts indexed, the assignments read.
pub struct Cycle {
    user_plan: Plan,
    group_plan: Option<Plan>,
    state: State,
}

/// What a cycle knows and counts while objects are decided.
struct State {
    layouts: [Layout; 2],
    accounts: Accounts,
    assignments: Option<Assignments>,
    scope: Scope,
    settings: Settings,
    summary: Summary,
    /// Provisioned users by objectId, for group members (only when groups are planned).
    refs: Option<HashMap<String, (Ref, String)>>,
    /// The keys of the provisioned users by the id of the account they match.
    known: HashMap<String, String>,
    members: MemberIndex,
    /// The users' managers, when the mapping maps `manager` ([`references`]).
    managers: Option<references::Managers>,
    creates: u64,
    /// Record each decision's steps.
    explain: bool,
    /// Keep each decision's values.
    keep_values: bool,
}

fn kind_index(kind: ObjectKind) -> usize {
    match kind {
        ObjectKind::User => 0,
        ObjectKind::Group => 1,
    }
}

impl Cycle {
    /// Compiles the mapping's users (and groups, with `groups`) and reads the accounts
    /// (`None`: the app has none yet, a first cycle) and assignments.
    pub fn new(
        prepared: &Prepared,
        groups: bool,
        accounts: Option<&mut dyn BufRead>,
        assignments: Option<Assignments>,
        settings: Settings,
    ) -> Result<Cycle, PreviewError> {
        let [users, group_layout] = Cycle::layouts(prepared);
        let accounts = match accounts {
            Some(input) => {
                accounts::read(input, &users, &group_layout).map_err(PreviewError::Read)?
            }
            None => Accounts::default(),
        };
        Cycle::with_accounts(prepared, groups, accounts, assignments, settings)
    }

    /// The layouts of a mapping's users and groups: what its cycle reads of the accounts
    /// ([`accounts::read_for`]).
    pub fn layouts(prepared: &Prepared) -> [Layout; 2] {
        [
            Layout::of(prepared, ObjectKind::User),
            Layout::of(prepared, ObjectKind::Group),
        ]
    }

    /// [`Cycle::new`] with the accounts already read for this mapping's [`Cycle::layouts`].
    pub fn with_accounts(
        prepared: &Prepared,
        groups: bool,
        accounts: Accounts,
        assignments: Option<Assignments>,
        settings: Settings,
    ) -> Result<Cycle, PreviewError> {
        let user_plan = Plan::new(prepared)?;
        let group_plan = if groups {
            Some(Plan::for_object(prepared, ObjectKind::Group)?)
        } else {
            None
        };
        let layouts = Cycle::layouts(prepared);
        let managers = references::Managers::of(prepared, &layouts[0]);
        Ok(Cycle {
            user_plan,
            group_plan,
            state: State {
                layouts,
                accounts,
                assignments,
                scope: prepared.file.scope(),
                settings,
                summary: Summary::default(),
                refs: groups.then(HashMap::new),
                known: HashMap::new(),
                members: MemberIndex::default(),
                managers,
                creates: 0,
                explain: false,
                keep_values: false,
            },
        })
    }

    /// Keeps every decision's values ([`Decision::values`], for [`impact`]).
    pub fn keep_values(&mut self, on: bool) {
        self.state.keep_values = on;
    }

    /// Sends every decision in export order: a user whose manager comes later in the export is
    /// not held until its manager is decided, and that manager is not checked
    /// ([`references`]). For consumers that pair decisions by their order.
    pub fn keep_export_order(&mut self, on: bool) {
        if let Some(managers) = &mut self.state.managers {
            managers.set_hold(!on);
        }
    }

    /// Records every decision's path through scoping and matching ([`Decision::steps`]).
    pub fn explain(&mut self, on: bool) {
        self.state.explain = on;
    }

    /// The accounts read (with their problems).
    pub fn accounts(&self) -> &Accounts {
        &self.state.accounts
    }

    /// The assignments, if given.
    pub fn assignments(&self) -> Option<&Assignments> {
        self.state.assignments.as_ref()
    }

    /// The mapping's scope.
    pub fn scope(&self) -> Scope {
        self.state.scope
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    /// The users' layout (what is matched and compared).
    pub fn layout(&self, kind: ObjectKind) -> &Layout {
        &self.state.layouts[kind_index(kind)]
    }

    /// Plans the users of an export. Returns preview's counts of the export.
    pub fn run_users(
        &mut self,
        input: impl BufRead,
        options: &preview::Options,
        sink: &mut (dyn Sink + Send),
    ) -> Result<preview::Summary, PreviewError> {
        self.run(ObjectKind::User, input, options, sink)
    }

    /// Plans the groups of an export, after the users (members resolve against them).
    pub fn run_groups(
        &mut self,
        input: impl BufRead,
        options: &preview::Options,
        sink: &mut (dyn Sink + Send),
    ) -> Result<preview::Summary, PreviewError> {
        self.resolve_members();
        self.run(ObjectKind::Group, input, options, sink)
    }

    /// Plans one kind of objects, the decisions made on a thread of their own while the export
    /// is read on ([`preview::preview_many_parallel`]).
    fn run(
        &mut self,
        kind: ObjectKind,
        input: impl BufRead,
        options: &preview::Options,
        sink: &mut (dyn Sink + Send),
    ) -> Result<preview::Summary, PreviewError> {
        let options = Cycle::options(options);
        let mut counts = Cycle::run_many(&mut [self], kind, &mut [sink], |plans, adapters| {
            preview::preview_many_parallel(plans, input, &options, adapters, &mut || Ok(()))
        })?;
        Ok(counts.pop().unwrap_or_default())
    }

    /// Plans the users (or, after them, the groups) of one export for several cycles (the old
    /// and the new mapping of a change) over one reading of it
    /// ([`preview::preview_many_parallel`]): each chunk is evaluated by every cycle's mapping on
    /// the same worker, then each cycle decides its objects into its own sink, on a thread of
    /// its own; `after_chunk` is called once every sink has had the chunk's decisions. Returns
    /// preview's counts for each.
    pub fn run_together(
        cycles: &mut [&mut Cycle],
        kind: ObjectKind,
        input: impl BufRead,
        options: &preview::Options,
        sinks: &mut [&mut (dyn Sink + Send)],
        after_chunk: &mut (dyn FnMut() -> io::Result<()> + Send),
    ) -> Result<Vec<preview::Summary>, PreviewError> {
        if kind == ObjectKind::Group {
            for cycle in cycles.iter_mut() {
                cycle.resolve_members();
            }
        }
        Cycle::run_many(cycles, kind, sinks, |plans, adapters| {
            preview::preview_many_parallel(
                plans,
                input,
                &Cycle::options(options),
                adapters,
                after_chunk,
            )
        })
    }

    /// Resolves the group plan's members against the users planned.
    fn resolve_members(&mut self) {
        let members = std::mem::take(&mut self.state.members);
        if let Some(plan) = self.group_plan.take() {
            self.group_plan = Some(plan.with_members(members));
        }
    }

    /// Preview's options for a cycle: every object's outcome, with its values.
    fn options(options: &preview::Options) -> preview::Options {
        let mut options = options.clone();
        options.outcomes = true;
        options.object_ids = false;
        options
    }

    /// Plans one kind of objects for each cycle into its sink, `preview` running the plans
    /// over the export into the cycles' adapters.
    fn run_many<S: ?Sized + Sink>(
        cycles: &mut [&mut Cycle],
        kind: ObjectKind,
        sinks: &mut [&mut S],
        preview: impl FnOnce(
            &[&Plan],
            &mut [&mut Adapter<'_, '_, S>],
        ) -> Result<Vec<preview::Summary>, PreviewError>,
    ) -> Result<Vec<preview::Summary>, PreviewError> {
        let mut plans = Vec::with_capacity(cycles.len());
        let mut adapters = Vec::with_capacity(cycles.len());
        for (cycle, sink) in cycles.iter_mut().zip(sinks.iter_mut()) {
            let Cycle {
                user_plan,
                group_plan,
                state,
            } = &mut **cycle;
            let plan = match kind {
                ObjectKind::User => &*user_plan,
                ObjectKind::Group => group_plan
                    .as_ref()
                    .ok_or_else(|| PreviewError::Mapping("groups are not planned".to_owned()))?,
            };
            plans.push(plan);
            adapters.push(Adapter {
                cycle: state,
                template: plan.template(),
                kind,
                requests: sink.wants_requests(),
                sink: &mut **sink,
                problems: Vec::new(),
                error: None,
                text: Vec::new(),
                key: String::new(),
                ahead: Default::default(),
                ahead_keys: String::new(),
                hashes: Vec::new(),
            });
        }
        let mut previews: Vec<&mut Adapter<'_, '_, S>> = adapters.iter_mut().collect();
        let mut result = preview(&plans, &mut previews);
        for adapter in &mut adapters {
            if kind == ObjectKind::User && result.is_ok() && adapter.error.is_none() {
                if let Err(e) = adapter.release_held() {
                    result = Err(PreviewError::Write(e));
                }
            }
        }
        match adapters.iter_mut().find_map(|a| a.error.take()) {
            Some(e) => Err(PreviewError::Write(e)),
            None => result,
        }
    }

    /// Reports the orphans and returns the counts.
    pub fn finish(self, sink: &mut dyn Sink) -> io::Result<Summary> {
        let mut state = self.state;
        for kind in [ObjectKind::User, ObjectKind::Group] {
            let index = state.index(kind);
            let orphans: Vec<Orphan> = index
                .orphans()
                .map(|a| Orphan {
                    kind,
                    id: a.id.to_string(),
                    key: index.label(&a),
                    line: a.line,
                    resource: a.resource,
                })
                .collect();
            let accounts = index.len() as u64;
            let summary = state.kind_summary(kind);
            summary.accounts = accounts;
            summary.orphan = orphans.len() as u64;
            summary.matched = accounts - summary.orphan;
            for orphan in &orphans {
                sink.orphan(orphan)?;
            }
        }
        Ok(state.summary)
    }

    /// Whether more accounts are disabled or deleted than the job's accidental-deletion
    /// threshold allows (Entra would stop the cycle and quarantine the job, `TooManyDeletes`).
    pub fn over_threshold(summary: &Summary, settings: &Settings) -> Option<(u64, u64)> {
        let deletions = summary.users.disable
            + summary.users.delete
            + summary.groups.disable
            + summary.groups.delete;
        settings
            .deletion_threshold
            .filter(|t| deletions > *t)
            .map(|t| (deletions, t))
    }
}

impl State {
    fn index(&self, kind: ObjectKind) -> &Index {
        self.accounts.of_kind(kind)
    }

    fn index_mut(&mut self, kind: ObjectKind) -> &mut Index {
        self.accounts.of_kind_mut(kind)
    }

    fn kind_summary(&mut self, kind: ObjectKind) -> &mut KindSummary {
        match kind {
            ObjectKind::User => &mut self.summary.users,
            ObjectKind::Group => &mut self.summary.groups,
        }
    }
}

/// The scoping verdict of one object.
enum Scoping {
    In,
    SoftDeleted,
    Out(Reason, Option<String>),
}

/// What the matching attributes find.
enum Found {
    /// No matching attribute has a value.
    NoValue,
    /// No account has the values.
    Missing,
    /// One account.
    One(u32),
    /// Several accounts.
    Many(Vec<u32>),
}

/// The preview sink that turns each object's outcome into a decision.
struct Adapter<'c, 's, S: ?Sized + Sink = dyn Sink> {
    cycle: &'c mut State,
    /// How the plan writes a payload (for a POST).
    template: &'c preview::Template,
    kind: ObjectKind,
    sink: &'s mut S,
    /// The problems of the object being read.
    problems: Vec<Problem>,
    error: Option<io::Error>,
    /// Whether the sink takes requests.
    requests: bool,
    /// A buffer for the values of the object being compared.
    text: Vec<u8>,
    /// A buffer for the matching key being looked up.
    key: String,
    /// What the first matching attribute of each object ahead finds, by line (`None`: it
    /// has no value), with buffers for their keys ([`Adapter::ahead`]).
    ahead: std::collections::VecDeque<(u64, Option<Lookup>)>,
    ahead_keys: String,
    hashes: Vec<u64>,
}

impl<S: ?Sized + Sink> preview::Sink for Adapter<'_, '_, S> {
    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        self.problems.push(problem.clone());
        Ok(())
    }

    fn payload(&mut self, _line: u64, _json: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn outcome(&mut self, outcome: &Outcome<'_>) {
        if self.error.is_some() {
            return;
        }
        let problems = std::mem::take(&mut self.problems);
        let first = outcome.values.and_then(|_| self.looked_up(outcome.line));
        if let Err(e) = self.decide(outcome, &problems, first) {
            self.error = Some(e);
        }
    }

    fn progress(&mut self, bytes: u64, rows: u64) {
        self.sink.progress(bytes, rows);
    }

    /// Looks the next objects up by their first matching attribute, all at once
    /// ([`Index::warm`]), keeping what each finds for [`Adapter::find`].
    fn ahead(&mut self, values: &mut dyn Iterator<Item = (u64, Values<'_>)>) {
        self.ahead.clear();
        let layout = &self.cycle.layouts[kind_index(self.kind)];
        let Some((_, field)) = layout.matching_fields().next() else {
            return;
        };
        let (mut keys, mut spans) = (std::mem::take(&mut self.ahead_keys), Vec::new());
        keys.clear();
        self.hashes.clear();
        for (line, values) in values {
            let start = keys.len();
            let keyed = values
                .get(field.mapping)
                .is_some_and(|text| path::match_key_text(text, field.case_exact, &mut self.key));
            // Each key with its hash: objects without one have neither.
            let key = keyed.then(|| {
                keys.push_str(&self.key);
                let hash = accounts::hash(&self.key);
                self.hashes.push(hash);
                (start..keys.len(), hash)
            });
            spans.push((line, key));
        }
        let index = self.cycle.index(self.kind);
        index.warm(0, &self.hashes);
        for (line, key) in spans {
            let lookup = key.map(|(span, hash)| index.lookup_hashed(0, &keys[span], hash));
            self.ahead.push_back((line, lookup));
        }
        self.ahead_keys = keys;
    }
}

impl<S: ?Sized + Sink> Adapter<'_, '_, S> {
    fn scoping(&self, outcome: &Outcome<'_>, problems: &[Problem]) -> Scoping {
        let cycle = &*self.cycle;
        let assigned = match (cycle.scope, &cycle.assignments) {
            (Scope::All, _) | (Scope::Assigned, None) => true,
            (Scope::Assigned, Some(a)) => outcome.object_id.is_some_and(|id| match self.kind {
                ObjectKind::User => a.user_assigned(id),
                ObjectKind::Group => a.group_assigned(id),
            }),
        };
        if !assigned {
            return Scoping::Out(Reason::NotAssigned, None);
        }
        if outcome.status == Status::OutOfScope {
            let clause = problems
                .iter()
                .find(|p| p.rule == RuleId::PreviewOutOfScope)
                .map(|p| p.message.clone());
            return Scoping::Out(Reason::OutOfScope, clause);
        }
        if self.kind == ObjectKind::User && outcome.soft_deleted {
            return Scoping::SoftDeleted;
        }
        Scoping::In
    }

    /// The scoping verdict in words, step by step.
    fn scoping_steps(&self, outcome: &Outcome<'_>, scoping: &Scoping) -> Vec<String> {
        let cycle = &*self.cycle;
        let mut steps = vec![match (cycle.scope, &cycle.assignments, scoping) {
            (Scope::All, _, _) => "assignment: scope is `all`, everyone counts".to_owned(),
            (Scope::Assigned, None, _) => {
                "assignment: no assignments given, counted as assigned".to_owned()
            }
            (Scope::Assigned, Some(_), Scoping::Out(Reason::NotAssigned, _)) => {
                "assignment: not assigned, directly or through a group it is an immediate member of"
                    .to_owned()
            }
            (Scope::Assigned, Some(_), _) => "assignment: assigned".to_owned(),
        }];
        match scoping {
            Scoping::Out(Reason::NotAssigned, _) => {}
            Scoping::Out(_, clause) => steps.push(format!(
                "scoping: {}",
                clause.as_deref().unwrap_or("out of scope")
            )),
            _ => steps.push("scoping: in scope".to_owned()),
        }
        if self.kind == ObjectKind::User {
            steps.push(format!(
                "soft-deleted: {}",
                if outcome.soft_deleted { "yes" } else { "no" }
            ));
        }
        steps
    }

    /// What [`Adapter::ahead`] found for the object on `line`, if it looked it up (the
    /// objects come in the order it saw them; anything else and it is not used).
    fn looked_up(&mut self, line: u64) -> Option<Option<Lookup>> {
        match self.ahead.pop_front() {
            Some((at, lookup)) if at == line => Some(lookup),
            Some(_) => {
                self.ahead.clear();
                None
            }
            None => None,
        }
    }

    /// Looks the object up by its matching attributes in precedence order, sending the GET
    /// Entra sends for each value tried.
    fn find(
        &mut self,
        values: &Values<'_>,
        mut first: Option<Option<Lookup>>,
        send: bool,
        steps: &mut Vec<String>,
    ) -> io::Result<Found> {
        let explain = self.cycle.explain;
        let layout = &self.cycle.layouts[kind_index(self.kind)];
        let index = self.cycle.index(self.kind);
        let mut any = false;
        let mut gets = Vec::new();
        let mut found = Found::Missing;
        for (rank, (_, field)) in layout.matching_fields().enumerate() {
            let Some(text) = values.get(field.mapping) else {
                continue;
            };
            // The first attribute's lookup may be made already ([`Adapter::ahead`]).
            let lookup = match first.take().filter(|_| rank == 0) {
                Some(Some(lookup)) => lookup,
                Some(None) => continue,
                None if path::match_key_text(text, field.case_exact, &mut self.key) => {
                    index.lookup(rank, &self.key)
                }
                None => continue,
            };
            any = true;
            if send && self.requests {
                if let Some(value) = path::scalar_text(&path::parse(text)) {
                    gets.push(requests::lookup(self.kind, &field.target, &value));
                }
            }
            if explain {
                let how = if field.case_exact {
                    "caseExact"
                } else {
                    "ignoring case"
                };
                let what = match &lookup {
                    Lookup::None => "no account".to_owned(),
                    Lookup::One(i) => format!("account {}", index.get(*i).id),
                    Lookup::Many(all) => format!("{} accounts", all.len()),
                };
                steps.push(format!(
                    "matching {}: {} eq {} ({how}): {what}",
                    rank + 1,
                    field.target,
                    path::parse(text)
                ));
            }
            match lookup {
                Lookup::None => continue,
                Lookup::One(i) => found = Found::One(i),
                Lookup::Many(all) => found = Found::Many(all),
            }
            break;
        }
        for get in &gets {
            self.sink.request(get)?;
        }
        Ok(if any { found } else { Found::NoValue })
    }

    /// Decides what Entra does with one object (`first`: what its first matching attribute
    /// finds, when [`Adapter::ahead`] looked it up).
    fn decide(
        &mut self,
        outcome: &Outcome<'_>,
        problems: &[Problem],
        first: Option<Option<Lookup>>,
    ) -> io::Result<()> {
        let kind = self.kind;
        let key = outcome
            .name
            .or(outcome.object_id)
            .map_or_else(|| format!("line {}", outcome.line), str::to_owned);
        let mut decision = Decision {
            kind,
            key,
            action: Action::Skip,
            reason: None,
            entra: None,
            changes: Vec::new(),
            line: outcome.line,
            account: None,
            detail: None,
            steps: Vec::new(),
            values: None,
            invalid: Vec::new(),
        };
        if outcome.status == Status::Unreadable {
            decision.reason = Some(Reason::Unreadable);
            decision.detail = problems.first().map(|p| p.message.clone());
            return self.emit(decision, outcome);
        }
        let values = outcome.values;
        let scoping = self.scoping(outcome, problems);
        let incremental = self.cycle.settings.cycle == CycleKind::Incremental;
        // Entra looks an object up only when it processes it: in scope, soft-deleted, or (in
        // an incremental cycle) out of scope with an account to deprovision.
        let send = !matches!(scoping, Scoping::Out(..)) || incremental;
        let mut steps = Vec::new();
        if self.cycle.explain {
            steps = self.scoping_steps(outcome, &scoping);
        }
        let found = match &values {
            Some(v) => self.find(v, first, send, &mut steps)?,
            None => Found::NoValue,
        };
        if self.cycle.explain && matches!(found, Found::NoValue) {
            steps.push("matching: no matching attribute has a value".to_owned());
        }
        decision.steps = steps;
        if self.cycle.keep_values {
            let layout = &self.cycle.layouts[kind_index(kind)];
            decision.values = values.map(|v| FieldValues::of(layout, &v));
            decision.invalid = impact::Invalid::of(problems);
        }
        let matched = if let Found::One(i) = found {
            Some(i)
        } else {
            None
        };
        self.take_manager(values.as_ref(), matched);
        match &found {
            Found::One(i) => {
                self.cycle.index_mut(kind).mark(*i);
                decision.account = Some(self.cycle.index(kind).get(*i).id.to_string());
            }
            Found::Many(all) => {
                for i in all {
                    self.cycle.index_mut(kind).mark(*i);
                }
            }
            _ => {}
        }
        let dialect = self.cycle.settings.dialect;
        let duplicate = |all: &[u32], cycle: &State| {
            let ids: Vec<String> = all
                .iter()
                .map(|i| cycle.index(kind).get(*i).id.to_string())
                .collect();
            format!("{} accounts match: {}", ids.len(), ids.join(", "))
        };
        match scoping {
            Scoping::In if outcome.status == Status::Failure => {
                let (reason, detail) = failure_reason(problems);
                decision.reason = Some(reason);
                decision.detail = detail;
            }
            Scoping::In => match (&found, values) {
                (Found::NoValue, _) | (_, None) => decision.reason = Some(Reason::NoMatchingValue),
                (Found::Many(all), _) => {
                    decision.reason = Some(Reason::DuplicateTarget);
                    decision.detail = Some(duplicate(all, self.cycle));
                }
                (Found::Missing, Some(values)) => {
                    decision.action = Action::Create;
                    self.cycle.creates += 1;
                    let name = format!("create_{}", self.cycle.creates);
                    let members = self.desired_members(&values);
                    let reference = Ref::Created(name.clone());
                    if self.requests {
                        let mut payload = path::parse(&values.payload(self.template));
                        self.without_manager(&mut payload);
                        self.sink.request(&requests::create(kind, payload, name))?;
                    }
                    if let Some(members) = members.filter(|m| !m.is_empty()) {
                        decision.changes.push(Change::Members {
                            target: "members".to_owned(),
                            added: members.iter().map(|(_, k)| k.clone()).collect(),
                            removed: Vec::new(),
                        });
                        let refs: Vec<Ref> = members.into_iter().map(|(r, _)| r).collect();
                        if self.requests {
                            for r in requests::members(&reference, &refs, &[], dialect) {
                                self.sink.request(&r)?;
                            }
                        }
                    }
                    self.provisioned(outcome, |_| reference, &decision.key);
                }
                (Found::One(i), Some(values)) => {
                    let account = *i;
                    self.update(&mut decision, account, &values)?;
                    let reference = |cycle: &State| {
                        Ref::Existing(cycle.index(kind).get(account).id.to_string())
                    };
                    self.provisioned(outcome, reference, &decision.key);
                }
            },
            Scoping::SoftDeleted => match found {
                Found::One(i) => self.deprovision(&mut decision, i, Reason::SoftDeleted, true)?,
                Found::Many(all) => {
                    decision.reason = Some(Reason::DuplicateTarget);
                    decision.detail = Some(duplicate(&all, self.cycle));
                }
                Found::Missing | Found::NoValue => decision.reason = Some(Reason::SoftDeleted),
            },
            Scoping::Out(reason, detail) => {
                decision.reason = Some(reason);
                decision.detail = detail;
                if let (Found::One(i), true) = (found, incremental) {
                    self.deprovision(&mut decision, i, reason, false)?;
                }
            }
        }
        if kind == ObjectKind::Group && decision.reason.is_none() {
            unresolved_members(&mut decision, problems);
        }
        self.emit(decision, outcome)
    }

    /// Records a provisioned user for group members (`reference`: its account, made only
    /// when groups are planned).
    fn provisioned(
        &mut self,
        outcome: &Outcome<'_>,
        reference: impl FnOnce(&State) -> Ref,
        key: &str,
    ) {
        if self.kind != ObjectKind::User || self.cycle.refs.is_none() {
            return;
        }
        let reference = reference(self.cycle);
        if let (Some(refs), Some(id)) = (&mut self.cycle.refs, outcome.object_id) {
            if let Ref::Existing(account) = &reference {
                self.cycle.known.insert(account.clone(), key.to_owned());
            }
            refs.insert(id.to_ascii_lowercase(), (reference, key.to_owned()));
        }
    }

    /// The members a group's payload names, as references to the users' accounts, with
    /// their keys (`None` for a user, or a group without a members mapping).
    fn desired_members(&self, values: &Values<'_>) -> Option<Vec<(Ref, String)>> {
        let layout = &self.cycle.layouts[kind_index(self.kind)];
        let field = &layout.fields[layout.members()?];
        let refs = self.cycle.refs.as_ref()?;
        let mut out = Vec::new();
        if let Some(Value::Array(members)) = values.get(field.mapping).map(path::parse) {
            for m in &members {
                let id = path::member(m, "value").and_then(path::scalar_text);
                if let Some((r, key)) = id.and_then(|id| refs.get(&id.to_ascii_lowercase())) {
                    out.push((r.clone(), key.clone()));
                }
            }
        }
        Some(out)
    }

    /// A matched, in-scope object: the attributes that differ, then an update or nothing.
    fn update(
        &mut self,
        decision: &mut Decision,
        account: u32,
        values: &Values<'_>,
    ) -> io::Result<()> {
        let kind = self.kind;
        let dialect = self.cycle.settings.dialect;
        let layout = &self.cycle.layouts[kind_index(kind)];
        let found = self.cycle.index(kind).get(account);
        // The common case first: a user whose values are the account's own text is unchanged,
        // without reading any value.
        if kind == ObjectKind::User {
            self.text.clear();
            accounts::write_texts(&mut self.text, layout, values);
            if found.has_text(&self.text) {
                decision.action = Action::Unchanged;
                decision.entra = Some("RedundantExport");
                return Ok(());
            }
        }
        let mut sent: Vec<(&str, Value)> = Vec::new();
        let manager = self.manager_field();
        for (at, field) in layout.fields.iter().enumerate() {
            // The manager is compared and sent on its own (references::settle_manager).
            if !field.on_update || Some(at) == manager {
                continue;
            }
            // A mapping that gives no value sends nothing: Entra does not clear a target
            // attribute on a null source (an uncertain rule: the docs are silent).
            let Some(new) = values.get(field.mapping) else {
                continue;
            };
            if found.value_text(at) == Some(new) {
                continue;
            }
            let (old, new) = (found.value(at), path::parse(new));
            if !path::same(&new, &old) {
                decision.changes.push(Change::Value {
                    target: field.target.clone(),
                    old,
                    new: new.clone(),
                });
                sent.push((&field.target, new));
            }
        }
        let mut member_requests = Vec::new();
        if let (Some(at), Some(desired)) = (layout.members(), self.desired_members(values)) {
            let existing: Vec<String> = match &found.value(at) {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|m| path::member(m, "value").and_then(path::scalar_text))
                    .collect(),
                _ => Vec::new(),
            };
            let added: Vec<(Ref, String)> = desired
                .iter()
                .filter(|(r, _)| !matches!(r, Ref::Existing(id) if existing.contains(id)))
                .cloned()
                .collect();
            // Only members Entra knows (accounts its users match) are removed; other members
            // of the target group are not Entra's to manage.
            let wanted: Vec<&Ref> = desired.iter().map(|(r, _)| r).collect();
            let removed: Vec<(Ref, String)> = existing
                .iter()
                .filter_map(|id| {
                    let key = self.cycle.known.get(id)?;
                    let r = Ref::Existing(id.clone());
                    (!wanted.contains(&&r)).then(|| (r, key.clone()))
                })
                .collect();
            if !added.is_empty() || !removed.is_empty() {
                decision.changes.push(Change::Members {
                    target: "members".to_owned(),
                    added: added.iter().map(|(_, k)| k.clone()).collect(),
                    removed: removed.iter().map(|(_, k)| k.clone()).collect(),
                });
                let added: Vec<Ref> = added.into_iter().map(|(r, _)| r).collect();
                let removed: Vec<Ref> = removed.into_iter().map(|(r, _)| r).collect();
                let reference = Ref::Existing(found.id.to_owned());
                member_requests = requests::members(&reference, &added, &removed, dialect);
            }
        }
        if decision.changes.is_empty() {
            decision.action = Action::Unchanged;
            decision.entra = Some("RedundantExport");
            return Ok(());
        }
        decision.action = Action::Update;
        if !self.requests {
            return Ok(());
        }
        if !sent.is_empty() {
            let sent: Vec<(&str, &Value)> = sent.iter().map(|(t, v)| (*t, v)).collect();
            self.sink.request(&requests::update(
                kind,
                &Ref::Existing(found.id.to_owned()),
                &sent,
                dialect,
            ))?;
        }
        for r in &member_requests {
            self.sink.request(r)?;
        }
        Ok(())
    }

    /// A matched object leaving scope (or soft-deleted): disable, delete, or leave it.
    fn deprovision(
        &mut self,
        decision: &mut Decision,
        account: u32,
        reason: Reason,
        soft_deleted: bool,
    ) -> io::Result<()> {
        let kind = self.kind;
        let settings = &self.cycle.settings;
        let layout = &self.cycle.layouts[kind_index(kind)];
        let found = self.cycle.index(kind).get(account);
        let reference = Ref::Existing(found.id.to_string());
        decision.reason = Some(reason);
        decision.account = Some(found.id.to_string());
        if !soft_deleted && settings.skip_out_of_scope_deletions {
            decision.reason = Some(Reason::SkipOutOfScopeDeletions);
            decision.detail = Some(format!(
                "{} (the account is left as it is)",
                reason.summary()
            ));
            return Ok(());
        }
        match (kind, layout.active) {
            (ObjectKind::User, Some(active)) => {
                let old = found.value(active);
                if path::same(&old, &Value::Bool(false)) {
                    decision.action = Action::Unchanged;
                    decision.entra = Some("RedundantExport");
                    decision.detail = Some("the account is already inactive".to_owned());
                    return Ok(());
                }
                decision.action = Action::Disable;
                decision.changes.push(Change::Value {
                    target: layout.fields[active].target.clone(),
                    old,
                    new: Value::Bool(false),
                });
                if self.requests {
                    self.sink
                        .request(&requests::disable(&reference, settings.dialect))?;
                }
            }
            (ObjectKind::User, None) if soft_deleted => {
                decision.reason = Some(Reason::NoActiveMapping);
            }
            _ => {
                decision.action = Action::Delete;
                if self.requests {
                    self.sink.request(&requests::delete(kind, &reference))?;
                }
            }
        }
        Ok(())
    }

    fn emit(&mut self, mut decision: Decision, outcome: &Outcome<'_>) -> io::Result<()> {
        if decision.entra.is_none() {
            decision.entra = decision.reason.and_then(Reason::entra);
        }
        if self.kind == ObjectKind::User && self.cycle.refs.is_some() {
            if let Some(id) = outcome.object_id {
                let provisioned = matches!(
                    decision.action,
                    Action::Create | Action::Update | Action::Unchanged
                ) && decision.reason.is_none();
                self.cycle.members.insert(id, provisioned);
            }
        }
        if self.kind == ObjectKind::User {
            return self.settle_manager(decision, outcome);
        }
        self.send(decision)
    }

    /// Counts a settled decision and sends it.
    fn send(&mut self, decision: Decision) -> io::Result<()> {
        self.cycle.kind_summary(self.kind).count(&decision);
        self.sink.decision(&decision)
    }
}

/// A group Entra provisions without some of its members: members that are not provisioned
/// users (out of scope, failing, or not in the user export) cannot be resolved to an account
/// and are left out ("We were unable to assign {user} as the members of {group}", a step whose
/// SkipReason is `UnableToResolveReferenceAttributeValue`: MicrosoftDocs/entra-docs
/// docs/identity/app-provisioning/application-provisioning-log-analytics.md, the query for
/// "groups with skipped members due to problems resolving references"). The group's own action
/// stands; the reason says what is left out.
fn unresolved_members(decision: &mut Decision, problems: &[Problem]) {
    let mut left_out = problems
        .iter()
        .filter(|p| p.rule == RuleId::PreviewMemberNotProvisioned);
    let Some(first) = left_out.next() else {
        return;
    };
    if !matches!(
        decision.action,
        Action::Create | Action::Update | Action::Unchanged
    ) {
        return;
    }
    let more = left_out.count();
    decision.reason = Some(Reason::ReferenceUnresolved);
    decision.detail = Some(if more == 0 {
        first.message.clone()
    } else {
        format!("{}; {more} more findings like it", first.message)
    });
}

/// Why an object in scope fails, from preview's problems.
fn failure_reason(problems: &[Problem]) -> (Reason, Option<String>) {
    let error = |p: &&Problem| p.severity >= crate::diagnostics::Severity::Error;
    let detail = |p: &Problem| match &p.target {
        Some(t) => format!("{t}: {}", p.message),
        None => p.message.clone(),
    };
    if let Some(p) = problems
        .iter()
        .find(|p| p.rule == RuleId::PreviewDuplicateMatchingValue)
    {
        return (Reason::DuplicateSource, Some(detail(p)));
    }
    if let Some(p) = problems.iter().filter(error).find(|p| {
        p.rule == RuleId::PreviewRequiredMissing && p.message.contains("matching attribute")
    }) {
        return (Reason::NoMatchingValue, Some(detail(p)));
    }
    (
        Reason::MappingError,
        problems.iter().find(error).map(detail),
    )
}

impl Settings {
    /// Reads the job settings that change the outcome from a Graph document: a
    /// synchronizationJob (`synchronizationJobSettings`: `QuarantineTooManyDeletesThreshold`)
    /// or the job's secrets (`{"value": [{"key": "SkipOutOfScopeDeletions", "value": "true"}]}`,
    /// as `PUT …/synchronization/secrets` takes them: MicrosoftDocs/entra-docs
    /// docs/identity/app-provisioning/skip-out-of-scope-deletions.md). Other entries are left.
    pub fn apply_job_json(&mut self, json: &Value) -> Result<(), String> {
        let mut pairs = Vec::new();
        let mut collect = |list: Option<&Value>| {
            for entry in list.and_then(Value::as_array).into_iter().flatten() {
                let name = path::member(entry, "name").or_else(|| path::member(entry, "key"));
                let value = path::member(entry, "value").and_then(path::scalar_text);
                if let (Some(Value::String(name)), Some(value)) = (name, value) {
                    pairs.push((name.clone(), value));
                }
            }
        };
        collect(path::member(json, "synchronizationJobSettings"));
        collect(path::member(json, "value"));
        if json.is_array() {
            collect(Some(json));
        }
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("SkipOutOfScopeDeletions") {
                self.skip_out_of_scope_deletions = value.eq_ignore_ascii_case("true");
            } else if name.eq_ignore_ascii_case("QuarantineTooManyDeletesThreshold") {
                let n = value.trim().parse::<u64>().map_err(|_| {
                    format!("QuarantineTooManyDeletesThreshold `{value}` is not a whole number")
                })?;
                self.deletion_threshold = Some(n);
            }
        }
        Ok(())
    }
}
