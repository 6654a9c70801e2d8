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

use super::json::Walker;
use super::layout::Layout;
use super::path::{match_key_text, member, plain_str, scalar_text_of};
use super::raw::{self, Found, Own, Shape};
use crate::base::encoding::Utf8Stream;
use crate::expr::source::ObjectKind;
use crate::model::scim;
use crate::model::target_path::TargetPath;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
use std::collections::hash_map::Entry;
use std::io::{self, BufRead, Read};
use std::ops::Range;
use std::sync::Arc;

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

/// Accounts by the hash of a text (a matching key, an id), kept to 32 bits: the first account
/// with each, flagged when others follow, and the others apart (rare: about one account in
/// ten thousand of a million shares its 32 bits with another), so that an entry is 8 bytes.
/// A lookup checks the accounts' own values, so accounts that share a hash never mix.
#[derive(Debug, Default, Clone)]
struct Hits {
    first: FxHashMap<u32, u32>,
    more: FxHashMap<u32, Vec<u32>>,
}

impl Hits {
    /// The flag of a first account that others with the same hash follow.
    const MORE: u32 = 1 << 31;

    /// The 32 bits of a hash kept.
    fn short(hash: u64) -> u32 {
        (hash >> 32) as u32
    }

    fn add(&mut self, hash: u64, index: u32) {
        let hash = Self::short(hash);
        match self.first.entry(hash) {
            Entry::Vacant(vacant) => {
                vacant.insert(index);
            }
            Entry::Occupied(mut first) => {
                *first.get_mut() |= Self::MORE;
                self.more.entry(hash).or_default().push(index);
            }
        }
    }

    /// The first account with this hash, flagged when others follow.
    fn first(&self, hash: u64) -> Option<u32> {
        self.first.get(&Self::short(hash)).copied()
    }

    /// The accounts with this hash, in the order they were added.
    fn all(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let first = self.first(hash);
        let more = first
            .filter(|f| f & Self::MORE != 0)
            .and_then(|_| self.more.get(&Self::short(hash)))
            .map_or(&[][..], Vec::as_slice);
        first
            .map(|f| f & !Self::MORE)
            .into_iter()
            .chain(more.iter().copied())
    }
}

