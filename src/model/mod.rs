//! The mapping model: one Entra enterprise application's provisioning configuration (target
//! profile, scope, extra source and target attributes, the user and group object mappings), as
//! read from YAML or JSON with the location of every value; the target paths it names
//! ([`target_path`]), the target profiles it resolves against ([`profile`]), the JSON Schema of
//! its file formats ([`schema`]) and the resolved file plus profile every consumer reads
//! ([`prepared`]).
//!
//! [`load_str`] reads a file's text and keeps going past errors: it returns the model it could
//! build together with located diagnostics. Commands other than `lint` (`table`, `docs`,
//! `export`, `diff`, `preview`) build on [`Prepared`].

pub mod catalogue;
pub mod load;
pub mod prepared;
pub mod profile;
pub mod schema;
pub mod scim;
pub mod scoping;
pub mod starter;
pub mod target_path;
pub mod tree;

use crate::base::text::Span;
use crate::expr::source::{ByObject, ObjectKind, SourceAttribute};
use crate::expr::syntax::Expr;
use crate::model::profile::TargetAttribute;
use load::spans::OffsetMap;

pub use load::{load_str, read_mapping_file, read_mapping_file_encoded, Loaded, MAX_FILE_BYTES};
pub use prepared::{
    prepare, prepare_file, prepare_text, prepare_with_profile, PrepareError, Prepared,
};

/// The only format version there is.
pub const FORMAT_VERSION: i64 = 1;

/// A value and where it is written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Its span in the file (for a string, the whole scalar including quotes).
    pub span: Span,
}

impl<T> Located<T> {
    /// A value at a span.
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

/// A string value that diagnostics may point inside of (targets, expressions, sources,
/// constants): the decoded text and a map from its byte offsets to file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The decoded string.
    pub value: String,
    /// The whole scalar in the file.
    pub span: Span,
    /// Decoded offsets to file offsets.
    pub offsets: OffsetMap,
}

impl Text {
    /// The file span of a span within [`Text::value`].
    pub fn file_span(&self, inner: Span) -> Span {
        self.offsets.map(inner)
    }

    /// The file span of the decoded text itself (without quotes).
    pub fn content_span(&self) -> Span {
        self.file_span(Span::new(0, self.value.len()))
    }
}

/// Which syntax a mapping file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// `*.entramap.yaml`, `*.entramap.yml` (and anything not named `.json`).
    Yaml,
    /// `*.entramap.json`.
    Json,
}

impl FileFormat {
    /// The format a file name implies.
    pub fn of_name(name: &str) -> Self {
        if name.to_ascii_lowercase().ends_with(".json") {
            FileFormat::Json
        } else {
            FileFormat::Yaml
        }
    }
}

/// "Sync only assigned users and groups" or "Sync all users and groups".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Only assigned users and groups (Entra's default).
    #[default]
    Assigned,
    /// Every user and group in the tenant.
    All,
}

/// "Apply this mapping".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Apply {
    /// On create and update (the default).
    #[default]
    Always,
    /// "Only during object creation".
    OnCreate,
}

/// A suppression: `{rule, reason}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The rule id suppressed.
    pub rule: Located<String>,
    /// Why (required).
    pub reason: Located<String>,
    /// The whole entry.
    pub span: Span,
}

/// A declared extra Entra source attribute (`source_attributes`), typically a directory extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAttributeDecl {
    /// The attribute as the source schema sees it.
    pub attribute: SourceAttribute,
    /// Where the name is written.
    pub name_span: Span,
    /// The whole entry.
    pub span: Span,
}

/// A declared addition to the target attribute list (`target_attributes`, the portal's
/// "Edit attribute list").
#[derive(Debug, Clone, PartialEq)]
pub struct TargetAttributeDecl {
    /// The attribute as the target profile sees it.
    pub attribute: TargetAttribute,
    /// The name, with offsets for diagnostics inside it.
    pub name: Text,
    /// Where `type:` is written, if it is.
    pub type_span: Option<Span>,
    /// Where `multivalued:` is written, if it is.
    pub multivalued_span: Option<Span>,
    /// The whole entry.
    pub span: Span,
}

/// Per-object lists (`users:` / `groups:`).
pub type PerObject<T> = ByObject<Vec<T>>;

/// How an attribute mapping produces its value (the portal's "Mapping type").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingKind {
    /// *Direct*: one source attribute.
    Direct(Text),
    /// *Expression*: the text and, when it parses, its syntax tree (spans relative to the text;
    /// place them in the file with [`Text::file_span`]).
    Expression {
        /// The expression as written (decoded from YAML/JSON).
        text: Text,
        /// The parsed expression, if it parses.
        expr: Option<Expr>,
    },
    /// *Constant*: a fixed string.
    Constant(Text),
}

