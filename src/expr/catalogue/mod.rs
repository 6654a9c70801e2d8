//! The function catalogue: every function of the expression language declared once, grouped by
//! family (`text.rs`, `logic.rs`, `dates.rs`, `values.rs`). A declaration holds the signature
//! (parameters with their Graph keys, arity, return type), the contexts, placement, where the
//! signature comes from, the checks beyond arity and types, what the function does (its
//! semantics, also where Microsoft's docs are silent) and its implementation, which sits beside
//! it in the same file. Also here: the Entra Connect Sync names that are *not* functions, and the
//! evaluator's cross-cutting semantic choices ([`CHOICES`]). [`functions`] lists them all.
//!
//! To add a function: one `function!` entry in its family's table, its implementation beside it,
//! and test rows (`tests/fixtures/expressions/`); `docs/evaluator.md` is regenerated from here.

mod dates;
mod logic;
mod text;
mod values;

/// What every family file uses: the declaration vocabulary of this module and the evaluation
/// machine its implementations run on.
mod prelude {
    pub(super) use super::{
        fixed, function, literal_int, opt, p, range, Arity, Contexts, Function, ParamKind,
        Placement, Returns, ANY, AP, BOOL, CS, CS_DOC, DATE, GRAPH_DOC, HR, INT, INTERVAL, MV,
        ORIGIN_CS, ORIGIN_ROLES, ORIGIN_SERVICE, ORIGIN_SERVICE_ONLY, ROLES, ROLES_DOC, S, STR,
    };
    pub(super) use crate::base::text::Span;
    pub(super) use crate::diagnostics::rules::RuleId;
    pub(super) use crate::diagnostics::Diagnostic;
    pub(super) use crate::expr::dotnet_regex::{self, Replacement};
    pub(super) use crate::expr::runtime::datetime::{self, Interval, Stamp, Styles};
    pub(super) use crate::expr::runtime::text::{self, Culture};
    pub(super) use crate::expr::runtime::{
        bool_value, check_len, fail, int_of, map_text, owned, single_text, str_value, transform,
        truth, AppRole, CallNode, CompiledPattern, Flow, Frame, IifNullPolicy, NoFlowReason, Node,
        NodeKind, Precomputed, Stop, Value, MAX_TEXT_BYTES, MAX_VALUES, ROLE_TYPE,
    };
    pub(super) use crate::expr::syntax::{Arg, Call, Expr};
    pub(super) use crate::expr::types::{Base, Type};
    pub(super) use base64::Engine as _;
    pub(super) use rand::RngExt as _;
    pub(super) use regex::Regex;
    pub(super) use std::borrow::Cow;
    pub(super) use std::sync::Arc;
}

use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::runtime::{Prepare, Run};
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{Call, ExprKind};
use crate::expr::types::{Base, Type};
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, OnceLock};

/// Where an expression runs; each picks a different function list.
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// Outbound app provisioning (Entra ID to a SaaS or SCIM app). The default.
    #[default]
    AppProvisioning,
    /// Inbound HR provisioning (Workday, SuccessFactors, API-driven) to AD or Entra ID.
    HrInbound,
    /// Entra Cloud Sync (AD to Entra ID and Entra ID to AD).
    CloudSync,
}

impl Context {
    /// The bit of this context in a [`Contexts`] set.
    const fn bit(self) -> u8 {
        match self {
            Context::AppProvisioning => 1,
            Context::HrInbound => 2,
            Context::CloudSync => 4,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::AppProvisioning => "app-provisioning",
            Context::HrInbound => "hr-inbound",
            Context::CloudSync => "cloud-sync",
        }
    }

    /// Every context.
    pub const ALL: [Context; 3] = [
        Context::AppProvisioning,
        Context::HrInbound,
        Context::CloudSync,
    ];
}

/// A set of contexts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contexts(u8);

impl Contexts {
    /// Whether `context` is in the set.
    pub const fn contains(self, context: Context) -> bool {
        self.0 & context.bit() != 0
    }

    /// The contexts in the set, by name.
    pub fn names(self) -> Vec<&'static str> {
        Context::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .map(Context::as_str)
            .collect()
    }
}

const AP: u8 = 1;
const HR: u8 = 2;
const CS: u8 = 4;

