//! Building SCIM payloads: a [`Template`] laid out once from the mapping's target paths, filled
//! per user with each mapping's value already written as JSON text.
//!
//! Shapes: `userName` → `"userName": v`; `name.givenName` → `"name": {"givenName": v}`;
//! `emails[type eq "work"].value` → `"emails": [{"type": "work", "value": v}]` (one element per
//! distinct filter, sub-attributes of the same filter share it; `primary eq "True"` becomes a
//! Boolean); `urn:…:extension:X:2.0:User:attr` → `"urn:…:extension:X:2.0:User": {"attr": v}`.
//! The payload starts with `schemas`: the core User schema and every extension schema used.
//! Objects and arrays with no value are left out.

use crate::expr::eval::Value;
use crate::expr::types::Base;
use crate::model::profile::TargetAttribute;
use crate::model::target_path::TargetPath;
use std::ops::Range;

/// The core SCIM User schema URN.
pub const CORE_USER_SCHEMA: &str = crate::model::scim::CORE_USER;

/// Where each field's JSON text is in a scratch buffer (`None`: the field has no value).
pub type Fields = [Option<Range<usize>>];

#[derive(Debug)]
enum Node {
    Leaf {
        name: String,
        key: Vec<u8>,
        field: usize,
    },
    Object {
        name: String,
        key: Vec<u8>,
        children: Vec<Node>,
    },
    Filtered {
        name: String,
        key: Vec<u8>,
        elements: Vec<Element>,
    },
}

#[derive(Debug)]
struct Element {
    filter: (String, String),
    filter_json: Vec<u8>,
    children: Vec<(Vec<u8>, usize)>,
}

impl Node {
    fn name(&self) -> &str {
        match self {
            Node::Leaf { name, .. } | Node::Object { name, .. } | Node::Filtered { name, .. } => {
                name
            }
        }
    }

    fn present(&self, fields: &Fields) -> bool {
        match self {
            Node::Leaf { field, .. } => fields[*field].is_some(),
            Node::Object { children, .. } => children.iter().any(|c| c.present(fields)),
            Node::Filtered { elements, .. } => elements.iter().any(|e| e.present(fields)),
        }
    }
}

impl Element {
    fn present(&self, fields: &Fields) -> bool {
        self.children.iter().any(|(_, f)| fields[*f].is_some())
    }
}

/// The layout of every payload of one mapping.
#[derive(Debug)]
pub struct Template {
    schemas: Vec<String>,
    nodes: Vec<Node>,
    prefix: Vec<u8>,
}

fn key_bytes(name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 3);
    write_json_str(&mut key, name);
    key.push(b':');
    key
}

fn object_in<'n>(nodes: &'n mut Vec<Node>, name: &str) -> Option<&'n mut Vec<Node>> {
    let index = match nodes.iter().position(|n| n.name() == name) {
        Some(i) => i,
        None => {
            nodes.push(Node::Object {
                name: name.to_owned(),
                key: key_bytes(name),
                children: Vec::new(),
            });
            nodes.len() - 1
        }
    };
    match &mut nodes[index] {
        Node::Object { children, .. } => Some(children),
        _ => None,
    }
}

