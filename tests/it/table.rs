//! `entramap table`: snapshots of every example, the rows of each vendor setup guide, and the CLI.

use entramap::model::{prepare, Prepared};
use entramap::output::table::{build, render, TableFormat, Tables};

use crate::common::{entramap as cli, root, EXAMPLES};

fn example(name: &str) -> Prepared {
    let path = root().join("examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    prepare(name, &text, path.parent()).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn every_example_in_every_format() {
    for name in EXAMPLES {
        let tables = build(&example(name), None);
        let stem = name.trim_end_matches(".entramap.yaml");
        for &format in TableFormat::ALL {
            let text = render(&tables, format);
            let snapshot = format!("{stem}_{}", format.name());
            if format == TableFormat::Json {
                let value: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                insta::assert_json_snapshot!(snapshot, value);
            } else {
                insta::assert_snapshot!(snapshot, text);
            }
        }
    }
}

/// `(Entra ID attribute, customappsso attribute, matching precedence)` of one object.
fn rows(tables: &Tables, object: &str) -> Vec<(String, String, Option<i64>)> {
    tables
        .objects
        .iter()
        .filter(|o| o.object == object)
        .flat_map(|o| &o.rows)
        .map(|r| (r.source.clone(), r.target.clone(), r.matching_precedence))
        .collect()
}

fn added(tables: &Tables, object: &str) -> Vec<(String, String)> {
    tables
        .objects
        .iter()
        .filter(|o| o.object == object)
        .flat_map(|o| &o.attribute_list)
        .map(|a| (a.name.clone(), a.ty.to_owned()))
        .collect()
}

fn row(source: &str, target: &str, precedence: Option<i64>) -> (String, String, Option<i64>) {
    (source.to_owned(), target.to_owned(), precedence)
}

fn assert_contains<T: std::fmt::Debug + PartialEq>(all: &[T], expected: &[T]) {
    for e in expected {
        assert!(all.contains(e), "missing {e:?} in {all:#?}");
    }
}

const IMMUTABLE_ID: &str = "urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User:immutable_id";

#[test]
fn idmelon_2023_import_guide_rows() {
    let tables = build(&example("idmelon.entramap.yaml"), None);
    let users = rows(&tables, "users");
    // Step 9, in the guide's order.
    let guide = [
        row("objectId", "externalId", Some(1)),
        row(
            r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#,
            "active",
            None,
        ),
        row("displayName", "displayName", None),
        row("userPrincipalName", r#"emails[type eq "work"].value"#, None),
        row("objectId", "userName", None),
        row("givenName", "name.givenName", None),
        row("surname", "name.familyName", None),
        row(
            r#"Join(" ", [givenName], [surname])"#,
            "name.formatted",
            None,
        ),
    ];
    assert_eq!(users[..guide.len()], guide);
    // Step 10.
    let groups = rows(&tables, "groups");
    assert_eq!(
        groups[..3],
        [
            row("objectId", "externalId", Some(1)),
            row("displayName", "displayName", None),
            row("members", "members", None),
        ]
    );
}

#[test]
fn idmelon_azure_ad_era_guide_rows() {
    let tables = build(&example("idmelon.entramap.yaml"), None);
    assert_contains(
        &rows(&tables, "users"),
        &[
            row("objectId", "externalId", Some(1)),
            row("immutableId", IMMUTABLE_ID, None),
        ],
    );
    assert_contains(
        &added(&tables, "users"),
        &[(IMMUTABLE_ID.to_owned(), "String".to_owned())],
    );
}

#[test]
fn idmelon_current_guide_rows_with_the_headers_the_right_way_round() {
    let tables = build(&example("idmelon.entramap.yaml"), None);
    // The guide's steps 11 and 14 head the columns "customappsso Attribute | Microsoft Entra ID
    // Attribute" but list `objectId | externalId`: the generated table puts the Entra source
    // first under "Entra ID Attribute", as the example's comment explains.
    let markdown = render(&tables, TableFormat::Markdown);
    assert!(markdown.contains(
        "| Mapping type | Entra ID Attribute | IDmelon Attribute | Matching precedence | Notes |"
    ));
    assert!(markdown.contains("| Direct | objectId | externalId | 1 | |"));
    assert!(markdown.contains(&format!(
        "| Direct | immutableId | {IMMUTABLE_ID} | | Cloud-only users"
    )));
    assert!(markdown.contains("| Direct | description | description | |"));
    let mut attribute_list = vec![(IMMUTABLE_ID.to_owned(), "String".to_owned())];
    attribute_list.extend((1..=5).map(|i| {
        (
            format!("urn:ietf:params:scim:schemas:extension:IDmelon:2.0:User:extraAttribute{i}"),
            "String".to_owned(),
        )
    }));
    assert_eq!(added(&tables, "users"), attribute_list);
    assert_eq!(
        added(&tables, "groups"),
        [("description".to_owned(), "String".to_owned())]
    );
    assert_contains(
        &rows(&tables, "groups"),
        &[row("description", "description", None)],
    );
    assert_eq!(tables.scope, "all", "step 8: Sync all users and groups");
}

#[test]
fn cloudsso_rows_stated_in_the_guide_text() {
    let tables = build(&example("cloudsso.entramap.yaml"), None);
    let users = rows(&tables, "users");
    // "change Source attribute to objectId" for externalId.
    assert_contains(&users, &[row("objectId", "externalId", None)]);
    // Names with unsupported characters: displayName becomes an Expression mapping.
    let groups = &tables.objects[1];
    let display = groups
        .rows
        .iter()
        .find(|r| r.target == "displayName")
        .unwrap_or_else(|| panic!("no group displayName row"));
    assert_eq!(display.kind, entramap::output::table::ValueKind::Expression);
    assert_eq!(
        tables.scope, "assigned",
        "Sync only assigned users and groups"
    );
}

#[test]
fn configcat_guide_rows_exactly() {
    let tables = build(&example("configcat.entramap.yaml"), None);
    let strip = |rows: Vec<(String, String, Option<i64>)>| -> Vec<(String, String)> {
        rows.into_iter().map(|(s, t, _)| (t, s)).collect()
    };
    let pair = |t: &str, s: &str| (t.to_owned(), s.to_owned());
    // "Provisioning Attribute | Microsoft Entra ID Attribute", in the guide's order.
    assert_eq!(
        strip(rows(&tables, "users")),
        [
            pair("externalId", "objectId"),
            pair("userName", "userPrincipalName"),
            pair("displayName", "displayName"),
            pair(
                "active",
                r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#
            ),
        ]
    );
    assert_eq!(
        strip(rows(&tables, "groups")),
        [
            pair("externalId", "objectId"),
            pair("displayName", "displayName"),
            pair("members", "members"),
        ]
    );
}

#[test]
fn apply_and_default_columns_appear_only_when_used() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: title\n    constant: 'A | B'\n    apply: on-create\n    default: x\ngroups:\n  - target: displayName\n    source: displayName\n    matching_precedence: 1\n";
    let prepared = prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let markdown = render(&build(&prepared, None), TableFormat::Markdown);
    assert!(markdown.contains("| Mapping type | Entra ID Attribute | T Attribute | Matching precedence | Apply this mapping | Default value if null |"), "{markdown}");
    assert!(
        markdown.contains(r#"| Constant | "A \| B" | title | | Only during object creation | x |"#),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Direct | displayName | displayName | 1 |\n"),
        "groups have no extra columns: {markdown}"
    );
    assert!(!markdown.contains("Notes"), "no note, no Notes column");
    let groups_only = render(
        &build(&prepared, Some(entramap::expr::source::ObjectKind::Group)),
        TableFormat::Markdown,
    );
    assert!(!groups_only.contains("## Users"));
}

#[test]
fn cli_formats_object_filter_and_errors() {
    let out = cli(&[
        "table",
        "examples/configcat.entramap.yaml",
        "--object",
        "groups",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("object,Mapping type,Entra ID Attribute,ConfigCat Attribute,Matching precedence\r\ngroups,Direct,objectId,externalId,\r\n"), "{text}");
    assert!(!text.contains("users,"));
    let out = cli(&["table", "examples/broken/idmelon-typo.entramap.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "lint findings that are not load errors do not stop the table"
    );
    let out = cli(&["table", "does-not-exist.entramap.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("bad.entramap.yaml");
    std::fs::write(&bad, "entramap: 1\napp: [\n").unwrap_or_else(|e| panic!("{e}"));
    let out = cli(&["table", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.entramap.yaml:"));
}

#[test]
fn notes_mapping_types_and_the_attribute_list_from_the_profile() {
    let path = root().join("tests/fixtures/table/acme.entramap.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let prepared =
        prepare("acme.entramap.yaml", &text, path.parent()).unwrap_or_else(|e| panic!("{e:?}"));
    let tables = build(&prepared, None);
    assert_eq!(tables.app_name, "Acme Badges");
    let users = &tables.objects[0];
    let names: Vec<&str> = users
        .attribute_list
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    // Declared in the file first, then the profile's non-standard targets the file maps; not
    // the profile's unmapped `floor`, not the standard `userName`.
    assert_eq!(
        names,
        [
            "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:costCenter",
            "urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge",
        ]
    );
    assert_eq!(users.attribute_list[1].ty, "Boolean");
    let markdown = render(&tables, TableFormat::Markdown);
    insta::assert_snapshot!("acme_markdown", markdown);
    assert!(markdown.contains("Edit attribute list for Acme Badges:"));
    assert!(markdown.contains("| Constant | \"Employee\" | title | | the portal's default |"));
    insta::assert_snapshot!("acme_csv", render(&tables, TableFormat::Csv));
}

#[test]
fn markdown_cells_render_as_text_without_comments_images_or_mentions() {
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n    note: 'ping @octo-org/admins <!-- hidden --> ![x](https://example.com/p.png) [y](https://example.com)'\n  - target: active\n    expression: Not([IsSoftDeleted])\n  - target: title\n    expression: 'Append([mailNickname], \"@contoso.com\")'\n";
    let prepared = prepare("t.entramap.yaml", text, None).unwrap_or_else(|e| panic!("{e:?}"));
    let markdown = render(&build(&prepared, None), TableFormat::Markdown);
    let body = markdown
        .split_once("-->\n")
        .map_or(markdown.as_str(), |(_, rest)| rest);
    assert!(!body.contains("<!--"), "{markdown}");
    assert!(!body.contains("!["), "{markdown}");
    assert!(
        !body.replace("\\](", "").contains("]("),
        "no link: {markdown}"
    );
    assert!(body.contains("`@octo-org/admins`"), "{markdown}");
    assert!(body.contains("\"`@contoso.com`\""), "{markdown}");
    // A backtick of the text is escaped, so it cannot pair with the code span of a mention
    // and leave the mention outside it.
    let backtick = text.replace("\"@contoso.com\"", "\"`\", \"@octocat\"");
    let prepared = prepare("t.entramap.yaml", &backtick, None).unwrap_or_else(|e| panic!("{e:?}"));
    let markdown = render(&build(&prepared, None), TableFormat::Markdown);
    assert!(markdown.contains("\"\\`\", \"`@octocat`\""), "{markdown}");
    assert!(
        body.contains("Not([IsSoftDeleted])"),
        "plain expressions unchanged: {markdown}"
    );
}

/// A gallery app comes with its profile's attributes: `table` does not ask the admin to add
/// them with "Edit attribute list" (Slack's SCIM 1.1 addresses and enterprise attributes,
/// GitHub EMU's roles); an attribute the file declares beyond them still is.
#[test]
fn table_of_a_gallery_app_asks_to_add_only_what_its_profile_lacks() {
    for app in ["slack", "github-enterprise-managed-user"] {
        let starter = entramap::model::starter::starter(Some(app)).expect("a starter");
        let prepared = entramap::model::prepare("t.entramap.yaml", &starter, None)
            .unwrap_or_else(|e| panic!("{app}: {e:?}"));
        let text = entramap::output::table::render(
            &entramap::output::table::build(&prepared, None),
            entramap::output::table::TableFormat::Markdown,
        );
        assert!(!text.contains("Edit attribute list"), "{app}:\n{text}");
        let declared = starter.replacen(
            "\nusers:",
            "\ntarget_attributes:\n  users:\n    - {name: 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge', type: String}\nusers:",
            1,
        );
        let prepared = entramap::model::prepare("t.entramap.yaml", &declared, None)
            .unwrap_or_else(|e| panic!("{app}: {e:?}"));
        let text = entramap::output::table::render(
            &entramap::output::table::build(&prepared, None),
            entramap::output::table::TableFormat::Markdown,
        );
        assert!(text.contains("Edit attribute list"), "{app}:\n{text}");
        assert!(text.contains("Acme:2.0:User:badge"), "{app}:\n{text}");
    }
}

#[test]
fn every_format_is_listed_once_under_its_command_line_name() {
    use clap::ValueEnum as _;
    assert_eq!(TableFormat::ALL.len(), TableFormat::value_variants().len());
    for format in TableFormat::ALL {
        let name = format.to_possible_value().map(|v| v.get_name().to_owned());
        assert_eq!(name.as_deref(), Some(format.name()));
    }
}
