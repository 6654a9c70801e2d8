//! A hand-written recursive-descent twin of `grammar/expression.pest` for the common case: it
//! accepts exactly the language of the grammar and builds the same tree with the same spans,
//! about ten times faster than the generated parser. When it rejects an input, the pest parser
//! runs on it and reports the error (with its hints), so the grammar file stays the definition
//! of the language. `tests/it/parser_equivalence.rs` checks that both agree on generated inputs.

use super::ast::{Arg, Call, CmpOp, Expr, ExprKind};
use crate::base::text::Span;

/// Parses `text`, or returns `None` if it is not a valid expression (the caller then asks the
/// pest parser for the diagnostic). Calls nested deeper than [`super::MAX_NESTING`] are
/// rejected too, which bounds the recursion.
pub fn parse_fast(text: &str) -> Option<Expr> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    parser.skip_ws();
    let expr = parser.comparison()?;
    parser.skip_ws();
    (parser.pos == parser.bytes.len()).then_some(expr)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn slice(&self, start: usize, end: usize) -> String {
        self.text[start..end].to_owned()
    }

    /// `term (cmp_op term)?`
    fn comparison(&mut self) -> Option<Expr> {
        let lhs = self.term()?;
        let before = self.pos;
        self.skip_ws();
        let op_start = self.pos;
        let Some(op) = self.cmp_op() else {
            self.pos = before;
            return Some(lhs);
        };
        let op_span = Span::new(op_start, self.pos);
        self.skip_ws();
        let Some(rhs) = self.term() else {
            self.pos = before;
            return Some(lhs);
        };
        let span = Span::new(lhs.span.start, rhs.span.end);
        Some(Expr {
            kind: ExprKind::Comparison {
                lhs: Box::new(lhs),
                op,
                op_span,
                rhs: Box::new(rhs),
            },
            span,
        })
    }

    fn cmp_op(&mut self) -> Option<CmpOp> {
        let (op, len) = match (self.peek()?, self.bytes.get(self.pos + 1).copied()) {
            (b'<', Some(b'>')) => (CmpOp::Ne, 2),
            (b'<', Some(b'=')) => (CmpOp::Le, 2),
            (b'>', Some(b'=')) => (CmpOp::Ge, 2),
            (b'=', _) => (CmpOp::Eq, 1),
            (b'<', _) => (CmpOp::Lt, 1),
            (b'>', _) => (CmpOp::Gt, 1),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    fn term(&mut self) -> Option<Expr> {
        let start = self.pos;
        let kind = match self.peek()? {
            b'[' => self.attribute()?,
            b'"' => self.string()?,
            b'&' => self.hex()?,
            b'-' | b'0'..=b'9' => self.number()?,
            b'%' => self.parameter()?,
            c if c.is_ascii_alphabetic() => return self.call_or_identifier(),
            _ => return None,
        };
        Some(Expr {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn attribute(&mut self) -> Option<ExprKind> {
        let start = self.pos + 1;
        let mut end = start;
        while let Some(&c) = self.bytes.get(end) {
            match c {
                b']' => break,
                b'\r' | b'\n' => return None,
                _ => end += 1,
            }
        }
        if end == start || end >= self.bytes.len() {
            return None;
        }
        self.pos = end + 1;
        Some(ExprKind::Attribute(self.slice(start, end)))
    }

    fn string(&mut self) -> Option<ExprKind> {
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match *self.bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    // A backslash takes the next character, whatever it is.
                    let next = self.text.get(i + 1..)?.chars().next()?;
                    i += 1 + next.len_utf8();
                }
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        Some(ExprKind::Str(self.slice(start, i)))
    }

    fn hex(&mut self) -> Option<ExprKind> {
        if !matches!(self.bytes.get(self.pos + 1), Some(b'H' | b'h')) {
            return None;
        }
        let start = self.pos + 2;
        let end = start
            + self.bytes[start..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
        if end == start {
            return None;
        }
        self.pos = end;
        Some(ExprKind::Hex(self.slice(start, end)))
    }

    fn number(&mut self) -> Option<ExprKind> {
        let start = self.pos;
        let digits_start = if self.bytes[start] == b'-' {
            start + 1
        } else {
            start
        };
        let end = digits_start
            + self.bytes[digits_start..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
        if end == digits_start {
            return None;
        }
        if matches!(self.bytes.get(end), Some(c) if c.is_ascii_alphabetic() || *c == b'_' || *c == b'.')
        {
            return None;
        }
        self.pos = end;
        Some(ExprKind::Number(self.slice(start, end)))
    }

    fn parameter(&mut self) -> Option<ExprKind> {
        let start = self.pos + 1;
        let end = start
            + self.bytes[start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.' || **c == b'_')
                .count();
        if end == start || self.bytes.get(end) != Some(&b'%') {
            return None;
        }
        self.pos = end + 1;
        Some(ExprKind::Parameter(self.slice(start, end)))
    }

    fn word_end(&self, start: usize) -> usize {
        start
            + self.bytes[start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count()
    }

    fn call_or_identifier(&mut self) -> Option<Expr> {
        let start = self.pos;
        let name_end = self.word_end(start);
        self.pos = name_end;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            self.pos = name_end;
            return Some(Expr {
                kind: ExprKind::Identifier(self.slice(start, name_end)),
                span: Span::new(start, name_end),
            });
        }
        let open_span = Span::new(self.pos, self.pos + 1);
        self.pos += 1;
        self.depth += 1;
        if self.depth > super::MAX_NESTING {
            return None;
        }
        let mut args = Vec::with_capacity(4);
        loop {
            self.skip_ws();
            let arg_start = self.pos;
            match self.peek()? {
                b',' | b')' => args.push(Arg::Empty(Span::new(arg_start, arg_start))),
                _ => args.push(Arg::Value(self.comparison()?)),
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b')' => {
                    self.pos += 1;
                    break;
                }
                _ => return None,
            }
        }
        if args.len() == 1 && matches!(args[0], Arg::Empty(_)) {
            args.clear();
        }
        self.depth -= 1;
        Some(Expr {
            kind: ExprKind::Call(Call {
                name: self.slice(start, name_end),
                name_span: Span::new(start, name_end),
                open_span,
                args,
            }),
            span: Span::new(start, self.pos),
        })
    }
}
