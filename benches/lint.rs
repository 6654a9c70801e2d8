//! Linting against the largest gallery profiles costs about what it costs against `scim-core`.
//! The same mapping file (the targets every profile here has) is linted with
//! `target: airtable` (51 user attributes, the largest hand-curated gallery profile),
//! `target: global-relay-identity-sync` (69, the largest generated one with SCIM names) and
//! `target: scim-core` (64); and the first load of each profile (parsed and validated once per
//! process) is measured on its own. Results in BENCHMARKS.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use entramap::lint::lint_source;
use entramap::model::{catalogue, profile};

/// The profiles compared.
const PROFILES: [&str; 3] = ["scim-core", "airtable", "global-relay-identity-sync"];

/// A mapping of targets both profiles declare, with `target: {profile}`.
fn mapping(profile: &str) -> String {
    format!(
        "entramap: 1
app: Bench
target: {profile}
users:
  - target: userName
    source: userPrincipalName
    matching_precedence: 1
  - target: active
    expression: Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")
  - target: displayName
    source: displayName
  - target: title
    source: jobTitle
  - target: 'emails[type eq \"work\"].value'
    source: mail
  - target: name.givenName
    source: givenName
  - target: name.familyName
    source: surname
  - target: externalId
    source: mailNickname
  - target: 'phoneNumbers[type eq \"work\"].value'
    source: telephoneNumber
  - target: 'addresses[type eq \"work\"].locality'
    source: city
groups:
  - target: displayName
    source: displayName
    matching_precedence: 1
  - target: members
    source: members
"
    )
}

fn profile_text(name: &str) -> &'static str {
    catalogue::entry(name)
        .map(|e| e.profile)
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint against a profile");
    for name in PROFILES {
        let text = mapping(name);
        let report = lint_source("bench.entramap.yaml", &text, None);
        assert!(
            report.report.diagnostics.is_empty(),
            "{name}: {:?}",
            report.report.diagnostics
        );
        group.bench_function(name, |b| {
            b.iter(|| lint_source("bench.entramap.yaml", black_box(&text), None))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("load a profile");
    for name in PROFILES {
        let text = profile_text(name);
        group.bench_function(name, |b| {
            b.iter(|| profile::parse_file(black_box(text), name))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