impl Template {
    /// Lays out the payload for these target paths; `field` numbers index the per-user field
    /// list given to [`Template::write`]. A second mapping to the same place is ignored (lint
    /// reports it).
    pub fn new<'p>(paths: impl IntoIterator<Item = (usize, &'p TargetPath)>) -> Self {
        Template::with_core(paths, CORE_USER_SCHEMA)
    }

    /// [`Template::new`] with another core schema (`urn:scim:schemas:core:1.0` for an app that
    /// speaks SCIM 1.1).
    pub fn with_core<'p>(
        paths: impl IntoIterator<Item = (usize, &'p TargetPath)>,
        core: &str,
    ) -> Self {
        let mut template = Template {
            schemas: vec![core.to_owned()],
            nodes: Vec::new(),
            prefix: Vec::new(),
        };
        for (field, path) in paths {
            template.insert(field, path);
        }
        template.prefix = b"{\"schemas\":[".to_vec();
        for (i, schema) in template.schemas.iter().enumerate() {
            if i > 0 {
                template.prefix.push(b',');
            }
            write_json_str(&mut template.prefix, schema);
        }
        template.prefix.push(b']');
        template
    }

    fn insert(&mut self, field: usize, path: &TargetPath) {
        let container = match &path.schema {
            Some(schema) if !schema.text.eq_ignore_ascii_case(&self.schemas[0]) => {
                if !self.schemas.contains(&schema.text) {
                    self.schemas.push(schema.text.clone());
                }
                match object_in(&mut self.nodes, &schema.text) {
                    Some(children) => children,
                    None => return,
                }
            }
            _ => &mut self.nodes,
        };
        let attribute = path.attribute.text.as_str();
        match (&path.filter, &path.sub_attribute) {
            (Some(filter), sub) => {
                let index = match container.iter().position(|n| n.name() == attribute) {
                    Some(i) => i,
                    None => {
                        container.push(Node::Filtered {
                            name: attribute.to_owned(),
                            key: key_bytes(attribute),
                            elements: Vec::new(),
                        });
                        container.len() - 1
                    }
                };
                let Node::Filtered { elements, .. } = &mut container[index] else {
                    return;
                };
                let wanted = (filter.attribute.text.clone(), filter.value.text.clone());
                let element = match elements.iter().position(|e| e.filter == wanted) {
                    Some(i) => &mut elements[i],
                    None => {
                        let mut filter_json = key_bytes(&wanted.0);
                        let flag = wanted.0.eq_ignore_ascii_case("primary");
                        match wanted.1.to_ascii_lowercase().as_str() {
                            "true" if flag => filter_json.extend_from_slice(b"true"),
                            "false" if flag => filter_json.extend_from_slice(b"false"),
                            _ => write_json_str(&mut filter_json, &wanted.1),
                        }
                        elements.push(Element {
                            filter: wanted,
                            filter_json,
                            children: Vec::new(),
                        });
                        let last = elements.len() - 1;
                        &mut elements[last]
                    }
                };
                let sub = sub.as_ref().map_or("value", |s| s.text.as_str());
                if element.children.iter().all(|(k, _)| *k != key_bytes(sub)) {
                    element.children.push((key_bytes(sub), field));
                }
            }
            (None, Some(sub)) => {
                if let Some(children) = object_in(container, attribute) {
                    if children.iter().all(|c| c.name() != sub.text) {
                        children.push(Node::Leaf {
                            name: sub.text.clone(),
                            key: key_bytes(&sub.text),
                            field,
                        });
                    }
                }
            }
            (None, None) => {
                if container.iter().all(|c| c.name() != attribute) {
                    container.push(Node::Leaf {
                        name: attribute.to_owned(),
                        key: key_bytes(attribute),
                        field,
                    });
                }
            }
        }
    }

    /// The `schemas` of every payload.
    pub fn schemas(&self) -> &[String] {
        &self.schemas
    }

    /// Appends one payload (a JSON object, no newline) to `out`.
    pub fn write(&self, fields: &Fields, scratch: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(&self.prefix);
        write_members(&self.nodes, fields, scratch, out, false);
        out.push(b'}');
    }
}

fn write_members(nodes: &[Node], fields: &Fields, scratch: &[u8], out: &mut Vec<u8>, first: bool) {
    let mut first = first;
    for node in nodes {
        if !node.present(fields) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        match node {
            Node::Leaf { key, field, .. } => {
                out.extend_from_slice(key);
                if let Some(range) = &fields[*field] {
                    out.extend_from_slice(&scratch[range.clone()]);
                }
            }
            Node::Object { key, children, .. } => {
                out.extend_from_slice(key);
                out.push(b'{');
                write_members(children, fields, scratch, out, true);
                out.push(b'}');
            }
            Node::Filtered { key, elements, .. } => {
                out.extend_from_slice(key);
                out.push(b'[');
                let mut first_element = true;
                for element in elements.iter().filter(|e| e.present(fields)) {
                    if !first_element {
                        out.push(b',');
                    }
                    first_element = false;
                    out.push(b'{');
                    out.extend_from_slice(&element.filter_json);
                    for (key, field) in &element.children {
                        if let Some(range) = &fields[*field] {
                            out.push(b',');
                            out.extend_from_slice(key);
                            out.extend_from_slice(&scratch[range.clone()]);
                        }
                    }
                    out.push(b'}');
                }
                out.push(b']');
            }
        }
    }
}

