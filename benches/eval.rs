//! Evaluator throughput: the IDmelon user mapping (examples/idmelon.entramap.yaml: direct
//! mappings as `[attr]`, the SCIM `active` Switch, a Join, an extension Join with ToLower) over
//! synthetic users, compiled once and evaluated per user, as `preview` will do. Plus heavier
//! HR-style expressions (NormalizeDiacritics, regex Replace, dates) for comparison.

use chrono::{TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use entramap::expr::eval::{compile_text, Compiled, EvalContext, JsonSource, OutcomeRef};

const IDMELON: &[&str] = &[
    "[objectId]",
    r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
    "[displayName]",
    "[userPrincipalName]",
    "[objectId]",
    "[givenName]",
    "[surname]",
    r#"Join(" ", [givenName], [surname])"#,
    "[immutableId]",
    r#"Join(" / ", ToLower([department]), [jobTitle])"#,
];

const HR: &[&str] = &[
    r#"ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".", [givenName], [surname]))), "contoso.com"))"#,
    r#"Replace(Mid(Replace(NormalizeDiacritics(StripSpaces(Join("", Mid([givenName],1,1), [surname]))), , "([\\/\\[\\]\\:\\;\\|\\=\\,\\+\\*\\?\\<\\>])", , "", , ), 1, 20), , "(\\.)*$", , "", , )"#,
    r#"NumFromDate(Join("", FormatDateTime([hireDate], , "yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))"#,
    r#"IIF(DateDiff("d", Now(), CDate([hireDate])) <= 14, "True", "False")"#,
];

const FIRST: &[&str] = &[
    "John",
    "María José",
    "Zoë",
    "Łukasz",
    "Anne-Marie",
    "Søren",
    "Ana",
    "Hiroshi",
];
const LAST: &[&str] = &[
    "Smith",
    "González-López",
    "O'Connor",
    "Müller",
    "Tanaka",
    "Ødegård",
    "Nguyen",
    "Brown",
];
const DEPARTMENTS: &[&str] = &["Sales", "Engineering", "Finance and Info. Mgmt.", "HR"];

fn users(n: usize) -> Vec<JsonSource> {
    (0..n)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / 3) % LAST.len()];
            let json = serde_json::json!({
                "objectId": format!("{:08x}-bb11-cc22-dd33-{:012x}", i, i * 7919),
                "IsSoftDeleted": if i % 50 == 0 { "True" } else { "False" },
                "displayName": format!("{first} {last}"),
                "userPrincipalName": format!("user{i}@contoso.com"),
                "givenName": first,
                "surname": last,
                "immutableId": format!("imm{i}"),
                "department": DEPARTMENTS[i % DEPARTMENTS.len()],
                "jobTitle": if i % 7 == 0 { serde_json::Value::Null } else { "Engineer".into() },
                "hireDate": format!("20{:02}-{:02}-{:02}-08:00", 10 + i % 15, 1 + i % 12, 1 + i % 28),
            });
            JsonSource::from_json(&json).expect("synthetic user")
        })
        .collect()
}

fn compile_all(expressions: &[&str]) -> Vec<Compiled> {
    expressions
        .iter()
        .map(|e| compile_text(e).expect("expression compiles"))
        .collect()
}

fn run(mapping: &[Compiled], users: &[JsonSource], ctx: &EvalContext) -> usize {
    let mut flowing = 0;
    for user in users {
        for expression in mapping {
            if let Ok(OutcomeRef::Flows { .. }) = expression.eval_ref(user, ctx) {
                flowing += 1;
            }
        }
    }
    flowing
}

fn bench(c: &mut Criterion) {
    let users = users(10_000);
    let ctx = EvalContext::at(Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).unwrap());
    let mut group = c.benchmark_group("eval");
    group.throughput(Throughput::Elements(users.len() as u64));
    for (name, expressions) in [("idmelon-mapping", IDMELON), ("hr-expressions", HR)] {
        let mapping = compile_all(expressions);
        group.bench_with_input(
            BenchmarkId::new(name, users.len()),
            &mapping,
            |b, mapping| b.iter(|| black_box(run(mapping, &users, &ctx))),
        );
    }
    group.finish();
    c.bench_function("compile/idmelon-mapping", |b| {
        b.iter(|| black_box(compile_all(IDMELON)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
