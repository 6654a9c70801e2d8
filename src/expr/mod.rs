//! The expression language: its syntax tree and parser ([`syntax`], the only user of pest), value
//! types ([`types`]), the source attributes an expression reads ([`source`]), the function
//! catalogue ([`catalogue`]), the checker ([`checker`]), the evaluator ([`eval`]) and .NET
//! regular expressions ([`dotnet_regex`]).

pub mod catalogue;
pub mod checker;
pub mod dotnet_regex;
pub mod eval;
pub mod source;
pub mod special;
pub mod syntax;
pub mod types;
