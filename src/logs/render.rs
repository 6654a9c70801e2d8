//! The report of `entramap logs` for people (`human`), as one JSON document and as Markdown (for
//! a ticket or a pull request). Every text that came from a log is printed with its control
//! characters escaped.

use super::quarantine::Risk;
use super::{Group, Report};
use crate::base::text::escape_controls;
use std::fmt::Write as _;

/// A number with thousands separators: `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn clean(text: &str) -> String {
    escape_controls(text).into_owned()
}

fn shorten(text: &str, max: usize) -> String {
    let text = clean(text);
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// The one-line title of a group: `failure · create · EntryConflict · HTTP 409 · uniqueness ·
/// userName`.
pub fn title(group: &Group) -> String {
    let k = &group.key;
    let mut parts = vec![k.status.as_str().to_owned(), clean(&k.action)];
    if let Some(code) = &k.code {
        parts.push(clean(code));
    }
    if let Some(status) = k.http_status {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(t) = &k.scim_type {
        parts.push(format!("scimType {}", clean(t)));
    }
    if let Some(a) = &k.attribute {
        parts.push(format!("attribute {}", clean(a)));
    }
    parts.join(" · ")
}

fn files_line(report: &Report) -> String {
    let mut formats: Vec<(super::read::Format, u64)> = Vec::new();
    for file in &report.files {
        for (f, n) in &file.formats {
            match formats.iter_mut().find(|(g, _)| g == f) {
                Some((_, m)) => *m += n,
                None => formats.push((*f, *n)),
            }
        }
    }
    formats.sort();
    let formats: Vec<String> = formats
        .iter()
        .map(|(f, n)| format!("{f} {}", thousands(*n)))
        .collect();
    format!(
        "{} {}, {} {} ({})",
        report.files.len(),
        if report.files.len() == 1 {
            "file"
        } else {
            "files"
        },
        thousands(report.events),
        if report.events == 1 {
            "event"
        } else {
            "events"
        },
        if formats.is_empty() {
            "nothing readable".to_owned()
        } else {
            formats.join(", ")
        }
    )
}

fn statuses_line(report: &Report) -> String {
    let s = &report.statuses;
    let mut parts = vec![
        format!("{} failed", thousands(s.failure)),
        format!("{} warnings", thousands(s.warning)),
        format!("{} skipped", thousands(s.skipped)),
        format!("{} succeeded", thousands(s.success)),
    ];
    if s.unknown > 0 {
        parts.push(format!("{} without a status", thousands(s.unknown)));
    }
    if s.unreadable > 0 {
        parts.push(format!("{} unreadable", thousands(s.unreadable)));
    }
    parts.join(", ")
}

/// The report for people.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Provisioning log: {}", files_line(report));
    let _ = writeln!(out, "  {}", statuses_line(report));
    for group in &report.groups {
        let _ = writeln!(
            out,
            "\n#{} {} × {}",
            group.number,
            thousands(group.count),
            title(group)
        );
        if let Some(detail) = &group.key.detail {
            let _ = writeln!(out, "    detail:  {}", shorten(detail, 200));
        }
        if group.key.detail.is_none() {
            if let Some(reason) = &group.reason {
                let _ = writeln!(out, "    reason:  {}", shorten(reason, 200));
            }
        }
        if !group.first_seen.is_empty() {
            let _ = writeln!(
                out,
                "    seen:    {} .. {}",
                clean(&group.first_seen),
                clean(&group.last_seen)
            );
        }
        if !group.examples.is_empty() {
            let examples: Vec<String> = group
                .examples
                .iter()
                .map(|e| {
                    if !e.location.is_empty() {
                        clean(&e.location)
                    } else if e.object.is_empty() {
                        "(no name or id)".to_owned()
                    } else if e.source_id.is_empty() || e.source_id == e.object {
                        shorten(&e.object, 60)
                    } else {
                        format!("{} ({})", shorten(&e.object, 60), clean(&e.source_id))
                    }
                })
                .collect();
            let more = if group.count > group.examples.len() as u64 {
                format!("; all of them: --show {}", group.number)
            } else {
                String::new()
            };
            let _ = writeln!(out, "    e.g.     {}{more}", examples.join(", "));
        }
        if let Some(code) = group.documented {
            let _ = writeln!(out, "    meaning: {}", code.meaning);
            let _ = writeln!(out, "    fix:     {}", code.fix);
            let _ = writeln!(out, "    source:  {}", code.source);
        }
        if let Some(cause) = group.cause {
            match &group.mapping {
                Some(m) => {
                    let _ = writeln!(
                        out,
                        "    mapping: {}: {} {} <- {} ({})",
                        clean(&m.location()),
                        m.object,
                        clean(&m.target),
                        shorten(&m.text, 80),
                        cause.describe()
                    );
                }
                None => {
                    let _ = writeln!(out, "    cause:   {}", cause.describe());
                }
            }
        } else if let Some(m) = &group.mapping {
            let _ = writeln!(
                out,
                "    mapping: {}: {} {} <- {}",
                clean(&m.location()),
                m.object,
                clean(&m.target),
                shorten(&m.text, 80)
            );
        }
    }
    risk_section(report, &mut out);
    jobs_section(report, &mut out);
    drift_section(report, &mut out);
    leftovers(report, &mut out);
    out
}

fn risk_section(report: &Report, out: &mut String) {
    if report.risk.is_empty() {
        return;
    }
    let t = &report.thresholds;
    let _ = writeln!(
        out,
        "\nQuarantine risk (over {:.0}% of events failing once {} have failed, over {} failures, or over {} with reference failures; {})",
        t.max_failure_ratio * 100.0,
        thousands(t.evaluated_from),
        thousands(t.max_failures),
        thousands(t.max_failures_with_references),
        t.source
    );
    for a in &report.risk {
        let verdict = verdict(a.risk);
        let job = if a.job_id.is_empty() {
            "(no job id)".to_owned()
        } else {
            clean(&a.job_id)
        };
        let _ = writeln!(out, "  {job}: {verdict}: {}", a.explanation);
    }
    let _ = writeln!(out, "  {}", t.caveat);
}

/// The verdict of a risk in a word or two.
fn verdict(risk: Risk) -> &'static str {
    match risk {
        Risk::None => "no risk",
        Risk::RatioUnderMinimum => "watch",
        Risk::Quarantine => "QUARANTINE",
    }
}

