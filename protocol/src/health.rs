//! A profile's health: the outcomes of its recent prompt tests and model calls, without
//! any text, as `profiles.health` returns them and `profiles.list` summarises them.

use serde::{Deserialize, Serialize};

/// The most outcomes a profile's history keeps; older ones are dropped.
pub const MAX_HEALTH_OUTCOMES: usize = 20;

/// What produced an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// A `profiles.test`.
    PromptTest,
    /// A model call of the app's.
    Call,
    /// A kind this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

/// One outcome. Numbers and codes only: never a prompt, a reply or a provider's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HealthOutcome {
    /// RFC 3339, UTC: when it ended.
    pub at: String,
    pub kind: OutcomeKind,
    pub success: bool,
    /// The error code when it failed (`TIMEOUT`, `AUTH_FAILED`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Milliseconds from the request's arrival to its end.
    pub latency_ms: f64,
    /// Milliseconds to the first token of the reply, when one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<f64>,
}

/// What a badge needs to know of a profile's recent outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HealthSummary {
    /// Outcomes in the history (at most [`MAX_HEALTH_OUTCOMES`]).
    pub outcomes: u32,
    /// RFC 3339: when the latest ended.
    pub last_at: String,
    /// Whether the latest succeeded.
    pub last_success: bool,
    /// The latest's error code when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_code: Option<String>,
    /// RFC 3339: when the latest success in the history ended; absent when none did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success_at: Option<String>,
    /// The median latency of the successes in the history; absent when none succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_latency_ms: Option<f64>,
}
