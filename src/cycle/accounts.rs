//! The app's existing accounts: read from a SCIM `ListResponse` (one page, several pages one
//! after another, or a JSON array of them), JSON Lines of SCIM resources, or a CSV whose header
//! row names SCIM attribute paths; kept as an index, not as the dump.
//!
//! Each account keeps its `id`, its line, and the values of the attributes the
//! mapping writes (one compact JSON array); each matching attribute gets a map from its
//! [`match_key`] to the accounts with that value. Everything else of the dump is dropped as it
//! is read, so memory grows with the accounts times the mapped attributes, not with the dump.
//! Problems (a document that does not parse or is cut off, a resource without `id`, an `id`
//! seen twice, a page short of its `totalResults`) are counted and located, never dropped.

use super::layout::Layout;
use super::path::{match_key_text, member, scalar_text_of};
use super::raw::{self, Members};
use crate::expr::source::ObjectKind;
use crate::model::scim;
use crate::model::target_path::TargetPath;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::{self, BufRead};

/// One account of the app.
#[derive(Debug, Clone)]
pub struct Account {
    /// The service provider's `id`.
    pub id: Box<str>,
    /// Where it is in the file (the line its document starts on).
    pub line: u64,
    /// Its place in the `Resources` of a ListResponse page (1 first; 0 outside a page).
    pub resource: u32,
    /// The values of the layout's fields, as one JSON array.
    values: Box<str>,
    /// Where each field's value ends in `values` (it starts after the `[` or `,` before it).
    ends: Box<[u32]>,
}

impl Account {
    /// The JSON text of field `field`'s value (`None`: absent or null).
    pub fn value_text(&self, field: usize) -> Option<&[u8]> {
        let end = *self.ends.get(field)? as usize;
        let start = match field {
            0 => 1,
            _ => self.ends[field - 1] as usize + 1,
        };
        let text = self.values.as_bytes().get(start..end)?;
        (text != b"null").then_some(text)
    }

    /// Field `field`'s value (`Null` where absent).
    pub fn value(&self, field: usize) -> Value {
        self.value_text(field)
            .map_or(Value::Null, super::path::parse)
    }

    /// Whether these values, written as [`write_texts`] writes them, are the account's own
    /// text: then every value is the same (the converse does not hold: `true` and `"True"` are
    /// the same to the target, see [`super::path::same`]).
    pub fn has_text(&self, text: &[u8]) -> bool {
        self.values.as_bytes() == text
    }
}

/// Writes an object's values, as preview gives them, the way an [`Account`] keeps its own (a
/// compact JSON array, `null` where absent): what a payload is compared with first.
pub fn write_texts(out: &mut Vec<u8>, layout: &Layout, values: &crate::preview::Values<'_>) {
    out.push(b'[');
    for (i, field) in layout.fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(values.get(field.mapping).unwrap_or(b"null"));
    }
    out.push(b']');
}

/// A problem with the accounts file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountProblem {
    /// The line of the document (or CSV row) concerned.
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// What one matching value finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No account has it.
    None,
    /// One account (its index).
    One(u32),
    /// Several accounts (their indexes).
    Many(Vec<u32>),
}

#[derive(Debug, Clone)]
enum Hit {
    One(u32),
    Many(Vec<u32>),
}

/// The accounts of one object kind, indexed by each matching attribute.
#[derive(Debug, Default)]
pub struct Index {
    accounts: Vec<Account>,
    /// One map per matching field of the layout, in precedence order.
    keys: Vec<FxHashMap<Box<str>, Hit>>,
    matched: Vec<bool>,
    /// The matching fields' indexes in the layout, in precedence order.
    matching: Vec<usize>,
    /// Buffers for the account being read.
    scratch: (Vec<u8>, Vec<u32>, String),
}

impl Index {
    /// The accounts, in file order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The account at `index`.
    pub fn get(&self, index: u32) -> &Account {
        &self.accounts[index as usize]
    }

