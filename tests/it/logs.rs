//! `entramap logs`: Microsoft's documented example events read in every format, grouping (every
//! record in exactly one group, planted counts found again), the code table and `explain`, the
//! replay of a mapping (drift, the mapping behind a value failure), quarantine risk, bad input,
//! and the reports as snapshots.

use crate::common::{entramap, root, stdout};
use entramap::logs::event::Status;
use entramap::logs::read::{self, Format, Record};
use entramap::logs::replay::Replayer;
use entramap::logs::synth::{self, Generator, Planted};
use entramap::logs::{Analyzer, GroupKey, Options, Report};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/logs")
}

fn analyze(paths: &[&Path], replayer: Option<&Replayer>) -> Report {
    let mut analyzer = Analyzer::new(
        Options::default(),
        replayer.map(|r| (r, "mapping.entramap.yaml".to_owned())),
    );
    let files = read::read_paths(paths, &mut |r| analyzer.add(r));
    analyzer.finish(files)
}

fn analyze_fixtures(names: &[&str]) -> Report {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixtures().join(n)).collect();
    let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    analyze(&paths, None)
}

/// The groups of a report as (key, count), sorted.
fn groups(report: &Report) -> Vec<(GroupKey, u64)> {
    let mut g: Vec<_> = report
        .groups
        .iter()
        .map(|g| (g.key.clone(), g.count))
        .collect();
    g.sort();
    g
}

/// Every format the readers take, each written from the same three documented events.
const FORMATS: &[(&[&str], Format)] = &[
    (&["portal.json"], Format::PortalJson),
    (&["graph-v1.0.json"], Format::GraphPage),
    (&["graph-beta.json"], Format::GraphPage),
    (&["events.jsonl"], Format::JsonLines),
    (&["log-analytics.json"], Format::LogAnalyticsJson),
    (&["log-analytics.csv"], Format::LogAnalyticsCsv),
    (
        &[
            "portal-ProvisioningLogs.csv",
            "portal-ProvisioningLogs_ProvisioningSteps.csv",
            "portal-ProvisioningLogs_ModifiedProperties.csv",
        ],
        Format::PortalCsv,
    ),
];

#[test]
fn microsofts_example_events_read_the_same_in_every_format() {
    let reference = analyze_fixtures(&["portal.json"]);
    assert_eq!(reference.events, 3);
    assert_eq!(reference.statuses.failure, 1);
    assert_eq!(reference.statuses.skipped, 1);
    assert_eq!(reference.statuses.success, 1);
    for (names, format) in FORMATS {
        let report = analyze_fixtures(names);
        assert_eq!(groups(&report), groups(&reference), "{names:?}");
        let formats: Vec<_> = report
            .files
            .iter()
            .flat_map(|f| f.formats.clone())
            .collect();
        assert_eq!(formats, vec![(*format, 3)], "{names:?}");
        for file in &report.files {
            assert!(file.problems.is_empty(), "{names:?}: {:?}", file.problems);
        }
    }
}

/// Every format written as Windows PowerShell's `>` and `Out-File` write a file (UTF-16LE with a
/// byte order mark, CRLF) reads as the file itself.
#[test]
fn utf16_files_read_as_their_utf8() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (names, _) in FORMATS {
        let paths: Vec<PathBuf> = names
            .iter()
            .map(|name| {
                let text = std::fs::read_to_string(fixtures().join(name))
                    .unwrap_or_else(|e| panic!("{e}"));
                let mut bytes = vec![0xFF, 0xFE];
                let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
                bytes.extend(crlf.encode_utf16().flat_map(u16::to_le_bytes));
                let path = dir.path().join(name);
                std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
                path
            })
            .collect();
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let report = analyze(&paths, None);
        assert_eq!(
            groups(&report),
            groups(&analyze_fixtures(names)),
            "{names:?}"
        );
        for file in &report.files {
            assert!(file.problems.is_empty(), "{names:?}: {:?}", file.problems);
        }
    }
}

