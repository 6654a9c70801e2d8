//! `entramap logs`: provisioning logs read offline and explained. The readers ([`read`]) turn
//! every export (the portal's JSON and CSV downloads, Graph pages in the v1.0 and beta
//! spellings, Log Analytics rows, provision-on-demand results, job statuses) into one event
//! model ([`event`]), streamed; [`Analyzer`] puts each event in exactly one group of the same
//! root cause (status, action, code, attribute, and the HTTP status and SCIM error parsed out of
//! `reason` by [`reason`]), with what Microsoft documents about the code ([`codes`]), the
//! quarantine risk under the documented thresholds ([`quarantine`]) and, given the mapping file,
//! the replay that finds drift and the mapping behind a value failure ([`replay`]). [`render`]
//! writes the report for people, as JSON or as Markdown; [`synth`] generates realistic logs with
//! known counts for tests and benchmarks.

pub mod codes;
pub mod event;
pub mod quarantine;
pub mod read;
pub mod reason;
pub mod render;
pub mod replay;
pub mod synth;

use crate::expr::source::ObjectKind;
use codes::{Code, ValueCause};
use event::{Event, Status};
use quarantine::{Assessment, JobStatus, Thresholds};
use read::{FileSummary, Record};
use replay::{MappingRef, Replayer};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// What one group of events has in common: its root cause.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct GroupKey {
    /// The events' status.
    pub status: Status,
    /// Their action.
    pub action: String,
    /// The error code (failures, warnings) or SkipReason (skipped events).
    pub code: Option<String>,
    /// The target attribute the error names.
    pub attribute: Option<String>,
    /// The HTTP status of the app's answer.
    pub http_status: Option<u16>,
    /// The SCIM `scimType` of the app's answer.
    pub scim_type: Option<String>,
    /// The app's error detail (or the reason) with each object's own values taken out.
    pub detail: Option<String>,
}

/// One event shown as an example of its group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Example {
    /// The object's name (display name, reportable identifier or id).
    pub object: String,
    /// The source object's id.
    pub source_id: String,
    /// When.
    pub time: String,
    /// The event's change id.
    pub change_id: String,
    /// Where in its file, for records that are not events.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub location: String,
}

/// A group of events with one root cause.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Group {
    /// 1-based number in the report (`entramap logs --show N`).
    pub number: usize,
    /// The root cause.
    pub key: GroupKey,
    /// How many events.
    pub count: u64,
    /// The earliest event's time.
    pub first_seen: String,
    /// The latest event's time.
    pub last_seen: String,
    /// The first few events.
    pub examples: Vec<Example>,
    /// The first event's full reason.
    pub reason: Option<String>,
    /// What Microsoft documents about the code.
    pub documented: Option<&'static Code>,
    /// The value problem, when the failure is one.
    pub cause: Option<ValueCause>,
    /// The mapping that produced the value (with `--mapping`).
    pub mapping: Option<MappingRef>,
    /// Users or groups (of the first event).
    pub object: ObjectKind,
}

/// Drift of one target: the log's values against the file's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetDrift {
    /// The mapping.
    pub mapping: MappingRef,
    /// Events where both sides were compared.
    pub compared: u64,
    /// Events where they differ.
    pub differing: u64,
    /// A few of them.
    pub examples: Vec<DriftExample>,
}

/// One event whose logged value the file does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DriftExample {
    /// The object.
    pub object: String,
    /// What the log says was sent.
    pub logged: Option<String>,
    /// What the file produces from the same source values.
    pub replayed: Option<String>,
}

/// The replay of a mapping file on the log.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Drift {
    /// The mapping file.
    pub file: String,
    /// Events with import values and at least one compared target.
    pub compared_events: u64,
    /// Events with at least one differing target.
    pub drifted_events: u64,
    /// Per mapping with at least one comparison, differing first.
    pub targets: Vec<TargetDrift>,
}

/// Status counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatusCounts {
    /// Failed events.
    pub failure: u64,
    /// Events with a warning.
    pub warning: u64,
    /// Skipped events.
    pub skipped: u64,
    /// Successful events.
    pub success: u64,
    /// Events without a known status.
    pub unknown: u64,
    /// Records that are not readable events.
    pub unreadable: u64,
}

