//! What the account reader keeps of a SCIM resource, read in one pass over its text without
//! building a tree: a [`Shape`] (the target paths of both layouts and the resource's own
//! members, as a small tree of names) picks the values, which are kept as byte ranges of the
//! document ([`Found`], reused from resource to resource). A strict scanner reads the usual
//! resource, going into the objects the shape names; members the shape does not name are
//! skipped without being built, and an array with value filters is read once more, from its
//! own text. Anything the scanner does not take is read by `serde_json` instead.
//!
//! Names are compared ignoring case (RFC 7643 section 2.1); where an object has a name twice,
//! the exact spelling wins, else the first, as [`super::path::member`] reads it. A value
//! filter selects the first element whose attribute has the filter's value, ignoring case, as
//! [`super::path::value_at`] does.

use super::layout::Layout;
use super::path::{parse, plain_str, scalar_text_of};
use crate::base::json_scan::{Scan, MAX_DEPTH};
use crate::model::target_path::TargetPath;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// A resource's own members the reader needs, each with its slot in a [`Found`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// `id`.
    Id,
    /// `schemas` (a group names the core Group schema).
    Schemas,
    /// `meta` (`resourceType`).
    Meta,
    /// `userName`, to name a resource without `id`.
    UserName,
    /// `displayName`, likewise.
    DisplayName,
    /// A ListResponse page's `Resources`.
    Resources,
    /// And its `totalResults`.
    TotalResults,
}

const OWN: [(Own, &str); 7] = [
    (Own::Id, "id"),
    (Own::Schemas, "schemas"),
    (Own::Meta, "meta"),
    (Own::UserName, "userName"),
    (Own::DisplayName, "displayName"),
    (Own::Resources, "Resources"),
    (Own::TotalResults, "totalResults"),
];

/// One name of an object the shape goes into, and what is read of its value.
#[derive(Debug, Default)]
struct Node {
    name: Box<str>,
    /// The name's first byte in lower case (0: none), compared first.
    first: u8,
    /// Slots that take the value whole.
    whole: Vec<usize>,
    /// Members read inside the value (a complex attribute, an extension).
    members: Vec<Node>,
    /// Elements selected inside the value (a multi-valued attribute with a value filter).
    filters: Vec<Filter>,
}

/// A value filter (`[type eq "work"]`) and what is read of the element it selects.
#[derive(Debug)]
struct Filter {
    attribute: Box<str>,
    value: Box<str>,
    /// Slots that take the element whole.
    whole: Vec<usize>,
    /// Sub-attributes read of the element, each with its slots.
    subs: Vec<(Box<str>, Vec<usize>)>,
}

/// The values one pass reads of a resource: the fields of each layout in turn, then the
/// resource's own members ([`Own`]).
#[derive(Debug)]
pub struct Shape {
    top: Vec<Node>,
    /// Where each layout's fields start among the slots, and where the own members start.
    starts: Vec<usize>,
}

impl Shape {
    /// The shape of the layouts' target paths (the users' and the groups' of one mapping, or
    /// of several) and the resource's own members.
    pub fn new(layouts: &[&Layout]) -> Shape {
        let mut shape = Shape {
            top: Vec::new(),
            starts: Vec::with_capacity(layouts.len() + 1),
        };
        let mut slot = 0;
        for layout in layouts {
            shape.starts.push(slot);
            for field in &layout.fields {
                shape.add(&field.path, slot);
                slot += 1;
            }
        }
        shape.starts.push(slot);
        for (at, (_, name)) in OWN.iter().enumerate() {
            node(&mut shape.top, name).whole.push(slot + at);
        }
        shape
    }

