//! Findings: the one diagnostic type every layer reports with, the source text it points into
//! (with line and column lookup), and the findings of one file, independent of any renderer.

use serde::Serialize;
use std::fmt;

/// A half-open byte range `start..end` in some source text (an expression or a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The number of bytes covered.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for a zero-width span (a position).
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The same span moved `by` bytes to the right.
    pub const fn shift(self, by: usize) -> Self {
        Span::new(self.start + by, self.end + by)
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Self {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless asked.
    Note,
    /// Probably wrong, or wrong according to only some of Microsoft's docs.
    Warning,
    /// Entra rejects this, or it cannot work.
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location with its own message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// What this location has to do with the finding.
    pub message: String,
    /// Where it is.
    pub span: Span,
}

/// An edit that is certain to be what the author meant (a function name's letter case, a
/// Connect Sync function's one-to-one equivalent, a did-you-mean with exactly one closest
/// candidate): `entramap lint --fix` and the language server's quick fixes apply it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the edit does, such as "write `ToLower`".
    pub title: String,
    /// The range replaced (in the same text as the diagnostic's span).
    pub span: Span,
    /// The replacement text.
    pub replacement: String,
}

impl Fix {
    /// Replaces the word `written` at `span` by `replacement`, when `span` covers `written`
    /// exactly or with one delimiter on each side (quotes of a YAML or JSON scalar, the
    /// brackets of `[attribute]`); `None` when the file spells it otherwise (escapes).
    pub fn replace_word(span: Span, written: &str, replacement: &str) -> Option<Fix> {
        let span = if span.len() == written.len() {
            span
        } else if span.len() == written.len() + 2 {
            Span::new(span.start + 1, span.end - 1)
        } else {
            return None;
        };
        Some(Fix {
            title: format!("write `{replacement}`"),
            span,
            replacement: replacement.to_owned(),
        })
    }
}

/// One finding: a rule id, a severity, a primary span, optional labels, help and notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case rule id (see [`crate::rules`]).
    pub rule: &'static str,
    /// The severity (the rule's default unless configured otherwise).
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// The offending range.
    pub span: Span,
    /// The text under the primary span's caret, if any.
    pub primary_label: Option<String>,
    /// Further locations.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Background facts.
    pub notes: Vec<String>,
    /// The attribute mapping the finding belongs to, such as `users[3]` (the fourth user
    /// mapping), for readers of machine output; `None` for findings about a whole file or
    /// expression.
    pub path: Option<String>,
    /// The certain fix, when there is one.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic for `rule` with its default severity from the rule table.
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: crate::rules::default_severity(rule),
            message: message.into(),
            span,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            path: None,
            fix: None,
        }
    }

    /// Sets the text shown under the primary span.
    pub fn with_primary_label(mut self, label: impl Into<String>) -> Self {
        self.primary_label = Some(label.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            message: message.into(),
            span,
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the certain fix (nothing when `fix` is `None`).
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Moves every span of this diagnostic through `map` (used to place expression spans in files).
    pub fn map_spans(mut self, mut map: impl FnMut(Span) -> Span) -> Self {
        self.span = map(self.span);
        for label in &mut self.labels {
            label.span = map(label.span);
        }
        if let Some(fix) = &mut self.fix {
            fix.span = map(fix.span);
        }
        self
    }
}

/// A text that diagnostics point into: a file, or an expression given on the command line.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown to users (`<expression>` for `entramap check`).
    pub name: String,
    /// The text.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A resolved position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in Unicode characters.
    pub column: usize,
    /// Byte offset.
    pub offset: usize,
}

impl Source {
    /// A source with this name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The line, column and offset of a byte offset (clamped to the text and to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line,
            column,
            offset,
        }
    }
}

/// Diagnostics of one source.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The source the spans point into.
    pub source: Source,
    /// Its findings, in order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files (or expressions) looked at.
    pub files: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Summary {
    /// Counts the findings of these reports.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut summary = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Note => summary.notes += 1,
            }
        }
        summary
    }

    /// Whether any finding is at or above `level`.
    pub fn fails(&self, level: Severity) -> bool {
        match level {
            Severity::Error => self.errors > 0,
            Severity::Warning => self.errors + self.warnings > 0,
            Severity::Note => self.errors + self.warnings + self.notes > 0,
        }
    }
}
