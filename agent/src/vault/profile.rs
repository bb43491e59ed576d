//! The profile model as `profiles.json` holds it: every profile, which one is active,
//! which one the `infrastructure` role uses, each key sealed with the data key, and the
//! origin each key and each consent was given for.

use std::collections::BTreeMap;

use llm_agent_protocol::methods::profiles::{ProfileMetadata, RedactedProfile};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::AuditHead;

/// An API key encrypted with the data key (XChaCha20-Poly1305). The associated data
/// binds it to its profile and, from version 2, to the origin it may be sent to: a
/// ciphertext moved to another profile, or a profile pointed elsewhere by hand, does not
/// open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedSecret {
    /// Base64 (standard alphabet), 24 bytes.
    pub nonce: String,
    /// Base64 (standard alphabet): ciphertext and tag.
    pub ciphertext: String,
    /// The origin (`scheme://host:port`) the key was given for. Absent only in files of
    /// schema 1, which load with the origin of the profile's endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The associated data's version: 1 (the profile id alone: keys sealed before
    /// origins were bound, re-sealed at the next write) or 2 (profile id and origin).
    #[serde(default = "legacy_version")]
    pub version: u8,
}

/// The version of a sealed key that names none: one sealed before origins were bound.
fn legacy_version() -> u8 {
    1
}

/// A profile as `profiles.json` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProfile {
    pub id: Uuid,
    pub name: String,
    pub provider: String,
    pub endpoint: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<SealedSecret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_granted_at: Option<String>,
    /// The origin the consent was given for (with `consent_granted_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_origin: Option<String>,
    /// When the learner withdrew consent (then `consent_granted_at` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_withdrawn_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub metadata: ProfileMetadata,
}

impl StoredProfile {
    pub fn redacted(&self, active: bool) -> RedactedProfile {
        RedactedProfile {
            id: self.id.to_string(),
            name: self.name.clone(),
            provider: self.provider.clone(),
            endpoint: self.endpoint.clone(),
            model: self.model.clone(),
            has_api_key: self.api_key.is_some(),
            api_key_hint: self.api_key.as_ref().and(self.api_key_hint.clone()),
            consent_granted_at: self.consent_granted_at.clone(),
            consent_withdrawn_at: self.consent_withdrawn_at.clone(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            active,
            metadata: self.metadata.clone(),
        }
    }
}

/// Every profile and which one is active: the vault's whole state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultData {
    /// Names this vault's data key in the OS credential store.
    pub vault_id: Uuid,
    #[serde(default)]
    pub active_id: Option<Uuid>,
    /// The profile of the `infrastructure` role; `None`: the same as the tutor's (the
    /// active profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrastructure_id: Option<Uuid>,
    /// In creation order.
    #[serde(default)]
    pub profiles: Vec<StoredProfile>,
    /// The last audit-ledger entry of the changes this file holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<AuditHead>,
}

impl VaultData {
    pub fn new() -> Self {
        Self {
            vault_id: Uuid::new_v4(),
            active_id: None,
            infrastructure_id: None,
            profiles: Vec::new(),
            audit_head: None,
        }
    }

    pub fn find(&self, id: Uuid) -> Option<&StoredProfile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Points a missing or dangling active id at the first profile, and a dangling
    /// `infrastructure` id back at the tutor (a hand-edited file). Returns whether an
    /// active profile had to be chosen.
    pub fn repair_roles(&mut self) -> bool {
        let mut chose_active = false;
        if self.active_id.is_none_or(|id| self.find(id).is_none()) {
            self.active_id = self.profiles.first().map(|p| p.id);
            chose_active = self.active_id.is_some();
        }
        if self
            .infrastructure_id
            .is_some_and(|id| self.find(id).is_none())
        {
            self.infrastructure_id = None;
        }
        chose_active
    }

    /// Another profile with this name, compared regardless of case.
    pub fn name_taken(&self, name: &str, except: Option<Uuid>) -> Option<Uuid> {
        let wanted = name.to_lowercase();
        self.profiles
            .iter()
            .find(|p| Some(p.id) != except && p.name.to_lowercase() == wanted)
            .map(|p| p.id)
    }
}

impl Default for VaultData {
    fn default() -> Self {
        Self::new()
    }
}

/// The option that sets how many requests may go to a profile's endpoint at once.
pub const PARALLELISM_OPTION: &str = "parallelism";
/// The most a profile's `parallelism` option may allow.
pub const MAX_PARALLELISM: usize = 32;

/// A profile's `parallelism` option, when it holds a valid value.
pub fn parallelism(options: &BTreeMap<String, String>) -> Option<usize> {
    options
        .get(PARALLELISM_OPTION)
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|limit| (1..=MAX_PARALLELISM).contains(limit))
}

/// Profiles for unit tests elsewhere in the agent.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A profile of `provider` at `endpoint`: model `m`, no key, no consent, active.
    pub(crate) fn redacted(provider: &str, endpoint: &str) -> RedactedProfile {
        RedactedProfile {
            id: Uuid::new_v4().to_string(),
            name: format!("{provider} at {endpoint}"),
            provider: provider.into(),
            endpoint: endpoint.into(),
            model: "m".into(),
            has_api_key: false,
            api_key_hint: None,
            consent_granted_at: None,
            consent_withdrawn_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            active: true,
            metadata: ProfileMetadata::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::now_rfc3339;

    #[test]
    fn parallelism_is_a_small_whole_number() {
        let options = |v: &str| BTreeMap::from([(PARALLELISM_OPTION.to_owned(), v.to_owned())]);
        assert_eq!(parallelism(&options("1")), Some(1));
        assert_eq!(parallelism(&options(" 32 ")), Some(32));
        for bad in ["0", "33", "-1", "two", ""] {
            assert_eq!(parallelism(&options(bad)), None, "{bad}");
        }
        assert_eq!(parallelism(&BTreeMap::new()), None);
    }

    #[test]
    fn names_are_unique_regardless_of_case() {
        let mut data = VaultData::new();
        let id = Uuid::new_v4();
        data.profiles.push(StoredProfile {
            id,
            name: "Local Llama".into(),
            provider: "ollama".into(),
            endpoint: "http://127.0.0.1:11434".into(),
            model: "m".into(),
            api_key: None,
            api_key_hint: None,
            consent_granted_at: None,
            consent_origin: None,
            consent_withdrawn_at: None,
            created_at: now_rfc3339(),
            updated_at: now_rfc3339(),
            metadata: ProfileMetadata::default(),
        });
        assert_eq!(data.name_taken("local LLAMA", None), Some(id));
        assert_eq!(data.name_taken("local llama", Some(id)), None);
    }
}
