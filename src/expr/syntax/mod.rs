//! The syntax layer: the expression syntax tree, its parser and its canonical printer.
//!
//! pest is used only inside `grammar` (the generated parser), `parser` and `hints`; everything else in the crate sees the tree of [`ast`].

pub mod ast;
mod grammar;
mod hints;
mod parser;
mod printer;

pub use ast::{Arg, Call, CmpOp, Expr, ExprKind};
pub use parser::{parse, ParseError, MAX_INPUT_BYTES, MAX_NESTING};
pub use printer::print;
