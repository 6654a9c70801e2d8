//! `entramap lint`: load a mapping file, resolve its target profile and source schema, run every
//! mapping rule of [`checks::CHECKS`], apply the file's suppressions and hand back a
//! [`FileReport`] ready for any renderer.
//!
//! The library entry points are [`lint_source`] (text in memory) and [`lint_file`] (a path);
//! [`discover`] finds mapping files under directories.

pub mod checks;
pub mod fix;
pub mod gate;

use crate::base::text::SourceText;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::secrets;
use crate::diagnostics::{Diagnostic, FileReport};
use crate::expr::source::{entra_id, ByObject, ObjectKind, SourceSchema};
use crate::model::prepared::profile_diagnostic;
use crate::model::profile::{self, Profile, ProfileError, TargetSchema};
use crate::model::{load_str, read_mapping_file, AttributeMapping, MappingFile, ObjectMapping};
use std::path::{Path, PathBuf};

/// Rules no `allow` entry suppresses: the configuration rules, and an unknown `target:` (with
/// it, nothing of the file is checked against a profile).
pub const UNSUPPRESSIBLE: &[RuleId] = &[
    RuleId::UnknownTargetProfile,
    RuleId::InvalidTargetProfile,
    RuleId::FileUnreadable,
    RuleId::NotAMappingFile,
];

/// Rules whose findings mean the configuration itself is unusable (exit status 2). An unknown
/// `target:` is not one: it is a finding in the file, located, with a suggestion (exit 1).
pub const CONFIGURATION_RULES: &[RuleId] = &[
    RuleId::InvalidTargetProfile,
    RuleId::FileUnreadable,
    RuleId::NotAMappingFile,
];

/// The outcome of linting one file.
#[derive(Debug, Clone)]
pub struct LintReport {
    /// The findings, with the (secret-masked) text they point into.
    pub report: FileReport,
    /// How many attribute mappings the file has.
    pub mappings: usize,
    /// The findings `allow` entries suppressed, each with the reason given, in file order.
    pub suppressed: Vec<Suppressed>,
    /// The target profile's own problem, located in the profile file, when the file's profile
    /// is invalid (shown after the file's report).
    pub profile: Option<FileReport>,
}

/// A finding an `allow` entry suppressed: not reported, but kept for an audit
/// (`lint --format json` lists them).
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The finding.
    pub diagnostic: Diagnostic,
    /// The `reason` of the `allow` entry.
    pub reason: String,
    /// The `allow` entry that suppressed it.
    pub allow: crate::base::text::Span,
}

impl LintReport {
    /// Whether a finding says the configuration cannot be used at all (unknown profile,
    /// unreadable file).
    pub fn configuration_error(&self) -> bool {
        has_configuration_error(&self.report.diagnostics)
    }
}

/// Which attribute mapping a finding is about (for mapping-level `allow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MappingRef {
    /// Users or groups.
    pub object: ObjectKind,
    /// Index into the object's mappings.
    pub index: usize,
}

/// Collects findings, each optionally owned by one attribute mapping.
#[derive(Debug, Default)]
pub struct Sink {
    found: Vec<(Option<MappingRef>, Diagnostic)>,
}

impl Sink {
    /// A finding about the file as a whole.
    pub fn file(&mut self, diagnostic: Diagnostic) {
        self.found.push((None, diagnostic));
    }

    /// A finding about one attribute mapping.
    pub fn mapping(&mut self, at: MappingRef, mut diagnostic: Diagnostic) {
        diagnostic.path = Some(format!("{}[{}]", at.object.plural(), at.index));
        self.found.push((Some(at), diagnostic));
    }
}

/// One object mapping with the schemas it is checked against.
#[derive(Debug)]
pub struct ObjectContext<'a> {
    /// Users or groups.
    pub kind: ObjectKind,
    /// The object mapping.
    pub mapping: &'a ObjectMapping,
    /// Entra's attributes plus the file's `source_attributes`.
    pub sources: SourceSchema,
    /// The profile's attributes plus the file's `target_attributes` (`None` without a profile).
    pub targets: Option<TargetSchema>,
}

impl ObjectContext<'_> {
    /// The mappings with their references.
    pub fn mappings(&self) -> impl Iterator<Item = (MappingRef, &AttributeMapping)> {
        let object = self.kind;
        self.mapping
            .mappings
            .iter()
            .enumerate()
            .map(move |(index, m)| (MappingRef { object, index }, m))
    }

    /// Whether the object mapping is written in the file and enabled.
    pub fn active(&self) -> bool {
        self.mapping.present && self.mapping.enabled
    }
}