/// The events themselves (not only their groups) are the same in every format: names, steps,
/// import values and modified properties.
#[test]
fn every_format_carries_the_steps_and_modified_properties() {
    let events_of = |names: &[&str]| {
        let paths: Vec<PathBuf> = names.iter().map(|n| fixtures().join(n)).collect();
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let mut events = Vec::new();
        read::read_paths(&paths, &mut |r| {
            if let Record::Event { event, .. } = r {
                events.push((
                    event.change_id.clone(),
                    event.status(),
                    event.error_code.clone(),
                    event.skip_reason.clone(),
                    event.imported().map(|s| s.details.clone()),
                    event.modified.clone(),
                    event
                        .steps
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>(),
                ));
            }
        });
        events
    };
    let reference = events_of(&["portal.json"]);
    assert_eq!(reference.len(), 3);
    for (names, _) in FORMATS {
        assert_eq!(events_of(names), reference, "{names:?}");
    }
}

#[test]
fn a_provision_on_demand_result_reads_its_skip_reason_and_import_values() {
    let mut events = Vec::new();
    read::read_paths(
        &[&fixtures().join("microsoft-provision-on-demand.json")],
        &mut |r| events.push(r),
    );
    let [Record::Event { event, format, .. }] = events.as_slice() else {
        panic!("one event: {events:?}");
    };
    assert_eq!(*format, Format::ProvisionOnDemand);
    assert_eq!(event.status(), Status::Skipped);
    assert_eq!(event.skip_reason.as_deref(), Some("RedundantExport"));
    assert_eq!(event.source.display_name, "BillBob@contoso.com");
    let import = event.imported().expect("import values");
    assert_eq!(import.detail("displayName"), Some("Fill Bob"));
}

#[test]
fn a_job_status_gives_its_quarantine_state() {
    let report = analyze_fixtures(&["microsoft-job-status.json"]);
    assert_eq!(report.events, 0);
    let [job] = report.jobs.as_slice() else {
        panic!("one job")
    };
    assert_eq!(job.template_id, "BoxOutDelta");
    assert_eq!(job.code, "Paused");
    assert_eq!(job.series_count, Some(2));
    assert_eq!(job.error_code, "SalesforceInvalidCredentials");
}

#[test]
fn the_portal_csv_reports_the_columns_it_does_not_understand() {
    let report = analyze_fixtures(&[
        "portal-ProvisioningLogs.csv",
        "portal-ProvisioningLogs_ProvisioningSteps.csv",
        "portal-ProvisioningLogs_ModifiedProperties.csv",
    ]);
    assert_eq!(
        report.files[0].unknown_columns,
        vec!["Tenant Region".to_owned()]
    );
    assert!(report.files[1].unknown_columns.is_empty());
}

#[test]
fn a_detail_file_without_its_events_is_reported_not_dropped() {
    let report = analyze_fixtures(&["portal-ProvisioningLogs_ProvisioningSteps.csv"]);
    assert_eq!(report.events, 0);
    assert_eq!(
        report.files[0].problems,
        vec!["9 of 9 rows of the provisioning steps file name a change id no event row has"]
    );
}

#[test]
fn a_truncated_download_keeps_the_events_before_the_cut_and_says_where() {
    let text = std::fs::read_to_string(fixtures().join("portal.json")).expect("fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    let cut = dir.path().join("cut.json");
    std::fs::write(&cut, &text[..5000]).expect("write");
    let report = analyze(&[&cut], None);
    assert_eq!(report.events, 1);
    assert_eq!(report.files[0].problems.len(), 1);
    assert!(
        report.files[0].problems[0].starts_with(
            "the file ends in the middle of a record (truncated download?) at line 1, column 5000"
        ),
        "{:?}",
        report.files[0].problems
    );
}

#[test]
fn odd_records_are_counted_in_groups_of_their_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let odd = dir.path().join("odd.json");
    std::fs::write(
        &odd,
        r#"[1, {"foo": 2}, {"provisioningAction": "create", "newField": 1}, {"provisioningStatusInfo": {"status": "failure", "errorInformation": {"errorCode": "FooBarQux"}}}]"#,
    )
    .expect("write");
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "  \n").expect("write");
    let report = analyze(&[&odd, &empty], None);
    assert_eq!(report.events, 4);
    assert_eq!(report.groups.iter().map(|g| g.count).sum::<u64>(), 4);
    assert_eq!(report.statuses.unreadable, 2);
    assert_eq!(report.statuses.unknown, 1);
    assert_eq!(report.unknown_fields, vec![("newField".to_owned(), 1)]);
    assert_eq!(report.unknown_codes, vec![("FooBarQux".to_owned(), 1)]);
    assert_eq!(report.files[1].problems, vec!["the file is empty"]);
}

