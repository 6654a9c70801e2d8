//! The expression language: its syntax tree and parser ([`syntax`], the only user of pest), value
//! types ([`types`]), the source attributes an expression reads ([`source`]), the evaluation machine ([`runtime`]), the function
//! catalogue with each function's implementation ([`catalogue`]), the checker ([`checker`]), the evaluator ([`eval`]) and .NET
//! regular expressions ([`dotnet_regex`]).

pub mod catalogue;
pub mod checker;
pub mod dotnet_regex;
pub mod eval;
pub mod runtime;
pub mod source;
pub mod syntax;
pub mod types;