/// What an argument slot accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One value of this base type (numbers arrive as strings and convert).
    Value(Base),
    /// Anything.
    Any,
    /// A comparison or a Boolean.
    Condition,
    /// A multi-valued value (an attribute or `Split`).
    MultiValue,
    /// The `[appRoleAssignments]` attribute itself.
    AppRoleAssignments,
    /// One of a fixed set of words, written as a string literal or as a bare identifier.
    Enum {
        /// The allowed values (compared case-sensitively).
        values: &'static [&'static str],
        /// Written as a bare identifier (`vbTextCompare`) rather than a string (`"d"`).
        bare: bool,
        /// The rule a value outside the set is reported under.
        rule: RuleId,
    },
    /// A regular expression (.NET syntax) given as a string.
    Regex,
}

/// One parameter of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The name in Microsoft's reference.
    pub name: &'static str,
    /// What it accepts.
    pub kind: ParamKind,
    /// Whether the slot must hold a value (an optional slot may be left empty: `, ,`).
    pub required: bool,
    /// The `key` of this argument in a Graph source tree (`parameters[].key`). Where the
    /// service's own function list (`GET .../schema/functions`) or a real job schema shows the
    /// key, it is that; otherwise the reference name (inferred; see `docs/graph-wire-format.md`).
    pub key: &'static str,
}

impl Param {
    /// The same parameter under another Graph key.
    pub const fn key(self, key: &'static str) -> Param {
        Param { key, ..self }
    }
}

/// How many arguments a function takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Between `min` and the number of parameters.
    Range {
        /// The fewest arguments.
        min: usize,
    },
    /// The last `group` parameters repeat, at least `min_groups` times.
    Repeat {
        /// How many trailing parameters form the repeated group.
        group: usize,
        /// The fewest repetitions.
        min_groups: usize,
    },
}

/// How the result type is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Always this type.
    Fixed(Type),
    /// The common type of these arguments.
    Args(&'static [usize]),
    /// The common type of all arguments.
    AllArgs,
    /// The common type of Switch's default and values.
    SwitchValues,
    /// The function raises an error and returns nothing.
    Never,
}

/// Where in an expression a function may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Anywhere.
    Anywhere,
    /// Only as the whole expression (documented).
    WholeExpression,
    /// Only ever seen as the whole expression; nested meaning undefined (warning).
    WholeExpressionRecommended,
}

/// One function of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    /// The canonical (case-sensitive) name.
    pub name: &'static str,
    /// Parameters in order.
    pub params: &'static [Param],
    /// Argument count rule.
    pub arity: Arity,
    /// Result type.
    pub returns: Returns,
    /// Contexts where the function exists.
    pub contexts: Contexts,
    /// Where it may stand.
    pub placement: Placement,
    /// False for names only seen in the Graph functions catalogue, not in Microsoft's reference.
    pub documented: bool,
    /// One sentence on what it does.
    pub summary: &'static str,
    /// Microsoft's reference page for it.
    pub doc: &'static str,
    /// Where the signature (parameters, arity, contexts, Graph keys) comes from.
    pub origin: &'static str,
    /// Checks of this function beyond arity and argument types (beside its declaration).
    pub checks: &'static [SpecialCheck],
    /// The finding for a wrong argument count, when the function has one of its own (Switch's
    /// key/value pairs); otherwise the general `argument-count`.
    pub count_check: Option<CountCheck>,
    /// What it does when evaluated, including the choices made where Microsoft's docs leave
    /// behaviour open (`docs/evaluator.md` lists it).
    pub semantics: &'static str,
    /// The implementation.
    pub(crate) run: Run,
    /// The implementation's compile-time step, when it has one.
    pub(crate) prepare: Option<Prepare>,
    /// A single-valued text transform that applies per value to a multi-valued source (the
    /// `multi-valued` choice of `docs/evaluator.md` lists these).
    pub per_value: bool,
}

/// Checks specific to one function, beyond arity and argument types: one entry per check. It
/// sees the call and the inferred type of each argument (`None` for an empty slot).
pub type SpecialCheck = fn(&Call, &[Option<Type>]) -> Option<Diagnostic>;

