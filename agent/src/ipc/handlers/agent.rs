//! `agent.status` and `agent.shutdown`.

use std::sync::atomic::Ordering::Relaxed;

use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::agent::{AgentStatus, Counters, ShutdownResult};
use llm_agent_protocol::{PROTOCOL_VERSION, WireError};

use crate::ipc::call::Call;
use crate::state::AgentState;

pub async fn status(call: &Call, _: NoParams) -> Result<AgentStatus, WireError> {
    Ok(status_of(&call.state))
}

/// What `agent.status` reports (a support bundle includes it).
pub fn status_of(state: &AgentState) -> AgentStatus {
    let vault = state.vault.snapshot();
    AgentStatus {
        version: state.config.agent_version.clone(),
        protocol: PROTOCOL_VERSION,
        pid: std::process::id(),
        started_at: state.started_at.clone(),
        uptime_ms: u64::try_from(state.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        socket: state.config.socket.display().to_string(),
        data_dir: state.config.data_dir.display().to_string(),
        counters: Counters {
            prompt_tests_running: state.calls.prompt_tests_running.load(Relaxed),
            chat_calls_running: state.calls.chats_running.load(Relaxed),
            ..state.counters.snapshot(state.diagnostics.recorded())
        },
        safe_storage: vault.safe_storage.clone(),
        store: vault.store.clone(),
    }
}

/// Shuts the agent down once the answer is on its way.
pub async fn shutdown(call: &Call, _: NoParams) -> Result<ShutdownResult, WireError> {
    let shutdown = call.state.shutdown.clone();
    tracing::info!("shutdown requested by a client");
    call.after_reply(move || shutdown.cancel());
    Ok(ShutdownResult {
        shutting_down: true,
    })
}