#[test]
fn the_human_report_of_microsofts_examples() {
    let output = entramap(&[
        "logs",
        "tests/fixtures/logs/portal.json",
        "tests/fixtures/logs/microsoft-job-status.json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn the_json_report_of_microsofts_examples() {
    let output = entramap(&[
        "logs",
        "tests/fixtures/logs/graph-v1.0.json",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    insta::assert_json_snapshot!(json);
}

#[test]
fn a_missing_log_is_a_usage_error() {
    let output = entramap(&["logs", "tests/fixtures/logs/no-such-file.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("no-such-file.json: cannot read"));
}

#[test]
fn show_lists_every_event_of_one_group() {
    let output = entramap(&["logs", "tests/fixtures/logs/events.jsonl", "--show", "1"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
    assert_eq!(
        entramap(&["logs", "tests/fixtures/logs/events.jsonl", "--show", "9"])
            .status
            .code(),
        Some(2)
    );
}

/// A realistic log with these counts per planted group.
fn planted(counts: &[u64]) -> Vec<Planted> {
    let mut groups = synth::catalogue();
    for (g, n) in groups.iter_mut().zip(counts.iter().cycle()) {
        g.count = *n;
    }
    groups
}

fn analyze_generated(generator: Generator, replayer: Option<&Replayer>) -> (Report, Vec<usize>) {
    let mut analyzer = Analyzer::new(
        Options::default(),
        replayer.map(|r| (r, "mapping.entramap.yaml".to_owned())),
    );
    let mut order = Vec::new();
    for (group, event) in generator {
        order.push(group);
        let object = event.as_object().expect("an object").clone();
        let (event, unknown) = entramap::logs::event::Event::from_json(&object).expect("an event");
        analyzer.add(Record::Event {
            event: Box::new(event),
            unknown,
            format: Format::JsonLines,
        });
    }
    (analyzer.finish(Vec::new()), order)
}

#[test]
fn every_generated_event_lands_in_its_planted_group() {
    let counts = [7, 3, 11, 1, 5, 2];
    let planted = planted(&counts);
    let total: u64 = planted.iter().map(|p| p.count).sum();
    let (report, _) = analyze_generated(Generator::new(planted.clone(), 7), None);
    assert_eq!(report.events, total);
    assert_eq!(
        report.groups.len(),
        planted.len(),
        "one group per planted group"
    );
    for p in &planted {
        let group = report
            .groups
            .iter()
            .find(|g| {
                g.key.code.as_deref() == p.code
                    && g.key.status.as_str() == p.status
                    && g.key.action == p.action
            })
            .unwrap_or_else(|| panic!("a group for {p:?}"));
        assert_eq!(group.count, p.count, "{p:?}");
        assert_eq!(group.key.http_status, p.http_status, "{p:?}");
        assert_eq!(group.key.scim_type.as_deref(), p.scim_type, "{p:?}");
        let documented = p.code.and_then(entramap::logs::codes::lookup).is_some();
        assert_eq!(group.documented.is_some(), documented, "{p:?}");
        if p.status == "failure" && !documented {
            assert_eq!(
                report.unknown_codes,
                vec![(p.code.unwrap_or("").to_owned(), p.count)]
            );
            assert_eq!(
                group.cause,
                Some(entramap::logs::codes::ValueCause::TooLong)
            );
        }
    }
    assert!(report.unknown_fields.is_empty());
}

#[test]
fn every_generated_format_gives_the_planted_counts() {
    let planted = planted(&[4, 9, 1]);
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, f: &dyn Fn(&mut std::fs::File) -> std::io::Result<()>| {
        let path = dir.path().join(name);
        let mut file = std::fs::File::create(&path).expect("create");
        f(&mut file).expect("write");
        path
    };
    let events = || Generator::new(planted.clone(), 3).map(|(_, e)| e);
    let files: Vec<Vec<PathBuf>> = vec![
        vec![write("a.json", &|f| synth::write_json_array(events(), f))],
        vec![write("b.json", &|f| synth::write_graph_page(events(), f))],
        vec![write("c.json", &|f| {
            synth::write_graph_page(events().map(|e| synth::to_beta(&e)), f)
        })],
        vec![write("d.jsonl", &|f| synth::write_json_lines(events(), f))],
        vec![write("e.jsonl", &|f| {
            synth::write_json_lines(events().map(|e| synth::to_log_analytics(&e)), f)
        })],
        vec![write("f.csv", &|f| {
            synth::write_log_analytics_csv(events(), f)
        })],
        {
            let main = dir.path().join("g.csv");
            let steps = dir.path().join("g_steps.csv");
            let modified = dir.path().join("g_modified.csv");
            let mut m = std::fs::File::create(&main).expect("create");
            let mut s = std::fs::File::create(&steps).expect("create");
            let mut p = std::fs::File::create(&modified).expect("create");
            synth::write_portal_csv(events(), &mut m, &mut s, &mut p).expect("write");
            vec![steps, main, modified]
        },
    ];
    let (reference, _) = analyze_generated(Generator::new(planted.clone(), 3), None);
    for paths in &files {
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let report = analyze(&paths, None);
        assert_eq!(groups(&report), groups(&reference), "{paths:?}");
        assert!(
            report.files.iter().all(|f| f.problems.is_empty()),
            "{paths:?}: {:?}",
            report.files
        );
    }
}

#[test]
fn explain_gives_every_documented_code_with_its_source() {
    for code in entramap::logs::codes::CODES {
        let output = entramap(&["explain", code.code]);
        assert_eq!(output.status.code(), Some(0), "{}", code.code);
        let text = stdout(&output);
        assert!(text.starts_with(&format!("{} (", code.code)), "{text}");
        assert!(text.contains(code.fix), "{text}");
        assert!(text.contains(&format!("Source: {}", code.source)), "{text}");
    }
    let list = stdout(&entramap(&["explain"]));
    assert!(list.contains("EntryConflict"));
    assert!(list.contains("NotEffectivelyEntitled"));
}

#[test]
fn an_app_prefixed_code_is_explained_by_the_documented_code_it_ends_with() {
    let output = entramap(&["explain", "ContosoEntryConflict"]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
    assert_eq!(
        entramap(&["explain", "NoSuchCodeAtAll"]).status.code(),
        Some(2)
    );
}

#[test]
fn every_code_of_the_table_is_unique_and_sourced() {
    let codes = entramap::logs::codes::CODES;
    for (i, c) in codes.iter().enumerate() {
        assert!(
            c.source.starts_with("https://learn.microsoft.com/"),
            "{}",
            c.code
        );
        assert!(
            codes[..i].iter().all(|d| d.code != c.code),
            "{} twice",
            c.code
        );
        assert_eq!(
            entramap::logs::codes::lookup(c.code).map(|d| d.code),
            Some(c.code)
        );
    }
}

fn replayer(name: &str, text: &str) -> Replayer {
    let prepared = entramap::model::prepare(name, text, None)
        .unwrap_or_else(|e| panic!("the mapping prepares: {e:?}"));
    let source = entramap::base::text::SourceText::new(name, text);
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .expect("a date")
        .with_timezone(&chrono::Utc);
    Replayer::new(&prepared, &source, now)
}

/// Events the replay compares: those that were not skipped (they carry import values and
/// modified properties).
fn compared(planted: &[Planted], order: &[usize]) -> u64 {
    order
        .iter()
        .filter(|&&g| planted[g].status != "skipped")
        .count() as u64
}

#[test]
fn replaying_the_right_mapping_reproduces_every_event() {
    let planted = planted(&[5, 2, 8]);
    let r = replayer("generated.entramap.yaml", synth::MAPPING);
    let (report, order) = analyze_generated(Generator::new(planted.clone(), 11), Some(&r));
    let drift = report.drift.expect("a replay");
    assert_eq!(drift.compared_events, compared(&planted, &order));
    assert_eq!(drift.drifted_events, 0, "{:?}", drift.targets);
    assert_eq!(drift.targets.len(), 7, "every mapped target is compared");
    assert!(drift
        .targets
        .iter()
        .all(|t| t.compared == drift.compared_events));
}

#[test]
fn a_changed_expression_is_drift_on_exactly_the_events_it_changes() {
    let planted = planted(&[5, 2, 8]);
    let changed = synth::MAPPING.replace(
        "  - target: title\n    source: jobTitle\n",
        "  - target: title\n    expression: 'Replace([jobTitle], \"Engineer\", , , \"Developer\", , )'\n",
    );
    assert_ne!(changed, synth::MAPPING);
    let r = replayer("changed.entramap.yaml", &changed);
    let mut affected = 0;
    for (group, event) in Generator::new(planted.clone(), 11) {
        let title = event["provisioningSteps"][0]["details"]["jobTitle"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if planted[group].status != "skipped" && title.contains("Engineer") {
            affected += 1;
        }
    }
    assert!(affected > 0);
    let (report, _) = analyze_generated(Generator::new(planted, 11), Some(&r));
    let drift = report.drift.expect("a replay");
    assert_eq!(drift.drifted_events, affected);
    let [title, rest @ ..] = drift.targets.as_slice() else {
        panic!("targets")
    };
    assert_eq!(title.mapping.target, "title");
    assert_eq!(title.differing, affected);
    assert_eq!(title.mapping.location(), "changed.entramap.yaml:19:18");
    assert!(rest.iter().all(|t| t.differing == 0));
    let example = &title.examples[0];
    assert!(example
        .logged
        .as_deref()
        .is_some_and(|v| v.contains("Engineer")));
    assert!(example
        .replayed
        .as_deref()
        .is_some_and(|v| v.contains("Developer")));
}

#[test]
fn a_value_failure_names_the_mapping_that_produced_the_value() {
    let planted = planted(&[3]);
    let r = replayer("generated.entramap.yaml", synth::MAPPING);
    let (report, _) = analyze_generated(Generator::new(planted, 5), Some(&r));
    let find = |code: &str| {
        report
            .groups
            .iter()
            .find(|g| g.key.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("a group for {code}"))
    };
    let conflict = find("EntryConflict");
    assert_eq!(conflict.key.attribute.as_deref(), Some("userName"));
    assert_eq!(
        conflict.cause,
        Some(entramap::logs::codes::ValueCause::NotUnique)
    );
    let mapping = conflict.mapping.as_ref().expect("the mapping");
    assert_eq!(mapping.location(), "generated.entramap.yaml:6:13");
    assert_eq!(mapping.text, "userPrincipalName");
    let too_long = find("ContosoAttributeTooLong");
    assert_eq!(too_long.key.attribute.as_deref(), Some("displayName"));
    assert_eq!(
        too_long.cause,
        Some(entramap::logs::codes::ValueCause::TooLong)
    );
    assert_eq!(
        too_long.mapping.as_ref().map(|m| m.text.as_str()),
        Some("Join(\" \", [givenName], [surname])")
    );
    let missing = find("MandatoryFieldsMissing");
    assert_eq!(missing.key.attribute.as_deref(), Some("name.familyName"));
    assert_eq!(
        missing.cause,
        Some(entramap::logs::codes::ValueCause::EmptyRequired)
    );
}

/// The walkthrough's log: the generator's events with these counts, as the portal's JSON.
fn walkthrough_planted() -> Vec<Planted> {
    let counts = [
        ("EntryConflict", 4),
        ("ContosoAttributeTooLong", 3),
        ("MandatoryFieldsMissing", 2),
        ("TooManyRequests", 1),
        ("RedundantExport", 20),
        ("NotEffectivelyEntitled", 5),
    ];
    synth::catalogue()
        .into_iter()
        .map(|mut p| {
            p.count = match p.code {
                Some(code) => counts
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or(0, |(_, n)| *n),
                None if p.action == "create" => 15,
                None => 10,
            };
            p
        })
        .collect()
}

#[test]
fn the_walkthrough_log_is_what_the_generator_writes() {
    let mut bytes = Vec::new();
    synth::write_json_array(
        Generator::new(walkthrough_planted(), 2026).map(|(_, e)| e),
        &mut bytes,
    )
    .expect("write");
    let path = root().join("examples/logs/ProvisioningLogs.json");
    if std::env::var_os("ENTRAMAP_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &bytes).expect("write the fixture");
    }
    let committed =
        std::fs::read(&path).expect("the fixture (ENTRAMAP_UPDATE_FIXTURES=1 writes it)");
    assert!(
        committed == bytes,
        "the walkthrough log is out of date: rerun with ENTRAMAP_UPDATE_FIXTURES=1"
    );
}

#[test]
fn the_walkthrough_report_names_the_mapping_lines() {
    let output = entramap(&[
        "logs",
        "examples/logs/ProvisioningLogs.json",
        "--mapping",
        "examples/logs/contoso.entramap.yaml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
}

/// A log of `total` events of which `failures` failed, all of one job.
fn failing(failures: u64, total: u64) -> Report {
    let planted: Vec<Planted> = synth::catalogue()
        .into_iter()
        .filter(|p| {
            p.code == Some("EntryConflict") || (p.status == "success" && p.action == "create")
        })
        .map(|mut p| {
            p.count = if p.status == "success" {
                total - failures
            } else {
                failures
            };
            p
        })
        .collect();
    analyze_generated(Generator::new(planted, 1), None).0
}

#[test]
fn quarantine_risk_follows_the_documented_thresholds() {
    use entramap::logs::quarantine::Risk;
    let cases = [
        (1_000, Risk::None),
        (4_500, Risk::RatioUnderMinimum),
        (8_000, Risk::Quarantine),
    ];
    for (failures, risk) in cases {
        let report = failing(failures, 10_000);
        let [assessment] = report.risk.as_slice() else {
            panic!("one job")
        };
        assert_eq!(assessment.events, 10_000);
        assert_eq!(assessment.failures, failures);
        assert_eq!(
            assessment.risk, risk,
            "{failures}: {}",
            assessment.explanation
        );
    }
}

#[test]
fn quarantine_counts_reference_failures_only_against_the_absolute_cap() {
    use entramap::logs::quarantine::{assess, Risk, THRESHOLDS};
    assert_eq!(
        assess("j", 200_000, 30_000, 20_000, &THRESHOLDS).risk,
        Risk::None
    );
    assert_eq!(
        assess("j", 200_000, 30_000, 31_000, &THRESHOLDS).risk,
        Risk::Quarantine
    );
    assert_eq!(
        assess("j", 200_000, 40_001, 0, &THRESHOLDS).risk,
        Risk::Quarantine
    );
    assert_eq!(assess("j", 0, 0, 0, &THRESHOLDS).risk, Risk::None);
}

#[test]
fn a_job_in_quarantine_is_explained_by_its_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let job = dir.path().join("job.json");
    std::fs::write(
        &job,
        r#"{"id": "scim.1.2", "templateId": "scim", "status": {"code": "Quarantine", "escrowsPruned": true,
            "quarantine": {"currentBegan": "2026-11-02T10:00:00Z", "nextAttempt": "2026-11-03T10:00:00Z",
            "reason": "EncounteredEscrowProportionThreshold", "seriesBegan": "2026-11-02T10:00:00Z", "seriesCount": 3,
            "error": {"code": "Quarantined", "message": "Too many failures", "tenantActionable": true}}}}"#,
    )
    .expect("write");
    let output = entramap(&["logs", job.to_str().expect("a path")]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let text = &text[text.find("Job ").expect("the job")..];
    insta::assert_snapshot!(text);
}

#[test]
fn the_markdown_report_of_the_walkthrough() {
    let output = entramap(&[
        "logs",
        "examples/logs/ProvisioningLogs.json",
        "tests/fixtures/logs/microsoft-job-status.json",
        "--mapping",
        "examples/logs/contoso.entramap.yaml",
        "--format",
        "markdown",
    ]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn text_from_a_log_cannot_break_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("hostile.json");
    std::fs::write(
        &log,
        r#"[{"provisioningAction": "create\u001b[31m", "sourceIdentity": {"displayName": "a|b\nc\u0007"},
            "provisioningStatusInfo": {"status": "failure", "errorInformation": {"errorCode": "X|Y", "reason": "line1\nline2 \u001b[2J"}}}]"#,
    )
    .expect("write");
    for format in ["human", "markdown"] {
        let output = entramap(&["logs", log.to_str().expect("a path"), "--format", format]);
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text}"
        );
        if format == "markdown" {
            let row = text
                .lines()
                .find(|l| l.starts_with("| 1 |"))
                .expect("a row");
            assert!(row.contains("X\\|Y"), "{row}");
        }
    }
}

#[test]
fn one_file_may_mix_formats_and_each_record_counts_under_its_own() {
    let text = std::fs::read_to_string(fixtures().join("events.jsonl")).expect("fixture");
    let first = text.lines().next().expect("a line");
    let la = std::fs::read_to_string(fixtures().join("log-analytics.json")).expect("fixture");
    let la: serde_json::Value = serde_json::from_str(&la).expect("JSON");
    let job =
        std::fs::read_to_string(fixtures().join("microsoft-job-status.json")).expect("fixture");
    let job: serde_json::Value = serde_json::from_str(&job).expect("JSON");
    let mixed = format!("{first}\n{}\n{}\n", la[1], job);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(&path, mixed).expect("write");
    let report = analyze(&[&path], None);
    assert_eq!(report.events, 2);
    assert_eq!(report.jobs.len(), 1);
    let mut formats = report.files[0].formats.clone();
    formats.sort();
    assert_eq!(
        formats,
        vec![
            (Format::JsonLines, 1),
            (Format::LogAnalyticsJson, 1),
            (Format::JobStatus, 1)
        ]
    );
}

#[test]
fn a_log_on_standard_input_is_read() {
    let text = std::fs::read(fixtures().join("graph-beta.json")).expect("fixture");
    let output = crate::common::with_stdin(&["logs", "-", "--format", "json"], &text);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["events"], 3);
    assert_eq!(json["files"][0]["name"], "-");
}

#[test]
fn deeply_nested_or_binary_input_is_a_located_problem_not_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let deep = dir.path().join("deep.json");
    std::fs::write(
        &deep,
        format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .expect("write");
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [b'{', 0xff, 0xfe, 0, 1, 2]).expect("write");
    let csv = dir.path().join("other.csv");
    std::fs::write(&csv, "a,b,c\n1,2,3\n").expect("write");
    let report = analyze(&[&deep, &binary, &csv], None);
    assert_eq!(report.events, 0);
    assert!(
        report.files[0].problems[0].starts_with("invalid JSON at line 1"),
        "{:?}",
        report.files[0]
    );
    // Zero bytes among the first: refused as UTF-16 without a byte order mark, as every reader
    // of entramap refuses it (base::encoding).
    assert!(
        report.files[1].problems[0].starts_with("cannot read: the text looks like UTF-16LE"),
        "{:?}",
        report.files[1]
    );
    assert_eq!(
        report.files[2].problems,
        vec!["not JSON, and a CSV header no provisioning log export has (a, b, c)"]
    );
}

#[test]
fn reasons_give_their_http_status_scim_error_and_attribute() {
    use entramap::logs::reason::{attribute, generalize, parse};
    let p = parse(
        r#"Failed to update User 'ada@contoso.com' in customappsso; Error: The SCIM endpoint is not fully compatible with the Azure Active Directory SCIM client. StatusCode: BadRequest Web Response: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidValue","detail":"Attribute 'title' exceeds the maximum length of 64","status":400}. This operation was retried 0 times."#,
    );
    assert_eq!(p.http_status, Some(400));
    assert_eq!(p.scim_type.as_deref(), Some("invalidValue"));
    let detail = p.detail.expect("a detail");
    assert_eq!(attribute(&detail).as_deref(), Some("title"));
    assert_eq!(
        generalize(&detail),
        "Attribute … exceeds the maximum length of 64"
    );
    let p = parse("Contoso returned an error response with the HTTP status code 409.");
    assert_eq!(
        (p.http_status, p.scim_type, p.detail),
        (Some(409), None, None)
    );
    assert_eq!(parse("no status here {not json").http_status, None);
    assert_eq!(
        attribute(r#""emails" is required"#).as_deref(),
        Some("emails")
    );
    assert_eq!(
        attribute("A user with userName 'x' exists").as_deref(),
        Some("userName")
    );
    assert_eq!(
        generalize(
            "user 0b7a1c52-3f6d-4e1b-9a0c-2d3e4f5a6b7c (ada@contoso.com) at 2026-11-01T10:00:00Z"
        ),
        "user … (…) at …"
    );
}

#[test]
fn show_refuses_a_log_it_cannot_read_twice() {
    let text = std::fs::read(fixtures().join("graph-beta.json")).expect("fixture");
    let output = crate::common::with_stdin(&["logs", "-", "--show", "1"], &text);
    assert_eq!(output.status.code(), Some(2));
    assert!(crate::common::stderr(&output).contains("cannot read - (standard input"));
}

#[test]
fn dash_o_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.md");
    let output = entramap(&[
        "logs",
        "tests/fixtures/logs/portal.json",
        "--format",
        "markdown",
        "-o",
        out.to_str().expect("a path"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(&out).expect("the report");
    let printed = stdout(&entramap(&[
        "logs",
        "tests/fixtures/logs/portal.json",
        "--format",
        "markdown",
    ]));
    assert_eq!(written, printed);
    assert!(written.starts_with("## Provisioning log\n"));
}