impl MappingKind {
    /// The value's text, whatever the kind.
    pub fn text(&self) -> &Text {
        match self {
            MappingKind::Direct(t)
            | MappingKind::Constant(t)
            | MappingKind::Expression { text: t, .. } => t,
        }
    }

    /// The mapping-file key of this kind (`source`, `expression`, `constant`).
    pub fn key(&self) -> &'static str {
        match self {
            MappingKind::Direct(_) => "source",
            MappingKind::Expression { .. } => "expression",
            MappingKind::Constant(_) => "constant",
        }
    }

    /// The value on one line: the source attribute name, the expression in canonical form (as
    /// written, whitespace collapsed, when it does not parse), or the constant in quotes. What
    /// the setup tables, the SCIM docs and the diff show.
    pub fn one_line(&self) -> String {
        match self {
            MappingKind::Direct(text) => text.value.clone(),
            MappingKind::Expression {
                expr: Some(expr), ..
            } => crate::expr::syntax::print(expr),
            MappingKind::Expression { text, expr: None } => {
                text.value.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            MappingKind::Constant(text) => format!("\"{}\"", text.value),
        }
    }
}

/// One attribute mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeMapping {
    /// The target attribute name.
    pub target: Text,
    /// Where the value comes from (`None` when the entry has none or it is invalid).
    pub kind: Option<MappingKind>,
    /// "Default value if null".
    pub default: Option<Located<String>>,
    /// "Matching precedence" (present when the mapping is a matching attribute).
    pub matching_precedence: Option<Located<i64>>,
    /// "Apply this mapping".
    pub apply: Located<Apply>,
    /// Free text for the docs.
    pub note: Option<Located<String>>,
    /// Suppressions for this mapping.
    pub allow: Vec<Allow>,
    /// The whole entry.
    pub span: Span,
}

/// One scoping-filter clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The source attribute tested.
    pub attribute: Located<String>,
    /// The operator as written (`EQUALS`, `IS TRUE`, ...).
    pub operator: Located<String>,
    /// The value, when one is written.
    pub value: Option<Located<String>>,
    /// The whole clause.
    pub span: Span,
}

/// The user or group object mapping.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectMapping {
    /// Whether the file has this key at all.
    pub present: bool,
    /// Whether it is enabled (default true).
    pub enabled: bool,
    /// Where `enabled:` is written, if it is.
    pub enabled_span: Option<Span>,
    /// Scoping filter: groups of clauses; AND inside a group, OR between groups.
    pub scoping: Vec<Vec<Clause>>,
    /// The attribute mappings.
    pub mappings: Vec<AttributeMapping>,
    /// Where the object mapping's value starts.
    pub span: Span,
}

/// A whole mapping file.
#[derive(Debug, Clone, PartialEq)]
pub struct MappingFile {
    /// YAML or JSON.
    pub format: FileFormat,
    /// `entramap:` (the format version).
    pub version: Option<Located<i64>>,
    /// `app:`.
    pub app: Option<Located<String>>,
    /// `target:`: a built-in profile name or a path relative to the file.
    pub target: Option<Located<String>>,
    /// `scope:`.
    pub scope: Option<Located<Scope>>,
    /// `target_directory:`: the app's directory name in the Graph synchronization schema.
    pub target_directory: Option<Located<String>>,
    /// `source_attributes:`.
    pub source_attributes: PerObject<SourceAttributeDecl>,
    /// `target_attributes:`.
    pub target_attributes: PerObject<TargetAttributeDecl>,
    /// `users:` and `groups:`.
    pub objects: ByObject<ObjectMapping>,
    /// `allow:` (file-wide suppressions).
    pub allow: Vec<Allow>,
}

impl MappingFile {
    /// The scope (Entra's default `assigned` when not written).
    pub fn scope(&self) -> Scope {
        self.scope.as_ref().map_or(Scope::Assigned, |s| s.value)
    }

    /// The target profile reference (default `scim-core`).
    pub fn target_profile(&self) -> &str {
        self.target
            .as_ref()
            .map_or(crate::model::profile::DEFAULT_PROFILE, |t| t.value.as_str())
    }

    /// The object mapping of one kind.
    pub fn object(&self, kind: ObjectKind) -> &ObjectMapping {
        self.objects.of(kind)
    }

    /// The number of attribute mappings of both objects.
    pub fn mapping_count(&self) -> usize {
        self.objects.users.mappings.len() + self.objects.groups.mappings.len()
    }

    /// Every attribute mapping, users' first.
    pub fn mappings(&self) -> impl Iterator<Item = &AttributeMapping> {
        self.objects
            .users
            .mappings
            .iter()
            .chain(&self.objects.groups.mappings)
    }
}