    fn add(&mut self, path: &TargetPath, slot: usize) {
        let mut nodes = &mut self.top;
        if let Some(schema) = path
            .schema
            .as_ref()
            .filter(|s| s.text.contains(":extension:"))
        {
            nodes = &mut node(nodes, &schema.text).members;
        }
        let attribute = node(nodes, &path.attribute.text);
        let (whole, subs) = match &path.filter {
            Some(f) => {
                let at = match attribute.filters.iter().position(|g| {
                    g.attribute.eq_ignore_ascii_case(&f.attribute.text)
                        && g.value.eq_ignore_ascii_case(&f.value.text)
                }) {
                    Some(at) => at,
                    None => {
                        attribute.filters.push(Filter {
                            attribute: f.attribute.text.as_str().into(),
                            value: f.value.text.as_str().into(),
                            whole: Vec::new(),
                            subs: Vec::new(),
                        });
                        attribute.filters.len() - 1
                    }
                };
                let filter = &mut attribute.filters[at];
                match &path.sub_attribute {
                    None => filter.whole.push(slot),
                    Some(sub) => match filter
                        .subs
                        .iter_mut()
                        .find(|(n, _)| n.eq_ignore_ascii_case(&sub.text))
                    {
                        Some((_, slots)) => slots.push(slot),
                        None => filter.subs.push((sub.text.as_str().into(), vec![slot])),
                    },
                }
                return;
            }
            None => (&mut attribute.whole, &mut attribute.members),
        };
        match &path.sub_attribute {
            None => whole.push(slot),
            Some(sub) => node(subs, &sub.text).whole.push(slot),
        }
    }

    /// How many slots a [`Found`] has.
    fn slots(&self) -> usize {
        self.own_start() + OWN.len()
    }

    fn own_start(&self) -> usize {
        self.starts.last().copied().unwrap_or_default()
    }

    /// Reads a resource (a JSON object) into `found` (emptied first). An error when the text
    /// is not a JSON object.
    ///
    /// A strict scanner reads the usual resource ([`scan_object`]); on anything else (a name
    /// with an escape, a malformed document) serde_json reads it again, so that what is
    /// accepted and the error messages are serde_json's.
    pub fn read(&self, text: &str, found: &mut Found) -> Result<(), serde_json::Error> {
        let scanned = self.read_prefix(text, found).is_some_and(|(len, _)| {
            let mut rest = Scan::new(&text[len..]);
            rest.space();
            rest.at_end()
        });
        if scanned {
            return Ok(());
        }
        self.read_with_serde(text, found)
    }

    /// Reads the resource at the start of `text` (a JSON object, whatever follows it) into
    /// `found` by the strict scanner alone: its length and its line breaks, or `None` where the
    /// scanner gives up.
    pub fn read_prefix(&self, text: &str, found: &mut Found) -> Option<(usize, u64)> {
        found.clear(self.slots());
        let mut scan = Scan::new(text);
        scan_object(&mut scan, &self.top, found, 0)?;
        Some((scan.at(), scan.newlines()))
    }

    /// [`Shape::read`] by serde_json alone.
    fn read_with_serde(&self, text: &str, found: &mut Found) -> Result<(), serde_json::Error> {
        found.clear(self.slots());
        let mut de = serde_json::Deserializer::from_str(text);
        let base = text.as_ptr() as usize;
        ObjectSeed {
            nodes: &self.top,
            found,
            base,
        }
        .deserialize(&mut de)?;
        de.end()
    }

    /// The value of field `field` of layout `layout` in the resource `text` read into
    /// `found` (`None`: absent or null).
    pub fn value<'t>(
        &self,
        (text, found): (&'t str, &Found),
        layout: usize,
        field: usize,
    ) -> Option<&'t str> {
        found.get(text, self.starts.get(layout)? + field)
    }

    /// The value of one of the resource's own members.
    pub fn own<'t>(&self, (text, found): (&'t str, &Found), own: Own) -> Option<&'t str> {
        let at = OWN.iter().position(|(o, _)| *o == own)?;
        found.get(text, self.own_start() + at)
    }

    /// One of the resource's own members as text ([`super::path::scalar_text`]), borrowed
    /// where it is a string without escapes.
    pub fn own_text<'t>(&self, read: (&'t str, &Found), own: Own) -> Option<Cow<'t, str>> {
        let text = self.own(read, own)?;
        match plain_str(text.as_bytes()) {
            Some(_) => text.get(1..text.len() - 1).map(Cow::Borrowed),
            None => scalar_text_of(text.as_bytes()).map(Cow::Owned),
        }
    }
}

