//! `entramap diff OLD NEW --users EXPORT`: the impact of a mapping change on the tenant's data
//! (`entramap::cycle::impact`), rendered after the textual diff, and its CI gates.

use entramap::cycle::impact::{self, AttributeImpact, Impact, Input, KindImpact};
use entramap::cycle::{CycleKind, Settings};
use entramap::diagnostics::report::{escape_data, escape_property};
use entramap::diff::{DiffFormat, NewFile};
use entramap::expr::source::ObjectKind;
use entramap::model::MappingFile;
use entramap::model::Prepared;
use entramap::preview::Options;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;

/// The impact arguments of `entramap diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImpactArgs {
    /// A user export (as `preview` reads it): plan both files over it and report who is
    /// disabled, created or changed by the change.
    #[arg(long, value_name = "EXPORT")]
    users: Option<PathBuf>,
    /// A group export (with members), for the impact on groups and assignments through groups.
    #[arg(long, value_name = "EXPORT", requires = "users")]
    groups: Option<PathBuf>,
    /// Who is assigned to the app (as `plan --assignments` reads it).
    #[arg(long, value_name = "FILE", requires = "users")]
    assignments: Option<PathBuf>,
    /// The app's existing accounts (as `plan --accounts` reads them).
    #[arg(long, value_name = "FILE", requires = "users")]
    accounts: Option<PathBuf>,
    /// The job's SkipOutOfScopeDeletions: users who leave scope keep their accounts.
    #[arg(long, requires = "users")]
    skip_out_of_scope_deletions: bool,
    /// The job's accidental-deletion threshold: more disables than N and Entra stops the
    /// cycle (reported).
    #[arg(long, value_name = "N", requires = "users")]
    deletion_threshold: Option<u64>,
    /// Exit 1 when the change disables (or deletes) more than N accounts.
    #[arg(long, value_name = "N", requires = "users")]
    max_disables: Option<u64>,
    /// Exit 1 when the change creates more than N accounts.
    #[arg(long, value_name = "N", requires = "users")]
    max_creates: Option<u64>,
    /// Exit 1 when the change alters the values of more than N objects.
    #[arg(long, value_name = "N", requires = "users")]
    max_changes: Option<u64>,
    /// List every object (the human and Markdown formats show the first ones).
    #[arg(long, requires = "users")]
    all: bool,
}

impl ImpactArgs {
    /// Whether an impact was asked for.
    pub fn wanted(&self) -> bool {
        self.users.is_some()
    }
}

/// The impact, or the exit status of a failure (reported).
pub fn compute(args: &ImpactArgs, old: &Prepared, new: &Prepared) -> Result<Impact, u8> {
    let path = |input: Input| match input {
        Input::Users => args.users.clone(),
        Input::Groups => args.groups.clone(),
        Input::Accounts => args.accounts.clone(),
        Input::Assignments => args.assignments.clone(),
    };
    let open = |input: Input| -> io::Result<Option<Box<dyn BufRead + Send>>> {
        path(input)
            .map(|p| {
                File::open(&p)
                    .map(|f| {
                        Box::new(BufReader::with_capacity(1 << 20, f)) as Box<dyn BufRead + Send>
                    })
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))
            })
            .transpose()
    };
    let settings = Settings {
        // The new mapping runs against accounts the old one provisioned: an incremental cycle.
        cycle: CycleKind::Incremental,
        skip_out_of_scope_deletions: args.skip_out_of_scope_deletions,
        deletion_threshold: args.deletion_threshold,
        ..Settings::default()
    };
    impact::compare(old, new, &open, &settings, &Options::default()).map_err(|e| {
        say!("entramap: {e}");
        super::EXIT_USAGE
    })
}

/// The gates that fail, as messages.
pub fn gates(args: &ImpactArgs, impact: &Impact) -> Vec<String> {
    let both = |f: fn(&KindImpact) -> u64| f(&impact.users) + f(&impact.groups);
    let mut failed = Vec::new();
    let checks = [
        (
            "disables",
            args.max_disables,
            both(|k| k.disable.len() as u64),
        ),
        ("creates", args.max_creates, both(|k| k.create.len() as u64)),
        ("changes", args.max_changes, both(|k| k.changed_objects)),
    ];
    for (what, limit, n) in checks {
        if let Some(limit) = limit.filter(|l| n > *l) {
            failed.push(format!(
                "the change makes {n} {what}, more than --max-{what} {limit}"
            ));
        }
    }
    failed
}

