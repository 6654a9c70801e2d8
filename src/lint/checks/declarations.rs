//! The file's own `source_attributes` and `target_attributes` declarations.

use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use crate::expr::source::{
    is_directory_extension_name, looks_like_directory_extension, ObjectKind,
};
use crate::expr::types::Base;
use crate::lint::{CheckContext, Sink};
use crate::model::target_path;

pub(super) fn declarations(cx: &CheckContext<'_>, sink: &mut Sink) {
    for kind in ObjectKind::ALL {
        for decl in cx.file.source_attributes.of(kind) {
            let name = &decl.attribute.name;
            if looks_like_directory_extension(name) && !is_directory_extension_name(name) {
                sink.file(
                    Diagnostic::new(RuleId::DirectoryExtensionName, decl.name_span, format!("`{name}` is not a directory extension name"))
                        .with_primary_label("expected extension_<appId without hyphens>_<name>")
                        .with_help("directory extensions are named `extension_` + the 32 hex digits of the owning app's id (no hyphens) + `_` + the attribute name, case-sensitively"),
                );
            }
        }
        for decl in cx.file.target_attributes.of(kind) {
            let path = match target_path::parse(&decl.name.value) {
                Ok(path) => path,
                Err(error) => {
                    sink.file(
                        Diagnostic::new(
                            RuleId::MalformedTargetPath,
                            decl.name.file_span(error.span),
                            format!(
                                "malformed attribute name `{}`: {}",
                                decl.name.value, error.message
                            ),
                        )
                        .with_primary_label("here"),
                    );
                    continue;
                }
            };
            if path.schema.is_none() {
                continue;
            }
            if let Some(problem) = path.custom_extension_problem() {
                sink.file(
                    Diagnostic::new(RuleId::CustomAttributeName, decl.name.file_span(problem.span), format!("`{}` is not a valid custom attribute name: {}", decl.name.value, problem.message))
                        .with_primary_label("schema URN")
                        .with_help("custom SCIM attributes are named `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attribute>`"),
                );
                continue;
            }
            let a = &decl.attribute;
            let problem = if a.multivalued {
                Some(("multi-valued", decl.multivalued_span))
            } else if a.base == Base::Reference || a.referenced_object.is_some() {
                Some(("a reference", decl.type_span))
            } else if path.is_complex() {
                Some(("complex", None))
            } else {
                None
            };
            if let Some((what, span)) = problem {
                sink.file(
                    Diagnostic::new(RuleId::CustomAttributeType, span.unwrap_or(decl.name.content_span()), format!("the custom attribute `{}` is {what}", decl.name.value))
                        .with_primary_label(what)
                        .with_help("custom attributes of non-gallery SCIM apps must be single-valued and of type String, Integer, Boolean, DateTime or Binary"),
                );
            }
        }
    }
}
