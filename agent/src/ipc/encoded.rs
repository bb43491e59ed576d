//! Results encoded ahead of their response ([`EncodedResult`]), and the cache of the last
//! `profiles.list` encoding ([`ListCache`]).
//!
//! A list reads an immutable vault snapshot and the health summaries, each replaced whole
//! only when it changes, so the same pair is listed many times over. Its encoding is kept
//! with the pair it came from, and a list of an unchanged vault copies those bytes instead
//! of encoding fifty profiles again.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use llm_agent_l10n::Locale;

use crate::health::Summaries;
use crate::vault::VaultSnapshot;

/// A method's result, already encoded as one MessagePack value.
#[derive(Debug, Clone)]
pub struct EncodedResult(pub Arc<Vec<u8>>);

/// What an unfiltered list's encoding depends on besides the vault and the health: the
/// connection's language, and whether the accessible summaries were asked for.
pub type ListVariant = (Locale, bool);

fn variant_index((locale, summaries): ListVariant) -> usize {
    locale.index() * 2 + usize::from(summaries)
}

/// The last unfiltered `profiles.list` result, encoded, and the snapshot and summaries
/// it encodes.
#[derive(Debug, Default)]
pub struct ListCache {
    /// The last encoding of each [`ListVariant`], by [`variant_index`]. Weak references
    /// keep the allocations, so their addresses cannot be reused by newer ones while they
    /// are compared: identity stays sound.
    last: Mutex<[Option<Encoded>; 2 * Locale::ALL.len()]>,
}

#[derive(Debug)]
struct Encoded {
    snapshot: Weak<VaultSnapshot>,
    health: Weak<Summaries>,
    result: EncodedResult,
}

impl ListCache {
    /// The encoding of `snapshot` with `health` as `variant`: the kept one when it
    /// encodes these very two, otherwise `encode`'s, which is kept in its place.
    pub fn get_or_encode<E>(
        &self,
        snapshot: &Arc<VaultSnapshot>,
        health: &Arc<Summaries>,
        variant: ListVariant,
        encode: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<EncodedResult, E> {
        let mut kept_all = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(last) = kept_all.get_mut(variant_index(variant)) else {
            return encode().map(|bytes| EncodedResult(Arc::new(bytes)));
        };
        if let Some(kept) = &*last
            && Weak::ptr_eq(&kept.snapshot, &Arc::downgrade(snapshot))
            && Weak::ptr_eq(&kept.health, &Arc::downgrade(health))
        {
            return Ok(kept.result.clone());
        }
        let result = EncodedResult(Arc::new(encode()?));
        *last = Some(Encoded {
            snapshot: Arc::downgrade(snapshot),
            health: Arc::downgrade(health),
            result: result.clone(),
        });
        Ok(result)
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
            revision: 0,
            audit_head: None,
        })
    }

    #[test]
    fn a_snapshot_is_encoded_once_and_a_new_one_or_new_health_again() {
        let cache = ListCache::default();
        let health = Arc::new(Summaries::new());
        let first = snapshot();
        let mut encodings = 0;
        let mut encode = || -> Result<Vec<u8>, ()> {
            encodings += 1;
            Ok(vec![encodings])
        };
        let a = cache
            .get_or_encode(&first, &health, (Locale::English, false), &mut encode)
            .unwrap();
        let b = cache
            .get_or_encode(&first, &health, (Locale::English, false), &mut encode)
            .unwrap();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        let second = snapshot();
        let c = cache
            .get_or_encode(&second, &health, (Locale::English, false), &mut encode)
            .unwrap();
        assert_eq!((a.0.as_slice(), c.0.as_slice()), (&[1][..], &[2][..]));
        drop(first);
        assert_eq!(
            *cache
                .get_or_encode(&second, &health, (Locale::English, false), &mut encode)
                .unwrap()
                .0,
            vec![2]
        );
        let newer_health = Arc::new(Summaries::new());
        let d = cache
            .get_or_encode(
                &second,
                &newer_health,
                (Locale::English, false),
                &mut encode,
            )
            .unwrap();
        assert_eq!(*d.0, vec![3], "new health summaries are encoded again");
        // Each language keeps its own encoding.
        let german = cache
            .get_or_encode(&second, &newer_health, (Locale::German, false), &mut encode)
            .unwrap();
        assert_eq!(*german.0, vec![4]);
        let english = cache
            .get_or_encode(
                &second,
                &newer_health,
                (Locale::English, false),
                &mut encode,
            )
            .unwrap();
        assert_eq!(*english.0, vec![3]);
        assert_eq!(encodings, 4);
    }
}