/// Whether a value (JSON text) has this [`super::path::match_key`]; a string without escapes
/// is compared without building its key.
fn key_is(text: &[u8], case_exact: bool, key: &str) -> bool {
    if let Some(inner) = plain_str(text) {
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
    let mut own = String::new();
    match_key_text(text, case_exact, &mut own) && own == key
}

/// The hash a text (a matching key, an id) is indexed by.
pub fn hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// The texts of the accounts, in blocks that are never moved once written (so that the index
/// grows without copying what it holds).
#[derive(Debug, Default, Clone)]
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
/// lookup checks the accounts' own values, so that two keys of the same hash never mix). The
/// accounts are shared by the indexes of mappings that read the same values of them
/// ([`Index::share`]); which accounts are matched is each index's own.
#[derive(Debug, Default)]
pub struct Index {
    data: Arc<Indexed>,
    matched: Vec<bool>,
}

/// What an [`Index`] holds of its accounts.
#[derive(Debug, Default, Clone)]
struct Indexed {
    slots: Vec<Slot>,
    arena: Arena,
    /// Every account's value ends, `fields` by account.
    ends: Vec<u32>,
    fields: usize,
    /// One map per matching field of the layout, in precedence order.
    keys: Vec<Hits>,
    /// The accounts by the hash of their id.
    ids: Hits,
    /// The matching fields (their index in the layout, and whether caseExact), in precedence
    /// order.
    matching: Vec<(usize, bool)>,
}

impl Index {
    /// The most accounts of one kind an index holds (an account's number has 31 bits).
    pub const MAX_ACCOUNTS: usize = Hits::MORE as usize - 1;

    /// The account at `index`.
    pub fn get(&self, index: u32) -> Account<'_> {
        self.data.get(index)
    }

    /// How to name an account: the value of its first matching attribute, else its `id`.
    pub fn label(&self, account: &Account<'_>) -> String {
        self.data
            .matching
            .iter()
            .find_map(|(at, _)| account.value_text(*at).and_then(scalar_text_of))
            .filter(|label| !label.is_empty())
            .unwrap_or_else(|| account.id.to_owned())
    }

    /// The accounts whose matching attribute of precedence rank `rank` (0: the first) has
    /// this key.
    pub fn lookup(&self, rank: usize, key: &str) -> Lookup {
        self.lookup_hashed(rank, key, hash(key))
    }

    /// [`Index::lookup`] of a key whose [`hash`] is known.
    pub fn lookup_hashed(&self, rank: usize, key: &str, hash: u64) -> Lookup {
        let (Some(hits), Some((field, case_exact))) =
            (self.data.keys.get(rank), self.data.matching.get(rank))
        else {
            return Lookup::None;
        };
        let mut same = hits.all(hash).filter(|i| {
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

    /// Reads what looking up these hashes of keys of precedence rank `rank` ([`hash`])
    /// will read, so that the lookups that follow find it in the cache: the reads of one step
    /// are independent, so the processor overlaps their cache misses, which one lookup after
    /// another cannot.
    pub fn warm(&self, rank: usize, hashes: &[u64]) {
        let (Some(hits), Some((field, _))) =
            (self.data.keys.get(rank), self.data.matching.get(rank))
        else {
            return;
        };
        let firsts: Vec<u32> = hashes
            .iter()
            .filter_map(|h| hits.first(*h).map(|i| i & !Hits::MORE))
            .collect();
        let mut touched = 0usize;
        for i in &firsts {
            touched ^= self
                .data
                .slots
                .get(*i as usize)
                .map_or(0, |s| s.start as usize);
        }
        // Then every cache line of the accounts' values (the matching value is compared
        // first, all of them when the object's values are).
        for i in &firsts {
            let account = self.get(*i);
            touched ^= account.value_text(*field).map_or(0, <[u8]>::len);
            for byte in account.values.as_bytes().iter().step_by(64) {
                touched ^= usize::from(*byte);
            }
        }
        std::hint::black_box(touched);
    }

    /// Marks an account as matched by an object.
    pub fn mark(&mut self, index: u32) {
        self.matched[index as usize] = true;
    }

    /// The accounts no object matched, in file order.
    pub fn orphans(&self) -> impl Iterator<Item = Account<'_>> {
        (0..self.data.slots.len() as u32)
            .filter(|i| !self.matched[*i as usize])
            .map(|i| self.get(i))
    }

    /// How many accounts.
    pub fn len(&self) -> usize {
        self.data.slots.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.data.slots.is_empty()
    }

    /// An empty index of accounts read for `layout`.
    fn for_layout(layout: &Layout) -> Index {
        let matching: Vec<(usize, bool)> = layout
            .matching_fields()
            .map(|(at, f)| (at, f.case_exact))
            .collect();
        Index {
            data: Arc::new(Indexed {
                fields: layout.fields.len(),
                keys: vec![Hits::default(); matching.len()],
                matching,
                ..Indexed::default()
            }),
            matched: Vec::new(),
        }
    }

    /// The same accounts, none matched yet: the index of another mapping that reads the same
    /// values of them ([`Layout::reads_as`]).
    fn share(&self) -> Index {
        Index {
            data: Arc::clone(&self.data),
            matched: vec![false; self.matched.len()],
        }
    }

    /// The accounts, to add to, and their marks (the accounts are shared only once they are
    /// all read: no copy is made here).
    fn parts_mut(&mut self) -> (&mut Indexed, &mut Vec<bool>) {
        (Arc::make_mut(&mut self.data), &mut self.matched)
    }
}

impl Indexed {
    /// The account at `index`.
    fn get(&self, index: u32) -> Account<'_> {
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

    /// Takes `id` for the account pushed next, unless an account has it already: then that
    /// account's line. One probe of the ids, unless another id has the same hash.
    fn claim_id(&mut self, id: &str) -> Result<(), u64> {
        let hash = hash(id);
        let index = self.slots.len() as u32;
        if let Entry::Vacant(vacant) = self.ids.first.entry(Hits::short(hash)) {
            vacant.insert(index);
            return Ok(());
        }
        let same = self.ids.all(hash).find(|i| self.get(*i).id == id);
        if let Some(first) = same {
            return Err(self.get(first).line);
        }
        self.ids.add(hash, index);
        Ok(())
    }

    /// Adds an account prepared by [`prepare`].
    fn push(&mut self, id: &str, prepared: Prepared<'_>, (line, at): (u64, u32)) {
        let index = self.slots.len() as u32;
        for (hits, key) in self.keys.iter_mut().zip(prepared.keys) {
            if let Some(key) = key {
                hits.add(*key, index);
            }
        }
        let (block, start) = self.arena.push([id, prepared.values]);
        self.slots.push(Slot {
            block,
            start,
            id_len: id.len() as u32,
            values_len: prepared.values.len() as u32,
            line,
            resource: at,
        });
        self.ends.extend_from_slice(prepared.ends);
    }
}

/// An account's values written as its index keeps them, where [`prepare`] wrote them.
#[derive(Debug, Clone, Copy)]
struct Prepared<'p> {
    /// The values, one compact JSON array.
    values: &'p str,
    /// Where each ends in `values`.
    ends: &'p [u32],
    /// The hash of each matching field's key (`None`: no value).
    keys: &'p [Option<u64>],
}

/// Writes the values of one resource (field `i` has `value(i)`, a JSON text) as an index of
/// `layout` keeps them: the array to `text`, the ends to `ends`, the hashes of the matching
/// keys to `keys`.
fn prepare<'v>(
    layout: &Layout,
    value: impl Fn(usize) -> Option<&'v str>,
    (text, ends, keys): (&mut String, &mut Vec<u32>, &mut Vec<Option<u64>>),
    key: &mut String,
) {
    let start = text.len();
    let first_end = ends.len();
    text.push('[');
    for i in 0..layout.fields.len() {
        if i > 0 {
            text.push(',');
        }
        match value(i) {
            Some(raw) => raw::write_compact(text, raw),
            None => text.push_str("null"),
        }
        ends.push(u32::try_from(text.len() - start).unwrap_or(u32::MAX));
    }
    text.push(']');
    let ends = &ends[first_end..];
    for (field_at, field) in layout.matching_fields() {
        let from = match field_at {
            0 => 1,
            _ => ends[field_at - 1] as usize + 1,
        };
        let value = &text.as_bytes()[start + from..start + ends[field_at] as usize];
        keys.push(match_key_text(value, field.case_exact, key).then(|| hash(key)));
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

impl Accounts {
    /// The accounts of one kind.
    pub fn of_kind(&self, kind: ObjectKind) -> &Index {
        match kind {
            ObjectKind::User => &self.users,
            ObjectKind::Group => &self.groups,
        }
    }

    /// The accounts of one kind, to mark those matched.
    pub(super) fn of_kind_mut(&mut self, kind: ObjectKind) -> &mut Index {
        match kind {
            ObjectKind::User => &mut self.users,
            ObjectKind::Group => &mut self.groups,
        }
    }
}

/// Reads an accounts file, keeping of each resource what the layouts compare.
pub fn read(input: impl BufRead, users: &Layout, groups: &Layout) -> io::Result<Accounts> {
    let mut all = read_for(input, &[[users, groups]])?;
    Ok(all.pop().unwrap_or_default())
}

/// Reads an accounts file once for several mappings (the old and the new of a change): one
/// [`Accounts`] for each mapping's users' and groups' layouts, with the same problems.
///
/// JSON documents are split on the calling thread and read by batches on a thread pool (each
/// resource's values written as the indexes keep them, [`Parser`]); the indexes are filled on
/// the calling thread in file order ([`Indexer`]), so that of two accounts with one id the
/// first is kept, whatever the number of threads.
pub fn read_for(input: impl BufRead, mappings: &[[&Layout; 2]]) -> io::Result<Vec<Accounts>> {
    // A mapping that reads the same values as an earlier one shares its accounts.
    let same_as: Vec<Option<usize>> = mappings
        .iter()
        .enumerate()
        .map(|(at, [users, groups])| {
            mappings[..at]
                .iter()
                .position(|[u, g]| users.reads_as(u) && groups.reads_as(g))
        })
        .collect();
    let distinct: Vec<[&Layout; 2]> = mappings
        .iter()
        .zip(&same_as)
        .filter(|(_, same)| same.is_none())
        .map(|(pair, _)| *pair)
        .collect();
    let mut read = read_distinct(input, &distinct, LINES_BYTES)?.into_iter();
    let mut all: Vec<Accounts> = Vec::with_capacity(mappings.len());
    for same in same_as {
        let accounts = match same {
            None => read.next().unwrap_or_default(),
            Some(earlier) => {
                let earlier = &all[earlier];
                Accounts {
                    users: earlier.users.share(),
                    groups: earlier.groups.share(),
                    read: earlier.read,
                    problems: earlier.problems.clone(),
                }
            }
        };
        all.push(accounts);
    }
    Ok(all)
}

/// [`read_for`] of mappings that each read other values, JSON lines sent to the threads by
/// blocks of at least `block` bytes.
fn read_distinct(
    input: impl BufRead,
    mappings: &[[&Layout; 2]],
    block: usize,
) -> io::Result<Vec<Accounts>> {
    let layouts: Vec<&Layout> = mappings.iter().flatten().copied().collect();
    let shape = Shape::new(&layouts);
    let parser = Parser {
        shape: &shape,
        layouts: &layouts,
    };
    let mut indexer = Indexer {
        outs: mappings
            .iter()
            .map(|[users, groups]| Accounts {
                users: Index::for_layout(users),
                groups: Index::for_layout(groups),
                ..Accounts::default()
            })
            .collect(),
        total_results: None,
        listed: 0,
    };
    // UTF-16 with a byte order mark (as Windows PowerShell writes a file) is read as UTF-8.
    let mut input = Utf8Stream::new(input)?;
    match super::json::first_byte(&mut input)? {
        None => {}
        Some(b'{' | b'[') => json(input, &parser, &mut indexer, block)?,
        Some(_) => csv(input, &parser, &mut indexer)?,
    }
    if let Some(total) = indexer.total_results.filter(|t| *t > indexer.listed) {
        let listed = indexer.listed;
        indexer.problem(
            0,
            format!(
                "the pages list {listed} resources of the {total} their `totalResults` announces: pages are missing or cut off"
            ),
        );
    }
    let mut all = indexer.outs;
    if let Some((first, others)) = all.split_first_mut() {
        for other in others {
            other.read = first.read;
            other.problems.clone_from(&first.problems);
        }
    }
    Ok(all)
}

/// Documents of an accounts file read together: their bytes one after another, each with its
/// first line (or why it could not be split out).
#[derive(Debug, Default)]
struct Batch {
    data: Vec<u8>,
    documents: Vec<(Result<Range<usize>, String>, u64)>,
}

impl Batch {
    /// A batch is sent to be read once it holds this many bytes or documents.
    const BYTES: usize = 1 << 20;
    const DOCUMENTS: usize = 1024;

    fn push(&mut self, document: Result<&[u8], String>, line: u64) {
        let document = document.map(|bytes| {
            let start = self.data.len();
            self.data.extend_from_slice(bytes);
            start..self.data.len()
        });
        self.documents.push((document, line));
    }

    fn is_full(&self) -> bool {
        self.data.len() >= Self::BYTES || self.documents.len() >= Self::DOCUMENTS
    }
}

/// What a [`Parser`] made of some documents, in file order: the resources' ids and values
/// written as the indexes keep them, and the problems.
#[derive(Debug, Default)]
struct Parsed {
    /// Ids and values.
    text: String,
    ends: Vec<u32>,
    keys: Vec<Option<u64>>,
    /// For each resource and mapping: its values in `text`, where its ends and keys start.
    prepared: Vec<(Range<usize>, usize, usize)>,
    items: Vec<Item>,
    /// The bytes of the documents read.
    bytes: usize,
    /// A buffer for the matching keys written.
    key: String,
    /// For [`Job::Lines`]: its bytes (given back, to be reused or split again), and the line
    /// breaks read, or where a document its lines leave open starts.
    lines: Option<(Vec<u8>, Result<u64, Open>)>,
}

/// Where a document left open by the end of a block starts: its offset and line (from 1).
type Open = (usize, u64);

impl Parsed {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.keys.clear();
        self.prepared.clear();
        self.items.clear();
        self.bytes = 0;
        self.lines = None;
    }
}

/// A piece of an accounts file read on a thread of the pool.
enum Job {
    /// Whole lines, split into documents on the thread (and counted from 1 there).
    Lines(Vec<u8>),
    /// Documents split on the calling thread.
    Documents(Batch),
}

impl Job {
    fn len(&self) -> usize {
        match self {
            Job::Lines(data) => data.len(),
            Job::Documents(batch) => batch.data.len(),
        }
    }
}

/// One thing read, in file order.
#[derive(Debug)]
enum Item {
    /// A document or resource that cannot be read, or is refused (each counts as read).
    Problem(u64, String),
    /// A document that is not JSON (counts as read): serde_json's error, whose line is
    /// counted from the document's.
    Invalid(u64, serde_json::Error),
    /// A ListResponse page: its `totalResults` and how many resources it lists.
    Page(Option<u64>, u64),
    /// A resource: its kind, its id in [`Parsed::text`], its line and place in its page, and
    /// where its values for the first mapping are in [`Parsed::prepared`].
    Resource {
        kind: ObjectKind,
        id: Range<usize>,
        place: (u64, u32),
        prepared: usize,
    },
}

/// "resource N of the page: " for a resource of a ListResponse page.
fn place_text(at: u32) -> String {
    if at > 0 {
        format!("resource {at} of the page: ")
    } else {
        String::new()
    }
}

/// Reads documents into [`Parsed`]: shared by the threads of [`json`].
struct Parser<'s> {
    shape: &'s Shape,
    /// The layouts of each mapping: users', groups', in turn.
    layouts: &'s [&'s Layout],
}

