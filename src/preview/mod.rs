//! `entramap preview`: a dry run of provisioning. Every user of an export goes through the
//! user mapping's scoping filter and attribute mappings; the result is the SCIM payload Entra
//! would send, or the problems that would make the user fail.
//!
//! Use it in two steps: [`Plan::new`] compiles a prepared mapping once (slots for the source
//! attributes it reads, compiled expressions and scoping filter, the payload [`Template`],
//! target constraints); [`preview`] streams an export through it and reports to a [`Sink`] in
//! export order, whatever the number of threads. Work is spread over a rayon pool by chunks of
//! users; the calling thread reads the export and merges the results back in order, checking
//! the values that must be unique across users (matching attributes, `unique` targets). Memory
//! stays flat in the number of users apart from those value sets (a 96-bit hash and the line of
//! the first user of each value in a 16-byte slot, 20 to 30 bytes a value: [`unique`]); the
//! buffers of a chunk of work are recycled from chunk to chunk.
//!
//! Every user read ends up counted exactly once: `users_read = payloads + failures +
//! out_of_scope + unreadable` ([`Summary::balanced`]).

pub mod input;
pub mod members;
mod merge;
pub mod payload;
mod plan;
pub mod record;
pub mod scoping;
pub mod unique;
pub mod user;
mod worker;

pub use input::InputFormat;
pub use payload::Template;
pub use plan::Plan;

use crate::base::encoding::Utf8Stream;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Severity;
use chrono::{DateTime, Utc};
use input::{Chunk, Decoder, Reader, MAX_CHUNK_BYTES};
use merge::Merger;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};
use worker::{ChunkOut, Worker};

/// The rule ids preview reports (all in [`crate::diagnostics::rules::RULES`]).
pub mod rule {
    use crate::diagnostics::rules::RuleId;

    /// A required target attribute (or a matching attribute) gets no value.
    pub const REQUIRED_MISSING: RuleId = RuleId::PreviewRequiredMissing;
    /// Two users have the same value of a matching attribute.
    pub const DUPLICATE_MATCHING_VALUE: RuleId = RuleId::PreviewDuplicateMatchingValue;
    /// A value breaks the target profile's `pattern`, `max_length` or `unique`.
    pub const CONSTRAINT: RuleId = RuleId::PreviewConstraint;
    /// A value does not convert to the target attribute's type.
    pub const TYPE: RuleId = RuleId::PreviewType;
    /// A row of the export cannot be read.
    pub const UNREADABLE_ROW: RuleId = RuleId::PreviewUnreadableRow;
    /// An expression fails for the user.
    pub const EVALUATION_ERROR: RuleId = RuleId::PreviewEvaluationError;
    /// A group member is not a provisioned user (a warning).
    pub const MEMBER_NOT_PROVISIONED: RuleId = RuleId::PreviewMemberNotProvisioned;
    /// The user is out of scope (a note).
    pub const OUT_OF_SCOPE: RuleId = RuleId::PreviewOutOfScope;
    /// A payload is built from a mapping with lint errors (`--allow-errors`; a warning).
    pub const LINT_ERROR: RuleId = RuleId::PreviewLintError;
}

/// How to run a preview.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads (0: one per core; at most [`max_jobs`]).
    pub jobs: usize,
    /// How the export is written.
    pub format: InputFormat,
    /// Users per chunk of work.
    pub chunk_size: usize,
    /// What `Now()` returns.
    pub now: DateTime<Utc>,
    /// Seed of `Guid()` / `RandomString()` (the stream is the user's line).
    pub seed: u64,
    /// `%Name%` parameter values.
    pub parameters: HashMap<String, String>,
    /// Report every object's objectId to [`Sink::object`] (to resolve group members).
    pub object_ids: bool,
    /// Report every object read to [`Sink::outcome`], with its name, objectId and values
    /// instead of its payload ([`Sink::payload`] is not called); an object out of scope is
    /// evaluated too (its values are what its matching attributes are read from) without its
    /// problems counting. For a provisioning cycle ([`crate::cycle`]), which also has to match
    /// the accounts of objects that left scope.
    pub outcomes: bool,
}

