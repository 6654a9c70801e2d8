//! The source attributes one preview reads ([`Attributes`]: a name → slot table, with the Graph
//! and portal spellings of some attributes as aliases) and one user's values of them
//! ([`Record`], reused from user to user so that reading a user allocates nothing once the
//! buffers have grown). JSON users are parsed straight into the slots: attributes the mapping
//! never reads are skipped without being built.

use crate::base::encoding::to_str;
use crate::base::json_scan::Scan;
use crate::expr::eval::{SourceObject, Value};
use crate::expr::syntax::Expr;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Graph `/users` and portal-CSV names of Entra source attributes (alias, Entra name). A
/// record's own Entra name wins over an alias.
pub const ALIASES: &[(&str, &str)] = &[
    ("id", "objectId"),
    ("onPremisesImmutableId", "immutableId"),
    ("mobilePhone", "mobile"),
    ("officeLocation", "physicalDeliveryOfficeName"),
    ("directorySynced", "dirSyncEnabled"),
    ("onPremisesSyncEnabled", "dirSyncEnabled"),
];

/// One name of a slot: the bytes, their first eight as a number (compared first), the slot and
/// whether the name is an alias.
#[derive(Debug, Clone)]
struct Name {
    head: u64,
    bytes: Box<[u8]>,
    slot: usize,
    alias: bool,
}

/// The first eight bytes of a name (zero-padded) as a number.
fn head(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = bytes.len().min(8);
    word[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(word)
}

/// The attributes a preview reads, each with a slot number.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    names: Vec<Box<str>>,
    /// Every name (Entra names and aliases) by its length in bytes: a mapping reads a few dozen
    /// attributes, so a key of a user object is compared with one or two names at most.
    by_length: Vec<Vec<Name>>,
}

impl Attributes {
    /// Registers every attribute an expression reads.
    pub fn add_read_by(&mut self, expr: &Expr) {
        for (name, _) in expr.attributes() {
            self.add(name);
        }
    }

    /// Registers an Entra attribute name (and its aliases); returns its slot.
    pub fn add(&mut self, name: &str) -> usize {
        if let Some((slot, false)) = self.lookup(name) {
            return slot;
        }
        let slot = self.names.len();
        self.names.push(name.into());
        self.insert(name, slot, false);
        for (alias, canonical) in ALIASES {
            if *canonical == name && self.lookup(alias).is_none() {
                self.insert(alias, slot, true);
            }
        }
        slot
    }

    /// Adds a name, or makes an alias of that name the Entra name of `slot`.
    fn insert(&mut self, name: &str, slot: usize, alias: bool) {
        let bytes = name.as_bytes();
        if self.by_length.len() <= bytes.len() {
            self.by_length.resize(bytes.len() + 1, Vec::new());
        }
        let names = &mut self.by_length[bytes.len()];
        match names.iter_mut().find(|n| &*n.bytes == bytes) {
            Some(known) => {
                known.slot = slot;
                known.alias = alias;
            }
            None => names.push(Name {
                head: head(bytes),
                bytes: bytes.into(),
                slot,
                alias,
            }),
        }
    }

    /// The slot of a name and whether the name is an alias.
    pub fn lookup(&self, name: &str) -> Option<(usize, bool)> {
        self.lookup_bytes(name.as_bytes())
    }

    /// [`Attributes::lookup`] for a name given as bytes (a JSON key).
    pub fn lookup_bytes(&self, name: &[u8]) -> Option<(usize, bool)> {
        let names = self.by_length.get(name.len())?;
        let first = head(name);
        names
            .iter()
            .find(|n| n.head == first && (name.len() <= 8 || *n.bytes == *name))
            .map(|n| (n.slot, n.alias))
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no attribute is read at all.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The Entra names, by slot.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| &**n)
    }
}

/// One user's values, by slot. A slot is present when the user has the attribute (possibly
/// with a null value).
#[derive(Debug)]
pub struct Record<'t> {
    attributes: &'t Attributes,
    values: Vec<Value>,
    stamps: Vec<u32>,
    stamp: u32,
}

impl<'t> Record<'t> {
    /// An empty record for these attributes.
    pub fn new(attributes: &'t Attributes) -> Self {
        Record {
            attributes,
            values: vec![Value::Null; attributes.len()],
            stamps: vec![0; attributes.len()],
            stamp: 1,
        }
    }

    /// Forgets every value (keeping the buffers).
    pub fn clear(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
    }

    /// Whether the user has the attribute of this slot.
    pub fn is_present(&self, slot: usize) -> bool {
        self.stamps.get(slot) == Some(&self.stamp)
    }

    /// The value of a slot, if present.
    pub fn slot(&self, slot: usize) -> Option<&Value> {
        if self.is_present(slot) {
            self.values.get(slot)
        } else {
            None
        }
    }