impl Parser<'_> {
    fn run(&self, job: Job, found: &mut Found, out: &mut Parsed) {
        out.bytes = job.len();
        match job {
            Job::Lines(data) => {
                let read = self.lines(&data, found, out);
                out.lines = Some((data, read));
            }
            Job::Documents(batch) => self.batch(&batch, found, out),
        }
    }

    /// Splits whole lines into documents, as [`super::json::raw_documents`] does, and reads
    /// them, counting lines from 1: a resource the strict scanner reads
    /// ([`Shape::read_prefix`]) ends where the scan does, any other document where [`Walker`]
    /// says. Returns the line breaks read, or where a document the lines leave open starts.
    fn lines(&self, data: &[u8], found: &mut Found, out: &mut Parsed) -> Result<u64, Open> {
        let text = std::str::from_utf8(data).ok();
        let (mut at, mut line) = (0, 1);
        while let Some(&b) = data.get(at) {
            match b {
                b'\n' => line += 1,
                b'{' | b'[' => {
                    let scanned = text
                        .filter(|_| b == b'{')
                        .and_then(|text| text.get(at..))
                        .and_then(|doc| {
                            let (len, newlines) = self.shape.read_prefix(doc, found)?;
                            Some((&doc[..len], newlines))
                        });
                    let too_long = |len: usize| len > super::json::MAX_DOCUMENT_BYTES;
                    let (len, newlines) = match scanned {
                        Some((doc, newlines)) if !too_long(doc.len()) => {
                            self.object(doc, line, found, out);
                            (doc.len(), newlines)
                        }
                        _ => {
                            let Some(len) = Walker::default().walk(&data[at..]) else {
                                return Err((at, line));
                            };
                            let doc = &data[at..at + len];
                            if too_long(len) {
                                out.items
                                    .push(Item::Problem(line, super::json::too_long_message()));
                            } else {
                                self.document(doc, line, found, out);
                            }
                            (len, memchr::memchr_iter(b'\n', doc).count() as u64)
                        }
                    };
                    line += newlines;
                    at += len;
                    continue;
                }
                b',' => {}
                b if b.is_ascii_whitespace() => {}
                _ => {
                    let problem = super::json::UNEXPECTED_TEXT.to_owned();
                    out.items.push(Item::Problem(line, problem));
                    at = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |k| at + k);
                    continue;
                }
            }
            at += 1;
        }
        Ok(line - 1)
    }

    fn batch(&self, batch: &Batch, found: &mut Found, out: &mut Parsed) {
        for (document, line) in &batch.documents {
            match document {
                Ok(range) => self.document(&batch.data[range.clone()], *line, found, out),
                Err(message) => out.items.push(Item::Problem(*line, message.clone())),
            }
        }
    }

    /// A top-level document: a resource, a page, or an array of them.
    fn document(&self, bytes: &[u8], line: u64, found: &mut Found, out: &mut Parsed) {
        let invalid = match std::str::from_utf8(bytes) {
            Ok(text) if text.starts_with('[') => match raw::elements(text) {
                Ok(items) => {
                    for item in items {
                        self.value(item.get(), line, found, out);
                    }
                    return;
                }
                Err(e) => e,
            },
            Ok(text) => match self.shape.read(text, found) {
                Ok(()) => return self.object(text, line, found, out),
                Err(e) => e,
            },
            Err(_) => {
                let problem = "the document is not valid UTF-8".to_owned();
                return out.items.push(Item::Problem(line, problem));
            }
        };
        out.items.push(Item::Invalid(line, invalid));
    }

    /// An element of a top-level array (valid JSON): a resource, a page, or an array of them.
    fn value(&self, text: &str, line: u64, found: &mut Found, out: &mut Parsed) {
        if text.starts_with('[') {
            for item in raw::elements(text).unwrap_or_default() {
                self.value(item.get(), line, found, out);
            }
        } else if self.shape.read(text, found).is_ok() {
            self.object(text, line, found, out);
        } else {
            self.resource(None, (line, 0), found, out);
        }
    }

    /// The object `text` just read into `found`: a ListResponse page, or one resource.
    fn object(&self, text: &str, line: u64, found: &mut Found, out: &mut Parsed) {
        let Some(resources) = self.shape.own((text, found), Own::Resources) else {
            return self.resource(Some(text), (line, 0), found, out);
        };
        let total = self
            .shape
            .own((text, found), Own::TotalResults)
            .and_then(|t| t.trim().parse::<u64>().ok());
        let Some(resources) = resources
            .starts_with('[')
            .then(|| raw::elements(resources).ok())
            .flatten()
        else {
            let problem = "`Resources` is not an array".to_owned();
            return out.items.push(Item::Problem(line, problem));
        };
        out.items.push(Item::Page(total, resources.len() as u64));
        for (at, resource) in resources.iter().enumerate() {
            let place = (line, u32::try_from(at + 1).unwrap_or(u32::MAX));
            let text = resource.get();
            let object = self.shape.read(text, found).is_ok();
            self.resource(object.then_some(text), place, found, out);
        }
    }

    /// The resource `text` just read into `found` (`None`: a value that is not a JSON
    /// object).
    fn resource(&self, text: Option<&str>, place: (u64, u32), found: &Found, out: &mut Parsed) {
        let (line, at) = place;
        let Some(text) = text else {
            let problem = format!("{}a resource that is not a JSON object", place_text(at));
            return out.items.push(Item::Problem(line, problem));
        };
        let (shape, read) = (self.shape, (text, found));
        let Some(id) = shape.own_text(read, Own::Id).filter(|id| !id.is_empty()) else {
            let what = shape
                .own_text(read, Own::UserName)
                .or_else(|| shape.own_text(read, Own::DisplayName))
                .map_or_else(String::new, |n| format!(" ({n})"));
            let problem = format!("{}a resource{what} without an `id`", place_text(at));
            return out.items.push(Item::Problem(line, problem));
        };
        let kind = kind_of(shape, read);
        let id_start = out.text.len();
        out.text.push_str(&id);
        let prepared = out.prepared.len();
        let group = usize::from(kind == ObjectKind::Group);
        for layout_at in (group..self.layouts.len()).step_by(2) {
            let (start, ends, keys) = (out.text.len(), out.ends.len(), out.keys.len());
            prepare(
                self.layouts[layout_at],
                |i| shape.value(read, layout_at, i),
                (&mut out.text, &mut out.ends, &mut out.keys),
                &mut out.key,
            );
            out.prepared.push((start..out.text.len(), ends, keys));
        }
        out.items.push(Item::Resource {
            kind,
            id: id_start..id_start + id.len(),
            place,
            prepared,
        });
    }
}