    /// How to name an account: the value of its first matching attribute, else its `id`.
    pub fn label(&self, account: &Account) -> String {
        self.matching
            .iter()
            .find_map(|at| account.value_text(*at).and_then(scalar_text_of))
            .filter(|label| !label.is_empty())
            .unwrap_or_else(|| account.id.to_string())
    }

    /// The accounts whose matching attribute of precedence rank `rank` (0: the first) has
    /// this key.
    pub fn lookup(&self, rank: usize, key: &str) -> Lookup {
        match self.keys.get(rank).and_then(|m| m.get(key)) {
            None => Lookup::None,
            Some(Hit::One(i)) => Lookup::One(*i),
            Some(Hit::Many(v)) => Lookup::Many(v.clone()),
        }
    }

    /// Marks an account as matched by an object.
    pub fn mark(&mut self, index: u32) {
        self.matched[index as usize] = true;
    }

    /// The accounts no object matched, in file order.
    pub fn orphans(&self) -> impl Iterator<Item = &Account> {
        self.accounts
            .iter()
            .zip(&self.matched)
            .filter(|(_, m)| !**m)
            .map(|(a, _)| a)
    }

    /// How many accounts.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    fn insert(
        &mut self,
        layout: &Layout,
        resource: &Members<'_>,
        id: &str,
        (line, at): (u64, u32),
    ) {
        let index = self.accounts.len() as u32;
        if self.matching.is_empty() {
            self.matching = layout.matching_fields().map(|(at, _)| at).collect();
        }
        let (values, ends, key) = &mut self.scratch;
        values.clear();
        ends.clear();
        values.push(b'[');
        let mut last = raw::Last::default();
        for (i, field) in layout.fields.iter().enumerate() {
            if i > 0 {
                values.push(b',');
            }
            match resource.at(&field.path, &mut last) {
                Some(raw) => raw::write_compact(values, raw),
                None => values.extend_from_slice(b"null"),
            }
            ends.push(u32::try_from(values.len()).unwrap_or(u32::MAX));
        }
        values.push(b']');
        for (rank, (field_at, field)) in layout.matching_fields().enumerate() {
            let start = match field_at {
                0 => 1,
                _ => ends[field_at - 1] as usize + 1,
            };
            let text = &values[start..ends[field_at] as usize];
            if !match_key_text(text, field.case_exact, key) {
                continue;
            }
            if self.keys.len() <= rank {
                self.keys.resize_with(rank + 1, FxHashMap::default);
            }
            match self.keys[rank].get_mut(key.as_str()) {
                Some(hit) => match hit {
                    Hit::One(first) => *hit = Hit::Many(vec![*first, index]),
                    Hit::Many(all) => all.push(index),
                },
                None => {
                    self.keys[rank].insert(key.as_str().into(), Hit::One(index));
                }
            }
        }
        self.accounts.push(Account {
            id: id.into(),
            line,
            resource: at,
            values: String::from_utf8_lossy(values).into(),
            ends: ends.as_slice().into(),
        });
        self.matched.push(false);
    }
}

/// The accounts of a file: users and groups apart, with the problems found.
#[derive(Debug, Default)]
pub struct Accounts {
    /// User accounts.
    pub users: Index,
    /// Group accounts.
    pub groups: Index,
    /// Resources read (accounts indexed plus those refused).
    pub read: u64,
    /// What could not be read or was refused.
    pub problems: Vec<AccountProblem>,
}

/// Reads an accounts file, keeping of each resource what the layouts compare.
pub fn read(input: impl BufRead, users: &Layout, groups: &Layout) -> io::Result<Accounts> {
    let mut reader = Reader {
        users,
        groups,
        out: Accounts::default(),
        ids: Default::default(),
        total_results: None,
        listed: 0,
    };
    let mut input = input;
    let first = super::json::first_byte(&mut input)?;
    match first {
        None => {}
        Some(b'{' | b'[') => reader.json(input)?,
        Some(_) => reader.csv(input)?,
    }
    if let Some(total) = reader.total_results.filter(|t| *t > reader.listed) {
        let listed = reader.listed;
        reader.problem(
            0,
            format!(
                "the pages list {listed} resources of the {total} their `totalResults` announces: pages are missing or cut off"
            ),
        );
    }
    Ok(reader.out)
}

