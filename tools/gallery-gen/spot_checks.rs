//! Spot checks: for tutorials whose tables have unusual shapes, the rows the generator reads,
//! compared attribute by attribute with lists written by hand from the tutorial (the copies are
//! under `tests/fixtures/tutorials/`, credited in its README). A row is `name | Type | flags`,
//! flags `R` (the "Required by" column marks it), `F` (the filtering column marks it), `M`
//! (multi-valued), `S=source` (a source column gives one); `-` is a type cell that names no
//! portal type.

use crate::app::{self, App, Attr};
use crate::markdown;

fn read(stem: &str) -> Result<App, app::Excluded> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tutorials")
        .join(format!("{stem}-provisioning-tutorial.md"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    app::from_tutorial(stem, markdown::read(&text))
}

fn row(a: &Attr) -> String {
    let mut flags = String::new();
    for (on, flag) in [(a.required, "R"), (a.filterable, "F"), (a.multivalued, "M")] {
        if on {
            flags.push_str(flag);
        }
    }
    if let Some(source) = &a.source {
        flags.push_str(&format!(" S={source}"));
    }
    format!("{} | {} | {}", a.name, a.base.unwrap_or("-"), flags.trim())
        .trim_end_matches(" | ")
        .to_owned()
}

fn check(stem: &str, title: &str, users: &[&str], groups: &[&str]) -> App {
    let app = read(stem).unwrap_or_else(|e| panic!("{stem}: left out: {}", e.reason));
    assert_eq!(app.title, title, "{stem}: title");
    let got = |attrs: &[Attr]| attrs.iter().map(row).collect::<Vec<String>>();
    assert_eq!(got(&app.users.attrs), users, "{stem}: users");
    assert_eq!(got(&app.groups.attrs), groups, "{stem}: groups");
    app
}

/// The header row has no leading pipe; the "Required by" column names another app (LawVu); the
/// change log gives a source.
#[test]
fn atea_header_without_a_leading_pipe() {
    let app = check(
        "atea",
        "Atea",
        &[
            "userName | String | RF",
            "active | Boolean | R",
            r#"emails[type eq "work"].value | String | R"#,
            "name.givenName | String",
            "name.familyName | String",
            // The change log: "Changed the mapping of core user attribute **name.formatted** to
            // **Join(" ", [givenName], [surname]) -> name.formatted**".
            r#"name.formatted | String | R S=Join(" ", [givenName], [surname])"#,
            r#"phoneNumbers[type eq "mobile"].value | String"#,
            "locale | String",
        ],
        &[],
    );
    assert_eq!(
        app.users.columns,
        [
            "Attribute",
            "Type",
            "Supported for filtering",
            "Required by LawVu"
        ]
    );
    assert_eq!(app.tutorial.change_log.len(), 3);
}

/// The name column is headed "Variable"; the last rows have no leading pipe; `manager` is
/// printed as a String.
#[test]
fn juno_journey_variable_column_and_rows_without_pipes() {
    let mut users = vec![
        "userName | String",
        "externalId | String",
        "displayName | String",
        "title | String",
        "active | Boolean",
        "preferredLanguage | String",
        r#"emails[type eq "work"].value | String"#,
        r#"addresses[type eq "work"].country | String"#,
        r#"addresses[type eq "work"].region | String"#,
        r#"addresses[type eq "work"].locality | String"#,
        r#"addresses[type eq "work"].postalCode | String"#,
        r#"addresses[type eq "work"].formatted | String"#,
        r#"addresses[type eq "work"].streetAddress | String"#,
        "name.givenName | String",
        "name.familyName | String",
        "name.middleName | String",
        "name.formatted | String",
        r#"phoneNumbers[type eq "fax"].value | String"#,
        r#"phoneNumbers[type eq "mobile"].value | String"#,
        r#"phoneNumbers[type eq "work"].value | String"#,
    ];
    let enterprise = [
        "department",
        "employeeNumber",
        "costCenter",
        "division",
        "manager",
        "organization",
    ]
    .map(|a| format!("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:{a} | String"));
    users.extend(enterprise.iter().map(String::as_str));
    check("juno-journey", "Juno Journey", &users, &[]);
}

/// The columns are the app's name ("Equipment"), "Entra" (the source), "Matching" (a
/// precedence number) and "When?"; cells are code-quoted and padded.
#[test]
fn infobric_equipment_source_and_precedence_columns() {
    let app = check(
        "infobric-equipment",
        "Infobric Equipment",
        &[
            r#"active | - | S=Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            "displayName | - | S=displayName",
            r#"emails[type eq "work"].value | - | S=mail"#,
            "name.familyName | - | S=surname",
            "name.givenName | - | S=givenName",
            r#"phoneNumbers[type eq "mobile"].value | - | S=mobile"#,
            "userName | - | F S=userPrincipalName",
        ],
        &[],
    );
    assert!(
        app.users
            .attrs
            .iter()
            .all(|a| a.note.is_none() && !a.on_create),
        "\"Always\""
    );
}

/// A URN too long for one line: its cells continue on the next line (`|String||`); rows have no
/// closing pipe.
#[test]
fn headspace_row_broken_over_two_lines() {
    check(
        "headspace",
        "Headspace",
        &[
            "userName | String | RF",
            "active | Boolean | R",
            r#"emails[type eq "work"].value | String | R"#,
            "name.givenName | String",
            "name.familyName | String",
            "externalId | String | R",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | String",
        ],
        &[],
    );
}

/// Cells padded to a column width, "Supported For Filtering", rows with fewer cells than the
/// header.
#[test]
fn askspoke_padded_cells_and_short_rows() {
    check(
        "askspoke",
        "askSpoke",
        &[
            "userName | String | F",
            r#"emails[type eq "work"].value | String"#,
            "active | Boolean",
            "title | String",
            "name.givenName | String",
            "name.familyName | String",
            "name.formatted | String",
            r#"addresses[type eq "work"].locality | String"#,
            r#"addresses[type eq "work"].country | String"#,
            r#"addresses[type eq "work"].region | String"#,
            "externalId | String",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | String",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager | Reference",
            "urn:ietf:params:scim:schemas:extension:SpokeCustom:2.0:User:startDate | String",
        ],
        &["displayName | String | F", "members | Reference"],
    );
}

/// The headers say "User Attribute" and "Group Attribute" after one sentence about both; names
/// are code-quoted; the group table lists the anchor `id`.
#[test]
fn sap_cloud_identity_services_user_and_group_attribute_headers() {
    let app = read("sap-cloud-platform-identity-authentication")
        .unwrap_or_else(|e| panic!("{}", e.reason));
    assert_eq!(app.title, "SAP Cloud Identity Services");
    let users: Vec<String> = app.users.attrs.iter().map(row).collect();
    assert_eq!(users.len(), 37);
    assert_eq!(users[0], "userName | String | RF");
    assert_eq!(users[1], r#"emails[type eq "work"].value | String | R"#);
    assert_eq!(
        users[4],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager | Reference"
    );
    assert_eq!(
        users[25],
        "urn:sap:cloud:scim:schemas:extension:custom:2.0:User:attributes:customAttribute1 | String"
    );
    assert_eq!(users[36], "mailVerified | String");
    let groups: Vec<String> = app.groups.attrs.iter().map(row).collect();
    assert_eq!(
        groups,
        [
            "id | String | RF",
            "externalId | String",
            "displayName | String | R",
            "urn:sap:cloud:scim:schemas:extension:custom:2.0:Group:name | String",
            "urn:sap:cloud:scim:schemas:extension:custom:2.0:Group:description | String",
            "members | Reference | R",
        ]
    );
}

/// `roles` typed "List of appRoleAssignments [appRoleAssignments]": no portal type, the app
/// roles as its source.
#[test]
fn amazon_business_roles_typed_as_app_role_assignments() {
    let app = check(
        "amazon-business",
        "Amazon Business",
        &[
            "userName | String | RF",
            "active | Boolean",
            r#"emails[type eq "work"].value | String"#,
            "name.givenName | String",
            "name.familyName | String",
            "externalId | String",
            "roles | -",
        ],
        &["displayName | String | RF", "members | Reference"],
    );
    let starter = crate::write::starter(&app);
    assert!(starter.contains("  - target: roles  # the tutorial's source\n    expression: AppRoleAssignmentsComplex([appRoleAssignments])\n"), "{starter}");
}

/// Names kept exactly as printed, typos included (`roles[primary eq "True".value]`); a
/// repeated row read once.
#[test]
fn clarizen_one_names_as_printed_and_a_repeated_row() {
    let app = read("clarizen-one").unwrap_or_else(|e| panic!("{}", e.reason));
    let names: Vec<&str> = app.users.attrs.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names.len(), 38, "39 rows, `division` twice");
    assert!(names.contains(&r#"roles[primary eq "True".type]"#));
    assert!(names.contains(&r#"roles[primary eq "True".value]"#));
    assert_eq!(names.iter().filter(|n| n.ends_with(":division")).count(), 1);
    let groups: Vec<String> = app.groups.attrs.iter().map(row).collect();
    assert_eq!(
        groups,
        [
            "displayName | String",
            "externalId | String",
            "members | Reference"
        ]
    );
}

/// A "Notes" column becomes each attribute's note; an 8x8 extension with a 1.1 version segment.
#[test]
fn eight_by_eight_notes_column() {
    let app = check(
        "8x8",
        "8x8",
        &[
            "userName | String",
            "externalId | String",
            "active | Boolean",
            "title | String",
            r#"emails[type eq "work"].value | String"#,
            "name.givenName | String",
            "name.familyName | String",
            r#"phoneNumbers[type eq "mobile"].value | String"#,
            r#"phoneNumbers[type eq "work"].value | String"#,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department | String",
            "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site | String",
            "locale | String",
            "timezone | String",
        ],
        &[],
    );
    assert_eq!(
        app.users.attrs[0].note.as_deref(),
        Some("Sets both Username and Federation ID")
    );
    assert_eq!(
        app.users.attrs[10].note.as_deref(),
        Some("Cannot be updated after user creation")
    );
}

/// Google's own attribute names (not SCIM); the text before the table names the matching
/// attribute; the group table's `Members` is a String.
#[test]
fn g_suite_google_names_and_a_matching_attribute_named_in_prose() {
    let app = read("g-suite").unwrap_or_else(|e| panic!("{}", e.reason));
    let users: Vec<String> = app.users.attrs.iter().map(row).collect();
    assert_eq!(users[0], "primaryEmail | String");
    assert_eq!(users[1], r#"relations.[type eq "manager"].value | String"#);
    assert_eq!(users[4], "suspended | String");
    assert!(users.contains(&"OrgUnitPath | String".to_owned()));
    assert_eq!(app.users.named_matching.as_deref(), Some("primaryEmail"));
    assert_eq!(
        crate::write::matching(&app.users, false),
        Some(("primaryEmail".to_owned(), true))
    );
    let groups: Vec<String> = app.groups.attrs.iter().map(row).collect();
    assert!(
        groups.contains(&"Members | String".to_owned()),
        "{groups:?}"
    );
}

/// A second table lists the values of an attribute ("Value | Group with Klaxoon PRO license"):
/// not an attribute table.
#[test]
fn klaxoon_a_table_of_values_is_not_read() {
    check(
        "klaxoon",
        "Klaxoon",
        &[
            "userName | String | RF",
            r#"emails[type eq "work"].value | String | RF"#,
            "externalId | String | R",
            "name.givenName | String | R",
            "name.familyName | String | R",
            "active | Boolean | R",
        ],
        &[
            "displayName | String | RF",
            "externalId | String | R",
            "members | Reference",
            "urn:ietf:params:scim:schemas:extension:klaxoon:2.0:Group:license | String",
        ],
    );
}

/// Inbound provisioning (the app is the source), with Markdown-escaped names: left out.
#[test]
fn oracle_hcm_inbound_is_left_out() {
    let e = read("oracle-hcm")
        .err()
        .unwrap_or_else(|| panic!("read as an app"));
    assert!(e.reason.starts_with("inbound provisioning"), "{}", e.reason);
    assert_eq!(
        e.source,
        "docs/identity/saas-apps/oracle-hcm-provisioning-tutorial.md @ 02399981a84c"
    );
}

/// A tutorial with the attributes only in a screenshot: left out, with the copy's reason.
#[test]
fn figma_screenshot_only_is_left_out_with_the_reason() {
    let e = read("figma")
        .err()
        .unwrap_or_else(|| panic!("read as an app"));
    assert_eq!(e.reason, "user attributes shown only as a screenshot");
    assert_eq!(e.title, "Figma");
}

/// The files written for two real tutorials, as snapshots: a source column with a matching
/// precedence (Infobric Equipment), user and group tables with the anchor `id` and rows
/// without a default source (SAP Cloud Identity Services), and a required attribute without a
/// source, left to the admin with a suppression that says so (Ardoq).
#[test]
fn generated_files_of_real_tutorials() {
    for stem in [
        "infobric-equipment",
        "sap-cloud-platform-identity-authentication",
        "ardoq",
    ] {
        let app = read(stem).unwrap_or_else(|e| panic!("{}", e.reason));
        insta::assert_snapshot!(format!("{stem}_profile"), crate::write::profile(&app));
        insta::assert_snapshot!(format!("{stem}_starter"), crate::write::starter(&app));
    }
}