impl Node {
    /// Whether a member name is this node's, ignoring case.
    fn is_named(&self, name: &str) -> bool {
        self.name.len() == name.len()
            && self.first == first_lower(name)
            && self.name.eq_ignore_ascii_case(name)
    }
}

/// The first byte of a name in lower case (0 for an empty name).
fn first_lower(name: &str) -> u8 {
    name.as_bytes().first().map_or(0, u8::to_ascii_lowercase)
}

/// The node of `name` among `nodes`, added when it is not there.
fn node<'n>(nodes: &'n mut Vec<Node>, name: &str) -> &'n mut Node {
    match nodes.iter().position(|n| n.name.eq_ignore_ascii_case(name)) {
        Some(at) => &mut nodes[at],
        None => {
            nodes.push(Node {
                name: name.into(),
                first: first_lower(name),
                ..Node::default()
            });
            nodes
                .last_mut()
                .unwrap_or_else(|| unreachable!("just pushed"))
        }
    }
}

/// The values a [`Shape`] read of one resource: byte ranges of its text (the text given to
/// [`Shape::read`], which every accessor takes again), by slot.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// Each slot's value, and whether every name on its way was spelt exactly.
    slots: Vec<Option<(Range<usize>, bool)>>,
}

impl Found {
    fn clear(&mut self, slots: usize) {
        self.slots.clear();
        self.slots.resize(slots, None);
    }

    fn get<'t>(&self, text: &'t str, slot: usize) -> Option<&'t str> {
        let (range, _) = self.slots.get(slot)?.as_ref()?;
        let value = text.get(range.clone())?;
        (value != "null").then_some(value)
    }

    /// Keeps a value for `slots`, unless a value spelt more exactly is there already.
    fn set(&mut self, slots: &[usize], range: &Range<usize>, exact: bool) {
        for slot in slots {
            let keep = match &self.slots[*slot] {
                None => true,
                Some((_, was_exact)) => exact && !was_exact,
            };
            if keep {
                self.slots[*slot] = Some((range.clone(), exact));
            }
        }
    }
}

/// Appends a value as compact JSON, as `serde_json` writes the value it parses from it: a
/// string without escapes and a Boolean are copied, anything else is parsed and written.
pub fn write_compact(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    if plain_str(bytes).is_some() || bytes == b"true" || bytes == b"false" {
        out.push_str(text);
    } else {
        out.push_str(&parse(bytes).to_string());
    }
}

/// The elements of a JSON array (a ListResponse's resources, a dump of several), as texts.
pub fn elements(text: &str) -> Result<Vec<&RawValue>, serde_json::Error> {
    serde_json::from_str(text)
}

/// Whether a scalar's text is `wanted`, ignoring case (a value filter's value).
fn text_is(text: &str, wanted: &str) -> bool {
    let bytes = text.as_bytes();
    match plain_str(bytes) {
        Some(inner) => inner.eq_ignore_ascii_case(wanted.as_bytes()),
        None => scalar_text_of(bytes).is_some_and(|t| t.eq_ignore_ascii_case(wanted)),
    }
}

/// The range of `raw` in the document that starts at `base`.
fn range(raw: &RawValue, base: usize) -> Range<usize> {
    let start = raw.get().as_ptr() as usize - base;
    start..start + raw.get().len()
}

/// Reads an object's members named by `nodes`.
struct ObjectSeed<'s, 'f> {
    nodes: &'s [Node],
    found: &'f mut Found,
    base: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some(node) = self.nodes.iter().find(|n| n.is_named(&key.0)) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let raw: &RawValue = map.next_value()?;
            let exact = *node.name == *key.0;
            self.read(node, raw, exact);
        }
        Ok(())
    }
}

