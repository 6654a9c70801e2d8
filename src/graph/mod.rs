//! Microsoft Graph synchronization schemas: the serde model of the document ([`model`]), the
//! export of a mapping file to it ([`export`]) and the import of one into a mapping file
//! ([`import`]). The shape is Microsoft Graph's `synchronizationSchema` resource (Graph API
//! reference, synchronization-synchronizationschema); the real exports under
//! `tests/fixtures/graph/` (credited in its `SOURCES.md`) are the examples it is tested on.

pub mod export;
mod file_writer;
pub mod import;
pub mod model;

/// The id of the Microsoft Entra ID directory in every known schema.
pub const ENTRA_DIRECTORY_ID: &str = "66e4a8cc-1b7b-435e-95f8-f06cea133828";
/// The id of the non-gallery SCIM ("customappsso") target directory.
pub const SCIM_DIRECTORY_ID: &str = "09760868-cafb-47ac-9031-0a3262300427";
/// The names the Entra directory goes by (older and newer tenants).
pub const ENTRA_DIRECTORY_NAMES: [&str; 2] = ["Azure Active Directory", "Microsoft Entra ID"];
/// The rule id of the SCIM template.
pub const SCIM_RULE_ID: &str = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";
/// The rule name of the SCIM template.
pub const SCIM_RULE_NAME: &str = "USERGROUP_OUTBOUND_USERGROUP";
/// The target user object of a non-gallery SCIM job.
pub const SCIM_USER_OBJECT: &str = crate::model::scim::ENTERPRISE_USER;
/// The target group object of a non-gallery SCIM job.
pub const SCIM_GROUP_OBJECT: &str = crate::model::scim::CORE_GROUP;
/// The target directory name of a non-gallery SCIM job in Microsoft's examples.
pub const SCIM_DIRECTORY_NAME: &str = "customappsso";
/// Scoping filter titles the export writes (`Scoping filter 1`, ...); import does not report them.
pub const SCOPING_FILTER_TITLE: &str = "Scoping filter";
/// Metadata key marking an attribute the customer added.
pub const CUSTOMER_DEFINED: &str = "IsCustomerDefined";
/// Metadata key of an attribute's maximum length.
pub const MAXIMUM_LENGTH: &str = "MaximumLength";

/// The object mapping label the portal gives users or groups.
pub fn object_mapping_name(kind: crate::expr::source::ObjectKind) -> &'static str {
    match kind {
        crate::expr::source::ObjectKind::User => "Provision Microsoft Entra ID Users",
        crate::expr::source::ObjectKind::Group => "Provision Microsoft Entra ID Groups",
    }
}

/// Users or groups, from the source object (or, on a never-configured disabled mapping with an
/// empty source, from the target object).
pub fn object_kind(om: &model::ObjectMapping) -> Option<crate::expr::source::ObjectKind> {
    match om.source_object_name.as_str() {
        "User" => Some(crate::expr::source::ObjectKind::User),
        "Group" => Some(crate::expr::source::ObjectKind::Group),
        "" if !om.enabled => {
            let target = om.target_object_name.rsplit(':').next().unwrap_or_default();
            match target {
                "User" => Some(crate::expr::source::ObjectKind::User),
                "Group" => Some(crate::expr::source::ObjectKind::Group),
                _ => None,
            }
        }
        _ => None,
    }
}
