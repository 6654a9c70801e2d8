//! "Did you mean" suggestions, shared by every layer.

/// Words longer than this (in characters) get no suggestion: no identifier entramap knows is
/// that long, and the edit distance costs time and memory proportional to both lengths.
pub const MAX_WORD_CHARS: usize = 64;

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
/// A candidate that differs only in letter case always wins. Words longer than
/// [`MAX_WORD_CHARS`] get none, and candidates whose length differs from the word's by more than
/// the allowed distance are skipped without computing it.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_WORD_CHARS {
        return None;
    }
    let lower = word.to_lowercase();
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower == lower {
            return Some(candidate);
        }
        let distance = strsim::damerau_levenshtein(&lower, &candidate_lower);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The candidate closest to `word` when no other is as close (the only one differing in letter
/// case, or the only one at the smallest edit distance): a suggestion certain enough to apply
/// without asking (the language server's quick fixes).
pub fn certain<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_WORD_CHARS {
        return None;
    }
    let lower = word.to_lowercase();
    let limit = (length / 3).max(1);
    let mut case_only: Vec<&str> = Vec::new();
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(length) > limit || candidate == word {
            continue;
        }
        let candidate_lower = candidate.to_lowercase();
        if candidate_lower == lower {
            case_only.push(candidate);
            continue;
        }
        let distance = strsim::damerau_levenshtein(&lower, &candidate_lower);
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
    match case_only.as_slice() {
        [one] => Some(one),
        [] if !tied => best.map(|(_, c)| c),
        _ => None,
    }
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
    fn huge_words_get_no_suggestion() {
        let word = "a".repeat(1 << 20);
        assert_eq!(closest(&word, ["givenName", word.as_str()]), None);
        let long = "g".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(closest(&long, [long.as_str()]), None);
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
