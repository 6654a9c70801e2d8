//! Turns a read tutorial into a gallery app: the attribute rows of its user and group tables
//! (names as printed, cleaned only of Markdown), with the columns each table had, or the reason
//! it cannot be one.

use crate::markdown::{Table, Tutorial};

/// One attribute row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attr {
    /// The name as printed (Markdown emphasis, footnote marks and line breaks removed).
    pub name: String,
    /// The portal type (`String`, `Boolean`, ...) when the type cell names one.
    pub base: Option<&'static str>,
    /// The type cell as printed, when it is not one of the portal's type names.
    pub printed_type: Option<String>,
    /// Marked in a "Required by ..." column.
    pub required: bool,
    /// Marked in a "Supported for filtering" column.
    pub filterable: bool,
    /// Marked multi-valued (a type cell or a column saying so).
    pub multivalued: bool,
    /// The default source the table gives (an Entra attribute or an expression).
    pub source: Option<String>,
    /// A footnote or notes cell.
    pub note: Option<String>,
    /// An apply column says the default mapping writes it only on create.
    pub on_create: bool,
}

/// The attributes of one object (users or groups).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectTable {
    /// The rows, in table order, each name once.
    pub attrs: Vec<Attr>,
    /// The columns of the table(s) read, as printed.
    pub columns: Vec<String>,
    /// Whether a column said which attributes support filtering.
    pub has_filter_column: bool,
    /// The attribute the text before a table names as "the matching attribute".
    pub named_matching: Option<String>,
}

/// A gallery app read from its tutorial.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct App {
    /// The tutorial's file stem without `-provisioning-tutorial`.
    pub name: String,
    /// The app's title.
    pub title: String,
    /// The tutorial as read.
    pub tutorial: Tutorial,
    /// The user attributes.
    pub users: ObjectTable,
    /// The group attributes (empty when the tutorial has no group table).
    pub groups: ObjectTable,
}

/// Why a tutorial gives no app.
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    /// The stem.
    pub name: String,
    /// The app's title, as far as it can be read.
    pub title: String,
    /// The tutorial's path and commit.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// What a column of an attribute table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Type,
    Filter,
    Required,
    Multi,
    Source,
    Object,
    Apply,
    Note,
}

fn column_of(header: &str) -> Column {
    let h = clean(header).to_lowercase();
    if h.contains("filter") || h.contains("matching") {
        Column::Filter
    } else if h.contains("required") || h.contains("mandatory") {
        Column::Required
    } else if h.contains("multi") {
        Column::Multi
    } else if h.contains("entra")
        || h.contains("azure")
        || h.contains("source")
        || h.contains("default mapping")
        || h.contains("mapped from")
    {
        Column::Source
    } else if h == "type" || h.ends_with(" type") && !h.contains("object") || h == "data type" {
        Column::Type
    } else if h.starts_with("when") || h.starts_with("apply") {
        Column::Apply
    } else if h == "object" || h == "object type" || h == "resource" {
        Column::Object
    } else if h.contains("attribute") || h == "name" || h == "field" || h == "property" {
        Column::Name
    } else {
        Column::Note
    }
}

/// Text of a cell without Markdown emphasis, code marks, HTML tags and footnote marks.
pub fn clean(cell: &str) -> String {
    let mut s = cell
        .replace("<br>", " ")
        .replace("<br/>", " ")
        .replace("<br />", " ");
    while let Some(start) = s.find("<sup>") {
        let end = s[start..].find("</sup>").map_or(s.len(), |e| start + e + 6);
        s.replace_range(start..end, "");
    }
    while let Some(start) = s.find('<') {
        let Some(end) = s[start..].find('>') else {
            break;
        };
        s.replace_range(start..start + end + 1, "");
    }
    let s = s.replace("**", "").replace('`', "").replace("&nbsp;", " ");
    // Markdown escapes (`addresses\[type eq \"work\"\]`).
    let mut unescaped = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        unescaped.push(c);
    }
    let s = unescaped;
    let s = s.trim_end_matches(['*', '¹', '²', '³', '†']).trim();
    let s = match s.rfind('[') {
        Some(i)
            if s.ends_with(']')
                && s[i + 1..s.len() - 1].chars().all(|c| c.is_ascii_digit())
                && i + 2 < s.len() =>
        {
            &s[..i]
        }
        _ => s,
    };
    s.trim().to_owned()
}

