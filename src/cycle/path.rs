//! Values of a SCIM resource at a target path (`userName`, `name.givenName`,
//! `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:department`), and how two values
//! are compared: the one reading of a payload and of an existing account.
//!
//! Attribute names are compared case-insensitively, as RFC 7643 section 2.1 says of attribute
//! names; a value filter's value too (Entra writes `primary eq "True"` for a JSON `true`).

use crate::model::target_path::TargetPath;
use serde_json::Value;

/// A member of a JSON object by name, ignoring case.
pub fn member<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    let map = object.as_object()?;
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The value of `resource` at `path` (`None`: absent or null).
pub fn value_at<'v>(resource: &'v Value, path: &TargetPath) -> Option<&'v Value> {
    let container = match &path.schema {
        Some(schema) if schema.text.contains(":extension:") => member(resource, &schema.text)?,
        _ => resource,
    };
    let mut value = member(container, &path.attribute.text)?;
    if let Some(filter) = &path.filter {
        let wanted = &filter.value.text;
        value = value.as_array()?.iter().find(|element| {
            member(element, &filter.attribute.text)
                .and_then(scalar_text)
                .is_some_and(|t| t.eq_ignore_ascii_case(wanted))
        })?;
    }
    if let Some(sub) = &path.sub_attribute {
        value = member(value, &sub.text)?;
    }
    (!value.is_null()).then_some(value)
}

/// A scalar as text (`true` and `"True"` both read `true`), `None` for arrays and objects.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether two values are the same to the target: scalars by text (a Boolean also as `True` /
/// `False` text, since the default SCIM client sends Booleans as strings), case-sensitively;
/// arrays element by element; objects member by member.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => {
            s.eq_ignore_ascii_case(if *x { "true" } else { "false" })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| member(b, k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), one) | (one, Value::Array(x)) if x.len() == 1 => same(&x[0], one),
        _ => match (scalar_text(a), scalar_text(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    }
}

/// The key a matching value is looked up by: its text, lower-cased unless the target attribute
/// is caseExact. SCIM filters compare `eq` case-insensitively unless the attribute is caseExact
/// (RFC 7644 section 3.4.2.2), and Entra looks accounts up with such a filter
/// (`GET /Users?filter=userName eq "…"`: MicrosoftDocs/entra-docs
/// docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md).
pub fn match_key(value: &Value, case_exact: bool) -> Option<String> {
    let text = scalar_text(value).filter(|t| !t.is_empty())?;
    Some(if case_exact {
        text
    } else {
        text.to_lowercase()
    })
}

/// A JSON text as a value (`Null` for text that is not JSON, which the payload writer and
/// the account reader never give).
pub fn parse(text: &[u8]) -> Value {
    serde_json::from_slice(text).unwrap_or(Value::Null)
}

/// The inside of a value written as a JSON string without escapes (`"abc"`: `abc`), the common
/// case, which is read without parsing; `None` for any other value.
pub fn plain_str(text: &[u8]) -> Option<&[u8]> {
    match text {
        [b'"', inner @ .., b'"'] if memchr::memchr2(b'"', b'\\', inner).is_none() => Some(inner),
        _ => None,
    }
}

/// [`scalar_text`] of a value written as JSON text ([`plain_str`] read without parsing).
pub fn scalar_text_of(text: &[u8]) -> Option<String> {
    match plain_str(text) {
        Some(inner) => std::str::from_utf8(inner).ok().map(str::to_owned),
        None => scalar_text(&parse(text)),
    }
}

/// [`match_key`] of a value written as JSON text, into `key` (emptied first); false when the
/// value has no key ([`plain_str`] read without parsing).
pub fn match_key_text(text: &[u8], case_exact: bool, key: &mut String) -> bool {
    key.clear();
    let plain = plain_str(text).and_then(|inner| std::str::from_utf8(inner).ok());
    let Some(plain) = plain else {
        return match match_key(&parse(text), case_exact) {
            Some(k) => {
                key.push_str(&k);
                true
            }
            None => false,
        };
    };
    if plain.is_empty() {
        return false;
    }
    if case_exact {
        key.push_str(plain);
    } else if plain.is_ascii() {
        key.push_str(plain);
        key.make_ascii_lowercase();
    } else {
        key.push_str(&plain.to_lowercase());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target_path::parse;
    use serde_json::json;

    fn at(resource: &Value, path: &str) -> Option<Value> {
        value_at(resource, &parse(path).unwrap_or_else(|e| panic!("{e:?}"))).cloned()
    }

    #[test]
    fn reads_every_kind_of_path() {
        let user = json!({
            "userName": "a@b",
            "name": {"givenName": "A"},
            "emails": [{"type": "home", "value": "h"}, {"type": "work", "value": "w"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "D"},
            "active": null
        });
        assert_eq!(at(&user, "USERNAME"), Some(json!("a@b")));
        assert_eq!(at(&user, "name.givenName"), Some(json!("A")));
        assert_eq!(
            at(&user, "emails[type eq \"work\"].value"),
            Some(json!("w"))
        );
        assert_eq!(
            at(
                &user,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
            ),
            Some(json!("D"))
        );
        assert_eq!(at(&user, "active"), None);
        assert_eq!(at(&user, "phoneNumbers[type eq \"work\"].value"), None);
    }

    #[test]
    fn compares_as_the_target_does() {
        assert!(same(&json!(true), &json!("True")));
        assert!(!same(&json!(false), &json!("True")));
        assert!(!same(&json!("Alice"), &json!("alice")));
        assert!(same(&json!(["x"]), &json!("x")));
        assert_eq!(
            match_key(&json!("Alice@X"), false).as_deref(),
            Some("alice@x")
        );
        assert_eq!(
            match_key(&json!("Alice@X"), true).as_deref(),
            Some("Alice@X")
        );
        assert_eq!(match_key(&json!(""), true), None);
    }

    #[test]
    fn keys_from_text_are_the_keys_of_values() {
        let mut key = String::new();
        for value in [
            json!("Alice@X"),
            json!("Zoë@X"),
            json!("a\"b"),
            json!(""),
            json!(42),
            json!(true),
            json!(["x"]),
        ] {
            let text = serde_json::to_vec(&value).unwrap_or_default();
            for case_exact in [false, true] {
                let expected = match_key(&value, case_exact);
                let found = match_key_text(&text, case_exact, &mut key).then(|| key.clone());
                assert_eq!(found, expected, "{value} (caseExact {case_exact})");
            }
        }
    }
}
