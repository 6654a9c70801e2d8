//! Who is assigned to the app: Graph `GET /servicePrincipals/{id}/appRoleAssignedTo` pages
//! (`{"@odata.context": …, "value": [appRoleAssignment, …]}`), JSON Lines of the same objects,
//! or a CSV with `principalId`, `principalType` and `resourceId` columns.
//!
//! A user counts as assigned when it is assigned directly, or is an immediate member of an
//! assigned group; members of nested groups do not count: "The service can only read and
//! provision users that are immediate members of an explicitly assigned group"
//! (MicrosoftDocs/entra-docs docs/identity/app-provisioning/how-provisioning-works.md,
//! "Nested groups"). Group memberships come from the group export (`--groups`).
//!
//! The app is the service principal the page's `@odata.context` names, else the `resourceId`
//! of the first assignment; an assignment to another resource is counted and reported, not
//! used.

use super::accounts::AccountProblem;
use super::path::{member, scalar_text};
use crate::base::encoding::Utf8Stream;
use serde_json::Value;
use std::collections::HashSet;
use std::io::{self, BufRead};

/// The assignments of one app.
#[derive(Debug, Default, Clone)]
pub struct Assignments {
    /// The app's service principal id, when known.
    pub app: Option<String>,
    users: HashSet<String>,
    groups: HashSet<String>,
    /// Users assigned through a group (filled by [`Assignments::add_group_members`]).
    through_groups: HashSet<String>,
    /// Assignments read.
    pub read: u64,
    /// Assignments not used, and why.
    pub problems: Vec<AccountProblem>,
}

