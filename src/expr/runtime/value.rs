//! Runtime values, their text forms (the coercions of the reference, a.13) and the source object.

use super::datetime;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fmt;

/// One app role as `AppRoleAssignmentsComplex` sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRole {
    /// The role's value (`roles[].value`).
    pub value: String,
    /// The role's display name (`roles[].display`).
    pub display: String,
    /// `roles[].primary`.
    pub primary: bool,
    /// `roles[].type` (`WindowsAzureActiveDirectoryRole`).
    pub kind: String,
}

/// A runtime value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value: an absent attribute, an empty multi-valued attribute, a Switch without match.
    Null,
    /// Text (numbers written in an expression are text too, a.7).
    Str(String),
    /// A Boolean; its text is `True` / `False`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A date and time in UTC; its text is `M/d/yyyy h:mm:ss tt`.
    DateTime(DateTime<Utc>),
    /// Several values (never empty: an empty list is [`Value::Null`]).
    Multi(Vec<Value>),
    /// Bytes (binary attributes; JSON gives them as base64 text).
    Bin(Vec<u8>),
    /// One complex app role.
    Role(Box<AppRole>),
}

impl Value {
    /// A text value.
    pub fn str(text: impl Into<String>) -> Value {
        Value::Str(text.into())
    }

    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for Null and for the empty string (what IsNullOrEmpty tests).
    pub fn is_null_or_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Str(s) => s.is_empty(),
            _ => false,
        }
    }

    /// The Entra type name of the value (`String`, `Integer`, ... ; `Null`; `Multi`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Str(_) => "String",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::DateTime(_) => "DateTime",
            Value::Multi(_) => "Multi",
            Value::Bin(_) => "Binary",
            Value::Role(_) => "AppRole",
        }
    }

    /// The text of a single value as string functions see it; `None` for Null, multi-valued
    /// values and app roles (callers decide).
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        Some(match self {
            Value::Str(s) => Cow::Borrowed(s.as_str()),
            Value::Bool(true) => Cow::Borrowed("True"),
            Value::Bool(false) => Cow::Borrowed("False"),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::DateTime(d) => Cow::Owned(datetime::render_default(d)),
            Value::Bin(b) => {
                use base64::Engine as _;
                Cow::Owned(base64::engine::general_purpose::STANDARD.encode(b))
            }
            Value::Null | Value::Multi(_) | Value::Role(_) => return None,
        })
    }

    /// The value as JSON (the `--format json` form and SCIM payloads).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Multi(values) => {
                serde_json::Value::Array(values.iter().map(Value::to_json).collect())
            }
            Value::Role(role) => json!({
                "primary": role.primary,
                "type": role.kind,
                "display": role.display,
                "value": role.value,
            }),
            Value::Int(i) => json!(i),
            other => json!(other.text().unwrap_or_default()),
        }
    }

    /// Reads a JSON value: strings, integers and Booleans as themselves, other numbers as text,
    /// `null` and `[]` as Null, arrays as multi-valued, objects with `value`/`displayName` as app
    /// roles, other objects with an `id` (directory object references, such as Graph group
    /// members) as that id.
    pub fn from_json(json: &serde_json::Value) -> Result<Value, String> {
        use serde_json::Value as J;
        Ok(match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Str(n.to_string()),
            },
            J::String(s) => Value::Str(s.clone()),
            J::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    match Value::from_json(item)? {
                        Value::Null => {}
                        Value::Multi(_) => {
                            return Err("nested arrays are not attribute values".to_owned())
                        }
                        v => values.push(v),
                    }
                }
                if values.is_empty() {
                    Value::Null
                } else {
                    Value::Multi(values)
                }
            }
            J::Object(map) => {
                let field = |k: &str| map.get(k).and_then(J::as_str).map(str::to_owned);
                let value = field("value");
                // A directory object reference (a Graph group member): its id.
                if let (None, Some(id)) = (&value, field("id")) {
                    return Ok(Value::Str(id));
                }
                let display = field("displayName").or_else(|| field("display"));
                if value.is_none() && display.is_none() {
                    return Err(
                        "objects are only accepted as app roles (with `value` or `displayName`)"
                            .to_owned(),
                    );
                }
                Value::Role(Box::new(AppRole {
                    value: value
                        .clone()
                        .or_else(|| display.clone())
                        .unwrap_or_default(),
                    display: display.or(value).unwrap_or_default(),
                    primary: map.get("primary").and_then(J::as_bool).unwrap_or(false),
                    kind: field("type").unwrap_or_else(|| ROLE_TYPE.to_owned()),
                }))
            }
        })
    }
}

