//! `agent.status` and `agent.shutdown`: the agent process itself.

use serde::{Deserialize, Serialize};

use super::{Method, NoParams};
use crate::safe_storage::{SafeStorageStatus, StoreStatus};

/// Reports what the agent is and how it is doing.
pub enum Status {}

impl Method for Status {
    const NAME: &'static str = "agent.status";
    type Params = NoParams;
    type Result = AgentStatus;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct AgentStatus {
    pub version: String,
    pub protocol: u32,
    pub pid: u32,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub uptime_ms: u64,
    pub socket: String,
    pub data_dir: String,
    pub counters: Counters,
    #[serde(default)]
    pub safe_storage: SafeStorageStatus,
    /// Whether `profiles.json` can be written, and why not.
    #[serde(default)]
    pub store: StoreStatus,
}

/// Counters since start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Counters {
    pub connections_accepted: u64,
    pub connections_open: u64,
    pub connections_refused: u64,
    pub requests_total: u64,
    pub requests_failed: u64,
    pub requests_in_flight: u64,
    pub diagnostics_events: u64,
    pub actor_restarts: u64,
    /// Prompt tests running or queued now.
    #[serde(default)]
    pub prompt_tests_running: u64,
    /// `chat.run` calls running or queued now.
    #[serde(default)]
    pub chat_calls_running: u64,
}

/// Shuts the agent down gracefully: it stops accepting, finishes what is in flight,
/// flushes diagnostics and removes its socket. The response is sent first.
pub enum Shutdown {}

impl Method for Shutdown {
    const NAME: &'static str = "agent.shutdown";
    type Params = NoParams;
    type Result = ShutdownResult;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ShutdownResult {
    pub shutting_down: bool,
}