fn jobs_section(report: &Report, out: &mut String) {
    for job in &report.jobs {
        let _ = writeln!(
            out,
            "\nJob {} ({}): status {}",
            clean(&job.id),
            clean(&job.template_id),
            clean(&job.code)
        );
        if !job.quarantine_reason.is_empty() {
            let _ = writeln!(
                out,
                "  quarantine reason: {}",
                clean(&job.quarantine_reason)
            );
            if let Some(code) = job.reason_code() {
                let _ = writeln!(out, "    meaning: {}", code.meaning);
                let _ = writeln!(out, "    fix:     {}", code.fix);
            }
        }
        if let Some(n) = job.series_count.filter(|n| *n > 0) {
            let _ = writeln!(out, "  quarantined {n} times in a row");
        }
        if !job.error_code.is_empty() || !job.error_message.is_empty() {
            let _ = writeln!(
                out,
                "  error: {}: {}",
                clean(&job.error_code),
                shorten(&job.error_message, 300)
            );
        }
        if !job.next_attempt.is_empty() {
            let _ = writeln!(out, "  next attempt: {}", clean(&job.next_attempt));
        }
        if job.escrows_pruned {
            let _ = writeln!(
                out,
                "  escrowsPruned: true (the failed objects' escrows were dropped)"
            );
        }
    }
}

fn drift_section(report: &Report, out: &mut String) {
    let Some(drift) = &report.drift else { return };
    let _ = writeln!(
        out,
        "\nReplay of {}: {} of {} events with source values differ from what the file produces",
        clean(&drift.file),
        thousands(drift.drifted_events),
        thousands(drift.compared_events)
    );
    if drift.compared_events == 0 {
        let _ = writeln!(
            out,
            "  no event has both import values and modified properties of a mapped target"
        );
    }
    for t in &drift.targets {
        if t.differing == 0 {
            continue;
        }
        let m = &t.mapping;
        let _ = writeln!(
            out,
            "  {}: {} {} <- {}: drift on {} of {} events",
            clean(&m.location()),
            m.object,
            clean(&m.target),
            shorten(&m.text, 80),
            thousands(t.differing),
            thousands(t.compared)
        );
        for e in &t.examples {
            let _ = writeln!(
                out,
                "    {}: log {}, file {}",
                shorten(&e.object, 60),
                quoted(e.logged.as_deref()),
                quoted(e.replayed.as_deref())
            );
        }
    }
    let agreeing = drift.targets.iter().filter(|t| t.differing == 0).count();
    if agreeing > 0 {
        let _ = writeln!(
            out,
            "  {agreeing} other mapped {} agree with the log",
            if agreeing == 1 { "target" } else { "targets" }
        );
    }
}

fn quoted(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("\"{}\"", shorten(v, 80)),
        None => "(nothing)".to_owned(),
    }
}

fn leftovers(report: &Report, out: &mut String) {
    let mut lines = Vec::new();
    for file in &report.files {
        for p in &file.problems {
            lines.push(format!("{}: {}", clean(&file.name), clean(p)));
        }
        if !file.unknown_columns.is_empty() {
            let columns: Vec<String> = file.unknown_columns.iter().map(|c| clean(c)).collect();
            lines.push(format!(
                "{}: columns not understood: {}",
                clean(&file.name),
                columns.join(", ")
            ));
        }
    }
    if !report.unknown_fields.is_empty() {
        let fields: Vec<String> = report
            .unknown_fields
            .iter()
            .map(|(f, n)| format!("{} ({})", clean(f), thousands(*n)))
            .collect();
        lines.push(format!("fields not understood: {}", fields.join(", ")));
    }
    if !report.unknown_codes.is_empty() {
        let codes: Vec<String> = report
            .unknown_codes
            .iter()
            .map(|(c, n)| format!("{} ({})", clean(c), thousands(*n)))
            .collect();
        lines.push(format!(
            "codes Microsoft does not document: {}",
            codes.join(", ")
        ));
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nNot understood or not read");
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}

/// The report as one JSON document.
pub fn json(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).unwrap_or_default()
}

