//! `entramap table`: the setup tables vendor guides publish, generated from the mapping file.
//! For users and for groups: the "Edit attribute list" additions (name, type: every target the
//! file declares, and every mapped target the profile has beyond the non-gallery app's
//! standard list; for a gallery app, which comes with its profile's attributes, only what the
//! file declares beyond them) and the attribute mappings (mapping type as the portal names it: Direct,
//! Expression, Constant; Entra ID attribute, expression or quoted constant; the app's attribute;
//! matching precedence; the apply, default and notes columns only when a mapping uses them).
//! The app is named by its profile's title (the file's `app` for the plain SCIM profile).
//! Rows keep the file's order, so the output is deterministic.

use crate::expr::source::ObjectKind;
use crate::model::profile;
use crate::model::Prepared;
use crate::model::{Apply, MappingKind, Scope};
use serde::Serialize;
use std::fmt::Write as _;

/// Output formats of `entramap table`.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    /// Markdown tables, as in the vendors' guides.
    #[default]
    Markdown,
    /// CSV: the mapping rows, then (after a blank line) the attribute-list rows.
    Csv,
    /// One JSON document.
    Json,
}

impl TableFormat {
    /// Every format (the tests render every example in each).
    pub const ALL: &'static [TableFormat] =
        &[TableFormat::Markdown, TableFormat::Csv, TableFormat::Json];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Markdown => "markdown",
            TableFormat::Csv => "csv",
            TableFormat::Json => "json",
        }
    }
}

/// How a row's value is produced (the portal's "Mapping type").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// *Direct*: an Entra attribute.
    Attribute,
    /// *Expression*.
    Expression,
    /// *Constant*.
    Constant,
}

impl ValueKind {
    /// The portal's name: `Direct`, `Expression` or `Constant`.
    pub fn portal_name(self) -> &'static str {
        match self {
            ValueKind::Attribute => "Direct",
            ValueKind::Expression => "Expression",
            ValueKind::Constant => "Constant",
        }
    }
}

/// One attribute-mapping row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The "Entra ID Attribute" cell: the attribute, the expression or the quoted constant.
    pub source: String,
    /// What the cell holds.
    pub kind: ValueKind,
    /// The "<app> Attribute" cell.
    pub target: String,
    /// "Matching precedence".
    pub matching_precedence: Option<i64>,
    /// "Apply this mapping": `always` or `on-create`.
    pub apply: &'static str,
    /// "Default value if null".
    pub default: Option<String>,
    /// The mapping's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One "Edit attribute list" row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedAttribute {
    /// "Name".
    pub name: String,
    /// "Type".
    #[serde(rename = "type")]
    pub ty: &'static str,
}

/// The tables of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectTable {
    /// `users` or `groups`.
    pub object: &'static str,
    /// Whether the object mapping is enabled.
    pub enabled: bool,
    /// The attribute mappings.
    pub rows: Vec<Row>,
    /// The attributes to add to the app's attribute list: the file's `target_attributes`,
    /// then the mapped targets the profile adds to the non-gallery app's standard list.
    pub attribute_list: Vec<AddedAttribute>,
    /// The scoping filter, one line per clause group (`department EQUALS "Sales" AND ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scoping: Vec<String>,
}

impl ObjectTable {
    /// Whether a row uses "Only during object creation".
    pub fn uses_apply(&self) -> bool {
        self.rows.iter().any(|r| r.apply != "always")
    }

    /// Whether a row has a default value.
    pub fn uses_default(&self) -> bool {
        self.rows.iter().any(|r| r.default.is_some())
    }

    /// Whether a row has a note.
    pub fn uses_note(&self) -> bool {
        self.rows.iter().any(|r| r.note.is_some())
    }
}

/// Every table of a mapping file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tables {
    /// The application.
    pub app: String,
    /// The target profile.
    pub target: String,
    /// The app's name in column headers (`ConfigCat Attribute`): the profile's title, or the
    /// file's `app` for the plain SCIM profile (which the portal calls `customappsso`).
    pub app_name: String,
    /// `assigned` or `all`.
    pub scope: &'static str,
    /// Users, then groups (objects the file does not configure are left out).
    pub objects: Vec<ObjectTable>,
}