/// The integer value of argument `index` when it is a literal (for the special checks).
fn literal_int(call: &Call, index: usize) -> Option<i64> {
    match &call.args.get(index)?.value()?.kind {
        ExprKind::Number(n) => n.parse().ok(),
        ExprKind::Str(raw) => decode_string(raw).trim().parse().ok(),
        _ => None,
    }
}

/// A function's own argument-count finding.
pub type CountCheck = fn(&Call, &Function) -> Diagnostic;

const fn p(name: &'static str, kind: ParamKind) -> Param {
    Param {
        name,
        kind,
        required: true,
        key: name,
    }
}

const fn opt(name: &'static str, kind: ParamKind) -> Param {
    Param {
        name,
        kind,
        required: false,
        key: name,
    }
}

const STR: ParamKind = ParamKind::Value(Base::String);
const INT: ParamKind = ParamKind::Value(Base::Integer);
const BOOL: ParamKind = ParamKind::Value(Base::Boolean);
const DATE: ParamKind = ParamKind::Value(Base::DateTime);
const ANY: ParamKind = ParamKind::Any;
const MV: ParamKind = ParamKind::MultiValue;
const ROLES: ParamKind = ParamKind::AppRoleAssignments;

/// The DateAdd/DateDiff interval codes.
pub const DATE_INTERVALS: &[&str] = &["yyyy", "m", "d", "ww", "h", "n", "s"];
const INTERVAL: ParamKind = ParamKind::Enum {
    values: DATE_INTERVALS,
    bare: false,
    rule: RuleId::InvalidDateInterval,
};

const AP_DOC: &str = "https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data";
const CS_DOC: &str =
    "https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/reference-expressions";
const ROLES_DOC: &str =
    "https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes";
const GRAPH_DOC: &str =
    "https://learn.microsoft.com/graph/api/synchronization-synchronizationschema-functions";

const fn range(min: usize) -> Arity {
    Arity::Range { min }
}

const fn fixed(t: Type) -> Returns {
    Returns::Fixed(t)
}

const S: Type = Type::STRING;

/// Declares one function: name, parameters, arity, return type, contexts, summary, then its
/// implementation and semantics, then any of the optional fields of [`Options`].
macro_rules! function {
    ($name:literal, [$($param:expr),* $(,)?], $arity:expr, $returns:expr, $ctx:expr, $summary:literal,
     run: $run:expr, semantics: $semantics:expr $(, $field:ident : $value:expr)* $(,)?) => {{
        let options = $crate::expr::catalogue::Options { $($field: $value,)* ..$crate::expr::catalogue::OPTIONS };
        Function {
            name: $name,
            params: &[$($param),*],
            arity: $arity,
            returns: $returns,
            contexts: Contexts($ctx),
            summary: $summary,
            semantics: $semantics,
            run: $run,
            prepare: options.prepare,
            placement: options.placement,
            documented: options.documented,
            doc: options.doc,
            origin: options.origin,
            checks: options.checks,
            count_check: options.count_check,
            per_value: options.per_value,
        }
    }};
}
use function;

/// The optional fields of a declaration, with their defaults in [`OPTIONS`].
struct Options {
    placement: Placement,
    documented: bool,
    doc: &'static str,
    origin: &'static str,
    checks: &'static [SpecialCheck],
    count_check: Option<CountCheck>,
    prepare: Option<Prepare>,
    per_value: bool,
}

/// A declaration's defaults: placed anywhere, documented in the app provisioning reference,
/// no special checks, no compile-time step.
const OPTIONS: Options = Options {
    placement: Placement::Anywhere,
    documented: true,
    doc: AP_DOC,
    origin: ORIGIN_AP,
    checks: &[],
    count_check: None,
    prepare: None,
    per_value: false,
};

/// The app provisioning function reference (and, for the functions it lists, the Cloud Sync one).
const ORIGIN_AP: &str =
    "signature: functions-for-customizing-application-data.md (MicrosoftDocs/entra-docs)";
