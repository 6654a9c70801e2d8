//! One open document: its text as the editor has it (saved or not), its version and line index.

use super::position::{Encoding, LineIndex};
use crate::Span;
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};
use std::path::{Path, PathBuf};

/// What a document is to entramap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A mapping file (`*.entramap.yaml`, `*.entramap.yml`, `*.entramap.json`, or a document
    /// that starts with `entramap:`).
    Mapping,
    /// A target profile (`entramap-target: 1`).
    Profile,
    /// Anything else: no findings.
    Other,
}

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its URI.
    pub uri: Url,
    /// Its current text.
    pub text: String,
    /// The client's version of the text.
    pub version: i32,
    index: LineIndex,
    path: Option<PathBuf>,
}

impl Document {
    /// A document as opened.
    pub fn new(uri: Url, text: String, version: i32, encoding: Encoding) -> Self {
        let path = (uri.scheme() == "file")
            .then(|| uri.to_file_path().ok())
            .flatten();
        Document {
            index: LineIndex::new(&text, encoding),
            uri,
            text,
            version,
            path,
        }
    }

    /// Applies the client's changes in order (whole-text or ranged).
    ///
    /// A ranged change updates the line index around the edit ([`LineIndex::edit`]) instead of
    /// rebuilding it, so that k edits in one notification cost k times the edit and the lines
    /// after it, not k times the document.
    pub fn apply(&mut self, version: i32, changes: &[TextDocumentContentChangeEvent]) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.span(range);
                    self.text.replace_range(span.start..span.end, &change.text);
                    self.index.edit(&self.text, span, change.text.len());
                }
                None => {
                    self.text.clone_from(&change.text);
                    self.index = LineIndex::new(&self.text, self.index.encoding());
                }
            }
        }
        self.version = version;
    }

    /// The file behind the document, for `file:` URIs.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The name findings and the loader see (the path, or the URI); it picks YAML or JSON.
    pub fn name(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| self.uri.to_string(), |p| p.display().to_string())
    }

    /// The directory a relative `target:` path is resolved against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// What the document is, from its name and, failing that, its first key.
    pub fn kind(&self) -> DocKind {
        let name = self.uri.path().to_ascii_lowercase();
        if crate::lint::is_mapping_file_name(&name) {
            return DocKind::Mapping;
        }
        let first_key = self
            .text
            .lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("")
            .trim_start_matches(['{', '"', '\'']);
        if crate::model::profile::looks_like_profile(&self.text) {
            DocKind::Profile
        } else if first_key.starts_with("entramap") {
            DocKind::Mapping
        } else {
            DocKind::Other
        }
    }

    /// Whether the `target:` of this mapping file names a profile file (not a built-in).
    pub fn uses_profile_file(&self) -> bool {
        top_level_value(&self.text, "target").is_some_and(|t| crate::model::profile::is_path(&t))
    }

    /// The byte offset of a position.
    pub fn offset(&self, position: Position) -> usize {
        self.index.offset(&self.text, position)
    }

    /// The byte span of a range.
    pub fn span(&self, range: Range) -> Span {
        self.index.span(&self.text, range)
    }

    /// The range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        self.index.range(&self.text, span)
    }
}

/// The value of a top-level `key: value` line of a YAML text (or `"key": "value"` in JSON),
/// without quotes: a cheap look that works on documents that do not parse.
pub fn top_level_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line
            .strip_prefix(key)
            .or_else(|| {
                line.trim_start()
                    .trim_start_matches('{')
                    .trim_start()
                    .strip_prefix('"')
                    .and_then(|l| l.strip_prefix(key))
                    .and_then(|l| l.strip_prefix('"'))
            })?
            .trim_start()
            .strip_prefix(':')?;
        let value = rest.split(" #").next().unwrap_or("").trim();
        let value = value.trim_end_matches(',').trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        (!value.is_empty()).then(|| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> Document {
        let uri = Url::parse(&format!("file:///w/{name}")).expect("uri");
        Document::new(uri, text.to_owned(), 1, Encoding::Utf16)
    }

    #[test]
    fn kinds_from_names_and_first_keys() {
        assert_eq!(doc("a.entramap.yaml", "").kind(), DocKind::Mapping);
        assert_eq!(doc("a.yaml", "# c\nentramap: 1\n").kind(), DocKind::Mapping);
        assert_eq!(
            doc("p.yaml", "entramap-target: 1\nname: x\n").kind(),
            DocKind::Profile
        );
        assert_eq!(doc("p.yaml", "name: x\n").kind(), DocKind::Other);
    }

    #[test]
    fn ranged_changes_apply_in_order() {
        let mut d = doc("a.entramap.yaml", "ab\ncd\n");
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_owned(),
        };
        d.apply(2, &[change(1, 0, 1, 1, "ü"), change(1, 1, 1, 1, "😀")]);
        assert_eq!(d.text, "ab\nü😀d\n");
        assert_eq!(d.version, 2);
        assert_eq!(d.offset(Position::new(1, 3)), "ab\nü😀".len());
    }

    /// Many ranged edits in one change, top down (each after the previous one) and bottom up
    /// (each before it), land where editing the text one edit at a time puts them.
    #[test]
    fn many_ranged_edits_land_as_one_at_a_time() {
        let text: String = (0..200).map(|i| format!("line ü{i}\r\n")).collect();
        let change = |line: u32, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, 5), Position::new(line, 6))),
            range_length: None,
            text: text.to_owned(),
        };
        for lines in [
            (0..200).collect::<Vec<u32>>(),
            (0..200).rev().collect(),
            (0..200).map(|i| (i * 7) % 200).collect(),
        ] {
            let changes: Vec<_> = lines.iter().map(|&l| change(l, "😀\n")).collect();
            let mut batched = doc("a.entramap.yaml", &text);
            batched.apply(2, &changes);
            let mut single = doc("a.entramap.yaml", &text);
            for c in &changes {
                single.apply(2, std::slice::from_ref(c));
            }
            assert_eq!(batched.text, single.text);
            assert_eq!(batched.index, LineIndex::new(&single.text, Encoding::Utf16));
        }
    }

    #[test]
    fn top_level_values_without_parsing() {
        assert_eq!(
            top_level_value("a: 1\ntarget: ./p.yaml # c\n", "target").as_deref(),
            Some("./p.yaml")
        );
        assert_eq!(
            top_level_value("{\"entramap\": 1, \n \"target\": \"x.yaml\",", "target").as_deref(),
            Some("x.yaml")
        );
        assert_eq!(top_level_value("users:\n  - target: x\n", "target"), None);
    }
}