    /// The value of a slot for writing: marks it present.
    pub fn slot_mut(&mut self, slot: usize) -> &mut Value {
        self.stamps[slot] = self.stamp;
        &mut self.values[slot]
    }

    /// Sets a slot to a text value, reusing the slot's buffer.
    pub fn set_str(&mut self, slot: usize, text: &str) {
        set_str(self.slot_mut(slot), text);
    }

    /// The attribute table.
    pub fn attributes(&self) -> &'t Attributes {
        self.attributes
    }

    /// Parses one JSON object (a user) into the record, which must be cleared first. The whole
    /// text must be UTF-8; attributes the preview does not read are skipped.
    ///
    /// A scanner reads the usual user object (string keys without escapes, values the slots
    /// take as they are) without building anything it skips; on anything else (a key with an
    /// escape, a malformed document, deep nesting) it gives up, and serde_json reads the user
    /// instead, so that what is accepted, the values and the error messages are serde_json's.
    pub fn read_json(&mut self, bytes: &[u8]) -> Result<(), String> {
        let text = to_str(bytes).map_err(|e| e.to_string())?;
        if scan_object(&mut Scan::new(text), self).is_some() {
            return Ok(());
        }
        self.clear();
        self.read_json_with_serde(bytes)
    }

    /// [`Record::read_json`] with serde_json alone.
    fn read_json_with_serde(&mut self, bytes: &[u8]) -> Result<(), String> {
        let text = to_str(bytes).map_err(|e| e.to_string())?;
        let text = crate::expr::eval::quote_inexact_numbers(text);
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        de::Deserializer::deserialize_any(&mut deserializer, RecordVisitor { record: self })
            .map_err(|e| e.to_string())?;
        deserializer.end().map_err(|e| e.to_string())
    }
}

impl SourceObject for Record<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        let (slot, _) = self.attributes.lookup(name)?;
        self.slot(slot)
    }
}

/// Reads one value into a slot: text, Booleans and null directly, anything else (numbers,
/// arrays, objects, text with escapes) through serde_json on the value's own bytes.
fn scan_value(scan: &mut Scan<'_>, value: &mut Value) -> Option<()> {
    let start = scan.at();
    match scan.peek()? {
        b'"' => {
            let (text, escaped) = scan.quoted(true)?;
            if !escaped {
                set_str(value, text);
                return Some(());
            }
        }
        b't' => {
            scan.literal(b"true")?;
            *value = Value::Bool(true);
            return Some(());
        }
        b'f' => {
            scan.literal(b"false")?;
            *value = Value::Bool(false);
            return Some(());
        }
        b'n' => {
            scan.literal(b"null")?;
            *value = Value::Null;
            return Some(());
        }
        _ => scan.skip(1)?,
    }
    let text = scan.since(start)?;
    let text = crate::expr::eval::quote_inexact_numbers(text);
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    SlotSeed { value }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()
}

/// The whole text: one object, its wanted attributes read into `record`.
fn scan_object(scan: &mut Scan<'_>, record: &mut Record<'_>) -> Option<()> {
    scan.space();
    scan.object(false, |scan, key| {
        match record.attributes.lookup_bytes(key.as_bytes()) {
            Some((slot, true)) if record.is_present(slot) => scan.skip(1),
            Some((slot, _)) => scan_value(scan, record.slot_mut(slot)),
            None => scan.skip(1),
        }
    })?;
    scan.space();
    scan.at_end().then_some(())
}

fn set_str(value: &mut Value, text: &str) {
    match value {
        Value::Str(s) => {
            s.clear();
            s.push_str(text);
        }
        other => *other = Value::Str(text.to_owned()),
    }
}

