//! The entramap playground's bridge to the library: every function takes strings and returns
//! one JSON document as a string, so the page needs no generated type bindings. Nothing here
//! lints, checks, evaluates or renders by itself: each function calls the entramap library (the
//! same code as the command line) and only reshapes its results for the page, adding UTF-16
//! offsets for the editor (JavaScript strings count UTF-16 code units; the library counts bytes
//! and Unicode characters).

#![warn(missing_docs)]

use entramap::base::text::SourceText;
use entramap::diagnostics::rules::{self, RuleId};
use entramap::diagnostics::{report, secrets, Diagnostic, FileReport};
use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use entramap::expr::eval::{self, EvalContext, Outcome};
use entramap::expr::source::{entra_id, ObjectKind};
use entramap::lint::fix::apply_fixes;
use entramap::lint::gate::Gate;
use entramap::lint::LintReport;
use entramap::model::profile::{self, Profile, ProfileError};
use entramap::model::{prepare, prepare_with_profile, PrepareError, Prepared};
use entramap::preview::{self, user::OneUser};
use serde_json::{json, Value};
use wasm_bindgen::prelude::wasm_bindgen;

/// The example mapping files, compiled in: file name and text.
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "idmelon.entramap.yaml",
        include_str!("../../examples/idmelon.entramap.yaml"),
    ),
    (
        "configcat.entramap.yaml",
        include_str!("../../examples/configcat.entramap.yaml"),
    ),
    (
        "cloudsso.entramap.yaml",
        include_str!("../../examples/cloudsso.entramap.yaml"),
    ),
    (
        "scim-core-default.entramap.yaml",
        include_str!("../../examples/scim-core-default.entramap.yaml"),
    ),
    (
        "broken/idmelon-typo.entramap.yaml",
        include_str!("../../examples/broken/idmelon-typo.entramap.yaml"),
    ),
];

fn to_string(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| json!({ "error": e.to_string() }).to_string())
}

/// UTF-16 code units of `text` before byte `offset` (clamped to the text, rounded down to a
/// character boundary).
fn utf16_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    text[..offset].encode_utf16().count()
}

/// Adds `from`/`to` (UTF-16 offsets into the source text) to a span object of the library's
/// JSON (`{"start": {"offset": ..}, "end": {"offset": ..}}`), and the UTF-16 column of each end.
fn add_utf16(text: &str, span: &mut Value) {
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut ends = [0usize; 2];
    for (i, key) in ["start", "end"].into_iter().enumerate() {
        let Some(position) = span.get_mut(key).and_then(Value::as_object_mut) else {
            continue;
        };
        let offset = position
            .get("offset")
            .and_then(Value::as_u64)
            .map_or(0, |o| o as usize)
            .min(text.len());
        let start = line_start(offset);
        let column16 = utf16_offset(&text[start..], offset - start) + 1;
        position.insert("column_utf16".into(), column16.into());
        ends[i] = utf16_offset(text, offset);
    }
    if let Some(object) = span.as_object_mut() {
        object.insert("from".into(), ends[0].into());
        object.insert("to".into(), ends[1].into());
    }
}

/// The library's JSON document of `reports` (the `--format json` of the command line), each
/// diagnostic's spans with UTF-16 offsets added for the editor, and `fix` (`{title, replacement,
/// span}`, the certain fix `entramap lint --fix` applies) on the findings that carry one.
fn findings_json(reports: &[FileReport]) -> Value {
    let mut document = report::to_json(reports);
    let found: Vec<(&SourceText, &Diagnostic)> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(move |d| (&r.source, d)))
        .collect();
    if let Some(diagnostics) = document
        .get_mut("diagnostics")
        .and_then(Value::as_array_mut)
    {
        for (d, (source, diagnostic)) in diagnostics.iter_mut().zip(found) {
            let text = source.text.as_str();
            if let (Some(object), Some(fix)) = (d.as_object_mut(), &diagnostic.fix) {
                let mut span = report::span_json(source, fix.span);
                add_utf16(text, &mut span);
                object.insert(
                    "fix".into(),
                    json!({"title": fix.title, "replacement": fix.replacement, "span": span}),
                );
            }
            if let Some(span) = d.get_mut("span") {
                add_utf16(text, span);
            }
            if let Some(labels) = d.get_mut("labels").and_then(Value::as_array_mut) {
                for label in labels {
                    if let Some(span) = label.get_mut("span") {
                        add_utf16(text, span);
                    }
                }
            }
            let summary = d
                .get("rule")
                .and_then(Value::as_str)
                .and_then(|id| id.parse::<RuleId>().ok())
                .map(|id| id.rule().summary);
            if let (Some(object), Some(summary)) = (d.as_object_mut(), summary) {
                object.insert("rule_summary".into(), summary.into());
            }
        }
    }
    document
}