/// Fills the indexes, in file order.
struct Indexer {
    /// The accounts of each mapping (the first one's counts and problems are the file's).
    outs: Vec<Accounts>,
    /// The largest `totalResults` of the pages, and the resources they list.
    total_results: Option<u64>,
    listed: u64,
}

impl Indexer {
    fn problem(&mut self, line: u64, message: String) {
        if let Some(first) = self.outs.first_mut() {
            first.problems.push(AccountProblem { line, message });
        }
    }

    /// Indexes what a job read; its lines are counted from `base` + 1.
    fn index(&mut self, parsed: &Parsed, base: u64) {
        let Indexer {
            outs,
            total_results,
            listed,
        } = self;
        let (mut problems, mut read) = (Vec::new(), 0);
        // Each mapping's indexes of users and groups, and their marks.
        let mut indexes: Vec<[(&mut Indexed, &mut Vec<bool>); 2]> = outs
            .iter_mut()
            .map(|out| [out.users.parts_mut(), out.groups.parts_mut()])
            .collect();
        for item in &parsed.items {
            match item {
                Item::Problem(line, message) => {
                    read += 1;
                    problems.push((base + line, message.clone()));
                }
                Item::Invalid(line, error) => {
                    read += 1;
                    let line = base + line;
                    problems.push((line, super::json::error_message(error, line)));
                }
                Item::Page(total, more) => {
                    if let Some(total) = *total {
                        *total_results = Some(total_results.map_or(total, |t| t.max(total)));
                    }
                    *listed += more;
                }
                Item::Resource {
                    kind,
                    id,
                    place,
                    prepared,
                } => {
                    read += 1;
                    let (line, at) = (base + place.0, place.1);
                    let id = &parsed.text[id.clone()];
                    let kind_at = usize::from(*kind == ObjectKind::Group);
                    let full = indexes
                        .first()
                        .is_some_and(|i| i[kind_at].0.slots.len() >= Index::MAX_ACCOUNTS);
                    let refused = if full {
                        let most = Index::MAX_ACCOUNTS;
                        Some(format!(
                            "over {most} {} accounts: this one is not used",
                            kind.as_str()
                        ))
                    } else {
                        // The mappings' indexes take the same ids: the first one's answer is
                        // theirs.
                        let mut claims = indexes.iter_mut().map(|i| i[kind_at].0.claim_id(id));
                        let claimed = claims.next();
                        claims.for_each(drop);
                        claimed.and_then(Result::err).map(|first| {
                            format!(
                                "the {} id `{id}` is also on line {first}: this copy is not used",
                                kind.as_str()
                            )
                        })
                    };
                    if let Some(why) = refused {
                        problems.push((line, format!("{}{why}", place_text(at))));
                        continue;
                    }
                    for (mapping, index) in indexes.iter_mut().enumerate() {
                        let (accounts, matched) = &mut index[kind_at];
                        let (values, ends, keys) = &parsed.prepared[prepared + mapping];
                        let prepared = Prepared {
                            values: &parsed.text[values.clone()],
                            ends: &parsed.ends[*ends..ends + accounts.fields],
                            keys: &parsed.keys[*keys..keys + accounts.matching.len()],
                        };
                        accounts.push(id, prepared, (line, at));
                        matched.push(false);
                    }
                }
            }
        }
        drop(indexes);
        if let Some(first) = outs.first_mut() {
            first.read += read;
            first.problems.extend(
                problems
                    .into_iter()
                    .map(|(line, message)| AccountProblem { line, message }),
            );
        }
    }
}

