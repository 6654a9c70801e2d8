//! What every layer uses and that knows nothing of Entra: byte spans and source text with
//! positions ([`text`]), "did you mean" suggestions ([`suggest`]), ordered lists looked up by
//! name ([`named`]), bounded reading plus atomic writing of files ([`fs`]), the text encodings
//! read by their byte order mark ([`encoding`]) and the one YAML scalar writer ([`yaml`]).

pub mod encoding;
pub mod escape;
pub mod fs;
pub mod named;
pub mod suggest;
pub mod text;
pub mod yaml;
