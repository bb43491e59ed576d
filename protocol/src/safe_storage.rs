//! How the agent's secrets and profile file are doing, as responses report it.

use serde::{Deserialize, Serialize};

use crate::text::MessageArgs;

/// The state of safe storage: the data key in the OS credential store that encrypts
/// every API key at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum SafeStorageState {
    /// The key is there and usable.
    Available,
    /// No key exists yet and none is needed yet; one is created by the first write of
    /// an API key.
    NotInitialized,
    /// The credential store cannot be reached or is locked. Writes are refused; reads
    /// work.
    Unavailable,
    /// The store answers but the key is gone while stored keys still need it. Writes
    /// that involve keys are refused until `profiles.reset_secrets`.
    KeyMissing,
    /// Not yet checked since start-up.
    Unknown,
    /// A state this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SafeStorageStatus {
    pub state: SafeStorageState,
    /// Why, when the state is not `available`, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The stable message id of `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub reason_args: MessageArgs,
    /// What to do about it, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The stable message id of `remediation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub remediation_args: MessageArgs,
}

impl Default for SafeStorageStatus {
    /// What an older agent that does not report it is taken to say.
    fn default() -> Self {
        Self {
            state: SafeStorageState::Unknown,
            reason: None,
            reason_id: None,
            reason_args: MessageArgs::new(),
            remediation: None,
            remediation_id: None,
            remediation_args: MessageArgs::new(),
        }
    }
}

/// Whether the profile file can be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct StoreStatus {
    pub writable: bool,
    /// Why not (a corrupt file, or one written by a newer agent), for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The stable message id of `problem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub problem_args: MessageArgs,
}

impl Default for StoreStatus {
    /// What an older agent that does not report it is taken to say.
    fn default() -> Self {
        Self {
            writable: true,
            problem: None,
            problem_id: None,
            problem_args: MessageArgs::new(),
        }
    }
}
