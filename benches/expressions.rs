//! Parse + check throughput over two mixes: every expression of the valid corpus
//! (`tests/fixtures/expressions/valid.tsv`, taken from Microsoft's docs and samples, heavy in
//! long HR expressions and regular expressions), and every mapping of the example mapping files
//! as Entra stores it (a Direct mapping is the expression `[attribute]`, a constant `"text"`).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use entramap::expr::source::{entra_id, ObjectKind};
use entramap::model::MappingKind;

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

fn mapping_files() -> Vec<(String, ObjectKind)> {
    let files = [
        include_str!("../examples/idmelon.entramap.yaml"),
        include_str!("../examples/cloudsso.entramap.yaml"),
        include_str!("../examples/configcat.entramap.yaml"),
        include_str!("../examples/scim-core-default.entramap.yaml"),
    ];
    let mut expressions = Vec::new();
    for text in files {
        let Some(file) = entramap::model::load_str("example.entramap.yaml", text).file else {
            continue;
        };
        for kind in ObjectKind::ALL {
            for mapping in &file.object(kind).mappings {
                let expression = match &mapping.kind {
                    Some(MappingKind::Direct(t)) => format!("[{}]", t.value),
                    Some(MappingKind::Expression { text, .. }) => text.value.clone(),
                    Some(MappingKind::Constant(t)) => format!("\"{}\"", t.value),
                    None => continue,
                };
                expressions.push((expression, kind));
            }
        }
    }
    expressions
}

fn mapping_mix(c: &mut Criterion) {
    let mix = mapping_files();
    let schema = entra_id();
    let mut group = c.benchmark_group("mapping-files");
    group.throughput(Throughput::Elements(mix.len() as u64));
    group.bench_function("parse+check", |b| {
        b.iter(|| {
            for (text, kind) in &mix {
                let options = CheckOptions {
                    context: Context::AppProvisioning,
                    attributes: Attributes::Schema(schema.of(*kind)),
                    target_type: None,
                };
                black_box(check_text(black_box(text), &options));
            }
        })
    });
    group.finish();
}

fn parse_and_check(c: &mut Criterion) {
    let corpus = corpus();
    let schema = entra_id();
    let mut group = c.benchmark_group("expressions");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (text, _, _) in &corpus {
                let _ = black_box(entramap::expr::syntax::parse(black_box(text)));
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
    let patterns: Vec<String> = corpus
        .iter()
        .filter_map(|(text, _, _)| entramap::expr::syntax::parse(text).ok())
        .flat_map(|expr| {
            let mut found = Vec::new();
            expr.walk(&mut |e| {
                if let Some(call) = e.as_call().filter(|c| c.name == "Replace") {
                    if let Some(entramap::expr::syntax::ExprKind::Str(raw)) =
                        call.args.get(2).and_then(|a| a.value()).map(|v| &v.kind)
                    {
                        found.push(entramap::expr::syntax::ast::decode_string(raw).into_owned());
                    }
                }
            });
            found
        })
        .collect();
    let mut regex_group = c.benchmark_group("regex-validation");
    regex_group.throughput(Throughput::Elements(patterns.len() as u64));
    regex_group.bench_function("Replace patterns of the corpus", |b| {
        b.iter(|| {
            for pattern in &patterns {
                black_box(entramap::expr::checker::regex_problem(black_box(pattern)));
            }
        })
    });
    regex_group.finish();
}

criterion_group!(benches, parse_and_check, mapping_mix);
criterion_main!(benches);
