//! Target attribute names as Entra writes them: SCIM attribute paths with an optional value
//! filter and sub-attribute (`emails[type eq "work"].value`, `roles[primary eq "True"].value`,
//! `name.givenName`), optionally qualified by a schema URN
//! (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`). A small hand parser:
//! the grammar is one line of ABNF and every error needs a span.

use crate::base::text::Span;

/// A part of a path with its span in the target text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The text.
    pub text: String,
    /// Where it is in the target text.
    pub span: Span,
}

/// `[attribute op "value"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueFilter {
    /// The attribute compared (`type`, `primary`).
    pub attribute: Part,
    /// The operator (`eq`).
    pub operator: Part,
    /// The value between the quotes.
    pub value: Part,
    /// The whole filter, brackets included.
    pub span: Span,
}

/// A parsed target name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPath {
    /// The schema URN before the attribute, without the separating `:`.
    pub schema: Option<Part>,
    /// The attribute name.
    pub attribute: Part,
    /// The value filter, if any.
    pub filter: Option<ValueFilter>,
    /// The sub-attribute after `.`, if any.
    pub sub_attribute: Option<Part>,
}

/// Why a target name does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong.
    pub message: String,
    /// Where, in the target text.
    pub span: Span,
}

/// The prefix of custom SCIM extension schemas.
pub use super::scim::EXTENSION_PREFIX;

impl TargetPath {
    /// Whether the name is qualified by a SCIM extension schema URN.
    pub fn is_extension(&self) -> bool {
        self.schema
            .as_ref()
            .is_some_and(|s| s.text.to_ascii_lowercase().starts_with(EXTENSION_PREFIX))
    }

    /// Whether the path names a part of a complex attribute (a filter or a sub-attribute).
    pub fn is_complex(&self) -> bool {
        self.filter.is_some() || self.sub_attribute.is_some()
    }

    /// Checks the form Entra requires of a custom extension attribute on a non-gallery app:
    /// `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>` (or `:Group:`).
    pub fn custom_extension_problem(&self) -> Option<PathError> {
        let schema = self.schema.as_ref()?;
        let lower = schema.text.to_ascii_lowercase();
        let problem = |message: &str| PathError {
            message: message.to_owned(),
            span: schema.span,
        };
        if !lower.starts_with(EXTENSION_PREFIX) {
            return Some(problem("a custom attribute's schema must start with `urn:ietf:params:scim:schemas:extension:`"));
        }
        let rest: Vec<&str> = schema.text[EXTENSION_PREFIX.len()..].split(':').collect();
        match rest.as_slice() {
            [name, "2.0", "User" | "Group"] if valid_name(name) => None,
            [_, "2.0", other] => Some(problem(&format!(
                "expected `User` (or `Group`) after `:2.0:`, found `{other}`"
            ))),
            [_, version, _] => Some(problem(&format!(
                "expected version `2.0`, found `{version}`"
            ))),
            _ => Some(problem(
                "expected `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attribute>`",
            )),
        }
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$'))
}

/// Parses a target name.
pub fn parse(text: &str) -> Result<TargetPath, PathError> {
    if text.is_empty() {
        return Err(PathError {
            message: "empty target name".into(),
            span: Span::new(0, 0),
        });
    }
    let (schema, path_start) = split_schema(text);
    let mut parser = PathParser {
        text,
        pos: path_start,
    };
    let attribute = parser.name("an attribute name")?;
    let filter = if parser.eat('[') {
        Some(parser.filter()?)
    } else {
        None
    };
    let sub_attribute = if parser.eat('.') {
        Some(parser.name("a sub-attribute name after `.`")?)
    } else {
        None
    };
    if parser.pos < text.len() {
        let c = parser.peek().unwrap_or(' ');
        return Err(PathError {
            message: format!("unexpected `{c}` in the target name"),
            span: Span::new(parser.pos, parser.pos + c.len_utf8()),
        });
    }
    Ok(TargetPath {
        schema,
        attribute,
        filter,
        sub_attribute,
    })
}

/// Parses a target name, or, when it does not parse but the profile or the file declares it
/// (`declared`), takes it verbatim as one top-level attribute: a name the profile declares is
/// the app's own spelling and every command accepts it as written.
pub fn parse_declared(text: &str, declared: bool) -> Result<TargetPath, PathError> {
    match parse(text) {
        Err(_) if declared && !text.is_empty() => Ok(TargetPath {
            schema: None,
            attribute: Part {
                text: text.to_owned(),
                span: Span::new(0, text.len()),
            },
            filter: None,
            sub_attribute: None,
        }),
        result => result,
    }
}

/// Splits `urn:…:attr` at the last `:` outside brackets and quotes.
fn split_schema(text: &str) -> (Option<Part>, usize) {
    if !text
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
    {
        return (None, 0);
    }
    let mut last = None;
    let (mut depth, mut quoted) = (0usize, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            ':' if !quoted && depth == 0 => last = Some(i),
            _ => {}
        }
    }
    match last {
        Some(i) => {
            // SCIM 1.1 joins the schema's version and the attribute with `.`:
            // `urn:scim:schemas:extension:enterprise:1.0.department` (Slack, Workplace).
            let end = i + 1 + scim1_version_len(&text[i + 1..]).unwrap_or(0);
            let (schema_end, path_start) = if end > i + 1 {
                (end - 1, end)
            } else {
                (i, i + 1)
            };
            (
                Some(Part {
                    text: text[..schema_end].to_owned(),
                    span: Span::new(0, schema_end),
                }),
                path_start,
            )
        }
        None => (None, 0),
    }
}