/// The bytes of documents read and not yet indexed beyond which no batch is sent (but one).
const MAX_OUT_BYTES: usize = 32 << 20;

/// The bytes of whole lines sent to a thread at once.
const LINES_BYTES: usize = 1 << 20;

/// Reads JSON documents on a thread pool, indexed here in file order. Whole lines go to the
/// threads, a block at a time, and are split into documents there ([`Parser::lines`]); from
/// the first block that ends inside a document (a document over several lines, as a page
/// printed with indents), the rest is split here and sent by batches of documents.
fn json(
    mut input: impl BufRead,
    parser: &Parser<'_>,
    indexer: &mut Indexer,
    block: usize,
) -> io::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(io::Error::other)?;
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Parsed)>();
    let limit = (threads * 3) as u64;
    pool.in_place_scope(|scope| -> io::Result<()> {
        let mut queue = Queue {
            rx,
            sent: 0,
            indexed: 0,
            out_bytes: 0,
            done: Default::default(),
            line: 1,
            carry: None,
            spare: Vec::new(),
            spare_lines: Vec::new(),
        };
        let send = |job: Job, queue: &mut Queue| {
            let tx = tx.clone();
            let seq = queue.sent;
            queue.sent += 1;
            queue.out_bytes += job.len();
            let mut parsed = queue.spare.pop().unwrap_or_default();
            scope.spawn(move |_| {
                parser.run(job, &mut Found::default(), &mut parsed);
                let _ = tx.send((seq, parsed));
            });
        };
        // Whole lines, split on the threads while every block ends between documents; the
        // first block is read alone, so that a file of pages printed with indents is not read
        // in blocks at all.
        let mut pending = Vec::new();
        loop {
            let mut data = queue.spare_lines.pop().unwrap_or_default();
            data.clear();
            data.append(&mut pending);
            let (end, cut) = read_lines(&mut input, &mut data, block)?;
            if let Some(cut) = cut {
                pending.extend_from_slice(&data[cut..]);
                data.truncate(cut);
            }
            if end == LinesEnd::TooLong {
                queue.catch_up(0, indexer)?;
                let line = queue.line;
                queue.carry_on(&data, line);
                break;
            }
            if !data.is_empty() {
                send(Job::Lines(data), &mut queue);
            }
            queue.catch_up(if queue.indexed == 0 { 0 } else { limit }, indexer)?;
            if end == LinesEnd::File || queue.carry.is_some() {
                break;
            }
        }
        queue.catch_up(0, indexer)?;
        let Some((carry, first_line)) = queue.carry.take() else {
            return Ok(());
        };
        // The rest, split here: what the blocks left open, then the rest of the file.
        let rest = (&carry[..]).chain(&pending[..]).chain(input);
        let mut batch = Batch::default();
        let mut failed = None;
        super::json::raw_documents_from(rest, first_line, |document, line| {
            if failed.is_some() {
                return;
            }
            batch.push(document, line);
            if batch.is_full() {
                send(Job::Documents(std::mem::take(&mut batch)), &mut queue);
                failed = queue.catch_up(limit, indexer).err();
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        if !batch.documents.is_empty() {
            send(Job::Documents(batch), &mut queue);
        }
        queue.catch_up(0, indexer)
    })
}

/// How [`read_lines`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinesEnd {
    /// A block is read.
    Block,
    /// The end of the file.
    File,
    /// A line over [`super::json::MAX_DOCUMENT_BYTES`].
    TooLong,
}

/// Reads into `data` (after what it holds) until it holds at least `block` bytes and a line
/// break, or to the end of the file; returns how it stopped and where the whole lines end
/// (`None`: at the end of `data`).
fn read_lines(
    input: &mut impl BufRead,
    data: &mut Vec<u8>,
    block: usize,
) -> io::Result<(LinesEnd, Option<usize>)> {
    let mut want = block.max(1);
    loop {
        let mut filled = data.len();
        if filled < want {
            data.resize(want, 0);
            while filled < want {
                match input.read(&mut data[filled..]) {
                    Ok(0) => {
                        data.truncate(filled);
                        return Ok((LinesEnd::File, None));
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        data.truncate(filled);
                        return Err(e);
                    }
                }
            }
        }
        if let Some(last) = memchr::memrchr(b'\n', data) {
            return Ok((LinesEnd::Block, Some(last + 1)));
        }
        if data.len() > super::json::MAX_DOCUMENT_BYTES {
            return Ok((LinesEnd::TooLong, None));
        }
        want = data.len() * 2;
    }
}

/// The jobs sent to the pool and not indexed yet: indexed in file order as they come back.
struct Queue {
    rx: std::sync::mpsc::Receiver<(u64, Parsed)>,
    sent: u64,
    indexed: u64,
    /// The bytes of the jobs sent and not indexed yet.
    out_bytes: usize,
    done: std::collections::BTreeMap<u64, Parsed>,
    /// The line the next block of lines starts on.
    line: u64,
    /// The text still to be split on the calling thread, and its first line: from the start
    /// of the document a block left open, every block read after it.
    carry: Option<(Vec<u8>, u64)>,
    /// Buffers given back, for the next jobs.
    spare: Vec<Parsed>,
    spare_lines: Vec<Vec<u8>>,
}

impl Queue {
    /// Indexes what is read, in order; waits while more than `limit` jobs are out, or more
    /// than [`MAX_OUT_BYTES`] of them (one job always goes: a page can be large).
    fn catch_up(&mut self, limit: u64, indexer: &mut Indexer) -> io::Result<()> {
        while self.sent - self.indexed > limit
            || (self.out_bytes > MAX_OUT_BYTES && self.sent - self.indexed > 1)
        {
            let (seq, parsed) = self
                .rx
                .recv()
                .map_err(|_| io::Error::other("a reader thread stopped"))?;
            self.done.insert(seq, parsed);
            while let Some(parsed) = self.done.remove(&self.indexed) {
                self.indexed += 1;
                self.out_bytes -= parsed.bytes;
                self.take(parsed, indexer);
            }
        }
        Ok(())
    }

    /// One job's result, the next in file order. Once a block has ended inside a document,
    /// the blocks after it were split from a wrong start: their text is carried on instead.
    fn take(&mut self, mut parsed: Parsed, indexer: &mut Indexer) {
        match parsed.lines.take() {
            Some((data, _)) if self.carry.is_some() => self.carry_on(&data, 0),
            Some((data, read)) => {
                let base = self.line - 1;
                indexer.index(&parsed, base);
                match read {
                    Ok(newlines) => self.line += newlines,
                    Err((start, line)) => self.carry_on(&data[start..], base + line),
                }
                self.spare_lines.push(data);
            }
            None => indexer.index(&parsed, 0),
        }
        parsed.clear();
        self.spare.push(parsed);
    }

    /// Adds text to be split on the calling thread (`line`: its first line, if it is the
    /// first).
    fn carry_on(&mut self, text: &[u8], line: u64) {
        match &mut self.carry {
            Some((carry, _)) => carry.extend_from_slice(text),
            None => self.carry = Some((text.to_vec(), line)),
        }
    }
}

/// A CSV whose header names SCIM attribute paths (`id`, `userName`,
/// `emails[type eq "work"].value`, ...): one user account a row, read as the JSON resource it
/// stands for.
fn csv(input: impl BufRead, parser: &Parser<'_>, indexer: &mut Indexer) -> io::Result<()> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            indexer.problem(1, format!("cannot read the CSV header: {e}"));
            return Ok(());
        }
    };
    let paths: Vec<Option<TargetPath>> = headers
        .iter()
        .map(|h| crate::model::target_path::parse(h.trim()).ok())
        .collect();
    let mut found = Found::default();
    let mut parsed = Parsed::default();
    for (i, record) in reader.records().enumerate() {
        // The reader's own position (a quoted cell can span lines); a row without one is
        // counted one line a row after the header.
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position.map_or(i as u64 + 2, csv::Position::line);
        parsed.clear();
        match record {
            Ok(record) => {
                let mut resource = Value::Object(Default::default());
                for (path, cell) in paths.iter().zip(record.iter()) {
                    if let (Some(path), false) = (path, cell.is_empty()) {
                        set_at(&mut resource, path, Value::String(cell.to_owned()));
                    }
                }
                let text = resource.to_string();
                let object = parser.shape.read(&text, &mut found).is_ok();
                parser.resource(
                    object.then_some(text.as_str()),
                    (line, 0),
                    &found,
                    &mut parsed,
                );
            }
            Err(e) => parsed
                .items
                .push(Item::Problem(line, format!("cannot read the row: {e}"))),
        }
        indexer.index(&parsed, 0);
    }
    Ok(())
}

