//! `entramap init`: a starter mapping file. For a gallery app, its default mappings as
//! Microsoft's provisioning tutorial lists them, commented with the tutorial (one file per app
//! under `schemas/gallery/starters/`, beside its profile); without an app, the default mappings of
//! a new non-gallery SCIM app. Every starter lints clean (a test checks each).

use crate::base::suggest;
use crate::model::profile;

/// The starter of a new non-gallery SCIM app (target profile `scim-core`).
pub const DEFAULT_STARTER: &str = include_str!("../../examples/scim-core-default.entramap.yaml");

/// The gallery starters: app name (the tutorial's file name without
/// `-provisioning-tutorial`, which is also its profile's name) and the mapping file's text.
pub const STARTERS: &[(&str, &str)] = &[
    (
        "8x8",
        include_str!("../../schemas/gallery/starters/8x8.entramap.yaml"),
    ),
    (
        "airtable",
        include_str!("../../schemas/gallery/starters/airtable.entramap.yaml"),
    ),
    (
        "asana",
        include_str!("../../schemas/gallery/starters/asana.entramap.yaml"),
    ),
    (
        "atlassian-cloud",
        include_str!("../../schemas/gallery/starters/atlassian-cloud.entramap.yaml"),
    ),
    (
        "aws-single-sign-on",
        include_str!("../../schemas/gallery/starters/aws-single-sign-on.entramap.yaml"),
    ),
    (
        "canva",
        include_str!("../../schemas/gallery/starters/canva.entramap.yaml"),
    ),
    (
        "cisco-umbrella-user-management",
        include_str!("../../schemas/gallery/starters/cisco-umbrella-user-management.entramap.yaml"),
    ),
    (
        "cisco-webex",
        include_str!("../../schemas/gallery/starters/cisco-webex.entramap.yaml"),
    ),
    (
        "datadog",
        include_str!("../../schemas/gallery/starters/datadog.entramap.yaml"),
    ),
    (
        "github-enterprise-managed-user",
        include_str!("../../schemas/gallery/starters/github-enterprise-managed-user.entramap.yaml"),
    ),
    (
        "gong",
        include_str!("../../schemas/gallery/starters/gong.entramap.yaml"),
    ),
    (
        "infor-cloudsuite",
        include_str!("../../schemas/gallery/starters/infor-cloudsuite.entramap.yaml"),
    ),
    (
        "linkedin-learning",
        include_str!("../../schemas/gallery/starters/linkedin-learning.entramap.yaml"),
    ),
    (
        "lucidchart",
        include_str!("../../schemas/gallery/starters/lucidchart.entramap.yaml"),
    ),
    (
        "mondaycom",
        include_str!("../../schemas/gallery/starters/mondaycom.entramap.yaml"),
    ),
    (
        "mural-identity",
        include_str!("../../schemas/gallery/starters/mural-identity.entramap.yaml"),
    ),
    (
        "notion",
        include_str!("../../schemas/gallery/starters/notion.entramap.yaml"),
    ),
    (
        "slack",
        include_str!("../../schemas/gallery/starters/slack.entramap.yaml"),
    ),
    (
        "smartsheet",
        include_str!("../../schemas/gallery/starters/smartsheet.entramap.yaml"),
    ),
    (
        "snowflake",
        include_str!("../../schemas/gallery/starters/snowflake.entramap.yaml"),
    ),
    (
        "tableau-online",
        include_str!("../../schemas/gallery/starters/tableau-online.entramap.yaml"),
    ),
    (
        "workplace-by-facebook",
        include_str!("../../schemas/gallery/starters/workplace-by-facebook.entramap.yaml"),
    ),
    (
        "zoom",
        include_str!("../../schemas/gallery/starters/zoom.entramap.yaml"),
    ),
    (
        "zscaler",
        include_str!("../../schemas/gallery/starters/zscaler.entramap.yaml"),
    ),
    (
        "zscaler-private-access",
        include_str!("../../schemas/gallery/starters/zscaler-private-access.entramap.yaml"),
    ),
];

/// An app name that has no starter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownApp {
    /// The name asked for.
    pub name: String,
    /// The closest known name, if one is close.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no gallery app is called `{}`", self.name)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean `{s}`?"),
            None => f.write_str("; `entramap targets` lists the gallery apps"),
        }
    }
}

impl std::error::Error for UnknownApp {}

/// The starter mapping file of a gallery app (`None` or `scim-core`: the non-gallery SCIM
/// default), without the editor modeline of the file it comes from (its relative path would
/// be wrong wherever the starter is written).
pub fn starter(app: Option<&str>) -> Result<String, UnknownApp> {
    let text = match app {
        None | Some(profile::DEFAULT_PROFILE) => DEFAULT_STARTER,
        Some(name) => match STARTERS.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => text,
            None => {
                return Err(UnknownApp {
                    name: name.to_owned(),
                    suggestion: suggest::closest(name, STARTERS.iter().map(|(n, _)| *n))
                        .map(str::to_owned),
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
