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
use super::raw::{self, Found, Own, Shape};
use crate::expr::source::ObjectKind;
use crate::model::scim;
use crate::model::target_path::TargetPath;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
use std::io::{self, BufRead};

/// One account of the app, as its [`Index`] keeps it.
#[derive(Debug, Clone, Copy)]
pub struct Account<'i> {
    /// The service provider's `id`.
    pub id: &'i str,
    /// Where it is in the file (the line its document starts on).
    pub line: u64,
    /// Its place in the `Resources` of a ListResponse page (1 first; 0 outside a page).
    pub resource: u32,
    /// The values of the layout's fields, as one JSON array.
    values: &'i str,
    /// Where each field's value ends in `values` (it starts after the `[` or `,` before it).
    ends: &'i [u32],
}

impl<'i> Account<'i> {
    /// The JSON text of field `field`'s value (`None`: absent or null).
    pub fn value_text(&self, field: usize) -> Option<&'i [u8]> {
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

impl Hit {
    fn add(hits: &mut FxHashMap<u64, Hit>, hash: u64, index: u32) {
        match hits.get_mut(&hash) {
            Some(hit) => match hit {
                Hit::One(first) => *hit = Hit::Many(vec![*first, index]),
                Hit::Many(all) => all.push(index),
            },
            None => {
                hits.insert(hash, Hit::One(index));
            }
        }
    }

    fn all(&self) -> &[u32] {
        match self {
            Hit::One(one) => std::slice::from_ref(one),
            Hit::Many(all) => all,
        }
    }
}

/// Whether a value (JSON text) has this [`super::path::match_key`]; a string without escapes
/// is compared without building its key.
fn key_is(text: &[u8], case_exact: bool, key: &str) -> bool {
    match text {
        [b'"', inner @ .., b'"'] if !inner.iter().any(|b| matches!(b, b'"' | b'\\')) => {
            if case_exact {
                return inner == key.as_bytes();
            }
            if inner.is_ascii() {
                return inner.len() == key.len()
                    && inner
                        .iter()
                        .zip(key.as_bytes())
                        .all(|(a, b)| a.to_ascii_lowercase() == *b);
            }
        }
        _ => {}
    }
    let mut own = String::new();
    match_key_text(text, case_exact, &mut own) && own == key
}

/// The hash a text is indexed by.
fn hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// The texts of the accounts, in blocks that are never moved once written (so that the index
/// grows without copying what it holds).
#[derive(Debug, Default)]
struct Arena {
    blocks: Vec<String>,
}

impl Arena {
    /// The size of a block (a text longer than this gets a block of its own).
    const BLOCK: usize = 1 << 22;

    /// Keeps `parts` one after another; returns where (block, start).
    fn push(&mut self, parts: [&str; 2]) -> (u32, u32) {
        let len = parts[0].len() + parts[1].len();
        let fits = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= len);
        if !fits {
            self.blocks
                .push(String::with_capacity(len.max(Self::BLOCK)));
        }
        let at = self.blocks.len() - 1;
        let block = &mut self.blocks[at];
        let start = block.len();
        block.push_str(parts[0]);
        block.push_str(parts[1]);
        (at as u32, start as u32)
    }

    fn get(&self, block: u32, start: u32, len: u32) -> &str {
        let (start, len) = (start as usize, len as usize);
        self.blocks
            .get(block as usize)
            .and_then(|b| b.get(start..start + len))
            .unwrap_or_default()
    }
}

/// Where an account's texts are, and its place in the file.
#[derive(Debug, Clone)]
struct Slot {
    block: u32,
    start: u32,
    id_len: u32,
    values_len: u32,
    line: u64,
    resource: u32,
}

/// The accounts of one object kind, indexed by each matching attribute: one map per matching
/// field from the hash of a value's [`super::path::match_key`] to the accounts with it (a
/// lookup checks the accounts' own values, so that two keys of the same hash never mix).
#[derive(Debug, Default)]
pub struct Index {
    slots: Vec<Slot>,
    arena: Arena,
    /// Every account's value ends, `fields` by account.
    ends: Vec<u32>,
    fields: usize,
    /// One map per matching field of the layout, in precedence order.
    keys: Vec<FxHashMap<u64, Hit>>,
    /// The accounts by the hash of their id.
    ids: FxHashMap<u64, Hit>,
    matched: Vec<bool>,
    /// The matching fields (their index in the layout, and whether caseExact), in precedence
    /// order.
    matching: Vec<(usize, bool)>,
    /// Buffers for the account being read.
    scratch: (Vec<u8>, Vec<u32>, String),
}

