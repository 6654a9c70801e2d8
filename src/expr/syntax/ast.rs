//! The syntax tree of one expression. Every node carries its byte span in the expression text.

use crate::base::text::Span;

/// One expression node with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it is in the expression text.
    pub span: Span,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// `Name(args)`.
    Call(Call),
    /// `[name]`: the name between the brackets.
    Attribute(String),
    /// `"text"`: the text between the quotes, exactly as written (escapes not decoded).
    Str(String),
    /// A decimal integer literal as written, such as `-10`.
    Number(String),
    /// A VB hex literal: the digits after `&H`, as written.
    Hex(String),
    /// `%Name%`: the name between the percent signs.
    Parameter(String),
    /// A bare identifier such as `vbTextCompare`.
    Identifier(String),
    /// `lhs op rhs`.
    Comparison {
        /// Left operand.
        lhs: Box<Expr>,
        /// The operator.
        op: CmpOp,
        /// Span of the operator.
        op_span: Span,
        /// Right operand.
        rhs: Box<Expr>,
    },
}

/// A function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The function name as written.
    pub name: String,
    /// Span of the name.
    pub name_span: Span,
    /// Span of the opening parenthesis.
    pub open_span: Span,
    /// The argument slots, in order. `f()` and `f( )` have none; `f(,)` has two empty slots.
    pub args: Vec<Arg>,
}

/// One argument slot of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// An omitted argument; the span is the (possibly zero-width) place between the separators.
    Empty(Span),
    /// A supplied argument.
    Value(Expr),
}

impl Arg {
    /// The expression in this slot, if the slot is not empty.
    pub fn value(&self) -> Option<&Expr> {
        match self {
            Arg::Value(e) => Some(e),
            Arg::Empty(_) => None,
        }
    }

    /// Where the slot is.
    pub fn span(&self) -> Span {
        match self {
            Arg::Value(e) => e.span,
            Arg::Empty(s) => *s,
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Parses an operator token.
    pub fn from_token(token: &str) -> Option<Self> {
        Some(match token {
            "=" => CmpOp::Eq,
            "<>" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }
}

/// Decodes the body of a string literal: `\"` gives `"`, `\\` gives `\`, and a backslash before
/// any other character is kept together with that character.
pub fn decode_string(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('\\') {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('"' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Encodes text as the body of a string literal (the inverse of [`decode_string`]).
pub fn encode_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Expr {
    /// The call in this node, if it is one.
    pub fn as_call(&self) -> Option<&Call> {
        match &self.kind {
            ExprKind::Call(c) => Some(c),
            _ => None,
        }
    }

    /// Calls `visit` on this node and every node below it, parents first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            visit(node);
            match &node.kind {
                ExprKind::Call(call) => {
                    stack.extend(call.args.iter().rev().filter_map(Arg::value));
                }
                ExprKind::Comparison { lhs, rhs, .. } => {
                    stack.push(rhs);
                    stack.push(lhs);
                }
                _ => {}
            }
        }
    }

    /// Every attribute name this expression reads, in order of appearance.
    pub fn attributes(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let ExprKind::Attribute(name) = &e.kind {
                out.push((name.as_str(), e.span));
            }
        });
        out
    }
}
