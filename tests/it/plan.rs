//! `entramap plan`: the provisioning cycle. Microsoft's documented matching example, a planted
//! tenant of 50,000 users against 30,000 accounts (every class of decision planted with a
//! known count), each input format, bad input, and the SCIM requests of both dialects.

use crate::common::{entramap, root, stderr, stdout};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/plan")
}

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn run_json(args: &[&str]) -> Value {
    let mut all = vec!["plan", "--format", "json"];
    all.extend_from_slice(args);
    let out = entramap(&all);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "plan failed: {}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&out)))
}

fn counts(plan: &Value, kind: &str) -> Vec<(String, u64)> {
    let s = &plan["summary"][kind];
    [
        "create",
        "update",
        "unchanged",
        "disable",
        "delete",
        "skip",
        "orphan",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), s[k].as_u64().unwrap_or(u64::MAX)))
    .collect()
}

fn expect(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

/// Microsoft's example: `userName eq "alice.smith@contoso.com"` finds no account when the app
/// has `asmith@contoso.com`: the user is created (a duplicate person) and the account is an
/// orphan Entra leaves alone.
#[test]
fn microsofts_unmatched_example_is_a_create_and_an_orphan() {
    let plan = run_json(&[
        "examples/scim-core-default.entramap.yaml",
        "--users",
        &fixture("users.jsonl"),
        "--accounts",
        &fixture("accounts.json"),
    ]);
    assert_eq!(
        counts(&plan, "users"),
        expect(&[
            ("create", 1),
            ("update", 0),
            ("unchanged", 0),
            ("disable", 0),
            ("delete", 0),
            ("skip", 0),
            ("orphan", 1)
        ])
    );
    assert_eq!(plan["version"], 1);
    assert_eq!(
        plan["objects"][0],
        json!({"kind": "user", "key": "alice.smith@contoso.com", "action": "create",
               "reason": null, "entra": null, "changes": [], "line": 1, "account": null})
    );
    assert_eq!(plan["orphans"][0]["key"], "asmith@contoso.com");
}

/// The planted tenant: how many users of each class, and what each class expects.
struct Tenant {
    dir: tempfile::TempDir,
}

/// Class sizes (users; accounts as noted).
const UNCHANGED: usize = 10_000; // exact match, same values (one account each)
const UPDATED: usize = 5_000; // exact match, displayName differs, title (on-create) differs too
const CASE_ONLY: usize = 2_000; // the account's userName differs in case only (its externalId
                                // does not match): matched, and the case is corrected
const SECOND: usize = 1_000; // matched by externalId (precedence 2), userName differs
const DUP_TARGET: usize = 500; // two accounts have the user's userName
const NO_VALUE: usize = 300; // neither matching attribute has a value
const UNASSIGNED: usize = 700; // not assigned, with an account
const DISABLED: usize = 400; // accountEnabled false, with an active account
const DISABLED_NEW: usize = 100; // accountEnabled false, no account
const OUT: usize = 600; // fails the scoping filter, no account
const DUP_SOURCE: usize = 200; // the same userPrincipalName as a created user
const USERS: usize = 50_000;
const ACCOUNTS: usize = 30_000;
const CREATED: usize = USERS
    - UNCHANGED
    - UPDATED
    - CASE_ONLY
    - SECOND
    - DUP_TARGET
    - NO_VALUE
    - UNASSIGNED
    - DISABLED
    - DISABLED_NEW
    - OUT
    - DUP_SOURCE;
const ORPHANS: usize =
    ACCOUNTS - UNCHANGED - UPDATED - CASE_ONLY - SECOND - 2 * DUP_TARGET - UNASSIGNED - DISABLED;

fn user(out: &mut String, i: usize, upn: Option<&str>, enabled: bool, department: &str) {
    let upn = upn.map_or(Value::Null, |u| json!(u));
    let nick = if upn.is_null() {
        Value::Null
    } else {
        json!(format!("n{i}"))
    };
    let line = json!({
        "objectId": format!("00000000-0000-0000-0000-{i:012}"),
        "userPrincipalName": upn,
        "mailNickname": nick,
        "displayName": format!("User {i}"),
        "jobTitle": "Engineer",
        "department": department,
        "accountEnabled": enabled,
    });
    let _ = writeln!(out, "{line}");
}

fn account(out: &mut String, id: &str, user_name: &str, external: &str, display: &str) {
    let line = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id,
        "userName": user_name,
        "externalId": external,
        "active": true,
        "displayName": display,
        "title": "Someone else",
    });
    let _ = writeln!(out, "{line}");
}

/// User `i`'s userPrincipalName.
fn upn(i: usize) -> String {
    format!("user{i}@contoso.com")
}

