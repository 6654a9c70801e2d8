//! What entramap generates from a mapping file: setup tables ([`table`]), a JSON Schema of the
//! SCIM resources the service provider receives ([`docs`]) and the semantic diff of two files
//! ([`diff`]). All three read a [`Prepared`] mapping: the loaded file with its target profile
//! resolved. The Graph schema export is in [`crate::graph`].

pub mod diff;
pub mod docs;
pub mod table;

#[cfg(doc)]
use crate::model::Prepared;