/// Everything a check sees.
#[derive(Debug)]
pub struct CheckContext<'a> {
    /// The file model.
    pub file: &'a MappingFile,
    /// The file's text.
    pub text: &'a str,
    /// Users then groups.
    pub objects: ByObject<ObjectContext<'a>>,
}

/// Lints a mapping file's text. `name` is shown in findings and picks YAML or JSON; `base_dir`
/// resolves a `target:` that is a path (the file's directory).
pub fn lint_source(name: &str, text: &str, base_dir: Option<&Path>) -> LintReport {
    lint_source_with(name, text, base_dir, &profile::read_from_disk)
}

/// [`lint_source`], reading target profile files through `read` (the language server reads an
/// editor's unsaved profile before the file on disk).
pub fn lint_source_with(
    name: &str,
    text: &str,
    base_dir: Option<&Path>,
    read: profile::ReadProfile<'_>,
) -> LintReport {
    if profile::looks_like_profile(text) {
        return profile_given(name, text);
    }
    lint_against(name, text, |file| {
        profile::load_with(file.target_profile(), base_dir, read)
    })
}

/// Lints a mapping file's text against `profile` instead of the profile its `target:` names
/// (the playground's target picker). A profile that could not be loaded is reported as
/// [`lint_source`] reports it, at the file's `target:`.
pub fn lint_source_with_profile(
    name: &str,
    text: &str,
    profile: Result<Profile, ProfileError>,
) -> LintReport {
    lint_against(name, text, |_| profile)
}

fn lint_against(
    name: &str,
    text: &str,
    resolve: impl FnOnce(&MappingFile) -> Result<Profile, ProfileError>,
) -> LintReport {
    crate::base::suggest::budgeted(|| lint_in_scope(name, text, resolve))
}

/// [`lint_against`] inside its suggestion scope (one budget for the whole file).
fn lint_in_scope(
    name: &str,
    text: &str,
    resolve: impl FnOnce(&MappingFile) -> Result<Profile, ProfileError>,
) -> LintReport {
    let loaded = load_str(name, text);
    let mut omitted = loaded.omitted;
    let mut sink = Sink::default();
    for d in loaded.diagnostics {
        sink.file(d);
    }
    let secrets = secrets::find(text);
    for span in &secrets {
        sink.file(secrets::diagnostic(span));
    }
    let mut mappings = 0;
    let mut suppressed = Vec::new();
    let mut profile_report = None;
    if let Some(file) = &loaded.file {
        mappings = file.mapping_count();
        let profile = match resolve(file) {
            Ok(profile) => Some(profile),
            Err(error) => {
                sink.file(profile_diagnostic(file, &error));
                profile_report = error.report();
                None
            }
        };
        let context = CheckContext {
            file,
            text,
            objects: ByObject::from_fn(|kind| object_context(file, kind, profile.as_ref())),
        };
        for check in checks::CHECKS {
            let before = sink.found.len();
            (check.run)(&context, &mut sink);
            debug_assert!(
                sink.found[before..]
                    .iter()
                    .all(|(_, d)| check.may_report(d.rule)),
                "{:?} reported a mapping rule the rule table does not give it",
                check.check
            );
        }
        if let Some(profile) = profile.as_ref().filter(|p| !p.is_scim()) {
            not_scim(file, profile, &mut sink);
        }
        suppressed = apply_allows(file, &mut sink);
        // Findings past the cap that an `allow` covers are dropped, not listed as suppressed:
        // only kept findings carry the detail a suppressed entry shows.
        omitted.retain(|o| !file.allow.iter().any(|a| o.rule == a.rule.value.as_str()));
    }
    let mut diagnostics: Vec<Diagnostic> = sink.found.into_iter().map(|(_, d)| d).collect();
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let mut report = FileReport::new(
        SourceText::new(name, secrets::mask(text, &secrets)),
        diagnostics,
    );
    report.omitted = omitted;
    report.cap(crate::diagnostics::MAX_FINDINGS_PER_FILE);
    LintReport {
        report,
        mappings,
        suppressed,
        profile: profile_report,
    }
}