struct Reader<'l> {
    users: &'l Layout,
    groups: &'l Layout,
    out: Accounts,
    /// Ids seen, users' and groups', with their line.
    ids: [FxHashMap<Box<str>, u64>; 2],
    /// The largest `totalResults` of the pages, and the resources they list.
    total_results: Option<u64>,
    listed: u64,
}

impl Reader<'_> {
    fn problem(&mut self, line: u64, message: String) {
        self.out.problems.push(AccountProblem { line, message });
    }

    fn json(&mut self, input: impl BufRead) -> io::Result<()> {
        super::json::raw_documents(input, |document, line| match document {
            Ok(bytes) => {
                let Ok(text) = std::str::from_utf8(bytes) else {
                    self.out.read += 1;
                    return self.problem(line, "the document is not valid UTF-8".to_owned());
                };
                let parsed = if text.starts_with('[') {
                    raw::elements_of(text).map(|items| {
                        for item in items {
                            self.value(item, line);
                        }
                    })
                } else {
                    Members::parse(text).map(|object| self.object(&object, line))
                };
                if let Err(e) = parsed {
                    self.out.read += 1;
                    self.problem(line, super::json::error_message(&e, line));
                }
            }
            Err(message) => {
                self.out.read += 1;
                self.problem(line, message);
            }
        })
    }

    /// An element of a top-level array: a resource, a page, or an array of them.
    fn value(&mut self, value: &RawValue, line: u64) {
        if raw::is_array(value) {
            for item in raw::elements(value).unwrap_or_default() {
                self.value(item, line);
            }
            return;
        }
        match Members::parse(value.get()) {
            Ok(object) => self.object(&object, line),
            Err(_) => self.resource(None, (line, 0)),
        }
    }

    /// A ListResponse page, or one resource.
    fn object(&mut self, object: &Members<'_>, line: u64) {
        let Some(resources) = object.get("Resources") else {
            return self.resource(Some(object), (line, 0));
        };
        let Some(resources) = raw::is_array(resources)
            .then(|| raw::elements(resources).ok())
            .flatten()
        else {
            self.out.read += 1;
            return self.problem(line, "`Resources` is not an array".to_owned());
        };
        if let Some(total) = object
            .get("totalResults")
            .and_then(|t| raw::tree(t).as_u64())
        {
            self.total_results = Some(self.total_results.map_or(total, |t| t.max(total)));
        }
        self.listed += resources.len() as u64;
        for (at, resource) in resources.iter().enumerate() {
            let place = (line, u32::try_from(at + 1).unwrap_or(u32::MAX));
            match Members::parse(resource.get()) {
                Ok(object) => self.resource(Some(&object), place),
                Err(_) => self.resource(None, place),
            }
        }
    }

    /// One resource (`None`: a value that is not a JSON object).
    fn resource(&mut self, resource: Option<&Members<'_>>, (line, at): (u64, u32)) {
        self.out.read += 1;
        let place = if at > 0 {
            format!("resource {at} of the page: ")
        } else {
            String::new()
        };
        let Some(resource) = resource else {
            return self.problem(line, format!("{place}a resource that is not a JSON object"));
        };
        let Some(id) = resource.text("id").filter(|id| !id.is_empty()) else {
            let what = resource
                .text("userName")
                .or_else(|| resource.text("displayName"))
                .map_or_else(String::new, |n| format!(" ({n})"));
            return self.problem(line, format!("{place}a resource{what} without an `id`"));
        };
        let kind = kind_of(resource);
        let ids = &mut self.ids[usize::from(kind == ObjectKind::Group)];
        if let Some(first) = ids.get(id.as_str()).copied() {
            return self.problem(
                line,
                format!(
                    "{place}the {} id `{id}` is also on line {first}: this copy is not used",
                    kind.as_str()
                ),
            );
        }
        ids.insert(id.as_str().into(), line);
        match kind {
            ObjectKind::User => self.out.users.insert(self.users, resource, &id, (line, at)),
            ObjectKind::Group => self
                .out
                .groups
                .insert(self.groups, resource, &id, (line, at)),
        }
    }

    /// A CSV whose header names SCIM attribute paths (`id`, `userName`,
    /// `emails[type eq "work"].value`, ...): one user account a row.
    fn csv(&mut self, input: impl BufRead) -> io::Result<()> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                self.problem(1, format!("cannot read the CSV header: {e}"));
                return Ok(());
            }
        };
        let paths: Vec<Option<TargetPath>> = headers
            .iter()
            .map(|h| crate::model::target_path::parse(h.trim()).ok())
            .collect();
        for (i, record) in reader.records().enumerate() {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(i as u64 + 2, |p| p.line());
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    self.out.read += 1;
                    self.problem(line, format!("cannot read the row: {e}"));
                    continue;
                }
            };
            let mut resource = Value::Object(Default::default());
            for (path, cell) in paths.iter().zip(record.iter()) {
                if let (Some(path), false) = (path, cell.is_empty()) {
                    set_at(&mut resource, path, Value::String(cell.to_owned()));
                }
            }
            // The row is read as the JSON resource it stands for: one reading of a resource.
            let text = resource.to_string();
            let members = Members::parse(&text).unwrap_or_default();
            self.resource(Some(&members), (line, 0));
        }
        Ok(())
    }
}

