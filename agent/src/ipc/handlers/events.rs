//! `events.subscribe` and `events.unsubscribe`.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::events::{
    SubscribeParams, SubscribeResult, UnsubscribeParams, UnsubscribeResult,
};

use crate::ipc::call::Call;

/// Subscribes; events flow once this answer is queued, so the client sees it first.
pub async fn subscribe(call: &Call, params: SubscribeParams) -> Result<SubscribeResult, WireError> {
    let (result, start) = call
        .subscriptions
        .subscribe(params.topics, params.since_revision)?;
    call.after_reply(move || start.fire());
    Ok(result)
}

pub async fn unsubscribe(
    call: &Call,
    params: UnsubscribeParams,
) -> Result<UnsubscribeResult, WireError> {
    call.subscriptions.unsubscribe(params.subscription)?;
    Ok(UnsubscribeResult {
        subscription: params.subscription,
    })
}
