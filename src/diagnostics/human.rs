//! The `human` format: a miette code frame per finding, built from an excerpt of the file so that
//! every frame costs time in proportion to itself, whatever the size of the file.
//!
//! Each frame shows only the lines around its spans. A line wider than [`MAX_LINE_BYTES`] is
//! clipped around the spans on it, with `…` where text is left out (as compilers do), so no width
//! ever reaches what the terminal renderer can pad. Control characters of the file, of messages
//! and of names are written as escapes (`\u{1b}`, `\n`): nothing from a file can move the
//! cursor, clear a screen or start a CI workflow command. Secret-looking tokens are masked.
//! Above [`GROUP_ABOVE`] findings in one file, the findings of each rule are grouped: the first
//! one's frame, then how many more there are and where.

use crate::base::text::{escape_controls, push_escaped, SourceText, Span};
use crate::diagnostics::secrets;
use crate::diagnostics::{Diagnostic, FileReport, RuleId, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;

/// Findings of one file above which they are grouped by rule (one frame a rule, with a count).
pub const GROUP_ABOVE: usize = 100;

/// Widest line of a file shown whole in a frame, in bytes; wider lines are clipped.
const MAX_LINE_BYTES: usize = 160;

/// Bytes of a clipped line kept on either side of a span's start and end.
const MARGIN: usize = 40;

/// Longest message, label, help or note shown, in characters.
const MAX_TEXT_CHARS: usize = 2_000;

/// Lines of file between two spans of one finding shown rather than skipped.
const BRIDGE: usize = 4;

/// A span over more lines than this is shown by its first line only.
const MAX_SPAN_LINES: usize = 12;

/// Labels of one finding shown (the rest are left out of the frame).
const MAX_LABELS: usize = 16;

/// Positions (`line:column`) listed for the grouped findings of one rule.
const LISTED_LINES: usize = 10;

/// `text` for a terminal: control characters escaped, secrets masked, at most
/// [`MAX_TEXT_CHARS`] characters.
pub fn printable(text: &str) -> Cow<'_, str> {
    let clipped = match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((at, _)) => Cow::Owned(format!(
            "{}… ({} more characters)",
            &text[..at],
            text[at..].chars().count()
        )),
        None => Cow::Borrowed(text),
    };
    let masked = match secrets::redact(&clipped) {
        Cow::Borrowed(_) => clipped,
        Cow::Owned(masked) => Cow::Owned(masked),
    };
    match escape_controls(&masked) {
        Cow::Borrowed(_) => masked,
        Cow::Owned(escaped) => Cow::Owned(escaped),
    }
}

/// Renders `reports` as code frames (the caller prints the summary line).
pub fn to_human(reports: &[FileReport], color: bool) -> String {
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
        let name = printable(&report.source.name).into_owned();
        let secrets = secrets::find(&report.source.text);
        let masked;
        let report = if secrets.is_empty() {
            report
        } else {
            masked = FileReport {
                source: SourceText::new(
                    report.source.name.clone(),
                    secrets::mask(&report.source.text, &secrets),
                ),
                diagnostics: report.diagnostics.clone(),
                omitted: report.omitted.clone(),
            };
            &masked
        };
        if report.diagnostics.len() + report.omitted_count() <= GROUP_ABOVE {
            for d in &report.diagnostics {
                render(&handler, &report.source, &name, d, &mut out);
            }
        } else {
            render_grouped(&handler, report, &name, &mut out);
        }
    }
    out
}

