//! The source attributes one preview reads ([`Attributes`]: a name → slot table, with the Graph
//! and portal spellings of some attributes as aliases) and one user's values of them
//! ([`Record`], reused from user to user so that reading a user allocates nothing once the
//! buffers have grown). JSON users are parsed straight into the slots: attributes the mapping
//! never reads are skipped without being built.

use crate::eval::{Source, Value};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

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

/// A hasher for attribute names: the length and the first and last eight bytes, mixed. Names
/// are short and come from the mapping file; this is several times cheaper than FNV per key.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let n = bytes.len();
        let (head, tail) = if n >= 8 {
            let mut a = [0u8; 8];
            let mut b = [0u8; 8];
            a.copy_from_slice(&bytes[..8]);
            b.copy_from_slice(&bytes[n - 8..]);
            (u64::from_le_bytes(a), u64::from_le_bytes(b))
        } else {
            let mut a = [0u8; 8];
            a[..n].copy_from_slice(bytes);
            (u64::from_le_bytes(a), 0)
        };
        self.0 = (self.0 ^ head ^ (n as u64).rotate_left(56)).wrapping_mul(MIX);
        self.0 = (self.0 ^ tail).wrapping_mul(MIX).rotate_left(31);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(MIX);
    }
}

type Index = HashMap<Box<str>, (usize, bool), BuildHasherDefault<KeyHasher>>;

/// The attributes a preview reads, each with a slot number.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    names: Vec<Box<str>>,
    index: Index,
}

impl Attributes {
    /// Registers an Entra attribute name (and its aliases); returns its slot.
    pub fn add(&mut self, name: &str) -> usize {
        if let Some(&(slot, false)) = self.index.get(name) {
            return slot;
        }
        let slot = self.names.len();
        self.names.push(name.into());
        self.index.insert(name.into(), (slot, false));
        for (alias, canonical) in ALIASES {
            if *canonical == name {
                self.index.entry((*alias).into()).or_insert((slot, true));
            }
        }
        slot
    }

    /// The slot of a name and whether the name is an alias.
    pub fn lookup(&self, name: &str) -> Option<(usize, bool)> {
        self.index.get(name).copied()
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
    /// text must be UTF-8 (checked once, so strings need no further checks); attributes the
    /// preview does not read are skipped.
    pub fn read_json(&mut self, bytes: &[u8]) -> Result<(), String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not valid UTF-8: {e}"))?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        de::Deserializer::deserialize_any(&mut deserializer, RecordVisitor { record: self })
            .map_err(|e| e.to_string())?;
        deserializer.end().map_err(|e| e.to_string())
    }
}

impl Source for Record<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        let (slot, _) = self.attributes.lookup(name)?;
        self.slot(slot)
    }
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
}
