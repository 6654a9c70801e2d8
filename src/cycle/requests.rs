//! The SCIM requests Entra sends for a cycle, in both of its dialects, as Microsoft documents
//! them (MicrosoftDocs/entra-docs
//! docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md, the request
//! examples; docs/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility.md,
//! the behaviour with and without the `aadOptscim062020` flag):
//!
//! - a lookup by the matching attribute: `GET /Users?filter=userName eq "…"`, and for groups
//!   `GET /Groups?excludedAttributes=members&filter=displayName eq "…"`;
//! - `POST /Users` with the whole resource; `POST /Groups` without members, which follow in a
//!   PATCH ("Create Group (members empty)", then "Add Members");
//! - `PATCH` with a `PatchOp`: by default `op` is capitalised (`Replace`, `Add`, `Remove`), a
//!   Boolean is the text `"True"`/`"False"`, one operation per attribute, and a member removal
//!   is `{"op": "Remove", "path": "members", "value": [{"value": id}]}`; with
//!   `aadOptscim062020`, `op` is lower case, Booleans are JSON Booleans, attributes without a
//!   value filter go in one `replace` whose value is an object, and a member removal is
//!   `{"op": "remove", "path": "members[value eq \"id\"]"}`;
//! - a disable is a PATCH of `active` to false; `DELETE /Users/{id}` where Entra deletes.
//!
//! An object created in the same cycle has no id yet: its requests name it by the POST that
//! creates it, `{{create_N.response.body.$.id}}`, the response-variable syntax REST clients
//! (VS Code REST Client, JetBrains HTTP Client) replay.

use crate::expr::source::ObjectKind;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// Which PATCH dialect the app's job uses.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Dialect {
    /// Entra's default SCIM client.
    #[default]
    #[cfg_attr(feature = "cli", value(name = "default"))]
    #[serde(rename = "default")]
    Default,
    /// With the `aadOptscim062020` feature flag on the tenant URL.
    #[cfg_attr(feature = "cli", value(name = "aadOptscim062020"))]
    #[serde(rename = "aadOptscim062020")]
    AadOptscim062020,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The path below the SCIM base URL, with its query (unencoded, as Microsoft prints it).
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// The name of a POST, by which later requests refer to the id it returns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// How a request refers to an account: its id, or the POST that creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// An existing account's id.
    Existing(String),
    /// An account created by the POST of this name.
    Created(String),
}

impl Ref {
    /// The id as a request writes it.
    pub fn text(&self) -> String {
        match self {
            Ref::Existing(id) => id.clone(),
            Ref::Created(name) => format!("{{{{{name}.response.body.$.id}}}}"),
        }
    }
}

fn endpoint(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::User => "/Users",
        ObjectKind::Group => "/Groups",
    }
}

impl Dialect {
    fn op(self, op: &str) -> String {
        match self {
            Dialect::Default => {
                let mut c = op.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
            Dialect::AadOptscim062020 => op.to_ascii_lowercase(),
        }
    }

    /// A value as a PATCH sends it: the default client sends Booleans as `"True"`/`"False"`.
    fn value(self, value: &Value) -> Value {
        match (self, value) {
            (Dialect::Default, Value::Bool(b)) => json!(if *b { "True" } else { "False" }),
            (Dialect::Default, Value::Array(items)) => {
                Value::Array(items.iter().map(|v| self.value(v)).collect())
            }
            (Dialect::Default, Value::Object(map)) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.value(v)))
                    .collect(),
            ),
            _ => value.clone(),
        }
    }
}

fn patch(operations: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations,
    })
}

/// The lookup by a matching attribute.
pub fn lookup(kind: ObjectKind, attribute: &str, value: &str) -> Request {
    let quoted: std::borrow::Cow<str> = if value.contains(['\\', '"']) {
        value.replace('\\', "\\\\").replace('"', "\\\"").into()
    } else {
        value.into()
    };
    let path = match kind {
        ObjectKind::User => format!("/Users?filter={attribute} eq \"{quoted}\""),
        ObjectKind::Group => {
            format!("/Groups?excludedAttributes=members&filter={attribute} eq \"{quoted}\"")
        }
    };
    Request {
        method: "GET",
        path,
        body: None,
        name: None,
    }
}

/// The creation of an object (a group without its members).
pub fn create(kind: ObjectKind, mut payload: Value, name: String) -> Request {
    if let (ObjectKind::Group, Value::Object(map)) = (kind, &mut payload) {
        map.retain(|k, _| !k.eq_ignore_ascii_case("members"));
    }
    if let Value::Object(map) = &mut payload {
        map.entry("meta")
            .or_insert_with(|| json!({"resourceType": kind.title()}));
    }
    Request {
        method: "POST",
        path: endpoint(kind).to_owned(),
        body: Some(payload),
        name: Some(name),
    }
}