/// One frame for the first finding of each rule, then how many more the rule has and where.
fn render_grouped(
    handler: &GraphicalReportHandler,
    report: &FileReport,
    name: &str,
    out: &mut String,
) {
    let mut rules: Vec<(RuleId, Vec<&Diagnostic>)> = Vec::new();
    let mut slot: rustc_hash::FxHashMap<RuleId, usize> = rustc_hash::FxHashMap::default();
    for d in &report.diagnostics {
        let i = *slot.entry(d.rule).or_insert_with(|| {
            rules.push((d.rule, Vec::new()));
            rules.len() - 1
        });
        rules[i].1.push(d);
    }
    for (rule, found) in &rules {
        let Some(first) = found.first() else { continue };
        render(handler, &report.source, name, first, out);
        let omitted: usize = report
            .omitted
            .iter()
            .filter(|o| o.rule == *rule)
            .map(|o| o.count)
            .sum();
        let more = found.len() - 1 + omitted;
        if more == 0 {
            continue;
        }
        let lines: Vec<String> = found[1..]
            .iter()
            .take(LISTED_LINES)
            .map(|d| {
                let at = report.source.position(d.span.start);
                format!("{}:{}", at.line, at.column)
            })
            .collect();
        let unlisted = more - lines.len();
        let tail = if unlisted > 0 {
            format!(" and {unlisted} more")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{name}: {more} more {rule} finding(s), at {}{tail}\n\n",
            lines.join(", ")
        ));
    }
    for omitted in &report.omitted {
        if !rules.iter().any(|(rule, _)| *rule == omitted.rule) {
            out.push_str(&format!(
                "{name}: {} more {} finding(s) not listed (at most {} a file)\n\n",
                omitted.count,
                omitted.rule,
                crate::diagnostics::MAX_FINDINGS_PER_FILE
            ));
        }
    }
}

/// Appends the header line and code frame of `d`.
fn render(
    handler: &GraphicalReportHandler,
    source: &SourceText,
    name: &str,
    d: &Diagnostic,
    out: &mut String,
) {
    let start = source.position(d.span.start);
    let message = printable(&d.message);
    out.push_str(&format!(
        "{name}:{}:{}: {}[{}]: {message}\n",
        start.line, start.column, d.severity, d.rule
    ));
    let mut spans = vec![(d.span, d.primary_label.as_deref(), true)];
    spans.extend(
        d.labels
            .iter()
            .take(MAX_LABELS)
            .map(|l| (l.span, Some(l.message.as_str()), false)),
    );
    let spans: Vec<(Span, Option<&str>, bool)> = spans
        .into_iter()
        .map(|(span, label, primary)| (shown_span(source, span), label, primary))
        .collect();
    let all: Vec<Span> = spans.iter().map(|s| s.0).collect();
    let spans: Vec<(Span, Option<&str>, bool)> = spans
        .into_iter()
        .map(|(span, label, primary)| (outside_nested(&source.text, span, &all), label, primary))
        .collect();
    let excerpt = Excerpt::new(source, name, spans.iter().map(|s| s.0));
    let labels: Vec<LabeledSpan> = spans
        .iter()
        .map(|&(span, label, primary)| {
            let label = label.map(|l| printable(l).into_owned());
            let at = excerpt.map_span(span);
            if primary {
                LabeledSpan::new_primary_with_span(label, at)
            } else {
                LabeledSpan::new_with_span(label, at)
            }
        })
        .collect();
    let mut help = d
        .help
        .as_deref()
        .map(printable)
        .unwrap_or_default()
        .into_owned();
    for note in &d.notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str("note: ");
        help.push_str(&printable(note));
    }
    let mut diagnostic = MietteDiagnostic::new(message.into_owned())
        .with_severity(match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
        .with_labels(labels);
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help);
    }
    let report = miette::Report::new(diagnostic).with_source_code(excerpt);
    let mut frame = String::new();
    if handler.render_report(&mut frame, report.as_ref()).is_ok() {
        out.push_str(&frame);
    }
    out.push('\n');
}

