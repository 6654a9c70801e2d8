//! "Did you mean" suggestions, shared by every layer.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
/// A candidate that differs only in letter case always wins.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
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
}
