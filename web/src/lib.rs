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
use entramap::lint::LintReport;
use entramap::model::profile::{self, Profile, ProfileError};
use entramap::model::{prepare, prepare_with_profile, PrepareError, Prepared};
use entramap::preview::user::OneUser;
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
    let redact = |s: String| secrets::redact(&s).into_owned();
    to_string(&json!({
        "ok": true,
        "table_markdown": redact(table::render(&tables, table::TableFormat::Markdown)),
        "docs": redact(format!("{}\n", serde_json::to_string_pretty(&docs::schema(&prepared)).unwrap_or_default())),
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
    use entramap::output::diff::{diff, render, DiffFormat};
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
    let formatted = entramap::fmt::format_source(file_name, text);
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
            let text = entramap::output::starter::starter(Some(app)).ok()?;
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