/// The length of a SCIM 1.1 version prefix with its closing dot (`1.0.` in `1.0.department`).
fn scim1_version_len(segment: &str) -> Option<usize> {
    let bytes = segment.as_bytes();
    let major = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if major == 0 || bytes.get(major) != Some(&b'.') {
        return None;
    }
    let minor = bytes[major + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let dot = major + 1 + minor;
    (minor > 0 && bytes.get(dot) == Some(&b'.')).then_some(dot + 1)
}

struct PathParser<'a> {
    text: &'a str,
    pos: usize,
}

impl PathParser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn error_here(&self, message: String) -> PathError {
        let width = self.peek().map_or(0, char::len_utf8);
        PathError {
            message,
            span: Span::new(self.pos, self.pos + width),
        }
    }

    fn name(&mut self, what: &str) -> Result<Part, PathError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '$' => {}
            Some(c) => return Err(self.error_here(format!("expected {what}, found `{c}`"))),
            None => return Err(self.error_here(format!("expected {what} at the end"))),
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$'))
        {
            self.pos += 1;
        }
        Ok(Part {
            text: self.text[start..self.pos].to_owned(),
            span: Span::new(start, self.pos),
        })
    }

    fn spaces(&mut self) -> bool {
        let start = self.pos;
        while self.eat(' ') {}
        self.pos > start
    }

    fn filter(&mut self) -> Result<ValueFilter, PathError> {
        let start = self.pos - 1;
        self.spaces();
        let attribute = self.name("an attribute name in the value filter")?;
        if !self.spaces() {
            return Err(self
                .error_here("expected a space and an operator after the filter attribute".into()));
        }
        let operator = self.name("an operator such as `eq`")?;
        if !operator.text.eq_ignore_ascii_case("eq") {
            return Err(PathError {
                message: format!(
                    "Entra target names filter only with `eq`, not `{}`",
                    operator.text
                ),
                span: operator.span,
            });
        }
        self.spaces();
        let quote = self.pos;
        if !self.eat('"') {
            return Err(self.error_here("expected a double-quoted value such as \"work\"".into()));
        }
        let value_start = self.pos;
        while self.peek().is_some_and(|c| c != '"') {
            self.pos += self.peek().map_or(1, char::len_utf8);
        }
        if !self.eat('"') {
            return Err(PathError {
                message: "unterminated value in the filter".into(),
                span: Span::new(quote, self.pos),
            });
        }
        let value = Part {
            text: self.text[value_start..self.pos - 1].to_owned(),
            span: Span::new(value_start, self.pos - 1),
        };
        self.spaces();
        if !self.eat(']') {
            return Err(self.error_here("expected `]` to close the value filter".into()));
        }
        Ok(ValueFilter {
            attribute,
            operator,
            value,
            span: Span::new(start, self.pos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_entra_uses() {
        let p = parse(r#"emails[type eq "work"].value"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.attribute.text, "emails");
        assert_eq!(
            p.filter.as_ref().map(|f| f.value.text.as_str()),
            Some("work")
        );
        assert_eq!(p.sub_attribute.map(|s| s.text), Some("value".into()));
        let p = parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(p.is_extension());
        assert_eq!(p.attribute.text, "manager");
        assert!(p.custom_extension_problem().is_none());
        assert!(parse(r#"roles[primary eq "True"].value"#).is_ok());
        assert!(parse("name.givenName").is_ok());
        let p = parse("urn:scim:schemas:extension:enterprise:1.0.department")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            p.schema.map(|s| s.text),
            Some("urn:scim:schemas:extension:enterprise:1.0".to_owned())
        );
        assert_eq!(p.attribute.text, "department");
        let p = parse("urn:scim:schemas:extension:facebook:auth_method:1.0:auth_method")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.attribute.text, "auth_method");
    }

    #[test]
    fn rejects_malformed_paths_with_spans() {
        let e = parse(r#"emails[type eq "work".value"#)
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert_eq!(e.span.start, 21);
        assert!(parse("emails[type co \"w\"]").is_err());
        assert!(parse("name..x").is_err());
        let bad = parse("urn:ietf:params:scim:schemas:extension:Acme:1.0:User:x")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(bad.custom_extension_problem().is_some());
    }
}
