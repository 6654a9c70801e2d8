//! An ordered list of attributes looked up by exact (case-sensitive) name: the shape of both the
//! source schema and a target profile's attribute lists.

use rustc_hash::FxHashMap;

/// Something with a case-sensitive name.
pub trait Named {
    /// The name.
    fn name(&self) -> &str;
}

/// Attributes in declaration order, indexed by name. Inserting a name that exists replaces the
/// attribute in place.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedList<A> {
    attributes: Vec<A>,
    index: FxHashMap<String, usize>,
}

impl<A> Default for NamedList<A> {
    fn default() -> Self {
        NamedList {
            attributes: Vec::new(),
            index: FxHashMap::default(),
        }
    }
}

impl<A: Named> NamedList<A> {
    /// A list of these attributes (a later duplicate name replaces an earlier one).
    pub fn new(attributes: impl IntoIterator<Item = A>) -> Self {
        let mut list = NamedList::default();
        for attribute in attributes {
            list.insert(attribute);
        }
        list
    }

    /// Adds an attribute, replacing one of the same name.
    pub fn insert(&mut self, attribute: A) {
        match self.index.get(attribute.name()) {
            Some(&i) => self.attributes[i] = attribute,
            None => {
                self.index
                    .insert(attribute.name().to_owned(), self.attributes.len());
                self.attributes.push(attribute);
            }
        }
    }

    /// Drops an attribute; returns whether it existed.
    pub fn remove(&mut self, name: &str) -> bool {
        let Some(i) = self.index.remove(name) else {
            return false;
        };
        self.attributes.remove(i);
        for slot in self.index.values_mut() {
            if *slot > i {
                *slot -= 1;
            }
        }
        true
    }

    /// The attribute with exactly this name.
    pub fn get(&self, name: &str) -> Option<&A> {
        self.index.get(name).map(|&i| &self.attributes[i])
    }

    /// Every attribute, in order.
    pub fn attributes(&self) -> &[A] {
        &self.attributes
    }

    /// Every name, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes.iter().map(Named::name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Item(&'static str, u8);

    impl Named for Item {
        fn name(&self) -> &str {
            self.0
        }
    }

    #[test]
    fn replaces_in_place_and_removes_keeping_order() {
        let mut list = NamedList::new([Item("a", 1), Item("b", 2), Item("c", 3)]);
        list.insert(Item("a", 9));
        assert_eq!(list.names().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(list.get("a"), Some(&Item("a", 9)));
        assert!(list.remove("b"));
        assert!(!list.remove("b"));
        assert_eq!(list.get("c"), Some(&Item("c", 3)));
        assert_eq!(list.get("C"), None, "names are case-sensitive");
    }
}