/// The target profile the page picked: `None` for the one the file's `target:` names (the
/// empty string), else a built-in profile by name or a profile file's text (pasted).
fn picked_profile(target: &str) -> Option<Result<Profile, ProfileError>> {
    let target = target.trim();
    if target.is_empty() {
        None
    } else if profile::built_in_names().any(|n| n == target) {
        Some(profile::built_in(target))
    } else {
        Some(profile::from_text(target, "pasted profile"))
    }
}

/// The file prepared for output against the picked profile (see [`picked_profile`]).
fn prepare_for(file_name: &str, text: &str, target: &str) -> Result<Prepared, PrepareError> {
    match picked_profile(target) {
        None => prepare(file_name, text, None),
        Some(profile) => prepare_with_profile(file_name, text, profile),
    }
}

/// Lints a mapping file's text as `entramap lint --format json` does (`file_name` picks YAML or
/// JSON and is shown in findings), against `target`: empty for the profile the file names, a
/// built-in profile's name, or a pasted profile file. Returns that JSON document, with UTF-16
/// `from`/`to` offsets and columns added to every span and the rule's one-line summary to every
/// diagnostic.
#[wasm_bindgen]
pub fn lint(text: &str, file_name: &str, target: &str) -> String {
    let linted = lint_against(text, file_name, target);
    let mut document = findings_json(std::slice::from_ref(&linted.report));
    if let Some(summary) = document.get_mut("summary").and_then(Value::as_object_mut) {
        summary.insert("mappings".into(), linted.mappings.into());
        summary.insert("suppressed".into(), linted.suppressed.len().into());
    }
    to_string(&document)
}

fn lint_against(text: &str, file_name: &str, target: &str) -> LintReport {
    match picked_profile(target) {
        None => entramap::lint::lint_source(file_name, text, None),
        Some(profile) => entramap::lint::lint_source_with_profile(file_name, text, profile),
    }
}

/// Applies the certain fix of every finding that carries one, as `entramap lint --fix` does
/// (linted against `target`, as for [`lint`]; one pass, overlapping fixes left for the next):
/// `{"applied": n, "text"}` with the fixed text.
#[wasm_bindgen]
pub fn fix_all(text: &str, file_name: &str, target: &str) -> String {
    let linted = lint_against(text, file_name, target);
    let (fixed, applied) = apply_fixes(text, &linted.report.diagnostics);
    to_string(&json!({"applied": applied, "text": fixed}))
}

fn object_kind(object: &str) -> ObjectKind {
    if object.eq_ignore_ascii_case("group") {
        ObjectKind::Group
    } else {
        ObjectKind::User
    }
}

fn context(name: &str) -> Context {
    match name {
        "hr-inbound" => Context::HrInbound,
        "cloud-sync" => Context::CloudSync,
        _ => Context::AppProvisioning,
    }
}

/// Parses and type-checks one expression as `entramap check --format json` does: the findings
/// document with `expression: {canonical, type}` added. `object` is `user` or `group`;
/// `function_context` is `app-provisioning` (default), `hr-inbound` or `cloud-sync`.
#[wasm_bindgen]
pub fn check_expression(expression: &str, object: &str, function_context: &str) -> String {
    // The context's source schema, as `entramap check` uses it (AD and Entra ID in Cloud Sync,
    // any attribute in HR inbound).
    let context = context(function_context);
    let options = CheckOptions {
        context,
        attributes: match entramap::expr::source::for_context(context) {
            Some(schema) => Attributes::Schema(schema.of(object_kind(object))),
            None => Attributes::Any,
        },
        target_type: None,
    };
    let checked = check_text(expression, &options);
    let canonical = checked.expr.as_ref().map(entramap::expr::syntax::print);
    let reports = [FileReport::new(
        SourceText::new("<expression>", expression),
        checked.diagnostics,
    )];
    let mut document = findings_json(&reports);
    if let Some(object) = document.as_object_mut() {
        object.insert(
            "expression".into(),
            json!({"canonical": canonical, "type": checked.ty.to_string()}),
        );
    }
    to_string(&document)
}

