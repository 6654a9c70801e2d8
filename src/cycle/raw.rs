//! A JSON object read without building a tree: its members as slices of the document's text
//! (`serde_json`'s [`RawValue`]), parsed further only where a target path leads. What the
//! account reader uses, so that a dump of a million accounts costs no allocation per value it
//! does not keep.

use super::path::{parse, scalar_text_of};
use crate::model::target_path::TargetPath;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The members of a JSON object, in the document's order, each value as its text.
#[derive(Debug, Default)]
pub struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Members<'a> {
    /// The members of the object `text` (an error when it is not a JSON object).
    pub fn parse(text: &'a str) -> Result<Members<'a>, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A member by name, ignoring case (RFC 7643 section 2.1), as [`super::path::member`].
    pub fn get(&self, name: &str) -> Option<&'a RawValue> {
        let found = self
            .0
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)));
        found.map(|(_, v)| *v)
    }

    /// A member's value, when it is a scalar, as text ([`super::path::scalar_text`]).
    pub fn text(&self, name: &str) -> Option<String> {
        scalar_text_of(self.get(name)?.get().as_bytes())
    }

    /// The value at a target path, as [`super::path::value_at`] finds it (`None`: absent or
    /// null). `last` keeps the objects read on the way, for the next path that goes through
    /// them (`name.givenName` then `name.familyName`).
    pub fn at(&self, path: &TargetPath, last: &mut Last<'a>) -> Option<&'a RawValue> {
        let container = match &path.schema {
            Some(schema) if schema.text.contains(":extension:") => {
                last.extension.read(self.get(&schema.text)?)?
            }
            _ => self,
        };
        let mut value = container.get(&path.attribute.text)?;
        if let Some(filter) = &path.filter {
            let elements: Vec<&'a RawValue> = serde_json::from_str(value.get()).ok()?;
            value = elements.into_iter().find(|element| {
                Members::parse(element.get()).is_ok_and(|m| {
                    m.get(&filter.attribute.text)
                        .is_some_and(|t| text_is(t, &filter.value.text))
                })
            })?;
        }
        if let Some(sub) = &path.sub_attribute {
            value = last.complex.read(value)?.get(&sub.text)?;
        }
        (value.get() != "null").then_some(value)
    }
}

/// The objects [`Members::at`] read last: an extension's, and a complex attribute's.
#[derive(Debug, Default)]
pub struct Last<'a> {
    extension: Cached<'a>,
    complex: Cached<'a>,
}

/// One object read, by its text.
#[derive(Debug, Default)]
struct Cached<'a> {
    text: Option<&'a str>,
    members: Option<Members<'a>>,
}

impl<'a> Cached<'a> {
    /// The members of `raw`, read again only when it is another value than the last one.
    fn read(&mut self, raw: &'a RawValue) -> Option<&Members<'a>> {
        let text = raw.get();
        if self.text.is_none_or(|t| !std::ptr::eq(t, text)) {
            self.text = Some(text);
            self.members = Members::parse(text).ok();
        }
        self.members.as_ref()
    }
}

/// Whether a scalar's text is `wanted`, ignoring case (a value filter's value).
fn text_is(raw: &RawValue, wanted: &str) -> bool {
    match raw.get().as_bytes() {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => {
            inner.eq_ignore_ascii_case(wanted.as_bytes())
        }
        text => scalar_text_of(text).is_some_and(|t| t.eq_ignore_ascii_case(wanted)),
    }
}

/// Appends a value as compact JSON, as `serde_json` writes the value it parses from it: a
/// string without escapes and a Boolean are copied, anything else is parsed and written.
pub fn write_compact(out: &mut Vec<u8>, raw: &RawValue) {
    let text = raw.get().as_bytes();
    let plain = matches!(text, [b'"', inner @ .., b'"'] if !inner.contains(&b'\\'));
    if plain || text == b"true" || text == b"false" {
        out.extend_from_slice(text);
    } else {
        // Writing a `Value` to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &parse(text));
    }
}

/// Whether a value is a JSON array (a ListResponse's resources, a dump of several).
pub fn is_array(raw: &RawValue) -> bool {
    raw.get().starts_with('[')
}

/// The elements of a JSON array.
pub fn elements(raw: &RawValue) -> Result<Vec<&RawValue>, serde_json::Error> {
    serde_json::from_str(raw.get())
}

/// The elements of a document that is a JSON array.
pub fn elements_of(text: &str) -> Result<Vec<&RawValue>, serde_json::Error> {
    serde_json::from_str(text)
}

/// A value parsed as a tree (for the few members read whole: `schemas`, `meta`).
pub fn tree(raw: &RawValue) -> Value {
    parse(raw.get().as_bytes())
}

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Object<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Members<'a>, M::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some((Key(name), value)) = map.next_entry::<Key<'a>, &'a RawValue>()? {
                    members.push((name, value));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Object(std::marker::PhantomData))
    }
}

/// A member name, borrowed from the document unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Name<'a> {
            type Value = Key<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(name)))
            }
            fn visit_str<E>(self, name: &str) -> Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }
        }
        deserializer.deserialize_str(Name(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target_path::parse as path;

    #[test]
    fn finds_what_value_at_finds() {
        let text = r#"{"userName": "a@b", "Name": {"givenName": "A"},
            "emails": [{"type": "home", "value": "h"}, {"type": "work", "value": "w\u00e9"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "D"},
            "active": null, "n\u0061me2": 1.50}"#;
        let tree: Value = serde_json::from_str(text).unwrap_or_default();
        let members = Members::parse(text).unwrap_or_default();
        let mut last = Last::default();
        for p in [
            "USERNAME",
            "name.givenName",
            "emails[type eq \"work\"].value",
            "emails[type eq \"home\"]",
            "emails",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "active",
            "name2",
            "phoneNumbers[type eq \"work\"].value",
        ] {
            let p = path(p).unwrap_or_else(|e| panic!("{e:?}"));
            let expected = super::super::path::value_at(&tree, &p)
                .map(|v| serde_json::to_vec(v).unwrap_or_default());
            let found = members.at(&p, &mut last).map(|raw| {
                let mut out = Vec::new();
                write_compact(&mut out, raw);
                out
            });
            assert_eq!(found, expected, "{}", p.attribute.text);
        }
        assert!(Members::parse("[1]").is_err());
    }
}
