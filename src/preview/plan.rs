//! The plan of a preview: a user or group mapping compiled once (slots for the source attributes it
//! reads, compiled expressions and scoping filter, the payload template, target constraints).

use super::members::MemberIndex;
use super::record::Attributes;
use super::scoping::Scoping;
use super::{PreviewError, Template};
use crate::expr::eval::{self, Compiled, Value};
use crate::expr::source::ObjectKind;
use crate::model::profile::{Mutability, TargetAttribute};
use crate::model::MappingKind;
use crate::model::Prepared;
use regex::Regex;

/// Whether the account is enabled (`false`: soft-deleted for provisioning).
pub const ACCOUNT_ENABLED: &str = "accountEnabled";
/// When the user was deleted (any value: soft-deleted).
pub const DELETED_DATE_TIME: &str = "deletedDateTime";
/// The attributes that name a user in messages, in order of preference.
pub const IDENTITY: [&str; 2] = ["userPrincipalName", "objectId"];

#[derive(Debug)]
pub(super) enum Produce {
    Direct(usize),
    Constant(Value),
    Expression(Compiled),
    /// A group's `members`: references resolved against the users previewed before.
    Members(usize),
    /// A mapping with lint errors that cannot be evaluated (previewed with errors allowed):
    /// fails every user with this message.
    Broken(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    Matching,
    Unique,
}

#[derive(Debug)]
pub(super) struct Field {
    pub(super) target: String,
    /// The mapping's text (source attribute, constant or expression), for explanations.
    pub(super) text: String,
    pub(super) produce: Produce,
    pub(super) default: Option<Value>,
    pub(super) attribute: Option<TargetAttribute>,
    pub(super) pattern: Option<(Regex, String)>,
    pub(super) key: Option<(KeyKind, usize)>,
    pub(super) case_exact: bool,
    /// The slots of the source attributes the mapping reads.
    pub(super) reads: Vec<usize>,
    /// Lint reports an error in this mapping (previewed with errors allowed): every payload it
    /// gives a value to is marked.
    pub(super) lint_error: bool,
}

#[derive(Debug)]
pub(super) struct SoftDeleted {
    pub(super) flag: usize,
    pub(super) enabled: usize,
    pub(super) deleted: usize,
}

/// A user or group mapping compiled for previews.
#[derive(Debug)]
pub struct Plan {
    pub(super) attributes: Attributes,
    pub(super) scoping: Scoping,
    pub(super) enabled: bool,
    pub(super) fields: Vec<Field>,
    pub(super) template: Template,
    /// The targets the profile requires, with the field that maps each (if one does).
    pub(super) required: Vec<(String, Option<usize>)>,
    /// The matching fields, in precedence order: one of them at least must have a value.
    pub(super) matching: Vec<usize>,
    pub(super) soft_deleted: Option<SoftDeleted>,
    pub(super) key_sets: usize,
    /// The slots the mapping itself reads (scoping and mappings): the first `mapped` slots.
    pub(super) mapped: usize,
    /// The slots that name a user (or group) in messages ([`IDENTITY`]).
    pub(super) identity: Vec<usize>,
    /// The slot of `objectId`.
    pub(super) object_id: usize,
    /// The slots of `accountEnabled` and `deletedDateTime` (whether the object is
    /// soft-deleted, when the mapping does not read `IsSoftDeleted`).
    pub(super) account_enabled: usize,
    pub(super) deleted_date_time: usize,
    /// Users or groups.
    pub(super) kind: ObjectKind,
    /// The users a group's members are resolved against (`None`: not checked).
    pub(super) members: Option<MemberIndex>,
}

impl Plan {
    /// Compiles the user mapping of a prepared mapping file. Fails for what `lint` reports as
    /// errors and preview cannot run: a mapping without a value, an expression or target that
    /// does not parse, an unknown scoping operator, an invalid regular expression.
    pub fn new(prepared: &Prepared) -> Result<Plan, PreviewError> {
        Plan::for_object(prepared, ObjectKind::User)
    }

    /// Compiles the user or group mapping of a prepared mapping file (see [`Plan::new`]). A
    /// group's Direct mapping of `members` sends each member as a reference (`{"value": id}`);
    /// with [`Plan::with_members`], only members that are provisioned users.
    pub fn for_object(prepared: &Prepared, kind: ObjectKind) -> Result<Plan, PreviewError> {
        Plan::compile(prepared, kind, &|_| false)
    }

    /// Compiles a mapping that lint reports errors in, which the user asked to preview anyway
    /// (see [`crate::lint::gate`]): `lint_error(i)` says whether mapping `i` has an error. Every
    /// payload such a mapping gives a value to is marked with a
    /// [`rule::LINT_ERROR`](super::rule::LINT_ERROR) warning; a mapping that cannot be
    /// evaluated at all fails every user. Still fails for a scoping filter that cannot run.
    pub fn allowing_errors(
        prepared: &Prepared,
        kind: ObjectKind,
        lint_error: &dyn Fn(usize) -> bool,
    ) -> Result<Plan, PreviewError> {
        Plan::compile(prepared, kind, lint_error)
    }