/// A group when its `schemas` name the core Group schema or `meta.resourceType` is `Group`
/// (each parsed only when its text has `group` in it).
fn kind_of(shape: &Shape, found: (&str, &Found)) -> ObjectKind {
    let mentions_group = |own: Own| {
        shape
            .own(found, own)
            .filter(|text| {
                let bytes = text.as_bytes();
                memchr::memchr2_iter(b'g', b'G', bytes).any(|at| {
                    bytes
                        .get(at..at + 5)
                        .is_some_and(|w| w.eq_ignore_ascii_case(b"group"))
                })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::layout::Field;
    use crate::model::target_path::parse;

    fn layout() -> Layout {
        let mut layout = Layout::default();
        layout.fields = vec![Field {
            target: "userName".to_owned(),
            path: parse("userName").unwrap_or_else(|e| panic!("{e:?}")),
            case_exact: false,
            precedence: None,
            on_update: true,
            members: false,
            mapping: 0,
        }];
        layout
    }

    /// Many batches read on several threads are indexed in file order: the first of two
    /// accounts with one id is kept, every problem is at its line.
    #[test]
    fn batches_are_indexed_in_file_order() {
        let mut text = String::new();
        for i in 0..5000 {
            if i == 2500 {
                text.push_str("{\"id\": \"bad\" x}\n");
                continue;
            }
            text.push_str(&format!("{{\"id\": \"a{i}\", \"userName\": \"U{i}\"}}\n"));
        }
        text.push_str("{\"id\": \"a7\", \"userName\": \"again\"}\n");
        let users = layout();
        let accounts =
            read(text.as_bytes(), &users, &Layout::default()).unwrap_or_else(|e| panic!("{e}"));
        // Line 2501 is not JSON; the copy of a7 (line 5001) is refused.
        assert_eq!(accounts.users.len(), 4999);
        assert_eq!(accounts.read, 5001);
        let lines: Vec<u64> = accounts.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2501, 5001], "{:?}", accounts.problems);
        assert!(accounts.problems[1].message.contains("also on line 8"));
        let first = accounts.users.get(7);
        assert_eq!((first.id, first.value(0)), ("a7", Value::from("U7")));
        assert_eq!(accounts.users.get(4998).id, "a4999");
    }

    /// Two mappings that read the same values share one copy of the accounts, each marking
    /// its own matches; another layout gets its own.
    #[test]
    fn mappings_reading_the_same_values_share_the_accounts() {
        let text = "{\"id\": \"1\", \"userName\": \"a\"}\n{\"id\": \"2\", \"userName\": \"b\"}\n";
        let (same, other, none) = (layout(), layout(), Layout::default());
        let mut all = read_for(
            text.as_bytes(),
            &[[&same, &none], [&other, &none], [&none, &none]],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(Arc::ptr_eq(&all[0].users.data, &all[1].users.data));
        assert!(!Arc::ptr_eq(&all[0].users.data, &all[2].users.data));
        all[0].users.mark(0);
        assert_eq!(all[0].users.orphans().count(), 1);
        assert_eq!(all[1].users.orphans().count(), 2);
        assert_eq!(all[2].users.get(1).value_text(0), None);
        assert_eq!(all[1].users.get(1).value(0), Value::from("b"));
    }

    /// A CSV row that cannot be read is reported at its own line, after a cell that spans
    /// two lines.
    #[test]
    fn csv_rows_are_located_by_the_reader() {
        let mut text = b"id,userName\n1,\"a\nb\"\n".to_vec();
        text.extend_from_slice(b"\xff,c\n2,d\n");
        let accounts =
            read(&text[..], &layout(), &Layout::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(accounts.users.len(), 2);
        let lines: Vec<u64> = accounts.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4], "{:?}", accounts.problems);
        assert_eq!(accounts.users.get(1).line, 5);
    }

    /// The accounts read (id, line, place in the page, value), the problems and the count.
    type Read = (Vec<(String, u64, u32, Value)>, Vec<AccountProblem>, u64);

    /// What an accounts file is read as, blocks of `block` bytes at least.
    fn read_in_blocks(text: &[u8], block: usize) -> Read {
        let users = layout();
        let mut all = read_distinct(text, &[[&users, &Layout::default()]], block)
            .unwrap_or_else(|e| panic!("{e}"));
        let accounts = all.pop().unwrap_or_default();
        let index = (0..accounts.users.len() as u32)
            .map(|i| {
                let a = accounts.users.get(i);
                (a.id.to_owned(), a.line, a.resource, a.value(0))
            })
            .collect();
        (index, accounts.problems, accounts.read)
    }

    proptest::proptest! {
        /// Any file made of pieces of accounts files (resources on a line, pages over
        /// several lines, text that is not JSON, cut-off documents) is read the same in blocks
        /// of any size.
        #[test]
        fn blocks_of_any_size_read_the_same(
            pieces in proptest::collection::vec(0usize..PIECES.len(), 0..40),
            block in 1usize..200,
        ) {
            let text: String = pieces.iter().map(|p| PIECES[*p]).collect();
            proptest::prop_assert_eq!(
                read_in_blocks(text.as_bytes(), block),
                read_in_blocks(text.as_bytes(), 1 << 20)
            );
        }
    }

    /// The pieces [`blocks_of_any_size_read_the_same`] joins.
    const PIECES: &[&str] = &[
        "{\"id\": \"a\", \"userName\": \"A\"}\n",
        "{\"id\": \"b\", \"userName\": \"B\\u00e9\"} {\"id\": \"c\"}\n",
        "{\n  \"Resources\": [\n    {\"id\": \"p\", \"userName\": \"P\"}\n  ],\n  \"totalResults\": 1\n}\n",
        "[{\"id\": \"r\"},\n{\"id\": \"a\"}]\n",
        "not json\n",
        "{\"id\": \"x\" oops}\n",
        "\n , \n",
        "{\"id\": \"open\", \"userName\": [",
        "\"}\"]}\n",
        "{\"id\": \"q\", \"userName\": \"Q\"}",
    ];

    /// Whole lines read by blocks on the threads give what a single block gives, wherever the
    /// blocks end: inside a page printed over several lines, between two documents of a line,
    /// inside a document cut off by the end of the file.
    #[test]
    fn blocks_of_lines_end_anywhere() {
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("{{\"id\": \"a{i}\", \"userName\": \"U{i}\"}}\n"));
            match i {
                5 => text.push_str("{\n  \"totalResults\": 3,\n  \"Resources\": [\n    {\"id\": \"p1\", \"userName\": \"P\\\"1\"},\n    {\"id\": \"p2\"}\n  ]\n}\n"),
                9 => text.push_str("{\"id\": \"b1\"} , {\"id\": \"b2\", \"userName\": \"x\"}\n\n"),
                12 => text.push_str("not json\n{\"id\": \"bad\" x}\n"),
                17 => text.push_str("[{\"id\": \"r1\"},\n {\"id\": \"r2\"}]\n"),
                21 => text.push_str("{\"id\": \"a3\", \"userName\": \"copy\"}\n"),
                30 => text.push_str("{\"id\": \"s\", \"userName\": \"a\\u0062}\"}\n"),
                _ => {}
            }
        }
        text.push_str("{\"id\": \"cut\", \"userName\": [");
        let read = |block: usize| read_in_blocks(text.as_bytes(), block);
        let whole = read(1 << 20);
        assert_eq!(whole.0.len(), 47, "{:?}", whole.0);
        let lines: Vec<u64> = whole.1.iter().map(|p| p.line).collect();
        assert_eq!(lines, [23, 24, 36, 56, 0], "{:?}", whole.1);
        assert!(whole.1[0].message.contains("unexpected text"));
        assert!(whole.1[1].message.contains("invalid JSON (line 24)"));
        assert!(whole.1[3].message.contains("cut off"));
        for block in [1, 2, 3, 5, 8, 13, 40, 64, 100, 333, 1000] {
            assert_eq!(read(block), whole, "blocks of {block} bytes");
        }
    }
}