/// Evaluates one expression against a source object given as JSON (a Graph user, or attribute
/// name to value), read as `entramap eval --user` and `preview` read a user (Graph names mapped,
/// `IsSoftDeleted` derived from `accountEnabled` and `deletedDateTime`), as
/// `entramap eval --format json --trace` does: the findings document with `result` and, when
/// `trace` is set, `trace` (every sub-expression's value) and `trace_text` (the trace as the
/// human format prints it). `Now()` is the browser's clock; Guid() and RandomString() use seed 0.
#[wasm_bindgen]
pub fn evaluate(expression: &str, user_json: &str, object: &str, trace: bool) -> String {
    let user = match OneUser::from_json(user_json) {
        Ok(user) => user,
        Err(e) => return to_string(&json!({ "input_error": format!("sample user: {e}") })),
    };
    let now = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(js_sys::Date::now() as i64)
        .unwrap_or_default();
    let ctx = EvalContext::at(now);
    let options = CheckOptions {
        context: Context::AppProvisioning,
        attributes: Attributes::Lenient(entra_id().of(object_kind(object))),
        target_type: None,
    };
    let evaluation = eval::check_and_evaluate(expression, &options, &user, &ctx, trace);
    let reports = [FileReport::new(
        SourceText::new("<expression>", expression),
        evaluation.diagnostics,
    )];
    let result = match &evaluation.result {
        Some(Ok(Outcome::Flows { value, redacted })) => json!({
            "flows": true, "value": value.to_json(), "type": value.type_name(),
            "redacted": redacted, "text": value.to_string(),
        }),
        Some(Ok(Outcome::NotFlowing { reason, .. })) => json!({
            "flows": false, "reason": reason.as_str(), "message": reason.describe(),
        }),
        _ => Value::Null,
    };
    let steps: Vec<Value> = evaluation
        .trace
        .iter()
        .map(|s| {
            json!({
                "depth": s.depth,
                "expression": expression.get(s.span.start..s.span.end).unwrap_or(""),
                "result": s.result.to_string(),
            })
        })
        .collect();
    let mut document = findings_json(&reports);
    if let Some(object) = document.as_object_mut() {
        object.insert("result".into(), result);
        if trace {
            object.insert("trace".into(), Value::Array(steps));
            let text = user.trace_text(expression, &evaluation.trace, "");
            object.insert(
                "trace_text".into(),
                secrets::redact(&text).into_owned().into(),
            );
        }
    }
    to_string(&document)
}

/// The outputs of a mapping file, as `entramap table`, `docs` and `export` print them:
/// `{"ok": true, "table_markdown", "docs", "graph", "graph_notes"}` (against `target`, as for
/// [`lint`]), or
/// `{"ok": false, ...findings}` when the file cannot be used (its errors, located).
#[wasm_bindgen]
pub fn outputs(text: &str, file_name: &str, target: &str) -> String {
    use entramap::output::{docs, table};
    let prepared = match prepare_for(file_name, text, target) {
        Ok(prepared) => prepared,
        Err(error) => return to_string(&not_prepared(file_name, text, error)),
    };
    let tables = table::build(&prepared, None);
    let graph = entramap::graph::export::export(
        &prepared,
        &entramap::graph::export::ExportOptions::default(),
    );
    to_string(&json!({
        "ok": true,
        "table_markdown": table::render(&tables, table::TableFormat::Markdown),
        "docs": format!("{}\n", serde_json::to_string_pretty(&docs::schema(&prepared)).unwrap_or_default()),
        "graph": graph.as_ref().map_or_else(|e| format!("cannot export: {e}"), |g| g.to_json()),
        "graph_notes": graph.map_or_else(|_| Vec::new(), |g| g.notes),
    }))
}

fn not_prepared(file_name: &str, text: &str, error: PrepareError) -> Value {
    let mut document = findings_json(&[FileReport::new(
        SourceText::new(file_name, text),
        error.into_diagnostics(),
    )]);
    if let Some(object) = document.as_object_mut() {
        object.insert("ok".into(), false.into());
    }
    document
}