    fn compile(
        prepared: &Prepared,
        kind: ObjectKind,
        lint_error: &dyn Fn(usize) -> bool,
    ) -> Result<Plan, PreviewError> {
        let mapping = prepared.file.object(kind);
        let targets = prepared.targets(kind);
        let mut attributes = Attributes::default();
        let scoping = Scoping::compile(&mapping.scoping, &mut attributes)
            .map_err(|e| PreviewError::Mapping(format!("{} scoping filter: {e}", kind.as_str())))?;
        let mut fields = Vec::with_capacity(mapping.mappings.len());
        let mut paths = Vec::with_capacity(mapping.mappings.len());
        let mut key_sets = 0;
        for (index, m) in mapping.mappings.iter().enumerate() {
            let target = m.target.value.clone();
            let flagged = lint_error(index);
            let fail =
                |what: String| PreviewError::Mapping(format!("mapping to `{target}`: {what}"));
            let path =
                crate::model::target_path::parse_declared(&target, targets.get(&target).is_some())
                    .map_err(|e| fail(e.message))?;
            let mut reads = Vec::new();
            let produce = match produce(m, kind, &mut attributes, &mut reads) {
                Ok(produce) => produce,
                Err(what) if flagged => Produce::Broken(format!(
                    "the mapping has lint errors and cannot be evaluated: {what}"
                )),
                Err(what) => return Err(fail(what)),
            };
            let attribute = targets.get(&target).cloned();
            let pattern = match attribute.as_ref().and_then(|a| a.pattern.clone()) {
                Some(p) => Some((
                    crate::expr::dotnet_regex::compile(&p)
                        .map_err(|e| fail(format!("profile pattern `{p}`: {e}")))?,
                    p,
                )),
                None => None,
            };
            let kind = if m.matching_precedence.is_some() {
                Some(KeyKind::Matching)
            } else if attribute.as_ref().is_some_and(|a| a.unique) {
                Some(KeyKind::Unique)
            } else {
                None
            };
            let key = kind.map(|k| {
                key_sets += 1;
                (k, key_sets - 1)
            });
            paths.push((fields.len(), path));
            fields.push(Field {
                case_exact: attribute.as_ref().is_some_and(|a| a.case_exact),
                target,
                text: m
                    .kind
                    .as_ref()
                    .map_or_else(String::new, |k| k.text().value.clone()),
                produce,
                default: m.default.as_ref().map(|d| Value::str(&d.value)),
                attribute,
                pattern,
                key,
                reads,
                lint_error: flagged,
            });
        }
        let core = crate::model::scim::core_schema_of(
            kind,
            prepared.profile.scim_version == crate::model::profile::ScimVersion::V1,
        );
        let template = Template::with_core(paths.iter().map(|(i, p)| (*i, p)), core);
        let required: Vec<(String, Option<usize>)> = targets
            .attributes()
            .iter()
            .filter(|a| a.required && !a.primary_key && a.mutability != Mutability::ReadOnly)
            .map(|a| {
                (
                    a.name.clone(),
                    fields.iter().position(|f| f.target == a.name),
                )
            })
            .collect();
        // Entra tries the matching attributes in precedence order and needs a value for one of
        // them, not for each: "If you define multiple matching attributes ..., not all users
        // have to have the same matching attribute" (MicrosoftDocs/entra-docs
        // docs/identity/app-provisioning/customize-application-attributes.md, "Matching users
        // in the source and target systems").
        let mut matching: Vec<usize> = (0..fields.len())
            .filter(|i| fields[*i].key.is_some_and(|(k, _)| k == KeyKind::Matching))
            .collect();
        matching.sort_by_key(|i| {
            mapping.mappings[*i]
                .matching_precedence
                .as_ref()
                .map(|p| p.value)
        });
        let mapped = attributes.len();
        let soft_deleted = attributes
            .lookup("IsSoftDeleted")
            .map(|(flag, _)| SoftDeleted {
                flag,
                enabled: attributes.add("accountEnabled"),
                deleted: attributes.add("deletedDateTime"),
            });
        let names: &[&str] = match kind {
            ObjectKind::User => &IDENTITY,
            ObjectKind::Group => &["displayName", "objectId"],
        };
        let identity = names.iter().map(|name| attributes.add(name)).collect();
        let object_id = attributes.add("objectId");
        let account_enabled = attributes.add(ACCOUNT_ENABLED);
        let deleted_date_time = attributes.add(DELETED_DATE_TIME);
        Ok(Plan {
            attributes,
            scoping,
            enabled: mapping.enabled,
            fields,
            template,
            required,
            matching,
            soft_deleted,
            key_sets,
            mapped,
            identity,
            object_id,
            account_enabled,
            deleted_date_time,
            kind,
            members: None,
        })
    }

    /// The source attributes the mapping reads (the only ones parsed from the export).
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    /// Resolves a group plan's `members` against these users: a member that is not a
    /// provisioned user is left out of the payload and reported.
    pub fn with_members(mut self, users: MemberIndex) -> Plan {
        self.members = Some(users);
        self
    }

    /// Users or groups.
    pub fn kind(&self) -> ObjectKind {
        self.kind
    }

    /// The payload layout.
    pub fn template(&self) -> &Template {
        &self.template
    }
}

/// How one mapping produces its value, or why it cannot (a message).
fn produce(
    m: &crate::model::AttributeMapping,
    kind: ObjectKind,
    attributes: &mut Attributes,
    reads: &mut Vec<usize>,
) -> Result<Produce, String> {
    Ok(match &m.kind {
        Some(MappingKind::Direct(source)) => {
            let slot = attributes.add(&source.value);
            reads.push(slot);
            if kind == ObjectKind::Group && source.value.eq_ignore_ascii_case("members") {
                Produce::Members(slot)
            } else {
                Produce::Direct(slot)
            }
        }
        Some(MappingKind::Constant(text)) => Produce::Constant(Value::str(&text.value)),
        Some(MappingKind::Expression {
            expr: Some(expr), ..
        }) => {
            let mut own = Attributes::default();
            own.add_read_by(expr);
            reads.extend(own.names().map(|name| attributes.add(name)));
            Produce::Expression(eval::compile(expr).map_err(|e| e.to_string())?)
        }
        Some(MappingKind::Expression { expr: None, .. }) => {
            return Err("the expression does not parse".to_owned())
        }
        None => return Err("no source, expression or constant".to_owned()),
    })
}
