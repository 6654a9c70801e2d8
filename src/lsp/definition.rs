//! Go to definition: a mapping's `target:` to its declaration in `target_attributes` or in the
//! profile file (following `extends`), a source attribute to its `source_attributes`
//! declaration, the top-level `target:` to the profile file.

use super::cursor::{at, At, Model};
use super::document::Document;
use super::Overlay;
use crate::model::profile::is_path;
use crate::model::tree::node::{read_yaml, Node, NodeKind};
use crate::Span;
use lsp_types::{Location, Position, Range, Url};
use std::path::{Path, PathBuf};

/// How many `extends` links are followed.
const MAX_EXTENDS: usize = 8;

/// Where the thing at `position` is declared, if it is declared in a file.
pub fn definition(
    document: &Document,
    position: Position,
    overlay: Overlay<'_>,
) -> Option<Location> {
    let model = Model::load(document, overlay)?;
    let here = |span: Span| Some(Location::new(document.uri.clone(), document.range(span)));
    match at(&model, document.offset(position))? {
        At::TargetAttribute { object, name, .. } => {
            if let Some(decl) = model
                .file
                .target_attributes
                .of(object)
                .iter()
                .find(|d| d.name.value == name)
            {
                return here(decl.name.span);
            }
            let reference = model.file.target.as_ref()?.value.clone();
            in_profile(&reference, document.base_dir(), overlay, object, &name)
        }
        At::SourceAttribute { object, name, .. } => {
            let decl = model
                .file
                .source_attributes
                .of(object)
                .iter()
                .find(|d| d.attribute.name == name)?;
            here(decl.name_span)
        }
        At::Profile { reference, .. } => {
            let path = profile_path(&reference, document.base_dir())?;
            overlay.read(&path).ok()?;
            Some(Location::new(
                Url::from_file_path(&path).ok()?,
                Range::default(),
            ))
        }
        _ => None,
    }
}

fn profile_path(reference: &str, base_dir: Option<&Path>) -> Option<PathBuf> {
    is_path(reference)
        .then(|| base_dir.map_or_else(|| PathBuf::from(reference), |d| d.join(reference)))
}

/// The `name:` line of attribute `name` in the profile file `reference` or a profile it
/// extends (the first that lists it under the object's section).
fn in_profile(
    reference: &str,
    base_dir: Option<&Path>,
    overlay: Overlay<'_>,
    object: crate::expr::source::ObjectKind,
    name: &str,
) -> Option<Location> {
    let mut path = profile_path(reference, base_dir)?;
    for _ in 0..MAX_EXTENDS {
        let text = overlay.read(&path).ok()?;
        let root = read_yaml(&text).ok()?;
        if let Some(span) = declared_in(&text, &root, object, name) {
            let index = super::position::LineIndex::new(&text, overlay.encoding());
            return Some(Location::new(
                Url::from_file_path(&path).ok()?,
                index.range(&text, span),
            ));
        }
        let NodeKind::Str(parent) = &root.get("extends")?.kind else {
            return None;
        };
        path = profile_path(parent, path.parent())?;
    }
    None
}

/// The span of `name` in a `name: <name>` entry under the object's section of a profile text
/// (inside its quotes, if quoted), found in `root`, the text's located tree.
fn declared_in(
    text: &str,
    root: &Node,
    object: crate::expr::source::ObjectKind,
    name: &str,
) -> Option<Span> {
    let NodeKind::Seq(attributes) = &root.get(object.plural())?.get("attributes")?.kind else {
        return None;
    };
    let entry = attributes
        .iter()
        .filter_map(|a| a.get("name"))
        .find(|n| matches!(&n.kind, NodeKind::Str(s) if s == name))?;
    let raw = text.get(entry.span.start..entry.span.end)?;
    let at = entry.span.start + raw.find(name)?;
    Some(Span::new(at, at + name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::source::ObjectKind;

    #[test]
    fn names_are_found_in_their_object_section() {
        let text = "entramap-target: 1\nname: p\nusers:\n  attributes:\n    - name: title\n      type: String\ngroups:\n  attributes:\n    - name: 'title'\n";
        let root = read_yaml(text).expect("reads");
        let users = declared_in(text, &root, ObjectKind::User, "title").expect("users");
        assert_eq!(&text[users.start..users.end], "title");
        assert_eq!(text[..users.start].lines().count(), 5);
        let groups = declared_in(text, &root, ObjectKind::Group, "title").expect("groups");
        assert!(groups.start > users.start);
        assert_eq!(declared_in(text, &root, ObjectKind::User, "nope"), None);
    }
}