/// What changed from `old_text` to `new_text` (both mapping files named `file_name`) and its
/// effect on a running provisioning job, as `entramap diff --format markdown` prints it (both
/// against `target`, as for [`lint`]):
/// `{"ok": true, "markdown", "empty"}`, or `{"ok": false, "which": "old"|"new", ...findings}`.
#[wasm_bindgen]
pub fn diff(old_text: &str, new_text: &str, file_name: &str, target: &str) -> String {
    use entramap::diff::{diff, render, DiffFormat};
    let old = match prepare_for(file_name, old_text, target) {
        Ok(p) => p,
        Err(e) => {
            let mut d = not_prepared(file_name, old_text, e);
            d["which"] = "old".into();
            return to_string(&d);
        }
    };
    let new = match prepare_for(file_name, new_text, target) {
        Ok(p) => p,
        Err(e) => {
            let mut d = not_prepared(file_name, new_text, e);
            d["which"] = "new".into();
            return to_string(&d);
        }
    };
    let result = diff(&old, &new);
    to_string(&json!({
        "ok": true,
        "empty": result.is_empty(),
        "markdown": secrets::redact(&render(&result, DiffFormat::Markdown)).into_owned(),
    }))
}

/// The file with every expression in canonical form, as `entramap fmt` writes it:
/// `{"changed": bool, "text"}`, or the findings when the file does not load.
#[wasm_bindgen]
pub fn format(text: &str, file_name: &str) -> String {
    let formatted = entramap::canonical::format_source(file_name, text);
    if !formatted.errors.is_empty() {
        let mut document = findings_json(&[FileReport::new(
            SourceText::new(file_name, text),
            formatted.errors,
        )]);
        document["changed"] = false.into();
        return to_string(&document);
    }
    match formatted.text {
        Some(text) => to_string(&json!({"changed": true, "text": text})),
        None => to_string(&json!({"changed": false, "text": text})),
    }
}

/// The rule's explanation as `entramap explain RULE` prints it, or `null` for an unknown id.
#[wasm_bindgen]
pub fn explain(rule: &str) -> String {
    to_string(&rule.parse::<RuleId>().map_or(Value::Null, |id| {
        let r = id.rule();
        json!({
            "id": r.id, "severity": r.severity, "summary": r.summary,
            "text": rules::explain(r),
        })
    }))
}

/// What the page offers: the built-in target profiles as `entramap targets` lists them (name
/// and `group`: `generic`, or `gallery` for the gallery catalogue's apps), the examples (file
/// name, text) and the `entramap init --app` starters of the gallery apps. Cheap: no profile is
/// parsed (their titles come from [`profile_titles`]).
#[wasm_bindgen]
pub fn catalogue() -> String {
    let profiles: Vec<Value> = profile::built_in_names()
        .map(|name| {
            let group = if profile::is_gallery(name) {
                "gallery"
            } else {
                "generic"
            };
            json!({"name": name, "group": group})
        })
        .collect();
    let examples: Vec<Value> = EXAMPLES
        .iter()
        .map(|(name, text)| json!({"name": name, "text": text}))
        .collect();
    // `entramap init --app NAME`: the gallery apps' starters.
    let starters: Vec<Value> = entramap::model::catalogue::gallery()
        .filter_map(|entry| {
            let app = entry.name;
            let text = entramap::model::starter::starter(Some(app)).ok()?;
            Some(json!({"name": format!("{app}.entramap.yaml"), "app": app, "text": text}))
        })
        .collect();
    to_string(&json!({
        "version": env!("CARGO_PKG_VERSION"),
        "profiles": profiles,
        "examples": examples,
        "starters": starters,
    }))
}

/// The title of every built-in target profile (`{name: title}`, `null` for a profile without
/// one), as `entramap targets` prints them, from the catalogue (no profile is parsed).
#[wasm_bindgen]
pub fn profile_titles() -> String {
    let titles: serde_json::Map<String, Value> = entramap::model::catalogue::ENTRIES
        .iter()
        .map(|e| {
            let title = Some(e.title).filter(|t| !t.is_empty());
            (e.name.to_owned(), title.into())
        })
        .collect();
    to_string(&Value::Object(titles))
}

/// The export, read through the page's `read(n)` callback: each call returns a `Uint8Array` of
/// at most `n` bytes of the file (the worker reads a slice of it), empty at the end. Nothing is
/// read ahead of the preview, so a file of any size costs the preview's buffers, not its size.
struct JsRead<'a> {
    read: &'a js_sys::Function,
}

impl std::io::Read for JsRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let wanted = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        let bytes = self
            .read
            .call1(&wasm_bindgen::JsValue::NULL, &wanted.into())
            .map_err(|e| std::io::Error::other(js_error(&e)))?;
        let bytes = js_sys::Uint8Array::new(&bytes);
        let n = (bytes.length() as usize).min(buf.len());
        bytes.subarray(0, n as u32).copy_to(&mut buf[..n]);
        Ok(n)
    }
}

