//! "Did you mean" suggestions, shared by every layer.
//!
//! Every suggestion compares the word with each candidate, and both the unknown names and the
//! candidates (declared attributes) grow with the file: without a bound, a file of N typos
//! against N declared names costs N² edit distances. So suggestions are made within a
//! [`budgeted`] scope (one lint of one file, one checked expression), which may compute at most
//! [`BUDGET`] edit distances; past it, findings come without a suggestion. A file with a
//! handful of typos is never near the bound.

use std::cell::Cell;

/// Words longer than this (in characters) get no suggestion: no identifier entramap knows is
/// that long, and the edit distance costs time and memory proportional to both lengths.
pub const MAX_WORD_CHARS: usize = 64;

/// Words up to this long (in characters) still get a suggestion that differs only in letter
/// case: SCIM extension URNs run past [`MAX_WORD_CHARS`], and comparing ignoring case is linear.
pub const MAX_CASE_ONLY_CHARS: usize = 512;

/// The edit distances one [`budgeted`] scope may compute: twenty unknown names against 500
/// candidates of a similar length (each name is compared once, [`both`]), at most about 75 ms
/// of a release build.
pub const BUDGET: u32 = 10_000;

thread_local! {
    /// What is left of the budget of the scope running on this thread (`None`: no scope).
    static LEFT: Cell<Option<u32>> = const { Cell::new(None) };
}

/// Runs `work` in a suggestion scope with a fresh [`BUDGET`]; inside a scope already running, it
/// shares that scope's budget (a file's expressions share the file's).
pub fn budgeted<T>(work: impl FnOnce() -> T) -> T {
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            LEFT.set(None);
        }
    }
    if LEFT.get().is_some() {
        return work();
    }
    LEFT.set(Some(BUDGET));
    let _close = Close;
    work()
}

/// Takes one edit distance from the running scope's budget; false when it is spent. Outside
/// any scope (a bounded list, such as function names, on its own) there is no limit.
fn spend() -> bool {
    match LEFT.get() {
        None => true,
        Some(0) => false,
        Some(left) => {
            LEFT.set(Some(left - 1));
            true
        }
    }
}

/// The edit distance of two lower-cased words (optimal string alignment: insertions,
/// deletions, substitutions and swaps of neighbours), or `None` when the budget is spent. The
/// common prefix and suffix are set aside first (they do not change the distance), so names that
/// share a long stem (`extension_<app id>_…`) cost only their differing middle.
fn distance(a: &str, b: &str) -> Option<usize> {
    if !spend() {
        return None;
    }
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    Some(strsim::osa_distance(
        &a[..a.len() - suffix],
        &b[..b.len() - suffix],
    ))
}

/// The two suggestions for `word`, from one pass over the candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Suggestions<'a> {
    /// The closest candidate, if it is close enough to be a plausible typo (for a help text).
    pub closest: Option<&'a str>,
    /// The closest candidate when no other is as close (for a fix applied without asking).
    pub certain: Option<&'a str>,
}

/// Both suggestions for `word` (see [`closest`] and [`certain`]), computing each edit distance
/// once. Words longer than [`MAX_WORD_CHARS`] get none, and candidates whose length differs from
/// the word's by more than the allowed distance (a third of its length) are skipped without
/// computing it.
pub fn both<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Suggestions<'a> {
    let length = word.chars().count();
    // A long word is only matched ignoring letter case (which costs no edit distance): a SCIM
    // URN written with `:user:` for `:User:`.
    let long = length > MAX_WORD_CHARS;
    if long && length > MAX_CASE_ONLY_CHARS {
        return Suggestions::default();
    }
    let lower = word.to_lowercase();
    let limit = (length / 3).max(1);
    let mut first_case_match: Option<&str> = None;
    let mut case_only: Vec<&str> = Vec::new();
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    let mut spent = false;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower == lower {
            first_case_match.get_or_insert(candidate);
            if candidate != word && !case_only.contains(&candidate) {
                case_only.push(candidate);
            }
            continue;
        }
        if long {
            continue;
        }
        // With the budget spent, only a letter-case match (which costs no distance) is found.
        let Some(distance) = distance(&lower, &candidate_lower) else {
            spent = true;
            continue;
        };
        match best {
            _ if distance > limit => {}
            Some((d, c)) if distance == d && c != candidate => tied = true,
            Some((d, _)) if distance >= d => {}
            _ => {
                best = Some((distance, candidate));
                tied = false;
            }
        }
    }
    let best = best.filter(|_| !spent).map(|(_, c)| c);
    Suggestions {
        closest: first_case_match.or(best),
        certain: match case_only.as_slice() {
            [one] => Some(one),
            [] if !tied => best,
            _ => None,
        },
    }
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
/// A candidate that differs only in letter case always wins.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    both(word, candidates).closest
}

