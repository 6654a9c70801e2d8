//! The source schema: the attributes an expression may read (`[name]`). Entra ID's User and
//! Group attribute lists are built in (`schemas/source/entra-id.yaml`); a mapping file extends
//! them with `source_attributes`.

use crate::base::named::{Named, NamedList};
use crate::expr::types::{Base, Type};
use serde::Deserialize;
use std::sync::OnceLock;

/// Whether `name` looks like a directory extension attribute: it starts with `extension_` in
/// any letter case. The one test of "is this meant as a directory extension" that the checker's
/// hints and every lint rule share; [`is_directory_extension_name`] says whether it is well
/// formed.
pub fn looks_like_directory_extension(name: &str) -> bool {
    name.get(..10)
        .is_some_and(|p| p.eq_ignore_ascii_case("extension_"))
}

/// Whether `name` is a well-formed directory extension name: `extension_` (lower case, as Entra
/// writes it), the 32 hex digits of the owning app's id without hyphens, `_`, and the
/// attribute's name.
pub fn is_directory_extension_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("extension_") else {
        return false;
    };
    let bytes = rest.as_bytes();
    bytes.len() > 33
        && bytes[..32].iter().all(u8::is_ascii_hexdigit)
        && bytes[32] == b'_'
        && bytes[33..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// Which Entra object an expression reads from.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// Users (the default). On the command line `--object users` (or `user`).
    #[default]
    #[cfg_attr(feature = "cli", value(name = "users", alias = "user"))]
    User,
    /// Groups. On the command line `--object groups` (or `group`).
    #[cfg_attr(feature = "cli", value(name = "groups", alias = "group"))]
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

/// One value per object kind: the users/groups pair that mapping files, profiles, schemas and
/// exports all hold, in one type (serialized as `users:` and `groups:`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ByObject<T> {
    /// For users.
    pub users: T,
    /// For groups.
    pub groups: T,
}

impl<T> ByObject<T> {
    /// The value of one kind.
    pub fn of(&self, kind: ObjectKind) -> &T {
        match kind {
            ObjectKind::User => &self.users,
            ObjectKind::Group => &self.groups,
        }
    }

    /// The value of one kind, to change.
    pub fn of_mut(&mut self, kind: ObjectKind) -> &mut T {
        match kind {
            ObjectKind::User => &mut self.users,
            ObjectKind::Group => &mut self.groups,
        }
    }

    /// A pair computed per kind, users first.
    pub fn from_fn(mut value: impl FnMut(ObjectKind) -> T) -> Self {
        ByObject {
            users: value(ObjectKind::User),
            groups: value(ObjectKind::Group),
        }
    }

    /// Both values with their kind, users first.
    pub fn iter(&self) -> impl Iterator<Item = (ObjectKind, &T)> {
        [
            (ObjectKind::User, &self.users),
            (ObjectKind::Group, &self.groups),
        ]
        .into_iter()
    }
}

impl<'a, T> IntoIterator for &'a ByObject<T> {
    type Item = &'a T;
    type IntoIter = std::array::IntoIter<&'a T, 2>;

    /// Both values, users first.
    fn into_iter(self) -> Self::IntoIter {
        [&self.users, &self.groups].into_iter()
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

/// A built-in source schema (Entra ID's, or on-premises AD's plus Entra ID's): the attributes of
/// users and of groups.
pub type EntraSchema = ByObject<SourceSchema>;

/// A source schema file as written.
type EntraFile = ByObject<Vec<SourceAttribute>>;

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

/// The text of the built-in on-premises Active Directory source schema (Cloud Sync).
pub const ACTIVE_DIRECTORY_YAML: &str = include_str!("../../schemas/source/active-directory.yaml");

/// What Cloud Sync expressions may read: on-premises AD's User and Group attributes (the
/// AD-to-Entra job) followed by Entra ID's (the Entra-to-AD job), parsed once.
pub fn cloud_sync() -> &'static EntraSchema {
    static SCHEMA: OnceLock<EntraSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let file: EntraFile = serde_saphyr::from_str(ACTIVE_DIRECTORY_YAML)
            .expect("the built-in Active Directory schema is valid (tested)");
        let entra = entra_id();
        let union = |ad: Vec<SourceAttribute>, entra: &SourceSchema| {
            let mut schema = SourceSchema::new(ad);
            for a in entra.attributes() {
                if schema.get(&a.name).is_none() {
                    schema.insert(a.clone());
                }
            }
            schema
        };
        EntraSchema {
            users: union(file.users, &entra.users),
            groups: union(file.groups, &entra.groups),
        }
    })
}

/// The source schema an expression of `context` reads: Entra ID's in app provisioning, on-premises
/// AD's and Entra ID's in Cloud Sync, and `None` in HR inbound, whose sources (Workday,
/// SuccessFactors, API-driven) have attributes entramap does not ship: any name is accepted.
pub fn for_context(context: crate::expr::catalogue::Context) -> Option<&'static EntraSchema> {
    match context {
        crate::expr::catalogue::Context::AppProvisioning => Some(entra_id()),
        crate::expr::catalogue::Context::CloudSync => Some(cloud_sync()),
        crate::expr::catalogue::Context::HrInbound => None,
    }
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

    #[test]
    fn cloud_sync_reads_active_directory_and_entra_attributes() {
        let schema = cloud_sync();
        assert_eq!(
            schema.users.get("pwdLastSet").map(|a| a.base),
            Some(Base::Integer)
        );
        assert!(schema.users.get("mS-DS-ConsistencyGuid").is_some());
        assert!(schema.users.get("onPremisesUserPrincipalName").is_some());
        assert!(schema.groups.get("member").is_some_and(|a| a.multivalued));
        assert!(entra_id().users.get("pwdLastSet").is_none());
    }

    #[test]
    fn directory_extension_names() {
        let good = "extension_0123456789abcdef0123456789ABCDEF_costCenter";
        assert!(looks_like_directory_extension(good));
        assert!(is_directory_extension_name(good));
        let upper = "Extension_0123456789abcdef0123456789abcdef_costCenter";
        assert!(looks_like_directory_extension(upper));
        assert!(!is_directory_extension_name(upper));
        assert!(!is_directory_extension_name("extension_0123_costCenter"));
        assert!(!is_directory_extension_name(
            "extension_0123456789abcdef0123456789abcdef_"
        ));
        assert!(!looks_like_directory_extension("department"));
    }
}
