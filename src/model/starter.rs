//! `entramap init`: a starter mapping file. For a gallery app, its default mappings as
//! Microsoft's provisioning tutorial lists them, commented with the tutorial (one file per app
//! under `schemas/gallery/starters/`, beside its profile); without an app, the default mappings of
//! a new non-gallery SCIM app. The starters are listed by [`crate::model::catalogue`]. Every
//! starter lints clean (a test checks each).

use crate::model::catalogue::{self, AppMatch};
use crate::model::profile;

/// The starter of a new non-gallery SCIM app (target profile `scim-core`).
pub const DEFAULT_STARTER: &str = include_str!("../../examples/scim-core-default.entramap.yaml");

/// An app name that names no gallery app (or several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownApp {
    /// The name asked for.
    pub name: String,
    /// The closest known names, best first (empty when none is close).
    pub suggestions: Vec<String>,
}

impl std::fmt::Display for UnknownApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no gallery app is called `{}`", self.name)?;
        match self.suggestions.as_slice() {
            [] => f.write_str("; `entramap targets --search WORD` finds gallery apps"),
            [one] => write!(f, "; did you mean `{one}`?"),
            several => {
                let names: Vec<String> = several.iter().map(|s| format!("`{s}`")).collect();
                write!(f, "; did you mean one of {}?", names.join(", "))
            }
        }
    }
}

impl std::error::Error for UnknownApp {}

/// The starter mapping file of a gallery app (`None` or `scim-core`: the non-gallery SCIM
/// default), without the editor modeline of the file it comes from (its relative path would
/// be wrong wherever the starter is written). `app` is the app's name, a unique
/// case-insensitive prefix of it, or its title ([`catalogue::find_app`]).
pub fn starter(app: Option<&str>) -> Result<String, UnknownApp> {
    let text = match app {
        None | Some(profile::DEFAULT_PROFILE) => DEFAULT_STARTER,
        Some(name) => match catalogue::find_app(name) {
            AppMatch::Found(entry) => entry.starter.unwrap_or(DEFAULT_STARTER),
            AppMatch::NotFound(close) => {
                return Err(UnknownApp {
                    name: name.to_owned(),
                    suggestions: close.into_iter().map(str::to_owned).collect(),
                })
            }
        },
    };
    Ok(text
        .strip_prefix("# yaml-language-server:")
        .and_then(|rest| rest.split_once('\n'))
        .map_or(text, |(_, rest)| rest)
        .to_owned())
}
