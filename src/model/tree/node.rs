//! A located document tree shared by the YAML and JSON readers: every node knows the byte
//! offset where it starts in the file (and, for scalars, how many bytes it covers), so the model
//! builder reports every problem at its place.

use crate::base::escape::{self, Dialect};
use crate::base::text::Span;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// Deepest nesting of collections accepted in a mapping file.
pub const MAX_DEPTH: usize = 64;

/// One value of the document with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// Where its text is in the file: the whole scalar (with quotes), or the first byte of a
    /// collection. For a value read through a YAML alias (`*name`) or merge key (`<<: *name`),
    /// the anchored text it repeats: an edit there is seen by every alias, and nothing ever
    /// writes into the alias itself.
    pub span: Span,
    /// Whether the value was read through a YAML alias or merge key rather than where it is
    /// written.
    pub aliased: bool,
}

/// The kinds of value.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in file order (duplicate keys kept, so they can be reported).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value of `key` when this node is a mapping that has it (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at a path of mapping keys and list indexes, or the deepest one the path reaches.
    pub fn deepest(&self, path: &[&str]) -> &Node {
        let mut node = self;
        for step in path {
            let next = match &node.kind {
                NodeKind::Seq(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => node.get(step),
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }
}

impl NodeKind {
    /// What kind of value this is, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a decimal number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// A YAML value read through serde-saphyr, before its location is attached.
struct YamlValue(NodeKind);

struct YamlVisitor;

fn located(spanned: Spanned<YamlValue>) -> Node {
    let bytes = |span: serde_saphyr::Span| {
        let start = span.byte_offset().unwrap_or(0) as usize;
        Span::new(start, start + span.byte_len().unwrap_or(0) as usize)
    };
    let referenced = bytes(spanned.referenced.span());
    let defined = spanned
        .defined
        .span()
        .byte_offset()
        .map(|_| bytes(spanned.defined.span()))
        .unwrap_or(referenced);
    Node {
        kind: spanned.value.0,
        span: defined,
        aliased: defined != referenced,
    }
}

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = YamlValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<YamlValue, D::Error> {
        YamlValue::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Int(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<YamlValue, E> {
        Ok(YamlValue(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<YamlValue, E> {
        Ok(YamlValue(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<YamlValue, E> {
        Ok(YamlValue(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Str(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Str(v)))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<YamlValue, E> {
        Ok(YamlValue(NodeKind::Str(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<YamlValue>>()? {
            items.push(located(item));
        }
        Ok(YamlValue(NodeKind::Seq(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<YamlValue>>()? {
            let value = map.next_value::<Spanned<YamlValue>>()?;
            entries.push((located(key), located(value)));
        }
        Ok(YamlValue(NodeKind::Map(entries)))
    }
}

/// A reader failure: a message and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What went wrong.
    pub message: String,
    /// Where (a position when the reader knows only that).
    pub span: Span,
    /// Whether a resource limit (size, depth, aliases) was hit rather than a syntax error.
    pub limit: bool,
}

/// Reads a YAML document. Aliases, depth and size are bounded (a billion-laughs file fails fast).
pub fn read_yaml(text: &str) -> Result<Node, SyntaxError> {
    let limits = serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        max_aliases: 1_000,
        max_anchors: 1_000,
        max_events: 2_000_000,
        max_nodes: 1_000_000,
        max_documents: 1,
    };
    let options = serde_saphyr::options! {
        budget: limits,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
        },
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
        ignore_binary_tag_for_string: true,
    };
    let result = serde_saphyr::from_str_with_options::<Spanned<YamlValue>>(text, options);
    let result = result.map(located);
    if let Ok(node) = &result {
        if let Some(span) = binary_scalar(text, node) {
            return Err(SyntaxError {
                message: "a `!!binary` scalar: entramap does not decode base64 in mapping files; \
                          write the text itself"
                    .to_owned(),
                span,
                limit: false,
            });
        }
    }
    result.map_err(|error| {
        let offset = error
            .location()
            .and_then(|l| {
                l.span()
                    .byte_offset()
                    .map(|o| o as usize)
                    .or_else(|| offset_of_line_column(text, l.line(), l.column()))
            })
            .unwrap_or(0)
            .min(text.len());
        let message = error.without_snippet().to_string();
        let message = message
            .split_once(": ")
            .filter(|(head, _)| head.starts_with("line "))
            .map_or(message.as_str(), |(_, rest)| rest)
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .to_owned();
        let lower = message.to_lowercase();
        let limit = ["budget", "limit", "exceeded", "too many", "depth"]
            .iter()
            .any(|w| lower.contains(w));
        SyntaxError {
            message,
            span: Span::new(offset, offset),
            limit,
        }
    })
}

/// The first string scalar tagged `!!binary` (read undecoded), if any.
fn binary_scalar(text: &str, node: &Node) -> Option<Span> {
    const TAGS: [&str; 2] = ["!!binary", "!<tag:yaml.org,2002:binary>"];
    match &node.kind {
        NodeKind::Str(_) => {
            let before = text.get(..node.span.start)?.trim_end();
            let at = text.get(node.span.start..)?;
            TAGS.iter()
                .any(|tag| before.ends_with(tag) || at.starts_with(tag))
                .then_some(node.span)
        }
        NodeKind::Seq(items) => items.iter().find_map(|n| binary_scalar(text, n)),
        NodeKind::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| binary_scalar(text, k).or_else(|| binary_scalar(text, v))),
        _ => None,
    }
}

/// The byte offset of a 1-based line and character column (as YAML readers report them), if
/// the text has the line; a column past the line's end is its end.
pub fn offset_of_line_column(text: &str, line: u64, column: u64) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(usize::try_from(line - 2).ok()?)
            .map(|(i, _)| i + 1)?
    };
    let rest = &text[line_start..];
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let skip = usize::try_from(column.saturating_sub(1)).ok()?;
    Some(line_start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i))
}

/// Reads a JSON document with a small span-aware reader: `serde_json` gives no positions, and
/// the span-aware JSON crates are young or unmaintained, while JSON's grammar is small.
pub fn read_json(text: &str) -> Result<Node, SyntaxError> {
    let mut reader = JsonReader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.blank();
    let node = reader.value(0)?;
    reader.blank();
    if reader.pos < text.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(node)
}

struct JsonReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl JsonReader<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: message.to_owned(),
            span: Span::new(self.pos, self.pos),
            limit: false,
        }
    }

    fn blank(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn node(&self, kind: NodeKind, start: usize) -> Node {
        Node {
            kind,
            span: Span::new(start, self.pos),
            aliased: false,
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError {
                limit: true,
                ..self.error(&format!("nesting deeper than {MAX_DEPTH} levels"))
            });
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.blank();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Node {
                        span: Span::new(start, start + 1),
                        ..self.node(NodeKind::Map(entries), start)
                    });
                }
                loop {
                    self.blank();
                    if self.bytes.get(self.pos) != Some(&b'"') {
                        return Err(self.error("expected a quoted key"));
                    }
                    let key = self.string()?;
                    self.blank();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return Err(self.error("expected `:` after the key"));
                    }
                    self.pos += 1;
                    self.blank();
                    let value = self.value(depth + 1)?;
                    entries.push((key, value));
                    self.blank();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
                Ok(Node {
                    span: Span::new(start, start + 1),
                    ..self.node(NodeKind::Map(entries), start)
                })
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.blank();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Node {
                        span: Span::new(start, start + 1),
                        ..self.node(NodeKind::Seq(items), start)
                    });
                }
                loop {
                    self.blank();
                    items.push(self.value(depth + 1)?);
                    self.blank();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
                Ok(Node {
                    span: Span::new(start, start + 1),
                    ..self.node(NodeKind::Seq(items), start)
                })
            }
            Some(b'"') => self.string(),
            Some(b't') => self.word("true", NodeKind::Bool(true)),
            Some(b'f') => self.word("false", NodeKind::Bool(false)),
            Some(b'n') => self.word("null", NodeKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of the file")),
        }
    }

    fn word(&mut self, word: &str, kind: NodeKind) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(self.node(kind, start))
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        while matches!(
            self.bytes.get(self.pos),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        let kind = match raw.parse::<i64>() {
            Ok(n) => NodeKind::Int(n),
            Err(_) => NodeKind::Float(raw.parse::<f64>().map_err(|_| SyntaxError {
                span: Span::new(start, self.pos),
                ..self.error("invalid number")
            })?),
        };
        Ok(self.node(kind, start))
    }

    fn string(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.text[self.pos..].chars().next() else {
                return Err(SyntaxError {
                    span: Span::new(start, start),
                    ..self.error("unterminated string")
                });
            };
            self.pos += c.len_utf8();
            match c {
                '"' => break,
                '\\' => out.push(self.escape()?),
                c if (c as u32) < 0x20 => return Err(self.error("control character in a string")),
                c => out.push(c),
            }
        }
        Ok(self.node(NodeKind::Str(out), start))
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let rest = &self.text[self.pos..];
        if rest.is_empty() {
            return Err(self.error("unterminated string"));
        }
        if let Some((c, taken)) = escape::decode(rest, Dialect::Json) {
            self.pos += taken;
            return Ok(c);
        }
        let unicode = rest.starts_with('u');
        self.pos += 1;
        Err(self.error(if unicode {
            "bad \\u escape"
        } else {
            "invalid escape"
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nodes_carry_spans_and_styles() {
        let text = "a: 'x'\nb: [1, two]\n";
        let node = read_yaml(text).unwrap_or_else(|e| panic!("{e:?}"));
        let NodeKind::Map(entries) = node.kind else {
            panic!("not a map")
        };
        assert_eq!(&text[entries[0].1.span.start..entries[0].1.span.end], "'x'");
        assert!(matches!(&entries[1].1.kind, NodeKind::Seq(items) if items.len() == 2));
    }

    #[test]
    fn json_reader_reads_escapes_and_rejects_garbage() {
        let node = read_json(r#"{"a": "x\"\u00e9", "b": [1, 2.5, true, null]}"#)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let NodeKind::Map(entries) = node.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[0].1.kind, NodeKind::Str("x\"é".into()));
        assert!(read_json("{\"a\": }").is_err());
        assert!(read_json(&"[".repeat(100)).is_err_and(|e| e.limit));
    }

    /// `levels` anchors, each a list of ten aliases of the one before: 10^levels scalars.
    fn laughs(levels: usize) -> String {
        let mut text = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..levels {
            let aliases = vec![format!("*l{}", i - 1); 10].join(", ");
            text.push_str(&format!("l{i}: &l{i} [{aliases}]\n"));
        }
        text
    }

    /// A billion laughs (10^9 scalars) and a far larger one (10^30) are refused by the alias
    /// budget with the same error at the same place: the reader stops after the same bounded
    /// work (100,000 replayed events) whatever the expansion would be, not after a time.
    #[test]
    fn billion_laughs_is_refused_within_the_alias_budget() {
        let billion = read_yaml(&laughs(9)).expect_err("refused");
        let larger = read_yaml(&laughs(30)).expect_err("refused");
        assert!(billion.limit, "{billion:?}");
        assert_eq!(billion, larger);
        let text = laughs(9);
        let stop = text.match_indices('\n').nth(5).map_or(0, |(i, _)| i);
        assert!(
            billion.span.start <= stop,
            "stopped at byte {} of {}: {billion:?}",
            billion.span.start,
            text.len()
        );
    }
}