/// Escapes a text for a Markdown table cell.
fn cell(text: &str) -> String {
    clean(text).replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Provisioning log\n");
    let _ = writeln!(out, "{}: {}.\n", files_line(report), statuses_line(report));
    if !report.groups.is_empty() {
        let _ = writeln!(
            out,
            "| # | events | status | action | code | HTTP | scimType | attribute | detail | first seen | last seen | examples |"
        );
        let _ = writeln!(out, "|---|---:|---|---|---|---:|---|---|---|---|---|---|");
        for g in &report.groups {
            let k = &g.key;
            let code = match (k.code.as_deref(), g.documented) {
                (Some(c), Some(d)) => format!("[{}]({})", cell(c), d.source),
                (Some(c), None) => cell(c),
                (None, _) => String::new(),
            };
            let examples: Vec<String> = g
                .examples
                .iter()
                .map(|e| {
                    cell(if e.location.is_empty() {
                        &e.object
                    } else {
                        &e.location
                    })
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                g.number,
                thousands(g.count),
                k.status.as_str(),
                cell(&k.action),
                code,
                k.http_status.map_or_else(String::new, |s| s.to_string()),
                cell(k.scim_type.as_deref().unwrap_or("")),
                cell(k.attribute.as_deref().unwrap_or("")),
                cell(&shorten(
                    k.detail.as_deref().or(g.reason.as_deref()).unwrap_or(""),
                    160
                )),
                cell(&g.first_seen),
                cell(&g.last_seen),
                examples.join(", ")
            );
        }
    }
    let explained: Vec<&Group> = report
        .groups
        .iter()
        .filter(|g| g.documented.is_some() || g.mapping.is_some())
        .collect();
    if !explained.is_empty() {
        let _ = writeln!(out, "\n### What to do\n");
        for g in explained {
            let mut parts = Vec::new();
            if let Some(d) = g.documented {
                parts.push(format!("{} {}", d.meaning, d.fix));
            }
            if let Some(m) = &g.mapping {
                let cause = g
                    .cause
                    .map_or(String::new(), |c| format!(" ({})", c.describe()));
                parts.push(format!(
                    "Mapping: `{}` {} `{}` from `{}`{cause}.",
                    cell(&m.location()),
                    m.object,
                    cell(&m.target),
                    cell(&shorten(&m.text, 80))
                ));
            }
            let _ = writeln!(
                out,
                "- **#{}** {}: {}",
                g.number,
                cell(&title(g)),
                parts.join(" ")
            );
        }
    }
    if !report.risk.is_empty() {
        let _ = writeln!(out, "\n### Quarantine risk\n");
        let _ = writeln!(
            out,
            "| job | events | failures | reference failures | share | risk |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
        for a in &report.risk {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1}% | {}: {} |",
                cell(&a.job_id),
                thousands(a.events),
                thousands(a.failures),
                thousands(a.reference_failures),
                a.ratio * 100.0,
                verdict(a.risk),
                cell(&a.explanation)
            );
        }
        let _ = writeln!(
            out,
            "\nThresholds from [Microsoft]({}); {}",
            report.thresholds.source, report.thresholds.caveat
        );
    }
    if !report.jobs.is_empty() {
        let mut jobs = String::new();
        jobs_section(report, &mut jobs);
        let _ = writeln!(out, "\n### Job status\n");
        for line in jobs.trim().lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    if let Some(drift) = &report.drift {
        let _ = writeln!(
            out,
            "\n### Replay of `{}`\n\n{} of {} events with source values differ from what the file produces.\n",
            cell(&drift.file),
            thousands(drift.drifted_events),
            thousands(drift.compared_events)
        );
        let differing: Vec<_> = drift.targets.iter().filter(|t| t.differing > 0).collect();
        if !differing.is_empty() {
            let _ = writeln!(
                out,
                "| mapping | target | events differing | compared | example |"
            );
            let _ = writeln!(out, "|---|---|---:|---:|---|");
            for t in differing {
                let example = t.examples.first().map_or(String::new(), |e| {
                    format!(
                        "{}: log {}, file {}",
                        cell(&e.object),
                        cell(&quoted(e.logged.as_deref())),
                        cell(&quoted(e.replayed.as_deref()))
                    )
                });
                let _ = writeln!(
                    out,
                    "| `{}` | {} `{}` | {} | {} | {} |",
                    cell(&t.mapping.location()),
                    t.mapping.object,
                    cell(&t.mapping.target),
                    thousands(t.differing),
                    thousands(t.compared),
                    example
                );
            }
        }
    }
    let mut rest = String::new();
    leftovers(report, &mut rest);
    if !rest.is_empty() {
        let _ = writeln!(out, "\n### Not understood or not read\n");
        for line in rest.lines().skip(2) {
            let _ = writeln!(out, "- {}", line.trim());
        }
    }
    out
}
