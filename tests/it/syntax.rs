//! The expression grammar: every form Microsoft's reference and samples use, the syntax tree's
//! spans, and the canonical printer.

use entramap::expr::syntax::{parse, print, Arg, CmpOp, ExprKind};

fn canonical(text: &str) -> String {
    match parse(text) {
        Ok(expr) => print(&expr),
        Err(e) => panic!("{text:?} should parse: {}", e.message),
    }
}

#[test]
fn empty_slots_anywhere() {
    assert_eq!(
        canonical(r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#),
        r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#
    );
    assert_eq!(
        canonical(r#"Replace([mail], "@contoso.com", , ,"", ,)"#),
        r#"Replace([mail], "@contoso.com", , , "", , )"#
    );
    assert_eq!(
        canonical(r#"Replace([username],,"(?<id>.*)@(?<domain>.*)",,"${id}",,)"#),
        r#"Replace([username], , "(?<id>.*)@(?<domain>.*)", , "${id}", , )"#
    );
    assert_eq!(
        canonical("ToLower(Mid([lastName], 2, 64), )"),
        "ToLower(Mid([lastName], 2, 64), )"
    );
}

#[test]
fn zero_argument_calls() {
    for text in ["Guid()", "Guid( )", "Now(\n)"] {
        let expr = parse(text).expect("parses");
        let call = expr.as_call().expect("a call");
        assert!(call.args.is_empty(), "{text:?} has no arguments");
    }
    let two_empty = parse("f(,)").expect("parses");
    assert_eq!(two_empty.as_call().map(|c| c.args.len()), Some(2));
}

#[test]
fn whitespace_and_newlines_between_any_tokens() {
    let text = "Switch\n(\n\t[Municipality] ,\n \"x\" , \"a\" ,\"b\"\n)";
    assert_eq!(canonical(text), r#"Switch([Municipality], "x", "a", "b")"#);
    assert_eq!(
        canonical("SelectUniqueValue (\n  [a],\n  [b]\n)"),
        "SelectUniqueValue([a], [b])"
    );
    assert_eq!(canonical("  [mail]  "), "[mail]");
}

#[test]
fn attribute_names_with_urn_dots_and_dashes() {
    let text = "[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode]";
    let expr = parse(text).expect("parses");
    assert_eq!(
        expr.kind,
        ExprKind::Attribute(
            "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode".into()
        )
    );
    assert!(parse("[msDS-cloudExtensionAttribute1]").is_ok());
    assert!(parse("[name.givenName]").is_ok());
}

#[test]
fn string_escapes_are_kept_as_written() {
    let expr = parse(r#"Append("Company name: \"Contoso\"", "\\d\+")"#).expect("parses");
    let call = expr.as_call().expect("call");
    let raw: Vec<&ExprKind> = call
        .args
        .iter()
        .filter_map(Arg::value)
        .map(|e| &e.kind)
        .collect();
    assert_eq!(
        raw[0],
        &ExprKind::Str(r#"Company name: \"Contoso\""#.into())
    );
    assert_eq!(
        entramap::expr::syntax::ast::decode_string(r#"Company name: \"Contoso\""#),
        r#"Company name: "Contoso""#
    );
    assert_eq!(
        entramap::expr::syntax::ast::decode_string(r"\\d\+\2C"),
        r"\d\+\2C"
    );
}

#[test]
fn numbers_hex_identifiers_and_parameters() {
    assert_eq!(
        canonical("DateAdd(\"d\", -10, Now())"),
        "DateAdd(\"d\", -10, Now())"
    );
    assert_eq!(canonical("BitAnd(&HF, &hF7)"), "BitAnd(&HF, &HF7)");
    assert_eq!(
        canonical("InStr(\"repEated\",\"e\",3,vbBinaryCompare)"),
        "InStr(\"repEated\", \"e\", 3, vbBinaryCompare)"
    );
    assert_eq!(
        canonical("Append(\"@\", %DomainFQDN%)"),
        "Append(\"@\", %DomainFQDN%)"
    );
    assert_eq!(
        canonical("DateFromNum(129699324000000000)"),
        "DateFromNum(129699324000000000)"
    );
}

#[test]
fn comparisons_inside_calls_and_at_the_top_level() {
    let expr = parse("IIF([country]=\"USA\",[country],[department])").expect("parses");
    let call = expr.as_call().expect("call");
    match &call.args[0].value().expect("value").kind {
        ExprKind::Comparison { op, .. } => assert_eq!(*op, CmpOp::Eq),
        other => panic!("expected a comparison, got {other:?}"),
    }
    for op in ["=", "<>", "<", "<=", ">", ">="] {
        let text = format!("InStr([mail], \"@\") {op} 0");
        assert_eq!(canonical(&text), text);
    }
    assert_eq!(canonical("CBool([a]<>[b])"), "CBool([a] <> [b])");
}

#[test]
fn spans_point_at_the_token() {
    let text = "Join(\" \",  [givenName], [surname])";
    let expr = parse(text).expect("parses");
    let call = expr.as_call().expect("call");
    assert_eq!(&text[call.name_span.start..call.name_span.end], "Join");
    let second = call.args[1].value().expect("value");
    assert_eq!(&text[second.span.start..second.span.end], "[givenName]");
    assert_eq!(&text[expr.span.start..expr.span.end], text);
}

#[test]
fn printing_is_idempotent_on_the_corpus() {
    for text in [
        "Switch([IsSoftDeleted], , \"False\", \"True\", \"True\", \"False\")",
        "Join(\"\", Left([givenName], 1), [surname])",
        "IIF(InStr([mail], \"@\") > 0, Item(Split([mail], \"@\"), 1), \"\")",
    ] {
        let once = canonical(text);
        assert_eq!(canonical(&once), once);
    }
}

#[test]
fn mistakes_get_targeted_hints() {
    let cases = [
        ("Append([mail], “.test”)", "curly quotation mark", 15),
        ("Append([mail], '.test')", "single quotes", 15),
        ("\"t-\" & [alias]", "`&` does not concatenate", 5),
        ("Append([a] + [b])", "`+` is not an operator", 11),
        (
            "IIF([a]=\"x\" AND [b]=\"y\", \"1\", \"2\")",
            "`AND` is not an operator",
            12,
        ),
        (
            "IIF([a]=\"x\" or [b]=\"y\", \"1\", \"2\")",
            "`or` is not an operator",
            12,
        ),
        ("Split([mail], \"@\")[1]", "cannot be indexed", 18),
        ("Append([mail], \"x\"", "missing `)`", 18),
        ("Append(\"abc", "unterminated string", 7),
    ];
    for (text, expected, at) in cases {
        let error = parse(text).expect_err(text);
        assert_eq!(error.rule, "syntax-error", "{text}");
        assert!(
            error.message.contains(expected),
            "{text}: got {:?}",
            error.message
        );
        assert_eq!(error.span.start, at, "{text}: span {:?}", error.span);
    }
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let depth = 5_000;
    let text = format!("{}[mail]{}", "ToLower(".repeat(depth), ")".repeat(depth));
    let error = parse(&text).expect_err("too deep");
    assert_eq!(error.rule, "nesting-too-deep");
    let ok = format!("{}[mail]{}", "ToLower(".repeat(64), ")".repeat(64));
    assert!(parse(&ok).is_ok());
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let text = format!(
        "\"{}\"",
        "a".repeat(entramap::expr::syntax::MAX_INPUT_BYTES)
    );
    assert_eq!(
        parse(&text).expect_err("too large").rule,
        "expression-too-long"
    );
}
