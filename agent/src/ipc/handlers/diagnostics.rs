//! `diagnostics.query`.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::diagnostics::{MAX_QUERY_LIMIT, QueryParams, QueryResult};

use crate::ipc::call::Call;
use crate::ipc::error::RequestError;

pub async fn query(call: &Call, params: QueryParams) -> Result<QueryResult, WireError> {
    if params
        .limit
        .is_some_and(|limit| !(1..=MAX_QUERY_LIMIT).contains(&limit))
    {
        return Err(RequestError::QueryLimitOutOfRange.into());
    }
    Ok(call.state.diagnostics.query(params).await?)
}