fn id_key(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

impl Assignments {
    /// Whether a user (by objectId) is assigned, directly or through a group.
    pub fn user_assigned(&self, object_id: &str) -> bool {
        let key = id_key(object_id);
        self.users.contains(&key) || self.through_groups.contains(&key)
    }

    /// Whether a group (by objectId) is assigned.
    pub fn group_assigned(&self, object_id: &str) -> bool {
        self.groups.contains(&id_key(object_id))
    }

    /// How many users and groups are assigned directly.
    pub fn direct(&self) -> (usize, usize) {
        (self.users.len(), self.groups.len())
    }

    /// Reads a group export (JSON Lines of groups, or Graph `/groups` pages, each group with
    /// `members`: ids or Graph member objects) and counts the immediate user members of the
    /// assigned groups as assigned. A member that is a group (`@odata.type` ending in `group`)
    /// is not expanded.
    pub fn add_group_members(&mut self, input: impl BufRead) -> io::Result<()> {
        let mut found = Vec::new();
        super::json::documents(Utf8Stream::new(input)?, |document, _| {
            let Ok(value) = document else { return };
            let groups = match member(&value, "value") {
                Some(Value::Array(groups)) => groups.iter().collect(),
                _ => vec![&value],
            };
            for group in groups {
                let id = member(group, "objectId")
                    .or_else(|| member(group, "id"))
                    .and_then(scalar_text);
                if !id.is_some_and(|id| self.group_assigned(&id)) {
                    continue;
                }
                let Some(Value::Array(members)) = member(group, "members") else {
                    continue;
                };
                for m in members {
                    let nested = member(m, "@odata.type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.to_ascii_lowercase().ends_with("group"));
                    let id = match m {
                        Value::String(s) => Some(s.clone()),
                        other => member(other, "id")
                            .or_else(|| member(other, "objectId"))
                            .and_then(scalar_text),
                    };
                    if let (Some(id), false) = (id, nested) {
                        found.push(id_key(&id));
                    }
                }
            }
        })?;
        self.through_groups.extend(found);
        Ok(())
    }
}

/// Reads an assignments file (UTF-8, or UTF-16 with a byte order mark, as Windows PowerShell
/// writes it).
pub fn read(input: impl BufRead) -> io::Result<Assignments> {
    let mut input = Utf8Stream::new(input)?;
    let mut out = Assignments::default();
    let first = super::json::first_byte(&mut input)?;
    match first {
        None => {}
        Some(b'{' | b'[') => {
            super::json::documents(input, |document, line| match document {
                Err(message) => {
                    out.read += 1;
                    out.problems.push(AccountProblem { line, message });
                }
                Ok(value) => {
                    if let Some(app) = member(&value, "@odata.context")
                        .and_then(Value::as_str)
                        .and_then(context_app)
                    {
                        out.app.get_or_insert(app);
                    }
                    let items = match (&value, member(&value, "value")) {
                        (_, Some(Value::Array(items))) => items.clone(),
                        (Value::Array(items), _) => items.clone(),
                        _ => vec![value],
                    };
                    for item in &items {
                        let text = |name: &str| member(item, name).and_then(scalar_text);
                        out.assignment(
                            line,
                            text("principalId"),
                            text("principalType"),
                            text("resourceId"),
                        );
                    }
                }
            })?;
        }
        Some(_) => {
            let mut reader = csv::ReaderBuilder::new().from_reader(input);
            let headers = match reader.headers() {
                Ok(h) => h.clone(),
                Err(e) => {
                    out.problems.push(AccountProblem {
                        line: 1,
                        message: format!("cannot read the CSV header: {e}"),
                    });
                    return Ok(out);
                }
            };
            let column = |name: &str| {
                headers
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(name))
            };
            let (id, kind, resource) = (
                column("principalId"),
                column("principalType"),
                column("resourceId"),
            );
            if id.is_none() {
                out.problems.push(AccountProblem {
                    line: 1,
                    message: "the CSV has no `principalId` column".to_owned(),
                });
                return Ok(out);
            }
            for (i, record) in reader.records().enumerate() {
                let line = i as u64 + 2;
                match record {
                    Err(e) => {
                        out.read += 1;
                        out.problems.push(AccountProblem {
                            line,
                            message: format!("cannot read the row: {e}"),
                        });
                    }
                    Ok(r) => {
                        let cell = |c: Option<usize>| {
                            c.and_then(|c| r.get(c))
                                .filter(|t| !t.is_empty())
                                .map(str::to_owned)
                        };
                        out.assignment(line, cell(id), cell(kind), cell(resource));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The service principal id in `…/servicePrincipals('ID')/appRoleAssignedTo`.
fn context_app(context: &str) -> Option<String> {
    let start = context.find("servicePrincipals('")? + "servicePrincipals('".len();
    let end = context[start..].find('\'')? + start;
    Some(context[start..end].to_owned())
}

impl Assignments {
    fn assignment(
        &mut self,
        line: u64,
        principal: Option<String>,
        kind: Option<String>,
        resource: Option<String>,
    ) {
        self.read += 1;
        let Some(principal) = principal else {
            return self.problems.push(AccountProblem {
                line,
                message: "an assignment without `principalId`".to_owned(),
            });
        };
        if let Some(resource) = resource {
            match &self.app {
                Some(app) if !app.eq_ignore_ascii_case(&resource) => {
                    return self.problems.push(AccountProblem {
                        line,
                        message: format!(
                            "an assignment to another app (resourceId {resource}; this app is {app}): not used"
                        ),
                    })
                }
                Some(_) => {}
                None => self.app = Some(resource),
            }
        }
        match kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("group") => {
                self.groups.insert(id_key(&principal));
            }
            Some("user") | None => {
                self.users.insert(id_key(&principal));
            }
            Some(other) => self.problems.push(AccountProblem {
                line,
                message: format!(
                    "an assignment to a {other} ({principal}): only users and groups are provisioned"
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_page_of_another_app_is_refused() {
        let page = r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('app-1')/appRoleAssignedTo",
 "value": [
  {"principalId": "U1", "principalType": "User", "resourceId": "app-1"},
  {"principalId": "g1", "principalType": "Group", "resourceId": "app-1"},
  {"principalId": "u2", "principalType": "User", "resourceId": "app-2"}]}"#;
        let mut a = read(page.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.app.as_deref(), Some("app-1"));
        assert!(a.user_assigned("u1"));
        assert!(!a.user_assigned("u2"));
        assert_eq!(a.problems.len(), 1);
        assert_eq!(a.read, 3);
        let groups = r##"{"id": "g1", "members": [{"@odata.type": "#microsoft.graph.user", "id": "u3"}, {"@odata.type": "#microsoft.graph.group", "id": "g2"}, "u4"]}"##;
        a.add_group_members(groups.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(a.user_assigned("u3") && a.user_assigned("U4"));
        assert!(!a.user_assigned("g2"));
    }

    /// A file Windows PowerShell wrote (UTF-16LE with a byte order mark) reads as its UTF-8.
    #[test]
    fn utf16_files_are_read() {
        let csv = "principalId,principalType,resourceId\r\nU1,User,app-1\r\ng1,Group,app-1\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(csv.encode_utf16().flat_map(u16::to_le_bytes));
        let mut a = read(&bytes[..]).unwrap_or_else(|e| panic!("{e}"));
        assert!(a.user_assigned("u1"));
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        let groups = r#"{"id": "g1", "members": ["u5"]}"#;
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(groups.encode_utf16().flat_map(u16::to_le_bytes));
        a.add_group_members(&bytes[..])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(a.user_assigned("u5"));
    }
}
