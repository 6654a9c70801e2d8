//! The built-in catalogue: one row per built-in target profile, generated at build time from the
//! files under `schemas/targets/` (generic profiles) and `schemas/gallery/` (gallery apps, each
//! with its starter under `schemas/gallery/starters/`), sorted by name within each kind. Adding
//! a gallery app is adding its profile and its starter; nothing lists them by hand. A row holds
//! the texts, not parsed profiles: a process parses only the profile it uses
//! ([`crate::model::profile::built_in`]).

/// What a built-in profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A generic profile (`scim-core` and the non-gallery apps built on it), from `schemas/targets/`.
    Generic,
    /// A gallery app, from its Microsoft provisioning tutorial, from `schemas/gallery/`.
    Gallery,
}

/// One built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The profile's name (a gallery app's: its tutorial's file name without
    /// `-provisioning-tutorial`).
    pub name: &'static str,
    /// Generic or gallery.
    pub kind: Kind,
    /// The display title, read from the profile's top-level `title:` line at build time.
    pub title: &'static str,
    /// The profile file's text.
    pub profile: &'static str,
    /// The starter mapping file's text (`entramap init --app NAME`), for a gallery app.
    pub starter: Option<&'static str>,
}

/// Every built-in profile: the generic ones, then the gallery apps, each kind by name.
pub static ENTRIES: &[Entry] = include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

/// The built-in profile called `name`.
pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

/// The position of the built-in profile called `name` in [`ENTRIES`].
pub fn position(name: &str) -> Option<usize> {
    ENTRIES.iter().position(|e| e.name == name)
}

/// The gallery apps.
pub fn gallery() -> impl Iterator<Item = &'static Entry> {
    ENTRIES.iter().filter(|e| e.kind == Kind::Gallery)
}

/// How a name given on the command line found its gallery app ([`find_app`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppMatch {
    /// One app: its exact name, the one name the text is a case-insensitive prefix of, or its
    /// title (in any letter case).
    Found(&'static Entry),
    /// No app, or several: the closest names (at most five), best first.
    NotFound(Vec<&'static str>),
}

/// The gallery app a user means by `text`: the exact name, else the title in any letter case,
/// else the one name that starts with `text` in any letter case; otherwise the closest names
/// (those it prefixes when several do, else those whose name or title contains it, else by
/// edit distance).
pub fn find_app(text: &str) -> AppMatch {
    if let Some(e) = gallery().find(|e| e.name == text) {
        return AppMatch::Found(e);
    }
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return AppMatch::NotFound(Vec::new());
    }
    if let Some(e) = gallery().find(|e| e.title.to_lowercase() == lower || e.name == lower) {
        return AppMatch::Found(e);
    }
    let prefixed: Vec<&'static Entry> = gallery().filter(|e| e.name.starts_with(&lower)).collect();
    if let [one] = prefixed.as_slice() {
        return AppMatch::Found(one);
    }
    let names = |list: Vec<&'static Entry>| list.into_iter().take(5).map(|e| e.name).collect();
    if !prefixed.is_empty() {
        return AppMatch::NotFound(names(prefixed));
    }
    let containing = search(text);
    if !containing.is_empty() {
        return AppMatch::NotFound(names(containing));
    }
    AppMatch::NotFound(
        crate::base::suggest::closest(&lower, gallery().map(|e| e.name))
            .into_iter()
            .collect(),
    )
}

/// The built-in profiles whose name or title contains `word` in any letter case, in catalogue
/// order.
pub fn search(word: &str) -> Vec<&'static Entry> {
    let word = word.trim().to_lowercase();
    ENTRIES
        .iter()
        .filter(|e| e.name.contains(&word) || e.title.to_lowercase().contains(&word))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_profiles_come_first_and_each_kind_is_sorted_by_name() {
        let kinds: Vec<Kind> = ENTRIES.iter().map(|e| e.kind).collect();
        let first_gallery = kinds.iter().position(|k| *k == Kind::Gallery);
        assert!(first_gallery.is_some_and(|i| kinds[i..].iter().all(|k| *k == Kind::Gallery)));
        for kind in [Kind::Generic, Kind::Gallery] {
            let names: Vec<&str> = ENTRIES
                .iter()
                .filter(|e| e.kind == kind)
                .map(|e| e.name)
                .collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        }
        assert!(entry("scim-core").is_some_and(|e| e.kind == Kind::Generic));
    }

    #[test]
    fn every_gallery_app_has_a_starter_naming_its_profile() {
        for e in gallery() {
            let starter = e
                .starter
                .unwrap_or_else(|| panic!("{}: no starter", e.name));
            let plain = format!("\ntarget: {}\n", e.name);
            let quoted = format!("\ntarget: '{}'\n", e.name);
            assert!(
                starter.contains(&plain) || starter.contains(&quoted),
                "{}",
                e.name
            );
        }
        assert!(ENTRIES
            .iter()
            .filter(|e| e.kind == Kind::Generic)
            .all(|e| e.starter.is_none()));
    }

    #[test]
    fn search_reads_names_and_titles_in_any_case() {
        let names = |word: &str| search(word).iter().map(|e| e.name).collect::<Vec<_>>();
        assert_eq!(names("ZSCALER PRIVATE"), ["zscaler-private-access"]);
        assert!(names("zscaler").contains(&"zscaler"));
        assert_eq!(names("identity center"), ["aws-single-sign-on"]);
        assert!(names("no such app anywhere").is_empty());
    }
}
