//! `entramap preview`: the engine (counting invariant, scoping operators, every preview rule,
//! payload shapes, malformed input) and the command (reports as snapshots, exit codes, `--out`,
//! determinism over thread counts).

use crate::common::{entramap, root};
use entramap::model::prepare;
use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink, Summary};
use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures/preview")
}

#[derive(Default)]
struct Collect {
    problems: Vec<Problem>,
    payloads: Vec<(u64, serde_json::Value)>,
}

impl Sink for Collect {
    fn problem(&mut self, problem: &Problem) -> std::io::Result<()> {
        self.problems.push(problem.clone());
        Ok(())
    }

    fn payload(&mut self, line: u64, json: &[u8]) -> std::io::Result<()> {
        let value = serde_json::from_slice(json).map_err(std::io::Error::other)?;
        self.payloads.push((line, value));
        Ok(())
    }
}

fn plan_of(text: &str, base: &Path) -> Plan {
    let prepared = prepare("test.entramap.yaml", text, Some(base))
        .unwrap_or_else(|e| panic!("mapping does not prepare: {e:?}"));
    Plan::new(&prepared).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture_plan() -> Plan {
    let text = std::fs::read_to_string(fixtures().join("mapping.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    plan_of(&text, &fixtures())
}

fn options(jobs: usize) -> Options {
    Options {
        jobs,
        chunk_size: 3,
        now: chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .map(|d| d.with_timezone(&chrono::Utc))
            .unwrap_or_else(|e| panic!("{e}")),
        ..Options::default()
    }
}

fn run(plan: &Plan, input: &[u8], jobs: usize) -> (Summary, Collect) {
    let mut sink = Collect::default();
    let summary = preview::preview(plan, Cursor::new(input), &options(jobs), &mut sink)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.balanced(), "counting invariant broken: {summary:?}");
    assert_eq!(summary.payloads as usize, sink.payloads.len());
    assert_eq!(
        summary.problems.values().sum::<u64>() as usize,
        sink.problems.len()
    );
    (summary, sink)
}

/// The users of a synthetic tenant, written by `entramap synth`.
fn synth(users: u64, seed: u64, format: &str) -> Vec<u8> {
    let (users, seed) = (users.to_string(), seed.to_string());
    let output = entramap(&[
        "synth", "--users", &users, "--seed", &seed, "--format", format,
    ]);
    assert_eq!(output.status.code(), Some(0), "synth: {output:?}");
    output.stdout
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const FILES: &[(&str, &str)] = &[
    ("jsonl", "users.jsonl"),
    ("graph", "users.graph.json"),
    ("csv", "users.csv"),
];

#[test]
fn every_user_is_counted_once_in_every_format() {
    let plan = fixture_plan();
    let expected = [(13, 3, 6, 1, 3), (4, 1, 1, 1, 1), (6, 2, 1, 1, 2)];
    for ((_, file), counts) in FILES.iter().zip(expected) {
        let bytes = std::fs::read(fixtures().join(file)).unwrap_or_else(|e| panic!("{e}"));
        let (summary, _) = run(&plan, &bytes, 2);
        assert_eq!(
            (
                summary.users_read,
                summary.payloads,
                summary.failures,
                summary.out_of_scope,
                summary.unreadable
            ),
            counts,
            "{file}"
        );
    }
}

#[test]
fn reports_are_stable() {
    for (name, file) in FILES {
        let users = format!("tests/fixtures/preview/{file}");
        for format in ["human", "json"] {
            let output = entramap(&[
                "preview",
                "tests/fixtures/preview/mapping.entramap.yaml",
                "--users",
                &users,
                "--format",
                format,
                "--now",
                "2025-01-01T00:00:00Z",
            ]);
            assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
            let out = text(&output.stdout);
            if format == "json" {
                let document: serde_json::Value =
                    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
                let summary = &document["summary"];
                for key in [
                    "users_read",
                    "payloads",
                    "failures",
                    "out_of_scope",
                    "unreadable",
                ] {
                    assert!(summary[key].is_u64(), "{key} in {summary}");
                }
                for problem in document["problems"].as_array().into_iter().flatten() {
                    assert!(problem["rule"].is_string() && problem["line"].is_u64());
                    assert!(problem.get("target").is_some());
                }
            }
            insta::assert_snapshot!(format!("{name}_{format}"), out);
        }
    }
}

#[test]
fn payloads_are_nested_scim_resources() {
    let plan = fixture_plan();
    let bytes = std::fs::read(fixtures().join("users.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let (_, sink) = run(&plan, &bytes, 1);
    let lines: Vec<u64> = sink.payloads.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [1, 2, 14]);
    let first = &sink.payloads[0].1;
    assert_eq!(
        first,
        &serde_json::json!({
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User",
                "urn:ietf:params:scim:schemas:extension:Test:2.0:User"
            ],
            "userName": "ana@contoso.com",
            "active": true,
            "displayName": "Ana O'Brien",
            "emails": [{"type": "work", "value": "ana@contoso.com"}],
            "name": {"givenName": "Ana", "familyName": "O'Brien"},
            "title": "smtp:ana.obrien@contoso.com",
            "locale": "en-US",
            "urn:ietf:params:scim:schemas:extension:Test:2.0:User": {"badge": 17}
        })
    );
    let zoe = &sink.payloads[1].1;
    assert_eq!(zoe["active"], false, "disabled users are soft-deleted");
    assert_eq!(zoe["name"]["familyName"], "-", "default value if null");
    let crlf = &sink.payloads[2].1;
    assert_eq!(
        crlf["active"], false,
        "deletedDateTime makes IsSoftDeleted true"
    );
}

#[test]
fn each_rule_is_triggered_and_clean_users_trigger_none() {
    let plan = fixture_plan();
    let bytes = std::fs::read(fixtures().join("users.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let (summary, sink) = run(&plan, &bytes, 2);
    for rule in [
        preview::rule::REQUIRED_MISSING,
        preview::rule::DUPLICATE_MATCHING_VALUE,
        preview::rule::CONSTRAINT,
        preview::rule::TYPE,
        preview::rule::UNREADABLE_ROW,
        preview::rule::EVALUATION_ERROR,
        preview::rule::OUT_OF_SCOPE,
    ] {
        assert!(summary.problems.contains_key(&rule), "{rule} not triggered");
    }
    // The group rule: a member that is not a provisioned user.
    let prepared = std::fs::read_to_string(fixtures().join("mapping.entramap.yaml"))
        .map(|text| prepare("test.entramap.yaml", &text, Some(&fixtures())));
    let Ok(Ok(prepared)) = prepared else {
        panic!("the fixture prepares")
    };
    let groups = Plan::for_object(&prepared, entramap::expr::source::ObjectKind::Group)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_members(preview::members::MemberIndex::default());
    let (summary, _) = run(&groups, br#"{"displayName":"a","members":["x"]}"#, 1);
    assert_eq!(
        summary.problems.get(&preview::rule::MEMBER_NOT_PROVISIONED),
        Some(&1)
    );
    assert_eq!(summary.payloads, 1, "a warning does not fail the group");
    let (summary, _) = run(&groups, br#"{"displayName":"a"}"#, 1);
    assert!(
        summary.problems.is_empty(),
        "a group without members is clean"
    );
    let at = |line: u64| {
        sink.problems
            .iter()
            .filter(|p| p.line == line)
            .map(|p| (p.rule.as_str(), p.target.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
    };
    assert_eq!(at(5), [("preview-duplicate-matching-value", "userName")]);
    assert_eq!(at(6), [("preview-required-missing", "userName")]);
    assert_eq!(
        at(9),
        [("preview-constraint", "emails[type eq \"work\"].value")]
    );
    let clean = br#"{"userPrincipalName":"a@contoso.com","displayName":"A","mail":"a@contoso.com","department":"Sales","accountEnabled":true,"employeeId":"1"}
{"userPrincipalName":"b@contoso.com","displayName":"B","mail":"b@contoso.com","department":"Engineering","proxyAddresses":["x","y"]}
"#;
    let (summary, sink) = run(&plan, clean, 1);
    assert!(sink.problems.is_empty(), "{:?}", sink.problems);
    assert_eq!(summary.payloads, 2);
}

#[test]
fn idmelon_example_over_a_synthetic_tenant_is_clean() {
    let text = std::fs::read_to_string(root().join("examples/idmelon.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = plan_of(&text, &root().join("examples"));
    for format in ["jsonl", "graph", "csv"] {
        let users = synth(500, 3, format);
        let (summary, sink) = run(&plan, &users, 2);
        assert_eq!(summary.users_read, 500, "{format:?}");
        assert_eq!(
            summary.payloads,
            500,
            "{format:?}: {:?}",
            sink.problems.first()
        );
        let user = &sink.payloads[0].1;
        assert!(user["externalId"].is_string() && user["active"].is_boolean());
    }
}

#[test]
fn the_same_output_with_one_thread_and_many() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let users = dir.path().join("users.jsonl");
    let mut data = synth(3000, 9, "jsonl");
    data.extend_from_slice(b"not json\n");
    std::fs::write(&users, &data).unwrap_or_else(|e| panic!("{e}"));
    let mapping = "tests/fixtures/preview/mapping.entramap.yaml";
    let mut results = Vec::new();
    for jobs in ["1", "4"] {
        let out = dir.path().join(format!("out-{jobs}.jsonl"));
        let output = entramap(&[
            "preview",
            mapping,
            "--users",
            &users.display().to_string(),
            "--out",
            &out.display().to_string(),
            "--format",
            "json",
            "--jobs",
            jobs,
            "--chunk-size",
            "37",
            "--now",
            "2025-01-01T00:00:00Z",
        ]);
        assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
        let payloads = std::fs::read(&out).unwrap_or_else(|e| panic!("{e}"));
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            report["summary"]["payloads"].as_u64(),
            Some(payloads.iter().filter(|b| **b == b'\n').count() as u64)
        );
        results.push((output.stdout, payloads));
    }
    assert!(
        results[0] == results[1],
        "output differs between 1 and 4 threads"
    );
}

#[test]
fn the_same_output_on_the_calling_thread_alone() {
    let plan = fixture_plan();
    // The portal's CSVs: what the reader notices (columns not read, the `;` separator, a column
    // read as its attribute's opposite) is in the summary of both.
    let bulk = ["bulk-create.csv", "bulk-create-semicolons.csv"];
    let mut inputs: Vec<(&str, Vec<u8>)> = FILES
        .iter()
        .map(|(_, file)| *file)
        .chain(bulk)
        .map(|file| {
            let bytes = std::fs::read(fixtures().join(file)).unwrap_or_else(|e| panic!("{e}"));
            (file, bytes)
        })
        .collect();
    let mut synthetic = synth(3000, 9, "jsonl");
    synthetic.extend_from_slice(b"not json\n");
    inputs.push(("synthetic", synthetic));
    for (name, input) in &inputs {
        let (threads, pooled) = run(&plan, input, 3);
        let mut alone = Collect::default();
        let summary =
            preview::preview_on_this_thread(&plan, Cursor::new(input), &options(3), &mut alone)
                .unwrap_or_else(|e| panic!("{e}"));
        if bulk.contains(name) {
            assert!(!threads.notes.is_empty(), "{name}: no note");
        }
        if *name == "bulk-create-semicolons.csv" {
            assert!(
                threads
                    .notes
                    .iter()
                    .any(|n| n.contains("separated by semicolons")),
                "{name}: {:?}",
                threads.notes
            );
        }
        assert_eq!(summary.notes, threads.notes, "{name}");
        assert_eq!(summary, threads, "{name}");
        assert_eq!(alone.problems, pooled.problems);
        assert_eq!(alone.payloads, pooled.payloads);
    }
}

fn scoped(clauses: &str) -> Plan {
    let text = format!(
        "entramap: 1\napp: T\nusers:\n  scoping:\n{clauses}  mappings:\n    - target: userName\n      source: userPrincipalName\n"
    );
    plan_of(&text, root())
}

#[test]
fn scoping_operators() {
    let users = br#"{"userPrincipalName":"a","department":"Sales","accountEnabled":true,"employeeId":"10","jobTitle":"Sales Lead"}
{"userPrincipalName":"b","department":"sales","accountEnabled":false,"employeeId":"5"}
{"userPrincipalName":"c","department":"","employeeId":"x"}
{"userPrincipalName":"d","department":"Engineering","accountEnabled":true,"employeeId":"7","jobTitle":"Engineer"}
"#;
    let cases: &[(&str, &[u64])] = &[
        (
            "{attribute: department, operator: EQUALS, value: Sales}",
            &[1],
        ),
        (
            "{attribute: department, operator: NOT EQUALS, value: Sales}",
            &[2, 4],
        ),
        ("{attribute: accountEnabled, operator: IS TRUE}", &[1, 4]),
        ("{attribute: accountEnabled, operator: IS FALSE}", &[2]),
        ("{attribute: jobTitle, operator: IS NULL}", &[2, 3]),
        ("{attribute: department, operator: IS NULL}", &[3]),
        ("{attribute: jobTitle, operator: IS NOT NULL}", &[1, 4]),
        (
            "{attribute: department, operator: REGEX MATCH, value: '^[Ss]ales$'}",
            &[1, 2],
        ),
        (
            "{attribute: department, operator: NOT REGEX MATCH, value: '^S'}",
            &[2, 4],
        ),
        (
            "{attribute: employeeId, operator: Greater_Than, value: '7'}",
            &[1],
        ),
        (
            "{attribute: employeeId, operator: Greater_Than_OR_EQUALS, value: '7'}",
            &[1, 4],
        ),
        (
            "{attribute: jobTitle, operator: Includes, value: Lead}",
            &[1],
        ),
        // The operators of Microsoft's current scoping page (define-conditional-rules-for-
        // provisioning-user-accounts.md): ENDS_WITH, & and !&.
        (
            "{attribute: jobTitle, operator: ENDS_WITH, value: Lead}",
            &[1],
        ),
        (
            "{attribute: department, operator: '&', value: 'Sales;Engineering'}",
            &[1, 4],
        ),
        (
            "{attribute: department, operator: '!&', value: 'Sales;Engineering'}",
            &[2],
        ),
    ];
    for (clause, lines) in cases {
        let plan = scoped(&format!("    - - {clause}\n"));
        let (_, sink) = run(&plan, users, 2);
        let got: Vec<u64> = sink.payloads.iter().map(|(l, _)| *l).collect();
        assert_eq!(&got, lines, "{clause}");
    }
    let and_or = scoped(
        "    - - {attribute: department, operator: EQUALS, value: Sales}\n      - {attribute: accountEnabled, operator: IS FALSE}\n    - - {attribute: employeeId, operator: Greater_Than, value: '6'}\n      - {attribute: jobTitle, operator: Includes, value: Eng}\n",
    );
    let (summary, sink) = run(&and_or, users, 1);
    let got: Vec<u64> = sink.payloads.iter().map(|(l, _)| *l).collect();
    assert_eq!(got, [4], "AND inside a group, OR between groups");
    assert_eq!(summary.out_of_scope, 3);
}

#[test]
fn malformed_input_is_reported_never_a_crash() {
    let plan = fixture_plan();
    let cases: &[(&[u8], InputFormat, u64)] = &[
        (b"", InputFormat::Auto, 0),
        (b"\n\n  \r\n", InputFormat::Auto, 0),
        // A page cut off before its closing `]}`: an unreadable tail.
        (b"{\"value\": [", InputFormat::Auto, 1),
        (
            b"{\"value\": [{\"userPrincipalName\": \"a",
            InputFormat::Auto,
            1,
        ),
        (b"{\"a\": 1}", InputFormat::Graph, 1),
        (b"\xff\xfd\x00garbage\n\x00\x01", InputFormat::Jsonl, 2),
        (b"a,b\n\"unterminated\n", InputFormat::Csv, 1),
        (b"{\"value\": [1, \"x\", [2], {}]}", InputFormat::Auto, 4),
        (b"x\n", InputFormat::Csv, 0),
    ];
    for (input, format, rows) in cases {
        let mut sink = Collect::default();
        let options = Options {
            format: *format,
            ..options(2)
        };
        let summary = preview::preview(&plan, Cursor::new(*input), &options, &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(summary.balanced(), "{summary:?}");
        assert_eq!(summary.users_read, *rows, "{:?}", text(input));
    }
    // A UTF-16 byte order mark, then bytes that are not UTF-16: the export is refused, named.
    let broken = b"\xff\xfe{\x00}\x00\n\x00\x00\xd8";
    let error = preview::preview(
        &plan,
        Cursor::new(broken),
        &options(2),
        &mut Collect::default(),
    )
    .err()
    .unwrap_or_else(|| panic!("previewed broken UTF-16"));
    assert_eq!(
        error.to_string(),
        "cannot read the export: not valid UTF-16LE (byte 8), though it starts with that encoding's byte order mark"
    );
}

#[test]
fn exit_codes_and_atomic_out() {
    let mapping = "tests/fixtures/preview/mapping.entramap.yaml";
    let missing = entramap(&[
        "preview",
        mapping,
        "--users",
        "tests/fixtures/preview/none.jsonl",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    let never = entramap(&[
        "preview",
        mapping,
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "--fail-on",
        "never",
    ]);
    assert_eq!(never.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let users = dir.path().join("users.jsonl");
    std::fs::write(
        &users,
        "{\"objectId\":\"1\",\"displayName\":\"A\",\"userPrincipalName\":\"a@x\"}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("payloads.jsonl");
    std::fs::write(&out, "old\n").unwrap_or_else(|e| panic!("{e}"));
    let clean = entramap(&[
        "preview",
        "examples/idmelon.entramap.yaml",
        "--users",
        &users.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    let written = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.starts_with("{\"schemas\":[") && written.ends_with("}\n"));
    let leftovers = std::fs::read_dir(dir.path())
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(leftovers, 2, "no temporary file is left behind");
}

#[test]
fn one_user_is_explained_by_upn_objectid_or_line() {
    let mapping = "tests/fixtures/preview/mapping.entramap.yaml";
    let users = "tests/fixtures/preview/users.jsonl";
    let disabled = entramap(&[
        "preview",
        mapping,
        "--users",
        users,
        "--user",
        "ZOE@contoso.com",
    ]);
    assert_eq!(
        disabled.status.code(),
        Some(0),
        "{}",
        text(&disabled.stderr)
    );
    insta::assert_snapshot!("preview_user_disabled", text(&disabled.stdout));
    let duplicate = entramap(&["preview", mapping, "--users", users, "--user", "5"]);
    assert_eq!(
        duplicate.status.code(),
        Some(1),
        "{}",
        text(&duplicate.stderr)
    );
    insta::assert_snapshot!("preview_user_duplicate", text(&duplicate.stdout));
    let json = entramap(&[
        "preview",
        mapping,
        "--users",
        users,
        "--user",
        "zoe@contoso.com",
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_json_snapshot!("preview_user_disabled_json", json);
    let out_of_scope = entramap(&["preview", mapping, "--users", users, "--user", "3"]);
    assert_eq!(out_of_scope.status.code(), Some(0));
    let shown = text(&out_of_scope.stdout);
    assert!(
        shown.contains("scope: out of scope (no clause group holds"),
        "{shown}"
    );
    assert!(
        shown.contains("problems:\n  preview-out-of-scope:"),
        "{shown}"
    );

    let graph = "tests/fixtures/preview/users.graph.json";
    let by_id = entramap(&[
        "preview",
        mapping,
        "--users",
        graph,
        "--user",
        "6E7B768E-07E2-4810-8459-485F84F8F204",
    ]);
    assert_eq!(by_id.status.code(), Some(0), "{}", text(&by_id.stderr));
    assert!(
        text(&by_id.stdout)
            .starts_with("user ana@contoso.com, tests/fixtures/preview/users.graph.json:4\n"),
        "{}",
        text(&by_id.stdout)
    );

    let unreadable = entramap(&["preview", mapping, "--users", users, "--user", "4"]);
    assert_eq!(unreadable.status.code(), Some(2));
    assert!(text(&unreadable.stderr).contains("the user on line 4 cannot be read"));
    let nobody = entramap(&[
        "preview",
        mapping,
        "--users",
        users,
        "--user",
        "nobody@contoso.com",
    ]);
    assert_eq!(nobody.status.code(), Some(2));
    assert_eq!(
        text(&nobody.stderr),
        "entramap: tests/fixtures/preview/users.jsonl: no user has `nobody@contoso.com`\n"
    );
    let stdin = entramap(&["preview", mapping, "--users", "-", "--user", "1"]);
    assert_eq!(stdin.status.code(), Some(2));
    assert!(text(&stdin.stderr).contains("needs the export as a file"));
}

#[test]
fn an_attribute_no_user_has_is_said_once_and_empty_values_are_never_duplicates() {
    let out = entramap(&[
        "preview",
        "tests/fixtures/preview/nickname.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.csv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(!report.contains("duplicate"), "{report}");
    insta::assert_snapshot!("preview_root_cause_absent_column", report);
    let json = entramap(&[
        "preview",
        "tests/fixtures/preview/nickname.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.csv",
        "--format",
        "json",
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json["summary"]["absent_attributes"],
        serde_json::json!(["mailNickname"])
    );
    assert_eq!(
        json["summary"]["groups"][0]["caused_by"],
        serde_json::json!(["mailNickname"])
    );
}

#[test]
fn problems_are_grouped_and_capped_with_details_on_request() {
    let mapping = "tests/fixtures/preview/mapping.entramap.yaml";
    let users = "tests/fixtures/preview/users.jsonl";
    let capped = entramap(&["preview", mapping, "--users", users, "--max-problems", "2"]);
    insta::assert_snapshot!("preview_grouped_max_problems", text(&capped.stdout));
    let lines = |out: &Output| {
        text(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("tests/fixtures/preview/users.jsonl:"))
            .count()
    };
    assert_eq!(lines(&capped), 2);
    let all = entramap(&["preview", mapping, "--users", users, "--details"]);
    assert_eq!(lines(&all), 10);
    let none = entramap(&["preview", mapping, "--users", users, "--max-problems", "0"]);
    assert_eq!(lines(&none), 0);
    assert!(text(&none.stdout).contains("… and 10 more problems"));
    let json = entramap(&[
        "preview",
        mapping,
        "--users",
        users,
        "--format",
        "json",
        "--max-problems",
        "1",
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["problems"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["problems_omitted"], 10);
    assert_eq!(json["problems"][0]["user"], "mark@contoso.com");
}

#[test]
fn out_dash_writes_payloads_to_stdout_and_the_report_to_stderr() {
    let out = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "--out",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let payloads = text(&out.stdout);
    assert_eq!(payloads.lines().count(), 3, "{payloads}");
    for line in payloads.lines() {
        let json: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        assert!(json["userName"].is_string());
    }
    assert!(text(&out.stderr).contains("Summary: 13 users read - 3 payloads"));
    assert!(!root().join("-").exists(), "no file named `-`");
}

#[cfg(unix)]
#[test]
fn out_to_stdout_a_fifo_or_a_symlink_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let args = |out: &str| {
        [
            "preview",
            "tests/fixtures/preview/mapping.entramap.yaml",
            "--users",
            "tests/fixtures/preview/users.jsonl",
            "--out",
            out,
        ]
        .map(str::to_owned)
    };
    let run = |out: &str, stdout: std::process::Stdio| {
        Command::new(env!("CARGO_BIN_EXE_entramap"))
            .args(args(out))
            .current_dir(root())
            .stdout(stdout)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    // `--out /dev/stdout > file`: the payloads land in the file, nothing is renamed over it.
    let redirected = dir.path().join("redirected.txt");
    let file = std::fs::File::create(&redirected).unwrap_or_else(|e| panic!("{e}"));
    let status = run("/dev/stdout", file.into());
    assert_eq!(status.status.code(), Some(1));
    let written = std::fs::read_to_string(&redirected).unwrap_or_default();
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(text(&status.stderr).contains("13 users read"));

    // A symbolic link stays a link; its target gets the payloads.
    let target = dir.path().join("target.jsonl");
    std::fs::write(&target, "old\n").unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
    run(&link.display().to_string(), std::process::Stdio::null());
    let meta = std::fs::symlink_metadata(&link).unwrap_or_else(|e| panic!("{e}"));
    assert!(meta.file_type().is_symlink());
    let written = std::fs::read_to_string(&target).unwrap_or_default();
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(!written.contains("old"));

    // A FIFO is opened and written, not replaced by a regular file.
    let fifo = dir.path().join("payloads.fifo");
    crate::common::mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap_or_default())
    };
    run(&fifo.display().to_string(), std::process::Stdio::null());
    let read = reader.join().unwrap_or_default();
    assert_eq!(read.lines().count(), 3, "{read}");
    let meta = std::fs::symlink_metadata(&fifo).unwrap_or_else(|e| panic!("{e}"));
    assert!(!meta.is_file(), "still a FIFO");
}

/// One user, one answer: what `preview --user` (and `eval`) compute for a user is what the
/// whole preview sends, for every user of a synthetic tenant in every export format.
#[test]
fn one_user_explained_gives_the_payload_values_of_the_preview() {
    use entramap::expr::eval::Outcome;
    use entramap::preview::user::{explain, find_user, plan_attributes, UserKey};
    let text = std::fs::read_to_string(root().join("examples/idmelon.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = plan_of(&text, &root().join("examples"));
    for format in ["jsonl", "graph", "csv"] {
        let users = synth(40, 7, format);
        let (_, sink) = run(&plan, &users, 2);
        assert!(sink.payloads.len() > 30, "{format}: most users are sent");
        assert!(
            sink.payloads.iter().any(|(_, p)| p["active"] == false),
            "{format}: a disabled user is among them"
        );
        for (line, payload) in &sink.payloads {
            let key = UserKey::Line(*line);
            let one = find_user(
                Cursor::new(&users),
                InputFormat::Auto,
                plan_attributes(&plan),
                &key,
            )
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{format}: line {line} is found"));
            let explained = explain(&plan, &one, &options(1));
            for (target, field) in [("active", "active"), ("displayName", "displayName")] {
                let mapping = explained.mappings.iter().find(|m| m.target == target);
                let value = match mapping.map(|m| &m.outcome) {
                    Some(Ok(Outcome::Flows { value, .. })) => value.to_json(),
                    other => panic!("{format}:{line}: {target} gives {other:?}"),
                };
                let sent = &payload[field];
                let same = match (&value, sent) {
                    (serde_json::Value::String(s), serde_json::Value::Bool(b)) => {
                        s.eq_ignore_ascii_case(&b.to_string())
                    }
                    (a, b) => a == b,
                };
                assert!(
                    same,
                    "{format}:{line}: {target}: explained {value}, sent {sent}"
                );
            }
            let by_upn = one.identity().map(|name| {
                find_user(
                    Cursor::new(&users),
                    InputFormat::Auto,
                    plan_attributes(&plan),
                    &UserKey::parse(&name),
                )
                .ok()
                .flatten()
                .map(|u| u.line)
            });
            assert_eq!(
                by_upn,
                Some(Some(*line)),
                "{format}: the UPN finds the same user"
            );
        }
    }
}

#[test]
fn derived_values_say_where_they_come_from() {
    use entramap::expr::eval::{SourceObject, Value};
    use entramap::preview::user::OneUser;
    let cases = [
        (
            r#"{"accountEnabled":false}"#,
            true,
            "accountEnabled = false",
        ),
        (
            r#"{"accountEnabled":"False"}"#,
            true,
            "accountEnabled = false",
        ),
        (
            r#"{"accountEnabled":true,"deletedDateTime":"2024-01-01T00:00:00Z"}"#,
            true,
            r#"deletedDateTime = "2024-01-01T00:00:00Z""#,
        ),
        (
            r#"{"accountEnabled":true}"#,
            false,
            "accountEnabled = true, no deletedDateTime",
        ),
        (
            r#"{"displayName":"A"}"#,
            false,
            "no accountEnabled, no deletedDateTime",
        ),
    ];
    for (json, deleted, from) in cases {
        let user = OneUser::from_json(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            user.get("IsSoftDeleted"),
            Some(&Value::Bool(deleted)),
            "{json}"
        );
        assert_eq!(user.derived_from("IsSoftDeleted"), Some(from), "{json}");
    }
    let given = OneUser::from_json(r#"{"IsSoftDeleted":true,"accountEnabled":true}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        given.derived_from("IsSoftDeleted"),
        None,
        "a given value is not derived"
    );
    assert!(OneUser::from_json("[1]").is_err());
}

#[test]
fn groups_are_previewed_with_members_resolved_against_the_users() {
    let args = [
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.graph.json",
        "--groups",
        "tests/fixtures/preview/groups.jsonl",
        "--details",
        "--out",
        "-",
    ];
    let out = entramap(&args);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("preview_groups_report", text(&out.stderr));
    let payloads: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let group = payloads
        .iter()
        .find(|p| p["schemas"][0] == "urn:ietf:params:scim:schemas:core:2.0:Group")
        .unwrap_or_else(|| panic!("a group payload"));
    assert_eq!(group["displayName"], "sales");
    assert_eq!(
        group["members"],
        serde_json::json!([{"value": "6E7B768E-07E2-4810-8459-485F84F8F204"}]),
        "only the provisioned user is a member"
    );

    let json = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.graph.json",
        "--groups",
        "tests/fixtures/preview/groups.jsonl",
        "--format",
        "json",
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    let groups = &json["groups"];
    assert_eq!(groups["file"], "tests/fixtures/preview/groups.jsonl");
    assert_eq!(groups["summary"]["users_read"], 4);
    assert_eq!(groups["summary"]["payloads"], 1);
    assert_eq!(
        groups["summary"]["problems"]["preview-member-not-provisioned"],
        3
    );
    assert_eq!(groups["problems"][0]["user"], "sales");
}

/// The portal's bulk-create template (headers as Microsoft's "Bulk create users" download
/// writes them: MicrosoftDocs/entra-docs, users-bulk-add.md).
const BULK_CREATE: &str = "tests/fixtures/preview/bulk-create.csv";

fn bulk_payloads(export: &str) -> (Output, Vec<serde_json::Value>) {
    let out = entramap(&[
        "preview",
        "examples/scim-core-default.entramap.yaml",
        "--users",
        export,
        "-o",
        "-",
    ]);
    let payloads = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out, payloads)
}

#[test]
fn block_sign_in_yes_is_a_disabled_account_not_an_enabled_one() {
    let (out, payloads) = bulk_payloads(BULK_CREATE);
    assert_eq!(payloads.len(), 2, "{}", text(&out.stderr));
    assert_eq!(payloads[0]["userName"], "ana@contoso.com");
    assert_eq!(payloads[0]["active"], false, "Block sign in = Yes");
    assert_eq!(payloads[1]["active"], true, "Block sign in = No");
    let report = text(&out.stderr);
    assert!(
        report.contains("holds the opposite of accountEnabled"),
        "{report}"
    );
    let user = entramap(&[
        "preview",
        "examples/scim-core-default.entramap.yaml",
        "--users",
        BULK_CREATE,
        "--user",
        "ana@contoso.com",
    ]);
    let trace = text(&user.stdout);
    assert!(
        trace.contains("derived: [accountEnabled] = False (from the CSV column `Block sign in (Yes/No) [accountEnabled] Required` = Yes, its opposite)"),
        "{trace}"
    );
}

#[test]
fn a_group_sends_each_member_once_and_lists_at_most_ten_left_out() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let provisioned = "6E7B768E-07E2-4810-8459-485F84F8F204";
    let mut members = vec![
        provisioned.to_owned(),
        provisioned.to_ascii_lowercase(),
        provisioned.to_owned(),
    ];
    members.extend((0..25).map(|i| format!("00000000-0000-0000-0000-{i:012}")));
    let group = serde_json::json!({"id": "g1", "displayName": "team", "members": members});
    let groups = dir.path().join("groups.jsonl");
    std::fs::write(&groups, format!("{group}\n")).unwrap_or_else(|e| panic!("{e}"));
    let groups = groups.display().to_string();
    let out = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.graph.json",
        "--groups",
        &groups,
        "--details",
        "--out",
        "-",
    ]);
    let report = text(&out.stderr);
    let left_out: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("preview-member-not-provisioned: group team"))
        .collect();
    assert_eq!(left_out.len(), 11, "{report}");
    assert!(
        left_out[10].contains("15 more members are not provisioned or not in the user export"),
        "{report}"
    );
    let payload = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}")))
        .find(|p| p["displayName"] == "team")
        .unwrap_or_else(|| panic!("the group's payload"));
    assert_eq!(
        payload["members"],
        serde_json::json!([{ "value": provisioned }]),
        "one member, listed three times in two spellings, is sent once"
    );
}

#[test]
fn csv_yes_no_cells_are_booleans() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("users.csv");
    std::fs::write(
        &export,
        "userPrincipalName,accountEnabled\nana@contoso.com,Yes\nbo@contoso.com,no\n",
    )
    .expect("write");
    let (_, payloads) = bulk_payloads(export.to_str().expect("utf-8 path"));
    assert_eq!(payloads[0]["active"], true);
    assert_eq!(payloads[1]["active"], false);
}

#[test]
fn csv_columns_not_read_are_named_once_in_a_note() {
    let (out, payloads) = bulk_payloads(BULK_CREATE);
    // First name / Last name are read as givenName / surname.
    assert_eq!(payloads[0]["name"]["givenName"], "Ana");
    assert_eq!(payloads[0]["name"]["familyName"], "O'Brien");
    let report = text(&out.stderr);
    assert_eq!(report.matches("not read:").count(), 1, "one note: {report}");
    assert!(
        report.contains("2 CSV columns name no source attribute and are not read: `Initial password [passwordProfile] Required`, `Shoe size`"),
        "{report}"
    );
}

#[test]
fn a_semicolon_separated_csv_is_read_by_its_columns() {
    let (out, payloads) = bulk_payloads("tests/fixtures/preview/bulk-create-semicolons.csv");
    assert_eq!(payloads.len(), 2, "{}", text(&out.stderr));
    assert_eq!(payloads[0]["userName"], "ana@contoso.com");
    assert_eq!(payloads[0]["title"], "Account Manager");
    assert!(text(&out.stderr).contains("separated by semicolons"));
}

#[test]
fn a_one_column_header_says_which_separator_it_probably_uses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = dir.path().join("users.csv");
    std::fs::write(
        &export,
        "userPrincipalName|displayName\nana@contoso.com|Ana\n",
    )
    .expect("write");
    let (out, _) = bulk_payloads(export.to_str().expect("utf-8 path"));
    let report = text(&out.stderr);
    assert!(report.contains("it looks separated by `|`"), "{report}");
}

#[test]
fn out_of_scope_users_are_counted_not_listed_as_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mapping = dir.path().join("scoped.entramap.yaml");
    std::fs::write(
        &mapping,
        "entramap: 1\napp: Scoped\ntarget: scim-core\nusers:\n  scoping:\n    - - attribute: department\n        operator: EQUALS\n        value: Sales\n  mappings:\n    - target: userName\n      source: userPrincipalName\n      matching_precedence: 1\n    - target: active\n      expression: Not([IsSoftDeleted])\n",
    )
    .expect("write");
    let mapping = mapping.to_str().expect("utf-8 path");
    for quiet in [false, true] {
        let mut args = vec![
            "preview",
            mapping,
            "--users",
            "examples/exports/users.jsonl",
        ];
        if quiet {
            args.insert(0, "-q");
        }
        let out = entramap(&args);
        let report = text(&out.stdout);
        assert!(!report.contains("preview-out-of-scope"), "{report}");
        assert!(!report.contains("problems by rule"), "{report}");
        if !quiet {
            assert!(report.contains("2 out of scope"), "{report}");
        }
    }
}

#[test]
fn root_causes_print_only_when_a_problem_follows() {
    let out = entramap(&[
        "preview",
        "examples/scim-core-default.entramap.yaml",
        "--users",
        "examples/exports/users.jsonl",
    ]);
    let report = text(&out.stdout);
    assert!(!report.contains("root cause"), "{report}");
}

#[test]
fn preview_user_prefers_the_exact_upn_and_names_users_that_differ_only_in_case() {
    use entramap::preview::user::{find_user, plan_attributes, UserKey};
    let plan = fixture_plan();
    let users = b"{\"userPrincipalName\":\"Ana@contoso.com\",\"displayName\":\"First\"}\n{\"userPrincipalName\":\"ana@contoso.com\",\"displayName\":\"Second\"}\n";
    let find = |key: &str| {
        find_user(
            Cursor::new(&users[..]),
            InputFormat::Auto,
            plan_attributes(&plan),
            &UserKey::parse(key),
        )
    };
    let exact = find("ana@contoso.com")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("found"));
    assert_eq!(exact.line, 2, "the exact spelling, not the first by case");
    let error = find("ANA@contoso.com")
        .err()
        .unwrap_or_else(|| panic!("two users match only by case"));
    assert!(error.to_string().contains("lines 1, 2"), "{error}");
}

#[test]
fn progress_counts_the_export_as_it_is_on_disk() {
    #[derive(Default)]
    struct Progress {
        bytes: u64,
    }
    impl Sink for Progress {
        fn problem(&mut self, _problem: &Problem) -> std::io::Result<()> {
            Ok(())
        }
        fn payload(&mut self, _line: u64, _json: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
        fn progress(&mut self, bytes: u64, _rows: u64) {
            self.bytes = self.bytes.max(bytes);
        }
    }
    let plan = fixture_plan();
    let text =
        "{\"userPrincipalName\":\"zoë@contoso.com\",\"department\":\"Sales\"}\r\n".repeat(50);
    // As Windows PowerShell writes it: twice the bytes, and the progress follows the file.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let csv = format!(
        "\u{feff}userPrincipalName,department\r\n{}",
        "zoë@contoso.com,Sales\r\n".repeat(50)
    );
    let csv16: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(
            csv.trim_start_matches('\u{feff}')
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        )
        .collect();
    for input in [text.into_bytes(), utf16, csv.into_bytes(), csv16] {
        let mut sink = Progress::default();
        let summary = preview::preview(&plan, Cursor::new(&input), &options(2), &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.users_read, 50);
        assert_eq!(sink.bytes, input.len() as u64);
    }
}

/// Look-around and backreferences are valid .NET: lint accepts them and preview evaluates
/// them (one verdict), on a backtracking engine with a step limit; what neither engine runs
/// (character-class subtraction) is a lint warning and a preview refusal that say the same.
#[test]
fn look_around_scoping_is_evaluated_and_lint_and_preview_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, pattern: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!("entramap: 1\napp: T\ntarget: scim-core\nusers:\n  scoping:\n    - - {{attribute: userPrincipalName, operator: REGEX MATCH, value: '{pattern}'}}\n  mappings:\n    - target: userName\n      source: userPrincipalName\n      matching_precedence: 1\n    - target: active\n      expression: Not([IsSoftDeleted])\n"),
        )
        .expect("write");
        path.to_str().unwrap_or_default().to_owned()
    };
    let users = dir.path().join("users.jsonl");
    std::fs::write(
        &users,
        "{\"userPrincipalName\":\"admin@contoso.com\"}\n{\"userPrincipalName\":\"bob@contoso.com\"}\n{\"userPrincipalName\":\"anna@contoso.com\"}\n",
    )
    .expect("write");
    let users = users.to_str().unwrap_or_default();
    for (name, pattern, admitted) in [
        ("ahead.entramap.yaml", "^(?!admin).*@contoso\\.com$", 2),
        ("behind.entramap.yaml", "(?<=@)contoso\\.com$", 3),
        ("backreference.entramap.yaml", "^(\\w)\\w*\\1@", 2),
    ] {
        let file = write(name, pattern);
        let lint = entramap(&["lint", &file]);
        assert_eq!(
            lint.status.code(),
            Some(0),
            "{name}: {}",
            text(&lint.stdout)
        );
        assert!(!text(&lint.stdout).contains("scoping-regex-unsupported"));
        let out = entramap(&["preview", &file, "--users", users, "-o", "-"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout).lines().count(), admitted, "{name}");
    }
    let file = write("subtraction.entramap.yaml", "^[a-z-[aeiou]]+@");
    let lint = entramap(&["lint", &file]);
    assert!(text(&lint.stdout).contains("warning[scoping-regex-unsupported]"));
    let out = entramap(&["preview", &file, "--users", users]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("character-class subtraction"), "{err}");
    assert!(err.contains("lint warns about it"), "{err}");
    assert!(!err.contains("run `entramap lint"), "{err}");
}