struct RecordVisitor<'r, 't> {
    record: &'r mut Record<'t>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of attribute name to value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed {
            record: &*self.record,
        })? {
            match key {
                Some(slot) => map.next_value_seed(SlotSeed {
                    value: self.record.slot_mut(slot),
                })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Resolves a key to the slot to fill (`None`: skip the value).
struct KeySeed<'r, 't> {
    record: &'r Record<'t>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(match self.record.attributes.lookup(name) {
            Some((slot, true)) if self.record.is_present(slot) => None,
            Some((slot, _)) => Some(slot),
            None => None,
        })
    }
}

/// Deserializes one attribute value into a slot.
struct SlotSeed<'v> {
    value: &'v mut Value,
}

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SlotSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        set_str(self.value, v);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        *self.value = Value::Bool(v);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        *self.value = Value::Int(v);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        *self.value = match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Str(v.to_string()),
        };
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        *self.value = Value::Str(v.to_string());
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        *self.value = Value::Null;
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        *self.value = Value::Null;
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut values = Vec::new();
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            match Value::from_json(&item).map_err(de::Error::custom)? {
                Value::Null => {}
                Value::Multi(_) => {
                    return Err(de::Error::custom("nested arrays are not attribute values"))
                }
                v => values.push(v),
            }
        }
        *self.value = if values.is_empty() {
            Value::Null
        } else {
            Value::Multi(values)
        };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let json: serde_json::Value =
            de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        *self.value = Value::from_json(&json).map_err(de::Error::custom)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_wanted_attributes_and_aliases() {
        let mut attributes = Attributes::default();
        let object_id = attributes.add("objectId");
        let mail = attributes.add("mail");
        let mut record = Record::new(&attributes);
        record.clear();
        let read = record.read_json(
            br#"{"id":"a","skip":{"deep":[1,2]},"mail":"x@y","objectId":"b","other":[1]}"#,
        );
        assert_eq!(read, Ok(()));
        assert_eq!(record.slot(object_id), Some(&Value::str("b")));
        assert_eq!(record.slot(mail), Some(&Value::str("x@y")));
        record.clear();
        assert_eq!(record.read_json(br#"{"id":"c"}"#), Ok(()));
        assert_eq!(record.slot(object_id), Some(&Value::str("c")));
        assert_eq!(record.slot(mail), None);
        record.clear();
        assert!(record.read_json(br#"{"mail":[[1]]}"#).is_err());
        assert!(record.read_json(b"[1]").is_err());
        assert!(record.read_json(br#"{"mail":"a"} x"#).is_err());
    }

    /// What a record holds: each slot's value if present.
    fn contents(record: &Record<'_>) -> Vec<Option<Value>> {
        (0..record.attributes.len())
            .map(|slot| record.slot(slot).cloned())
            .collect()
    }

    #[test]
    fn the_scanner_agrees_with_serde_json() {
        let mut attributes = Attributes::default();
        for name in [
            "objectId",
            "mail",
            "givenName",
            "accountEnabled",
            "n",
            "proxyAddresses",
        ] {
            attributes.add(name);
        }
        let base = r#" {"id":"x","objectId":"a\u00e9","mail":"Zoë@x","givenName":null,"accountEnabled":true,"n":-12.5e+3,"proxyAddresses":["SMTP:a",null,"b"],"skip":{"d":[1,{"e":"\/\n"}],"f":false},"o":0} "#;
        let mut inputs: Vec<Vec<u8>> = [
            "{}",
            " { } ",
            r#"{"objectId":"a","objectId":"b","id":"c"}"#,
            r#"{"id":"c","objectId":"b"}"#,
            r#"{"mail":"a\"b","n":1}"#,
            r#"{"mail":"a\ud800","n":01}"#,
            "{\"mail\":\"tab\there\"}",
            r#"{"m\u0061il":"x"}"#,
            r#"{"n":18446744073709551615,"o":1.5E9}"#,
            r#"{"n":[[1]]}"#,
            r#"{"n":{"a":1}}"#,
            r#"{"a":1,}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":-}"#,
            r#"{"a":1.}"#,
            r#"{"a":tru}"#,
            "[1]",
            "\u{c}{}",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        inputs.push(format!("{}{}", "[".repeat(100), "]".repeat(100)).into_bytes());
        inputs.push(format!(r#"{{"a":{}1{}}}"#, "[".repeat(70), "]".repeat(70)).into_bytes());
        inputs.push(b"{\"mail\":\"\xc3\"}".to_vec());
        inputs.push(b"{\"a\":\"\xff\"}".to_vec());
        let bytes = base.as_bytes();
        for i in 0..bytes.len() {
            let mut cut = bytes.to_vec();
            cut.remove(i);
            inputs.push(cut);
            for extra in [b'"', b'\\', b',', b'}', b' ', b'1', 0x01, 0xC3] {
                let mut more = bytes.to_vec();
                more.insert(i, extra);
                inputs.push(more);
            }
        }
        let mut fast = Record::new(&attributes);
        let mut slow = Record::new(&attributes);
        let mut scanned = 0;
        for input in &inputs {
            let shown = String::from_utf8_lossy(input);
            fast.clear();
            slow.clear();
            let by_serde = slow.read_json_with_serde(input);
            let scanned_ok = std::str::from_utf8(input)
                .ok()
                .and_then(|text| scan_object(&mut Scan::new(text), &mut fast));
            if scanned_ok.is_some() {
                scanned += 1;
                assert_eq!(by_serde, Ok(()), "{shown}");
                assert_eq!(contents(&fast), contents(&slow), "{shown}");
            }
            fast.clear();
            assert_eq!(fast.read_json(input), by_serde, "{shown}");
            assert_eq!(contents(&fast), contents(&slow), "{shown}");
        }
        assert!(scanned > 100, "the scanner read only {scanned} inputs");
    }
}