/// A target that is not a SCIM service is not judged as one: the findings of
/// [`profile::NOT_SCIM_CHECKS`] are dropped, and a note at `target:` says so and names them.
fn not_scim(file: &MappingFile, profile: &Profile, sink: &mut Sink) {
    sink.found
        .retain(|(_, d)| !profile::NOT_SCIM_CHECKS.contains(&d.rule));
    let directory = file
        .target_directory
        .as_ref()
        .map_or(profile.name.as_str(), |d| d.value.as_str());
    let off: Vec<&str> = profile::NOT_SCIM_CHECKS
        .iter()
        .map(|r| r.as_str())
        .collect();
    let span = file
        .target
        .as_ref()
        .map_or(crate::base::text::Span::new(0, 0), |t| t.span);
    sink.file(
        Diagnostic::new(
            RuleId::NotScimTarget,
            span,
            format!("`{directory}` is not a SCIM service: the checks of a SCIM target are off ({})", off.join(", ")),
        )
        .with_primary_label("not SCIM")
        .with_help("the attributes the file declares are checked; what the directory requires is up to its own API"),
    );
}

/// The report on a target profile given to lint instead of a mapping file: it says so (a
/// configuration error) and adds the profile's own problem if it has one.
fn profile_given(name: &str, text: &str) -> LintReport {
    let start = text.find("entramap-target").unwrap_or(0);
    let mut diagnostics = vec![Diagnostic::new(
        RuleId::NotAMappingFile,
        crate::base::text::Span::new(start, start + "entramap-target".len().min(text.len() - start)),
        format!("`{name}` is a target profile, not a mapping file"),
    )
    .with_primary_label("a target profile starts with `entramap-target`")
    .with_help("check a profile with `entramap targets FILE`; a mapping file names it with `target: FILE` (`entramap init` writes one)")];
    if let Err(error) = profile::parse_file(text, name) {
        if let Some(report) = error.report() {
            diagnostics.extend(report.diagnostics);
        }
    }
    LintReport {
        report: FileReport::new(SourceText::new(name, text), diagnostics),
        mappings: 0,
        suppressed: Vec::new(),
        profile: None,
    }
}

/// Reads and lints one file. Unreadable files, invalid UTF-8 and oversized files are findings.
pub fn lint_file(path: &Path) -> LintReport {
    match read_mapping_file(path) {
        Ok(text) => lint_source(&path.display().to_string(), &text, path.parent()),
        Err(report) => LintReport {
            report,
            mappings: 0,
            suppressed: Vec::new(),
            profile: None,
        },
    }
}

/// Whether one of `diagnostics` says the configuration cannot be used at all (a rule of
/// [`CONFIGURATION_RULES`]: unknown or invalid target profile, unreadable file).
pub fn has_configuration_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| CONFIGURATION_RULES.contains(&d.rule))
}

/// Mapping files under `paths`: directories are searched recursively for `*.entramap.yaml`,
/// `*.entramap.yml` and `*.entramap.json`; files are taken whatever their name. Sorted, without
/// duplicates. Paths that do not exist are returned as errors. Directories named `target` or
/// `node_modules` (build output and dependencies) and anything deeper than [`MAX_WALK_DEPTH`]
/// levels are skipped, and counted in [`Discovered::skipped`], unless `all_dirs` is set;
/// hidden directories (`.git`) are always skipped. Symbolic links to directories are not
/// followed.
pub fn discover_files(paths: &[PathBuf], all_dirs: bool) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found, all_dirs);
        } else if path.exists() {
            found.files.push(path.clone());
        } else {
            found
                .errors
                .push(format!("{}: no such file or directory", path.display()));
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

/// [`discover_files`] with the default skips, as `(files, errors)`.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let found = discover_files(paths, false);
    (found.files, found.errors)
}

/// What [`discover_files`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discovered {
    /// The mapping files.
    pub files: Vec<PathBuf>,
    /// Paths that could not be read.
    pub errors: Vec<String>,
    /// Directories not searched: named `target` or `node_modules`, or deeper than
    /// [`MAX_WALK_DEPTH`] levels.
    pub skipped: Vec<PathBuf>,
}

/// How deep a directory search goes by default.
pub const MAX_WALK_DEPTH: usize = 32;

/// Directory names a search skips by default: build output and dependencies.
pub const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// Whether a file name is a mapping file name.
pub fn is_mapping_file_name(name: &str) -> bool {
    [".entramap.yaml", ".entramap.yml", ".entramap.json"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Searches `root` with an explicit stack (no recursion, so any depth is safe).
fn walk(root: &Path, found: &mut Discovered, all_dirs: bool) {
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                found.errors.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if name.starts_with('.') {
                    continue;
                }
                let skip = SKIPPED_DIRS.contains(&name.as_ref()) || depth + 1 > MAX_WALK_DEPTH;
                if skip && !all_dirs {
                    found.skipped.push(path);
                } else {
                    stack.push((path, depth + 1));
                }
            } else if is_mapping_file_name(&name) {
                found.files.push(path);
            }
        }
    }
}

