//! `entramap plan FILE --users EXPORT [--accounts FILE] [--assignments FILE]`: what Entra would
//! do to every user and group in one provisioning cycle, and the SCIM requests it would send.
//! The work is the library's (`entramap::cycle`); this file reads the arguments and renders.

use super::{quiet, refuse_overwriting_input, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::AtomicFile;
use entramap::cycle::{
    self, requests, Action, Cycle, CycleKind, Decision, Dialect, KindSummary, Orphan, Request,
    Settings, Summary, ACTIONS,
};
use entramap::expr::source::ObjectKind;
use entramap::model::Scope;
use entramap::preview::{InputFormat, Options};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PlanFormat {
    /// Counts first, then the objects that need attention, then the orphans.
    #[default]
    Human,
    /// One JSON document: `version`, `summary`, `objects`, `orphans`.
    Json,
    /// A pull-request comment: the counts as a table, then the lists in collapsed sections.
    Markdown,
}

/// Arguments of `entramap plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The mapping file.
    file: PathBuf,
    /// The user export (as `preview` reads it: JSON Lines, a Graph `/users` page or the
    /// portal's CSV); `-` reads standard input.
    #[arg(long, value_name = "EXPORT")]
    users: PathBuf,
    /// The group export (JSON Lines or Graph `/groups` pages, each group with `members`): plans
    /// the groups and their memberships, and resolves assignments through groups.
    #[arg(long, value_name = "EXPORT")]
    groups: Option<PathBuf>,
    /// Who is assigned to the app: Graph `appRoleAssignedTo` pages, JSON Lines of the same
    /// objects, or CSV (`principalId`, `principalType`, `resourceId`). Without it, under
    /// `scope: assigned` every user counts as assigned.
    #[arg(long, value_name = "FILE")]
    assignments: Option<PathBuf>,
    /// The app's existing accounts: a SCIM ListResponse (one page or several), JSON Lines of
    /// SCIM resources, or CSV with a header of SCIM attribute paths. Without it the app has no
    /// account yet.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,
    /// The cycle: `initial` touches only objects in scope; `incremental` also disables the
    /// accounts (matched, so managed by Entra) of objects out of scope.
    #[arg(long, value_enum, default_value_t = CycleKind::Initial)]
    cycle: CycleKind,
    /// The job's SkipOutOfScopeDeletions: accounts of objects out of scope are left alone.
    #[arg(long)]
    skip_out_of_scope_deletions: bool,
    /// The job's accidental-deletion threshold: more disables and deletes than N and Entra
    /// stops the cycle (exit status 1).
    #[arg(long, value_name = "N")]
    deletion_threshold: Option<u64>,
    /// Read SkipOutOfScopeDeletions and QuarantineTooManyDeletesThreshold from a Graph
    /// synchronizationJob or secrets JSON (flags given as well win).
    #[arg(long, value_name = "FILE")]
    job_settings: Option<PathBuf>,
    /// Write the SCIM requests Entra would send, in order: JSON Lines (`{"method", "path",
    /// "body"}`), or a REST client's `.http` file when FILE ends in `.http`.
    #[arg(long, value_name = "FILE")]
    requests: Option<PathBuf>,
    /// The requests' PATCH dialect: Entra's default, or with the `aadOptscim062020` flag.
    #[arg(long, value_enum, default_value_t = Dialect::Default)]
    dialect: Dialect,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// In the human format, list every object (with the changes of each update) and every
    /// orphan, not only the first ones that need attention.
    #[arg(long)]
    details: bool,
    /// Explain one object instead: its userPrincipalName (a group's displayName), or its line
    /// in the export. Prints its path through assignment, scoping and matching, the action,
    /// the changes and its requests.
    #[arg(long, value_name = "KEY")]
    user: Option<String>,
    /// Plan even when the mapping file has lint errors.
    #[arg(long)]
    allow_errors: bool,
    /// How the user export is written (default: detected from its content).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Worker threads (0: one per core). The output is the same for any number.
    #[arg(long, short = 'j', default_value_t = 0)]
    jobs: usize,
    /// What Now() returns (RFC 3339); default: the system clock.
    #[arg(long, value_parser = super::eval::parse_now)]
    now: Option<chrono::DateTime<chrono::Utc>>,
    /// Seed of Guid() and RandomString().
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// A `%Name%` parameter value, as NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = super::eval::parse_param)]
    params: Vec<(String, String)>,
}

