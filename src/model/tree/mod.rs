//! The located tree: YAML or JSON text read once into one tree of values that each know their
//! place in the file (`node.rs`), and serde over that tree (`de.rs`) for the files read into
//! typed structs. Mapping files (`super::load`) and target profiles (`super::profile`) are both
//! read through it; it knows neither.

pub mod de;
pub mod node;
