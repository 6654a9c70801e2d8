//! The syntax layer: the expression syntax tree, its parser and its canonical printer.
//!
//! pest is used only inside `grammar` (the generated parser), `parser` and `hints`; everything else in the crate sees the tree of [`ast`].
//! A hand-written twin of the grammar (`fast`) parses valid input quickly; pest parses the rest
//! and reports the error.

pub mod ast;
mod fast;
mod grammar;
mod hints;
mod parser;
mod printer;

pub use ast::{Arg, Call, CmpOp, Expr, ExprKind};
pub use fast::parse_fast;
pub use parser::{parse, parse_reference, ParseError, MAX_INPUT_BYTES, MAX_NESTING};
pub use printer::print;
