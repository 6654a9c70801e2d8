//! Reads one tutorial file: the `<!-- source: REPO PATH @ COMMIT -->` line, the front matter's
//! `title` and `ms.date`, the H1, a `<!-- no attribute table: REASON -->` line, the change log's
//! bullets, and every pipe table with the text before it (which says whose attributes it lists).

/// One tutorial as read from its Markdown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tutorial {
    /// The repository it was copied from (`MicrosoftDocs/entra-docs`).
    pub repository: String,
    /// The file in that repository.
    pub path: String,
    /// The commit read.
    pub commit: String,
    /// The front matter's `title`.
    pub title: String,
    /// The front matter's `ms.date` (`MM/DD/YYYY`).
    pub date: String,
    /// The first `# ` heading.
    pub h1: String,
    /// Why the copy has no attribute table, when it says so.
    pub no_table: Option<String>,
    /// The bullets under a "Change log" heading.
    pub change_log: Vec<String>,
    /// The pipe tables, in order.
    pub tables: Vec<Table>,
}

/// One pipe table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The text between the previous table (or the start) and this one.
    pub context: String,
    /// The header cells.
    pub header: Vec<String>,
    /// The body rows' cells.
    pub rows: Vec<Vec<String>>,
    /// The 1-based line of the header.
    pub line: usize,
}

/// Splits a table line into its cells (outer pipes optional, `\|` kept as a pipe).
pub fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    let mut out = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(s) = out.last_mut() {
                    s.push('|');
                }
            }
            '|' => out.push(String::new()),
            c => {
                if let Some(s) = out.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Whether a line is a table's delimiter row (`|---|:--:|`).
fn is_delimiter(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Reads a tutorial file's text.
pub fn read(text: &str) -> Tutorial {
    let mut t = Tutorial::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut in_front = false;
    let mut front_seen = false;
    let mut context = String::new();
    let mut in_change_log = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if let Some(rest) = trimmed
            .strip_prefix("<!-- source:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            let mut words = rest.split_whitespace();
            t.repository = words.next().unwrap_or_default().to_owned();
            t.path = words.next().unwrap_or_default().to_owned();
            if words.next() == Some("@") {
                t.commit = words.next().unwrap_or_default().to_owned();
            }
        } else if let Some(rest) = trimmed
            .strip_prefix("<!-- no attribute table:")
            .map(|r| r.strip_suffix("-->").unwrap_or(r))
        {
            t.no_table = Some(rest.trim().to_owned());
        } else if trimmed == "---" && !front_seen {
            if in_front {
                front_seen = true;
            }
            in_front = !in_front;
        } else if in_front {
            if let Some(v) = trimmed.strip_prefix("title:") {
                t.title = unquote(v.trim());
            } else if let Some(v) = trimmed.strip_prefix("ms.date:") {
                t.date = v.trim().to_owned();
            }
        } else if let Some(h1) = trimmed.strip_prefix("# ") {
            if t.h1.is_empty() {
                t.h1 = h1.trim().to_owned();
            }
        } else if trimmed.starts_with('#') {
            in_change_log = trimmed.to_lowercase().contains("change log")
                || trimmed.to_lowercase().contains("changelog");
            context.push_str(trimmed);
            context.push('\n');
        } else if i + 1 < lines.len() && trimmed.contains('|') && is_delimiter(lines[i + 1]) {
            let mut table = Table {
                context: std::mem::take(&mut context),
                header: cells(line),
                rows: Vec::new(),
                line: i + 1,
            };
            i += 2;
            while i < lines.len() && lines[i].contains('|') && !lines[i].trim().is_empty() {
                let mut row = cells(lines[i]);
                // A row broken over two lines (a long URN, then `|String||` on the next line).
                if row.len() == 1 && table.header.len() > 1 && i + 1 < lines.len() {
                    let next = lines[i + 1].trim();
                    if next.starts_with('|') && !is_delimiter(next) {
                        row = cells(&format!("{}{next}", lines[i].trim_end()));
                        i += 1;
                    }
                }
                table.rows.push(row);
                i += 1;
            }
            t.tables.push(table);
            continue;
        } else if in_change_log && (trimmed.starts_with("* ") || trimmed.starts_with("- ")) {
            t.change_log.push(trimmed[2..].trim().to_owned());
        } else if !trimmed.is_empty() {
            context.push_str(trimmed);
            context.push('\n');
        }
        i += 1;
    }
    t
}

/// A front-matter value without its YAML quotes.
fn unquote(v: &str) -> String {
    if let Some(inner) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        inner.replace("\\\"", "\"")
    } else {
        v.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_take_optional_outer_pipes_and_escaped_pipes() {
        assert_eq!(cells("|a|b|"), ["a", "b"]);
        assert_eq!(cells("  a | b "), ["a", "b"]);
        assert_eq!(
            cells("|userName|String|&check;"),
            ["userName", "String", "&check;"]
        );
        assert_eq!(cells(r"|x\|y|z|"), ["x|y", "z"]);
        assert_eq!(cells("|a||"), ["a", ""]);
    }

    #[test]
    fn reads_the_header_front_matter_and_tables_with_their_context() {
        let t = read(
            "<!-- source: MicrosoftDocs/entra-docs docs/x-provisioning-tutorial.md @ abc123 -->\n---\ntitle: 'Tutorial: Configure X for automatic user provisioning'\nms.date: 03/25/2024\n---\n\n# Configure X\n\n1. Review the group attributes.\n\n   Attribute|Type\n   |---|---|\n   |displayName|String|\n   |members|Reference|\n\n## Change log\n* 01/02/2023 - Added **roles**.\n",
        );
        assert_eq!(t.repository, "MicrosoftDocs/entra-docs");
        assert_eq!(t.path, "docs/x-provisioning-tutorial.md");
        assert_eq!(t.commit, "abc123");
        assert_eq!(
            t.title,
            "Tutorial: Configure X for automatic user provisioning"
        );
        assert_eq!(t.date, "03/25/2024");
        assert_eq!(t.h1, "Configure X");
        assert_eq!(t.tables.len(), 1);
        assert_eq!(t.tables[0].header, ["Attribute", "Type"]);
        assert_eq!(t.tables[0].rows.len(), 2);
        assert!(t.tables[0].context.contains("group attributes"));
        assert_eq!(t.change_log, ["01/02/2023 - Added **roles**."]);
    }

    #[test]
    fn a_row_broken_over_two_lines_is_one_row() {
        let t = read("|Attribute|Type|\n|---|---|\n|urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department\n|String|\n|active|Boolean|\n");
        assert_eq!(
            t.tables[0].rows,
            [
                vec![
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                    "String"
                ],
                vec!["active", "Boolean"]
            ]
        );
    }
}
