//! Fuzz target: `lint --fix` on any UTF-8 text as a YAML and as a JSON mapping file: the
//! certain fixes applied (as the command and the language server's quick fixes apply them)
//! must keep a file that read without a syntax error readable, never write into a YAML alias
//! or merge key (the count of `*` beginning a word is unchanged), and fixing the result again
//! must not panic.
#![no_main]

use entramap::lint::fix::apply_fixes;
use entramap::lint::lint_source;
use libfuzzer_sys::fuzz_target;

/// How many YAML aliases `text` may have: the `*` that begin a word (a `*` inside a plain
/// scalar, as in a key `a*p` a fix renames, is not one).
fn aliases(text: &str) -> usize {
    let mut previous = None;
    text.chars()
        .filter(|c| {
            let begins = *c == '*'
                && previous.is_none_or(|p: char| p.is_whitespace() || "[{,".contains(p));
            previous = Some(*c);
            begins
        })
        .count()
}

/// Whether a lint of `text` found a syntax error (the file does not read).
fn unreadable(name: &str, text: &str) -> bool {
    lint_source(name, text, None)
        .report
        .diagnostics
        .iter()
        .any(|d| d.rule == "file-syntax")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz.entramap.yaml", "fuzz.entramap.json"] {
        let report = lint_source(name, text, None).report;
        let (fixed, applied) = apply_fixes(text, &report.diagnostics);
        if applied == 0 {
            assert_eq!(fixed, text);
            continue;
        }
        assert!(
            unreadable(name, text) || !unreadable(name, &fixed),
            "a fix broke the file:\n{text}\n---\n{fixed}"
        );
        assert_eq!(
            aliases(text),
            aliases(&fixed),
            "a fix wrote into an alias:\n{text}\n---\n{fixed}"
        );
        let again = lint_source(name, &fixed, None).report;
        let _ = apply_fixes(&fixed, &again.diagnostics);
    }
});
