//! Replaying a mapping file on a log: each event's import step holds the source object as Entra
//! read it, so evaluating the file's mappings on it gives the values the file would have sent;
//! a `modifiedProperties` new value that differs shows the log was produced by another mapping
//! (drift). The compiled mappings are the evaluator's ([`crate::expr::eval`]), one per target.

use super::event::Event;
use crate::base::text::SourceText;
use crate::expr::eval::{self, Compiled, EvalContext, Outcome, Value};
use crate::expr::source::ObjectKind;
use crate::model::{MappingKind, Prepared};
use std::collections::HashMap;

/// Where a mapping is in its file, as lint reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MappingRef {
    /// Users or groups.
    pub object: &'static str,
    /// The target attribute.
    pub target: String,
    /// The file.
    pub file: String,
    /// 1-based line of the mapping's value.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// The source attribute, constant or expression as written.
    pub text: String,
}

impl MappingRef {
    /// `file:line:col`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

enum Produce {
    Direct(String),
    Constant(Value),
    Expression(Compiled),
    /// An expression that does not compile: never compared.
    Broken,
}

struct Field {
    at: MappingRef,
    produce: Produce,
    default: Option<String>,
}

/// A mapping file compiled for replay.
pub struct Replayer {
    users: Vec<Field>,
    groups: Vec<Field>,
    context: EvalContext,
}

/// The result of comparing one target of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Index of the mapping ([`Replayer::mapping`]).
    pub mapping: usize,
    /// Users or groups.
    pub kind: ObjectKind,
    /// What the file produces (`None`: the attribute does not flow).
    pub replayed: Option<String>,
    /// What the log says was sent.
    pub logged: Option<String>,
}

impl Comparison {
    /// Whether the log and the file agree.
    pub fn agrees(&self) -> bool {
        match (&self.replayed, &self.logged) {
            (Some(r), Some(l)) => r == l || l == "[Redact]",
            (None, None) => true,
            _ => false,
        }
    }
}

impl Replayer {
    /// Compiles both objects' mappings of `prepared`; `source` is the file's text, for positions.
    /// `now` is what `Now()` returns (replays are reproducible).
    pub fn new(
        prepared: &Prepared,
        source: &SourceText,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Replayer {
        let compile = |kind: ObjectKind| {
            prepared
                .file
                .object(kind)
                .mappings
                .iter()
                .filter_map(|m| {
                    let value = m.kind.as_ref()?;
                    let text = value.text();
                    let position = source.position(text.content_span().start);
                    let produce = match value {
                        MappingKind::Direct(t) => Produce::Direct(t.value.clone()),
                        MappingKind::Constant(t) => Produce::Constant(Value::str(&t.value)),
                        MappingKind::Expression { expr: Some(e), .. } => {
                            eval::compile(e).map_or(Produce::Broken, Produce::Expression)
                        }
                        MappingKind::Expression { expr: None, .. } => Produce::Broken,
                    };
                    Some(Field {
                        at: MappingRef {
                            object: kind.as_str(),
                            target: m.target.value.clone(),
                            file: source.name.clone(),
                            line: position.line,
                            column: position.column,
                            text: text.value.clone(),
                        },
                        produce,
                        default: m.default.as_ref().map(|d| d.value.clone()),
                    })
                })
                .collect::<Vec<_>>()
        };
        Replayer {
            users: compile(ObjectKind::User),
            groups: compile(ObjectKind::Group),
            context: EvalContext::at(now),
        }
    }

    fn fields(&self, kind: ObjectKind) -> &[Field] {
        match kind {
            ObjectKind::User => &self.users,
            ObjectKind::Group => &self.groups,
        }
    }

    /// The mapping `index` of `kind`.
    pub fn mapping(&self, kind: ObjectKind, index: usize) -> &MappingRef {
        &self.fields(kind)[index].at
    }

    /// The number of mappings of `kind`.
    pub fn len(&self, kind: ObjectKind) -> usize {
        self.fields(kind).len()
    }

    /// Whether the file maps nothing.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty()
    }

    /// The mapping of `kind` whose target `attribute` names (exactly, then without regard to
    /// case; `emails` finds `emails[type eq "work"].value`).
    pub fn find(&self, kind: ObjectKind, attribute: &str) -> Option<usize> {
        let fields = self.fields(kind);
        let attribute = attribute.trim();
        fields
            .iter()
            .position(|f| f.at.target == attribute)
            .or_else(|| {
                fields
                    .iter()
                    .position(|f| f.at.target.eq_ignore_ascii_case(attribute))
            })
            .or_else(|| {
                let lower = attribute.to_ascii_lowercase();
                fields.iter().position(|f| {
                    let target = f.at.target.to_ascii_lowercase();
                    target.starts_with(&lower) && target[lower.len()..].starts_with(['[', '.'])
                })
            })
    }

    /// The mapping of `kind` whose target is named in `text` as a word (the longest such name).
    pub fn mentioned(&self, kind: ObjectKind, text: &str) -> Option<usize> {
        let lower = text.to_ascii_lowercase();
        self.fields(kind)
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let target = f.at.target.to_ascii_lowercase();
                lower.match_indices(&target).any(|(i, _)| {
                    let before = lower[..i].chars().next_back();
                    let after = lower[i + target.len()..].chars().next();
                    !before.is_some_and(|c| c.is_alphanumeric())
                        && !after.is_some_and(|c| c.is_alphanumeric())
                })
            })
            .max_by_key(|(_, f)| f.at.target.len())
            .map(|(i, _)| i)
    }

    /// The object kind of an event: its source identity's type, else users.
    pub fn kind_of(event: &Event) -> ObjectKind {
        let kind = |t: &str| t.to_ascii_lowercase().contains("group");
        if kind(&event.source.kind) || kind(&event.target.kind) {
            ObjectKind::Group
        } else {
            ObjectKind::User
        }
    }

    /// Replays the mappings of the event's object on its import step and compares each with the
    /// event's modified property of the same target. Targets the log does not list are not
    /// compared (an update lists only what changed); an event without import values gives none.
    pub fn compare(&self, event: &Event) -> Vec<Comparison> {
        let Some(import) = event.imported() else {
            return Vec::new();
        };
        let kind = Self::kind_of(event);
        let source: HashMap<String, Value> = import
            .details
            .iter()
            .map(|(k, v)| (k.clone(), Value::str(v)))
            .collect();
        let mut out = Vec::new();
        for property in &event.modified {
            let Some(index) = self.find(kind, &property.name) else {
                continue;
            };
            let field = &self.fields(kind)[index];
            let replayed = match &field.produce {
                Produce::Broken => continue,
                Produce::Direct(name) => source
                    .get(name)
                    .and_then(|v| v.text().map(|t| t.into_owned())),
                Produce::Constant(v) => v.text().map(|t| t.into_owned()),
                Produce::Expression(compiled) => match compiled.eval(&source, &self.context) {
                    Ok(Outcome::Flows { value, redacted }) => {
                        if redacted {
                            Some("[Redact]".to_owned())
                        } else {
                            text_of(&value)
                        }
                    }
                    Ok(Outcome::NotFlowing { .. }) | Err(_) => None,
                },
            };
            let replayed = replayed
                .filter(|v| !v.is_empty())
                .or_else(|| field.default.clone());
            out.push(Comparison {
                mapping: index,
                kind,
                replayed,
                logged: property.new.clone(),
            });
        }
        out
    }
}

/// A value's text as a log writes it: several values joined by `,`.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Multi(values) => Some(
            values
                .iter()
                .filter_map(|v| v.text().map(|t| t.into_owned()))
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => other.text().map(|t| t.into_owned()),
    }
}
