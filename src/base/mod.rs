//! What every layer uses and that knows nothing of Entra: byte spans and source text with
//! positions ([`text`]), "did you mean" suggestions ([`suggest`]), ordered lists looked up by
//! name ([`named`]) and bounded reading plus atomic writing of files ([`fs`]).

pub mod fs;
pub mod named;
pub mod suggest;
pub mod text;
