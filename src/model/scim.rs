//! The SCIM 2.0 schema URNs entramap writes and recognises (RFC 7643), in one place.

use crate::expr::source::ObjectKind;

/// The core User schema.
pub const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema.
pub const CORE_GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (the target user object of a non-gallery SCIM job).
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The prefix of every extension schema URN (lower case).
pub const EXTENSION_PREFIX: &str = "urn:ietf:params:scim:schemas:extension:";

/// The core schema of an object kind.
pub fn core_schema(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::User => CORE_USER,
        ObjectKind::Group => CORE_GROUP,
    }
}
