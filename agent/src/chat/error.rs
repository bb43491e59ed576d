//! Why a `chat.run` was refused before anything was sent (a provider's failure is a
//! [`Failure`](crate::providers::Failure) instead), and the one mapping of each reason to
//! a wire error naming the field at fault.

use llm_agent_protocol::methods::chat::{
    MAX_CHAT_MAX_TOKENS, MAX_CHAT_MESSAGES, MAX_CHAT_TEXT_BYTES, MAX_CHAT_TIMEOUT_MS,
    MAX_MESSAGE_CHARS, MAX_STOP_CHARS, MAX_STOP_SEQUENCES,
};
use llm_agent_protocol::{ErrorCode, WireError};

use crate::calls::error::{CallsError, PrepareError};
use crate::usage::error::UsageError;
use crate::vault::error::VaultError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ChatError {
    #[error("name the profile to call: give profile_id or role")]
    NoTarget,
    #[error("give profile_id or role, not both")]
    TwoTargets,
    #[error("role must be tutor or infrastructure")]
    UnknownRole,
    #[error("no profile plays the {role} role: there are no profiles")]
    RoleUnbound { role: String },
    #[error("messages must hold 1 to {MAX_CHAT_MESSAGES} messages")]
    MessageCount,
    #[error("a message must have 1 to {MAX_MESSAGE_CHARS} characters")]
    MessageLength { index: usize },
    #[error("at least one message must come from the user or the assistant")]
    OnlySystem,
    #[error("the messages and stop sequences together exceed {MAX_CHAT_TEXT_BYTES} bytes")]
    TooMuchText,
    #[error("max_tokens must be 1 to {MAX_CHAT_MAX_TOKENS}")]
    MaxTokens,
    #[error("temperature must be 0 to {max} for this provider")]
    Temperature { max: f64 },
    #[error("stop holds at most {MAX_STOP_SEQUENCES} sequences")]
    StopCount,
    #[error("a stop sequence must have 1 to {MAX_STOP_CHARS} characters")]
    StopLength { index: usize },
    #[error("timeout_ms must be 1 to {MAX_CHAT_TIMEOUT_MS} (milliseconds)")]
    Timeout,
    /// The profile is unknown.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// No consent for its remote endpoint, or its key cannot be read.
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    /// The profile's daily spending cap is reached.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The calls service is restarting, or too many calls wait at the endpoint.
    #[error(transparent)]
    Calls(#[from] CallsError),
}

impl ChatError {
    /// The params field at fault, as `details.field` names it.
    fn field(&self) -> Option<String> {
        Some(match self {
            ChatError::NoTarget => "profile_id".to_owned(),
            ChatError::TwoTargets | ChatError::UnknownRole => "role".to_owned(),
            ChatError::MessageCount | ChatError::OnlySystem | ChatError::TooMuchText => {
                "messages".to_owned()
            }
            ChatError::MessageLength { index } => format!("messages[{index}].content"),
            ChatError::MaxTokens => "max_tokens".to_owned(),
            ChatError::Temperature { .. } => "temperature".to_owned(),
            ChatError::StopCount => "stop".to_owned(),
            ChatError::StopLength { index } => format!("stop[{index}]"),
            ChatError::Timeout => "timeout_ms".to_owned(),
            _ => return None,
        })
    }
}

impl From<ChatError> for WireError {
    fn from(err: ChatError) -> Self {
        let message = err.to_string();
        let field = err.field();
        match err {
            ChatError::Vault(err) => err.into(),
            ChatError::Prepare(err) => err.into(),
            ChatError::Usage(err) => err.into(),
            ChatError::Calls(err) => err.into(),
            ChatError::RoleUnbound { .. } => WireError::new(ErrorCode::ProfileNotFound, message)
                .with_remediation("Create a profile first; the first one plays every role."),
            ChatError::TooMuchText => WireError::invalid_params(field.as_deref(), message)
                .with_remediation(
                    "Send fewer or shorter messages: drop the oldest turns of the conversation.",
                ),
            ChatError::Timeout => WireError::invalid_params(field.as_deref(), message)
                .with_remediation("Leave it out for the default of 120 s."),
            _ => WireError::invalid_params(field.as_deref(), message),
        }
    }
}