/// How many objects (and orphans) the human format lists unless `--details`.
const SHOWN: usize = 20;

/// The requests file being written.
struct RequestsOut {
    file: BufWriter<AtomicFile>,
    http: bool,
}

/// Collects what the renderers need while the cycle runs.
struct CliSink {
    format: PlanFormat,
    details: bool,
    /// JSON: every object, spilled to a temporary file (the summary comes first in the
    /// document and is known only at the end). Human with `--details`: every object's lines.
    spill: Option<BufWriter<File>>,
    spilled: u64,
    /// How many objects (and orphans) the human and Markdown formats list.
    shown: usize,
    /// Human: the first objects that need attention, and how many there are.
    attention: Vec<String>,
    attention_total: u64,
    orphans: Vec<Orphan>,
    orphans_total: u64,
    requests: Option<RequestsOut>,
    request_count: u64,
    exports: [String; 2],
    /// `--user`: the object looked for, the requests since the last decision, and what was
    /// found.
    explain: Option<String>,
    pending: Vec<Request>,
    /// `--user`: the requests of the object looked for while its decision is held (see
    /// `cycle::Sink::deferred`), by its kind and line.
    held: Vec<((ObjectKind, u64), Vec<Request>)>,
    explained: Vec<(Decision, Vec<Request>)>,
}

impl CliSink {
    /// Whether a decision is the object `--user` looks for.
    fn explains(&self, d: &Decision) -> bool {
        self.explain
            .as_ref()
            .is_some_and(|key| d.key.eq_ignore_ascii_case(key) || d.line.to_string() == *key)
    }

    fn place(&self, d: &Decision) -> String {
        let export = &self.exports[usize::from(d.kind == ObjectKind::Group)];
        format!("{export}:{}", d.line)
    }
}

fn describe(d: &Decision) -> String {
    let mut text = format!("{} {}: {}", d.kind.as_str(), d.key, d.action.as_str());
    if let Some(reason) = d.reason {
        text.push_str(&format!(": {}", reason.id()));
    }
    if let Some(entra) = d.entra {
        text.push_str(&format!(" ({entra})"));
    }
    if let Some(detail) = &d.detail {
        text.push_str(&format!(": {detail}"));
    }
    if let Some(account) = &d.account {
        text.push_str(&format!(" [account {account}]"));
    }
    text
}

