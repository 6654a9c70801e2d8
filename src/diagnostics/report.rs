//! Rendering findings: `human` (miette code frames), `json`, `github` workflow commands and SARIF
//! 2.1.0, with 1-based lines and Unicode-character columns computed from byte spans.

use crate::base::text::Span;
pub use crate::base::text::{Position, Source};
use crate::diagnostics::{Diagnostic, RuleId, Severity};
pub use crate::diagnostics::{FileReport, Summary};
use serde_json::json;

/// Output formats for diagnostics.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Code frames for people (miette).
    #[default]
    Human,
    /// One JSON document (stable fields).
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

/// A span as every JSON output writes it: `{"start": position, "end": position}` with 1-based
/// line, character column and byte offset.
pub fn span_json(source: &Source, span: Span) -> serde_json::Value {
    json!({"start": source.position(span.start), "end": source.position(span.end)})
}

/// A copy of `d` whose texts have every secret-looking token masked.
fn redacted(d: &Diagnostic) -> Diagnostic {
    let clean = |text: &str| crate::diagnostics::secrets::redact(text).into_owned();
    Diagnostic {
        message: clean(&d.message),
        primary_label: d.primary_label.as_deref().map(clean),
        labels: d
            .labels
            .iter()
            .map(|l| crate::diagnostics::Label {
                message: clean(&l.message),
                span: l.span,
            })
            .collect(),
        help: d.help.as_deref().map(clean),
        notes: d.notes.iter().map(|n| clean(n)).collect(),
        ..d.clone()
    }
}

/// The `json` format: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
pub fn to_json(reports: &[FileReport]) -> serde_json::Value {
    let diagnostics: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .map(move |d| diagnostic_json(&r.source, d))
        })
        .collect();
    json!({"version": 1, "diagnostics": diagnostics, "summary": Summary::of(reports)})
}

fn diagnostic_json(source: &Source, d: &Diagnostic) -> serde_json::Value {
    let d = &redacted(d);
    let mut labels: Vec<serde_json::Value> = Vec::new();
    if let Some(label) = &d.primary_label {
        labels.push(json!({"message": label, "span": span_json(source, d.span)}));
    }
    labels.extend(
        d.labels
            .iter()
            .map(|l| json!({"message": l.message, "span": span_json(source, l.span)})),
    );
    json!({
        "file": source.name,
        "rule": d.rule,
        "severity": d.severity,
        "message": d.message,
        "help": d.help,
        "notes": d.notes,
        "path": d.path,
        "span": span_json(source, d.span),
        "labels": labels,
    })
}

/// The `github` format: one workflow command per finding.
pub fn to_github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in report.diagnostics.iter().map(redacted) {
            let start = report.source.position(d.span.start);
            let end = report.source.position(d.span.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&report.source.name),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.rule.as_str()),
                escape_data(&message),
            ));
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The `human` format: a miette code frame per finding, then nothing else (the caller prints
/// the summary line).
pub fn to_human(reports: &[FileReport], color: bool) -> String {
    use miette::{
        GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource,
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for report in reports {
        let text = crate::diagnostics::secrets::redact(&report.source.text).into_owned();
        for d in report.diagnostics.iter().map(redacted) {
            let start = report.source.position(d.span.start);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}]: {}\n",
                report.source.name, start.line, start.column, d.severity, d.rule, d.message
            ));
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                d.primary_label.clone(),
                (d.span.start, d.span.len()),
            )];
            labels.extend(d.labels.iter().map(|l| {
                LabeledSpan::new_with_span(Some(l.message.clone()), (l.span.start, l.span.len()))
            }));
            let mut help = d.help.clone().unwrap_or_default();
            for note in &d.notes {
                if !help.is_empty() {
                    help.push('\n');
                }
                help.push_str("note: ");
                help.push_str(note);
            }
            let mut diagnostic = MietteDiagnostic::new(d.message.clone())
                .with_severity(match d.severity {
                    Severity::Error => miette::Severity::Error,
                    Severity::Warning => miette::Severity::Warning,
                    Severity::Note => miette::Severity::Advice,
                })
                .with_labels(labels);
            if !help.is_empty() {
                diagnostic = diagnostic.with_help(help);
            }
            let report_with_source = miette::Report::new(diagnostic)
                .with_source_code(NamedSource::new(report.source.name.clone(), text.clone()));
            let mut frame = String::new();
            if handler
                .render_report(&mut frame, report_with_source.as_ref())
                .is_ok()
            {
                out.push_str(&frame);
            }
            out.push('\n');
        }
    }
    out
}

/// SARIF 2.1.0: one run, the rules that fired with their metadata, one result per finding.
pub fn to_sarif(reports: &[FileReport]) -> serde_json::Value {
    let mut rule_ids: Vec<RuleId> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.rule))
        .collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<serde_json::Value> = rule_ids
        .iter()
        .map(|id| {
            let rule = id.rule();
            json!({
                "id": rule.id,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.explanation},
                "help": {"text": crate::diagnostics::rules::explain(rule)},
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
            })
        })
        .collect();
    let rule_ids = &rule_ids;
    let results: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics.iter().map(redacted).map(move |d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                let related: Vec<serde_json::Value> = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({"id": i, "message": {"text": l.message}, "physicalLocation": sarif_location(&r.source, l.span)})
                    })
                    .collect();
                let mut result = json!({
                    "ruleId": d.rule,
                    "ruleIndex": rule_ids.binary_search(&d.rule).unwrap_or(0),
                    "level": sarif_level(d.severity),
                    "message": {"text": message},
                    "locations": [{"physicalLocation": sarif_location(&r.source, d.span)}],
                });
                if !related.is_empty() {
                    result["relatedLocations"] = json!(related);
                }
                if let Some(path) = &d.path {
                    result["locations"][0]["logicalLocations"] =
                        json!([{"fullyQualifiedName": path, "kind": "member"}]);
                }
                result
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "entramap",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn sarif_location(source: &Source, span: Span) -> serde_json::Value {
    let start = source.position(span.start);
    let end = source.position(span.end);
    json!({
        "artifactLocation": {"uri": source.name.replace('\\', "/")},
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": start.offset,
            "byteLength": end.offset.saturating_sub(start.offset),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        let source = Source::new("f", "ab\nZoë [x]\n");
        assert_eq!(
            source.position(0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        assert_eq!(
            source.position(3),
            Position {
                line: 2,
                column: 1,
                offset: 3
            }
        );
        let x = source.text.find("[x]").unwrap_or(0);
        assert_eq!(
            source.position(x),
            Position {
                line: 2,
                column: 5,
                offset: x
            }
        );
    }

    #[test]
    fn github_escapes_newlines_and_separators() {
        assert_eq!(escape_data("a\nb%"), "a%0Ab%25");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
