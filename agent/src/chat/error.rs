//! Why a `chat.run` was refused before anything was sent (a provider's failure is a
//! [`Failure`](crate::providers::Failure) instead), and the one mapping of each reason to
//! a wire error naming the field at fault.

use llm_agent_protocol::methods::chat::{
    MAX_CHAT_MAX_TOKENS, MAX_CHAT_MESSAGES, MAX_CHAT_TEXT_BYTES, MAX_CHAT_TIMEOUT_MS,
    MAX_MESSAGE_CHARS, MAX_STOP_CHARS, MAX_STOP_SEQUENCES,
};
use llm_agent_protocol::{ErrorCode, WireError};

use llm_agent_l10n::Text;

use crate::calls::error::{CallsError, PrepareError};
use crate::texts::{self, Explain, WireErrorTexts, messages};
use crate::usage::error::UsageError;
use crate::vault::error::VaultError;

#[derive(Debug, Clone)]
pub enum ChatError {
    NoTarget,
    TwoTargets,
    UnknownRole,
    RoleUnbound {
        role: String,
    },
    MessageCount,
    MessageLength {
        index: usize,
    },
    OnlySystem,
    TooMuchText,
    MaxTokens,
    Temperature {
        max: f64,
    },
    StopCount,
    StopLength {
        index: usize,
    },
    Timeout,
    /// The profile is unknown.
    Vault(VaultError),
    /// No consent for its remote endpoint, or its key cannot be read.
    Prepare(PrepareError),
    /// The profile's daily spending cap is reached.
    Usage(UsageError),
    /// The calls service is restarting, or too many calls wait at the endpoint.
    Calls(CallsError),
}

impl Explain for ChatError {
    fn message(&self) -> Text {
        match self {
            ChatError::NoTarget => messages::chat_no_target(),
            ChatError::TwoTargets => messages::chat_two_targets(),
            ChatError::UnknownRole => messages::chat_unknown_role(),
            ChatError::RoleUnbound { role } => messages::chat_role_unbound(role.as_str()),
            ChatError::MessageCount => messages::chat_message_count(MAX_CHAT_MESSAGES),
            ChatError::MessageLength { .. } => messages::chat_message_length(MAX_MESSAGE_CHARS),
            ChatError::OnlySystem => messages::chat_only_system(),
            ChatError::TooMuchText => messages::chat_too_much_text(MAX_CHAT_TEXT_BYTES),
            ChatError::MaxTokens => messages::chat_max_tokens(MAX_CHAT_MAX_TOKENS),
            ChatError::Temperature { max } => messages::chat_temperature(*max),
            ChatError::StopCount => messages::chat_stop_count(MAX_STOP_SEQUENCES),
            ChatError::StopLength { .. } => messages::chat_stop_length(MAX_STOP_CHARS),
            ChatError::Timeout => messages::chat_timeout(MAX_CHAT_TIMEOUT_MS),
            ChatError::Vault(err) => err.message(),
            ChatError::Prepare(err) => err.message(),
            ChatError::Usage(err) => err.message(),
            ChatError::Calls(err) => err.message(),
        }
    }
}

crate::explained_error!(ChatError {
    Vault(VaultError),
    Prepare(PrepareError),
    Usage(UsageError),
    Calls(CallsError),
});

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
        let message = err.message();
        let field = err.field();
        match err {
            ChatError::Vault(err) => err.into(),
            ChatError::Prepare(err) => err.into(),
            ChatError::Usage(err) => err.into(),
            ChatError::Calls(err) => err.into(),
            ChatError::RoleUnbound { .. } => texts::wire_error(ErrorCode::ProfileNotFound, message)
                .remediation(messages::chat_role_unbound_remedy()),
            ChatError::TooMuchText => texts::invalid_params(field.as_deref(), message)
                .remediation(messages::chat_too_much_text_remedy()),
            ChatError::Timeout => texts::invalid_params(field.as_deref(), message)
                .remediation(messages::test_timeout_default_remedy(120)),
            _ => texts::invalid_params(field.as_deref(), message),
        }
    }
}