fn change_lines(d: &Decision) -> Vec<String> {
    d.changes
        .iter()
        .map(|c| match c {
            cycle::Change::Value { target, old, new } => format!("    {target}: {old} -> {new}"),
            cycle::Change::Members {
                target,
                added,
                removed,
            } => format!(
                "    {target}: +{} -{} ({}{})",
                added.len(),
                removed.len(),
                added
                    .iter()
                    .map(|k| format!("+{k}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                removed
                    .iter()
                    .map(|k| format!(", -{k}"))
                    .collect::<String>()
            ),
        })
        .collect()
}

impl cycle::Sink for CliSink {
    fn decision(&mut self, d: &Decision) -> io::Result<()> {
        if self.explain.is_some() {
            let mut requests = std::mem::take(&mut self.pending);
            if self.explains(d) {
                if let Some(at) = self.held.iter().position(|(k, _)| *k == (d.kind, d.line)) {
                    let (_, mut first) = self.held.swap_remove(at);
                    first.append(&mut requests);
                    requests = first;
                }
                self.explained.push((d.clone(), requests));
            }
            return Ok(());
        }
        match self.format {
            PlanFormat::Json => {
                if let Some(spill) = &mut self.spill {
                    spill.write_all(if self.spilled == 0 {
                        b"\n    "
                    } else {
                        b",\n    "
                    })?;
                    serde_json::to_writer(&mut *spill, d).map_err(io::Error::other)?;
                    self.spilled += 1;
                }
            }
            PlanFormat::Human | PlanFormat::Markdown => {
                let attention = matches!(d.action, Action::Skip | Action::Disable | Action::Delete)
                    || d.reason == Some(cycle::Reason::ReferenceUnresolved);
                if attention {
                    self.attention_total += 1;
                    if self.attention.len() < self.shown {
                        self.attention
                            .push(format!("  {}: {}", self.place(d), describe(d)));
                    }
                }
                if self.details && self.spill.is_some() {
                    let place = self.place(d);
                    if let Some(spill) = &mut self.spill {
                        writeln!(spill, "  {place}: {}", describe(d))?;
                        for line in change_lines(d) {
                            writeln!(spill, "  {line}")?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn wants_requests(&self) -> bool {
        self.requests.is_some() || self.explain.is_some()
    }

    fn request(&mut self, request: &Request) -> io::Result<()> {
        self.request_count += 1;
        if self.explain.is_some() {
            self.pending.push(request.clone());
        }
        if let Some(out) = &mut self.requests {
            let w = &mut out.file;
            if out.http {
                requests::write_http(w, request)?;
            } else {
                requests::write_jsonl(w, request)?;
            }
        }
        Ok(())
    }

    fn deferred(&mut self, d: &Decision) {
        let requests = std::mem::take(&mut self.pending);
        if self.explains(d) {
            self.held.push(((d.kind, d.line), requests));
        }
    }

    fn orphan(&mut self, orphan: &Orphan) -> io::Result<()> {
        self.orphans_total += 1;
        if self.format == PlanFormat::Json || self.details || self.orphans.len() < self.shown {
            self.orphans.push(orphan.clone());
        }
        Ok(())
    }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, u8> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(io::stdin().lock())));
    }
    File::open(path)
        .map(|f| Box::new(BufReader::with_capacity(1 << 20, f)) as Box<dyn BufRead>)
        .map_err(|e| {
            say!("entramap: cannot read {}: {e}", path.display());
            EXIT_USAGE
        })
}

fn settings(args: &PlanArgs) -> Result<Settings, u8> {
    let mut settings = Settings {
        cycle: args.cycle,
        dialect: args.dialect,
        ..Settings::default()
    };
    if let Some(path) = &args.job_settings {
        let text = entramap::base::fs::read_text_limited(path, 16 << 20).map_err(|e| {
            say!("entramap: cannot read {}: {e}", path.display());
            EXIT_USAGE
        })?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            say!("entramap: {}: invalid JSON: {e}", path.display());
            EXIT_USAGE
        })?;
        settings.apply_job_json(&json).map_err(|e| {
            say!("entramap: {}: {e}", path.display());
            EXIT_USAGE
        })?;
    }
    settings.skip_out_of_scope_deletions |= args.skip_out_of_scope_deletions;
    if args.deletion_threshold.is_some() {
        settings.deletion_threshold = args.deletion_threshold;
    }
    Ok(settings)
}

/// Runs `entramap plan`.
pub fn run(args: PlanArgs) -> u8 {
    match run_inner(&args) {
        Ok(code) | Err(code) => code,
    }
}

fn run_inner(args: &PlanArgs) -> Result<u8, u8> {
    if let Some(out) = &args.requests {
        let mut inputs = vec![args.file.as_path(), args.users.as_path()];
        inputs.extend(args.groups.as_deref());
        inputs.extend(args.accounts.as_deref());
        inputs.extend(args.assignments.as_deref());
        refuse_overwriting_input(out, &inputs)?;
    }
    let (prepared, _) = super::prepare_and_gate(&args.file, "planned", args.allow_errors)?;
    let settings = settings(args)?;
    let mut assignments = match &args.assignments {
        Some(path) => Some(cycle::assignments::read(open(path)?).map_err(|e| {
            say!("entramap: cannot read {}: {e}", path.display());
            EXIT_USAGE
        })?),
        None => None,
    };
    if let (Some(a), Some(groups)) = (&mut assignments, &args.groups) {
        a.add_group_members(open(groups)?).map_err(|e| {
            say!("entramap: cannot read {}: {e}", groups.display());
            EXIT_USAGE
        })?;
    }
    let mut accounts_input = match &args.accounts {
        Some(path) => Some(open(path)?),
        None => None,
    };
    let mut cycle = Cycle::new(
        &prepared,
        args.groups.is_some(),
        accounts_input.as_mut().map(|r| r as &mut dyn BufRead),
        assignments,
        settings,
    )
    .map_err(|e| {
        say!(
            "entramap: {}: {e}; run `entramap lint {}`",
            args.file.display(),
            args.file.display()
        );
        EXIT_FINDINGS
    })?;
    let mut options = Options {
        jobs: args.jobs,
        format: args.input_format,
        seed: args.seed,
        parameters: args.params.iter().cloned().collect(),
        ..Options::default()
    };
    if let Some(now) = args.now {
        options.now = now;
    }
    let requests = match &args.requests {
        Some(path) => {
            let mut file = BufWriter::with_capacity(
                1 << 16,
                AtomicFile::create(path).map_err(|e| {
                    say!("entramap: cannot write {}: {e}", path.display());
                    EXIT_USAGE
                })?,
            );
            let http = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("http"));
            if http {
                file.write_all(requests::HTTP_HEADER.as_bytes())
                    .map_err(|e| write_failed(&e))?;
            }
            Some(RequestsOut { file, http })
        }
        None => None,
    };
    cycle.explain(args.user.is_some());
    let spill = if args.user.is_none() && (args.format == PlanFormat::Json || args.details) {
        Some(BufWriter::new(tempfile::tempfile().map_err(|e| {
            say!("entramap: cannot create a temporary file: {e}");
            EXIT_USAGE
        })?))
    } else {
        None
    };
    let mut sink = CliSink {
        format: args.format,
        details: args.details,
        spill,
        spilled: 0,
        shown: if args.format == PlanFormat::Markdown {
            MARKDOWN_SHOWN
        } else {
            SHOWN
        },
        attention: Vec::new(),
        attention_total: 0,
        orphans: Vec::new(),
        orphans_total: 0,
        requests,
        request_count: 0,
        explain: args.user.clone(),
        pending: Vec::new(),
        held: Vec::new(),
        explained: Vec::new(),
        exports: [
            args.users.display().to_string(),
            args.groups
                .as_ref()
                .map_or_else(String::new, |g| g.display().to_string()),
        ],
    };
    let report_error = |path: &Path, e: entramap::preview::PreviewError| {
        say!("entramap: {}: {e}", path.display());
        EXIT_USAGE
    };
    cycle
        .run_users(open(&args.users)?, &options, &mut sink)
        .map_err(|e| report_error(&args.users, e))?;
    if let Some(groups) = &args.groups {
        cycle
            .run_groups(open(groups)?, &options, &mut sink)
            .map_err(|e| report_error(groups, e))?;
    }
    let notes = notes(&cycle, args);
    let account_problems = cycle.accounts().problems.clone();
    let accounts_read = cycle.accounts().read;
    let assignment_problems = cycle
        .assignments()
        .map(|a| a.problems.clone())
        .unwrap_or_default();
    let settings = cycle.settings().clone();
    let summary = cycle.finish(&mut sink).map_err(|e| write_failed(&e))?;
    let over = Cycle::over_threshold(&summary, &settings);
    let mut stdout = BufWriter::new(io::stdout().lock());
    if let Some(key) = &args.user {
        if sink.explained.is_empty() {
            say!(
                "entramap: no user or group `{key}` in the export (give its userPrincipalName, a group's displayName, or its line)"
            );
            return Err(EXIT_USAGE);
        }
        return render_explained(&mut stdout, &sink, args.format)
            .and_then(|()| stdout.flush())
            .map(|()| EXIT_OK)
            .map_err(|e| write_failed(&e));
    }
    let written = match args.format {
        PlanFormat::Json => {
            let head = serde_json::json!({
                "version": 1,
                "cycle": settings.cycle,
                "settings": settings,
                "summary": summary,
            });
            render_json(
                &mut stdout,
                &mut sink,
                head,
                &notes,
                &account_problems,
                &assignment_problems,
                accounts_read,
                over,
            )
        }
        PlanFormat::Markdown => {
            render_markdown(&mut stdout, &sink, args, &summary, &settings, &notes, over)
        }
        PlanFormat::Human => render_human(
            &mut stdout,
            &mut sink,
            args,
            &summary,
            &settings,
            &notes,
            &account_problems,
            &assignment_problems,
            over,
        ),
    };
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| write_failed(&e))?;
    if let (Some(out), Some(path)) = (sink.requests.take(), &args.requests) {
        out.file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(AtomicFile::commit)
            .map_err(|e| {
                say!("entramap: cannot write {}: {e}", path.display());
                EXIT_USAGE
            })?;
    }
    Ok(if over.is_some() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// What the reader should know about the inputs.
fn notes(cycle: &Cycle, args: &PlanArgs) -> Vec<String> {
    let mut notes = Vec::new();
    match (cycle.scope(), cycle.assignments()) {
        (Scope::Assigned, None) => notes.push(
            "scope is `assigned` and no --assignments were given: every user and group counts as assigned"
                .to_owned(),
        ),
        (Scope::All, Some(_)) => notes.push(
            "scope is `all`: the assignments are not used".to_owned(),
        ),
        (Scope::Assigned, Some(a)) if args.groups.is_none() && a.direct().1 > 0 => notes.push(
            "groups are assigned but no --groups export was given: their members do not count as assigned"
                .to_owned(),
        ),
        _ => {}
    }
    if args.accounts.is_none() {
        notes.push("no --accounts: the app has no account yet (a first cycle)".to_owned());
    }
    if cycle.settings().cycle == CycleKind::Initial {
        notes.push(
            "initial cycle: objects out of scope are not touched (--cycle incremental plans the disables)"
                .to_owned(),
        );
    }
    notes
}

#[allow(clippy::too_many_arguments)]
fn render_json(
    out: &mut dyn Write,
    sink: &mut CliSink,
    head: serde_json::Value,
    notes: &[String],
    account_problems: &[cycle::accounts::AccountProblem],
    assignment_problems: &[cycle::accounts::AccountProblem],
    accounts_read: u64,
    over: Option<(u64, u64)>,
) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(&head).map_err(io::Error::other)?;
    // Without the closing brace: the document goes on.
    text.truncate(text.trim_end().trim_end_matches('}').trim_end().len());
    out.write_all(text.as_bytes())?;
    let extra = serde_json::json!({
        "notes": notes,
        "accounts_read": accounts_read,
        "account_problems": account_problems,
        "assignment_problems": assignment_problems,
        "threshold_exceeded": over.map(|(n, t)| serde_json::json!({"deletions": n, "threshold": t})),
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        write!(out, ",\n  {}: {}", serde_json::Value::String(k.clone()), v)?;
    }
    out.write_all(b",\n  \"objects\": [")?;
    if let Some(spill) = sink.spill.take() {
        let mut file = spill.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file.take(u64::MAX), out)?;
    }
    out.write_all(if sink.spilled > 0 {
        b"\n  ],\n  \"orphans\": ["
    } else {
        b"],\n  \"orphans\": ["
    })?;
    for (i, orphan) in sink.orphans.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, orphan).map_err(io::Error::other)?;
    }
    out.write_all(if sink.orphans.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })
}