impl Default for Options {
    /// All cores, automatic format, 2,048 users per chunk, the system clock, seed 0.
    fn default() -> Self {
        Options {
            jobs: 0,
            format: InputFormat::Auto,
            chunk_size: 2048,
            now: DateTime::<Utc>::from(std::time::SystemTime::now()),
            seed: 0,
            parameters: HashMap::new(),
            object_ids: false,
            outcomes: false,
        }
    }
}

/// One problem with one user (or one unreadable row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The rule id (`preview-…`).
    pub rule: RuleId,
    /// Its severity.
    pub severity: Severity,
    /// The user's line in the export (1-based; for a Graph page, where the user object starts).
    pub line: u64,
    /// The user (its userPrincipalName, or objectId) or group (its displayName, or objectId),
    /// where the export has them.
    pub user: Option<String>,
    /// The target attribute concerned, if one is.
    pub target: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The counts of a preview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Rows read (users, including unreadable rows).
    pub users_read: u64,
    /// Users with a payload.
    pub payloads: u64,
    /// Users in scope that would fail.
    pub failures: u64,
    /// Users out of scope (including those skipped by IgnoreObjectFlow).
    pub out_of_scope: u64,
    /// Rows that could not be read.
    pub unreadable: u64,
    /// Problems by rule id.
    pub problems: BTreeMap<RuleId, u64>,
    /// Problems by rule and target attribute, in order of first appearance.
    pub groups: Vec<Group>,
    /// Source attributes the mapping reads that no user of the export has (a root cause: every
    /// mapping that reads one gets no value).
    pub absent_attributes: Vec<String>,
    /// What the reader noticed about the export: CSV columns that name no source attribute,
    /// the separator when it is not a comma, a column read as its attribute's opposite.
    pub notes: Vec<String>,
}

/// The problems of one rule on one target attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The rule id.
    pub rule: RuleId,
    /// The target attribute, if the problems concern one.
    pub target: Option<String>,
    /// How many problems.
    pub count: u64,
    /// The first few users (UPN, objectId, or `line N`), each once.
    pub users: Vec<String>,
    /// The absent source attributes (see [`Summary::absent_attributes`]) the target's mapping
    /// reads: the likely root cause of these problems.
    pub caused_by: Vec<String>,
}

impl Group {
    /// How many users [`Group::users`] keeps.
    pub const USERS_SHOWN: usize = 3;
}

impl Summary {
    /// Whether every row read is counted exactly once.
    pub fn balanced(&self) -> bool {
        self.users_read == self.payloads + self.failures + self.out_of_scope + self.unreadable
    }

    /// Problems at or above `level`.
    pub fn count_at_least(&self, level: Severity) -> u64 {
        self.problems
            .iter()
            .filter(|(rule, _)| rule.severity() >= level)
            .map(|(_, n)| n)
            .sum()
    }
}

/// What happened to one object read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// It got a payload.
    Payload,
    /// It is in scope and would fail.
    Failure,
    /// It is out of scope (the scoping filter, a disabled object mapping, IgnoreObjectFlow).
    OutOfScope,
    /// Its row cannot be read.
    Unreadable,
}

/// One object read, as [`Sink::outcome`] reports it (with [`Options::outcomes`]).
#[derive(Debug, Clone, Copy)]
pub struct Outcome<'a> {
    /// Its line in the export.
    pub line: u64,
    /// What happened to it (after the checks across objects).
    pub status: Status,
    /// Its name (a user's userPrincipalName, a group's displayName, else its objectId).
    pub name: Option<&'a str>,
    /// Its objectId.
    pub object_id: Option<&'a str>,
    /// Whether it is soft-deleted for provisioning (`IsSoftDeleted`).
    pub soft_deleted: bool,
    /// The value of each of its mappings, as the payload writes it: for an object in scope
    /// whose mappings were all evaluated, and for one out of scope (its payload is
    /// [`Values::payload`]).
    pub values: Option<Values<'a>>,
}