/// The Cloud Sync function reference.
const ORIGIN_CS: &str = "signature: cloud-sync reference-expressions.md (MicrosoftDocs/entra-docs)";
/// The service's own function list and the app provisioning reference.
const ORIGIN_SERVICE: &str = "signature and Graph keys: the service's GET .../schema/functions response (tests/fixtures/graph-real/msgraph-functions-full-response.json) and functions-for-customizing-application-data.md";
/// Only the service's own function list.
const ORIGIN_SERVICE_ONLY: &str = "signature and Graph keys: the service's GET .../schema/functions response only (tests/fixtures/graph-real/msgraph-functions-full-response.json)";
/// The app roles page, and the Graph key of the complex app role functions.
const ORIGIN_ROLES: &str = "signature: customize-application-attributes.md (MicrosoftDocs/entra-docs); Graph key `source`, as a public script that PUTs these trees to real jobs writes it and as the service's function list keys SingleAppRoleAssignment and AppRoleAssignments (import also reads the older `appRoleAssignments`)";

/// Every function, documented ones first, each group by name ignoring case (the order of listings
/// and docs). FormatDateTime has two entries, the 4-argument form and the 3-argument form of the
/// service's function list, both in every context; a call binds to the form its argument count
/// fits.
static ALL: LazyLock<Vec<&'static Function>> = LazyLock::new(|| {
    let mut all: Vec<&'static Function> = [text::TEXT, logic::LOGIC, dates::DATES, values::VALUES]
        .into_iter()
        .flatten()
        .collect();
    all.sort_by_cached_key(|f| (!f.documented, f.name.to_ascii_lowercase()));
    all
});

/// Every function of the catalogue (see [`ALL`] for the order).
pub fn functions() -> impl Iterator<Item = &'static Function> + Clone {
    ALL.iter().copied()
}

/// The implementation a call of `name` runs: exact name first, then ignoring letter case (the
/// checker reports the case; the evaluator runs the function). All forms of one function share
/// it.
pub fn implementation(name: &str) -> Option<&'static Function> {
    functions()
        .find(|f| f.name == name)
        .or_else(|| functions().find(|f| f.name.eq_ignore_ascii_case(name)))
}

/// Names from Entra Connect Sync's declarative provisioning language that do not exist here,
/// with what to use instead.
pub static CONNECT_SYNC_ONLY: &[(&str, &str)] = &[
    ("LCase", "use ToLower(value)"),
    ("UCase", "use ToUpper(value)"),
    (
        "Len",
        "there is no length function; Mid and Left take lengths",
    ),
    ("Right", "use Mid(value, start, length)"),
    ("Contains", "use InStr(value, search) > 0 inside IIF"),
    ("CRef", "reference values cannot be constructed here"),
    ("ItemOrNull", "use Item(list, index)"),
    ("PadLeft", "there is no padding function"),
    ("PadRight", "there is no padding function"),
    (
        "LTrim",
        "use StripSpaces(value), or Trim(value) in Cloud Sync",
    ),
    (
        "RTrim",
        "use StripSpaces(value), or Trim(value) in Cloud Sync",
    ),
    ("CNum", "numbers are strings here; pass the value as it is"),
    ("CGuid", "there is no GUID conversion"),
    ("IsNumeric", "there is no numeric test"),
    ("IsDate", "there is no date test"),
    ("IsEmpty", "use IsNullOrEmpty(value)"),
    ("EscapeDNComponent", "use Replace to escape DN characters"),
    ("DNComponentRev", "use DNComponent in Cloud Sync"),
    ("InStrRev", "use InStr"),
    ("ReplaceChars", "use Replace"),
    ("BitOr", "only BitAnd exists"),
    ("RandomNum", "use RandomString"),
    ("Select", "there are no lambdas"),
    ("Where", "there are no lambdas"),
    ("With", "there are no variables"),
    ("StringFromGuid", "there is no GUID conversion"),
    ("ConvertFromUTF8Hex", "only ConvertToUTF8Hex exists"),
    ("IsBitSet", "use BitAnd(value, mask) > 0 inside IIF"),
    ("IsGuid", "there is no GUID test"),
];

/// The catalogue entry for `name` in `context`; if the name exists only in other contexts, the
/// first such entry.
pub fn lookup(name: &str, context: Context) -> Option<&'static Function> {
    static INDEX: OnceLock<FxHashMap<&'static str, Vec<&'static Function>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: FxHashMap<&'static str, Vec<&'static Function>> = FxHashMap::default();
        for f in functions() {
            index.entry(f.name).or_default().push(f);
        }
        index
    });
    let entries = index.get(name)?;
    entries
        .iter()
        .find(|f| f.contexts.contains(context))
        .or_else(|| entries.first())
        .copied()
}

