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