/// The part of `span` to underline when other labelled spans lie inside it on the same line:
/// the code frame cannot draw nested underlines on one line (the inner labels end up at the
/// outer one's end), so the outer label is drawn under its characters before the first inner
/// span (or after the last one, when an inner span starts where it starts).
fn outside_nested(text: &str, span: Span, spans: &[Span]) -> Span {
    let one_line = text
        .get(span.start..span.end)
        .is_some_and(|t| !t.contains('\n'));
    let inner: Vec<Span> = spans
        .iter()
        .copied()
        .filter(|o| *o != span && span.start <= o.start && o.end <= span.end && !o.is_empty())
        .collect();
    if !one_line || inner.is_empty() {
        return span;
    }
    let first = inner.iter().map(|o| o.start).min().unwrap_or(span.start);
    let last = inner.iter().map(|o| o.end).max().unwrap_or(span.end);
    let gap = |c: char| c.is_whitespace() || c == ',';
    let part = |start: usize, end: usize| {
        let piece = text.get(start..end).unwrap_or_default();
        let trimmed = piece.trim_end_matches(gap);
        let lead = trimmed.len() - trimmed.trim_start_matches(gap).len();
        Span::new(start + lead, start + trimmed.len())
    };
    let before = part(span.start, first);
    let after = part(last, span.end);
    if !before.is_empty() {
        before
    } else if !after.is_empty() {
        after
    } else {
        span
    }
}

/// `span` within the text, and cut to its first line when it covers more than
/// [`MAX_SPAN_LINES`] lines.
fn shown_span(source: &SourceText, span: Span) -> Span {
    let len = source.text.len();
    let mut start = span.start.min(len);
    while !source.text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, len);
    while !source.text.is_char_boundary(end) {
        end += 1;
    }
    let first = source.line_index(start);
    if source.line_index(end) > first + MAX_SPAN_LINES {
        end = source
            .line_range(first)
            .map_or(start, |line| line.end.max(start));
    }
    Span::new(start, end)
}

/// One shown line of an excerpt.
#[derive(Debug)]
struct ShownLine {
    /// 0-based line index in the file.
    number: usize,
    /// Byte range in the excerpt's text, without the line break.
    start: usize,
    end: usize,
    /// Which run of consecutive file lines it belongs to.
    region: usize,
    /// `(file offset, excerpt offset, 0-based file column)` at every character boundary kept,
    /// in order.
    map: Vec<(usize, usize, usize)>,
}

/// The lines of a file that one frame shows, clipped and escaped, as a miette source whose line
/// numbers and columns are the file's.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    lines: Vec<ShownLine>,
    /// Per region: the index of its last shown line.
    region_ends: Vec<usize>,
}

impl Excerpt {
    fn new(source: &SourceText, name: &str, spans: impl Iterator<Item = Span> + Clone) -> Self {
        let last_line = source.line_count().saturating_sub(1);
        let mut ranges: Vec<(usize, usize)> = spans
            .clone()
            .map(|span| {
                let first = source.line_index(span.start);
                let last = source.line_index(span.end.saturating_sub(1).max(span.start));
                (first.saturating_sub(1), (last + 1).min(last_line))
            })
            .collect();
        ranges.sort_unstable();
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for (first, last) in ranges {
            match regions.last_mut() {
                Some(region) if first <= region.1 + 1 + BRIDGE => region.1 = region.1.max(last),
                _ => regions.push((first, last)),
            }
        }
        let mut excerpt = Excerpt {
            name: name.to_owned(),
            text: String::new(),
            lines: Vec::new(),
            region_ends: Vec::new(),
        };
        for (region, &(first, last)) in regions.iter().enumerate() {
            for number in first..=last {
                let Some(range) = source.line_range(number) else {
                    continue;
                };
                if !excerpt.lines.is_empty() {
                    excerpt.text.push('\n');
                }
                let pieces = kept_pieces(source, range, spans.clone());
                excerpt.push_line(source, number, region, range, &pieces);
            }
            excerpt
                .region_ends
                .push(excerpt.lines.len().saturating_sub(1));
        }
        excerpt
    }

    fn push_line(
        &mut self,
        source: &SourceText,
        number: usize,
        region: usize,
        range: Span,
        pieces: &[Span],
    ) {
        let start = self.text.len();
        let mut map = Vec::new();
        let mut at = range.start;
        let mut column = 0;
        for piece in pieces {
            if piece.start > at {
                map.push((at, self.text.len(), column));
                self.text.push('…');
                column = source.position(piece.start).column - 1;
            }
            for (i, c) in source.text[piece.start..piece.end].char_indices() {
                map.push((piece.start + i, self.text.len(), column));
                if c == '\t' {
                    self.text.push(c);
                } else {
                    push_escaped(&mut self.text, c);
                }
                column += 1;
            }
            at = piece.end;
        }
        if at < range.end {
            map.push((at, self.text.len(), column));
            self.text.push('…');
            column = source.position(range.end).column - 1;
        }
        map.push((range.end, self.text.len(), column));
        self.lines.push(ShownLine {
            number,
            start,
            end: self.text.len(),
            region,
            map,
        });
    }

