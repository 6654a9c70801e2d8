//! Quarantine and escrow: whether the failures of a log put a job at risk under the thresholds
//! Microsoft documents (kept as data with their source: Microsoft says they may change), and a
//! synchronization job's own status (its quarantine reason, when it is in quarantine).

use super::codes::{self, Code};
use super::event::{field, text};
use serde_json::{Map, Value};

/// The documented escrow thresholds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// Failures before the proportion is evaluated at all.
    pub evaluated_from: u64,
    /// Share of failed events above which the job is quarantined.
    pub max_failure_ratio: f64,
    /// Failures (reference failures excluded) above which the job is quarantined.
    pub max_failures: u64,
    /// Failures, reference failures included, above which the job is quarantined.
    pub max_failures_with_references: u64,
    /// Where they are documented.
    pub source: &'static str,
    /// Microsoft's own caveat.
    pub caveat: &'static str,
}

impl Default for Thresholds {
    /// [`THRESHOLDS`].
    fn default() -> Self {
        THRESHOLDS
    }
}

/// The thresholds of "Application provisioning in quarantine status".
pub const THRESHOLDS: Thresholds = Thresholds {
    evaluated_from: 5_000,
    max_failure_ratio: 0.40,
    max_failures: 40_000,
    max_failures_with_references: 60_000,
    source: "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status",
    caveat: "Microsoft documents these thresholds as subject to change (older copies of the page say 60%).",
};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Under every threshold.
    None,
    /// More than the share of failures, but fewer failures than the count the share is
    /// evaluated from: not yet quarantined, close to it.
    RatioUnderMinimum,
    /// Over a threshold: the job is quarantined (or will be).
    Quarantine,
}

/// The failure counts of one job and what they mean.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assessment {
    /// The job (empty when the log names none).
    pub job_id: String,
    /// Events of the job in the log.
    pub events: u64,
    /// Failed events, reference failures excluded.
    pub failures: u64,
    /// Failed events that failed on a reference (manager, group members).
    pub reference_failures: u64,
    /// Failures over events.
    pub ratio: f64,
    /// The verdict.
    pub risk: Risk,
    /// Why, in a sentence.
    pub explanation: String,
}

/// Assesses one job's counts against `t`.
pub fn assess(
    job_id: &str,
    events: u64,
    failures: u64,
    reference_failures: u64,
    t: &Thresholds,
) -> Assessment {
    let ratio = if events == 0 {
        0.0
    } else {
        failures as f64 / events as f64
    };
    let percent = |r: f64| format!("{:.1}%", r * 100.0);
    let (risk, explanation) = if failures + reference_failures > t.max_failures_with_references {
        (
            Risk::Quarantine,
            format!(
                "{} failures including references, over the limit of {}",
                failures + reference_failures,
                t.max_failures_with_references
            ),
        )
    } else if failures > t.max_failures {
        (
            Risk::Quarantine,
            format!("{failures} failures, over the limit of {}", t.max_failures),
        )
    } else if ratio > t.max_failure_ratio && failures >= t.evaluated_from {
        (
            Risk::Quarantine,
            format!(
                "{} of events failed ({failures} of {events}), over {} with at least {} failures",
                percent(ratio),
                percent(t.max_failure_ratio),
                t.evaluated_from
            ),
        )
    } else if ratio > t.max_failure_ratio {
        (
            Risk::RatioUnderMinimum,
            format!(
                "{} of events failed ({failures} of {events}), over {}, but the share counts only from {} failures",
                percent(ratio),
                percent(t.max_failure_ratio),
                t.evaluated_from
            ),
        )
    } else {
        (
            Risk::None,
            format!(
                "{} of events failed ({failures} of {events}), under {}",
                percent(ratio),
                percent(t.max_failure_ratio)
            ),
        )
    };
    Assessment {
        job_id: job_id.to_owned(),
        events,
        failures,
        reference_failures,
        ratio,
        risk,
        explanation,
    }
}

/// A synchronization job's status (`GET .../synchronization/jobs/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct JobStatus {
    /// The job id.
    pub id: String,
    /// The template (`scim`, `customappsso`, an app's).
    pub template_id: String,
    /// `NotConfigured`, `NotRun`, `Active`, `Paused`, `Quarantine`.
    pub code: String,
    /// `quarantine.reason` (empty when none).
    pub quarantine_reason: String,
    /// `quarantine.seriesCount`.
    pub series_count: Option<i64>,
    /// `quarantine.currentBegan`.
    pub current_began: String,
    /// `quarantine.nextAttempt`.
    pub next_attempt: String,
    /// `quarantine.error.code`.
    pub error_code: String,
    /// `quarantine.error.message`.
    pub error_message: String,
    /// `escrowsPruned`.
    pub escrows_pruned: bool,
    /// `countSuccessiveCompleteFailures`.
    pub successive_complete_failures: Option<i64>,
}

impl JobStatus {
    /// Reads a job (`{"id", "templateId", "status": {...}}`) or a bare synchronization status;
    /// `None` when the object is neither.
    pub fn from_json(object: &Map<String, Value>) -> Option<JobStatus> {
        let status = object.get("status").and_then(Value::as_object);
        let (status, job) = match status {
            Some(s) if s.contains_key("code") || s.contains_key("quarantine") => (s, Some(object)),
            _ if object.contains_key("quarantine") && object.contains_key("code") => (object, None),
            _ => return None,
        };
        let get = |o: &Map<String, Value>, names: &[&str]| {
            field(o, names).and_then(text).unwrap_or_default()
        };
        let quarantine = status.get("quarantine").and_then(Value::as_object);
        let error = quarantine
            .and_then(|q| q.get("error"))
            .and_then(Value::as_object);
        Some(JobStatus {
            id: job.map(|j| get(j, &["id"])).unwrap_or_default(),
            template_id: job.map(|j| get(j, &["templateId"])).unwrap_or_default(),
            code: get(status, &["code"]),
            quarantine_reason: quarantine.map(|q| get(q, &["reason"])).unwrap_or_default(),
            series_count: quarantine
                .and_then(|q| q.get("seriesCount"))
                .and_then(Value::as_i64),
            current_began: quarantine
                .map(|q| get(q, &["currentBegan"]))
                .unwrap_or_default(),
            next_attempt: quarantine
                .map(|q| get(q, &["nextAttempt"]))
                .unwrap_or_default(),
            error_code: error.map(|e| get(e, &["code"])).unwrap_or_default(),
            error_message: error.map(|e| get(e, &["message"])).unwrap_or_default(),
            escrows_pruned: status
                .get("escrowsPruned")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            successive_complete_failures: status
                .get("countSuccessiveCompleteFailures")
                .and_then(Value::as_i64),
        })
    }

    /// The documented meaning of the quarantine reason, if it is one.
    pub fn reason_code(&self) -> Option<&'static Code> {
        codes::lookup(&self.quarantine_reason).filter(|c| c.kind == codes::CodeKind::Quarantine)
    }
}
