//! The findings of one document as LSP diagnostics: the same pipeline as `entramap lint` on the
//! editor's text, rule ids as codes, secondary labels as related information.

use super::document::{DocKind, Document};
use super::Overlay;
use crate::diagnostics::{Diagnostic, RuleId, Severity};
use crate::lint::{lint_source_with, LintReport};
use crate::Span;
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Url,
};
use std::sync::OnceLock;

/// The findings of a mapping file or target profile, as `entramap lint` reports them.
pub fn findings(document: &Document, overlay: Overlay<'_>) -> Vec<Diagnostic> {
    match document.kind() {
        DocKind::Mapping => lint(document, overlay).report.diagnostics,
        DocKind::Profile => profile_findings(document, overlay),
        DocKind::Other => Vec::new(),
    }
}

/// Lints a mapping document, reading profiles through the overlay.
pub fn lint(document: &Document, overlay: Overlay<'_>) -> LintReport {
    let read = |path: &std::path::Path| overlay.read(path);
    lint_source_with(&document.name(), &document.text, document.base_dir(), &read)
}

/// The LSP diagnostics of a document.
pub fn diagnostics(document: &Document, overlay: Overlay<'_>) -> Vec<lsp_types::Diagnostic> {
    findings(document, overlay)
        .iter()
        .map(|d| to_lsp(document, d))
        .collect()
}

/// One finding as an LSP diagnostic: the message with its help, the rule id as code (linked to
/// the rule's section of `docs/rules.md`), every secondary label as related information.
pub fn to_lsp(document: &Document, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(document.uri.clone(), document.range(label.span)),
            message: label.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: document.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.as_str().to_owned())),
        code_description: rule_docs(d.rule).map(|href| CodeDescription { href }),
        source: Some("entramap".to_owned()),
        message: crate::diagnostics::secrets::redact(&message).into_owned(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The rule's section of `docs/rules.md`: where the package's `repository` (Cargo.toml)
/// publishes it, else the file in the checkout the server was built from, while it exists
/// (`cargo install --path .` keeps it); `None` when neither is known.
pub fn rule_docs(rule: RuleId) -> Option<Url> {
    static DOCS: OnceLock<Option<Url>> = OnceLock::new();
    let docs = DOCS.get_or_init(|| match crate::diagnostics::rules::published_docs() {
        Some(published) => Url::parse(&published).ok(),
        None => {
            let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
            local
                .is_file()
                .then(|| Url::from_file_path(local).ok())
                .flatten()
        }
    });
    let mut href = docs.clone()?;
    href.set_fragment(Some(rule.as_str()));
    Some(href)
}

/// A target profile's findings: the reason it does not load (syntax, unknown keys, a broken
/// `extends`), at its place when the reader names one.
fn profile_findings(document: &Document, overlay: Overlay<'_>) -> Vec<Diagnostic> {
    let name = document.name();
    let file = match crate::model::profile::parse_file(&document.text, &name) {
        Ok(file) => file,
        Err(error) => {
            return match error.report() {
                Some(report) => report.diagnostics,
                None => vec![Diagnostic::new(
                    RuleId::InvalidTargetProfile,
                    Span::new(0, 0),
                    error.message,
                )],
            };
        }
    };
    let Some(parent) = &file.extends else {
        return Vec::new();
    };
    let read = |path: &std::path::Path| overlay.read(path);
    match crate::model::profile::load_with(parent, document.base_dir(), &read) {
        Ok(_) => Vec::new(),
        Err(error) => {
            let at = document
                .text
                .find("extends")
                .map_or(Span::new(0, 0), |i| Span::new(i, i + "extends".len()));
            vec![Diagnostic::new(
                RuleId::InvalidTargetProfile,
                at,
                error.message,
            )]
        }
    }
}