/// The account user `i`'s own values give (every mapped value the same).
fn matching_account(out: &mut String, i: usize) {
    account(
        out,
        &format!("a{i}"),
        &upn(i),
        &format!("n{i}"),
        &format!("User {i}"),
    );
}

impl Tenant {
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Writes users.jsonl, accounts.jsonl and assignments.csv.
    fn new() -> Tenant {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (mut users, mut accounts) = (String::new(), String::new());
        let mut assigned = String::from("principalId,principalType,resourceId\n");
        let mut i = 0;
        let mut next = |n: usize| {
            let start = i;
            i += n;
            start..i
        };
        for i in next(UNCHANGED) {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            matching_account(&mut accounts, i);
        }
        for i in next(UPDATED) {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            account(
                &mut accounts,
                &format!("a{i}"),
                &upn(i),
                &format!("n{i}"),
                "Old name",
            );
        }
        for i in next(CASE_ONLY) {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            let upper = upn(i).to_uppercase();
            account(
                &mut accounts,
                &format!("a{i}"),
                &upper,
                &format!("x{i}"),
                &format!("User {i}"),
            );
        }
        for i in next(SECOND) {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            account(
                &mut accounts,
                &format!("a{i}"),
                &format!("old{i}@contoso.com"),
                &format!("n{i}"),
                &format!("User {i}"),
            );
        }
        for i in next(DUP_TARGET) {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            account(
                &mut accounts,
                &format!("a{i}"),
                &upn(i),
                &format!("x{i}"),
                "D",
            );
            account(
                &mut accounts,
                &format!("b{i}"),
                &upn(i),
                &format!("y{i}"),
                "D",
            );
        }
        for i in next(NO_VALUE) {
            user(&mut users, i, None, true, "Sales");
        }
        let unassigned = next(UNASSIGNED);
        for i in unassigned.clone() {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            matching_account(&mut accounts, i);
        }
        for i in next(DISABLED) {
            user(&mut users, i, Some(&upn(i)), false, "Sales");
            matching_account(&mut accounts, i);
        }
        for i in next(DISABLED_NEW) {
            user(&mut users, i, Some(&upn(i)), false, "Sales");
        }
        for i in next(OUT) {
            user(&mut users, i, Some(&upn(i)), true, "Contractors");
        }
        let created = next(CREATED);
        for i in created.clone() {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
        }
        for (k, i) in next(DUP_SOURCE).enumerate() {
            // The same UPN as a created user, later in the export.
            user(&mut users, i, Some(&upn(created.start + k)), true, "Sales");
        }
        for o in 0..ORPHANS {
            account(
                &mut accounts,
                &format!("o{o}"),
                &format!("gone{o}@contoso.com"),
                &format!("g{o}"),
                "Gone",
            );
        }
        for i in 0..USERS {
            if !unassigned.contains(&i) {
                let _ = writeln!(assigned, "00000000-0000-0000-0000-{i:012},User,app");
            }
        }
        assert_eq!(i, USERS);
        for (name, text) in [
            ("users.jsonl", &users),
            ("accounts.jsonl", &accounts),
            ("assignments.csv", &assigned),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        let mapping = std::fs::read_to_string(fixtures().join("plan.entramap.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("plan.entramap.yaml"), &mapping)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            dir.path().join("exact.entramap.yaml"),
            mapping.replace("target: scim-core", "target: exact.yaml"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(fixtures().join("exact.yaml"), dir.path().join("exact.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        Tenant { dir }
    }

    fn plan(&self, mapping: &str, extra: &[&str]) -> Value {
        let (m, u, a, s) = (
            self.path(mapping),
            self.path("users.jsonl"),
            self.path("accounts.jsonl"),
            self.path("assignments.csv"),
        );
        let mut args = vec![
            m.as_str(),
            "--users",
            &u,
            "--accounts",
            &a,
            "--assignments",
            &s,
        ];
        args.extend_from_slice(extra);
        run_json(&args)
    }
}

fn reasons(plan: &Value) -> Vec<(String, u64)> {
    plan["summary"]["users"]["reasons"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect()
}

fn n(v: usize) -> u64 {
    v as u64
}

#[test]
fn planted_tenant_reproduces_every_count() {
    let tenant = Tenant::new();
    let plan = tenant.plan("plan.entramap.yaml", &[]);
    assert_eq!(
        counts(&plan, "users"),
        expect(&[
            ("create", n(CREATED)),
            ("update", n(UPDATED + SECOND + CASE_ONLY)),
            ("unchanged", n(UNCHANGED)),
            ("disable", n(DISABLED)),
            ("delete", 0),
            (
                "skip",
                n(DUP_TARGET + NO_VALUE + UNASSIGNED + DISABLED_NEW + OUT + DUP_SOURCE)
            ),
            ("orphan", n(ORPHANS)),
        ])
    );
    assert_eq!(
        reasons(&plan),
        expect(&[
            ("duplicate-source", n(DUP_SOURCE)),
            ("duplicate-target", n(DUP_TARGET)),
            ("no-matching-value", n(NO_VALUE)),
            ("not-assigned", n(UNASSIGNED)),
            ("out-of-scope", n(OUT)),
            ("soft-deleted", n(DISABLED + DISABLED_NEW)),
        ])
    );
    let users = &plan["summary"]["users"];
    assert_eq!(users["read"], n(USERS));
    assert_eq!(users["accounts"], n(ACCOUNTS));
    assert_eq!(plan["objects"].as_array().map(Vec::len), Some(USERS));
    // The on-create title differs on every updated account and is never a change.
    let updates: Vec<&Value> = plan["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["action"] == "update")
        .collect();
    assert!(updates.iter().all(|o| o["changes"]
        .as_array()
        .is_some_and(|c| c.iter().all(|c| c["target"] != "title"))));
    let second = updates
        .iter()
        .find(|o| o["key"] == "user17000@contoso.com")
        .unwrap_or_else(|| panic!("the first second-precedence user is updated"));
    assert_eq!(
        second["changes"],
        json!([{"target": "userName", "old": "old17000@contoso.com", "new": "user17000@contoso.com"}])
    );
}

/// Users without a matching value between users that match, in every position of the groups
/// of objects looked up at once: each matching user still finds its own account.
#[test]
fn users_without_a_matching_value_do_not_shift_the_lookups_of_the_others() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (mut users, mut accounts) = (String::new(), String::new());
    let (mut keyless, mut keyed) = (0, 0);
    for i in 0..1000 {
        if i % 3 == 0 || i % 7 == 0 {
            user(&mut users, i, None, true, "Sales");
            keyless += 1;
        } else {
            user(&mut users, i, Some(&upn(i)), true, "Sales");
            // Found by userName alone (its externalId, the second matching attribute, differs).
            let (id, external, display) = (format!("a{i}"), format!("x{i}"), format!("User {i}"));
            account(&mut accounts, &id, &upn(i), &external, &display);
            keyed += 1;
        }
    }
    let users_path = write(dir.path(), "users.jsonl", &users);
    let accounts_path = write(dir.path(), "accounts.jsonl", &accounts);
    let plan = run_json(&[
        &fixture("plan.entramap.yaml"),
        "--users",
        &users_path,
        "--accounts",
        &accounts_path,
    ]);
    assert_eq!(
        counts(&plan, "users"),
        expect(&[
            ("create", 0),
            ("update", keyed),
            ("unchanged", 0),
            ("disable", 0),
            ("delete", 0),
            ("skip", keyless),
            ("orphan", 0),
        ])
    );
}

#[test]
fn case_exact_targets_do_not_match_a_case_only_difference() {
    let tenant = Tenant::new();
    let plan = tenant.plan("exact.entramap.yaml", &[]);
    let users = counts(&plan, "users");
    assert_eq!(users[0], ("create".to_owned(), n(CREATED + CASE_ONLY)));
    assert_eq!(users[2], ("unchanged".to_owned(), n(UNCHANGED)));
    assert_eq!(users[6], ("orphan".to_owned(), n(ORPHANS + CASE_ONLY)));
}

#[test]
fn incremental_cycle_disables_who_left_and_skip_setting_keeps_them() {
    let tenant = Tenant::new();
    let plan = tenant.plan("plan.entramap.yaml", &["--cycle", "incremental"]);
    let users = counts(&plan, "users");
    assert_eq!(users[3], ("disable".to_owned(), n(DISABLED + UNASSIGNED)));
    let kept = tenant.plan(
        "plan.entramap.yaml",
        &["--cycle", "incremental", "--skip-out-of-scope-deletions"],
    );
    assert_eq!(
        counts(&kept, "users")[3],
        ("disable".to_owned(), n(DISABLED))
    );
    assert_eq!(
        kept["summary"]["users"]["reasons"]["skip-out-of-scope-deletions"],
        n(UNASSIGNED)
    );
    // Past the accidental-deletion threshold: said, and exit status 1.
    let over = entramap(&[
        "plan",
        &tenant.path("plan.entramap.yaml"),
        "--users",
        &tenant.path("users.jsonl"),
        "--accounts",
        &tenant.path("accounts.jsonl"),
        "--assignments",
        &tenant.path("assignments.csv"),
        "--cycle",
        "incremental",
        "--deletion-threshold",
        "1000",
    ]);
    assert_eq!(over.status.code(), Some(1));
    assert!(stdout(&over).contains("1100 disables and deletes exceed the threshold of 1000"));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

/// Writes `text` as UTF-16LE with a byte order mark.
fn write_utf16(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

/// The same accounts as a ListResponse, JSON Lines and CSV (each also in UTF-16, as Windows
/// PowerShell writes files), and the same users as JSON Lines,
/// a Graph page and the portal's CSV, give the same plan.
#[test]
fn every_input_format_gives_the_same_plan() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let users = [
        write(d, "u.jsonl", "{\"objectId\": \"1\", \"userPrincipalName\": \"a@x\", \"displayName\": \"A\", \"mailNickname\": \"a\", \"department\": \"Sales\", \"accountEnabled\": true}\n{\"objectId\": \"2\", \"userPrincipalName\": \"b@x\", \"displayName\": \"B\", \"mailNickname\": \"b\", \"department\": \"Sales\", \"accountEnabled\": true}\n"),
        write(d, "u.json", "{\"value\": [{\"id\": \"1\", \"userPrincipalName\": \"a@x\", \"displayName\": \"A\", \"mailNickname\": \"a\", \"department\": \"Sales\", \"accountEnabled\": true},\n{\"id\": \"2\", \"userPrincipalName\": \"b@x\", \"displayName\": \"B\", \"mailNickname\": \"b\", \"department\": \"Sales\", \"accountEnabled\": true}]}\n"),
        write(d, "u.csv", "userPrincipalName,displayName,objectId,mailNickname,department,accountEnabled\na@x,A,1,a,Sales,True\nb@x,B,2,b,Sales,True\n"),
    ];
    let accounts = [
        write(d, "a.json", "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"], \"totalResults\": 2, \"Resources\": [\n{\"id\": \"9\", \"userName\": \"A@X\", \"displayName\": \"Old\", \"active\": true},\n{\"id\": \"8\", \"userName\": \"z@x\", \"active\": true}]}\n"),
        write(d, "a.jsonl", "{\"id\": \"9\", \"userName\": \"A@X\", \"displayName\": \"Old\", \"active\": true}\n{\"id\": \"8\", \"userName\": \"z@x\", \"active\": true}\n"),
        write(d, "a.csv", "id,userName,displayName,active\n9,A@X,Old,True\n8,z@x,,True\n"),
        // As Windows PowerShell's Out-File writes them: UTF-16LE with a byte order mark, CRLF.
        write_utf16(d, "a16.json", "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"], \"totalResults\": 2, \"Resources\": [\r\n{\"id\": \"9\", \"userName\": \"A@X\", \"displayName\": \"Old\", \"active\": true},\r\n{\"id\": \"8\", \"userName\": \"z@x\", \"active\": true}]}\r\n"),
        write_utf16(d, "a16.csv", "id,userName,displayName,active\r\n9,A@X,Old,True\r\n8,z@x,,True\r\n"),
    ];
    let mapping = fixture("plan.entramap.yaml");
    let mut plans = Vec::new();
    for u in &users {
        for a in &accounts {
            let plan = run_json(&[&mapping, "--users", u, "--accounts", a]);
            let objects: Vec<(Value, Value, Value)> = plan["objects"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| (o["key"].clone(), o["action"].clone(), o["changes"].clone()))
                .collect();
            plans.push((objects, plan["orphans"][0]["id"].clone()));
        }
    }
    let first = plans[0].clone();
    assert_eq!(
        first.0,
        vec![
            (
                json!("a@x"),
                json!("update"),
                json!([
                    {"target": "userName", "old": "A@X", "new": "a@x"},
                    {"target": "externalId", "old": null, "new": "a"},
                    {"target": "displayName", "old": "Old", "new": "A"}
                ])
            ),
            (json!("b@x"), json!("create"), json!([])),
        ]
    );
    assert_eq!(first.1, json!("8"));
    assert!(plans.iter().all(|p| *p == first), "{plans:#?}");
}

/// Malformed and duplicate accounts, a cut-off ListResponse, an assignment for another app:
/// counted and located, never a crash, never a silent drop.
#[test]
fn bad_inputs_are_counted_and_located() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let accounts = write(
        d,
        "accounts.jsonl",
        "{\"id\": \"1\", \"userName\": \"a@x\"}\n{\"userName\": \"noid@x\"}\n{\"id\": \"1\", \"userName\": \"again@x\"}\n{\"id\": 2, \"userName\": tru}\nnot json\n{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"], \"totalResults\": 5, \"Resources\": [{\"id\": \"3\", \"userName\": \"c@x\"}]}\n{\"Resources\": [{\"id\": \"4\",\n",
    );
    let users = write(
        d,
        "users.jsonl",
        "{\"objectId\": \"u1\", \"userPrincipalName\": \"a@x\", \"department\": \"Sales\", \"mailNickname\": \"a\", \"accountEnabled\": true}\n{\"broken\": \n",
    );
    let out = entramap(&[
        "plan",
        &fixture("plan.entramap.yaml"),
        "--users",
        &users,
        "--accounts",
        &accounts,
        "--assignments",
        &fixture("assignments.graph.json"),
    ]);
    let text = stdout(&out)
        .replace(&d.display().to_string(), "[dir]")
        .replace(&fixtures().display().to_string(), "[fixtures]");
    insta::assert_snapshot!("bad_inputs", text);
}

/// `--requests` in both dialects: the lookup, the create, the update and the disable as
/// Microsoft documents them.
#[test]
fn requests_follow_each_dialect() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let users = write(
        d,
        "users.jsonl",
        "{\"objectId\": \"u1\", \"userPrincipalName\": \"new@x\", \"displayName\": \"New\", \"mailNickname\": \"new\", \"department\": \"Sales\", \"accountEnabled\": true}\n{\"objectId\": \"u2\", \"userPrincipalName\": \"kept@x\", \"displayName\": \"Renamed\", \"mailNickname\": \"kept\", \"department\": \"Sales\", \"accountEnabled\": true}\n{\"objectId\": \"u3\", \"userPrincipalName\": \"gone@x\", \"displayName\": \"Gone\", \"mailNickname\": \"gone\", \"department\": \"Sales\", \"accountEnabled\": false}\n",
    );
    let accounts = write(
        d,
        "accounts.jsonl",
        "{\"id\": \"k2\", \"userName\": \"kept@x\", \"externalId\": \"kept\", \"displayName\": \"Kept\", \"active\": true}\n{\"id\": \"k3\", \"userName\": \"gone@x\", \"externalId\": \"gone\", \"displayName\": \"Gone\", \"active\": true}\n",
    );
    let mut all = String::new();
    for dialect in ["default", "aadOptscim062020"] {
        for ext in ["jsonl", "http"] {
            let requests = d.join(format!("requests.{ext}")).display().to_string();
            let out = entramap(&[
                "plan",
                &fixture("plan.entramap.yaml"),
                "--users",
                &users,
                "--accounts",
                &accounts,
                "--requests",
                &requests,
                "--dialect",
                dialect,
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let text = std::fs::read_to_string(&requests).unwrap_or_else(|e| panic!("{e}"));
            let _ = writeln!(all, "==== {dialect} .{ext}\n{text}");
        }
    }
    insta::assert_snapshot!("requests", all);
}

/// Groups: assignment through groups, a group matched ignoring case and updated (a member added,
/// one removed), a group created with its members; the Markdown comment and `--user`.
#[test]
fn groups_markdown_and_one_object_explained() {
    let base = [
        "plan".to_owned(),
        fixture("plan.entramap.yaml"),
        "--users".to_owned(),
        fixture("team-users.jsonl"),
        "--groups".to_owned(),
        fixture("team-groups.jsonl"),
        "--accounts".to_owned(),
        fixture("team-accounts.jsonl"),
        "--assignments".to_owned(),
        fixture("team-assignments.csv"),
    ];
    let run = |extra: &[&str]| plan_output(&base, extra);
    let mut all = String::new();
    for extra in [
        &["--format", "markdown"][..],
        &["--details"],
        &["--user", "Team"],
        &["--user", "2"],
        &["--user", "Team", "--dialect", "aadOptscim062020"],
    ] {
        let _ = writeln!(all, "==== {}\n{}", extra.join(" "), run(extra));
    }
    insta::assert_snapshot!("groups", all);
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend_from_slice(&["--user", "nobody@x"]);
    let missing = entramap(&args);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no user or group `nobody@x`"));
}

/// The README's walkthrough shows the real output of the commands it runs.
#[test]
fn the_readme_walkthrough_shows_real_output() {
    let readme =
        std::fs::read_to_string(root().join("README.md")).unwrap_or_else(|e| panic!("{e}"));
    let start = readme
        .find("## Plan a provisioning cycle")
        .unwrap_or_else(|| panic!("the plan section"));
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut rest = section;
    let mut blocks = 0;
    while let Some(at) = rest.find("```console\n") {
        let body = &rest[at + "```console\n".len()..];
        let end = body.find("```").unwrap_or_else(|| panic!("a closed block"));
        let (command, shown) = body[..end]
            .split_once('\n')
            .unwrap_or_else(|| panic!("a command line"));
        let args: Vec<&str> = command
            .strip_prefix("$ entramap ")
            .unwrap_or_else(|| panic!("`{command}` runs entramap"))
            .split_whitespace()
            .collect();
        assert_eq!(
            stdout(&entramap(&args)),
            shown,
            "README's `{command}` is out of date"
        );
        blocks += 1;
        rest = &body[end + 3..];
    }
    assert_eq!(blocks, 2, "plan, then plan --user");
}

/// A mapping file with lint errors is refused unless `--allow-errors`.
#[test]
fn lint_errors_stop_the_plan_unless_allowed() {
    let file = "tests/fixtures/lint/custom-attribute-type/bad.entramap.yaml";
    let users = "examples/exports/users.jsonl";
    let refused = entramap(&["plan", file, "--users", users]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("lint error"),
        "{}",
        stderr(&refused)
    );
    let allowed = entramap(&["plan", file, "--users", users, "--allow-errors"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(stdout(&allowed).starts_with("Plan of an initial cycle"));
}

/// Entra tries each matching attribute in precedence order and needs a value for one of them:
/// "If you define multiple matching attributes ..., not all users have to have the same matching
/// attribute" (MicrosoftDocs/entra-docs docs/identity/app-provisioning/customize-application-attributes.md).
/// A user without the second one (externalId) is matched by the first (userName); a user with
/// neither is skipped, reported once.
#[test]
fn a_missing_lower_precedence_value_still_matches_by_the_higher_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let users = dir.path().join("users.jsonl");
    let accounts = dir.path().join("accounts.jsonl");
    std::fs::write(
        &users,
        concat!(
            r#"{"objectId":"u1","userPrincipalName":"ana@contoso.com","displayName":"Ana","department":"Sales","accountEnabled":true}"#,
            "\n",
            r#"{"objectId":"u2","displayName":"Nobody","department":"Sales","accountEnabled":true}"#,
            "\n",
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        &accounts,
        r#"{"id":"a1","userName":"ANA@contoso.com","externalId":"old","active":true,"displayName":"Ana"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (u, a) = (users.display().to_string(), accounts.display().to_string());
    let plan = run_json(&[
        &fixture("plan.entramap.yaml"),
        "--users",
        &u,
        "--accounts",
        &a,
    ]);
    let objects = plan["objects"].as_array().cloned().unwrap_or_default();
    assert_eq!(objects.len(), 2, "{plan}");
    assert_eq!(objects[0]["key"], "ana@contoso.com");
    assert_eq!(objects[0]["account"], "a1", "{}", objects[0]);
    assert_eq!(objects[0]["action"], "update", "{}", objects[0]);
    assert_eq!(
        objects[0]["changes"],
        json!([{"target": "userName", "old": "ANA@contoso.com", "new": "ana@contoso.com"}])
    );
    assert_eq!(objects[1]["action"], "skip");
    assert_eq!(objects[1]["reason"], "no-matching-value");
    assert_eq!(plan["summary"]["users"]["orphan"], 0);
    // preview agrees: a payload for the first user, one finding for the second.
    let out = entramap(&[
        "preview",
        &fixture("plan.entramap.yaml"),
        "--users",
        &u,
        "--out",
        "-",
        "--format",
        "json",
    ]);
    let report = stdout(&out) + &stderr(&out);
    assert_eq!(report.matches("Entra cannot match").count(), 1, "{report}");
    assert!(
        report.contains("no matching attribute has a value (`userName`, `externalId`)"),
        "{report}"
    );
}

/// A group member that is not a provisioned user (here out of scope) cannot be resolved to an
/// account: the group is still created, without it, and says so (`reference-unresolved`,
/// Entra's UnableToResolveReferenceAttributeValue).
#[test]
fn a_group_member_out_of_scope_is_an_unresolved_reference() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path.display().to_string()
    };
    let users = write(
        "users.jsonl",
        concat!(
            r#"{"objectId":"u1","userPrincipalName":"a@x","mailNickname":"a","department":"Sales","accountEnabled":true}"#,
            "\n",
            r#"{"objectId":"u2","userPrincipalName":"b@x","mailNickname":"b","department":"Contractors","accountEnabled":true}"#,
            "\n",
        ),
    );
    let groups = write(
        "groups.jsonl",
        concat!(
            r#"{"objectId":"g1","displayName":"Team","members":["u1","u2"]}"#,
            "\n",
            r#"{"objectId":"g2","displayName":"Solo","members":["u1"]}"#,
            "\n",
        ),
    );
    let mapping = fixture("plan.entramap.yaml");
    let plan = run_json(&[&mapping, "--users", &users, "--groups", &groups]);
    let objects = plan["objects"].as_array().cloned().unwrap_or_default();
    let team = objects
        .iter()
        .find(|o| o["key"] == "Team")
        .unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(team["action"], "create");
    assert_eq!(team["reason"], "reference-unresolved");
    assert_eq!(team["entra"], "UnableToResolveReferenceAttributeValue");
    assert!(
        team["detail"].as_str().is_some_and(|d| d.contains("u2")),
        "{team}"
    );
    assert_eq!(team["changes"][0]["added"], json!(["a@x"]));
    let solo = objects
        .iter()
        .find(|o| o["key"] == "Solo")
        .unwrap_or_else(|| panic!("{plan}"));
    assert_eq!(solo["reason"], Value::Null);
    assert_eq!(
        plan["summary"]["groups"]["reasons"],
        json!({"reference-unresolved": 1})
    );
    let out = entramap(&["plan", &mapping, "--users", &users, "--groups", &groups]);
    assert!(
        stdout(&out).contains("group Team: create: reference-unresolved"),
        "{}",
        stdout(&out)
    );
}

/// The manager tests' inputs: `manager.entramap.yaml` (Microsoft's default `manager` mapping)
/// over `manager-users.jsonl` against `manager-accounts.jsonl`.
/// What `entramap <base> <extra>` prints (it must succeed), with the fixtures' folder named
/// `[fixtures]`.
fn plan_output(base: &[String], extra: &[&str]) -> String {
    let mut args: Vec<&str> = base.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    let out = entramap(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).replace(&fixtures().display().to_string(), "[fixtures]")
}

fn manager_args() -> Vec<String> {
    vec![
        fixture("manager.entramap.yaml"),
        "--users".to_owned(),
        fixture("manager-users.jsonl"),
        "--accounts".to_owned(),
        fixture("manager-accounts.jsonl"),
    ]
}

/// Entra resolves a user's manager to the manager's account in the app and sets it after
/// provisioning the user; a manager it does not provision is left out
/// (MicrosoftDocs/entra-docs docs/identity/app-provisioning/known-issues.md, "Manager isn't
/// provisioned"). Every case: a manager before the user and after it, matched or created in
/// this cycle, out of scope, not in the export, already the account's manager, changed.
#[test]
fn managers_resolve_to_the_accounts_of_their_users() {
    let args = manager_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let plan = run_json(&args);
    let objects = plan["objects"].as_array().cloned().unwrap_or_default();
    let object = |key: &str| {
        objects
            .iter()
            .find(|o| o["key"] == format!("{key}@contoso.com"))
            .cloned()
            .unwrap_or_else(|| panic!("{key}: {plan}"))
    };
    let manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
    // ana's manager (cy, later in the export) is already its account's manager.
    assert_eq!(object("ana")["action"], "unchanged");
    assert_eq!(object("ana")["reason"], Value::Null);
    // dee's manager is eve, created in this cycle, later in the export: the account's manager
    // changes to the account eve's POST creates.
    assert_eq!(object("dee")["action"], "update");
    assert_eq!(
        object("dee")["changes"],
        json!([{"target": manager, "old": "k3", "new": "{{create_2.response.body.$.id}}"}])
    );
    // ida's manager is ana (objectId in another case), whose account is k1: changed from k3.
    assert_eq!(object("ida")["action"], "update");
    assert_eq!(
        object("ida")["changes"],
        json!([{"target": manager, "old": {"value": "k3", "displayName": "Cy"}, "new": "k1"}])
    );
    // ben (manager ana, before, as Graph's object) and eve (manager cy, before) are created.
    for key in ["ben", "eve"] {
        assert_eq!(object(key)["action"], "create");
        assert_eq!(object(key)["reason"], Value::Null);
    }
    // fay's manager is out of scope, hal's is not in the export: provisioned without one.
    for (key, action, why) in [
        ("fay", "create", "the manager u7 is not provisioned"),
        (
            "hal",
            "unchanged",
            "the manager u99 is not in the user export",
        ),
    ] {
        let o = object(key);
        assert_eq!(o["action"], action, "{o}");
        assert_eq!(o["reason"], "reference-unresolved", "{o}");
        assert_eq!(o["entra"], "UnableToResolveReferenceAttributeValue");
        assert!(
            o["detail"].as_str().is_some_and(|d| d.starts_with(why)),
            "{o}"
        );
    }
    assert_eq!(
        counts(&plan, "users"),
        expect(&[
            ("create", 3),
            ("update", 2),
            ("unchanged", 3),
            ("disable", 0),
            ("delete", 0),
            ("skip", 1),
            ("orphan", 0)
        ])
    );
    assert_eq!(
        plan["summary"]["users"]["reasons"],
        json!({"out-of-scope": 1, "reference-unresolved": 2})
    );
    // Every user once: those whose manager comes later follow their manager's decision.
    let keys: Vec<&str> = objects.iter().filter_map(|o| o["key"].as_str()).collect();
    assert_eq!(
        keys,
        ["ben", "cy", "ana", "eve", "dee", "gil", "fay", "ida", "hal"]
            .map(|k| format!("{k}@contoso.com"))
    );
}

/// The requests of both dialects: each POST without the manager, then the manager's PATCH
/// (`add` for a user created or without a manager, `replace` for a changed one, the value the
/// manager's account id as text, or the POST that creates it), never before the manager's POST.
#[test]
fn manager_requests_follow_each_dialect() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut all = String::new();
    for dialect in ["default", "aadOptscim062020"] {
        let requests = dir.path().join("requests.jsonl").display().to_string();
        let mut args = manager_args();
        args.extend(["--requests", &requests, "--dialect", dialect].map(str::to_owned));
        let mut full = vec!["plan"];
        full.extend(args.iter().map(String::as_str));
        let out = entramap(&full);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = std::fs::read_to_string(&requests).unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let mut posted = Vec::new();
        for r in &lines {
            let body = r["body"].to_string();
            if r["method"] == "POST" {
                assert!(!body.contains("manager"), "{r}");
                posted.push(r["name"].as_str().unwrap_or_default().to_owned());
            }
            // Every POST a request names was sent before it.
            for name in body
                .split("{{")
                .skip(1)
                .chain(r["path"].as_str().unwrap_or_default().split("{{").skip(1))
            {
                let name = name.split('.').next().unwrap_or_default();
                assert!(
                    posted.iter().any(|p| p == name),
                    "{name} before its POST: {r}"
                );
            }
        }
        let _ = writeln!(all, "==== {dialect}\n{text}");
    }
    insta::assert_snapshot!("manager_requests", all);
}

/// The human report with `--details`, the JSON document, and `--user` for a user whose manager
/// comes later in the export (its requests, then its manager's PATCH).
#[test]
fn manager_plan_reports() {
    let mut base = vec!["plan".to_owned()];
    base.extend(manager_args());
    let run = |extra: &[&str]| plan_output(&base, extra);
    let mut all = String::new();
    for extra in [
        &["--details"][..],
        &["--format", "json"],
        &["--user", "dee@contoso.com"],
        &["--user", "8"],
    ] {
        let _ = writeln!(all, "==== {}\n{}", extra.join(" "), run(extra));
    }
    insta::assert_snapshot!("manager_reports", all);
}

/// Preview reads a manager as Graph's `$expand=manager` gives it (an object with the manager's
/// `id`) and as text (JSON Lines, CSV): the same plan from a CSV of the same users.
#[test]
fn a_manager_reads_the_same_from_graph_objects_and_csv_text() {
    let out = entramap(&[
        "preview",
        &fixture("manager.entramap.yaml"),
        "--users",
        &fixture("manager-users.jsonl"),
        "--out",
        "-",
    ]);
    let payloads: Vec<Value> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let manager_of = |user: &str| {
        payloads
            .iter()
            .find(|p| p["userName"] == format!("{user}@contoso.com"))
            .map(|p| p[enterprise]["manager"].clone())
    };
    assert_eq!(manager_of("ben"), Some(json!("u1")), "{}", stdout(&out));
    assert_eq!(manager_of("eve"), Some(json!("u3")));
    assert_eq!(manager_of("ana"), Some(json!("u3")));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(fixtures().join("manager-users.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut csv = String::from(
        "objectId,userPrincipalName,mailNickname,displayName,department,accountEnabled,manager\n",
    );
    for line in text.lines() {
        let u: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let manager = match &u["manager"] {
            Value::Object(o) => o["id"].as_str().unwrap_or_default().to_owned(),
            other => other.as_str().unwrap_or_default().to_owned(),
        };
        let cells = [
            "objectId",
            "userPrincipalName",
            "mailNickname",
            "displayName",
            "department",
        ]
        .map(|k| u[k].as_str().unwrap_or_default().to_owned());
        let _ = writeln!(csv, "{},true,{manager}", cells.join(","));
    }
    let jsonl = manager_args();
    let mut csv_args = jsonl.clone();
    csv_args[2] = write(dir.path(), "users.csv", &csv);
    // The same decisions, at lines one further down (the CSV's header).
    let objects = |args: &[String], header: u64| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut objects = run_json(&args)["objects"].clone();
        for o in objects.as_array_mut().into_iter().flatten() {
            o["line"] = json!(o["line"].as_u64().unwrap_or_default() - header);
        }
        objects
    };
    let from_csv = objects(&csv_args, 1);
    assert_eq!(from_csv, objects(&jsonl, 0));
    assert_eq!(from_csv.as_array().map(Vec::len), Some(9));
}

/// The impact diff pairs the decisions of two plans in order: adding the manager mapping changes
/// the manager values, and nobody is rematched or moved.
#[test]
fn adding_the_manager_mapping_is_a_value_change_in_the_impact() {
    let out = entramap(&[
        "diff",
        &fixture("plan.entramap.yaml"),
        &fixture("manager.entramap.yaml"),
        "--users",
        &fixture("manager-users.jsonl"),
        "--accounts",
        &fixture("manager-accounts.jsonl"),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&out), stderr(&out)));
    let users = &report["impact"]["users"];
    assert_eq!(users["rematch"], json!([]), "{users}");
    assert_eq!(users["compared"], 9, "{users}");
    let manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
    assert!(
        users["attributes"][manager]["changed"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{users}"
    );
}
