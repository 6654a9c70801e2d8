//! Document symbols: `users` and `groups`, each with one symbol per attribute mapping (named
//! by its target, with the source, expression or constant as detail).

use super::document::Document;
use crate::expr::source::ObjectKind;
use crate::model::{load_str, AttributeMapping, MappingFile};
use crate::Span;
use lsp_types::{DocumentSymbol, SymbolKind};

/// The outline of a mapping document (empty when it does not load).
pub fn symbols(document: &Document) -> Vec<DocumentSymbol> {
    let Some(file) = load_str(&document.name(), &document.text).file else {
        return Vec::new();
    };
    [ObjectKind::User, ObjectKind::Group]
        .into_iter()
        .filter_map(|object| object_symbol(document, &file, object))
        .collect()
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written; `tags` replaces it.
fn object_symbol(
    document: &Document,
    file: &MappingFile,
    object: ObjectKind,
) -> Option<DocumentSymbol> {
    let mapping = file.object(object);
    if !mapping.present {
        return None;
    }
    let children: Vec<DocumentSymbol> = mapping
        .mappings
        .iter()
        .map(|m| {
            let span = extent(m);
            DocumentSymbol {
                name: if m.target.value.is_empty() {
                    "(no target)".to_owned()
                } else {
                    m.target.value.clone()
                },
                detail: m
                    .kind
                    .as_ref()
                    .map(|k| format!("{}: {}", k.key(), one_line(&k.text().value))),
                kind: SymbolKind::FIELD,
                tags: None,
                deprecated: None,
                range: document.range(span),
                selection_range: document.range(m.target.span),
                children: None,
            }
        })
        .collect();
    let key = match object {
        ObjectKind::User => "users",
        ObjectKind::Group => "groups",
    };
    let key_at = document.text[..mapping.span.start.min(document.text.len())]
        .rfind(key)
        .unwrap_or(mapping.span.start);
    let end = mapping
        .mappings
        .iter()
        .map(|m| extent(m).end)
        .max()
        .unwrap_or(mapping.span.end)
        .max(key_at + key.len());
    let name_span = Span::new(key_at, key_at + key.len());
    Some(DocumentSymbol {
        name: key.to_owned(),
        detail: Some(format!("{} mappings", mapping.mappings.len())),
        kind: SymbolKind::NAMESPACE,
        tags: None,
        deprecated: None,
        range: document.range(Span::new(key_at, end)),
        selection_range: document.range(name_span),
        children: Some(children),
    })
}

/// The span from an attribute mapping's first key to the end of its last value.
fn extent(m: &AttributeMapping) -> Span {
    let mut span = m.span.join(m.target.span);
    let mut add = |s: Span| span = span.join(s);
    if let Some(kind) = &m.kind {
        add(kind.text().span);
    }
    if let Some(d) = &m.default {
        add(d.span);
    }
    if let Some(p) = &m.matching_precedence {
        add(p.span);
    }
    add(m.apply.span);
    if let Some(n) = &m.note {
        add(n.span);
    }
    for a in &m.allow {
        add(a.span);
        add(a.reason.span);
    }
    span
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