/// Builds the tables of a file; `only` restricts them to one object.
pub fn build(prepared: &Prepared, only: Option<ObjectKind>) -> Tables {
    let file = &prepared.file;
    let standard = profile::built_in("scim-core").ok();
    let objects = ObjectKind::ALL
        .into_iter()
        .filter(|k| only.is_none_or(|o| o == *k))
        .filter_map(|kind| {
            let mapping = file.object(kind);
            // A gallery app comes with its profile's attributes: only what the file declares
            // beyond them is added with "Edit attribute list".
            let gallery =
                prepared.profile.gallery.is_some() || profile::is_gallery(&prepared.profile.name);
            let targets = prepared.profile.object(kind);
            let mut attribute_list: Vec<AddedAttribute> = file
                .target_attributes
                .of(kind)
                .iter()
                .filter(|d| !gallery || targets.get(&d.attribute.name).is_none())
                .map(|d| AddedAttribute {
                    name: d.attribute.name.clone(),
                    ty: d.attribute.base.as_str(),
                })
                .collect();
            // Mapped targets the profile knows but the non-gallery app's list does not: the
            // admin adds them with "Edit attribute list" too (a gallery app has them already).
            let is_standard = |name: &str| {
                gallery
                    || standard
                        .as_ref()
                        .is_some_and(|p| p.object(kind).get(name).is_some())
            };
            for m in &file.object(kind).mappings {
                let name = m.target.value.as_str();
                if is_standard(name) || attribute_list.iter().any(|a| a.name == name) {
                    continue;
                }
                if let Some(attribute) = targets.get(name) {
                    attribute_list.push(AddedAttribute {
                        name: name.to_owned(),
                        ty: attribute.base.as_str(),
                    });
                }
            }
            if !mapping.present && attribute_list.is_empty() {
                return None;
            }
            let rows = mapping
                .mappings
                .iter()
                .filter_map(|m| {
                    let kind = m.kind.as_ref()?;
                    Some(Row {
                        source: kind.one_line(),
                        kind: match kind {
                            MappingKind::Direct(_) => ValueKind::Attribute,
                            MappingKind::Expression { .. } => ValueKind::Expression,
                            MappingKind::Constant(_) => ValueKind::Constant,
                        },
                        target: m.target.value.clone(),
                        matching_precedence: m.matching_precedence.as_ref().map(|p| p.value),
                        apply: match m.apply.value {
                            Apply::Always => "always",
                            Apply::OnCreate => "on-create",
                        },
                        default: m.default.as_ref().map(|d| d.value.clone()),
                        note: m.note.as_ref().map(|n| n.value.clone()),
                    })
                })
                .collect();
            let scoping = mapping
                .scoping
                .iter()
                .map(|group| {
                    group
                        .iter()
                        .map(|c| match &c.value {
                            Some(v) => format!(
                                "{} {} \"{}\"",
                                c.attribute.value, c.operator.value, v.value
                            ),
                            None => format!("{} {}", c.attribute.value, c.operator.value),
                        })
                        .collect::<Vec<_>>()
                        .join(" AND ")
                })
                .collect();
            Some(ObjectTable {
                object: kind.plural(),
                enabled: !mapping.present || mapping.enabled,
                rows,
                attribute_list,
                scoping,
            })
        })
        .collect();
    Tables {
        app: file
            .app
            .as_ref()
            .map(|a| a.value.clone())
            .unwrap_or_default(),
        target: file.target_profile().to_owned(),
        app_name: app_name(prepared),
        scope: match file.scope() {
            Scope::Assigned => "assigned",
            Scope::All => "all",
        },
        objects,
    }
}

/// The app's name for headers: the profile's title; for the plain SCIM profile (and profiles
/// without a title) the file's `app`, else `customappsso` as the portal says.
fn app_name(prepared: &Prepared) -> String {
    let app = prepared.file.app.as_ref().map(|a| a.value.trim());
    match &prepared.profile.title {
        Some(title) if prepared.profile.name != "scim-core" => title.clone(),
        _ => app
            .filter(|a| !a.is_empty())
            .unwrap_or("customappsso")
            .to_owned(),
    }
}

/// Renders the tables in `format`.
pub fn render(tables: &Tables, format: TableFormat) -> String {
    match format {
        TableFormat::Markdown => markdown(tables),
        TableFormat::Csv => csv(tables),
        TableFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(tables).unwrap_or_default()
        ),
    }
}

fn heading(object: &str) -> &'static str {
    if object == "users" {
        "Users"
    } else {
        "Groups"
    }
}

fn apply_label(apply: &str) -> &'static str {
    if apply == "on-create" {
        "Only during object creation"
    } else {
        "Always"
    }
}

