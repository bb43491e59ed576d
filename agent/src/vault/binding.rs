//! Keys and consents are bound to the origin (`scheme://host:port`) they were given for,
//! in memory and at rest: `profiles.json` records each one's origin, and a key's
//! ciphertext binds it too. A profile whose endpoint no longer has that origin, because
//! the file was edited by hand, loses them at start-up instead of sending them to
//! another host: a key is never sent, nor a prompt, where the learner did not agree.
//!
//! Files of schema 1 recorded no origins: their keys and consents take the origin of
//! their profile's endpoint when loaded (the agent that wrote them already dropped both
//! whenever an update moved a profile to another origin), and their keys are re-sealed
//! with the origin bound the next time the vault writes with the data key at hand.

use uuid::Uuid;

use super::profile::VaultData;
use super::safe_storage;
use super::secret::DataKey;
use crate::endpoint::Origin;
use crate::timestamp::now_rfc3339;

/// The origin of an endpoint as `profiles.json` records it.
pub fn origin_of(endpoint: &str) -> Option<String> {
    Origin::of(endpoint).map(|origin| origin.as_str().to_owned())
}

/// Gives every key and consent of a schema-1 file the origin of its profile's endpoint.
pub fn adopt_schema_1(data: &mut VaultData) {
    for profile in &mut data.profiles {
        let origin = origin_of(&profile.endpoint);
        if let Some(key) = &mut profile.api_key {
            key.origin.clone_from(&origin);
        }
        if profile.consent_granted_at.is_some() || profile.consent_withdrawn_at.is_some() {
            profile.consent_origin = origin;
        }
    }
}

/// What [`void_unbound`] dropped from one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voided {
    pub id: Uuid,
    /// The origin the profile points at now.
    pub origin: Option<String>,
    /// The origin the key or consent was given for.
    pub given_for: Option<String>,
    pub key: bool,
    pub consent: bool,
}

/// Drops every key and consent (given or withdrawn) whose origin is not the origin of
/// its profile's endpoint, and says what it dropped.
pub fn void_unbound(data: &mut VaultData) -> Vec<Voided> {
    let mut voided = Vec::new();
    for profile in &mut data.profiles {
        let origin = origin_of(&profile.endpoint);
        let key_origin = profile.api_key.as_ref().map(|key| key.origin.clone());
        let key = key_origin
            .as_ref()
            .is_some_and(|given| *given != origin || origin.is_none());
        let has_consent =
            profile.consent_granted_at.is_some() || profile.consent_withdrawn_at.is_some();
        let consent = has_consent && (profile.consent_origin != origin || origin.is_none());
        if !key && !consent {
            continue;
        }
        let given_for = if key {
            key_origin.flatten()
        } else {
            profile.consent_origin.clone()
        };
        if key {
            profile.api_key = None;
            profile.api_key_hint = None;
        }
        if consent {
            profile.consent_granted_at = None;
            profile.consent_withdrawn_at = None;
            profile.consent_origin = None;
        }
        profile.updated_at = now_rfc3339();
        voided.push(Voided {
            id: profile.id,
            origin,
            given_for,
            key,
            consent,
        });
    }
    voided
}

/// Re-seals every key sealed before origins were bound (version 1) with its origin
/// bound into the ciphertext. A key that does not open is left for safe storage's
/// checks to report.
pub fn reseal_legacy_keys(data: &mut VaultData, key: &DataKey) {
    for profile in &mut data.profiles {
        let Some(sealed) = &profile.api_key else {
            continue;
        };
        if sealed.version >= 2 {
            continue;
        }
        let Some(origin) = sealed.origin.clone() else {
            continue;
        };
        if let Ok(secret) = safe_storage::open(key, profile.id, &origin, sealed) {
            profile.api_key = Some(safe_storage::seal(key, profile.id, &origin, &secret));
        }
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::profiles::ProfileMetadata;

    use super::*;
    use crate::vault::profile::{SealedSecret, StoredProfile};

    fn profile(endpoint: &str) -> StoredProfile {
        StoredProfile {
            id: Uuid::new_v4(),
            name: "p".into(),
            provider: "openai".into(),
            endpoint: endpoint.into(),
            model: "m".into(),
            api_key: Some(SealedSecret {
                nonce: "n".into(),
                ciphertext: "c".into(),
                origin: None,
                version: 1,
            }),
            api_key_hint: Some("...abcd".into()),
            consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
            consent_origin: None,
            consent_withdrawn_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            metadata: ProfileMetadata::default(),
        }
    }

    #[test]
    fn schema_1_keys_and_consents_take_their_endpoints_origin_and_stay() {
        let mut data = VaultData::new();
        data.profiles.push(profile("https://API.openai.com/v1"));
        adopt_schema_1(&mut data);
        let stored = &data.profiles[0];
        let origin = Some("https://api.openai.com:443".to_owned());
        assert_eq!(stored.api_key.as_ref().unwrap().origin, origin);
        assert_eq!(stored.consent_origin, origin);
        assert!(
            void_unbound(&mut data).is_empty(),
            "nothing is lost in migration"
        );
        assert!(data.profiles[0].api_key.is_some());
    }

    #[test]
    fn a_hand_edited_endpoint_voids_the_key_and_the_consent() {
        let mut data = VaultData::new();
        data.profiles.push(profile("https://api.openai.com/v1"));
        adopt_schema_1(&mut data);
        data.profiles[0].endpoint = "https://evil.example.com/v1".into();
        let voided = void_unbound(&mut data);
        assert_eq!(voided.len(), 1);
        assert!(voided[0].key && voided[0].consent);
        assert_eq!(
            voided[0].given_for.as_deref(),
            Some("https://api.openai.com:443")
        );
        assert_eq!(
            voided[0].origin.as_deref(),
            Some("https://evil.example.com:443")
        );
        let stored = &data.profiles[0];
        assert!(stored.api_key.is_none() && stored.api_key_hint.is_none());
        assert!(stored.consent_granted_at.is_none() && stored.consent_origin.is_none());
        // Another path on the same origin is not a move.
        let mut data = VaultData::new();
        data.profiles.push(profile("https://api.openai.com/v1"));
        adopt_schema_1(&mut data);
        data.profiles[0].endpoint = "https://api.openai.com:443/v2".into();
        assert!(void_unbound(&mut data).is_empty());
    }
}