/// An attribute name as printed, with the whitespace a line break or a wrapped URN put in
/// removed (next to a `:` or a `.`), kept (single) inside a filter's brackets and between words
/// (`Person Number` is no attribute name).
fn name_of(cell: &str) -> String {
    let text = clean(cell);
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut space = false;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            let joined = out.ends_with([':', '.']) || matches!(c, ':' | '.');
            if !out.is_empty() && (depth > 0 || !joined) {
                out.push(' ');
            }
            space = false;
        }
        out.push(c);
    }
    out
}

/// Whether a cell marks a yes (a check mark, `Yes`, `True`, `X`, or a matching precedence).
fn marked(cell: &str) -> bool {
    let c = clean(cell).to_lowercase();
    if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()) {
        return c != "0";
    }
    [
        "&check;", "✓", "✔", "✅", "☑", "&#10003;", "&#x2713;", "&#10004;", "yes", "true", "x",
        "y", "required",
    ]
    .iter()
    .any(|m| c == *m || c.starts_with(&format!("{m} ")))
}

/// The portal type a type cell names.
fn portal_type(cell: &str) -> Option<&'static str> {
    let c = clean(cell).to_lowercase();
    let c = c.trim();
    [
        ("string", "String"),
        ("boolean", "Boolean"),
        ("bool", "Boolean"),
        ("reference", "Reference"),
        ("datetime", "DateTime"),
        ("integer", "Integer"),
        ("int", "Integer"),
        ("binary", "Binary"),
    ]
    .iter()
    .find(|(word, _)| {
        c == *word
            || c.split(|ch: char| !ch.is_alphanumeric())
                .any(|w| w == *word)
    })
    .map(|(_, t)| *t)
}

/// Whether a cleaned name can be an attribute name (a SCIM path, possibly URN-qualified, in
/// any spelling an app prints).
fn looks_like_attribute(name: &str) -> bool {
    let first = name.chars().next();
    first.is_some_and(|c| c.is_ascii_alphabetic())
        && name.len() <= 300
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:[]\"$ =|/@#".contains(c))
        && (!name.contains(' ') || name.contains('['))
}

/// Which object a table lists, from the text before it: `Some(true)` for groups.
fn is_group_table(table: &Table) -> Option<bool> {
    let text = table.context.to_lowercase();
    let last = |words: &[&str]| words.iter().filter_map(|w| text.rfind(w)).max();
    let group = last(&[
        "group attribute",
        "groups to",
        "group mapping",
        "provision groups",
        "for groups",
    ]);
    let user = last(&[
        "user attribute",
        "users to",
        "user mapping",
        "provision users",
        "for users",
    ]);
    match (user, group) {
        (Some(u), Some(g)) => Some(g > u),
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (None, None) => None,
    }
}

/// The title of the app from the tutorial's front matter or H1.
pub fn title_of(t: &Tutorial) -> String {
    for text in [&t.title, &t.h1] {
        let text = text.trim().trim_start_matches("Tutorial:").trim();
        let text = text.split('|').next().unwrap_or(text).trim();
        for (start, end) in [
            ("Configure ", " for automatic user provisioning"),
            ("Configure ", " automatic user provisioning"),
            ("Configure ", " for automatic provisioning"),
            ("Configure ", " for user provisioning"),
            ("Configure ", " for provisioning"),
            ("User provisioning for ", ""),
            ("Provisioning for ", ""),
            ("Microsoft Entra SSO integration with ", ""),
            ("Microsoft Entra on-premises app provisioning to ", ""),
        ] {
            if let Some(rest) = text.strip_prefix(start) {
                let found = if end.is_empty() {
                    Some(rest)
                } else {
                    rest.find(end).map(|i| &rest[..i])
                };
                // A doubled word of the sentence (`Configure Configure Foodee for for ...`).
                let found = found.map(|t| {
                    let t = t.trim();
                    let t = t.strip_prefix(start).unwrap_or(t);
                    t.strip_suffix(" for").unwrap_or(t).trim()
                });
                if let Some(title) = found.filter(|s| !s.is_empty()) {
                    return title.to_owned();
                }
            }
        }
    }
    t.title
        .trim()
        .trim_start_matches("Tutorial:")
        .trim()
        .to_owned()
}