impl StatusCounts {
    fn add(&mut self, status: Status) {
        let slot = match status {
            Status::Failure => &mut self.failure,
            Status::Warning => &mut self.warning,
            Status::Skipped => &mut self.skipped,
            Status::Success => &mut self.success,
            Status::Unknown => &mut self.unknown,
            Status::Unreadable => &mut self.unreadable,
        };
        *slot += 1;
    }
}

/// The report of `entramap logs`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Each file read.
    pub files: Vec<FileSummary>,
    /// Records counted (events and unreadable records; job statuses apart).
    pub events: u64,
    /// By status.
    pub statuses: StatusCounts,
    /// Every group, most important first: failures, warnings, unknown, unreadable, skipped,
    /// successes; larger groups first within each.
    pub groups: Vec<Group>,
    /// Top-level fields not understood, with the number of events that had them.
    pub unknown_fields: Vec<(String, u64)>,
    /// Codes (error codes, SkipReasons) Microsoft does not document, with their counts.
    pub unknown_codes: Vec<(String, u64)>,
    /// Job statuses read (the first 1,000).
    pub jobs: Vec<JobStatus>,
    /// The quarantine risk of each job in the log.
    pub risk: Vec<Assessment>,
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// The replay of the mapping file, when one was given.
    pub drift: Option<Drift>,
}

/// Settings of an analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Examples kept per group.
    pub examples: usize,
    /// Most groups kept; events beyond go to one overflow group per status.
    pub max_groups: usize,
    /// The quarantine thresholds.
    pub thresholds: Thresholds,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            examples: 3,
            max_groups: 10_000,
            thresholds: quarantine::THRESHOLDS,
        }
    }
}

/// Most distinct names kept in the lists of unknown fields and codes.
const MAX_UNKNOWN: usize = 100;
/// Most jobs counted separately (and job statuses kept).
const MAX_JOBS: usize = 1_000;
/// The detail of the overflow group.
const OVERFLOW: &str = "(more distinct causes than the report keeps)";

#[derive(Default)]
struct JobCount {
    events: u64,
    failures: u64,
    references: u64,
}

#[derive(Default)]
struct TargetCount {
    compared: u64,
    differing: u64,
    examples: Vec<DriftExample>,
}

/// Puts records in groups, one at a time (memory bounded by the number of groups, not events).
pub struct Analyzer<'a> {
    options: Options,
    replayer: Option<(&'a Replayer, String)>,
    groups: FxHashMap<GroupKey, Group>,
    statuses: StatusCounts,
    events: u64,
    unknown_fields: BTreeMap<String, u64>,
    unknown_codes: BTreeMap<String, u64>,
    jobs: Vec<JobStatus>,
    by_job: BTreeMap<String, JobCount>,
    targets: FxHashMap<(bool, usize), TargetCount>,
    compared_events: u64,
    drifted_events: u64,
}

fn bump(map: &mut BTreeMap<String, u64>, name: &str) {
    if let Some(n) = map.get_mut(name) {
        *n += 1;
    } else if map.len() < MAX_UNKNOWN {
        map.insert(name.to_owned(), 1);
    }
}