fn kind_line(kind: ObjectKind, s: &KindSummary) -> String {
    let counts: Vec<String> = ACTIONS
        .iter()
        .map(|a| format!("{} {}", s.of(*a), a.as_str()))
        .collect();
    let mut line = format!(
        "{}: {} ({} read); accounts: {} matched, {} orphan\n",
        kind.plural(),
        counts.join(", "),
        s.read,
        s.matched,
        s.orphan
    );
    if !s.reasons.is_empty() {
        let reasons: Vec<String> = s
            .reasons
            .iter()
            .map(|(id, n)| {
                let entra = cycle::reason::REASONS
                    .iter()
                    .find(|r| r.id() == *id)
                    .and_then(|r| r.entra())
                    .map_or_else(String::new, |e| format!(" ({e})"));
                format!("{id} {n}{entra}")
            })
            .collect();
        line.push_str(&format!("  reasons: {}\n", reasons.join(", ")));
    }
    line
}

#[allow(clippy::too_many_arguments)]
fn render_human(
    out: &mut dyn Write,
    sink: &mut CliSink,
    args: &PlanArgs,
    summary: &Summary,
    settings: &Settings,
    notes: &[String],
    account_problems: &[cycle::accounts::AccountProblem],
    assignment_problems: &[cycle::accounts::AccountProblem],
    over: Option<(u64, u64)>,
) -> io::Result<()> {
    let cycle = match settings.cycle {
        CycleKind::Initial => "initial",
        CycleKind::Incremental => "incremental",
    };
    writeln!(out, "Plan of an {cycle} cycle of {}", args.file.display())?;
    out.write_all(kind_line(ObjectKind::User, &summary.users).as_bytes())?;
    if args.groups.is_some() {
        out.write_all(kind_line(ObjectKind::Group, &summary.groups).as_bytes())?;
    }
    if let Some((n, t)) = over {
        writeln!(
            out,
            "accidental deletions: {n} disables and deletes exceed the threshold of {t}: Entra would stop the cycle and quarantine the job (TooManyDeletes)"
        )?;
    }
    for note in notes {
        writeln!(out, "note: {note}")?;
    }
    let located = |file: &Option<PathBuf>, p: &cycle::accounts::AccountProblem| {
        let name = file
            .as_ref()
            .map_or_else(String::new, |f| f.display().to_string());
        if p.line == 0 {
            format!("  {name}: {}", p.message)
        } else {
            format!("  {name}:{}: {}", p.line, p.message)
        }
    };
    if !account_problems.is_empty() {
        writeln!(out, "accounts not used ({}):", account_problems.len())?;
        for p in account_problems
            .iter()
            .take(if args.details { usize::MAX } else { SHOWN })
        {
            writeln!(out, "{}", located(&args.accounts, p))?;
        }
    }
    if !assignment_problems.is_empty() {
        writeln!(out, "assignments not used ({}):", assignment_problems.len())?;
        for p in assignment_problems
            .iter()
            .take(if args.details { usize::MAX } else { SHOWN })
        {
            writeln!(out, "{}", located(&args.assignments, p))?;
        }
    }
    if sink.attention_total > 0 && !args.details {
        writeln!(out, "\nneeds attention ({}):", sink.attention_total)?;
        for line in &sink.attention {
            writeln!(out, "{line}")?;
        }
        let more = sink.attention_total - sink.attention.len() as u64;
        if more > 0 {
            writeln!(out, "  … and {more} more (--details lists every object)")?;
        }
    }
    if sink.orphans_total > 0 {
        writeln!(
            out,
            "\norphans ({}: accounts no object matches; Entra leaves them alone):",
            sink.orphans_total
        )?;
        let file = args
            .accounts
            .as_ref()
            .map_or_else(String::new, |f| f.display().to_string());
        for o in &sink.orphans {
            let at = if o.resource > 0 {
                format!(" (resource {})", o.resource)
            } else {
                String::new()
            };
            writeln!(
                out,
                "  {file}:{}{at}: {} {} (id {})",
                o.line,
                o.kind.as_str(),
                o.key,
                o.id
            )?;
        }
        let more = sink.orphans_total - sink.orphans.len() as u64;
        if more > 0 {
            writeln!(out, "  … and {more} more (--details lists them all)")?;
        }
    }
    if let Some(spill) = sink.spill.take() {
        writeln!(out, "\nevery object:")?;
        let mut file = spill.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file, out)?;
    }
    if let (Some(path), false) = (&args.requests, quiet()) {
        writeln!(
            out,
            "\n{} requests written to {}",
            sink.request_count,
            path.display()
        )?;
    }
    Ok(())
}

