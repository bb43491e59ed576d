//! `discovery.*`: sweeps run in the discovery actor; adopting a finding is discovery's
//! rule ([`adopt`]) and the vault's create.

use std::time::Duration;

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::discovery::{
    AdoptParams, DEFAULT_SWEEP_TIMEOUT_MS, DiscoveryStatus, MAX_SWEEP_TIMEOUT_MS,
    MIN_SWEEP_TIMEOUT_MS, RunParams, Settings, Sweep,
};
use llm_agent_protocol::methods::profiles::ProfileResult;

use crate::discovery::actor::RunRequest;
use crate::discovery::{adopt, settings};
use crate::ipc::call::Call;
use crate::ipc::error::RequestError;
use crate::texts::{self, messages};
use crate::vault::actor::VaultMsg;

/// Sweeps now. The sweep runs in the discovery actor's task; this waits for it.
pub async fn run(call: &Call, params: RunParams) -> Result<Sweep, WireError> {
    let budget_ms = params.timeout_ms.unwrap_or(DEFAULT_SWEEP_TIMEOUT_MS);
    if !(MIN_SWEEP_TIMEOUT_MS..=MAX_SWEEP_TIMEOUT_MS).contains(&budget_ms) {
        return Err(RequestError::SweepBudgetOutOfRange.into());
    }
    let extra = params.extra_endpoints.unwrap_or_default();
    let extra_endpoints =
        settings::check_endpoints(&extra, "extra_endpoints").map_err(|problems| {
            let first = problems.into_iter().next();
            RequestError::BadExtraEndpoint {
                field: first.as_ref().map(|p| p.field.clone()),
                message: first.map_or_else(messages::settings_bad_endpoint, |p| {
                    texts::text_of(&p, messages::settings_bad_endpoint())
                }),
            }
        })?;
    Ok(call
        .state
        .discovery
        .run(RunRequest {
            extra_endpoints,
            budget: Duration::from_millis(budget_ms),
        })
        .await?)
}

pub async fn status(call: &Call, _: NoParams) -> Result<DiscoveryStatus, WireError> {
    Ok(call.state.discovery.status().await?)
}

pub async fn configure(call: &Call, settings: Settings) -> Result<Settings, WireError> {
    Ok(call.state.discovery.configure(settings).await?)
}

/// Creates a profile from a finding of the last sweep.
pub async fn adopt(call: &Call, params: AdoptParams) -> Result<ProfileResult, WireError> {
    let state = &call.state;
    let kind = adopt::kind(&params)?;
    let last = state.discovery.status().await?.last_sweep;
    let profiles = &state.vault.snapshot().profiles;
    let create = adopt::profile_for(kind, params, last.as_ref(), profiles)?;
    let result = state
        .vault
        .call(|reply| VaultMsg::Create(create, reply))
        .await?;
    call.note_profile(&result.profile.id);
    Ok(result)
}