impl Index {
    /// The account at `index`.
    pub fn get(&self, index: u32) -> Account<'_> {
        let slot = &self.slots[index as usize];
        let text = self
            .arena
            .get(slot.block, slot.start, slot.id_len + slot.values_len);
        let (id, values) = text.split_at(slot.id_len as usize);
        let at = index as usize * self.fields;
        Account {
            id,
            line: slot.line,
            resource: slot.resource,
            values,
            ends: &self.ends[at..at + self.fields],
        }
    }

    /// How to name an account: the value of its first matching attribute, else its `id`.
    pub fn label(&self, account: &Account<'_>) -> String {
        self.matching
            .iter()
            .find_map(|(at, _)| account.value_text(*at).and_then(scalar_text_of))
            .filter(|label| !label.is_empty())
            .unwrap_or_else(|| account.id.to_owned())
    }

    /// The accounts whose matching attribute of precedence rank `rank` (0: the first) has
    /// this key.
    pub fn lookup(&self, rank: usize, key: &str) -> Lookup {
        let (Some(hits), Some((field, case_exact))) =
            (self.keys.get(rank), self.matching.get(rank))
        else {
            return Lookup::None;
        };
        let Some(hit) = hits.get(&hash(key)) else {
            return Lookup::None;
        };
        let mut same = hit.all().iter().copied().filter(|i| {
            self.get(*i)
                .value_text(*field)
                .is_some_and(|text| key_is(text, *case_exact, key))
        });
        match (same.next(), same.next()) {
            (None, _) => Lookup::None,
            (Some(one), None) => Lookup::One(one),
            (Some(first), Some(second)) => {
                let mut all = vec![first, second];
                all.extend(same);
                Lookup::Many(all)
            }
        }
    }

    /// The account with this id, if there is one.
    fn with_id(&self, id: &str) -> Option<u32> {
        let hit = self.ids.get(&hash(id))?;
        hit.all().iter().copied().find(|i| self.get(*i).id == id)
    }

    /// Marks an account as matched by an object.
    pub fn mark(&mut self, index: u32) {
        self.matched[index as usize] = true;
    }

    /// The accounts no object matched, in file order.
    pub fn orphans(&self) -> impl Iterator<Item = Account<'_>> {
        (0..self.slots.len() as u32)
            .filter(|i| !self.matched[*i as usize])
            .map(|i| self.get(i))
    }

    /// How many accounts.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Adds an account whose field `i` has the value `value(i)` (a JSON text).
    fn insert<'v>(
        &mut self,
        layout: &Layout,
        value: impl Fn(usize) -> Option<&'v str>,
        id: &str,
        (line, at): (u64, u32),
    ) {
        let index = self.slots.len() as u32;
        if self.slots.is_empty() {
            self.fields = layout.fields.len();
            self.matching = layout
                .matching_fields()
                .map(|(at, f)| (at, f.case_exact))
                .collect();
            self.keys = vec![FxHashMap::default(); self.matching.len()];
        }
        let (values, ends, key) = &mut self.scratch;
        values.clear();
        ends.clear();
        values.push(b'[');
        for i in 0..self.fields {
            if i > 0 {
                values.push(b',');
            }
            match value(i) {
                Some(raw) => raw::write_compact(values, raw),
                None => values.extend_from_slice(b"null"),
            }
            ends.push(u32::try_from(values.len()).unwrap_or(u32::MAX));
        }
        values.push(b']');
        for (rank, (field_at, case_exact)) in self.matching.iter().enumerate() {
            let start = match field_at {
                0 => 1,
                _ => ends[field_at - 1] as usize + 1,
            };
            let text = &values[start..ends[*field_at] as usize];
            if match_key_text(text, *case_exact, key) {
                Hit::add(&mut self.keys[rank], hash(key), index);
            }
        }
        Hit::add(&mut self.ids, hash(id), index);
        let values = std::str::from_utf8(values).unwrap_or_default();
        let (block, start) = self.arena.push([id, values]);
        self.slots.push(Slot {
            block,
            start,
            id_len: id.len() as u32,
            values_len: values.len() as u32,
            line,
            resource: at,
        });
        self.ends.extend_from_slice(ends);
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
    let mut all = read_for(input, &[[users, groups]])?;
    Ok(all.pop().unwrap_or_default())
}

