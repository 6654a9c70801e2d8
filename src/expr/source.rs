//! The source schema: the attributes an expression may read (`[name]`). Entra ID's User and
//! Group attribute lists are built in (`schemas/source/entra-id.yaml`); a mapping file extends
//! them with `source_attributes`.

use crate::base::named::{Named, NamedList};
use crate::expr::types::{Base, Type};
use serde::Deserialize;
use std::sync::OnceLock;

/// Which Entra object an expression reads from.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// Users (the default).
    #[default]
    User,
    /// Groups.
    Group,
}

impl ObjectKind {
    /// Both kinds, users first (the order of every file and output).
    pub const ALL: [ObjectKind; 2] = [ObjectKind::User, ObjectKind::Group];

    /// `user` or `group`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::User => "user",
            ObjectKind::Group => "group",
        }
    }

    /// The plural used in files, options and finding paths: `users` or `groups`.
    pub fn plural(self) -> &'static str {
        match self {
            ObjectKind::User => "users",
            ObjectKind::Group => "groups",
        }
    }

    /// The object name in Entra and in titles: `User` or `Group`.
    pub fn title(self) -> &'static str {
        match self {
            ObjectKind::User => "User",
            ObjectKind::Group => "Group",
        }
    }
}

/// One source attribute.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceAttribute {
    /// The case-sensitive name.
    pub name: String,
    /// The base type.
    #[serde(rename = "type", default = "default_base")]
    pub base: Base,
    /// Whether it holds several values.
    #[serde(default)]
    pub multivalued: bool,
    /// Whether Entra allows it in scoping filters.
    #[serde(default = "yes")]
    pub scoping: bool,
    /// A remark for docs and messages.
    #[serde(default)]
    pub note: Option<String>,
}

fn default_base() -> Base {
    Base::String
}

fn yes() -> bool {
    true
}

impl SourceAttribute {
    /// The attribute's type.
    pub fn ty(&self) -> Type {
        Type {
            base: self.base,
            multi: self.multivalued,
        }
    }
}

/// The attributes of one object type, looked up by exact name.
pub type SourceSchema = NamedList<SourceAttribute>;

impl Named for SourceAttribute {
    fn name(&self) -> &str {
        &self.name
    }
}

/// Entra ID's built-in source schema.
#[derive(Debug, Clone)]
pub struct EntraSchema {
    /// User attributes.
    pub users: SourceSchema,
    /// Group attributes.
    pub groups: SourceSchema,
}

impl EntraSchema {
    /// The schema of one object kind.
    pub fn object(&self, kind: ObjectKind) -> &SourceSchema {
        match kind {
            ObjectKind::User => &self.users,
            ObjectKind::Group => &self.groups,
        }
    }
}

#[derive(Deserialize)]
struct EntraFile {
    users: Vec<SourceAttribute>,
    groups: Vec<SourceAttribute>,
}

/// The text of the built-in Entra ID source schema.
pub const ENTRA_ID_YAML: &str = include_str!("../../schemas/source/entra-id.yaml");

/// Entra ID's User and Group attributes, parsed once.
pub fn entra_id() -> &'static EntraSchema {
    static SCHEMA: OnceLock<EntraSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let file: EntraFile = serde_saphyr::from_str(ENTRA_ID_YAML)
            .expect("the built-in Entra ID schema is valid (tested)");
        EntraSchema {
            users: SourceSchema::new(file.users),
            groups: SourceSchema::new(file.groups),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_schema_loads_with_the_special_attributes() {
        let schema = entra_id();
        assert_eq!(
            schema.users.get("IsSoftDeleted").map(|a| a.base),
            Some(Base::Boolean)
        );
        assert!(schema
            .users
            .get("proxyAddresses")
            .is_some_and(|a| a.multivalued));
        assert_eq!(
            schema.users.get("manager").map(|a| a.base),
            Some(Base::Reference)
        );
        assert!(schema.groups.get("members").is_some());
        assert!(
            schema.users.get("givenname").is_none(),
            "names are case-sensitive"
        );
    }
}