fn js_error(e: &wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Error::from(e.clone()).message().as_string())
        .unwrap_or_else(|| "the file cannot be read".to_owned())
}

/// The buffered reader of the export: large reads, so that crossing into JavaScript costs
/// nothing per user.
fn export_reader(read: &js_sys::Function) -> std::io::BufReader<JsRead<'_>> {
    std::io::BufReader::with_capacity(1 << 20, JsRead { read })
}

/// How the page runs a preview, from its JSON settings: `{"now": RFC 3339, "seed": n,
/// "format": "auto"|"jsonl"|"graph"|"csv", "chunk_size": n}`, each optional (`now`: the
/// browser's clock; seed 0; the format detected from the content; 2,048 users a chunk).
fn preview_options(settings: &str) -> Result<preview::Options, String> {
    let settings: Value = if settings.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(settings).map_err(|e| format!("settings: {e}"))?
    };
    let format = match settings.get("format").and_then(Value::as_str) {
        None | Some("auto") => preview::InputFormat::Auto,
        Some("jsonl") => preview::InputFormat::Jsonl,
        Some("graph") => preview::InputFormat::Graph,
        Some("csv") => preview::InputFormat::Csv,
        Some(other) => return Err(format!("settings: unknown format `{other}`")),
    };
    let now = match settings.get("now").and_then(Value::as_str) {
        Some(text) => chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|e| format!("settings: now: {e}"))?
            .with_timezone(&chrono::Utc),
        None => chrono::DateTime::<chrono::Utc>::from_timestamp_millis(js_sys::Date::now() as i64)
            .unwrap_or_default(),
    };
    Ok(preview::Options {
        jobs: 1,
        format,
        chunk_size: settings
            .get("chunk_size")
            .and_then(Value::as_u64)
            .map_or(2048, |n| n as usize),
        now,
        seed: settings.get("seed").and_then(Value::as_u64).unwrap_or(0),
        parameters: Default::default(),
        object_ids: false,
        outcomes: false,
    })
}

/// The user mapping's plan, or the document that says why there is none. A file `lint` reports
/// errors in (against `target`, as for [`lint`]) is not run, as `entramap preview` refuses it
/// (the library's [`Gate`]): `{"ok": false, "error", ...findings}` with those errors, located.
fn plan_for(text: &str, file_name: &str, target: &str) -> Result<preview::Plan, Value> {
    let prepared =
        prepare_for(file_name, text, target).map_err(|e| not_prepared(file_name, text, e))?;
    let gate = Gate::of(lint_against(text, file_name, target));
    if gate.blocks() {
        let mut errors = gate.lint.report.clone();
        errors.diagnostics = gate.errors().cloned().collect();
        let mut document = findings_json(std::slice::from_ref(&errors));
        if let Some(object) = document.as_object_mut() {
            object.insert("ok".into(), false.into());
            object.insert(
                "error".into(),
                format!("{file_name} has lint errors; nothing is previewed until they are fixed")
                    .into(),
            );
        }
        return Err(document);
    }
    preview::Plan::new(&prepared).map_err(|e| {
        json!({"ok": false, "error": format!("{e}; the findings list says where"), "diagnostics": []})
    })
}

/// Hands the preview's results to the page chunk by chunk: at each step of progress, one call
/// of `emit(bytes, rows, problems, payloads, lines)` with the bytes of the export read so far,
/// the users done, the problems since the last call (a JSON array, as `preview --format json`
/// writes them), the payloads since the last call (JSON Lines, as `preview --out` writes them,
/// in a `Uint8Array`) and where each starts in it (a `Float64Array` of `line, start, end`).
struct PageSink<'a> {
    emit: &'a js_sys::Function,
    problems: Vec<u8>,
    payloads: Vec<u8>,
    lines: Vec<f64>,
}

impl preview::Sink for PageSink<'_> {
    fn problem(&mut self, problem: &preview::Problem) -> std::io::Result<()> {
        self.problems
            .push(if self.problems.is_empty() { b'[' } else { b',' });
        serde_json::to_writer(&mut self.problems, problem).map_err(std::io::Error::other)
    }

    fn payload(&mut self, line: u64, json: &[u8]) -> std::io::Result<()> {
        let start = self.payloads.len();
        self.payloads.extend_from_slice(json);
        self.payloads.push(b'\n');
        self.lines
            .extend([line as f64, start as f64, (start + json.len()) as f64]);
        Ok(())
    }

    fn progress(&mut self, bytes: u64, rows: u64) {
        if !self.problems.is_empty() {
            self.problems.push(b']');
        }
        let problems = String::from_utf8_lossy(&self.problems).into_owned();
        let args = js_sys::Array::of5(
            &(bytes as f64).into(),
            &(rows as f64).into(),
            &if problems.is_empty() {
                "[]".to_owned()
            } else {
                problems
            }
            .into(),
            &js_sys::Uint8Array::from(self.payloads.as_slice()),
            &js_sys::Float64Array::from(self.lines.as_slice()),
        );
        let _ = self.emit.apply(&wasm_bindgen::JsValue::NULL, &args);
        self.problems.clear();
        self.payloads.clear();
        self.lines.clear();
    }
}