/// The update of some attributes (target path, new value).
pub fn update(kind: ObjectKind, id: &Ref, changes: &[(&str, &Value)], dialect: Dialect) -> Request {
    let replace = dialect.op("replace");
    let mut operations = Vec::new();
    let mut grouped = Map::new();
    for (target, value) in changes {
        let value = dialect.value(value);
        if dialect == Dialect::AadOptscim062020 && !target.contains('[') {
            grouped.insert((*target).to_owned(), value);
        } else {
            operations.push(json!({"op": replace, "path": target, "value": value}));
        }
    }
    if !grouped.is_empty() {
        operations.push(json!({"op": replace, "value": grouped}));
    }
    Request {
        method: "PATCH",
        path: format!("{}/{}", endpoint(kind), id.text()),
        body: Some(patch(operations)),
        name: None,
    }
}

/// The PATCH of a user's reference attribute (its manager), in an operation of its own: `add`
/// when the account has no value yet, `replace` when it has another; the value is the
/// referenced account's id as text, as Entra sends a manager (see [`super::references`]).
pub fn reference(
    user: &Ref,
    target: &str,
    value: &Ref,
    replace: bool,
    dialect: Dialect,
) -> Request {
    let op = dialect.op(if replace { "replace" } else { "add" });
    Request {
        method: "PATCH",
        path: format!("/Users/{}", user.text()),
        body: Some(patch(vec![
            json!({"op": op, "path": target, "value": value.text()}),
        ])),
        name: None,
    }
}

/// The disable of a user: `active` replaced by false.
pub fn disable(id: &Ref, dialect: Dialect) -> Request {
    Request {
        method: "PATCH",
        path: format!("/Users/{}", id.text()),
        body: Some(patch(vec![
            json!({"op": dialect.op("replace"), "path": "active", "value": dialect.value(&json!(false))}),
        ])),
        name: None,
    }
}

/// The deletion of an object.
pub fn delete(kind: ObjectKind, id: &Ref) -> Request {
    Request {
        method: "DELETE",
        path: format!("{}/{}", endpoint(kind), id.text()),
        body: None,
        name: None,
    }
}

/// The membership changes of a group: one PATCH adding members, one removing them.
pub fn members(group: &Ref, added: &[Ref], removed: &[Ref], dialect: Dialect) -> Vec<Request> {
    let path = format!("/Groups/{}", group.text());
    let mut out = Vec::new();
    if !added.is_empty() {
        let value: Vec<Value> = added
            .iter()
            .map(|m| match dialect {
                Dialect::Default => json!({"$ref": null, "value": m.text()}),
                Dialect::AadOptscim062020 => json!({"value": m.text()}),
            })
            .collect();
        out.push(Request {
            method: "PATCH",
            path: path.clone(),
            body: Some(patch(vec![
                json!({"op": dialect.op("add"), "path": "members", "value": value}),
            ])),
            name: None,
        });
    }
    if !removed.is_empty() {
        let operations = match dialect {
            Dialect::Default => vec![json!({
                "op": "Remove",
                "path": "members",
                "value": removed.iter().map(|m| json!({"value": m.text()})).collect::<Vec<_>>(),
            })],
            Dialect::AadOptscim062020 => removed
                .iter()
                .map(|m| json!({"op": "remove", "path": format!("members[value eq \"{}\"]", m.text())}))
                .collect(),
        };
        out.push(Request {
            method: "PATCH",
            path,
            body: Some(patch(operations)),
            name: None,
        });
    }
    out
}

/// Writes one request as a JSON line (`{"method", "path", "body"}`, and `name` on a POST).
pub fn write_jsonl(out: &mut dyn Write, request: &Request) -> io::Result<()> {
    serde_json::to_writer(&mut *out, request).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// The head of an `.http` file: the base URL and token variables a REST client asks for.
pub const HTTP_HEADER: &str =
    "# The SCIM requests Entra would send, in order (entramap plan --requests).\n\
# Set the base URL of the SCIM endpoint and a test token, then run the requests one by one.\n\
@base = https://scim.example.com/scim\n\
@token = replace-with-a-test-token\n";

/// Writes one request in the `.http` format of REST clients.
pub fn write_http(out: &mut dyn Write, request: &Request) -> io::Result<()> {
    writeln!(out, "\n###")?;
    if let Some(name) = &request.name {
        writeln!(out, "# @name {name}")?;
    }
    writeln!(
        out,
        "{} {{{{base}}}}{}",
        request.method,
        encode_query(&request.path)
    )?;
    writeln!(out, "Authorization: Bearer {{{{token}}}}")?;
    if let Some(body) = &request.body {
        writeln!(out, "Content-Type: application/scim+json\n")?;
        let text = serde_json::to_string_pretty(body).map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// The filter of a path percent-encoded where a request line needs it (everything of the
/// filter's text but letters, digits and `-._~@:`).
fn encode_query(path: &str) -> String {
    let Some((head, filter)) = path.split_once("filter=") else {
        return path.to_owned();
    };
    let mut out = format!("{head}filter=");
    for b in filter.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