/// Connect Sync functions with a one-to-one provisioning equivalent (same arguments, same
/// result), which the language server's quick fixes rename.
pub static CONNECT_SYNC_EQUIVALENTS: &[(&str, &str)] =
    &[("LCase", "ToLower"), ("UCase", "ToUpper")];

/// The catalogue entry for a call of `name` with `args` arguments in `context`: among the entries
/// of `context`, the one whose arity accepts the count (FormatDateTime has a four- and a
/// three-argument form), else as [`lookup`].
pub fn lookup_call(name: &str, context: Context, args: usize) -> Option<&'static Function> {
    functions()
        .find(|f| f.name == name && f.contexts.contains(context) && f.accepts_count(args))
        .or_else(|| lookup(name, context))
}

/// The catalogue entry for a call of `name` with `args` arguments in whichever context has one:
/// how a Graph source tree binds arguments to keys (by count, never by context).
pub fn lookup_any_context(name: &str, args: usize) -> Option<&'static Function> {
    Context::ALL
        .into_iter()
        .find_map(|c| {
            functions().find(|f| f.name == name && f.contexts.contains(c) && f.accepts_count(args))
        })
        .or_else(|| lookup(name, Context::AppProvisioning))
}

/// The Connect Sync advice for a name that is not a function here.
pub fn connect_sync_only(name: &str) -> Option<&'static str> {
    CONNECT_SYNC_ONLY
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, advice)| *advice)
}

/// Every distinct function name.
pub fn names() -> impl Iterator<Item = &'static str> {
    let mut seen: Vec<&str> = Vec::new();
    functions().filter_map(move |f| {
        if seen.contains(&f.name) {
            None
        } else {
            seen.push(f.name);
            Some(f.name)
        }
    })
}

impl Function {
    /// Whether it is an app role function: it reads the `[appRoleAssignments]` attribute, which
    /// only assigned users and groups have.
    pub fn is_role_function(&self) -> bool {
        self.params
            .iter()
            .any(|p| p.kind == ParamKind::AppRoleAssignments)
    }

    /// The fewest arguments.
    pub fn min_args(&self) -> usize {
        match self.arity {
            Arity::Range { min } => min,
            Arity::Repeat { group, min_groups } => self.params.len() - group + group * min_groups,
        }
    }

    /// The most arguments, if bounded.
    pub fn max_args(&self) -> Option<usize> {
        match self.arity {
            Arity::Range { .. } => Some(self.params.len()),
            Arity::Repeat { .. } => None,
        }
    }

    /// Whether `n` arguments is a valid count.
    pub fn accepts_count(&self, n: usize) -> bool {
        match self.arity {
            Arity::Range { min } => (min..=self.params.len()).contains(&n),
            Arity::Repeat { group, .. } => {
                let fixed = self.params.len() - group;
                n >= self.min_args() && (n - fixed).is_multiple_of(group)
            }
        }
    }

    /// The parameter that argument `index` binds to.
    pub fn param_for(&self, index: usize) -> Option<&'static Param> {
        match self.arity {
            Arity::Range { .. } => self.params.get(index),
            Arity::Repeat { group, .. } => {
                let fixed = self.params.len() - group;
                if index < fixed {
                    self.params.get(index)
                } else {
                    self.params.get(fixed + (index - fixed) % group)
                }
            }
        }
    }

    /// The signature as messages and docs show it, such as
    /// `Switch(source, defaultValue?, key, value, …) -> Any`.
    pub fn signature(&self) -> String {
        let mut out = format!("{}(", self.name);
        for (i, param) in self.params.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(param.name);
            let optional =
                !param.required || matches!(self.arity, Arity::Range { min } if i >= min);
            if optional {
                out.push('?');
            }
        }
        if let Arity::Repeat { .. } = self.arity {
            out.push_str(", …");
        }
        let _ = write!(out, ") -> {}", self.returns_name());
        out
    }

    fn returns_name(&self) -> String {
        match self.returns {
            Returns::Fixed(t) => t.to_string(),
            Returns::Never => "never".to_owned(),
            _ => "Any".to_owned(),
        }
    }
}

