//! serde over the located tree: a document read once by [`super::node`] is deserialized into a
//! typed struct (a target profile) with every error located at the node it concerns, so nothing
//! reads the text a second time to find where a problem is.
//!
//! A scalar is typed by what asks for it, as YAML readers do: a field of text reads `123`,
//! `2.0` or `yes` as written in the file, not as the number or boolean the tree holds.

use super::node::{Node, NodeKind};
use crate::base::text::Span;
use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// A problem deserializing the tree, at the node it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    /// What is wrong, as serde words it (`unknown field ...`, `invalid type ...`).
    pub message: String,
    /// The node's place in the file (the key of an unknown field, the value of a wrong type).
    pub span: Span,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError {
            message: message.to_string(),
            span: UNLOCATED,
        }
    }

    // The names are listed plainly, as the mapping file's messages list them.
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown field `{field}`, expected one of {}",
            expected.join(", ")
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown variant `{variant}`, expected one of {}",
            expected.join(", ")
        ))
    }
}

/// The place of an error not yet attached to a node (replaced by the innermost node's span).
const UNLOCATED: Span = Span {
    start: usize::MAX,
    end: usize::MAX,
};

/// Deserializes `T` from `root`, a tree read from `text`.
pub fn from_node<'de, T: Deserialize<'de>>(text: &'de str, root: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDeserializer { text, node: root })
}

/// One node of the tree as a serde deserializer.
struct NodeDeserializer<'de> {
    text: &'de str,
    node: &'de Node,
}

impl<'de> NodeDeserializer<'de> {
    /// Locates an error raised while reading this node, unless a node inside it already did.
    fn locate(&self, mut error: DeError) -> DeError {
        if error.span == UNLOCATED {
            error.span = self.node.span;
        }
        error
    }

    /// The scalar as written in the file, for a field of text given a number or boolean.
    fn raw(&self) -> &'de str {
        self.text
            .get(self.node.span.start..self.node.span.end)
            .unwrap_or("")
            .trim()
    }

    fn child(&self, node: &'de Node) -> Self {
        NodeDeserializer {
            text: self.text,
            node,
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => visitor.visit_i64(*i),
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_borrowed_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(Items {
                parent: &self,
                items: items.iter(),
            }),
            NodeKind::Map(entries) => visitor.visit_map(Entries {
                parent: &self,
                entries: entries.iter(),
                value: None,
                seen: Vec::new(),
            }),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => visitor
                .visit_borrowed_str(self.raw())
                .map_err(|e| self.locate(e)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let variant = match &self.node.kind {
            NodeKind::Str(s) => s.as_str(),
            NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) => self.raw(),
            _ => return self.deserialize_any(visitor),
        };
        let variant: StrDeserializer<'_, DeError> = variant.into_deserializer();
        visitor.visit_enum(variant).map_err(|e| self.locate(e))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct ignored_any
    }
}

/// The items of a list, each deserialized at its own node.
struct Items<'a, 'de> {
    parent: &'a NodeDeserializer<'de>,
    items: std::slice::Iter<'de, Node>,
}

impl<'de> SeqAccess<'de> for Items<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.items
            .next()
            .map(|item| {
                let child = self.parent.child(item);
                seed.deserialize(self.parent.child(item))
                    .map_err(|e| child.locate(e))
            })
            .transpose()
    }
}

/// The entries of a mapping, keys and values each deserialized at its own node.
struct Entries<'a, 'de> {
    parent: &'a NodeDeserializer<'de>,
    entries: std::slice::Iter<'de, (Node, Node)>,
    value: Option<&'de Node>,
    /// The keys read so far: a key written twice is an error at its second place.
    seen: Vec<&'de str>,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let child = self.parent.child(key);
        if let NodeKind::Str(name) = &key.kind {
            if self.seen.contains(&name.as_str()) {
                return Err(child.locate(<DeError as de::Error>::custom(format_args!(
                    "duplicate key `{name}`"
                ))));
            }
            self.seen.push(name);
        }
        self.value = Some(value);
        seed.deserialize(self.parent.child(key))
            .map(Some)
            .map_err(|e| child.locate(e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("a value without its key"))?;
        let child = self.parent.child(value);
        seed.deserialize(self.parent.child(value))
            .map_err(|e| child.locate(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::node::read_yaml;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        name: String,
        #[serde(default)]
        size: Option<u32>,
        #[serde(default)]
        flag: bool,
    }

    fn read(text: &str) -> Result<Vec<Entry>, DeError> {
        let root = read_yaml(text).unwrap_or_else(|e| panic!("{}", e.message));
        from_node(text, &root)
    }

    #[test]
    fn fields_are_read_and_text_fields_take_scalars_as_written() {
        let text = "- name: 007\n  size: 4\n- {name: yes, flag: true}\n";
        assert_eq!(
            read(text).unwrap_or_else(|e| panic!("{e}")),
            vec![
                Entry {
                    name: "007".into(),
                    size: Some(4),
                    flag: false
                },
                Entry {
                    name: "yes".into(),
                    size: None,
                    flag: true
                },
            ]
        );
    }

    #[test]
    fn errors_are_located_at_their_node() {
        let text = "- name: a\n- name: b\n  sise: 4\n";
        let error = read(text).err().unwrap_or_else(|| panic!("read"));
        assert!(error.message.starts_with("unknown field `sise`"), "{error}");
        assert_eq!(&text[error.span.start..error.span.end], "sise");
        let text = "- name: a\n  name: b\n";
        let error = read(text).err().unwrap_or_else(|| panic!("read"));
        assert_eq!(error.message, "duplicate key `name`");
        assert_eq!(error.span.start, text.rfind("name").unwrap_or_default());
        let text = "- name: a\n  size: big\n";
        let error = read(text).err().unwrap_or_else(|| panic!("read"));
        assert!(error.message.starts_with("invalid type"), "{error}");
        assert_eq!(&text[error.span.start..error.span.end], "big");
    }
}
