//! `chat.run`: checked and prepared by the chat rules, run by the calls actor, its reply
//! streamed as delta frames when the caller asked.

use std::time::Instant;

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::chat::{ChatDelta, ChatParams, ChatResult};

use crate::chat::{self, Deltas, prepare};
use crate::ipc::call::{Call, DeltaSink};

pub async fn run(call: &Call, params: ChatParams) -> Result<ChatResult, WireError> {
    let received = Instant::now();
    let state = &call.state;
    let checked = prepare::check(params)?;
    let stream = checked.stream();
    let catalog = state.catalog.snapshot();
    let prepared = prepare::prepare(
        checked,
        received,
        &state.vault,
        &catalog,
        &state.usage,
        &state.shutdown,
    )
    .await?;
    call.note_profile(&prepared.profile_id);
    let mut sink = ChatDeltas(call.delta_sink());
    let correlation_id = call.correlation_id.clone();
    chat::run(
        state,
        prepared,
        catalog,
        correlation_id,
        stream.then_some(&mut sink),
    )
    .await
}

/// A chat call's text pieces as delta frames of its request.
struct ChatDeltas(DeltaSink);

impl Deltas for ChatDeltas {
    async fn send(&mut self, text: String) {
        self.0.send(&ChatDelta { text }).await;
    }
}