/// The schemas one object mapping of `file` is checked against: Entra's attributes plus the
/// file's `source_attributes`, the profile's plus its `target_attributes`.
pub fn object_context<'a>(
    file: &'a MappingFile,
    kind: ObjectKind,
    profile: Option<&Profile>,
) -> ObjectContext<'a> {
    let mut sources = entra_id().of(kind).clone();
    for decl in file.source_attributes.of(kind) {
        sources.insert(decl.attribute.clone());
    }
    let targets = profile.map(|p| {
        let mut schema = p.object(kind).clone();
        for decl in file.target_attributes.of(kind) {
            schema.insert(decl.attribute.clone());
        }
        schema
    });
    ObjectContext {
        kind,
        mapping: file.object(kind),
        sources,
        targets,
    }
}

/// Drops suppressed findings, reports `allow` entries that suppress nothing, name no rule or name
/// a configuration rule (which no entry suppresses), and returns how many findings were
/// suppressed.
fn apply_allows(file: &MappingFile, sink: &mut Sink) -> Vec<Suppressed> {
    let mut used_file = vec![false; file.allow.len()];
    let mut used_mapping: Vec<Vec<bool>> = file
        .mappings()
        .map(|m| vec![false; m.allow.len()])
        .collect();
    let flat_index = |at: MappingRef| match at.object {
        ObjectKind::User => at.index,
        ObjectKind::Group => file.objects.users.mappings.len() + at.index,
    };
    let mut suppressed = Vec::new();
    let mut suppress = |d: &Diagnostic, allow: &crate::model::Allow| {
        suppressed.push(Suppressed {
            diagnostic: d.clone(),
            reason: allow.reason.value.clone(),
            allow: allow.span,
        });
    };
    sink.found.retain(|(owner, d)| {
        if UNSUPPRESSIBLE.contains(&d.rule) {
            return true;
        }
        if let Some(at) = owner {
            let allows = &file.object(at.object).mappings[at.index].allow;
            if let Some(i) = allows.iter().position(|a| d.rule == a.rule.value.as_str()) {
                used_mapping[flat_index(*at)][i] = true;
                suppress(d, &allows[i]);
                return false;
            }
        }
        if let Some(i) = file
            .allow
            .iter()
            .position(|a| d.rule == a.rule.value.as_str())
        {
            used_file[i] = true;
            suppress(d, &file.allow[i]);
            return false;
        }
        true
    });
    suppressed.sort_by_key(|s| (s.diagnostic.span.start, s.diagnostic.span.end));
    let mapping_allows = file.mappings().flat_map(|m| m.allow.iter());
    let used = used_file
        .into_iter()
        .chain(used_mapping.into_iter().flatten());
    for (allow, used) in file.allow.iter().chain(mapping_allows).zip(used) {
        let Ok(rule) = allow.rule.value.parse::<RuleId>() else {
            let mut d = Diagnostic::new(
                RuleId::AllowUnknownRule,
                allow.rule.span,
                format!("no rule is called `{}`", allow.rule.value),
            )
            .with_primary_label("unknown rule id")
            .with_fix(
                crate::base::suggest::certain(
                    &allow.rule.value,
                    RuleId::ALL.iter().map(|r| r.as_str()),
                )
                .and_then(|c| {
                    crate::diagnostics::diagnostic::Fix::replace_word(
                        allow.rule.span,
                        &allow.rule.value,
                        c,
                    )
                }),
            );
            d = match crate::base::suggest::did_you_mean(
                &allow.rule.value,
                RuleId::ALL.iter().map(|r| r.as_str()),
            ) {
                Some(hint) => d.with_help(hint),
                None => d.with_help("`entramap explain` lists every rule"),
            };
            sink.file(d);
            continue;
        };
        if UNSUPPRESSIBLE.contains(&rule) {
            sink.file(
                Diagnostic::new(
                    RuleId::AllowUnknownRule,
                    allow.rule.span,
                    format!(
                        "`{}` is a configuration error and cannot be suppressed",
                        allow.rule.value
                    ),
                )
                .with_primary_label("not suppressible")
                .with_help("remove the entry and fix the configuration: the file cannot be checked until then"),
            );
        } else if !used {
            sink.file(
                Diagnostic::new(
                    RuleId::UnusedAllow,
                    allow.rule.span,
                    format!("`allow: {}` suppresses nothing", allow.rule.value),
                )
                .with_primary_label("no such finding here")
                .with_help("remove the entry: the finding it was written for is gone"),
            );
        }
    }
    suppressed
}
