//! `usage.*`: spending totals read from the usage book; a cap change waits for its save.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::usage::{ProfileUsage, SetCapParams, SummaryParams, UsageSummary};

use crate::calls::prepare::find_profile;
use crate::ipc::call::Call;

pub async fn summary(call: &Call, params: SummaryParams) -> Result<UsageSummary, WireError> {
    Ok(call
        .state
        .usage
        .summary(params.from.as_deref(), params.to.as_deref())?)
}

/// Sets a known profile's cap (a cap on no profile would never apply).
pub async fn set_cap(call: &Call, params: SetCapParams) -> Result<ProfileUsage, WireError> {
    let snapshot = call.state.vault.snapshot();
    let profile_id = find_profile(&snapshot, &params.profile_id)?.id.clone();
    call.note_profile(&profile_id);
    Ok(call
        .state
        .usage
        .set_cap(&profile_id, params.daily_cap_usd)
        .await?)
}
