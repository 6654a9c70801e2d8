//! The renderers of a [`Diff`]: human text, one JSON document, a Markdown table for a pull
//! request comment, GitHub Actions annotations.

use super::{Change, ChangeKind, Diff, Risk};
use crate::expr::source::ObjectKind;
use crate::model::MappingFile;
use std::fmt::Write as _;

/// Output formats of `entramap diff`.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffFormat {
    /// For people.
    #[default]
    Human,
    /// One JSON document (`{"version": 1, "changes": [...], "summary": {...}}`).
    Json,
    /// A Markdown table, for a pull request comment.
    Markdown,
    /// GitHub Actions annotations on the changed lines of the new file ([`github`]).
    Github,
}

/// Renders a diff. The human text lists the changes only; the command line adds its summary
/// line ([`Diff::risky_count`], [`Diff::highest`]).
pub fn render(diff: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Human => human(diff),
        DiffFormat::Json => {
            let document = serde_json::json!({
                "version": 1,
                "changes": diff.changes.iter().map(|c| {
                    let mut v = serde_json::to_value(c).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("risk".into(), serde_json::to_value(c.risk()).unwrap_or_default());
                    }
                    v
                }).collect::<Vec<_>>(),
                "summary": {
                    "changes": diff.changes.len(),
                    "risky": diff.risky_count(),
                    "highest": diff.highest(),
                },
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            )
        }
        DiffFormat::Markdown => markdown(diff),
        DiffFormat::Github => github(diff, None),
    }
}

/// The new file of a diff, for the lines of [`github`]'s annotations.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    /// Its name as the annotations give it (the path in the repository).
    pub name: &'a str,
    /// Its model.
    pub file: &'a MappingFile,
    /// Its text.
    pub text: &'a str,
}

impl NewFile<'_> {
    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// The line a change is about in the new file: the attribute mapping or the scoping
    /// filter it changes, else the object mapping, else the first line (a removed mapping has
    /// no line of its own).
    fn line_of(&self, change: &Change) -> usize {
        let object = match change.object {
            Some("users") => Some(self.file.object(ObjectKind::User)),
            Some("groups") => Some(self.file.object(ObjectKind::Group)),
            _ => None,
        };
        let Some(object) = object.filter(|o| o.present) else {
            return 1;
        };
        let span = match change.subject.as_str() {
            "scoping" => object.scoping.iter().flatten().next().map(|c| c.span),
            "enabled" => object.enabled_span,
            subject => object
                .mappings
                .iter()
                .find(|m| m.target.value == subject)
                .map(|m| m.span),
        };
        self.line(span.unwrap_or(object.span).start)
    }
}

/// GitHub Actions annotations, one a change: `error` for a high risk, `warning` for a medium
/// or low one, `notice` for a change without risk, on the line of the new file the change is
/// about (with `new`; without it, not located).
pub fn github(diff: &Diff, new: Option<NewFile<'_>>) -> String {
    use crate::diagnostics::report::{escape_data, escape_property};
    let mut out = String::new();
    for c in &diff.changes {
        let level = match c.risk() {
            Some(Risk::High) => "error",
            Some(Risk::Medium | Risk::Low) => "warning",
            None => "notice",
        };
        let where_ = c.object.map(|o| format!("{o}: ")).unwrap_or_default();
        let title = format!("{where_}{} {}", kind_word(c.kind), c.subject);
        let mut message = String::new();
        if let Some(before) = &c.before {
            let _ = writeln!(message, "- {before}");
        }
        if let Some(after) = &c.after {
            let _ = writeln!(message, "+ {after}");
        }
        for e in &c.effects {
            let _ = writeln!(message, "[{}] {}: {}", e.risk.as_str(), e.id, e.message);
        }
        let location = new
            .map(|n| format!("file={},line={},", escape_property(n.name), n.line_of(c)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{level} {location}title={}::{}",
            escape_property(&title),
            escape_data(message.trim_end())
        );
    }
    out
}

fn kind_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
}

fn human(diff: &Diff) -> String {
    if diff.is_empty() {
        return "No changes.\n".to_owned();
    }
    let mut out = String::new();
    for c in &diff.changes {
        let where_ = c.object.map(|o| format!("{o}: ")).unwrap_or_default();
        let _ = writeln!(out, "{where_}{} {}", kind_word(c.kind), c.subject);
        if let Some(before) = &c.before {
            let _ = writeln!(out, "  - {before}");
        }
        if let Some(after) = &c.after {
            let _ = writeln!(out, "  + {after}");
        }
        for e in &c.effects {
            let _ = writeln!(out, "  [{}] {}: {}", e.risk.as_str(), e.id, e.message);
        }
    }
    out
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(diff: &Diff) -> String {
    let mut out = String::from("### entramap diff\n\n");
    if diff.is_empty() {
        out.push_str("No changes to the provisioning mapping.\n");
        return out;
    }
    let highest = diff.highest().map_or("none", Risk::as_str);
    let _ = writeln!(
        out,
        "{} change{}; highest risk: **{highest}**.\n",
        diff.changes.len(),
        if diff.changes.len() == 1 { "" } else { "s" }
    );
    out.push_str("| Risk | Object | Change | Before | After | Effect on the running job |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for c in &diff.changes {
        let risk = c.risk().map_or(String::new(), |r| match r {
            Risk::High => "**high**".to_owned(),
            other => other.as_str().to_owned(),
        });
        let effects: Vec<String> = c
            .effects
            .iter()
            .map(|e| format!("`{}` {}", e.id, md(&e.message)))
            .collect();
        let code = |v: &Option<String>| {
            v.as_deref()
                .map_or(String::new(), |v| format!("`{}`", md(v).replace('`', "'")))
        };
        let _ = writeln!(
            out,
            "| {risk} | {} | {} `{}` | {} | {} | {} |",
            c.object.unwrap_or("file"),
            kind_word(c.kind),
            md(&c.subject),
            code(&c.before),
            code(&c.after),
            effects.join("<br>")
        );
    }
    out
}