/// `--user`: each object with that key, its steps, action, changes and requests.
fn render_explained(out: &mut dyn Write, sink: &CliSink, format: PlanFormat) -> io::Result<()> {
    if format == PlanFormat::Json {
        let all: Vec<serde_json::Value> = sink
            .explained
            .iter()
            .map(|(d, r)| serde_json::json!({"object": d, "requests": r}))
            .collect();
        let text = serde_json::to_string_pretty(&all).map_err(io::Error::other)?;
        return writeln!(out, "{text}");
    }
    for (d, requests) in &sink.explained {
        writeln!(out, "{} {} ({})", d.kind.as_str(), d.key, sink.place(d))?;
        for step in &d.steps {
            writeln!(out, "  {step}")?;
        }
        let mut action = format!("  action: {}", d.action.as_str());
        if let Some(reason) = d.reason {
            action.push_str(&format!(" ({}: {})", reason.id(), reason.summary()));
        }
        if let Some(entra) = d.entra {
            action.push_str(&format!(" [Entra: {entra}]"));
        }
        writeln!(out, "{action}")?;
        if let Some(detail) = &d.detail {
            writeln!(out, "    {detail}")?;
        }
        for line in change_lines(d) {
            writeln!(out, "  {line}")?;
        }
        if !requests.is_empty() {
            writeln!(out, "  requests:")?;
            for r in requests {
                let body = r
                    .body
                    .as_ref()
                    .map_or_else(String::new, |b| format!(" {b}"));
                writeln!(out, "    {} {}{body}", r.method, r.path)?;
            }
        }
    }
    Ok(())
}

