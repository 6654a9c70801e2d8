//! `lint --fix`: the certain fixes that findings carry ([`crate::diagnostics::diagnostic::Fix`]:
//! function-name case, a Connect Sync function with a one-to-one provisioning equivalent, a
//! did-you-mean with exactly one candidate), applied to the text they were found in. The same
//! edits the language server offers as quick fixes.

use crate::diagnostics::Diagnostic;

/// `text` with the fix of every finding in `diagnostics` that carries one applied, in one pass,
/// and how many were applied. A fix whose range overlaps one already taken, or that does not
/// fall on character boundaries of `text`, is left out (a second run applies what remains).
pub fn apply_fixes(text: &str, diagnostics: &[Diagnostic]) -> (String, usize) {
    let mut fixes: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| {
            f.span.start <= f.span.end
                && f.span.end <= text.len()
                && text.is_char_boundary(f.span.start)
                && text.is_char_boundary(f.span.end)
        })
        .collect();
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut applied = 0;
    for fix in fixes {
        if fix.span.start < done {
            continue;
        }
        out.push_str(&text[done..fix.span.start]);
        out.push_str(&fix.replacement);
        done = fix.span.end;
        applied += 1;
    }
    out.push_str(&text[done..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::lint_source;

    const BROKEN: &str = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: displayName\n    expression: 'Join(\" \", [givenNme], LCase([surname]))'\n";

    #[test]
    fn certain_fixes_are_applied_and_clear_their_findings() {
        let before = lint_source("t.entramap.yaml", BROKEN, None);
        let (fixed, applied) = apply_fixes(BROKEN, &before.report.diagnostics);
        assert_eq!(applied, 2, "{fixed}");
        assert!(
            fixed.contains("[givenName]") && fixed.contains("ToLower([surname])"),
            "{fixed}"
        );
        let after = lint_source("t.entramap.yaml", &fixed, None);
        assert!(
            after.report.diagnostics.iter().all(|d| d.fix.is_none()),
            "{:?}",
            after.report.diagnostics
        );
        assert_eq!(
            apply_fixes(&fixed, &after.report.diagnostics),
            (fixed.clone(), 0)
        );
    }

    #[test]
    fn overlapping_and_out_of_range_fixes_are_left_out() {
        let report = lint_source("t.entramap.yaml", BROKEN, None);
        let mut diagnostics = report.report.diagnostics.clone();
        let mut copy = diagnostics
            .iter()
            .find(|d| d.fix.is_some())
            .cloned()
            .unwrap_or_else(|| panic!("a finding with a fix"));
        if let Some(fix) = &mut copy.fix {
            fix.replacement = "OTHER".to_owned();
        }
        diagnostics.push(copy);
        let mut outside = diagnostics[0].clone();
        outside.fix = diagnostics.iter().find_map(|d| d.fix.clone()).map(|mut f| {
            f.span.start = BROKEN.len() + 1;
            f.span.end = BROKEN.len() + 2;
            f
        });
        diagnostics.push(outside);
        let (fixed, applied) = apply_fixes(BROKEN, &diagnostics);
        assert_eq!(applied, 2, "{fixed}");
        assert!(!fixed.contains("OTHER"), "{fixed}");
    }
}