impl<'a> Analyzer<'a> {
    /// An analyzer; with a replayer (and its file's name), events are also replayed.
    pub fn new(options: Options, replayer: Option<(&'a Replayer, String)>) -> Self {
        Analyzer {
            options,
            replayer,
            groups: FxHashMap::default(),
            statuses: StatusCounts::default(),
            events: 0,
            unknown_fields: BTreeMap::new(),
            unknown_codes: BTreeMap::new(),
            jobs: Vec::new(),
            by_job: BTreeMap::new(),
            targets: FxHashMap::default(),
            compared_events: 0,
            drifted_events: 0,
        }
    }

    /// The group key of an event.
    pub fn key(&self, event: &Event) -> GroupKey {
        let status = event.status();
        let code = match status {
            Status::Skipped => event
                .skip_reason
                .clone()
                .or_else(|| event.error_code.clone()),
            Status::Success => None,
            _ => event.error_code.clone(),
        };
        let mut key = GroupKey {
            status,
            action: event.action.clone(),
            code,
            attribute: None,
            http_status: None,
            scim_type: None,
            detail: None,
        };
        if matches!(status, Status::Failure | Status::Warning | Status::Unknown) {
            if let Some(reason) = event.reason.as_deref() {
                let parsed = reason::parse(reason);
                key.http_status = parsed.http_status;
                key.scim_type = parsed.scim_type;
                let said = parsed.detail.as_deref().unwrap_or(reason);
                key.attribute = match &self.replayer {
                    Some((r, _)) => {
                        let kind = Replayer::kind_of(event);
                        r.mentioned(kind, said)
                            .map(|i| r.mapping(kind, i).target.clone())
                            .or_else(|| reason::attribute(said))
                    }
                    None => reason::attribute(said),
                };
                key.detail = parsed.detail.as_deref().map(reason::generalize);
                if key.detail.is_none() && key.code.is_none() {
                    key.detail = Some(reason::generalize(reason));
                }
            }
        }
        key
    }

    /// Adds one record.
    pub fn add(&mut self, record: Record) {
        match record {
            Record::Job(job) => {
                if self.jobs.len() < MAX_JOBS {
                    self.jobs.push(*job);
                }
            }
            Record::Unreadable {
                reason, location, ..
            } => {
                let key = GroupKey {
                    status: Status::Unreadable,
                    action: "unknown".to_owned(),
                    code: None,
                    attribute: None,
                    http_status: None,
                    scim_type: None,
                    detail: Some(reason),
                };
                self.count(key, "", None, ObjectKind::User, || Example {
                    object: String::new(),
                    source_id: String::new(),
                    time: String::new(),
                    change_id: String::new(),
                    location,
                });
            }
            Record::Event { event, unknown, .. } => {
                for name in &unknown {
                    bump(&mut self.unknown_fields, name);
                }
                let key = self.key(&event);
                if let Some(code) = &key.code {
                    if codes::lookup(code).is_none() {
                        bump(&mut self.unknown_codes, code);
                    }
                }
                if event.status() != Status::Skipped {
                    self.replay(&event);
                }
                let job = if self.by_job.len() < MAX_JOBS || self.by_job.contains_key(&event.job_id)
                {
                    event.job_id.clone()
                } else {
                    "(other jobs)".to_owned()
                };
                let counts = self.by_job.entry(job).or_default();
                counts.events += 1;
                if event.status() == Status::Failure {
                    let reference = event.steps.iter().any(|s| {
                        s.kind.eq_ignore_ascii_case("referenceresolution")
                            && Status::parse(&s.status) == Status::Failure
                    }) || key.attribute.as_deref().is_some_and(|a| {
                        a.eq_ignore_ascii_case("manager") || a.eq_ignore_ascii_case("members")
                    });
                    if reference {
                        counts.references += 1;
                    } else {
                        counts.failures += 1;
                    }
                }
                let kind = Replayer::kind_of(&event);
                self.count(key, &event.time, event.reason.as_deref(), kind, || {
                    Example {
                        object: event.object_name(),
                        source_id: event.source.id.clone(),
                        time: event.time.clone(),
                        change_id: event.change_id.clone(),
                        location: String::new(),
                    }
                });
            }
        }
    }

    /// Counts one record in the group of `key`; `example` is built only when the group keeps it.
    fn count(
        &mut self,
        mut key: GroupKey,
        time: &str,
        reason: Option<&str>,
        object: ObjectKind,
        example: impl FnOnce() -> Example,
    ) {
        self.events += 1;
        self.statuses.add(key.status);
        if !self.groups.contains_key(&key) {
            if self.groups.len() >= self.options.max_groups {
                key = GroupKey {
                    status: key.status,
                    action: "any".to_owned(),
                    code: None,
                    attribute: None,
                    http_status: None,
                    scim_type: None,
                    detail: Some(OVERFLOW.to_owned()),
                };
            }
            if !self.groups.contains_key(&key) {
                let group = Group {
                    number: 0,
                    documented: key.code.as_deref().and_then(codes::lookup),
                    cause: None,
                    mapping: None,
                    key: key.clone(),
                    count: 0,
                    first_seen: String::new(),
                    last_seen: String::new(),
                    examples: Vec::new(),
                    reason: reason.map(str::to_owned),
                    object,
                };
                self.groups.insert(key.clone(), group);
            }
        }
        let examples = self.options.examples;
        let Some(group) = self.groups.get_mut(&key) else {
            return;
        };
        group.count += 1;
        if !time.is_empty() {
            if group.first_seen.is_empty() || time < group.first_seen.as_str() {
                group.first_seen = time.to_owned();
            }
            if time > group.last_seen.as_str() {
                group.last_seen = time.to_owned();
            }
        }
        if group.examples.len() < examples {
            group.examples.push(example());
        }
    }

    fn replay(&mut self, event: &Event) {
        let Some((replayer, _)) = &self.replayer else {
            return;
        };
        let comparisons = replayer.compare(event);
        if comparisons.is_empty() {
            return;
        }
        self.compared_events += 1;
        let mut drifted = false;
        for c in comparisons {
            let slot = self
                .targets
                .entry((c.kind == ObjectKind::Group, c.mapping))
                .or_default();
            slot.compared += 1;
            if !c.agrees() {
                drifted = true;
                slot.differing += 1;
                if slot.examples.len() < self.options.examples {
                    slot.examples.push(DriftExample {
                        object: event.object_name(),
                        logged: c.logged,
                        replayed: c.replayed,
                    });
                }
            }
        }
        if drifted {
            self.drifted_events += 1;
        }
    }

    /// The report.
    pub fn finish(self, files: Vec<FileSummary>) -> Report {
        let replayer = self.replayer;
        let mut groups: Vec<Group> = self.groups.into_values().collect();
        for group in &mut groups {
            if matches!(group.key.status, Status::Failure | Status::Warning) {
                group.cause = group
                    .documented
                    .and_then(|c| c.cause)
                    .or_else(|| {
                        group
                            .key
                            .detail
                            .as_deref()
                            .or(group.reason.as_deref())
                            .and_then(codes::detail_cause)
                    })
                    .or_else(|| {
                        group
                            .key
                            .scim_type
                            .as_deref()
                            .and_then(codes::scim_type_cause)
                    });
            }
            if let (Some((r, _)), Some(attribute)) = (&replayer, &group.key.attribute) {
                group.mapping = r
                    .find(group.object, attribute)
                    .map(|i| r.mapping(group.object, i).clone());
            }
        }
        groups.sort_by(|a, b| {
            rank(a.key.status)
                .cmp(&rank(b.key.status))
                .then(b.count.cmp(&a.count))
                .then_with(|| a.key.cmp(&b.key))
        });
        for (i, group) in groups.iter_mut().enumerate() {
            group.number = i + 1;
        }
        let thresholds = self.options.thresholds;
        let risk = self
            .by_job
            .iter()
            .map(|(job, c)| {
                quarantine::assess(job, c.events, c.failures, c.references, &thresholds)
            })
            .collect();
        let drift = replayer.map(|(r, file)| {
            let mut targets: Vec<TargetDrift> = self
                .targets
                .into_iter()
                .map(|((group, index), c)| {
                    let kind = if group {
                        ObjectKind::Group
                    } else {
                        ObjectKind::User
                    };
                    TargetDrift {
                        mapping: r.mapping(kind, index).clone(),
                        compared: c.compared,
                        differing: c.differing,
                        examples: c.examples,
                    }
                })
                .collect();
            targets.sort_by(|a, b| {
                b.differing.cmp(&a.differing).then(
                    (a.mapping.line, a.mapping.column).cmp(&(b.mapping.line, b.mapping.column)),
                )
            });
            Drift {
                file,
                compared_events: self.compared_events,
                drifted_events: self.drifted_events,
                targets,
            }
        });
        Report {
            files,
            events: self.events,
            statuses: self.statuses,
            groups,
            unknown_fields: self.unknown_fields.into_iter().collect(),
            unknown_codes: self.unknown_codes.into_iter().collect(),
            jobs: self.jobs,
            risk,
            thresholds,
            drift,
        }
    }
}

/// The order of statuses in a report: what needs work first.
fn rank(status: Status) -> u8 {
    match status {
        Status::Failure => 0,
        Status::Warning => 1,
        Status::Unknown => 2,
        Status::Unreadable => 3,
        Status::Skipped => 4,
        Status::Success => 5,
    }
}
