//! Event topics and their payloads.

use serde::{Deserialize, Serialize};

use crate::methods::profiles::{TestStage, TestTimings};
use crate::safe_storage::SafeStorageState;

/// A topic a client can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Every diagnostics event, as it is recorded. Data: [`DiagnosticsEvent`].
    Diagnostics,
    /// A sweep whose findings differ from the previous sweep's. Data:
    /// [`Sweep`](crate::methods::discovery::Sweep).
    Discovery,
}

impl Topic {
    pub const ALL: &'static [Topic] = &[Topic::Diagnostics, Topic::Discovery];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Diagnostics => "diagnostics",
            Topic::Discovery => "discovery",
        }
    }
}

/// The topic of the last event of a subscription that fell behind. Data: [`Lagged`].
/// The agent drops the subscription after sending it.
pub const LAGGED_TOPIC: &str = "lagged";

/// Payload of a `lagged` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Lagged {
    /// How many events the subscriber missed.
    pub missed: u64,
}

/// What a diagnostics event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
    /// A kind this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

/// One diagnostics event. Every field is allow-listed: there is no free-form text that
/// could carry a secret, a prompt or a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
}

impl DiagnosticsEvent {
    /// An event of `kind` with `result` and every optional field empty; the agent fills
    /// in `seq` and `ts` when it records it.
    pub fn new(kind: DiagnosticsKind, result: &str) -> Self {
        DiagnosticsEvent {
            seq: 0,
            ts: String::new(),
            kind,
            correlation_id: None,
            method: None,
            result: result.to_owned(),
            duration_us: 0,
            peer_pid: None,
            peer_uid: None,
            actor: None,
            profile_id: None,
            safe_storage: None,
            prompt_test: None,
        }
    }
}

/// What a diagnostics event keeps of a prompt test: where it got to and how long each
/// stage took. Only numbers and names this build chose; never text from the provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
