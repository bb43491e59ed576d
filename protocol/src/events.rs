//! Event topics and their payloads.
//!
//! The state topics (`profiles`, `safe_storage`, `roles`, `catalog`) share one
//! agent-wide `revision`: every change of the agent's state takes the next one, and is
//! announced only once it is durable. A subscriber that gives the revision it last saw
//! receives the changes since, or one [`Resync`] when they are no longer held.

use serde::{Deserialize, Serialize};

use crate::methods::catalog::{CatalogProvider, RoleBinding};
use crate::methods::chat::CallClass;
use crate::methods::profiles::{RedactedProfile, TestStage, TestTimings};
use crate::safe_storage::{SafeStorageState, SafeStorageStatus};

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
    /// A profile created, updated, deleted or activated, once on disk. Data:
    /// [`ProfileEvent`].
    Profiles,
    /// A change of safe storage's state. Data: [`SafeStorageEvent`].
    SafeStorage,
    /// A role pointed at another profile, once on disk. Data: [`RolesEvent`].
    Roles,
    /// A catalog edit, once on disk. Data: [`CatalogEvent`].
    Catalog,
    /// A profile's spending today reached 80% of its daily cap, or all of it. Data:
    /// [`SpendingAlert`](crate::methods::usage::SpendingAlert).
    Usage,
}

impl Topic {
    pub const ALL: &'static [Topic] = &[
        Topic::Diagnostics,
        Topic::Discovery,
        Topic::Profiles,
        Topic::SafeStorage,
        Topic::Roles,
        Topic::Catalog,
        Topic::Usage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Diagnostics => "diagnostics",
            Topic::Discovery => "discovery",
            Topic::Profiles => "profiles",
            Topic::SafeStorage => "safe_storage",
            Topic::Roles => "roles",
            Topic::Catalog => "catalog",
            Topic::Usage => "usage",
        }
    }

    /// Whether the topic announces changes of the agent's state: its events carry a
    /// `revision`, and a subscription can resume from one.
    pub fn is_state(self) -> bool {
        match self {
            Topic::Diagnostics | Topic::Discovery | Topic::Usage => false,
            Topic::Profiles | Topic::SafeStorage | Topic::Roles | Topic::Catalog => true,
        }
    }
}

/// The topic of the event a resumed subscription gets first when the changes since the
/// revision it gave are no longer held (or that revision is not one of this agent's).
/// Data: [`Resync`].
pub const RESYNC_TOPIC: &str = "resync";

/// Payload of a `resync` event: re-read the state (`profiles.list`, `roles.get`,
/// `catalog.list`); the subscription's events carry on after `revision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Resync {
    /// The latest revision when the subscription started.
    pub revision: u64,
}

/// What happened to a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum ProfileChange {
    Created,
    /// Any change of its fields: a patch, a withdrawn or given consent, a key dropped by
    /// `profiles.reset_secrets`, or a key and consent voided because `profiles.json` was
    /// edited to point the profile elsewhere.
    Updated,
    Deleted,
    /// It became the active profile.
    Activated,
    /// A change this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

/// Payload of a `profiles` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProfileEvent {
    pub revision: u64,
    pub change: ProfileChange,
    pub profile_id: String,
    /// The profile after the change; absent for `deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<RedactedProfile>,
    /// The active profile after the change; absent when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_id: Option<String>,
    /// Whether this change made another profile active (or none).
    pub active_changed: bool,
    /// With `active_changed`: the profile active before, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_active_id: Option<String>,
}

/// Payload of a `safe_storage` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SafeStorageEvent {
    pub revision: u64,
    /// The new state, with its reason and remediation.
    pub status: SafeStorageStatus,
    pub previous: SafeStorageState,
}

/// Payload of a `roles` event: every role as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RolesEvent {
    pub revision: u64,
    pub roles: Vec<RoleBinding>,
}

/// Which catalog edit a `catalog` event announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum CatalogChange {
    ModelUpserted,
    ModelDeprecated,
    ModelReactivated,
    DefaultModelSet,
    ProviderSet,
    /// A change this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

/// Payload of a `catalog` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CatalogEvent {
    pub revision: u64,
    pub change: CatalogChange,
    /// The edited provider as `catalog.list` now shows it, with all its models.
    pub provider: CatalogProvider,
    /// The model edited, for the model edits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
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
    /// One model call (`chat.run`), however it ended (`result` is `OK` or its error
    /// code); `model_call` holds its numbers. Never the messages or the reply.
    ModelCall,
    /// A profile's spending today reached 80% of its daily cap (`result` `WARNING`) or
    /// all of it (`result` `REACHED`).
    SpendingCap,
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
    /// With `model_call` events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_call: Option<Box<ModelCallRecord>>,
}

/// What a diagnostics event keeps of a model call: whose it was, how it queued, how far
/// it got, what it cost. Only numbers and names; never text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
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
            model_call: None,
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
