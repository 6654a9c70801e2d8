//! Lifecycle: deprovisioning (`IsSoftDeleted`) and app role functions against the scope.

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::catalogue::{self, Context, Function};
use crate::expr::syntax::ExprKind;
use crate::lint::{CheckContext, Sink};
use crate::model::{AttributeMapping, MappingKind, Scope};

fn reads(mapping: &AttributeMapping, attribute: &str) -> bool {
    match &mapping.kind {
        Some(MappingKind::Direct(s)) => s.value == attribute,
        Some(MappingKind::Expression {
            expr: Some(expr), ..
        }) => expr.attributes().iter().any(|(n, _)| *n == attribute),
        _ => false,
    }
}

pub(super) fn soft_delete(cx: &CheckContext<'_>, sink: &mut Sink) {
    let users = &cx.objects.users;
    // An app without `active` (LinkedIn Learning, monday.com) is deprovisioned by DELETE:
    // there is nothing to map `IsSoftDeleted` to.
    let has_active = users
        .targets
        .as_ref()
        .is_none_or(|t| t.get("active").is_some());
    if has_active
        && users.active()
        && !users.mapping.mappings.is_empty()
        && !users
            .mapping
            .mappings
            .iter()
            .any(|m| reads(m, "IsSoftDeleted"))
    {
        sink.file(
            Diagnostic::new(RuleId::IsSoftDeletedUnmapped, Span::new(users.mapping.span.start, users.mapping.span.start), "no user mapping reads `IsSoftDeleted`")
                .with_help("map `active` from `Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")` (or `Not([IsSoftDeleted])`): otherwise users who leave scope are never disabled"),
        );
    }
}

pub(super) fn role_functions(cx: &CheckContext<'_>, sink: &mut Sink) {
    let Some(scope) = cx.file.scope.as_ref().filter(|s| s.value == Scope::All) else {
        return;
    };
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let Some(MappingKind::Expression {
                text,
                expr: Some(expr),
            }) = &mapping.kind
            else {
                continue;
            };
            expr.walk(&mut |e| {
                if let ExprKind::Call(call) = &e.kind {
                    if catalogue::lookup(&call.name, Context::AppProvisioning)
                        .is_some_and(Function::is_role_function)
                    {
                        sink.mapping(
                            at,
                            Diagnostic::new(RuleId::RoleFunctionSyncAll, text.file_span(call.name_span), format!("`{}` with `scope: all`", call.name))
                                .with_primary_label("role function")
                                .with_label(scope.span, "syncs all users and groups")
                                .with_help("app role assignments exist only for assigned users: use `scope: assigned`, or drop the role mapping"),
                        );
                    }
                }
            });
        }
    }
}

/// SingleAppRoleAssignment into a role's `type` (`roles[primary eq "True"].type`): the service
/// sends `WindowsAzureActiveDirectoryRole` there, not the role; `.value` carries it.
pub(super) fn role_targets(cx: &CheckContext<'_>, sink: &mut Sink) {
    for object in &cx.objects {
        for (at, mapping) in object.mappings() {
            let Some(MappingKind::Expression {
                text,
                expr: Some(expr),
            }) = &mapping.kind
            else {
                continue;
            };
            let target = &mapping.target.value;
            let Some(filter) = target
                .strip_suffix(".type")
                .filter(|t| t.starts_with("roles[") && t.ends_with(']'))
            else {
                continue;
            };
            expr.walk(&mut |e| {
                if let ExprKind::Call(call) = &e.kind {
                    if call.name == "SingleAppRoleAssignment" {
                        sink.mapping(
                            at,
                            Diagnostic::new(
                                RuleId::SingleRoleIntoType,
                                mapping.target.content_span(),
                                format!("SingleAppRoleAssignment mapped to `{target}`: the role never arrives"),
                            )
                            .with_primary_label("a role's type")
                            .with_label(text.file_span(call.name_span), "the role's name")
                            .with_help(format!(
                                "the service sends \"type\": \"WindowsAzureActiveDirectoryRole\" here; map the role to `{filter}.value`"
                            )),
                        );
                    }
                }
            });
        }
    }
}