/// Bytes that must be escaped in a JSON string.
static ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Appends `text` as a JSON string.
pub fn write_json_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !ESCAPE[usize::from(b)] {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn write_int(out: &mut Vec<u8>, value: i64) {
    use std::io::Write as _;
    let _ = write!(out, "{value}");
}

/// Appends a value as the JSON the target attribute takes (see `docs/preview.md`): text for
/// String and Reference, a number for Integer, `true`/`false` for Boolean, ISO 8601 for
/// DateTime, base64 for Binary; arrays for multi-valued targets. A value that does not convert
/// is an error message (nothing useful is appended then).
pub fn write_value(
    out: &mut Vec<u8>,
    value: &Value,
    target: Option<&TargetAttribute>,
) -> Result<(), String> {
    let base = target.map_or(Base::Any, |t| t.base);
    let multi = target.is_none_or(|t| t.multivalued);
    match value {
        Value::Multi(values) if multi => {
            out.push(b'[');
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_single(out, v, base)?;
            }
            out.push(b']');
            Ok(())
        }
        Value::Multi(values) => Err(format!(
            "{} values for a single-valued attribute",
            values.len()
        )),
        single if multi && target.is_some() => {
            out.push(b'[');
            write_single(out, single, base)?;
            out.push(b']');
            Ok(())
        }
        single => write_single(out, single, base),
    }
}

fn write_single(out: &mut Vec<u8>, value: &Value, base: Base) -> Result<(), String> {
    match (base, value) {
        (_, Value::Role(_) | Value::Multi(_) | Value::Null) => {
            let json = value.to_json().to_string();
            out.extend_from_slice(json.as_bytes());
        }
        (Base::Integer, Value::Int(i)) => write_int(out, *i),
        (Base::Integer, other) => match other.text().and_then(|t| t.trim().parse::<i64>().ok()) {
            Some(i) => write_int(out, i),
            None => return Err(format!("{other} is not a whole number")),
        },
        (Base::Boolean, other) => {
            let flag = match other {
                Value::Bool(b) => Some(*b),
                Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
                Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
                _ => None,
            };
            match flag {
                Some(true) => out.extend_from_slice(b"true"),
                Some(false) => out.extend_from_slice(b"false"),
                None => return Err(format!("{other} is not True or False")),
            }
        }
        (Base::DateTime, Value::DateTime(d)) => {
            write_json_str(out, &d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }
        (Base::DateTime, Value::Str(s)) => {
            if chrono::DateTime::parse_from_rfc3339(s).is_err() {
                return Err(format!("{value} is not an ISO 8601 date and time"));
            }
            write_json_str(out, s);
        }
        (Base::DateTime, other) => return Err(format!("{other} is not a date and time")),
        (Base::Any, Value::Int(i)) => write_int(out, *i),
        (Base::Any, Value::Bool(b)) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        (_, Value::Str(s)) => write_json_str(out, s),
        (_, other) => match other.text() {
            Some(text) => write_json_str(out, &text),
            None => return Err(format!("{other} has no text form")),
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target_path::parse;

    #[test]
    fn nested_shapes() {
        let paths: Vec<TargetPath> = [
            "userName",
            "name.givenName",
            "emails[type eq \"work\"].value",
            "emails[type eq \"work\"].primary",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "name.familyName",
        ]
        .iter()
        .filter_map(|p| parse(p).ok())
        .collect();
        let template = Template::new(paths.iter().enumerate());
        let mut scratch = Vec::new();
        let mut fields = Vec::new();
        for text in ["u", "Zoë \"Z\"", "z@x", "", "Sales"] {
            if text.is_empty() {
                fields.push(None);
                continue;
            }
            let start = scratch.len();
            write_json_str(&mut scratch, text);
            fields.push(Some(start..scratch.len()));
        }
        fields.push(None);
        let mut out = Vec::new();
        template.write(&fields, &scratch, &mut out);
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"u","name":{"givenName":"Zoë \"Z\""},"emails":[{"type":"work","value":"z@x"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}"#
        );
    }

    #[test]
    fn values_convert_to_the_target_type() {
        let mut out = Vec::new();
        let boolean = TargetAttribute::named("active", Base::Boolean);
        assert_eq!(
            write_value(&mut out, &Value::str("False"), Some(&boolean)),
            Ok(())
        );
        assert_eq!(out, b"false");
        let integer = TargetAttribute::named("n", Base::Integer);
        assert!(write_value(&mut out, &Value::str("x"), Some(&integer)).is_err());
        let text = TargetAttribute::named("t", Base::String);
        let multi = Value::Multi(vec![Value::str("a"), Value::str("b")]);
        assert!(write_value(&mut out, &multi, Some(&text)).is_err());
        out.clear();
        write_json_str(&mut out, "a\u{1}\n");
        assert_eq!(out, b"\"a\\u0001\\n\"");
    }
}