/// The job's accidental-deletion threshold as Entra applies it: disables and deletes together,
/// beyond the threshold, put the job in quarantine before any is processed, until an admin
/// allows or rejects them (accidental-deletions.md, "Configure accidental deletion
/// prevention").
fn threshold_note(args: &ImpactArgs, impact: &Impact) -> Option<String> {
    let t = args.deletion_threshold?;
    let n = (impact.users.disable.len() + impact.groups.disable.len()) as u64;
    (n > t).then(|| {
        format!(
            "{n} disables and deletes exceed the job's accidental-deletion threshold of {t}: Entra would put the job on hold (quarantine, TooManyDeletes) and process none of them until an admin allows or rejects the deletions"
        )
    })
}

fn shown(list: &[String], all: bool) -> String {
    const FIRST: usize = 10;
    if all || list.len() <= FIRST {
        return list.join(", ");
    }
    format!(
        "{}, … and {} more (--all)",
        list[..FIRST].join(", "),
        list.len() - FIRST
    )
}

/// The characters of a Markdown list shown open in a pull-request comment (about a screen);
/// a longer one is collapsed.
const SCREEN: usize = 2_000;
/// The lines of a Markdown list shown open.
const SCREEN_LINES: usize = 20;

/// The impact in words (human) or as a Markdown section.
pub fn render(args: &ImpactArgs, impact: &Impact, format: DiffFormat) -> String {
    let md = format == DiffFormat::Markdown;
    let mut text = String::new();
    text.push_str(if md {
        "\n### Impact on the tenant's data\n\n"
    } else {
        "\nImpact on the tenant's data:\n"
    });
    let mut kinds = vec![(ObjectKind::User, &impact.users)];
    if args.groups.is_some() {
        kinds.push((ObjectKind::Group, &impact.groups));
    }
    if md {
        text.push_str("| | compared | disabled | created | values changed | rematched |\n|---|---|---|---|---|---|\n");
        for (kind, k) in &kinds {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                kind.plural(),
                k.compared,
                k.disable.len(),
                k.create.len(),
                k.changed_objects,
                k.rematch.len()
            ));
        }
    }
    for (kind, k) in &kinds {
        let lines = kind_lines(kind.plural(), k, args.all);
        if md {
            if !lines.is_empty() {
                let list: String = lines.iter().map(|l| format!("- {l}\n")).collect();
                // Counts first; the lists open below them when they fit on a screen.
                if list.len() <= SCREEN && list.lines().count() <= SCREEN_LINES {
                    text.push_str(&format!("\n{}:\n\n{list}", kind.plural()));
                } else {
                    text.push_str(&format!(
                        "\n<details><summary>{}: who and what</summary>\n\n{list}\n</details>\n",
                        kind.plural()
                    ));
                }
            }
        } else {
            text.push_str(&format!(
                "  {}: {} compared, {} disabled, {} created, {} with changed values, {} rematched\n",
                kind.plural(),
                k.compared,
                k.disable.len(),
                k.create.len(),
                k.changed_objects,
                k.rematch.len()
            ));
            for line in lines {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    if let Some(note) = threshold_note(args, impact) {
        text.push_str(&format!("{}{note}\n", if md { "\n> " } else { "  " }));
    }
    text
}

/// One attribute's changes in words: the values changed, the new nulls, the values that
/// become invalid, with examples.
fn attribute_line(a: &AttributeImpact, examples: &[String]) -> String {
    let mut line = format!("{} changed", a.changed);
    if a.new_nulls > 0 {
        line.push_str(&format!(", {} now null", a.new_nulls));
    }
    if !examples.is_empty() {
        line.push_str(&format!("; e.g. {}", examples.join("; ")));
    }
    if a.invalid > 0 {
        let invalid: Vec<String> = a
            .invalid_examples
            .iter()
            .map(|e| format!("{} ({}: {})", e.key, e.rule, e.message))
            .collect();
        line.push_str(&format!(
            "; {} now invalid for the target, e.g. {}",
            a.invalid,
            invalid.join("; ")
        ));
    }
    line
}

fn kind_lines(_plural: &str, k: &KindImpact, all: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let leaving: Vec<String> = k
        .moves
        .iter()
        .filter(|m| m.reason != "enters")
        .map(|m| format!("{} ({}: {})", m.key, m.reason, m.effect))
        .collect();
    if !leaving.is_empty() {
        lines.push(format!("leave scope: {}", shown(&leaving, all)));
    }
    let entering: Vec<String> = k
        .moves
        .iter()
        .filter(|m| m.reason == "enters")
        .map(|m| format!("{} ({})", m.key, m.effect))
        .collect();
    if !entering.is_empty() {
        lines.push(format!("enter scope: {}", shown(&entering, all)));
    }
    for (target, a) in &k.attributes {
        let examples: Vec<String> = a
            .examples
            .iter()
            .map(|e| format!("{}: {} -> {}", e.key, e.old, e.new))
            .collect();
        lines.push(format!("{target}: {}", attribute_line(a, &examples)));
    }
    if !k.rematch.is_empty() {
        let rematch: Vec<String> = k
            .rematch
            .iter()
            .map(|r| {
                let how = match (&r.old, &r.new, &r.reason) {
                    (_, _, Some(reason)) => format!("{}: {reason}", r.action),
                    (Some(a), Some(b), None) => format!("account {a} -> {b}"),
                    (Some(a), None, None) => format!("account {a} -> {}", r.action),
                    (None, Some(b), None) => format!("now matches account {b}"),
                    (None, None, None) => r.action.clone(),
                };
                format!("{} ({how})", r.key)
            })
            .collect();
        lines.push(format!("match differently: {}", shown(&rematch, all)));
    }
    lines
}

/// The impact as GitHub Actions annotations: one on the new file's user (or group) mapping
/// with the counts (an error when a gate fails), one on each target attribute whose values
/// change, at its mapping's line when the new file maps it.
pub fn annotations(
    args: &ImpactArgs,
    impact: &Impact,
    new: Option<NewFile<'_>>,
    file: &MappingFile,
) -> String {
    let failed = gates(args, impact);
    let mut out = String::new();
    let mut kinds = vec![(ObjectKind::User, &impact.users)];
    if args.groups.is_some() {
        kinds.push((ObjectKind::Group, &impact.groups));
    }
    let at = |span: Option<entramap::base::text::Span>| {
        new.map(|n| {
            format!(
                "file={},line={},",
                escape_property(n.name),
                span.map_or(1, |s| n.line(s.start))
            )
        })
        .unwrap_or_default()
    };
    for (kind, k) in kinds {
        let object = file.object(kind);
        let scoping = object.scoping.iter().flatten().next().map(|c| c.span);
        let level = if failed.is_empty() { "notice" } else { "error" };
        let mut message = format!(
            "{} compared: {} disabled, {} created, {} with changed values, {} rematched",
            k.compared,
            k.disable.len(),
            k.create.len(),
            k.changed_objects,
            k.rematch.len()
        );
        for gate in &failed {
            message.push('\n');
            message.push_str(gate);
        }
        if let Some(note) = threshold_note(args, impact) {
            message.push('\n');
            message.push_str(&note);
        }
        out.push_str(&format!(
            "::{level} {}title={}::{}\n",
            at(scoping.or(object.present.then_some(object.span))),
            escape_property(&format!("impact on {}", kind.plural())),
            escape_data(&message)
        ));
        for (target, a) in &k.attributes {
            let span = object
                .mappings
                .iter()
                .find(|m| m.target.value == *target)
                .map(|m| m.span);
            let examples: Vec<String> = a
                .examples
                .iter()
                .map(|e| format!("{}: {} -> {}", e.key, e.old, e.new))
                .collect();
            let message = format!(
                "{target} of {}: {}",
                kind.plural(),
                attribute_line(a, &examples)
            );
            out.push_str(&format!(
                "::warning {}title={}::{}\n",
                at(span.or(object.present.then_some(object.span))),
                escape_property(&format!("{target}: values change")),
                escape_data(&message)
            ));
        }
    }
    out
}
