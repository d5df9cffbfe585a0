//! Key rings: every server key has a kind and a numeric key ID, so that keys can be rotated.
//! New work uses the newest key (the highest ID); older keys stay in the ring only to verify
//! or open what was made under them, until that has expired or been re-made.

use std::collections::BTreeMap;

use crate::hashing::MacKey;

/// The ID of one key of a kind. Key files written before key IDs existed hold key 1.
pub type KeyId = u32;

/// The keys of one kind, by ID; the highest ID is the current one.
#[derive(Debug, Clone)]
pub struct KeyRing<T> {
    keys: BTreeMap<KeyId, T>,
}

/// A key ring needs at least one key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a key ring needs at least one key")]
pub struct EmptyKeyRing;

impl<T> KeyRing<T> {
    pub fn new(keys: impl IntoIterator<Item = (KeyId, T)>) -> Result<Self, EmptyKeyRing> {
        let keys: BTreeMap<KeyId, T> = keys.into_iter().collect();
        if keys.is_empty() { Err(EmptyKeyRing) } else { Ok(Self { keys }) }
    }

    /// A ring of one key with ID 1.
    pub fn single(key: T) -> Self {
        Self { keys: BTreeMap::from([(1, key)]) }
    }

    /// The key new work is made under.
    pub fn current(&self) -> (KeyId, &T) {
        let (id, key) = self.keys.last_key_value().unwrap_or_else(|| unreachable!("a key ring is never empty"));
        (*id, key)
    }

    pub fn get(&self, id: KeyId) -> Option<&T> {
        self.keys.get(&id)
    }

    /// Every key, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = (KeyId, &T)> {
        self.keys.iter().rev().map(|(id, k)| (*id, k))
    }

    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> KeyRing<U> {
        KeyRing { keys: self.keys.iter().map(|(id, k)| (*id, f(k))).collect() }
    }
}

/// The key check of a key: a MAC of a fixed label under the key, stored in the database per
/// kind and key ID, so that an instance started with a different key for the same ID is
/// refused instead of failing silently (a different pepper makes right passwords wrong).
pub fn key_check(kind: &str, id: KeyId, key: &[u8]) -> String {
    hex::encode(MacKey::new(key.to_vec()).mac(&[b"reissue key check v1", kind.as_bytes(), &id.to_be_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_id_is_current_and_every_key_stays_reachable() {
        let ring = KeyRing::new([(1, "old"), (3, "new"), (2, "mid")]).unwrap();
        assert_eq!(ring.current(), (3, &"new"));
        assert_eq!(ring.get(1), Some(&"old"));
        assert_eq!(ring.newest_first().map(|(id, _)| id).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(KeyRing::<u8>::new([]).unwrap_err(), EmptyKeyRing);
    }

    #[test]
    fn a_key_check_differs_by_key_kind_and_id() {
        let a = key_check("pepper", 1, &[1; 32]);
        assert_eq!(a, key_check("pepper", 1, &[1; 32]));
        assert_ne!(a, key_check("pepper", 1, &[2; 32]));
        assert_ne!(a, key_check("pepper", 2, &[1; 32]));
        assert_ne!(a, key_check("audit", 1, &[1; 32]));
    }
}
