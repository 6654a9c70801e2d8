//! Rendering findings: `human` (miette code frames), `json`, `github` workflow commands and SARIF
//! 2.1.0, with 1-based lines and Unicode-character columns computed from byte spans.

use crate::base::text::{escape_controls, Span};
pub use crate::base::text::{Position, SourceText};
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
pub fn span_json(source: &SourceText, span: Span) -> serde_json::Value {
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

/// Writes the `json` format to `out` one finding at a time, never holding the whole document:
/// the same text as pretty-printing [`to_json`], with `summary_extra` added to the summary.
pub fn write_json(
    reports: &[FileReport],
    summary_extra: &[(&str, serde_json::Value)],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_json_with(reports, summary_extra, &[], out)
}

/// [`write_json`] with `document_extra` keys after the summary (`lint` adds `suppressed`).
pub fn write_json_with(
    reports: &[FileReport],
    summary_extra: &[(&str, serde_json::Value)],
    document_extra: &[(&str, serde_json::Value)],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    out.write_all(b"{\n  \"version\": 1,\n  \"diagnostics\": [")?;
    let mut first = true;
    for report in reports {
        for d in &report.diagnostics {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            let text = serde_json::to_string_pretty(&diagnostic_json(&report.source, d))?;
            write_indented(out, &text, "    ")?;
        }
    }
    out.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    let mut summary = serde_json::to_value(Summary::of(reports))?;
    if let Some(object) = summary.as_object_mut() {
        for (key, value) in summary_extra {
            object.insert((*key).to_owned(), value.clone());
        }
    }
    let summary = [("summary", summary)];
    for (i, (key, value)) in summary.iter().chain(document_extra).enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        out.write_all(format!("  {}: ", serde_json::Value::from(*key)).as_bytes())?;
        let text = serde_json::to_string_pretty(value)?;
        let (first_line, rest) = text.split_once('\n').unwrap_or((&text, ""));
        out.write_all(first_line.as_bytes())?;
        if !rest.is_empty() {
            out.write_all(b"\n")?;
            write_indented(out, rest, "  ")?;
        }
    }
    out.write_all(b"\n}\n")
}

/// Writes `text` with `indent` before each line (pretty JSON has no line break inside a string).
fn write_indented(out: &mut dyn std::io::Write, text: &str, indent: &str) -> std::io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(indent.as_bytes())?;
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// One finding of `source` as the `json` format writes it (secrets masked).
pub fn diagnostic_json(source: &SourceText, d: &Diagnostic) -> serde_json::Value {
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
            let mut message = escape_controls(&d.message).into_owned();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(&escape_controls(help));
            }
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&escape_controls(&report.source.name)),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.rule.as_str()),
                escape_data(&message),
            ));
        }
        if let Some(text) = omitted_text(report) {
            out.push_str(&format!(
                "::notice file={}::{}\n",
                escape_property(&escape_controls(&report.source.name)),
                escape_data(&escape_controls(&text)),
            ));
        }
    }
    out
}

/// "N more findings not listed" for a file whose findings were capped.
fn omitted_text(report: &FileReport) -> Option<String> {
    let omitted = report.omitted_count();
    (omitted > 0).then(|| {
        format!(
            "{}: {omitted} more findings not listed (at most {} a file); they are counted in the summary",
            report.source.name,
            crate::diagnostics::MAX_FINDINGS_PER_FILE
        )
    })
}

/// Escapes the message of a GitHub Actions workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property (`file=`, `title=`) of a GitHub Actions workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The `human` format: a miette code frame per finding, then nothing else (the caller prints
/// the summary line). See [`crate::diagnostics::human`].
pub fn to_human(reports: &[FileReport], color: bool) -> String {
    crate::diagnostics::human::to_human(reports, color)
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
    let mut sarif = json!({
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
    });
    let notices: Vec<serde_json::Value> = reports
        .iter()
        .filter_map(omitted_text)
        .map(|text| json!({"level": "note", "message": {"text": text}}))
        .collect();
    if !notices.is_empty() {
        sarif["runs"][0]["invocations"] =
            json!([{"executionSuccessful": true, "toolExecutionNotifications": notices}]);
    }
    sarif
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn sarif_location(source: &SourceText, span: Span) -> serde_json::Value {
    let start = source.position(span.start);
    let end = source.position(span.end);
    json!({
        "artifactLocation": {"uri": sarif_uri(&source.name)},
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

/// A file name as a SARIF `uri` (an RFC 3986 URI reference): `\\` as `/`, every byte outside
/// the unreserved characters and `/` percent-encoded, and an absolute path as a `file://` URI.
fn sarif_uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let drive =
        path.len() >= 2 && path.as_bytes()[0].is_ascii_alphabetic() && path.as_bytes()[1] == b':';
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && i == 1)
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        let source = SourceText::new("f", "ab\nZoë [x]\n");
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
    fn streamed_json_is_the_pretty_document() {
        use crate::diagnostics::Diagnostic;
        let source = SourceText::new("a b.yaml", "x: [1]\ny: \"\\u001b\"\n");
        let findings = vec![
            Diagnostic::new(RuleId::UnknownKey, Span::new(0, 1), "unknown key `x`")
                .with_primary_label("here")
                .with_label(Span::new(7, 8), "and \u{1b} here")
                .with_note("note"),
            Diagnostic::new(RuleId::UnknownKey, Span::new(7, 8), "unknown key `y`"),
        ];
        for reports in [
            vec![FileReport::new(source.clone(), findings)],
            vec![FileReport::new(source, Vec::new())],
        ] {
            let mut streamed = Vec::new();
            write_json(&reports, &[("mappings", json!(3))], &mut streamed).expect("written");
            let mut document = to_json(&reports);
            document["summary"]["mappings"] = json!(3);
            let expected = format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
            assert_eq!(String::from_utf8_lossy(&streamed), expected);
        }
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(sarif_uri("dir/a b#1%.yaml"), "dir/a%20b%231%25.yaml");
        assert_eq!(sarif_uri("/tmp/ü.yaml"), "file:///tmp/%C3%BC.yaml");
        assert_eq!(sarif_uri("C:\\m\\x.yaml"), "file:///C:/m/x.yaml");
    }

    #[test]
    fn github_escapes_newlines_and_separators() {
        assert_eq!(escape_data("a\nb%"), "a%0Ab%25");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
