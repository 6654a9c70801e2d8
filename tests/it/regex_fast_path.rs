//! The cheap regex pre-check (`dotnet_regex::plainly_valid`) only ever accepts patterns that
//! `regex-syntax` accepts too; everything else goes to the full parser.

use entramap::expr::dotnet_regex::plainly_valid;
use proptest::prelude::*;

fn full_parser_accepts(pattern: &str) -> bool {
    regex_syntax::ast::parse::Parser::new()
        .parse(pattern)
        .is_ok()
}

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "Z", "0", " ", "-", "_", "@", ".", "^", "$", "|", "*", "+", "?", "??", "(", ")",
        "(?:", "(?<id>", "(?<x_1>", "(?<1x>", "(?<>", "(?=", "[", "]", "[^", "[a-z]", "[z-a]",
        "[]", "[-", "\\", "\\d", "\\W", "\\s", "\\.", "\\-", "\\/", "\\[", "\\]", "\\q", "\\1",
        "\\<", "{", "}", "{2}", "{2,1}", "é", "\t", "\n", "&&", "~~", ":",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn plainly_valid_patterns_parse(tokens in prop::collection::vec(token(), 0..12)) {
        let pattern = tokens.concat();
        if plainly_valid(&pattern) {
            prop_assert!(full_parser_accepts(&pattern), "accepted but invalid: {:?}", pattern);
        }
    }
}

#[test]
fn the_corpus_patterns_take_the_fast_path_when_they_can() {
    for pattern in [
        r"\+(?<isdCode>\d* )(?<phoneNumber>.*)",
        r"[()\s-]+",
        r"(?<leadingZeros>^0+)(?<actualValue>.*)",
        r"(?<id>.*)@(?<domain>.*)",
    ] {
        assert!(plainly_valid(pattern), "{pattern}");
        assert!(full_parser_accepts(pattern), "{pattern}");
    }
    for pattern in [
        r"(?<a>x)(?<a>y)",
        "a{2,1}",
        "[z-a]",
        "(a",
        "a)",
        "*a",
        r"\q",
        "[]",
        "[--a-Z]",
    ] {
        assert!(!plainly_valid(pattern), "{pattern}");
    }
}