/// The values of an object's mappings, one a mapping in the file's order, each the JSON text
/// the payload carries at the mapping's target.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    text: &'a [u8],
    ranges: &'a [Option<std::ops::Range<usize>>],
}

impl<'a> Values<'a> {
    /// The JSON text of mapping `index`'s value (`None`: it gives none, or null).
    pub fn get(&self, index: usize) -> Option<&'a [u8]> {
        self.ranges
            .get(index)?
            .as_ref()
            .map(|range| &self.text[range.clone()])
    }

    /// The SCIM payload of these values, as a plan's template writes it.
    pub fn payload(&self, template: &Template) -> Vec<u8> {
        let mut out = Vec::new();
        template.write(self.ranges, self.text, &mut out);
        out
    }

    /// How many mappings.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// Where a preview's results go, in export order.
pub trait Sink {
    /// One problem.
    fn problem(&mut self, problem: &Problem) -> io::Result<()>;
    /// One user's SCIM payload (a JSON object without a newline).
    fn payload(&mut self, line: u64, json: &[u8]) -> io::Result<()>;
    /// One object read and its objectId, with whether it got a payload (only with
    /// [`Options::object_ids`]; collect them in a [`members::MemberIndex`]).
    fn object(&mut self, _object_id: &str, _provisioned: bool) {}
    /// Every object read, after its problems and payload (only with [`Options::outcomes`]).
    fn outcome(&mut self, _outcome: &Outcome<'_>) {}
    /// The lines and values of the next few objects whose outcomes follow (only with
    /// [`Options::outcomes`]): for a sink that looks them up all at once.
    fn ahead(&mut self, _values: &mut dyn Iterator<Item = (u64, Values<'_>)>) {}
    /// Progress: bytes of the export consumed and rows done so far.
    fn progress(&mut self, _bytes: u64, _rows: u64) {}
}

/// Why a mapping cannot be previewed, or a preview stopped.
#[derive(Debug)]
pub enum PreviewError {
    /// The mapping has something preview cannot run (`entramap lint` locates it).
    Mapping(String),
    /// Reading the export failed.
    Read(io::Error),
    /// The sink failed.
    Write(io::Error),
    /// The thread pool could not be built.
    Threads(String),
    /// The user asked for cannot be read.
    User(String),
}

impl std::fmt::Display for PreviewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreviewError::Mapping(m) => write!(f, "{m}"),
            PreviewError::Read(e) => write!(f, "cannot read the export: {e}"),
            PreviewError::Write(e) => write!(f, "cannot write: {e}"),
            PreviewError::Threads(e) => write!(f, "cannot start worker threads: {e}"),
            PreviewError::User(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PreviewError {}

/// The buffers and the worker state of one chunk of work, recycled from chunk to chunk so that
/// a preview allocates nothing per chunk once they have grown: one output and one worker for
/// each plan previewed.
struct Job<'p> {
    chunk: Chunk,
    outs: Vec<ChunkOut>,
    workers: Vec<Worker<'p>>,
}

impl<'p> Job<'p> {
    fn new(plans: &[&'p Plan], options: &Options) -> Self {
        Job {
            chunk: Chunk::default(),
            outs: plans.iter().map(|_| ChunkOut::default()).collect(),
            workers: plans.iter().map(|p| Worker::new(p, options)).collect(),
        }
    }

    /// Runs every plan's worker on the chunk.
    fn run(&mut self, decoders: &[Decoder]) {
        for ((worker, out), decoder) in self.workers.iter_mut().zip(&mut self.outs).zip(decoders) {
            worker.run(&self.chunk, decoder, out);
        }
    }

    /// Gives back buffers a chunk of unusually large records grew, so that one large group
    /// does not keep its size in every recycled job.
    fn release_large_buffers(&mut self) {
        if self.chunk.data.capacity() > 2 * MAX_CHUNK_BYTES {
            self.chunk.data = Vec::new();
        }
        for out in &mut self.outs {
            if out.payloads.capacity() > 2 * MAX_CHUNK_BYTES {
                out.payloads = Vec::new();
            }
        }
    }
}

/// The raw bytes of the chunks read and not yet merged, beyond which no further chunk is read
/// (one always is): what bounds a preview's memory when its records are large.
pub const MAX_IN_FLIGHT_BYTES: usize = 32 << 20;

/// The cores this process may use (at least one).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The most worker threads a preview starts: [`JOBS_PER_CORE`] per core. A larger
/// [`Options::jobs`] is capped (more threads than that only cost memory and switching).
pub fn max_jobs() -> usize {
    cores().saturating_mul(JOBS_PER_CORE)
}

/// Worker threads per core at most (see [`max_jobs`]).
pub const JOBS_PER_CORE: usize = 4;

/// Runs a preview: reads the export, evaluates every user on `options.jobs` threads, and
/// reports problems and payloads to `sink` in export order. Returns the counts.
pub fn preview<R: BufRead>(
    plan: &Plan,
    input: R,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, PreviewError> {
    let mut summaries = preview_many(&[plan], input, options, &mut [sink])?;
    Ok(summaries.pop().unwrap_or_default())
}

/// Runs the previews of several plans (the old and the new mapping of a change) over one
/// reading of the export: each chunk of records is read once and evaluated by every plan on
/// the same worker; the results are merged chunk by chunk, plan after plan, each into its own
/// sink (so that the n-th object of one plan reaches its sink shortly before the n-th object of
/// the next plan reaches its own). Returns each plan's counts.
pub fn preview_many<R: BufRead, S: ?Sized + Sink>(
    plans: &[&Plan],
    input: R,
    options: &Options,
    sinks: &mut [&mut S],
) -> Result<Vec<Summary>, PreviewError> {
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    drive(plans, input, options, sinks)
}

/// [`preview_many`] with the results merged on a thread of their own while the calling thread
/// reads on, and each plan's merged into its sink on a thread of its own, chunk by chunk: every
/// sink has had a chunk's objects when `after_chunk` is called. For sinks whose work per object
/// is large (a provisioning cycle's decisions), so that reading does not wait on merging, nor
/// one plan on another.
pub fn preview_many_parallel<R: BufRead, S: ?Sized + Sink + Send>(
    plans: &[&Plan],
    input: R,
    options: &Options,
    sinks: &mut [&mut S],
    after_chunk: &mut (dyn FnMut() -> io::Result<()> + Send),
) -> Result<Vec<Summary>, PreviewError> {
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    let (mut feed, decoders, pool) = Feed::new(plans, input, options)?;
    let mut mergers = mergers(plans, sinks, options)?;
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Job)>();
    let (back_tx, back_rx) = std::sync::mpsc::channel::<(u64, Job)>();
    let decoders = &decoders;
    std::thread::scope(|threads| -> Result<(), PreviewError> {
        let mergers = &mut mergers;
        let merging = threads.spawn(move || -> io::Result<()> {
            let mut in_order = InOrder::default();
            for (seq, job) in rx {
                in_order.take(seq, job, |seq, job| {
                    merge_apart(mergers, &job.outs)?;
                    after_chunk()?;
                    let _ = back_tx.send((seq, job));
                    Ok(())
                })?;
            }
            Ok(())
        });
        let read = pool.in_place_scope(|scope| -> Result<(), PreviewError> {
            loop {
                feed.fill(scope, decoders, &tx)?;
                if feed.finished() {
                    return Ok(());
                }
                // The merging thread stops at its first error, which its join gives.
                let Ok((seq, job)) = back_rx.recv() else {
                    return Ok(());
                };
                feed.recycle(seq, job);
            }
        });
        drop(tx);
        let merged = merging
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the merging thread stopped")));
        read?;
        merged.map_err(PreviewError::Write)
    })?;
    Ok(summaries(mergers, &feed.notes))
}

/// Merges one chunk's results, each plan's on a thread of its own.
fn merge_apart<S: ?Sized + Sink + Send>(
    mergers: &mut [Merger<'_, S>],
    outs: &[ChunkOut],
) -> io::Result<()> {
    let Some((first, rest)) = mergers.split_first_mut() else {
        return Ok(());
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = rest
            .iter_mut()
            .zip(&outs[1..])
            .map(|(merger, out)| scope.spawn(move || merger.merge(out)))
            .collect();
        let mut result = first.merge(&outs[0]);
        for other in others {
            let merged = other
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a merging thread stopped")));
            result = result.and(merged);
        }
        result
    })
}

/// The pipeline of [`preview_many`]: chunks read and handed to the workers, their results
/// merged here in export order.
fn drive<R: BufRead, S: ?Sized + Sink>(
    plans: &[&Plan],
    input: R,
    options: &Options,
    sinks: &mut [&mut S],
) -> Result<Vec<Summary>, PreviewError> {
    let (mut feed, decoders, pool) = Feed::new(plans, input, options)?;
    let mut mergers = mergers(plans, sinks, options)?;
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Job)>();
    let decoders = &decoders;
    pool.in_place_scope(|scope| -> Result<(), PreviewError> {
        let mut in_order = InOrder::default();
        loop {
            feed.fill(scope, decoders, &tx)?;
            if feed.finished() {
                return Ok(());
            }
            let Ok((seq, job)) = rx.recv() else {
                return Err(PreviewError::Threads("a worker stopped".to_owned()));
            };
            in_order
                .take(seq, job, |seq, job| {
                    for (merger, out) in mergers.iter_mut().zip(&job.outs) {
                        merger.merge(out)?;
                    }
                    feed.recycle(seq, job);
                    Ok(())
                })
                .map_err(PreviewError::Write)?;
        }
    })?;
    Ok(summaries(mergers, &feed.notes))
}

/// One merger for each plan and its sink.
fn mergers<'a, S: ?Sized + Sink>(
    plans: &[&'a Plan],
    sinks: &'a mut [&mut S],
    options: &Options,
) -> Result<Vec<Merger<'a, S>>, PreviewError> {
    if sinks.len() != plans.len() {
        return Err(PreviewError::Mapping(
            "one sink is needed for each plan".to_owned(),
        ));
    }
    Ok(plans
        .iter()
        .zip(sinks.iter_mut())
        .map(|(plan, sink)| Merger::new(plan, &mut **sink, options))
        .collect())
}

/// Each plan's counts, with the reader's notes.
fn summaries<S: ?Sized + Sink>(mergers: Vec<Merger<'_, S>>, notes: &[String]) -> Vec<Summary> {
    mergers
        .into_iter()
        .map(|merger| {
            let mut summary = merger.finish();
            summary.notes = notes.to_vec();
            summary
        })
        .collect()
}

/// The reading side of the pipeline: chunks read and handed to the workers while fewer than
/// the bounds are out, their buffers taken back once merged.
struct Feed<'p, 'a, R: BufRead> {
    reader: Reader<Utf8Stream<R>>,
    plans: &'a [&'p Plan],
    options: &'a Options,
    notes: Vec<String>,
    chunk_size: usize,
    max_in_flight: u64,
    next_seq: u64,
    merged: u64,
    in_flight_bytes: usize,
    sizes: BTreeMap<u64, usize>,
    done: bool,
    free: Vec<Job<'p>>,
}

impl<'p, 'a, R: BufRead> Feed<'p, 'a, R> {
    /// The feed of an export, with each plan's decoder and the workers' pool.
    fn new(
        plans: &'a [&'p Plan],
        input: R,
        options: &'a Options,
    ) -> Result<(Self, Vec<Decoder>, rayon::ThreadPool), PreviewError> {
        let Some(first) = plans.first() else {
            return Err(PreviewError::Mapping("no plan to preview".to_owned()));
        };
        let jobs = if options.jobs == 0 {
            cores()
        } else {
            options.jobs.min(max_jobs())
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| PreviewError::Threads(e.to_string()))?;
        let (reader, decoder) =
            Reader::new(input, options.format, &first.attributes).map_err(PreviewError::Read)?;
        let decoders = plans
            .iter()
            .map(|p| decoder.for_attributes(&p.attributes))
            .collect();
        let feed = Feed {
            notes: reader.notes().to_vec(),
            reader,
            plans,
            options,
            chunk_size: options.chunk_size.max(1),
            max_in_flight: (jobs * 3) as u64,
            next_seq: 0,
            merged: 0,
            in_flight_bytes: 0,
            sizes: BTreeMap::new(),
            done: false,
            free: Vec::new(),
        };
        Ok((feed, decoders, pool))
    }

