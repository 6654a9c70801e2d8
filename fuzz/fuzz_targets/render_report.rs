//! Fuzz target: render findings at arbitrary places of any text in every format. The first
//! bytes choose spans (anywhere, past the end, inside a character, reversed), label and message
//! texts; the rest is the file. Nothing may panic; human output (no colour) carries no control
//! character but line breaks and no line wider than a message can make it; every github line
//! is one workflow command.
#![no_main]

use entramap::base::text::SourceText;
use entramap::diagnostics::report::{to_github, to_human, to_json, to_sarif};
use entramap::base::text::Span;
use entramap::diagnostics::{Diagnostic, FileReport, RuleId};
use libfuzzer_sys::fuzz_target;

fn number(bytes: &[u8]) -> usize {
    bytes.iter().fold(0usize, |n, &b| n.wrapping_mul(256).wrapping_add(usize::from(b)))
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (head, rest) = data.split_at(16);
    let text = String::from_utf8_lossy(rest).into_owned();
    let limit = text.len() + 2;
    let span = |at: &[u8]| {
        let a = number(&at[..2]) % limit;
        let b = number(&at[2..4]) % limit;
        Span::new(a, b)
    };
    let message: String = text.chars().take(usize::from(head[12]) * 8).collect();
    let mut diagnostics = Vec::new();
    for i in 0..=usize::from(head[13] % 4) {
        let rule = RuleId::ALL[usize::from(head[14]).wrapping_add(i) % RuleId::ALL.len()];
        let mut d = Diagnostic::new(rule, span(&head[(i % 3) * 4..]), message.clone())
            .with_primary_label(message.clone())
            .with_help(message.clone())
            .with_note(message.clone());
        for j in 0..usize::from(head[15] % 4) {
            d = d.with_label(span(&head[((i + j + 1) % 3) * 4..]), message.clone());
        }
        diagnostics.push(d);
    }
    let mut report = FileReport::new(SourceText::new(message.clone(), text.clone()), diagnostics);
    if head[15] & 0x80 != 0 {
        let copies = report.diagnostics.clone();
        for _ in 0..40 {
            report.diagnostics.extend(copies.iter().cloned());
        }
        report.cap(100);
    }
    let reports = [report];
    let human = to_human(&reports, false);
    assert!(
        !human.chars().any(|c| c != '\n' && entramap::base::text::is_unsafe_char(c)),
        "{human:?}"
    );
    assert!(human.lines().all(|l| l.chars().count() < 6_000), "{human}");
    let _ = to_human(&reports, true);
    let github = to_github(&reports);
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    let _ = to_json(&reports).to_string();
    let _ = to_sarif(&reports).to_string();
    let linted = entramap::lint::lint_source("fuzz.entramap.yaml", &text, None);
    let human = to_human(&[linted.report], false);
    assert!(!human.chars().any(|c| c != '\n' && entramap::base::text::is_unsafe_char(c)));
});