impl ObjectSeed<'_, '_> {
    /// What `node` reads of one value (`raw`, of the same document).
    fn read(&mut self, node: &Node, raw: &RawValue, exact: bool) {
        let range = range(raw, self.base);
        self.found.set(&node.whole, &range, exact);
        let text = raw.get();
        if !node.members.is_empty() && text.starts_with('{') {
            let mut de = serde_json::Deserializer::from_str(text);
            // A value that is not what the shape expects gives nothing, as a missing one.
            let _ = ObjectSeed {
                nodes: &node.members,
                found: self.found,
                base: self.base,
            }
            .deserialize(&mut de);
        }
        if !node.filters.is_empty() && text.starts_with('[') {
            read_filters(&node.filters, text, self.base, exact, self.found);
        }
    }
}

/// The elements a multi-valued attribute's value filters select, in `text` (an array of the
/// document that starts at `base`).
fn read_filters(filters: &[Filter], text: &str, base: usize, exact: bool, found: &mut Found) {
    let Ok(elements) = elements(text) else { return };
    for filter in filters {
        let selected = elements.iter().find(|element| {
            let mut de = serde_json::Deserializer::from_str(element.get());
            FilterSeed(&filter.attribute, &filter.value)
                .deserialize(&mut de)
                .unwrap_or(false)
        });
        let Some(element) = selected else { continue };
        found.set(&filter.whole, &range(element, base), exact);
        if filter.subs.is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(element.get());
        let _ = SubSeed {
            subs: &filter.subs,
            found: &mut *found,
            base,
        }
        .deserialize(&mut de);
    }
}

/// The fast path of [`Shape::read`]: the members of the object at the scanner that `nodes`
/// name, read into `found` as [`ObjectSeed`] reads them (`None`: the scanner gave up).
fn scan_object(scan: &mut Scan<'_>, nodes: &[Node], found: &mut Found, depth: u32) -> Option<()> {
    scan.space();
    scan.object(false, |scan, key| {
        match nodes.iter().find(|n| n.is_named(key)) {
            None => scan.skip(depth + 1),
            Some(node) => scan_member(scan, node, *node.name == *key, found, depth + 1),
        }
    })
}

/// The value of one member `node` names, at the scanner (see [`ObjectSeed::read`]).
fn scan_member(
    scan: &mut Scan<'_>,
    node: &Node,
    exact: bool,
    found: &mut Found,
    depth: u32,
) -> Option<()> {
    let start = scan.at();
    match scan.peek()? {
        b'{' if !node.members.is_empty() && depth < MAX_DEPTH => {
            scan_object(scan, &node.members, found, depth)?;
        }
        _ => scan.skip(depth)?,
    }
    found.set(&node.whole, &(start..scan.at()), exact);
    if !node.filters.is_empty() {
        let text = scan.since(start)?;
        if text.starts_with('[') && scan_filters(&node.filters, text, start, exact, found).is_none()
        {
            read_filters(
                &node.filters,
                text,
                text.as_ptr() as usize - start,
                exact,
                found,
            );
        }
    }
    Some(())
}

/// The fast path of [`read_filters`]: the elements of the array `text` (at `offset` in the
/// document) that the value filters select, read as [`FilterSeed`] and [`SubSeed`] read them
/// (`None`: the scanner gave up, and nothing is kept).
fn scan_filters(
    filters: &[Filter],
    text: &str,
    offset: usize,
    exact: bool,
    found: &mut Found,
) -> Option<()> {
    let mut elements: Vec<Range<usize>> = Vec::new();
    Scan::new(text).array(|scan| {
        let start = scan.at();
        scan.skip(1)?;
        elements.push(start..scan.at());
        Some(())
    })?;
    // What each filter keeps, kept once the scanner has read all of it.
    let mut keep: Vec<(&[usize], Range<usize>, bool)> = Vec::new();
    for filter in filters {
        let mut selected = None;
        for element in &elements {
            if scan_selects(&text[element.clone()], filter)? {
                selected = Some(element.clone());
                break;
            }
        }
        let Some(element) = selected else { continue };
        keep.push((
            &filter.whole,
            offset + element.start..offset + element.end,
            exact,
        ));
        if filter.subs.is_empty() {
            continue;
        }
        scan_members(&text[element.clone()], |name, range| {
            let sub = filter
                .subs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name));
            if let Some((sub, slots)) = sub {
                let at = offset + element.start;
                keep.push((slots, at + range.start..at + range.end, **sub == *name));
            }
        })?;
    }
    for (slots, range, exact) in keep {
        found.set(slots, &range, exact);
    }
    Some(())
}

