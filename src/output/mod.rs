//! What entramap generates from a mapping file: setup tables ([`table`]), a JSON Schema of the
//! SCIM resources the service provider receives ([`docs`]) and the semantic diff of two files
//! ([`diff`]). All three read a [`Prepared`] mapping: the loaded file with its target profile
//! resolved. The Graph schema export is in [`crate::graph`].

pub mod diff;
pub mod docs;
pub mod table;

use crate::model::MappingKind;
#[cfg(doc)]
use crate::model::Prepared;

/// The value of a mapping on one line: the source attribute name, the expression in canonical
/// form (as written, whitespace collapsed, when it does not parse), or the constant in quotes.
pub fn value_text(kind: &MappingKind) -> String {
    match kind {
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