/// How many lines a collapsed Markdown section lists.
const MARKDOWN_SHOWN: usize = 50;

fn render_markdown(
    out: &mut dyn Write,
    sink: &CliSink,
    args: &PlanArgs,
    summary: &Summary,
    settings: &Settings,
    notes: &[String],
    over: Option<(u64, u64)>,
) -> io::Result<()> {
    let cycle = match settings.cycle {
        CycleKind::Initial => "initial",
        CycleKind::Incremental => "incremental",
    };
    writeln!(
        out,
        "### Provisioning plan: {cycle} cycle of `{}`\n",
        args.file.display()
    )?;
    write!(out, "| |")?;
    for a in ACTIONS {
        write!(out, " {} |", a.as_str())?;
    }
    writeln!(out, " orphan accounts |\n|---|---|---|---|---|---|---|---|")?;
    let mut kinds = vec![(ObjectKind::User, &summary.users)];
    if args.groups.is_some() {
        kinds.push((ObjectKind::Group, &summary.groups));
    }
    for (kind, s) in &kinds {
        write!(out, "| {} |", kind.plural())?;
        for a in ACTIONS {
            write!(out, " {} |", s.of(a))?;
        }
        writeln!(out, " {} |", s.orphan)?;
    }
    for (kind, s) in &kinds {
        if !s.reasons.is_empty() {
            let reasons: Vec<String> = s
                .reasons
                .iter()
                .map(|(id, n)| format!("`{id}` {n}"))
                .collect();
            writeln!(
                out,
                "\n**{} by reason**: {}",
                kind.title(),
                reasons.join(", ")
            )?;
        }
    }
    if let Some((n, t)) = over {
        writeln!(
            out,
            "\n> [!WARNING]\n> {n} disables and deletes exceed the accidental-deletion threshold of {t}: Entra would stop the cycle and quarantine the job."
        )?;
    }
    for note in notes {
        writeln!(out, "\n> {note}")?;
    }
    if sink.attention_total > 0 {
        writeln!(
            out,
            "\n<details><summary>Needs attention ({})</summary>\n",
            sink.attention_total
        )?;
        for line in sink.attention.iter().take(MARKDOWN_SHOWN) {
            writeln!(out, "- {}", line.trim())?;
        }
        let more = sink.attention_total - sink.attention.len().min(MARKDOWN_SHOWN) as u64;
        if more > 0 {
            writeln!(out, "- … and {more} more (`entramap plan --details`)")?;
        }
        writeln!(out, "\n</details>")?;
    }
    if sink.orphans_total > 0 {
        writeln!(
            out,
            "\n<details><summary>Orphan accounts ({}): no user matches them; Entra leaves them alone</summary>\n",
            sink.orphans_total
        )?;
        for o in sink.orphans.iter().take(MARKDOWN_SHOWN) {
            writeln!(out, "- {} `{}` (id `{}`)", o.kind.as_str(), o.key, o.id)?;
        }
        let more = sink.orphans_total - sink.orphans.len().min(MARKDOWN_SHOWN) as u64;
        if more > 0 {
            writeln!(out, "- … and {more} more")?;
        }
        writeln!(out, "\n</details>")?;
    }
    Ok(())
}

fn write_failed(e: &io::Error) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return EXIT_OK;
    }
    say!("entramap: cannot write: {e}");
    EXIT_USAGE
}
