//! Property: printing any syntax tree and parsing the text gives the same tree, and printing is
//! idempotent.

use entramap::base::text::Span;
use entramap::expr::syntax::{parse, print, Arg, Call, CmpOp, Expr, ExprKind};
use proptest::prelude::*;

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_.:-]{0,12}".prop_map(|n| node(ExprKind::Attribute(n))),
        // String bodies: any text, with quotes and backslashes escaped as the grammar requires.
        "[ -~é“]{0,10}".prop_map(|s| node(ExprKind::Str(
            entramap::expr::syntax::ast::encode_string(&s)
        ))),
        "-?[0-9]{1,6}".prop_map(|n| node(ExprKind::Number(n))),
        "[0-9A-F]{1,4}".prop_map(|h| node(ExprKind::Hex(h))),
        "[A-Za-z][A-Za-z0-9_.]{0,8}".prop_map(|p| node(ExprKind::Parameter(p))),
        "(vbTextCompare|UTF8|IgnoreAttributeFlow)".prop_map(|i| node(ExprKind::Identifier(i))),
    ]
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge)
    ]
}

fn term() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        let arg = prop_oneof![
            1 => Just(Arg::Empty(Span::default())),
            4 => inner.clone().prop_map(Arg::Value),
            1 => (inner.clone(), op(), inner.clone()).prop_map(|(l, op, r)| Arg::Value(comparison(l, op, r))),
        ];
        ("[A-Z][A-Za-z0-9]{0,10}", prop::collection::vec(arg, 0..6)).prop_map(|(name, args)| {
            // A call with one empty slot has no text of its own: `f( )` reads as no arguments.
            let args = if args.len() == 1 && matches!(args[0], Arg::Empty(_)) { Vec::new() } else { args };
            node(ExprKind::Call(Call {
                name,
                name_span: Span::default(),
                open_span: Span::default(),
                args,
            }))
        })
    })
}

fn comparison(lhs: Expr, op: CmpOp, rhs: Expr) -> Expr {
    node(ExprKind::Comparison {
        lhs: Box::new(lhs),
        op,
        op_span: Span::default(),
        rhs: Box::new(rhs),
    })
}

fn expression() -> impl Strategy<Value = Expr> {
    prop_oneof![
        4 => term(),
        1 => (term(), op(), term()).prop_map(|(l, op, r)| comparison(l, op, r)),
    ]
}

/// The tree with every span cleared, for comparison.
fn strip(expr: &Expr) -> Expr {
    let kind = match &expr.kind {
        ExprKind::Call(call) => ExprKind::Call(Call {
            name: call.name.clone(),
            name_span: Span::default(),
            open_span: Span::default(),
            args: call
                .args
                .iter()
                .map(|a| match a {
                    Arg::Empty(_) => Arg::Empty(Span::default()),
                    Arg::Value(v) => Arg::Value(strip(v)),
                })
                .collect(),
        }),
        ExprKind::Comparison { lhs, op, rhs, .. } => ExprKind::Comparison {
            lhs: Box::new(strip(lhs)),
            op: *op,
            op_span: Span::default(),
            rhs: Box::new(strip(rhs)),
        },
        other => other.clone(),
    };
    node(kind)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_then_parse_gives_the_same_tree(expr in expression()) {
        let text = print(&expr);
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {}", e.message)))?;
        prop_assert_eq!(strip(&parsed), strip(&expr), "text: {}", text);
        prop_assert_eq!(print(&parsed), text);
    }

    #[test]
    fn parse_never_panics_and_spans_stay_in_bounds(text in "[\\[\\]()\",& a-zA-Z0-9=<>%\\\\“-]{0,60}") {
        if let Ok(expr) = parse(&text) {
            expr.walk(&mut |e| assert!(e.span.end <= text.len() && e.span.start <= e.span.end));
            let once = print(&expr);
            prop_assert_eq!(parse(&once).map(|e| print(&e)).ok(), Some(once.clone()));
        }
    }
}