    /// Reads chunks and hands them to the workers, which send their results to `tx`, while
    /// fewer than the bounds are out: chunks, and bytes (chunks of large records, groups with
    /// their members, stop new reads at MAX_IN_FLIGHT_BYTES; one chunk always goes).
    fn fill<'s>(
        &mut self,
        scope: &rayon::Scope<'s>,
        decoders: &'s [Decoder],
        tx: &std::sync::mpsc::Sender<(u64, Job<'p>)>,
    ) -> Result<(), PreviewError>
    where
        'p: 's,
    {
        while !self.done
            && self.next_seq - self.merged < self.max_in_flight
            && (self.in_flight_bytes < MAX_IN_FLIGHT_BYTES || self.next_seq == self.merged)
        {
            let mut job = self
                .free
                .pop()
                .unwrap_or_else(|| Job::new(self.plans, self.options));
            if !self
                .reader
                .next_chunk(&mut job.chunk, self.chunk_size, &decoders[0])
                .map_err(PreviewError::Read)?
            {
                self.free.push(job);
                self.done = true;
                break;
            }
            let tx = tx.clone();
            let seq = self.next_seq;
            self.in_flight_bytes += job.chunk.data.len();
            self.sizes.insert(seq, job.chunk.data.len());
            let bytes = self.reader.source_bytes();
            scope.spawn(move |_| {
                job.run(decoders);
                for out in &mut job.outs {
                    out.bytes = bytes;
                }
                let _ = tx.send((seq, job));
            });
            self.next_seq += 1;
        }
        Ok(())
    }

