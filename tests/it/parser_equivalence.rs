//! The hand-written fast parser and the parser generated from `grammar/expression.pest` accept
//! exactly the same inputs and build the same trees, spans included.

use entramap::expr::syntax::{parse_fast, parse_reference};
use proptest::prelude::*;

fn agree(text: &str) -> Result<(), TestCaseError> {
    let fast = parse_fast(text);
    let reference = parse_reference(text).ok();
    prop_assert_eq!(fast, reference, "input: {:?}", text);
    Ok(())
}

/// Fragments that make up real expressions, including broken ones.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Switch", "Join", "IIF", "f", "x_1", "(", ")", ",", ", ", " ", "\n", "\t", "[mail]",
        "[a:b.c]", "[", "]", "\"", "\"a\"", "\"\\\"\"", "\\", "\"\\", "1", "-2", "-", "1.5",
        "&H1F", "&h", "&", "%P%", "%", "=", "<>", "<=", ">=", "<", ">", "“", "'", "é", "AND", "1a",
        "_",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn both_parsers_agree_on_token_soup(tokens in prop::collection::vec(token(), 0..14)) {
        agree(&tokens.concat())?;
    }

    #[test]
    fn both_parsers_agree_on_arbitrary_text(text in "\\PC{0,40}") {
        agree(&text)?;
    }
}

#[test]
fn both_parsers_agree_on_the_corpus() {
    let corpus = include_str!("../fixtures/expressions/valid.tsv");
    let mut checked = 0;
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let expression = line.split('\t').next().unwrap_or_default();
        assert_eq!(
            parse_fast(expression),
            parse_reference(expression).ok(),
            "{expression}"
        );
        assert!(parse_fast(expression).is_some(), "{expression}");
        checked += 1;
    }
    assert!(checked > 100);
}
