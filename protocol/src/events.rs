//! Event topics and their payloads.

use serde::{Deserialize, Serialize};

use crate::methods::chat::CallClass;
use crate::methods::profiles::{TestStage, TestTimings};
use crate::safe_storage::SafeStorageState;

/// A topic a client can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Every diagnostics event, as it is recorded. Data: [`DiagnosticsEvent`].
    Diagnostics,
    /// A sweep whose findings differ from the previous sweep's. Data:
    /// [`Sweep`](crate::methods::discovery::Sweep).
    Discovery,
    /// A profile's spending today reached 80% of its daily cap, or all of it. Data:
    /// [`SpendingAlert`](crate::methods::usage::SpendingAlert).
    Usage,
}

impl Topic {
    pub const ALL: &'static [Topic] = &[Topic::Diagnostics, Topic::Discovery, Topic::Usage];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Diagnostics => "diagnostics",
            Topic::Discovery => "discovery",
            Topic::Usage => "usage",
        }
    }
}

/// The topic of the last event of a subscription that fell behind. Data: [`Lagged`].
/// The agent drops the subscription after sending it.
pub const LAGGED_TOPIC: &str = "lagged";

/// Payload of a `lagged` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lagged {
    /// How many events the subscriber missed.
    pub missed: u64,
}

/// What a diagnostics event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticsKind {
    /// One request, answered.
    Request,
    /// A connection refused at accept (peer of another user).
    ConnectionRefused,
    /// A supervised actor crashed and was restarted; `actor` names it.
    ActorRestarted,
    AgentStarted,
    AgentStopping,
    /// At start-up `profiles.json` could not be trusted (corrupt, or from a newer agent):
    /// it is kept untouched and profile writes are refused. `agent.status` says why.
    StoreReadOnly,
    /// One prompt test, however it ended (`result` is `OK` or the outcome's error code);
    /// `prompt_test` holds its stages. Never the prompt or the reply.
    PromptTest,
    /// A scheduled discovery sweep ran (`duration_us` its length). Sweeps asked for with
    /// `discovery.run` are `request` events.
    DiscoverySweep,
    /// One model call (`chat.run`), however it ended (`result` is `OK` or its error
    /// code); `model_call` holds its numbers. Never the messages or the reply.
    ModelCall,
    /// A profile's spending today reached 80% of its daily cap (`result` `WARNING`) or
    /// all of it (`result` `REACHED`).
    SpendingCap,
    /// A kind this build does not know (sent by a newer agent).
    #[serde(other)]
    Unknown,
}

/// One diagnostics event. Every field is allow-listed: there is no free-form text that
/// could carry a secret, a prompt or a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticsEvent {
    /// Agent-wide sequence number since start-up.
    pub seq: u64,
    /// RFC 3339, UTC.
    pub ts: String,
    pub kind: DiagnosticsKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `OK` or an error code.
    pub result: String,
    pub duration_us: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_uid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The profile a profile operation was about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// Safe storage's state after a profile operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_storage: Option<SafeStorageState>,
    /// With `prompt_test` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_test: Option<Box<PromptTestRecord>>,
    /// With `model_call` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_call: Option<Box<ModelCallRecord>>,
}

/// What a diagnostics event keeps of a model call: whose it was, how it queued, how far
/// it got, what it cost. Only numbers and names; never text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCallRecord {
    pub provider: String,
    /// `tutor` or `infrastructure` when the call named a role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub class: CallClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub attempts: u32,
    pub streamed: bool,
    pub stage: TestStage,
    pub timings: TestTimings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// USD, when the price is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// Where the price came from (`user`, `catalog`, `local`, `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_source: Option<String>,
}

/// What a diagnostics event keeps of a prompt test: where it got to and how long each
/// stage took. Only numbers and names this build chose; never text from the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptTestRecord {
    /// One of the profile providers (`ollama`, `openai`, ...).
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub attempts: u32,
    pub streamed: bool,
    pub stage: TestStage,
    pub timings: TestTimings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
}

/// The `result` of a successful operation.
pub const RESULT_OK: &str = "OK";