/// A Markdown table cell that renders as the text it holds, on GitHub too: pipes, backticks
/// and backslashes escaped (a backtick of the text never pairs with those of a code span below), line breaks as spaces, `<` as `&lt;` (no HTML, comment or autolink),
/// the brackets of an image or a link escaped, and an `@mention` in a code span (so that a
/// note or a string such as `"@contoso.com"` notifies nobody).
fn cell(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let (before, next) = (
            i.checked_sub(1).map(|j| chars[j]),
            chars.get(i + 1).copied(),
        );
        match chars[i] {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\r' | '\n' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '[' if matches!(before, Some('!' | ']')) => out.push_str("\\["),
            ']' if matches!(next, Some('(' | '[')) => out.push_str("\\]"),
            '@' if !before.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric) =>
            {
                let name = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
                    .count();
                out.push('`');
                out.extend(&chars[i..=i + name]);
                out.push('`');
                i += name + 1;
                continue;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn markdown_table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header.iter().map(|_| " --- ").collect::<Vec<_>>().join("|")
    );
    for row in rows {
        out.push('|');
        for c in row {
            if c.is_empty() {
                out.push_str(" |");
            } else {
                let _ = write!(out, " {} |", cell(c));
            }
        }
        out.push('\n');
    }
}

fn markdown(tables: &Tables) -> String {
    let mut out = String::new();
    let scope = if tables.scope == "all" {
        "Sync all users and groups"
    } else {
        "Sync only assigned users and groups"
    };
    let _ = writeln!(
        out,
        "<!-- generated by entramap table from the mapping of {} (target profile {}) -->\n",
        tables.app, tables.target
    );
    let _ = writeln!(out, "Scope: {scope}");
    for object in &tables.objects {
        let name = heading(object.object);
        let _ = writeln!(out, "\n## {name}\n");
        if !object.enabled {
            let _ = writeln!(out, "Provision Microsoft Entra ID {name}: Enabled: No\n");
        }
        if !object.attribute_list.is_empty() {
            let _ = writeln!(out, "Edit attribute list for {}:\n", tables.app_name);
            let rows: Vec<Vec<String>> = object
                .attribute_list
                .iter()
                .map(|a| vec![a.name.clone(), a.ty.to_owned()])
                .collect();
            markdown_table(&mut out, &["Name", "Type"], &rows);
            out.push('\n');
        }
        if !object.scoping.is_empty() {
            let _ = writeln!(out, "Source Object Scope (any of):\n");
            for group in &object.scoping {
                let _ = writeln!(out, "- {}", cell(group));
            }
            out.push('\n');
        }
        if object.rows.is_empty() {
            continue;
        }
        let columns = Columns::of(std::slice::from_ref(object));
        let rows: Vec<Vec<String>> = object.rows.iter().map(|r| columns.cells(r)).collect();
        let header = columns.header(&tables.app_name);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        markdown_table(&mut out, &header, &rows);
    }
    out
}

/// The columns of a mapping table: mapping type, source, target and precedence always; apply,
/// default and notes when a row uses them.
struct Columns {
    apply: bool,
    default: bool,
    note: bool,
}

impl Columns {
    fn of(objects: &[ObjectTable]) -> Self {
        Columns {
            apply: objects.iter().any(ObjectTable::uses_apply),
            default: objects.iter().any(ObjectTable::uses_default),
            note: objects.iter().any(ObjectTable::uses_note),
        }
    }

    fn header(&self, app_name: &str) -> Vec<String> {
        let mut header = vec![
            "Mapping type".to_owned(),
            "Entra ID Attribute".to_owned(),
            format!("{app_name} Attribute"),
            "Matching precedence".to_owned(),
        ];
        for (on, name) in [
            (self.apply, "Apply this mapping"),
            (self.default, "Default value if null"),
            (self.note, "Notes"),
        ] {
            if on {
                header.push(name.to_owned());
            }
        }
        header
    }

    fn cells(&self, r: &Row) -> Vec<String> {
        let mut cells = vec![
            r.kind.portal_name().to_owned(),
            r.source.clone(),
            r.target.clone(),
            r.matching_precedence
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ];
        if self.apply {
            cells.push(apply_label(r.apply).to_owned());
        }
        if self.default {
            cells.push(r.default.clone().unwrap_or_default());
        }
        if self.note {
            cells.push(r.note.clone().unwrap_or_default());
        }
        cells
    }
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn csv(tables: &Tables) -> String {
    let mut out = String::new();
    let columns = Columns::of(&tables.objects);
    let mut header = vec!["object".to_owned()];
    header.extend(columns.header(&tables.app_name));
    csv_line(&mut out, &header);
    for object in &tables.objects {
        for r in &object.rows {
            let mut fields = vec![object.object.to_owned()];
            fields.extend(columns.cells(r));
            csv_line(&mut out, &fields);
        }
    }
    if tables.objects.iter().any(|o| !o.attribute_list.is_empty()) {
        out.push_str("\r\n");
        csv_line(&mut out, &["object".into(), "Name".into(), "Type".into()]);
        for object in &tables.objects {
            for a in &object.attribute_list {
                csv_line(
                    &mut out,
                    &[object.object.to_owned(), a.name.clone(), a.ty.to_owned()],
                );
            }
        }
    }
    out
}
