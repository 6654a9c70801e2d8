//! The renderers of a [`Diff`]: human text, one JSON document, a Markdown table for a pull
//! request comment.

use super::{ChangeKind, Diff, Risk};
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
    }
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
