//! The SCIM 2.0 schema URNs entramap writes and recognises (RFC 7643), in one place, and the
//! characteristics RFC 7643 gives its core and enterprise attributes.

use crate::expr::source::ObjectKind;
use crate::expr::types::Base;

/// The core User schema.
pub const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema.
pub const CORE_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (the target user object of a non-gallery SCIM job).
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The prefix of every extension schema URN (lower case).
pub const EXTENSION_PREFIX: &str = "urn:ietf:params:scim:schemas:extension:";

/// The SCIM 1.1 core schema (Slack's gallery app), of users and groups alike.
pub const CORE_1_1: &str = "urn:scim:schemas:core:1.0";

/// The core schema of an object kind in SCIM 1.1 (`legacy`) or 2.0.
pub fn core_schema_of(kind: ObjectKind, legacy: bool) -> &'static str {
    if legacy {
        CORE_1_1
    } else {
        core_schema(kind)
    }
}

/// The core schema of an object kind.
pub fn core_schema(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::User => CORE_USER,
        ObjectKind::Group => CORE_GROUP,
    }
}

/// The characteristics RFC 7643 gives a SCIM core or enterprise attribute, which a profile
/// attribute of the same name takes for whatever it does not say itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoreAttribute {
    /// The attribute's name as a profile writes it.
    pub name: &'static str,
    /// The object it belongs to.
    pub object: ObjectKind,
    /// Its type as Entra sees it (a complex attribute's is the type of its `value`).
    pub base: Base,
    /// Whether it holds several values.
    pub multivalued: bool,
    /// The sub-attributes a profile gets when it declares the bare name without any (only where
    /// a mapping can write the whole attribute: `roles` from `AppRoleAssignmentsComplex`).
    pub sub_attributes: &'static [(&'static str, Base)],
}

const ROLE_PARTS: &[(&str, Base)] = &[
    ("primary", Base::Boolean),
    ("type", Base::String),
    ("display", Base::String),
    ("value", Base::String),
];

const fn core(
    name: &'static str,
    object: ObjectKind,
    base: Base,
    multivalued: bool,
) -> CoreAttribute {
    CoreAttribute {
        name,
        object,
        base,
        multivalued,
        sub_attributes: &[],
    }
}

/// RFC 7643 section 4 (User, Group) and section 4.3 (enterprise User), the attributes whose
/// characteristics differ from a single-valued String. The enterprise `manager` is listed under
/// its SCIM 2.0 and SCIM 1.1 names.
pub const RFC_7643: &[CoreAttribute] = &[
    core("emails", ObjectKind::User, Base::String, true),
    core("phoneNumbers", ObjectKind::User, Base::String, true),
    core("ims", ObjectKind::User, Base::String, true),
    core("photos", ObjectKind::User, Base::String, true),
    core("addresses", ObjectKind::User, Base::String, true),
    core("groups", ObjectKind::User, Base::Reference, true),
    core("entitlements", ObjectKind::User, Base::String, true),
    CoreAttribute {
        sub_attributes: ROLE_PARTS,
        ..core("roles", ObjectKind::User, Base::String, true)
    },
    core("x509Certificates", ObjectKind::User, Base::Binary, true),
    core("active", ObjectKind::User, Base::Boolean, false),
    core(
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        ObjectKind::User,
        Base::Reference,
        false,
    ),
    core(
        "urn:scim:schemas:extension:enterprise:1.0.manager",
        ObjectKind::User,
        Base::Reference,
        false,
    ),
    core("members", ObjectKind::Group, Base::Reference, true),
];

/// The RFC 7643 characteristics of the attribute `name` of `object`, if it is one of
/// [`RFC_7643`].
pub fn rfc7643(object: ObjectKind, name: &str) -> Option<&'static CoreAttribute> {
    RFC_7643
        .iter()
        .find(|a| a.object == object && a.name == name)
}