/// A group when its `schemas` name the core Group schema or `meta.resourceType` is `Group`
/// (each read only when its text has `group` in it).
fn kind_of(resource: &Members<'_>) -> ObjectKind {
    let mentions_group = |name: &str| {
        resource
            .get(name)
            .filter(|raw| {
                raw.get()
                    .as_bytes()
                    .windows(5)
                    .any(|w| w.eq_ignore_ascii_case(b"group"))
            })
            .map(raw::tree)
    };
    let group_schema = mentions_group("schemas").is_some_and(|schemas| {
        schemas.as_array().is_some_and(|s| {
            s.iter().any(|v| {
                v.as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(scim::CORE_GROUP))
            })
        })
    });
    let group_type = mentions_group("meta").is_some_and(|meta| {
        member(&meta, "resourceType")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("Group"))
    });
    if group_schema || group_type {
        ObjectKind::Group
    } else {
        ObjectKind::User
    }
}

/// Sets the value at a path in a resource, creating the objects and the filtered element on
/// the way (the shape a payload has).
pub fn set_at(resource: &mut Value, path: &TargetPath, value: Value) {
    let mut container = resource;
    if let Some(schema) = path
        .schema
        .as_ref()
        .filter(|s| s.text.contains(":extension:"))
    {
        container = entry(container, &schema.text);
    }
    let slot = match (&path.filter, &path.sub_attribute) {
        (None, None) => {
            if let Value::Object(map) = container {
                map.insert(path.attribute.text.clone(), value);
            }
            return;
        }
        (None, Some(sub)) => entry(entry(container, &path.attribute.text), &sub.text),
        (Some(filter), sub) => {
            let list = entry(container, &path.attribute.text);
            if !list.is_array() {
                *list = Value::Array(Vec::new());
            }
            let Value::Array(items) = list else { return };
            let at = items.iter().position(|e| {
                member(e, &filter.attribute.text)
                    .and_then(super::path::scalar_text)
                    .is_some_and(|t| t.eq_ignore_ascii_case(&filter.value.text))
            });
            let at = at.unwrap_or_else(|| {
                let mut element = serde_json::Map::new();
                element.insert(
                    filter.attribute.text.clone(),
                    Value::String(filter.value.text.clone()),
                );
                items.push(Value::Object(element));
                items.len() - 1
            });
            match sub {
                Some(sub) => entry(&mut items[at], &sub.text),
                None => &mut items[at],
            }
        }
    };
    *slot = value;
}

fn entry<'v>(object: &'v mut Value, name: &str) -> &'v mut Value {
    if !object.is_object() {
        *object = Value::Object(Default::default());
    }
    match object {
        Value::Object(map) => map.entry(name.to_owned()).or_insert(Value::Null),
        other => other,
    }
}