/// A cross-cutting semantic choice of the evaluator.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// Short name of the topic.
    pub topic: &'static str,
    /// What the evaluator does, and why.
    pub choice: &'static str,
    /// The functions the choice is about, when the catalogue knows them: listed after the text.
    pub functions: Option<fn(&Function) -> bool>,
}

/// The evaluator's cross-cutting choices (per-function ones are in each declaration, [`Function::semantics`]).
pub static CHOICES: &[Choice] = &[
    Choice { topic: "null", choice: "An absent attribute, JSON null and an empty JSON array are Null. A Null result does not flow (the service does not send nulls); an empty string flows.", functions: None },
    Choice { topic: "numbers", choice: "Number literals are text (\"1\" and 1 are the same value); numeric parameters parse their text as a 64-bit integer at evaluation time. Overflow is an error.", functions: None },
    Choice { topic: "booleans", choice: "Booleans are the text True/False. Conditions accept Booleans and the text true/false in any letter case; anything else is an error.", functions: None },
    Choice { topic: "dates", choice: "Dates are UTC and render as M/d/yyyy h:mm:ss tt. Functions expecting a date accept a DateTime or any text CDate parses.", functions: None },
    Choice { topic: "multi-valued", choice: "Single-valued text transforms apply per value to a multi-valued source (Connect Sync rule; Cloud Sync documents it for Trim). Every other single-valued slot fails on more than one value; a one-value list counts as that value. Applied per value:", functions: Some(|f| f.per_value) },
    Choice { topic: "null in text functions", choice: "Left and Word return \"\" for Null (documented); Mid and Append do the same. The other transforms return Null for Null, so a missing attribute stays missing instead of flowing as an empty string.", functions: None },
    Choice { topic: "comparisons", choice: "If both operands are integers (after trimming) they compare numerically; two DateTimes compare as instants; otherwise ordinal, case-sensitive text comparison. Null compares as \"\".", functions: None },
    Choice { topic: "laziness", choice: "IIF, Switch, Coalesce and SelectUniqueValue evaluate only the arguments they need, in order, so Error(), Guid() and RandomString() in branches not taken have no effect.", functions: None },
    Choice { topic: "IgnoreFlow", choice: "IgnoreFlowIfNullOrEmpty, IgnoreAttributeFlow and IgnoreObjectFlow stop the whole attribute even when nested.", functions: None },
    Choice { topic: "IIF and null", choice: "Default: conditions over null/empty attributes evaluate normally (Microsoft's own Cloud Sync defaults rely on it). --strict-iif fails the evaluation instead, as the app provisioning reference says.", functions: None },
    Choice { topic: "function names", choice: "A call spelled with the wrong letter case (Instr) runs the function; the checker reports it.", functions: None },
    Choice { topic: "limits", choice: "No text above 1 MiB and no list above 100,000 values is produced (evaluation error instead); RandomString length is at most 256; regex patterns at most 4096 characters; format strings at most 256.", functions: None },
    Choice { topic: "randomness and time", choice: "Guid and RandomString draw from ChaCha8 seeded by --seed (stream = object index in previews); Now() is --now. The same inputs give the same output.", functions: None },
];

/// The generated part of `docs/evaluator.md`: the cross-cutting choices, then every function
/// with its signatures, contexts, the source of its signature and its semantics (a test keeps the
/// file equal to it).
pub fn reference_markdown() -> String {
    let mut out = String::from("## Cross-cutting choices\n\n");
    for choice in CHOICES {
        out.push_str(&format!("* **{}**: {}", choice.topic, choice.choice));
        if let Some(about) = choice.functions {
            let mut names: Vec<&str> = functions().filter(|f| about(f)).map(|f| f.name).collect();
            names.dedup();
            out.push_str(&format!(" {}.", names.join(", ")));
        }
        out.push('\n');
    }
    out.push_str("\n## Functions\n");
    let mut shown: Vec<&str> = Vec::new();
    for function in functions() {
        if shown.contains(&function.name) {
            continue;
        }
        shown.push(function.name);
        out.push_str(&format!("\n### {}\n\n", function.name));
        for form in functions().filter(|f| f.name == function.name) {
            out.push_str(&format!(
                "* `{}` ({}). {}\n",
                form.signature(),
                form.contexts.names().join(", "),
                form.origin
            ));
        }
        out.push_str(&format!("\n{}\n", function.semantics));
    }
    out
}
