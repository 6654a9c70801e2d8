//! The checker: resolves every call against the function catalogue and every attribute against
//! the source schema, checks argument counts, slots and types and the documented special cases,
//! and infers the result type. One mistake gives one diagnostic.

use crate::base::suggest;
use crate::base::text::Span;
use crate::diagnostics::diagnostic::Fix;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::{Diagnostic, Severity};
use crate::expr::catalogue::{self, Context, Function, ParamKind, Placement, Returns};
use crate::expr::runtime::NoFlowReason;
use crate::expr::source::{looks_like_directory_extension, SourceSchema};
use crate::expr::syntax::ast::decode_string;
use crate::expr::syntax::{self, Arg, Call, Expr, ExprKind};
use crate::expr::types::{fits, Base, Fit, Type};

/// Entra's documented limit on the length of one expression, in characters.
pub const MAX_EXPRESSION_CHARS: usize = 10_000;

/// Which attribute names an expression may read.
#[derive(Debug, Clone, Copy)]
pub enum Attributes<'a> {
    /// The attributes of this schema; any other name is an error.
    Schema(&'a SourceSchema),
    /// The attributes of this schema, with types; any other name is only a warning (for
    /// evaluating against a user object that may carry more than the schema knows).
    Lenient(&'a SourceSchema),
    /// Any name (sources whose schema entramap does not ship, such as Workday).
    Any,
}

/// What to check an expression against.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    /// Which function list applies.
    pub context: Context,
    /// Which attributes exist.
    pub attributes: Attributes<'a>,
    /// The type of the target attribute, if known.
    pub target_type: Option<Type>,
}

/// The outcome of checking one expression.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The syntax tree, if the text parsed.
    pub expr: Option<Expr>,
    /// The inferred result type (`Any` when unknown).
    pub ty: Type,
    /// Findings, spans relative to the expression text.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and checks one expression.
pub fn check_text(text: &str, options: &CheckOptions<'_>) -> Checked {
    crate::base::suggest::budgeted(|| check_text_in_scope(text, options))
}

/// [`check_text`] inside its suggestion scope.
fn check_text_in_scope(text: &str, options: &CheckOptions<'_>) -> Checked {
    let mut diagnostics = Vec::new();
    if text.len() > MAX_EXPRESSION_CHARS {
        let chars = text.chars().count();
        if chars > MAX_EXPRESSION_CHARS {
            let cut = text
                .char_indices()
                .nth(MAX_EXPRESSION_CHARS)
                .map_or(text.len(), |(i, _)| i);
            diagnostics.push(
                Diagnostic::new(
                    RuleId::ExpressionTooLong,
                    Span::new(cut, text.len()),
                    format!("expression is {chars} characters long; Entra accepts at most {MAX_EXPRESSION_CHARS}"),
                )
                .with_primary_label("beyond the limit")
                .with_help("split the logic over several mappings or shorten it"),
            );
        }
    }
    match syntax::parse(text) {
        Ok(expr) => {
            let mut checked = check(&expr, options);
            diagnostics.append(&mut checked.diagnostics);
            Checked {
                expr: Some(expr),
                ty: checked.ty,
                diagnostics,
            }
        }
        Err(error) => {
            if error.rule != RuleId::ExpressionTooLong || diagnostics.is_empty() {
                diagnostics.push(*error);
            }
            Checked {
                expr: None,
                ty: Type::ANY,
                diagnostics,
            }
        }
    }
}

/// Checks a parsed expression.
pub fn check(expr: &Expr, options: &CheckOptions<'_>) -> Checked {
    let mut checker = Checker {
        options,
        diagnostics: Vec::new(),
    };
    let ty = checker.infer(expr, true);
    if let Some(target) = options.target_type {
        if fits(ty, target) == Fit::No
            && checker
                .diagnostics
                .iter()
                .all(|d| d.severity < Severity::Error)
        {
            checker.diagnostics.push(
                Diagnostic::new(
                    RuleId::TargetTypeMismatch,
                    expr.span,
                    format!("expression yields {ty}, the target is {target}"),
                )
                .with_primary_label(format!("this is {ty}")),
            );
        }
    }
    Checked {
        expr: None,
        ty,
        diagnostics: checker.diagnostics,
    }
}

/// An enum parameter's values, spelling and the rule a wrong value is reported under.
struct EnumParam {
    values: &'static [&'static str],
    bare: bool,
    rule: RuleId,
}