/// Each member of the object `text` (valid JSON), its name and its value's range; `None`
/// where the scanner gives up (a name with an escape). A value that is not an object has none.
fn scan_members(text: &str, mut each: impl FnMut(&str, Range<usize>)) -> Option<()> {
    let mut scan = Scan::new(text);
    if scan.peek() != Some(b'{') {
        return Some(());
    }
    scan.object(false, |scan, name| {
        let start = scan.at();
        scan.skip(1)?;
        each(name, start..scan.at());
        Some(())
    })
}

/// Whether an element's filter attribute has the filter's value, as [`FilterSeed`] says.
fn scan_selects(element: &str, filter: &Filter) -> Option<bool> {
    let (mut exact, mut other) = (None, None);
    scan_members(element, |name, range| {
        if name.eq_ignore_ascii_case(&filter.attribute) {
            let matches = text_is(&element[range], &filter.value);
            if *name == *filter.attribute {
                exact.get_or_insert(matches);
            } else {
                other.get_or_insert(matches);
            }
        }
    })?;
    Some(exact.or(other).unwrap_or(false))
}

/// Whether an element's filter attribute has the filter's value.
struct FilterSeed<'s>(&'s str, &'s str);

impl<'de> DeserializeSeed<'de> for FilterSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FilterSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<bool, M::Error> {
        let (mut exact, mut other) = (None, None);
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if !key.0.eq_ignore_ascii_case(self.0) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let raw: &RawValue = map.next_value()?;
            let matches = text_is(raw.get(), self.1);
            if *key.0 == *self.0 {
                exact.get_or_insert(matches);
            } else {
                other.get_or_insert(matches);
            }
        }
        Ok(exact.or(other).unwrap_or(false))
    }
}

/// Reads the sub-attributes of a selected element.
struct SubSeed<'s, 'f> {
    subs: &'s [(Box<str>, Vec<usize>)],
    found: &'f mut Found,
    base: usize,
}

impl<'de> DeserializeSeed<'de> for SubSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SubSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let Some((name, slots)) = self
                .subs
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&key.0))
            else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let raw: &RawValue = map.next_value()?;
            let exact = **name == *key.0;
            self.found.set(slots, &range(raw, self.base), exact);
        }
        Ok(())
    }
}