/// The `type` of every role `AppRoleAssignmentsComplex` produces.
pub const ROLE_TYPE: &str = "WindowsAzureActiveDirectoryRole";

impl fmt::Display for Value {
    /// The human form: text in double quotes (JSON escaping), numbers bare, lists in brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Multi(values) => {
                f.write_str("[")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Role(_) => f.write_str(&self.to_json().to_string()),
            other => {
                let text = other.text().unwrap_or_default();
                f.write_str(&serde_json::Value::String(text.into_owned()).to_string())
            }
        }
    }
}

/// A source object: attribute lookup by (case-sensitive) name.
pub trait SourceObject {
    /// The value of attribute `name`; `None` when absent (evaluates to Null).
    fn get(&self, name: &str) -> Option<&Value>;
}

impl SourceObject for HashMap<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        HashMap::get(self, name)
    }
}

/// Attribute maps hash with FxHash: attribute names are short, and SipHash's DoS resistance buys
/// nothing for a local file.
type Attributes = rustc_hash::FxHashMap<String, Value>;

/// A source object read from JSON (`{"attribute": value, ...}`).
#[derive(Debug, Clone, Default)]
pub struct JsonSource {
    attributes: Attributes,
}

impl JsonSource {
    /// Reads a JSON object of attribute name to value (see [`Value::from_json`]).
    pub fn from_json(json: &serde_json::Value) -> Result<JsonSource, String> {
        let object = json
            .as_object()
            .ok_or("the user must be a JSON object of attribute name to value")?;
        let mut attributes = Attributes::with_capacity_and_hasher(object.len(), Default::default());
        for (name, value) in object {
            let value = Value::from_json(value).map_err(|e| format!("attribute `{name}`: {e}"))?;
            attributes.insert(name.clone(), value);
        }
        Ok(JsonSource { attributes })
    }

    /// Parses JSON text (see [`JsonSource::from_json`]; a number that is not a 64-bit integer
    /// is read as the text it is written as, see [`quote_inexact_numbers`]).
    pub fn parse(text: &str) -> Result<JsonSource, String> {
        let json: serde_json::Value = serde_json::from_str(&quote_inexact_numbers(text))
            .map_err(|e| format!("invalid JSON: {e}"))?;
        JsonSource::from_json(&json)
    }

    /// Sets one attribute.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) {
        self.attributes.insert(name.into(), value);
    }
}

/// JSON text with every number that is not a 64-bit integer (`123456789012345678901234567890`,
/// `1.50`, `1e400`) turned into a string of the same characters, so that reading it keeps every
/// digit as written instead of rounding it to a 64-bit float. Anything that is not a valid JSON
/// number is left as it is (and stays invalid). Linear; borrows when nothing changes.
pub fn quote_inexact_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut done = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &text[start..i];
                if is_json_number(token) && token.parse::<i64>().is_err() {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                    out.push_str(&text[done..start]);
                    out.push('"');
                    out.push_str(token);
                    out.push('"');
                    done = i;
                }
            }
            _ => i += 1,
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[done..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Whether `token` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(token: &str) -> bool {
    let b = token.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && b[int_start] == b'0') {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

impl SourceObject for JsonSource {
    fn get(&self, name: &str) -> Option<&Value> {
        self.attributes.get(name)
    }
}
