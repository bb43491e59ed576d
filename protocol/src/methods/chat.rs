//! `chat.run`: a model call through the agent, so an API key never leaves its process.
//! The caller names a profile or a role, sends the conversation, and gets the reply: as
//! delta frames while it streams (when asked for), then one final response with the
//! whole text, usage, timings, attempts and the estimated cost.
//!
//! A failure of the provider is an error response with the prompt test's typed codes
//! (`AUTH_FAILED`, `RATE_LIMITED`, ...); its `details` say how far the call got.

use serde::{Deserialize, Serialize};

use super::Method;
use super::catalog::EstimatedCost;
use super::profiles::{TestStage, TestTimings, TokenUsage};
use crate::secret::SecretText;

/// The deadline of a `chat.run` when the caller gives none, in milliseconds.
pub const DEFAULT_CHAT_TIMEOUT_MS: u64 = 120_000;
/// The longest `timeout_ms` a `chat.run` accepts: ten minutes.
pub const MAX_CHAT_TIMEOUT_MS: u64 = 600_000;
/// The most messages one call may send.
pub const MAX_CHAT_MESSAGES: usize = 256;
/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 200_000;
/// The most text one call may send, in UTF-8 bytes: every message's content and every
/// stop sequence together. A quarter of the frame limit, so the request and its
/// envelope always fit with room to spare.
pub const MAX_CHAT_TEXT_BYTES: usize = 1024 * 1024;
/// The largest `max_tokens`.
pub const MAX_CHAT_MAX_TOKENS: u32 = 65_536;
/// The `max_tokens` sent to Anthropic, which requires one, when the caller gives none.
pub const DEFAULT_ANTHROPIC_MAX_TOKENS: u32 = 4_096;
/// The most stop sequences, and the longest one in characters.
pub const MAX_STOP_SEQUENCES: usize = 4;
pub const MAX_STOP_CHARS: usize = 64;
/// The highest `temperature` (OpenAI's and Ollama's range; Anthropic's is 0 to 1).
pub const MAX_TEMPERATURE: f64 = 2.0;
/// The longest reply a call keeps, in UTF-8 bytes; a longer one fails as
/// `INVALID_RESPONSE`. The final response carries it whole, well inside a frame.
pub const MAX_REPLY_TEXT_BYTES: usize = 1024 * 1024;

/// Talks to a model: one request, its reply streamed as delta frames when `stream` is
/// true, then the final response.
pub enum Run {}

impl Method for Run {
    const NAME: &'static str = "chat.run";
    type Params = ChatParams;
    type Result = ChatResult;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ChatParams {
    /// The profile to call. Exactly one of `profile_id` and `role` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// One of [`ROLES`](super::catalog::ROLES), resolved to a profile when the call arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// 1 to [`MAX_CHAT_MESSAGES`], in order; at least one is not `system`.
    pub messages: Vec<ChatMessage>,
    /// 1 to [`MAX_CHAT_MAX_TOKENS`]; absent: the model's own limit (Anthropic, which
    /// needs one, gets [`DEFAULT_ANTHROPIC_MAX_TOKENS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// 0 to [`MAX_TEMPERATURE`] (0 to 1 for Anthropic); absent: the model's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Up to [`MAX_STOP_SEQUENCES`] sequences of 1 to [`MAX_STOP_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub stop: Vec<String>,
    /// 1 to [`MAX_CHAT_TIMEOUT_MS`]; [`DEFAULT_CHAT_TIMEOUT_MS`] when absent. The whole
    /// deadline: the queue, every attempt and every backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Whether to send the reply's text as delta frames while it streams.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub stream: bool,
}

/// One message of the conversation. Its text goes to the provider and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ChatMessage {
    pub role: ChatRole,
    pub content: SecretText,
}

impl ChatMessage {
    pub fn new(role: ChatRole, content: impl Into<String>) -> Self {
        ChatMessage {
            role,
            content: SecretText::from(content.into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum ChatRole {
    System,
    User,
    Assistant,
}

impl ChatRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRole::System => "system",
            ChatRole::User => "user",
            ChatRole::Assistant => "assistant",
        }
    }
}

/// The data of one delta frame of a `chat.run`: the next piece of the reply's text.
/// Pieces come in order; joined, they are the final response's `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ChatDelta {
    pub text: String,
}

/// Which queue a call waited in at its endpoint: `interactive` (the tutor, prompt
/// tests) goes before `background` (the `infrastructure` role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum CallClass {
    Interactive,
    Background,
    /// A class this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

impl CallClass {
    pub fn as_str(self) -> &'static str {
        match self {
            CallClass::Interactive => "interactive",
            CallClass::Background => "background",
            CallClass::Unknown => "unknown",
        }
    }
}

/// The reply of a `chat.run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ChatResult {
    /// The profile that was called (the role's, for a call by role).
    pub profile_id: String,
    /// The role named, when the call named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub class: CallClass,
    pub provider: String,
    /// The model the profile names.
    pub requested_model: String,
    /// The model that answered, as the provider reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The whole reply.
    pub text: String,
    /// Why the model stopped (`stop`, `length`, `end_turn`, ...), as the provider said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<TokenUsage>,
    /// What the call cost; absent without usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_cost: Option<EstimatedCost>,
    /// Requests sent to the provider (more than one after retries).
    pub attempts: u32,
    pub http_status: u16,
    /// Whether the reply came as a stream (else as one JSON body).
    pub streamed: bool,
    pub timings: TestTimings,
}

/// The `details` of a `chat.run` that failed at the provider: how far it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CallFailureDetails {
    pub stage: TestStage,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// With `RATE_LIMITED`: how long the provider asked to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}