/// The candidate closest to `word` when no other is as close (the only one differing in letter
/// case, or the only one at the smallest edit distance): a suggestion certain enough to apply
/// without asking (the language server's quick fixes).
pub fn certain<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    both(word, candidates).certain
}

/// `did you mean `x`?`, or nothing.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_only_difference_wins() {
        assert_eq!(closest("instr", ["Item", "InStr"]), Some("InStr"));
    }

    #[test]
    fn typo_within_a_third_of_the_length() {
        assert_eq!(
            closest("givenNme", ["givenName", "surname"]),
            Some("givenName")
        );
        assert_eq!(closest("xyz", ["givenName"]), None);
    }

    #[test]
    fn certain_only_when_one_candidate_is_closest() {
        assert_eq!(
            certain("givenNme", ["givenName", "surname"]),
            Some("givenName")
        );
        assert_eq!(certain("instr", ["Item", "InStr"]), Some("InStr"));
        assert_eq!(certain("abcd", ["abce", "abcf"]), None, "two at distance 1");
        assert_eq!(
            certain("abcd", ["abce", "abce"]),
            Some("abce"),
            "the same name twice"
        );
        assert_eq!(certain("ab", ["AB", "Ab"]), None, "two case variants");
        assert_eq!(certain("xyz", ["givenName"]), None);
    }

    #[test]
    fn common_stems_do_not_change_the_distance() {
        for (a, b) in [
            ("extension_abc_attr997", "extension_abc_atr997"),
            ("abcd", "abdc"),
            ("aab", "ab"),
            ("ab", "ba"),
            ("givenname", "givnename"),
            ("straße", "strasse"),
            ("x", "x"),
        ] {
            assert_eq!(distance(a, b), Some(strsim::osa_distance(a, b)), "{a} {b}");
        }
    }

    #[test]
    fn huge_words_get_no_suggestion() {
        let word = "a".repeat(1 << 20);
        assert_eq!(closest(&word, ["givenName", word.as_str()]), None);
        // Past the edit-distance bound only a letter-case difference is found.
        let long = "g".repeat(MAX_WORD_CHARS + 1);
        let upper = long.to_uppercase();
        assert_eq!(closest(&long, [upper.as_str()]), Some(upper.as_str()));
        let other = "g".repeat(MAX_WORD_CHARS + 2);
        assert_eq!(closest(&long, [other.as_str()]), None);
        let longest = "g".repeat(MAX_CASE_ONLY_CHARS + 1);
        assert_eq!(closest(&longest, [longest.as_str()]), None);
    }

    #[test]
    fn a_scope_stops_suggesting_when_its_budget_is_spent() {
        let candidates: Vec<String> = (0..1000).map(|i| format!("attribute{i:04}x")).collect();
        let names = || candidates.iter().map(String::as_str);
        let suggested = budgeted(|| {
            (0..100)
                .filter(|i| closest(&format!("atribute{i:04}x"), names()).is_some())
                .count()
        });
        let per_word = candidates.len();
        assert_eq!(suggested, BUDGET as usize / per_word, "then none");
        assert_eq!(
            budgeted(|| {
                for i in 0..100 {
                    closest(&format!("atribute{i:04}x"), names());
                }
                closest("ATTRIBUTE0001X", names())
            }),
            Some("attribute0001x"),
            "a letter-case match costs no distance, so a spent budget still finds it"
        );
        assert_eq!(
            budgeted(|| closest("atribute0001x", names())),
            Some("attribute0001x"),
            "a new scope has a new budget"
        );
        assert_eq!(
            budgeted(|| budgeted(|| closest("atribute0001x", names()))),
            Some("attribute0001x"),
            "a nested scope shares the outer one"
        );
    }

    #[test]
    fn candidates_of_a_far_length_are_skipped() {
        let candidate = "x".repeat(1 << 20);
        assert_eq!(
            closest("givenNme", [candidate.as_str(), "givenName"]),
            Some("givenName")
        );
    }
}
