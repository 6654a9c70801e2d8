//! Reading and validating a profile file's text: the located tree, its shape through serde,
//! then the checks serde cannot make (patterns compile, `matching` names a listed attribute),
//! each problem with its place in the text.

use super::error::ProfileError;
use super::format::ProfileFile;
use crate::base::text::Span;
use crate::model::tree::{de, node};

/// Parses and validates a profile file's text: its shape (unknown fields, types as the portal
/// writes them), every `pattern` (it must compile), every `matching` (it must name an attribute
/// of the list). Problems carry their place in `text`.
pub fn parse_file(text: &str, origin: &str) -> Result<ProfileFile, ProfileError> {
    let root = node::read_yaml(text).map_err(|e| {
        let start = e.span.start;
        let problem = e
            .message
            .split_once(" at line ")
            .map_or(e.message.as_str(), |(p, _)| p)
            .to_owned();
        ProfileError::invalid(origin, text, Span::new(start, start), problem)
    })?;
    let file: ProfileFile = de::from_node(text, &root).map_err(|e| {
        let start = e.span.start.min(text.len());
        ProfileError::invalid(origin, text, Span::new(start, start), e.message)
    })?;
    if file.version != 1 {
        return Err(ProfileError::invalid(
            origin,
            text,
            find_key(&root, &["entramap-target"]),
            format!(
                "unsupported `entramap-target: {}` (this entramap reads version 1)",
                file.version
            ),
        ));
    }
    validate(&file, &root, text, origin)?;
    Ok(file)
}

/// The place of a value in the profile's tree, by its path of keys and list indexes (the
/// deepest the path reaches when it cannot be found).
fn find_key(root: &node::Node, path: &[&str]) -> Span {
    root.deepest(path).span
}

fn validate(
    file: &ProfileFile,
    root: &node::Node,
    text: &str,
    origin: &str,
) -> Result<(), ProfileError> {
    for (key, section) in [("users", &file.users), ("groups", &file.groups)] {
        for (i, a) in section.attributes.iter().enumerate() {
            let index = i.to_string();
            if let Some(pattern) = &a.pattern {
                if let Err(e) = crate::expr::dotnet_regex::compile(pattern) {
                    return Err(ProfileError::invalid(
                        origin,
                        text,
                        find_key(root, &[key, "attributes", &index, "pattern"]),
                        format!("the `pattern` of `{}` does not compile: {e}", a.name),
                    ));
                }
            }
            for (j, sub) in a.sub_attributes.iter().enumerate() {
                let Some(pattern) = &sub.pattern else {
                    continue;
                };
                if let Err(e) = crate::expr::dotnet_regex::compile(pattern) {
                    return Err(ProfileError::invalid(
                        origin,
                        text,
                        find_key(
                            root,
                            &[
                                key,
                                "attributes",
                                &index,
                                "sub_attributes",
                                &j.to_string(),
                                "pattern",
                            ],
                        ),
                        format!(
                            "the `pattern` of `{}.{}` does not compile: {e}",
                            a.name, sub.name
                        ),
                    ));
                }
            }
        }
        if let Some(matching) = &section.matching {
            let declared = section.attributes.iter().any(|a| &a.name == matching);
            if !declared && file.extends.is_none() {
                let names = section.attributes.iter().map(|a| a.name.as_str());
                let hint = crate::base::suggest::did_you_mean(matching, names)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                return Err(ProfileError::invalid(
                    origin,
                    text,
                    find_key(root, &[key, "matching"]),
                    format!("the matching attribute `{matching}` is not in the {key} attribute list{hint}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::source::ObjectKind;
    use crate::expr::types::{Base, Type};
    use crate::model::profile::format::TargetAttribute;

    #[test]
    fn rfc_7643_fills_in_what_a_profile_leaves_out() {
        let file = parse_file(
            "entramap-target: 1\nname: t\nusers:\n  attributes:\n    - {name: roles, type: string}\n    - {name: emails}\n    - {name: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager, type: String}\ngroups:\n  attributes:\n    - {name: members, type: Reference}\n    - {name: owners, type: Reference}\n",
            "t.yaml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let users: Vec<TargetAttribute> = file
            .users
            .attributes
            .into_iter()
            .map(|a| a.resolve(ObjectKind::User))
            .collect();
        assert!(users[0].multivalued && users[0].is_complex());
        assert_eq!(users[0].ty(), Type::multi(Base::Roles));
        assert!(users[1].multivalued && !users[1].is_complex());
        assert_eq!(users[2].ty(), Type::STRING, "what the profile says wins");
        let groups: Vec<TargetAttribute> = file
            .groups
            .attributes
            .into_iter()
            .map(|a| a.resolve(ObjectKind::Group))
            .collect();
        assert_eq!(groups[0].ty(), Type::multi(Base::Reference));
        assert_eq!(
            groups[1].ty(),
            Type::single(Base::Reference),
            "not a SCIM core name"
        );
    }

    #[test]
    fn profile_problems_are_located() {
        let text = "entramap-target: 1\nname: t\nusers:\n  matching: userNam\n  attributes:\n    - {name: userName, type: Strng}\n";
        let e = parse_file(text, "t.yaml")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert!(e.message.contains("unknown type `Strng`"), "{e}");
        let text = "entramap-target: 1\nname: t\nusers:\n  matching: userNam\n  attributes:\n    - {name: userName}\n";
        let e = parse_file(text, "t.yaml")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        let frame = e.frame.as_ref().unwrap_or_else(|| panic!("no frame"));
        assert_eq!(&text[frame.span.start..frame.span.end], "userNam");
        assert!(e.message.starts_with("t.yaml:4:13: "), "{e}");
        assert!(e.message.contains("did you mean `userName`?"), "{e}");
    }
}
