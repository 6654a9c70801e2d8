//! Findings: the one diagnostic type every layer reports with, and the findings of one file,
//! independent of any renderer.

use super::rules::RuleId;
use super::severity::Severity;
use crate::base::text::{SourceText, Span};
use serde::Serialize;

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
/// candidate): the language server's quick fixes apply it, and a `lint --fix` can.
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
    /// The rule (see [`crate::diagnostics::rules`]).
    pub rule: RuleId,
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
    pub fn new(rule: RuleId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity(),
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

/// Findings of one file kept for output; the rest are only counted (see [`FileReport::cap`]), so
/// that a file of a few megabytes with a finding every few bytes costs bounded memory and output.
pub const MAX_FINDINGS_PER_FILE: usize = 10_000;

/// Findings of one rule left out of a [`FileReport`] past [`MAX_FINDINGS_PER_FILE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Omitted {
    /// The rule.
    pub rule: RuleId,
    /// Their severity.
    pub severity: Severity,
    /// How many.
    pub count: usize,
}

/// Diagnostics of one source.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The source the spans point into.
    pub source: SourceText,
    /// Its findings, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings counted but not kept, by rule (empty unless [`FileReport::cap`] dropped some).
    pub omitted: Vec<Omitted>,
}

impl FileReport {
    /// The findings of `source`, none omitted.
    pub fn new(source: SourceText, diagnostics: Vec<Diagnostic>) -> Self {
        FileReport {
            source,
            diagnostics,
            omitted: Vec::new(),
        }
    }

    /// Keeps the first `max` findings and counts the rest by rule in [`FileReport::omitted`].
    pub fn cap(&mut self, max: usize) {
        if self.diagnostics.len() <= max {
            return;
        }
        for d in self.diagnostics.drain(max..) {
            match self
                .omitted
                .iter_mut()
                .find(|o| o.rule == d.rule && o.severity == d.severity)
            {
                Some(o) => o.count += 1,
                None => self.omitted.push(Omitted {
                    rule: d.rule,
                    severity: d.severity,
                    count: 1,
                }),
            }
        }
        self.diagnostics.shrink_to_fit();
    }

    /// How many findings were left out.
    pub fn omitted_count(&self) -> usize {
        self.omitted.iter().map(|o| o.count).sum()
    }
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
    /// Findings counted above but left out of the output (see [`MAX_FINDINGS_PER_FILE`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Counts the findings of these reports.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut summary = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        let kept = reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| (d.severity, 1));
        let omitted = reports
            .iter()
            .flat_map(|r| &r.omitted)
            .map(|o| (o.severity, o.count));
        summary.omitted = reports.iter().map(FileReport::omitted_count).sum();
        for (severity, count) in kept.chain(omitted) {
            match severity {
                Severity::Error => summary.errors += count,
                Severity::Warning => summary.warnings += count,
                Severity::Note => summary.notes += count,
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