struct Checker<'o, 'a> {
    options: &'o CheckOptions<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn infer(&mut self, expr: &Expr, top: bool) -> Type {
        match &expr.kind {
            ExprKind::Str(_) => Type::STRING,
            ExprKind::Number(_) | ExprKind::Hex(_) => Type::INTEGER,
            ExprKind::Attribute(name) => self.attribute(name, expr.span),
            ExprKind::Parameter(name) => {
                if self.options.context != Context::CloudSync {
                    self.push(
                        Diagnostic::new(
                            RuleId::ParameterNotInContext,
                            expr.span,
                            format!("`%{name}%` is a Cloud Sync connector parameter"),
                        )
                        .with_help(format!(
                            "parameters exist only in the cloud-sync context; this is {}",
                            self.options.context.as_str()
                        )),
                    );
                }
                Type::STRING
            }
            ExprKind::Identifier(name) => {
                self.identifier(name, expr.span);
                Type::ANY
            }
            ExprKind::Comparison { lhs, rhs, .. } => {
                self.infer(lhs, false);
                self.infer(rhs, false);
                Type::BOOLEAN
            }
            ExprKind::Call(call) => self.call(call, top),
        }
    }

    fn attribute(&mut self, name: &str, span: Span) -> Type {
        let (schema, lenient) = match self.options.attributes {
            Attributes::Any => return Type::ANY,
            Attributes::Schema(schema) => (schema, false),
            Attributes::Lenient(schema) => (schema, true),
        };
        if let Some(attribute) = schema.get(name) {
            return attribute.ty();
        }
        let rule = if lenient {
            RuleId::UnlistedSourceAttribute
        } else {
            RuleId::UnknownSourceAttribute
        };
        self.push(missing_source_attribute(rule, name, span, schema));
        Type::ANY
    }

    fn identifier(&mut self, name: &str, span: Span) {
        if NoFlowReason::sentinel(name).is_some() {
            self.push(
                Diagnostic::new(
                    RuleId::UnverifiedIdentifier,
                    span,
                    format!("`{name}` is not documented in Microsoft's function reference"),
                )
                .with_help(
                    "wrap the expression in IgnoreFlowIfNullOrEmpty(...) and yield \"\" instead",
                ),
            );
            return;
        }
        let mut d = Diagnostic::new(
            RuleId::UnknownIdentifier,
            span,
            format!("unknown identifier `{name}`"),
        )
        .with_primary_label("bare word");
        let as_attribute = match self.options.attributes {
            Attributes::Schema(schema) | Attributes::Lenient(schema) => schema.get(name).is_some(),
            Attributes::Any => false,
        };
        d = if as_attribute {
            d.with_help(format!("attributes are written in brackets: `[{name}]`"))
        } else if name.eq_ignore_ascii_case("true")
            || name.eq_ignore_ascii_case("false")
            || name.eq_ignore_ascii_case("null")
        {
            d.with_help(format!(
                "there are no Boolean or null literals; write the string \"{name}\""
            ))
        } else {
            d.with_help(format!("strings need double quotes: \"{name}\""))
        };
        self.push(d);
    }

    fn resolve(&mut self, call: &Call) -> Option<&'static Function> {
        let context = self.options.context;
        if let Some(function) = catalogue::lookup_call(&call.name, context, call.args.len()) {
            if !function.contexts.contains(context) {
                self.push(
                    Diagnostic::new(
                        RuleId::FunctionNotInContext,
                        call.name_span,
                        format!(
                            "`{}` is not available in {}",
                            function.name,
                            context.as_str()
                        ),
                    )
                    .with_primary_label("not in this context")
                    .with_help(format!(
                        "it exists in: {}",
                        function.contexts.names().join(", ")
                    ))
                    .with_note(format!("see {}", function.doc)),
                );
            } else if !function.documented {
                self.push(
                    Diagnostic::new(
                        RuleId::UndocumentedFunction,
                        call.name_span,
                        format!("`{}` is not documented by Microsoft", function.name),
                    )
                    .with_note("it appears only in a sample response of the Graph synchronization functions API"),
                );
            }
            return Some(function);
        }
        if let Some(advice) = catalogue::CONNECT_SYNC_ONLY
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&call.name))
            .map(|(_, a)| *a)
        {
            let fix = catalogue::CONNECT_SYNC_EQUIVALENTS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&call.name))
                .and_then(|(_, to)| Fix::replace_word(call.name_span, &call.name, to));
            self.push(
                Diagnostic::new(
                    RuleId::ConnectSyncOnlyFunction,
                    call.name_span,
                    format!("`{}` exists only in Entra Connect Sync", call.name),
                )
                .with_primary_label("not a provisioning function")
                .with_help(advice)
                .with_fix(fix),
            );
            return None;
        }
        let case_fix = catalogue::names().find(|n| n.eq_ignore_ascii_case(&call.name));
        if let Some(fixed) =
            case_fix.and_then(|n| catalogue::lookup_call(n, context, call.args.len()))
        {
            self.push(
                Diagnostic::new(
                    RuleId::FunctionNameCase,
                    call.name_span,
                    format!("function `{}` is spelled `{}`", call.name, fixed.name),
                )
                .with_primary_label("wrong letter case")
                .with_help(format!("write `{}`", fixed.name))
                .with_note("Microsoft's reference says the syntax is case-sensitive")
                .with_fix(Fix::replace_word(
                    call.name_span,
                    &call.name,
                    fixed.name,
                )),
            );
            return Some(fixed);
        }
        let mut d = Diagnostic::new(
            RuleId::UnknownFunction,
            call.name_span,
            format!("unknown function `{}`", call.name),
        )
        .with_primary_label("no such function");
        if let Some(help) = suggest::did_you_mean(&call.name, catalogue::names()) {
            d = d.with_help(help);
        }
        d = d.with_fix(
            suggest::certain(&call.name, catalogue::names())
                .and_then(|c| Fix::replace_word(call.name_span, &call.name, c)),
        );
        self.push(d);
        None
    }

    fn call(&mut self, call: &Call, top: bool) -> Type {
        let Some(function) = self.resolve(call) else {
            for arg in call.args.iter().filter_map(Arg::value) {
                self.infer(arg, false);
            }
            return Type::ANY;
        };
        if !top && function.placement != Placement::Anywhere {
            let mut d = Diagnostic::new(
                if function.placement == Placement::WholeExpressionRecommended {
                    RuleId::TopLevelRecommended
                } else {
                    RuleId::TopLevelOnly
                },
                call.name_span,
                format!("`{}` must be the whole expression", function.name),
            )
            .with_primary_label("nested here");
            if function.placement == Placement::WholeExpressionRecommended {
                d = d.with_note("Microsoft documents it only as the outermost call; nested, its effect is undefined");
            }
            self.push(d);
        }
        let count_ok = self.arity(call, function);
        let mut result: Option<Type> = None;
        let mut types: Vec<Option<Type>> = Vec::with_capacity(call.args.len());
        for (index, arg) in call.args.iter().enumerate() {
            let param = function.param_for(index);
            let ty = match arg {
                Arg::Empty(span) => {
                    if count_ok && param.is_some_and(|p| p.required) {
                        let name = param.map_or("argument", |p| p.name);
                        self.push(
                            Diagnostic::new(
                                RuleId::MissingRequiredArgument,
                                *span,
                                format!(
                                    "`{}` needs a value for `{name}` (argument {})",
                                    function.name,
                                    index + 1
                                ),
                            )
                            .with_primary_label("empty slot")
                            .with_help(format!("signature: {}", function.signature())),
                        );
                    }
                    None
                }
                Arg::Value(value) => {
                    let kind = param.map(|p| p.kind);
                    let ty = match (&value.kind, kind) {
                        (ExprKind::Identifier(_), Some(ParamKind::Enum { .. })) => Type::STRING,
                        _ => self.infer(value, false),
                    };
                    if count_ok {
                        if let Some(param) = param {
                            self.argument(function, param.name, param.kind, value, ty);
                        }
                    }
                    Some(ty)
                }
            };
            types.push(ty);
            if let Some(ty) = ty.filter(|_| shapes_result(function.returns, index)) {
                result = Some(result.map_or(ty, |r| r.unify(ty)));
            }
        }
        if count_ok {
            self.special_cases(function, call, &types);
        }
        match function.returns {
            Returns::Fixed(t) => t,
            _ => result.unwrap_or(Type::ANY),
        }
    }

    fn arity(&mut self, call: &Call, function: &Function) -> bool {
        let n = call.args.len();
        if function.accepts_count(n) {
            return true;
        }
        if let Some(count_check) = function.count_check {
            self.push(count_check(call, function));
            return false;
        }
        let count = |f: &Function| match f.max_args() {
            Some(max) if max == f.min_args() => format!("{max}"),
            Some(max) => format!("{} to {max}", f.min_args()),
            None => format!("at least {}", f.min_args()),
        };
        // Every form of the function in this context (FormatDateTime has a three- and a
        // four-argument form).
        let mut forms: Vec<&Function> = crate::expr::catalogue::functions()
            .filter(|f| f.name == function.name && f.contexts.contains(self.options.context))
            .collect();
        forms.sort_by_key(|f| f.min_args());
        let expected = if forms.len() > 1 {
            forms
                .iter()
                .map(|f| count(f))
                .collect::<Vec<_>>()
                .join(" or ")
        } else {
            count(function)
        };
        let signatures = if forms.len() > 1 {
            forms
                .iter()
                .map(|f| f.signature())
                .collect::<Vec<_>>()
                .join(" or ")
        } else {
            function.signature()
        };
        // An optional parameter inside a fixed count is left empty, never out.
        let empty_slots = function.max_args() == Some(function.min_args())
            && function.params.iter().any(|p| !p.required);
        let span = match function.max_args() {
            Some(max) if n > max => call.args[max].span().join(call.args[n - 1].span()),
            _ => call.name_span,
        };
        let d = Diagnostic::new(
            RuleId::ArgumentCount,
            span,
            format!(
                "`{}` takes {expected} argument{}, {n} given",
                function.name,
                if expected == "1" { "" } else { "s" }
            ),
        )
        .with_primary_label(if function.max_args().is_some_and(|m| n > m) {
            "extra arguments"
        } else {
            "too few arguments"
        })
        .with_help(if empty_slots {
            format!(
                "signature: {signatures}; an optional argument (`?`) is left empty, as `, ,`, not left out"
            )
        } else {
            format!("signature: {signatures}")
        });
        self.push(d);
        false
    }

    fn argument(
        &mut self,
        function: &Function,
        param: &str,
        kind: ParamKind,
        value: &Expr,
        ty: Type,
    ) {
        let literal = match &value.kind {
            ExprKind::Str(raw) => Some(decode_string(raw)),
            ExprKind::Number(n) => Some(n.as_str().into()),
            _ => None,
        };
        let mismatch_of = |rule: RuleId, expected: &str| {
            Diagnostic::new(
                rule,
                value.span,
                format!(
                    "`{}` expects {expected} for `{param}`, found {ty}",
                    function.name
                ),
            )
            .with_help(format!("signature: {}", function.signature()))
        };
        let mismatch = |expected: &str| mismatch_of(RuleId::ArgumentType, expected);
        if ty.base == Base::Roles && kind != ParamKind::Any {
            self.push(mismatch("one value").with_primary_label("complex app role values"));
            return;
        }
        match kind {
            ParamKind::Value(base) => {
                if ty.multi {
                    self.push(
                        Diagnostic::new(
                            RuleId::MultivalueArgument,
                            value.span,
                            format!("`{}` expects one value for `{param}`, found {ty}", function.name),
                        )
                        .with_primary_label("multi-valued")
                        .with_help("pick one value with Item(list, 1), or combine them with Join(separator, list)"),
                    );
                    return;
                }
                let bad_literal = match (base, &literal) {
                    (Base::Integer, Some(text)) => text.trim().parse::<i64>().is_err(),
                    (Base::Boolean, Some(text)) => {
                        !matches!(text.as_ref(), "True" | "False" | "true" | "false")
                    }
                    _ => false,
                };
                if bad_literal {
                    let what = if base == Base::Integer {
                        "an integer"
                    } else {
                        "\"True\" or \"False\""
                    };
                    let text = literal.as_deref().unwrap_or_default().trim();
                    let digits = text.strip_prefix('-').unwrap_or(text);
                    if base == Base::Integer
                        && !digits.is_empty()
                        && digits.bytes().all(|b| b.is_ascii_digit())
                    {
                        self.push(
                            Diagnostic::new(
                                RuleId::ArgumentType,
                                value.span,
                                format!(
                                    "`{}` expects an integer for `{param}`, and {text} is out of range",
                                    function.name
                                ),
                            )
                            .with_primary_label("too large")
                            .with_help(format!(
                                "integers run from {} to {}; signature: {}",
                                i64::MIN,
                                i64::MAX,
                                function.signature()
                            )),
                        );
                        return;
                    }
                    self.push(mismatch(what).with_primary_label("not a valid value"));
                } else if base == Base::Integer && matches!(ty.base, Base::Reference | Base::Binary)
                {
                    self.push(mismatch("an integer").with_primary_label("wrong type"));
                }
            }
            ParamKind::Any | ParamKind::Condition => {}
            ParamKind::MultiValue => {
                if !ty.multi && ty.base != Base::Any {
                    self.push(
                        mismatch_of(RuleId::SingleValueArgument, "a multi-valued attribute")
                            .with_primary_label("a single value"),
                    );
                }
            }
            ParamKind::AppRoleAssignments => {
                let ok = matches!(&value.kind, ExprKind::Attribute(n) if n == "appRoleAssignments");
                if !ok {
                    self.push(
                        mismatch("the `[appRoleAssignments]` attribute")
                            .with_primary_label("not [appRoleAssignments]"),
                    );
                }
            }
            ParamKind::Enum { values, bare, rule } => self.enum_argument(
                function,
                param,
                EnumParam { values, bare, rule },
                value,
                literal.as_deref(),
            ),
            ParamKind::Regex => {
                if let Some(pattern) = literal {
                    if let Some(problem) = regex_problem(&pattern) {
                        self.push(
                            Diagnostic::new(
                                RuleId::InvalidRegex,
                                value.span,
                                format!("invalid regular expression: {problem}"),
                            )
                            .with_primary_label("this pattern")
                            .with_note("Entra uses .NET regular expressions"),
                        );
                    }
                }
            }
        }
    }

    fn enum_argument(
        &mut self,
        function: &Function,
        param: &str,
        EnumParam { values, bare, rule }: EnumParam,
        value: &Expr,
        literal: Option<&str>,
    ) {
        let given = match (&value.kind, literal) {
            (ExprKind::Identifier(name), _) => name.as_str(),
            (_, Some(text)) => text,
            _ => return,
        };
        if values.contains(&given) {
            return;
        }
        let shown = values.join(", ");
        let mut d = Diagnostic::new(
            rule,
            value.span,
            format!("`{given}` is not a valid `{param}` of `{}`", function.name),
        )
        .with_primary_label(format!("expected one of {shown}"));
        if let Some(help) = suggest::did_you_mean(given, values.iter().copied()) {
            d = d.with_help(help);
        } else if !bare {
            d = d.with_help(format!(
                "write one of {} as a string",
                values
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        self.push(d);
    }

    fn special_cases(&mut self, function: &Function, call: &Call, types: &[Option<Type>]) {
        for check in function.checks {
            if let Some(diagnostic) = check(call, types) {
                self.push(diagnostic);
            }
        }
    }
}

/// The finding for an attribute name missing from `schema`, with a did-you-mean (a case-only
/// difference is called out: names are case-sensitive). Used for expressions and for Direct
/// mappings alike.
pub fn unknown_source_attribute(name: &str, span: Span, schema: &SourceSchema) -> Diagnostic {
    missing_source_attribute(RuleId::UnknownSourceAttribute, name, span, schema)
}

/// [`unknown_source_attribute`] under `rule` (`unlisted-source-attribute` where the object
/// may carry more attributes than the schema lists).
fn missing_source_attribute(
    rule: RuleId,
    name: &str,
    span: Span,
    schema: &SourceSchema,
) -> Diagnostic {
    let suggestions = suggest::both(name, schema.names());
    let fix = suggestions
        .certain
        .and_then(|c| Fix::replace_word(span, name, c));
    let d = Diagnostic::new(rule, span, format!("unknown source attribute `{name}`"))
        .with_primary_label("not in the source schema")
        .with_fix(fix);
    match suggestions.closest {
        Some(c) if c.eq_ignore_ascii_case(name) => {
            d.with_help(format!("did you mean `{c}`? attribute names are case-sensitive"))
        }
        Some(c) => d.with_help(format!("did you mean `{c}`?")),
        None if looks_like_directory_extension(name) => {
            d.with_help("declare directory extensions under `source_attributes` in the mapping file")
        }
        None => d.with_help(
            "declare it under `source_attributes` in the mapping file (an expression checked on its own: `entramap check --any-attribute` for a source entramap does not ship)",
        ),
    }
}

/// Whether argument `index` contributes to the result type.
fn shapes_result(returns: Returns, index: usize) -> bool {
    match returns {
        Returns::Fixed(_) | Returns::Never => false,
        Returns::Args(indices) => indices.contains(&index),
        Returns::AllArgs => true,
        Returns::SwitchValues => index == 1 || (index >= 3 && index % 2 == 1),
    }
}

/// Why a .NET regular expression is invalid, or `None` when it is valid. Patterns that use .NET
/// features the evaluator's engine lacks (look-around, back-references) are valid .NET and not
/// reported here.
pub fn regex_problem(pattern: &str) -> Option<String> {
    let translated = match crate::expr::dotnet_regex::translate(pattern) {
        Ok(translated) => translated,
        Err(crate::expr::dotnet_regex::TranslateError::Unsupported(_)) => return None,
        Err(crate::expr::dotnet_regex::TranslateError::Invalid(message)) => return Some(message),
    };
    if crate::expr::dotnet_regex::plainly_valid(&translated) {
        return None;
    }
    // Parsing the pattern's syntax (not compiling it) finds its errors at a fraction of the cost.
    regex_syntax::ast::parse::Parser::new()
        .parse(&translated)
        .err()
        .map(|e| e.kind().to_string())
}
