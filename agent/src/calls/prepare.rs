//! What every call needs before it can be queued, prompt test or chat alike: the
//! profile found in the vault's snapshot, consent for a remote endpoint, the profile's
//! key read within the call's deadline, the endpoint's parallelism, and what the call's
//! cost will be priced by. Nothing is sent anywhere yet.

use std::time::Instant;

use llm_agent_protocol::methods::catalog::EstimatedCost;
use llm_agent_protocol::methods::profiles::{RedactedProfile, TokenUsage};
use uuid::Uuid;

use super::error::PrepareError;
use crate::catalog::CatalogState;
use crate::providers::Target;
use crate::vault::actor::VaultMsg;
use crate::vault::error::VaultError;
use crate::vault::{VaultHandle, VaultSnapshot, consent_allows};

/// A profile ready to be called.
pub struct Connection {
    pub profile_id: Uuid,
    pub target: Target,
    /// How many calls may run at once at its endpoint.
    pub parallelism: usize,
    pub pricing: Pricing,
}

/// What a call's cost depends on besides its usage.
#[derive(Debug, Clone)]
pub struct Pricing {
    provider: String,
    model: String,
    is_local: bool,
}

impl Pricing {
    /// The call's estimated cost from its token usage and the catalog's prices; `None`
    /// without usage.
    pub fn estimate(
        &self,
        catalog: &CatalogState,
        usage: Option<&TokenUsage>,
    ) -> Option<EstimatedCost> {
        usage.map(|usage| catalog.estimate(&self.provider, &self.model, self.is_local, usage))
    }
}

/// The profile `given_id` names in `snapshot`, compared as a UUID.
pub fn find_profile<'a>(
    snapshot: &'a VaultSnapshot,
    given_id: &str,
) -> Result<&'a RedactedProfile, VaultError> {
    let not_found = || VaultError::NotFound {
        id: given_id.to_owned(),
    };
    let id = Uuid::parse_str(given_id).map_err(|_| not_found())?;
    snapshot
        .profiles
        .iter()
        .find(|p| Uuid::parse_str(&p.id).is_ok_and(|pid| pid == id))
        .ok_or_else(not_found)
}

/// Makes `profile` ready to call: refuses a remote endpoint without consent, reads its
/// key from the vault (the snapshot holds none) before `deadline`, and decides its
/// endpoint's parallelism from every profile of `snapshot` and the catalog.
pub async fn connect(
    profile: &RedactedProfile,
    snapshot: &VaultSnapshot,
    vault: &VaultHandle,
    catalog: &CatalogState,
    deadline: Instant,
) -> Result<Connection, PrepareError> {
    let profile_id = Uuid::parse_str(&profile.id).map_err(|_| PrepareError::BadEndpoint)?;
    let mut target = Target::of(profile, None).ok_or(PrepareError::BadEndpoint)?;
    consent_allows(profile, target.is_local)?;
    if profile.has_api_key {
        let key = vault.call(|reply| VaultMsg::ApiKey(profile_id, reply));
        target.api_key = tokio::time::timeout_at(deadline.into(), key)
            .await
            .map_err(|_| PrepareError::KeyTimedOut)??;
    }
    let parallelism = target.shared_parallelism(
        &snapshot.profiles,
        catalog.edited_parallelism(&profile.provider),
    );
    let pricing = Pricing {
        provider: profile.provider.clone(),
        model: profile.model.clone(),
        is_local: target.is_local,
    };
    Ok(Connection {
        profile_id,
        target,
        parallelism,
        pricing,
    })
}
