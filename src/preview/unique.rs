//! The values that must be unique across users (matching attributes, `unique` targets): a
//! 96-bit hash of each value's JSON text ([`ValueHash`]) and the line of its first user, 16
//! bytes a slot ([`ValueSet`]).
//!
//! The set is the only part of a preview whose memory grows with the number of users, so it is
//! laid out for that: 64 open-addressing tables chosen by the hash, each grown by half when it
//! is four-fifths full. Slots are 16 bytes (a general-purpose map of `(u64, u32) → u32` pads
//! them to 24 and adds a control byte), a value costs 20 to 30 bytes, and growing copies one
//! table of 64 at a time, so that there is never a second copy of the whole set.

/// The identity of a value in a [`ValueSet`]: 96 bits of hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueHash {
    low: u64,
    high: u32,
}

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;
const K2: u64 = 0x8ebc_6af0_9c88_c6e3;
const K3: u64 = 0x5899_65cc_7537_4cc3;
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The 64-bit product of `a` and `b` folded from 128 bits.
fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Eight bytes with ASCII `A`–`Z` lowered.
fn lower8(word: u64) -> u64 {
    let seven = word & !HIGH_BITS;
    let above_z = seven.wrapping_add((0x7f - u64::from(b'Z')) * ONES);
    let from_a = seven.wrapping_add((0x80 - u64::from(b'A')) * ONES);
    let upper = (from_a ^ above_z) & !word & HIGH_BITS;
    word | (upper >> 2)
}

impl ValueHash {
    /// Hashes a value's JSON text, ignoring ASCII case when `fold_case` is set.
    pub fn of(bytes: &[u8], fold_case: bool) -> ValueHash {
        let mut a = K0 ^ bytes.len() as u64;
        let mut b = K1;
        let mut words = bytes.chunks_exact(8);
        let mut mix = |word: u64| {
            let word = if fold_case { lower8(word) } else { word };
            a = fold(a ^ word, K2);
            b = fold(b ^ word, K3);
        };
        for chunk in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            mix(u64::from_le_bytes(word));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            mix(u64::from_le_bytes(word) ^ (1 << 63));
        }
        ValueHash {
            low: fold(a ^ K1, b ^ K0),
            high: (fold(b ^ K2, a ^ K3) >> 32) as u32,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    low: u64,
    high: u32,
    /// The first user's line; 0 marks an empty slot (lines start at 1).
    line: u32,
}

#[derive(Debug, Default)]
struct Table {
    slots: Vec<Slot>,
    len: usize,
}

impl Table {
    fn home(&self, low: u64) -> usize {
        ((u128::from(low) * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot holding `hash`, or the empty slot where it goes.
    fn find(&self, hash: ValueHash) -> usize {
        let mut i = self.home(hash.low);
        loop {
            let slot = &self.slots[i];
            if slot.line == 0 || (slot.low == hash.low && slot.high == hash.high) {
                return i;
            }
            i += 1;
            if i == self.slots.len() {
                i = 0;
            }
        }
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() + self.slots.len() / 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); capacity]);
        for slot in old.into_iter().filter(|s| s.line != 0) {
            let i = self.find(ValueHash {
                low: slot.low,
                high: slot.high,
            });
            self.slots[i] = slot;
        }
    }
}

/// Values and the line of the first user of each.
#[derive(Debug)]
pub struct ValueSet {
    tables: Vec<Table>,
}

impl Default for ValueSet {
    fn default() -> Self {
        ValueSet {
            tables: (0..64).map(|_| Table::default()).collect(),
        }
    }
}

impl ValueSet {
    /// Records that the user on `line` (1-based) has the value `hash`, unless an earlier user
    /// has it: then returns that user's line. Lines past `u32::MAX` are kept as `u32::MAX`.
    pub fn first_or_insert(&mut self, hash: ValueHash, line: u64) -> Option<u64> {
        let table = &mut self.tables[(hash.high >> 26) as usize];
        if (table.len + 1) * 5 > table.slots.len() * 4 {
            table.grow();
        }
        let i = table.find(hash);
        let slot = &mut table.slots[i];
        if slot.line != 0 {
            return Some(u64::from(slot.line));
        }
        *slot = Slot {
            low: hash.low,
            high: hash.high,
            line: u32::try_from(line).unwrap_or(u32::MAX).max(1),
        };
        table.len += 1;
        None
    }

    /// Reads the slot each of `hashes` would be looked up in first, so that the
    /// [`ValueSet::first_or_insert`] calls that follow find them in the cache: the reads are
    /// independent, so the processor overlaps their cache misses, which one insertion after
    /// another cannot.
    pub fn warm(&self, hashes: impl IntoIterator<Item = ValueHash>) {
        let mut lines = 0u32;
        for hash in hashes {
            let table = &self.tables[(hash.high >> 26) as usize];
            if !table.slots.is_empty() {
                lines ^= table.slots[table.home(hash.low)].line;
            }
        }
        std::hint::black_box(lines);
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.tables.iter().map(|t| t.len).sum()
    }

    /// Whether the set holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_fold_case_on_request() {
        let of = ValueHash::of;
        assert_eq!(of(b"\"Ab\"", true), of(b"\"aB\"", true));
        assert_ne!(of(b"\"Ab\"", false), of(b"\"aB\"", false));
        let long = b"\"Emile.Schroder@Fabrikam.onmicrosoft.COM[]^_`{@\"";
        let lowered = long.to_ascii_lowercase();
        assert_eq!(of(long, true), of(&lowered, true));
        assert_ne!(of(long, false), of(&lowered, false));
        assert_ne!(of(b"\"@\"", true), of(b"\"`\"", true));
        assert_ne!(of(b"\"[\"", true), of(b"\"{\"", true));
        assert_ne!(of(b"\"a\"", false), of(b"\"a\"\0", false));
        assert_ne!(of(b"", false), of(b"\0", false));
    }

    #[test]
    fn lowers_eight_bytes_at_once() {
        for b in 0..=255u8 {
            let word = u64::from_le_bytes([b, b'Q', b, 0xC3, b, b'z', b, b'@']);
            let want = u64::from_le_bytes(
                [b, b'Q', b, 0xC3, b, b'z', b, b'@'].map(|c| c.to_ascii_lowercase()),
            );
            assert_eq!(lower8(word), want, "{b:#x}");
        }
    }

    #[test]
    fn keeps_the_first_line_of_each_value() {
        let mut set = ValueSet::default();
        for i in 0..100_000u64 {
            let text = format!("\"user{i}\"");
            assert_eq!(
                set.first_or_insert(ValueHash::of(text.as_bytes(), false), i + 1),
                None
            );
        }
        assert_eq!(set.len(), 100_000);
        for i in (0..100_000u64).step_by(997) {
            let text = format!("\"USER{i}\"");
            assert_eq!(
                set.first_or_insert(ValueHash::of(text.as_bytes(), true), 1 << 40),
                Some(i + 1)
            );
        }
        assert_eq!(set.len(), 100_000);
    }
}