/// Reads an accounts file once for several mappings (the old and the new of a change): one
/// [`Accounts`] for each mapping's users' and groups' layouts, with the same problems.
pub fn read_for(input: impl BufRead, mappings: &[[&Layout; 2]]) -> io::Result<Vec<Accounts>> {
    let layouts: Vec<&Layout> = mappings.iter().flatten().copied().collect();
    let mut reader = Reader {
        shape: Shape::new(&layouts),
        layouts,
        found: Found::default(),
        out: Accounts::default(),
        others: mappings
            .iter()
            .skip(1)
            .map(|_| Accounts::default())
            .collect(),
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
    let mut all = vec![reader.out];
    for mut other in reader.others {
        other.read = all[0].read;
        other.problems.clone_from(&all[0].problems);
        all.push(other);
    }
    Ok(all)
}

struct Reader<'l> {
    /// The layouts of each mapping: users', groups', in turn.
    layouts: Vec<&'l Layout>,
    /// What is read of each resource, and the values read of the current one.
    shape: Shape,
    found: Found,
    /// The accounts of the first mapping (with the problems and counts), and of the others.
    out: Accounts,
    others: Vec<Accounts>,
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
            Ok(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) if text.starts_with('[') => match raw::elements(text) {
                    Ok(items) => {
                        for item in items {
                            self.value(item.get(), line);
                        }
                    }
                    Err(e) => {
                        self.out.read += 1;
                        self.problem(line, super::json::error_message(&e, line));
                    }
                },
                Ok(text) => {
                    if let Err(e) = self.shape.read(text, &mut self.found) {
                        self.out.read += 1;
                        self.problem(line, super::json::error_message(&e, line));
                    } else {
                        self.object(text, line);
                    }
                }
                Err(_) => {
                    self.out.read += 1;
                    self.problem(line, "the document is not valid UTF-8".to_owned());
                }
            },
            Err(message) => {
                self.out.read += 1;
                self.problem(line, message);
            }
        })
    }

    /// An element of a top-level array (valid JSON): a resource, a page, or an array of them.
    fn value(&mut self, text: &str, line: u64) {
        if text.starts_with('[') {
            for item in raw::elements(text).unwrap_or_default() {
                self.value(item.get(), line);
            }
        } else if self.shape.read(text, &mut self.found).is_ok() {
            self.object(text, line);
        } else {
            self.resource(None, (line, 0));
        }
    }

    /// The object `text` just read: a ListResponse page, or one resource.
    fn object(&mut self, text: &str, line: u64) {
        let Some(resources) = self.shape.own((text, &self.found), Own::Resources) else {
            return self.resource(Some(text), (line, 0));
        };
        let total = self
            .shape
            .own((text, &self.found), Own::TotalResults)
            .and_then(|t| t.trim().parse::<u64>().ok());
        let Some(resources) = resources
            .starts_with('[')
            .then(|| raw::elements(resources).ok())
            .flatten()
        else {
            self.out.read += 1;
            return self.problem(line, "`Resources` is not an array".to_owned());
        };
        if let Some(total) = total {
            self.total_results = Some(self.total_results.map_or(total, |t| t.max(total)));
        }
        self.listed += resources.len() as u64;
        for (at, resource) in resources.iter().enumerate() {
            let place = (line, u32::try_from(at + 1).unwrap_or(u32::MAX));
            let text = resource.get();
            let object = self.shape.read(text, &mut self.found).is_ok();
            self.resource(object.then_some(text), place);
        }
    }

    /// The resource `text` just read (`None`: a value that is not a JSON object).
    fn resource(&mut self, text: Option<&str>, (line, at): (u64, u32)) {
        self.out.read += 1;
        let place = if at > 0 {
            format!("resource {at} of the page: ")
        } else {
            String::new()
        };
        let Some(text) = text else {
            return self.problem(line, format!("{place}a resource that is not a JSON object"));
        };
        let (shape, found) = (&self.shape, (text, &self.found));
        let Some(id) = shape.own_text(found, Own::Id).filter(|id| !id.is_empty()) else {
            let what = shape
                .own_text(found, Own::UserName)
                .or_else(|| shape.own_text(found, Own::DisplayName))
                .map_or_else(String::new, |n| format!(" ({n})"));
            return self.problem(line, format!("{place}a resource{what} without an `id`"));
        };
        let kind = kind_of(shape, found);
        let index = match kind {
            ObjectKind::User => &self.out.users,
            ObjectKind::Group => &self.out.groups,
        };
        if let Some(first) = index.with_id(&id).map(|i| index.get(i).line) {
            return self.problem(
                line,
                format!(
                    "{place}the {} id `{id}` is also on line {first}: this copy is not used",
                    kind.as_str()
                ),
            );
        }
        let (shape, found) = (&self.shape, (text, &self.found));
        let group = usize::from(kind == ObjectKind::Group);
        let outs = std::iter::once(&mut self.out).chain(&mut self.others);
        for (mapping, out) in outs.enumerate() {
            let at_layout = 2 * mapping + group;
            let index = match kind {
                ObjectKind::User => &mut out.users,
                ObjectKind::Group => &mut out.groups,
            };
            index.insert(
                self.layouts[at_layout],
                |i| shape.value(found, at_layout, i),
                &id,
                (line, at),
            );
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
            let object = self.shape.read(&text, &mut self.found).is_ok();
            self.resource(object.then_some(text.as_str()), (line, 0));
        }
        Ok(())
    }
}

/// A group when its `schemas` name the core Group schema or `meta.resourceType` is `Group`
/// (each parsed only when its text has `group` in it).
fn kind_of(shape: &Shape, found: (&str, &Found)) -> ObjectKind {
    let mentions_group = |own: Own| {
        shape
            .own(found, own)
            .filter(|text| {
                text.as_bytes()
                    .windows(5)
                    .any(|w| w.eq_ignore_ascii_case(b"group"))
            })
            .map(|text| super::path::parse(text.as_bytes()))
    };
    let group_schema = mentions_group(Own::Schemas).is_some_and(|schemas| {
        schemas.as_array().is_some_and(|s| {
            s.iter().any(|v| {
                v.as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(scim::CORE_GROUP))
            })
        })
    });
    let group_type = mentions_group(Own::Meta).is_some_and(|meta| {
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