/// Reads the attribute tables of a tutorial into an app, or says why it cannot.
pub fn from_tutorial(name: &str, t: Tutorial) -> Result<App, Excluded> {
    let title = title_of(&t);
    let excluded = |reason: String| Excluded {
        name: name.to_owned(),
        title: title.clone(),
        source: format!("{} @ {}", t.path, short(&t.commit)),
        reason,
    };
    if t.path.is_empty() || t.commit.is_empty() {
        return Err(excluded(
            "the copy names no source path and commit".to_owned(),
        ));
    }
    let mut app = App {
        name: name.to_owned(),
        title: title.clone(),
        users: ObjectTable::default(),
        groups: ObjectTable::default(),
        tutorial: Tutorial::default(),
    };
    if t.tables.iter().any(|table| {
        table
            .header
            .iter()
            .any(|h| h.to_lowercase().contains("on-premises ad"))
            || table.context.to_lowercase().contains("api-driven")
    }) {
        return Err(excluded(
            "inbound provisioning (the app is the source): its tables map the app's attributes into Entra ID or on-premises AD, not a target app's attribute list".to_owned(),
        ));
    }
    let mut previous_group = None;
    for table in &t.tables {
        let columns: Vec<Column> = table.header.iter().map(|h| column_of(h)).collect();
        // The name column: the one that says "attribute", else (`Variable`, the app's name) the
        // first column that is nothing else, in a table with a type or source column.
        let typed = columns
            .iter()
            .any(|c| matches!(c, Column::Type | Column::Source));
        let Some(name_col) = columns.iter().position(|c| *c == Column::Name).or_else(|| {
            typed
                .then(|| columns.iter().position(|c| *c == Column::Note))
                .flatten()
        }) else {
            continue;
        };
        let col = |kind: Column| columns.iter().position(|c| *c == kind);
        let apply_col = col(Column::Apply);
        let (type_col, filter_col, required_col, multi_col, source_col, object_col, note_col) = (
            col(Column::Type),
            col(Column::Filter),
            col(Column::Required),
            col(Column::Multi),
            col(Column::Source),
            col(Column::Object),
            columns
                .iter()
                .enumerate()
                .position(|(i, c)| *c == Column::Note && i != name_col),
        );
        let named = clean(&table.header[name_col]).to_lowercase();
        let by_header = if named.contains("group") {
            Some(true)
        } else if named.contains("user") {
            Some(false)
        } else {
            None
        };
        let mut group = by_header
            .or_else(|| is_group_table(table))
            .or(previous_group.map(|g: bool| !g))
            .unwrap_or(false);
        let mut read_any = false;
        for row in &table.rows {
            let cell =
                |i: Option<usize>| i.and_then(|i| row.get(i)).map(String::as_str).unwrap_or("");
            let raw = cell(Some(name_col));
            let name = name_of(raw);
            if !looks_like_attribute(&name) {
                // A section row inside a merged table (`**Group attributes**`).
                let marker = clean(raw).to_lowercase();
                if cell(type_col).is_empty()
                    && (marker.contains("group") || marker.contains("user"))
                {
                    group = marker.contains("group");
                }
                continue;
            }
            let row_group = match clean(cell(object_col)).to_lowercase().as_str() {
                o if o.contains("group") => true,
                o if o.contains("user") => false,
                _ => group,
            };
            let type_cell = clean(cell(type_col));
            let base = portal_type(&type_cell);
            let attr = Attr {
                name,
                base,
                printed_type: (base.is_none() && !type_cell.is_empty()).then(|| type_cell.clone()),
                required: marked(cell(required_col)),
                filterable: marked(cell(filter_col)),
                multivalued: marked(cell(multi_col)) || type_cell.to_lowercase().contains("multi"),
                source: Some(clean(cell(source_col))).filter(|s| !s.is_empty()),
                note: Some(clean(cell(note_col))).filter(|s| !s.is_empty()),
                on_create: clean(cell(apply_col)).to_lowercase().contains("creat"),
            };
            let object = if row_group {
                &mut app.groups
            } else {
                &mut app.users
            };
            if filter_col.is_some() {
                object.has_filter_column = true;
            }
            for h in &table.header {
                let h = clean(h);
                if !object.columns.contains(&h) {
                    object.columns.push(h);
                }
            }
            if named_matching(&table.context).as_deref() == Some(attr.name.as_str()) {
                object.named_matching = Some(attr.name.clone());
            }
            if !object.attrs.iter().any(|a| a.name == attr.name) {
                object.attrs.push(attr);
            }
            read_any = true;
        }
        if read_any {
            previous_group = Some(group);
        }
    }
    // "Changed the mapping ... to **SOURCE -> target**" in the change log (read in order: a
    // later entry wins) gives the default source of a row the table gives none.
    for entry in &t.change_log {
        if let Some((source, target)) = change_log_mapping(entry) {
            for object in [&mut app.users, &mut app.groups] {
                if let Some(a) = object.attrs.iter_mut().find(|a| a.name == target) {
                    a.source = Some(source.clone());
                }
            }
        }
    }
    // A table read as users that lists only group attributes is the group table.
    if app.groups.attrs.is_empty()
        && app.users.attrs.iter().any(|a| a.name == "members")
        && !app.users.attrs.iter().any(|a| a.name == "userName")
    {
        std::mem::swap(&mut app.users, &mut app.groups);
    }
    if app.users.attrs.is_empty() {
        let reason = match (&t.no_table, app.groups.attrs.is_empty()) {
            (Some(r), _) => r.clone(),
            (None, false) => "only a group attribute table".to_owned(),
            (None, true) if t.tables.is_empty() => "no attribute table".to_owned(),
            (None, true) => "no table of the copy reads as an attribute table".to_owned(),
        };
        return Err(excluded(reason));
    }
    app.tutorial = t;
    Ok(app)
}