    /// Whether every chunk is read and merged.
    fn finished(&self) -> bool {
        self.done && self.next_seq == self.merged
    }

    /// Takes back the buffers of chunk `seq`, merged.
    fn recycle(&mut self, seq: u64, mut job: Job<'p>) {
        self.in_flight_bytes -= self.sizes.remove(&seq).unwrap_or(0);
        job.release_large_buffers();
        self.free.push(job);
        self.merged += 1;
    }
}

/// Puts the chunks back in export order as they come back from the workers.
#[derive(Default)]
struct InOrder<'p> {
    next: u64,
    pending: BTreeMap<u64, Job<'p>>,
}

impl<'p> InOrder<'p> {
    /// Takes chunk `seq` and hands every chunk now next in order to `merge`.
    fn take(
        &mut self,
        seq: u64,
        job: Job<'p>,
        mut merge: impl FnMut(u64, Job<'p>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.pending.insert(seq, job);
        while let Some(job) = self.pending.remove(&self.next) {
            merge(self.next, job)?;
            self.next += 1;
        }
        Ok(())
    }
}

/// Runs a preview on the calling thread alone, one chunk after another: the same reader, worker
/// and merge as [`preview`] (whose results it gives, for any [`Options::jobs`], which it
/// ignores), for where no thread can be started, such as WebAssembly in a browser's worker.
pub fn preview_on_this_thread<R: BufRead>(
    plan: &Plan,
    input: R,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, PreviewError> {
    let (mut reader, decoder) =
        Reader::new(input, options.format, &plan.attributes).map_err(PreviewError::Read)?;
    let mut merger = Merger::new(plan, sink, options);
    let mut chunk = Chunk::default();
    let mut out = ChunkOut::default();
    let mut worker = Worker::new(plan, options);
    while reader
        .next_chunk(&mut chunk, options.chunk_size.max(1), &decoder)
        .map_err(PreviewError::Read)?
    {
        worker.run(&chunk, &decoder, &mut out);
        out.bytes = reader.source_bytes();
        merger.merge(&out).map_err(PreviewError::Write)?;
    }
    let mut summary = merger.finish();
    summary.notes = reader.notes().to_vec();
    Ok(summary)
}
