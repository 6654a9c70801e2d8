//! The canonical printer: `Name(arg, arg)`, empty slots as `, ,`, one space around operators.

use super::ast::{Arg, Expr, ExprKind};
use std::fmt::Write as _;

/// Writes `expr` in canonical form (a call with exactly one empty slot has no text of its own and
/// prints as a call without arguments, which is how the parser reads `f( )`). Parsing the output gives the same tree (spans aside), and
/// printing is idempotent.
pub fn print(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

fn write_expr(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Call(call) => {
            out.push_str(&call.name);
            out.push('(');
            for (i, arg) in call.args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if let Arg::Value(value) = arg {
                    write_expr(out, value);
                }
            }
            out.push(')');
        }
        ExprKind::Attribute(name) => {
            let _ = write!(out, "[{name}]");
        }
        ExprKind::Str(raw) => {
            let _ = write!(out, "\"{raw}\"");
        }
        ExprKind::Number(digits) => out.push_str(digits),
        ExprKind::Hex(digits) => {
            let _ = write!(out, "&H{digits}");
        }
        ExprKind::Parameter(name) => {
            let _ = write!(out, "%{name}%");
        }
        ExprKind::Identifier(name) => out.push_str(name),
        ExprKind::Comparison { lhs, op, rhs, .. } => {
            write_expr(out, lhs);
            let _ = write!(out, " {} ", op.as_str());
            write_expr(out, rhs);
        }
    }
}
