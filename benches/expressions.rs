//! Parse + check throughput over a realistic mix: every expression of the valid corpus
//! (`tests/fixtures/expressions/valid.tsv`, taken from Microsoft's docs and samples).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use entramap::catalogue::Context;
use entramap::checker::{check_text, Attributes, CheckOptions};
use entramap::source::entra_id;

fn corpus() -> Vec<(String, Context, bool)> {
    let text = include_str!("../tests/fixtures/expressions/valid.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let expression = cols.next()?.to_owned();
            let context = match cols.next()? {
                "hr-inbound" => Context::HrInbound,
                "cloud-sync" => Context::CloudSync,
                _ => Context::AppProvisioning,
            };
            let any = cols.next()? == "any";
            Some((expression, context, any))
        })
        .collect()
}

fn parse_and_check(c: &mut Criterion) {
    let corpus = corpus();
    let schema = entra_id();
    let mut group = c.benchmark_group("expressions");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (text, _, _) in &corpus {
                let _ = black_box(entramap::syntax::parse(black_box(text)));
            }
        })
    });
    group.bench_function("parse+check", |b| {
        b.iter(|| {
            for (text, context, any) in &corpus {
                let options = CheckOptions {
                    context: *context,
                    attributes: if *any {
                        Attributes::Any
                    } else {
                        Attributes::Schema(&schema.users)
                    },
                    target_type: None,
                };
                black_box(check_text(black_box(text), &options));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_and_check);
criterion_main!(benches);
