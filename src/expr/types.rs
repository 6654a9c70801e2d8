//! The value types of the provisioning schema (String, Integer, Boolean, DateTime, Reference,
//! Binary), single- or multi-valued, and how one is assigned to another.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The base type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Base {
    /// Text.
    String,
    /// A whole number (arrives as a numeric string in expressions).
    Integer,
    /// `True` / `False`.
    Boolean,
    /// A date and time.
    DateTime,
    /// A reference to another object (manager, members).
    Reference,
    /// Bytes.
    Binary,
    /// App role assignments as complex values (`AppRoleAssignmentsComplex`).
    #[serde(skip)]
    #[schemars(skip)]
    Roles,
    /// Anything (an attribute of an unknown source schema, a Coalesce of mixed types).
    #[serde(skip)]
    #[schemars(skip)]
    Any,
}

impl Base {
    /// The name as Entra spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Base::String => "String",
            Base::Integer => "Integer",
            Base::Boolean => "Boolean",
            Base::DateTime => "DateTime",
            Base::Reference => "Reference",
            Base::Binary => "Binary",
            Base::Roles => "AppRoles",
            Base::Any => "Any",
        }
    }

    /// Parses an Entra type name (case-insensitive).
    pub fn parse(name: &str) -> Option<Base> {
        [
            Base::String,
            Base::Integer,
            Base::Boolean,
            Base::DateTime,
            Base::Reference,
            Base::Binary,
        ]
        .into_iter()
        .find(|b| b.as_str().eq_ignore_ascii_case(name))
    }
}

/// A base type, single- or multi-valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Type {
    /// The base type of each value.
    pub base: Base,
    /// Whether the value is a list.
    pub multi: bool,
}

impl Type {
    /// A single-valued type.
    pub const fn single(base: Base) -> Self {
        Type { base, multi: false }
    }

    /// A multi-valued type.
    pub const fn multi(base: Base) -> Self {
        Type { base, multi: true }
    }

    /// Single-valued String.
    pub const STRING: Type = Type::single(Base::String);
    /// Single-valued Integer.
    pub const INTEGER: Type = Type::single(Base::Integer);
    /// Single-valued Boolean.
    pub const BOOLEAN: Type = Type::single(Base::Boolean);
    /// Single-valued DateTime.
    pub const DATETIME: Type = Type::single(Base::DateTime);
    /// Anything.
    pub const ANY: Type = Type::single(Base::Any);

    /// The common type of two branches (IIF, Switch, Coalesce): equal types stay, a mix of
    /// single values becomes String (every value converts to text), anything else Any.
    pub fn unify(self, other: Type) -> Type {
        if self == other {
            self
        } else if self.base == Base::Any || other.base == Base::Any {
            Type {
                base: Base::Any,
                multi: self.multi || other.multi,
            }
        } else if !self.multi
            && !other.multi
            && self.base != Base::Roles
            && other.base != Base::Roles
        {
            Type::STRING
        } else {
            Type::ANY
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.multi {
            write!(f, "{} (multi-valued)", self.base.as_str())
        } else {
            f.write_str(self.base.as_str())
        }
    }
}

/// Whether a value of one type can be written to an attribute of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Fits.
    Yes,
    /// Converted on the way (a String written to an Integer target); may fail per value.
    Converted,
    /// Does not fit.
    No,
}

/// How a value of type `from` fits an attribute of type `to`.
pub fn fits(from: Type, to: Type) -> Fit {
    use Base::*;
    if from.base == Any || to.base == Any {
        return if from.multi && !to.multi && to.base != Any {
            Fit::No
        } else {
            Fit::Yes
        };
    }
    if from.multi && !to.multi {
        return Fit::No;
    }
    match (from.base, to.base) {
        (a, b) if a == b => Fit::Yes,
        (Roles, _) | (_, Roles) => Fit::No,
        (Reference, _) | (_, Reference) => Fit::No,
        (_, String) => Fit::Yes,
        (String, Integer | Boolean | DateTime | Binary) => Fit::Converted,
        (Integer, Boolean) | (Boolean, Integer) => Fit::Converted,
        _ => Fit::No,
    }
}
