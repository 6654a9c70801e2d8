//! What entramap generates from a mapping file: setup tables ([`table`]) and a JSON Schema of
//! the SCIM resources the service provider receives ([`docs`]). Both read a [`Prepared`]
//! mapping: the loaded file with its target profile resolved. The Graph schema export is in
//! [`crate::graph`]; the comparison of two files is [`crate::diff`].

pub mod docs;
pub mod table;

#[cfg(doc)]
use crate::model::Prepared;
