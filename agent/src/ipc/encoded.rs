//! Results encoded ahead of their response ([`EncodedResult`]), and the cache of the last
//! `profiles.list` encoding ([`ListCache`]).
//!
//! A list reads an immutable vault snapshot, replaced whole only when the vault commits a
//! change, so the same snapshot is listed many times over. Its encoding is kept with the
//! snapshot it came from, and a list of an unchanged vault copies those bytes instead of
//! encoding fifty profiles again.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::vault::VaultSnapshot;

/// A method's result, already encoded as one MessagePack value.
#[derive(Debug, Clone)]
pub struct EncodedResult(pub Arc<Vec<u8>>);

/// The last unfiltered `profiles.list` result, encoded, and the snapshot it encodes.
#[derive(Debug, Default)]
pub struct ListCache {
    /// A weak reference keeps the snapshot's allocation, so its address cannot be reused
    /// by a newer snapshot while it is compared: identity stays sound.
    last: Mutex<Option<(Weak<VaultSnapshot>, EncodedResult)>>,
}

impl ListCache {
    /// The encoding of `snapshot`: the kept one when it encodes this very snapshot,
    /// otherwise `encode`'s, which is kept in its place.
    pub fn get_or_encode<E>(
        &self,
        snapshot: &Arc<VaultSnapshot>,
        encode: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<EncodedResult, E> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((encoded_from, encoded)) = &*last
            && Weak::ptr_eq(encoded_from, &Arc::downgrade(snapshot))
        {
            return Ok(encoded.clone());
        }
        let encoded = EncodedResult(Arc::new(encode()?));
        *last = Some((Arc::downgrade(snapshot), encoded.clone()));
        Ok(encoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Arc<VaultSnapshot> {
        Arc::new(VaultSnapshot {
            profiles: Vec::new(),
            active_id: None,
            infrastructure_id: None,
            safe_storage: Default::default(),
            store: Default::default(),
        })
    }

    #[test]
    fn a_snapshot_is_encoded_once_and_a_new_one_again() {
        let cache = ListCache::default();
        let first = snapshot();
        let mut encodings = 0;
        let mut encode = || -> Result<Vec<u8>, ()> {
            encodings += 1;
            Ok(vec![encodings])
        };
        let a = cache.get_or_encode(&first, &mut encode).unwrap();
        let b = cache.get_or_encode(&first, &mut encode).unwrap();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        let second = snapshot();
        let c = cache.get_or_encode(&second, &mut encode).unwrap();
        assert_eq!((a.0.as_slice(), c.0.as_slice()), (&[1][..], &[2][..]));
        drop(first);
        assert_eq!(
            *cache.get_or_encode(&second, &mut encode).unwrap().0,
            vec![2]
        );
        assert_eq!(encodings, 2);
    }
}