/// The word before "as the matching attribute" in a text ("only supports the use of
/// primaryEmail as the matching attribute").
fn named_matching(text: &str) -> Option<String> {
    let at = text.find(" as the matching attribute")?;
    let word = text[..at].split_whitespace().next_back()?;
    Some(clean(word))
}

/// The `**SOURCE -> target**` (or `-->`) of a change-log entry, curly quotes made straight.
fn change_log_mapping(entry: &str) -> Option<(String, String)> {
    let bold = entry
        .split("**")
        .skip(1)
        .step_by(2)
        .find(|b| b.contains("->"))?;
    let bold = bold.replace(['“', '”'], "\"");
    let (source, target) = bold.rsplit_once("->")?;
    let source = source.trim().trim_end_matches('-').trim();
    let target = name_of(target.trim().trim_end_matches('.'));
    (!source.is_empty() && looks_like_attribute(&target)).then(|| (source.to_owned(), target))
}

/// The first 12 characters of a commit.
pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_keeps_the_name_as_printed() {
        assert_eq!(name_of("**userName**"), "userName");
        assert_eq!(
            name_of("`emails[type eq \"work\"].value`"),
            "emails[type eq \"work\"].value"
        );
        assert_eq!(
            name_of("emails[type  eq\n\"work\"].value*"),
            "emails[type eq \"work\"].value"
        );
        assert_eq!(name_of("Person Number"), "Person Number");
        assert_eq!(
            name_of("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User: department"),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
        );
        assert_eq!(
            name_of("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:<br>department"),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
        );
        assert_eq!(name_of("title<sup>1</sup>"), "title");
        assert_eq!(
            name_of(r#"addresses\[type eq \"work\"\].locality"#),
            r#"addresses[type eq "work"].locality"#
        );
        assert_eq!(name_of("title[1]"), "title");
        assert_eq!(
            name_of("roles[primary eq \"True\".value]"),
            "roles[primary eq \"True\".value]"
        );
    }

    #[test]
    fn columns_are_recognised_by_their_words() {
        assert_eq!(column_of("Attribute"), Column::Name);
        assert_eq!(column_of("Supported For Filtering"), Column::Filter);
        assert_eq!(column_of("Required by LawVu"), Column::Required);
        assert_eq!(column_of("Type"), Column::Type);
        assert_eq!(column_of("Microsoft Entra attribute"), Column::Source);
        assert_eq!(column_of("Notes"), Column::Note);
        assert_eq!(column_of("When?"), Column::Apply);
    }

    #[test]
    fn change_log_entries_give_sources() {
        assert_eq!(
            change_log_mapping(
                "10/28/2021 - Updated default mapping to **mail-> emails[type eq “work”].value**."
            ),
            Some((
                "mail".to_owned(),
                r#"emails[type eq "work"].value"#.to_owned()
            ))
        );
        assert_eq!(
            change_log_mapping(
                r#"12/22/2022 - The source attribute of **addresses[type eq "work"].formatted** ha been changed to **Join("", [streetAddress], [city]) --> addresses[type eq "work"].formatted**."#
            ),
            Some((
                r#"Join("", [streetAddress], [city])"#.to_owned(),
                r#"addresses[type eq "work"].formatted"#.to_owned()
            ))
        );
        assert_eq!(
            change_log_mapping("10/25/2022 - Drop core user attribute **nickName**."),
            None
        );
    }

    #[test]
    fn odd_markdown_is_read_without_a_panic() {
        for text in [
            "",
            "|",
            "|\n|-|",
            "<!-- source: -->\n|a|b|\n|---|---|\n|<unterminated|x|\n|[]|]|\n|é[1]|ü|\n",
            "---\ntitle: 'Tutorial:'\n---\n# \n|Attribute|Type|\n|--|--|\n|urn:x\n|\n",
            "* 01/01/2020 - **->**\n## Change log\n* **a -> **\n* **-> b**\n",
        ] {
            let t = crate::markdown::read(text);
            let _ = from_tutorial("x", t);
        }
        assert_eq!(clean("<b"), "<b", "an unterminated tag is text");
    }

    #[test]
    fn marks_and_types() {
        assert!(marked("&check;") && marked("✓") && marked("Yes") && !marked("") && !marked("No"));
        assert_eq!(portal_type("string"), Some("String"));
        assert_eq!(portal_type("Multi-Valued String"), Some("String"));
        assert_eq!(portal_type("Complex"), None);
    }

    #[test]
    fn titles_come_from_the_front_matter() {
        let t = |title: &str| Tutorial {
            title: title.to_owned(),
            ..Tutorial::default()
        };
        assert_eq!(title_of(&t("Tutorial: Configure Dropbox for Business for automatic user provisioning with Microsoft Entra ID")), "Dropbox for Business");
        assert_eq!(
            title_of(&t(
                "Configure Figma automatic user provisioning with Microsoft Entra ID"
            )),
            "Figma"
        );
        assert_eq!(title_of(&t("User provisioning for GitHub")), "GitHub");
        assert_eq!(title_of(&t("Configure Configure Foodee for for automatic user provisioning with Microsoft Entra ID")), "Foodee");
        assert_eq!(title_of(&t("Tutorial: Configure DocuSign for automatic user provisioning with Microsoft Entra ID| Microsoft Docs")), "DocuSign");
    }
}