    /// The excerpt span of a file span.
    fn map_span(&self, span: Span) -> SourceSpan {
        let start = self.map_offset(span.start);
        let end = self.map_offset(span.end).max(start);
        SourceSpan::new(start.into(), end - start)
    }

    fn map_offset(&self, offset: usize) -> usize {
        let line = self
            .lines
            .partition_point(|l| l.map.first().is_some_and(|&(o, _, _)| o <= offset))
            .saturating_sub(1);
        let Some(line) = self.lines.get(line) else {
            return 0;
        };
        let i = line
            .map
            .partition_point(|&(o, _, _)| o <= offset)
            .saturating_sub(1);
        line.map.get(i).map_or(line.start, |&(_, v, _)| v)
    }

    /// The shown line holding excerpt offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// The file column (0-based, in characters) of excerpt offset `offset`.
    fn column_at(&self, offset: usize) -> usize {
        let Some(line) = self.lines.get(self.line_at(offset)) else {
            return 0;
        };
        let i = line
            .map
            .partition_point(|&(_, v, _)| v <= offset)
            .saturating_sub(1);
        line.map.get(i).map_or(0, |&(_, _, column)| column)
    }
}

/// The byte ranges of a line that a frame shows: all of it when it is narrow, else the text
/// around the starts and ends of the spans on it, merged.
fn kept_pieces(source: &SourceText, line: Span, spans: impl Iterator<Item = Span>) -> Vec<Span> {
    if line.len() <= MAX_LINE_BYTES {
        return vec![line];
    }
    let text = &source.text;
    let floor = |mut at: usize| {
        at = at.clamp(line.start, line.end);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let ceil = |mut at: usize| {
        at = at.clamp(line.start, line.end);
        while !text.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    let mut pieces: Vec<Span> = Vec::new();
    for span in spans {
        if span.end < line.start || span.start > line.end {
            continue;
        }
        let start = span.start.max(line.start);
        let end = span.end.min(line.end);
        pieces.push(Span::new(
            floor(start.saturating_sub(MARGIN)),
            ceil(start.saturating_add(2 * MARGIN)),
        ));
        pieces.push(Span::new(
            floor(end.saturating_sub(MARGIN)),
            ceil(end.saturating_add(MARGIN)),
        ));
    }
    if pieces.is_empty() {
        pieces.push(Span::new(line.start, ceil(line.start + 2 * MARGIN)));
    }
    pieces.sort_unstable();
    let mut merged: Vec<Span> = Vec::new();
    for piece in pieces {
        match merged.last_mut() {
            Some(last) if piece.start <= last.end + 8 => last.end = last.end.max(piece.end),
            _ => merged.push(piece),
        }
    }
    merged
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(span.offset());
        let last = self.line_at(
            (span.offset() + span.len())
                .saturating_sub(1)
                .max(span.offset()),
        );
        let region = self.lines[first].region;
        let region_start = self.lines.partition_point(|l| l.region < region);
        let region_end = self.region_ends[region];
        let from = first.saturating_sub(context_lines_before).max(region_start);
        let to = (last + context_lines_after).min(region_end).max(from);
        let (data_start, column) = if context_lines_before == 0 && context_lines_after == 0 {
            (span.offset(), self.column_at(span.offset()))
        } else {
            (self.lines[from].start, 0)
        };
        let mut data_end = self.lines[to].end;
        if to + 1 < self.lines.len() {
            data_end += 1;
        }
        let data_end = data_end.max(span.offset() + span.len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            self.lines[from].number,
            column,
            self.lines[region_end].number + 1 - self.lines[from].number,
        )))
    }
}
