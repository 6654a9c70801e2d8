//! The users a group's `members` are resolved against: every user of the user export by
//! objectId, and whether the preview provisioned it. Entra provisions a group's members that
//! are provisioned users of the app; a member that is not one is left out of the group.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

/// Users by objectId (compared without regard to case, as Entra compares object ids): kept as
/// a 64-bit hash and a flag, 16 bytes a user whatever the length of the id.
#[derive(Debug, Clone, Default)]
pub struct MemberIndex {
    users: HashMap<u64, bool>,
}

fn key(object_id: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(object_id.to_ascii_lowercase())
}

impl MemberIndex {
    /// Records a user read from the export, and whether it got a payload.
    pub fn insert(&mut self, object_id: &str, provisioned: bool) {
        let known = self.users.entry(key(object_id)).or_insert(false);
        *known |= provisioned;
    }

    /// `Some(true)`: a provisioned user; `Some(false)`: a user of the export that is not
    /// provisioned (out of scope or failing); `None`: not in the user export.
    pub fn status(&self, object_id: &str) -> Option<bool> {
        self.users.get(&key(object_id)).copied()
    }

    /// How many users.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether no user is known.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}