/// The preview's counts for the page: the library's summary (as `preview --format json` writes
/// it), each group of problems with its rule's severity and in the order `preview` prints
/// them (most severe, then most frequent first), and `line`, the summary line `preview` prints
/// last.
fn summary_json(summary: &preview::Summary) -> Value {
    let mut groups: Vec<&preview::Group> = summary.groups.iter().collect();
    groups.sort_by(|a, b| {
        (b.rule.severity(), b.count)
            .cmp(&(a.rule.severity(), a.count))
            .then_with(|| (a.rule, &a.target).cmp(&(b.rule, &b.target)))
    });
    let mut document = serde_json::to_value(summary).unwrap_or(Value::Null);
    document["groups"] = groups
        .iter()
        .map(|g| {
            let mut group = serde_json::to_value(g).unwrap_or(Value::Null);
            group["severity"] = serde_json::to_value(g.rule.severity()).unwrap_or(Value::Null);
            group
        })
        .collect();
    let count = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    document["line"] = format!(
        "Summary: {} read - {}, {}, {} out of scope, {} unreadable",
        count(summary.users_read, "user", "users"),
        count(summary.payloads, "payload", "payloads"),
        count(summary.failures, "failure", "failures"),
        summary.out_of_scope,
        summary.unreadable,
    )
    .into();
    document
}

/// Runs the mapping file's user mapping (against `target`, as for [`lint`]) over a user export,
/// as `entramap preview FILE --users EXPORT` does, on this thread alone (the page calls it in a
/// Web Worker): the export is read through `read(n)` (see [`JsRead`]) and the results go to
/// `emit` as they come (see [`PageSink`]). `settings` as [`preview_options`] reads them.
/// Returns `{"ok": true, "summary"}` (see [`summary_json`]), or `{"ok": false, "error"}`, with
/// the file's findings when it cannot be used.
#[wasm_bindgen]
pub fn preview_export(
    text: &str,
    file_name: &str,
    target: &str,
    settings: &str,
    read: &js_sys::Function,
    emit: &js_sys::Function,
) -> String {
    let options = match preview_options(settings) {
        Ok(options) => options,
        Err(error) => return to_string(&json!({"ok": false, "error": error})),
    };
    let plan = match plan_for(text, file_name, target) {
        Ok(plan) => plan,
        Err(document) => return to_string(&document),
    };
    let mut sink = PageSink {
        emit,
        problems: Vec::new(),
        payloads: Vec::new(),
        lines: Vec::new(),
    };
    match preview::preview_on_this_thread(&plan, export_reader(read), &options, &mut sink) {
        Ok(summary) => to_string(&json!({"ok": true, "summary": summary_json(&summary)})),
        Err(e) => to_string(&json!({"ok": false, "error": e.to_string()})),
    }
}

