//! `audit.query` and `audit.verify`: requests to the ledger's thread; verification
//! checks the ledger's end against the entry `profiles.json` records.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::audit::{MAX_AUDIT_LIMIT, QueryParams, QueryResult, VerifyResult};

use crate::audit::AuditError;
use crate::ipc::call::Call;

pub async fn query(call: &Call, params: QueryParams) -> Result<QueryResult, WireError> {
    if params
        .limit
        .is_some_and(|limit| !(1..=MAX_AUDIT_LIMIT).contains(&limit))
    {
        return Err(AuditError::LimitOutOfRange.into());
    }
    if let Some(id) = &params.profile_id {
        call.note_profile(id);
    }
    Ok(call.state.audit.query(params).await?)
}

pub async fn verify(call: &Call, _: NoParams) -> Result<VerifyResult, WireError> {
    let anchor = call.state.vault.snapshot().audit_head.clone();
    Ok(call.state.audit.verify(anchor).await?)
}
