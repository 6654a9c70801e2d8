//! What a cycle compares of one object kind: the mapping's targets with their parsed paths,
//! caseExact, matching precedence and whether an update sends them.

use crate::expr::source::ObjectKind;
use crate::model::target_path::{parse_declared, TargetPath};
use crate::model::{Apply, MappingKind, Prepared};

/// One target attribute the mapping writes.
#[derive(Debug, Clone)]
pub struct Field {
    /// The target as the mapping names it.
    pub target: String,
    /// Its parsed path.
    pub path: TargetPath,
    /// Whether the target compares case-sensitively (its profile's `case_exact`).
    pub case_exact: bool,
    /// Its matching precedence (1 first), when it is a matching attribute.
    pub precedence: Option<i64>,
    /// Whether an update compares and sends it. Mappings applied "Only during object creation"
    /// are not: "the attribute is only applied ... during user creation"
    /// (MicrosoftDocs/entra-docs docs/identity/app-provisioning/customize-application-attributes.md,
    /// "Apply this mapping"). A group's `members` is compared as memberships instead.
    pub on_update: bool,
    /// Whether this is a group's `members` (a Direct mapping of `members`).
    pub members: bool,
    /// Its mapping's index in the object's mappings (where preview's
    /// [`crate::preview::Values`] has its value).
    pub mapping: usize,
}

/// The fields of one object kind's mapping.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Every mapped target, in the file's order (a target that does not parse is left out:
    /// `entramap lint` reports it and preview refuses the file).
    pub fields: Vec<Field>,
    /// The matching fields' indexes, in precedence order.
    matching: Vec<usize>,
    /// The index of the `active` field, if the mapping writes it.
    pub active: Option<usize>,
}

impl Layout {
    /// The layout of a prepared mapping's users or groups.
    pub fn of(prepared: &Prepared, kind: ObjectKind) -> Layout {
        let targets = prepared.targets(kind);
        let mut fields = Vec::new();
        for (mapping, m) in prepared.file.object(kind).mappings.iter().enumerate() {
            let target = &m.target.value;
            let Ok(path) = parse_declared(target, targets.get(target).is_some()) else {
                continue;
            };
            let members = kind == ObjectKind::Group
                && matches!(&m.kind, Some(MappingKind::Direct(s)) if s.value.eq_ignore_ascii_case("members"));
            fields.push(Field {
                target: target.clone(),
                path,
                case_exact: targets.get(target).is_some_and(|a| a.case_exact),
                precedence: m.matching_precedence.as_ref().map(|p| p.value),
                on_update: m.apply.value == Apply::Always && !members,
                members,
                mapping,
            });
        }
        let mut matching: Vec<usize> = (0..fields.len())
            .filter(|i| fields[*i].precedence.is_some())
            .collect();
        matching.sort_by_key(|i| fields[*i].precedence);
        let active = fields.iter().position(|f| {
            f.path.attribute.text.eq_ignore_ascii_case("active") && !f.path.is_complex()
        });
        Layout {
            fields,
            matching,
            active,
        }
    }

    /// Whether an account index read for `other` serves this layout too: the same target
    /// paths in the same order, compared alike, matched in the same precedence.
    pub fn reads_as(&self, other: &Layout) -> bool {
        self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(&other.fields)
                .all(|(a, b)| a.path == b.path && a.case_exact == b.case_exact)
            && self.matching == other.matching
    }

    /// The matching fields with their indexes, in precedence order.
    pub fn matching_fields(&self) -> impl Iterator<Item = (usize, &Field)> {
        self.matching.iter().map(|i| (*i, &self.fields[*i]))
    }

    /// The index of the members field, if any.
    pub fn members(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.members)
    }
}

/// An object's values at a layout's fields, owned: what the impact of a change compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldValues {
    text: Vec<u8>,
    ranges: Vec<Option<std::ops::Range<usize>>>,
}

impl FieldValues {
    /// The values preview gives an object, in the layout's field order.
    pub fn of(layout: &Layout, values: &crate::preview::Values<'_>) -> FieldValues {
        let mut out = FieldValues::default();
        for field in &layout.fields {
            let range = values.get(field.mapping).map(|v| {
                let start = out.text.len();
                out.text.extend_from_slice(v);
                start..out.text.len()
            });
            out.ranges.push(range);
        }
        out
    }

    /// The JSON text of field `field`'s value (`None`: no value).
    pub fn get(&self, field: usize) -> Option<&[u8]> {
        let range = self.ranges.get(field)?.clone()?;
        self.text.get(range)
    }
}