/// A member name, borrowed from the document unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(name)))
            }
            fn visit_str<E>(self, name: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::layout::{Field, Layout};
    use crate::cycle::path::value_at;
    use crate::model::target_path::parse as path;
    use serde_json::Value;

    fn layout(paths: &[&str]) -> Layout {
        let mut layout = Layout::default();
        layout.fields = paths
            .iter()
            .enumerate()
            .map(|(mapping, p)| Field {
                target: (*p).to_owned(),
                path: path(p).unwrap_or_else(|e| panic!("{e:?}")),
                case_exact: false,
                precedence: None,
                on_update: true,
                members: false,
                mapping,
            })
            .collect();
        layout
    }

    #[test]
    fn reads_what_value_at_reads() {
        let paths = [
            "USERNAME",
            "name.givenName",
            "name.familyName",
            "emails[type eq \"work\"].value",
            "emails[type eq \"work\"].primary",
            "emails[type eq \"home\"]",
            "emails",
            "phoneNumbers[type eq \"work\"].value",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "active",
            "name2",
            "nickName",
        ];
        let users = layout(&paths);
        let shape = Shape::new(&[&users, &Layout::default()]);
        let mut found = Found::default();
        for text in [
            r#"{"userName": "a@b", "Name": {"givenName": "A", "familyName": "\u00c9"},
                "emails": [{"type": "home", "value": "h"}, {"Type": "WORK", "value": "w\u00e9", "primary": true}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "D", "manager": {"value": "m"}},
                "active": null, "n\u0061me2": 1.50, "phoneNumbers": 3, "nickName": "x", "nickname": "y"}"#,
            r#"{"id": "1", "name": null, "emails": [], "userName": ["a"]}"#,
            r#"{}"#,
        ] {
            let tree: Value = serde_json::from_str(text).unwrap_or_default();
            shape
                .read(text, &mut found)
                .unwrap_or_else(|e| panic!("{e}"));
            for (field, p) in users.fields.iter().enumerate() {
                let expected =
                    value_at(&tree, &p.path).map(|v| serde_json::to_vec(v).unwrap_or_default());
                let got = shape.value((text, &found), 0, field).map(|t| {
                    let mut out = String::new();
                    write_compact(&mut out, t);
                    out.into_bytes()
                });
                assert_eq!(got, expected, "{} in {text}", p.target);
            }
        }
        assert!(shape.read("[1]", &mut found).is_err());
        assert!(shape.read("{\"id\": 1} x", &mut found).is_err());
        let text = r#"{"id": 7, "schemas": ["a"]}"#;
        shape
            .read(text, &mut found)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shape.own_text((text, &found), Own::Id).as_deref(),
            Some("7")
        );
        assert_eq!(shape.own((text, &found), Own::Schemas), Some(r#"["a"]"#));
    }

    #[test]
    fn the_scanner_reads_what_serde_json_reads() {
        let users = layout(&[
            "userName",
            "name.givenName",
            "emails[type eq \"work\"].value",
            "emails[type eq \"home\"]",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            "active",
        ]);
        let shape = Shape::new(&[&users, &Layout::default()]);
        let documents = [
            r#"{"id":"a1","userName":"A@b","name":{"givenName":"\u00c9","GivenName":"x"},"emails":[{"type":"home","value":"h"},{"TYPE":"work","value":"w"}],"active":true}"#,
            r#" { "id" : 7 , "USERNAME" : "u" , "userName" : "v", "name" : [1, {"a": null}], "meta": {"resourceType": "User", "x": [[], {}]}} "#,
            r#"{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m", "$ref": null}, "n": -1.5e+3}, "emails": {"type": "work"}}"#,
            r#"{"Resources": [{"id": "1"}, {"id": "2"}], "totalResults": 2, "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]}"#,
            r#"{"id": "a", "name": {"givenName": "tab\there", "deep": [[[[{"x": [true, false, null, 0, -0.0]}]]]]}}"#,
            r#"{"emails": [{"Type": "work", "type": "home", "value": "a"}, 7, {"type": "WORK", "Value": "b", "value": "c"}], "id": "e"}"#,
            r#"{"emails": [{"t\u0079pe": "work", "value": "d"}, {"type": "home", "value": "h"}]}"#,
        ];
        let (mut scanned, mut parsed) = (Found::default(), Found::default());
        for document in documents {
            // Every prefix and every byte replaced by a few others: whatever the scanner
            // accepts, serde_json accepts and reads the same.
            let mut variants: Vec<String> = (0..=document.len())
                .filter_map(|end| document.get(..end).map(str::to_owned))
                .collect();
            for at in 0..document.len() {
                for byte in [b'"', b'{', b'}', b',', b'1', b'\\', b'\n', 0x01] {
                    let mut bytes = document.as_bytes().to_vec();
                    bytes[at] = byte;
                    variants.extend(String::from_utf8(bytes));
                }
            }
            for text in &variants {
                let by_scan = shape.read(text, &mut scanned);
                let by_serde = shape.read_with_serde(text, &mut parsed);
                assert_eq!(by_scan.is_ok(), by_serde.is_ok(), "{text}");
                if by_scan.is_ok() {
                    assert_eq!(scanned, parsed, "{text}");
                }
            }
        }
    }
}