/// One user of the export explained, as `entramap preview FILE --users EXPORT --user KEY` does
/// (`key`: a UPN, objectId or line; the export read through `read(n)` as for
/// [`preview_export`]): `{"found": true, "line", "user", "scope": {in_scope, reason}, "derived",
/// "mappings": [{target, kind, text, result, value, falls_back, default, trace_text}]}`,
/// `{"found": false}`, or `{"error"}`. The payload and the problems are the preview's: the page
/// keeps them from its run.
#[wasm_bindgen]
pub fn explain_user(
    text: &str,
    file_name: &str,
    target: &str,
    settings: &str,
    key: &str,
    read: &js_sys::Function,
) -> String {
    use entramap::preview::user::{self, UserKey, Verdict};
    let options = match preview_options(settings) {
        Ok(options) => options,
        Err(error) => return to_string(&json!({ "error": error })),
    };
    let plan = match plan_for(text, file_name, target) {
        Ok(plan) => plan,
        Err(document) => return to_string(&document),
    };
    let found = user::find_user(
        export_reader(read),
        options.format,
        user::plan_attributes(&plan),
        &UserKey::parse(key.trim()),
    );
    let one = match found {
        Ok(Some(one)) => one,
        Ok(None) => return to_string(&json!({"found": false})),
        Err(e) => return to_string(&json!({"error": e.to_string()})),
    };
    let explanation = user::explain(&plan, &one, &options);
    let (in_scope, reason) = match &explanation.verdict {
        Verdict::InScope(why) => (true, why),
        Verdict::OutOfScope(why) => (false, why),
    };
    let read = user::plan_attributes(&plan);
    let mappings: Vec<Value> = explanation
        .mappings
        .iter()
        .map(|m| {
            let (result, falls_back) = match &m.outcome {
                Ok(Outcome::Flows { value, .. }) => {
                    (value.to_string(), m.kind == "source" && value.is_null())
                }
                Ok(Outcome::NotFlowing { reason, .. }) => {
                    (format!("does not flow ({})", reason.describe()), true)
                }
                Err(e) => (format!("error: {e}"), false),
            };
            json!({
                "target": m.target,
                "kind": m.kind,
                "text": m.text,
                "result": result,
                "falls_back": falls_back && m.default.is_some(),
                "default": m.default.as_ref().map(ToString::to_string),
                "trace_text": one.trace_text(&m.text, &m.trace, ""),
            })
        })
        .collect();
    to_string(&json!({
        "found": true,
        "line": one.line,
        "user": one.identity(),
        "scope": {"in_scope": in_scope, "reason": reason},
        "derived": one
            .derived
            .iter()
            .filter(|d| read.lookup(&d.attribute).is_some())
            .map(|d| json!({"attribute": d.attribute, "value": d.value.to_string(), "from": d.from}))
            .collect::<Vec<_>>(),
        "mappings": mappings,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs_and_multibyte_characters() {
        let text = "a😀é\nb";
        assert_eq!(utf16_offset(text, 1), 1);
        assert_eq!(utf16_offset(text, 5), 3);
        assert_eq!(utf16_offset(text, 7), 4);
        assert_eq!(utf16_offset(text, 6), 3);
        assert_eq!(utf16_offset(text, 100), 6);
    }

    #[test]
    fn lint_reports_the_broken_example_with_utf16_spans() {
        let (name, text) = EXAMPLES[4];
        let document: Value = serde_json::from_str(&lint(text, name, "")).unwrap();
        let rules: Vec<&str> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"unknown-source-attribute"), "{rules:?}");
        let typo = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "unknown-source-attribute")
            .unwrap();
        let from = typo["span"]["from"].as_u64().unwrap() as usize;
        let to = typo["span"]["to"].as_u64().unwrap() as usize;
        assert_eq!(&text[from..to], "[givenNme]");
    }

    #[test]
    fn the_broken_example_carries_its_certain_fixes_and_fix_all_applies_them() {
        let (name, text) = EXAMPLES[4];
        let document: Value = serde_json::from_str(&lint(text, name, "")).unwrap();
        let diagnostics = document["diagnostics"].as_array().unwrap();
        let typo = diagnostics
            .iter()
            .find(|d| d["rule"] == "unknown-source-attribute")
            .unwrap();
        let fix = &typo["fix"];
        assert_eq!(fix["replacement"], "givenName", "{typo}");
        assert_eq!(fix["title"], "write `givenName`");
        let from = fix["span"]["from"].as_u64().unwrap() as usize;
        let to = fix["span"]["to"].as_u64().unwrap() as usize;
        let utf16: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16(&utf16[from..to]).unwrap(), "givenNme");
        let unfixable = diagnostics
            .iter()
            .find(|d| d["rule"] == "matching-precedence-duplicate")
            .unwrap();
        assert!(unfixable.get("fix").is_none(), "{unfixable}");

        let fixed: Value = serde_json::from_str(&fix_all(text, name, "")).unwrap();
        let fixed_text = fixed["text"].as_str().unwrap();
        assert_eq!(
            fixed["applied"].as_u64().unwrap() as usize,
            diagnostics
                .iter()
                .filter(|d| d.get("fix").is_some())
                .count()
        );
        assert!(fixed_text.contains("[givenName]"), "{fixed_text}");
        let after: Value = serde_json::from_str(&lint(fixed_text, name, "")).unwrap();
        let after = after["diagnostics"].as_array().unwrap();
        assert!(after.iter().all(|d| d.get("fix").is_none()), "{after:?}");
        assert!(after
            .iter()
            .any(|d| d["rule"] == "matching-precedence-duplicate"));
        let again: Value = serde_json::from_str(&fix_all(fixed_text, name, "")).unwrap();
        assert_eq!(again["applied"], 0);
        assert_eq!(again["text"], fixed_text);
    }

    struct Discard;

    impl preview::Sink for Discard {
        fn problem(&mut self, _: &preview::Problem) -> std::io::Result<()> {
            Ok(())
        }
        fn payload(&mut self, _: u64, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_dry_run_summary_has_preview_s_line_and_its_groups_most_severe_first() {
        let (name, text) = EXAMPLES[0];
        let plan = plan_for(text, name, "").unwrap();
        let options =
            preview_options(r#"{"now": "2025-01-01T00:00:00Z", "format": "jsonl"}"#).unwrap();
        assert_eq!(options.format, preview::InputFormat::Jsonl);
        let export = concat!(
            r#"{"objectId": "1", "userPrincipalName": "one@contoso.com", "accountEnabled": true, "mail": "one@contoso.com", "givenName": "One", "surname": "A", "displayName": "One A", "immutableId": "x1"}"#,
            "\n",
            r#"{"objectId": "2", "accountEnabled": true}"#,
            "\nnot json\n",
        );
        let summary = preview::preview_on_this_thread(
            &plan,
            std::io::Cursor::new(export),
            &options,
            &mut Discard,
        )
        .unwrap();
        let document = summary_json(&summary);
        assert_eq!(
            document["line"],
            format!(
                "Summary: 3 users read - {} payload{}, {} failure{}, 0 out of scope, 1 unreadable",
                summary.payloads,
                if summary.payloads == 1 { "" } else { "s" },
                summary.failures,
                if summary.failures == 1 { "" } else { "s" },
            )
        );
        assert_eq!(summary.payloads + summary.failures, 2);
        let severities: Vec<&str> = document["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["severity"].as_str().unwrap())
            .collect();
        assert!(severities.contains(&"error"), "{document}");
        let mut sorted = severities.clone();
        sorted.sort_by_key(|s| ["error", "warning", "note"].iter().position(|x| x == s));
        assert_eq!(severities, sorted);
        assert!(preview_options(r#"{"format": "xml"}"#).is_err());
        assert!(preview_options(r#"{"now": "yesterday"}"#).is_err());
    }

    #[test]
    fn a_file_with_lint_errors_is_not_previewed_as_preview_refuses_it() {
        let name = "idmelon-typo-tolower.entramap.yaml";
        let text = include_str!("../../tests/fixtures/gate/idmelon-typo-tolower.entramap.yaml");
        let document = plan_for(text, name, "").expect_err("refused");
        assert_eq!(document["ok"], false, "{document}");
        assert_eq!(
            document["error"],
            format!("{name} has lint errors; nothing is previewed until they are fixed")
        );
        let diagnostics = document["diagnostics"].as_array().unwrap();
        assert!(!diagnostics.is_empty(), "{document}");
        assert!(diagnostics.iter().all(|d| d["severity"] == "error"));
        assert!(diagnostics
            .iter()
            .any(|d| d["rule"] == "unknown-source-attribute"));
        assert!(diagnostics[0]["span"]["start"]["line"].as_u64().is_some());
        // The same file without its errors runs.
        let (name, text) = EXAMPLES[0];
        assert!(plan_for(text, name, "").is_ok());
    }

    #[test]
    fn the_catalogue_groups_the_built_in_profiles_into_generic_and_gallery() {
        let document: Value = serde_json::from_str(&catalogue()).unwrap();
        let profiles = document["profiles"].as_array().unwrap();
        assert_eq!(profiles.len(), profile::built_in_names().count());
        let by_name = |name: &str| profiles.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(by_name("scim-core")["group"], "generic");
        assert_eq!(by_name("slack")["group"], "gallery");
        let titles: Value = serde_json::from_str(&profile_titles()).unwrap();
        assert_eq!(titles["slack"], "Slack");
        assert_eq!(titles["scim-core"], "Non-gallery SCIM app (customappsso)");
        assert_eq!(
            titles.as_object().unwrap().len(),
            profile::built_in_names().count()
        );
        let gallery = profiles.iter().filter(|p| p["group"] == "gallery").count();
        assert_eq!(
            gallery,
            profile::built_in_names()
                .filter(|n| profile::is_gallery(n))
                .count()
        );
        assert!(gallery > 0);
    }
}
