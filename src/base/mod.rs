//! What every layer uses and that knows nothing of Entra: byte spans and source text with
//! positions ([`text`]), "did you mean" suggestions ([`suggest`]), ordered lists looked up by
//! name ([`named`]), bounded reading plus atomic writing of files ([`fs`]), the text encodings
//! read by their byte order mark ([`encoding`]), the one YAML scalar writer ([`yaml`]) and a
//! strict JSON scanner for the fast paths of the export readers ([`json_scan`]).

pub mod encoding;
pub mod escape;
pub mod fs;
pub mod json_scan;
pub mod named;
pub mod suggest;
pub mod text;
pub mod yaml;
