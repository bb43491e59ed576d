//! Turns `chat.run` params into a [`ChatCall`] ready to run: every bound checked (the
//! field at fault named), the role resolved to a profile at this moment, the profile's
//! daily cap checked, and the profile made ready to call (consent, key, parallelism:
//! `calls::prepare`). Nothing is sent before all of that passed.

use std::time::{Duration, Instant};

use llm_agent_protocol::methods::chat::{
    CallClass, ChatParams, ChatRole, DEFAULT_CHAT_TIMEOUT_MS, MAX_CHAT_MAX_TOKENS,
    MAX_CHAT_MESSAGES, MAX_CHAT_TEXT_BYTES, MAX_CHAT_TIMEOUT_MS, MAX_MESSAGE_CHARS, MAX_STOP_CHARS,
    MAX_STOP_SEQUENCES,
};
use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use super::error::ChatError;
use crate::calls::prepare::{self, Pricing};
use crate::calls::run::{CallJob, ReplyLimits};
use crate::catalog::CatalogState;
use crate::providers::{Conversation, Dialect, Message, Target};
use crate::usage::UsageBook;
use crate::vault::{VaultHandle, VaultSnapshot};

/// Whom a call is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    Profile(String),
    Role(Role),
}

/// The roles a call may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Tutor,
    Infrastructure,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Tutor => "tutor",
            Role::Infrastructure => "infrastructure",
        }
    }

    /// The queue its calls wait in: background work goes after the learner's.
    pub fn class(self) -> CallClass {
        match self {
            Role::Tutor => CallClass::Interactive,
            Role::Infrastructure => CallClass::Background,
        }
    }

    /// The profile playing the role now: the active one for the tutor; for
    /// infrastructure its own, else the tutor's.
    fn profile_id(self, snapshot: &VaultSnapshot) -> Option<&str> {
        let tutor = snapshot.active_id.as_deref();
        match self {
            Role::Tutor => tutor,
            Role::Infrastructure => snapshot.infrastructure_id.as_deref().or(tutor),
        }
    }
}

/// Params that passed every check that needs nothing but themselves.
pub struct Checked {
    callee: Callee,
    conversation: Conversation,
    timeout: Duration,
    stream: bool,
}

impl Checked {
    /// Whether the caller asked for deltas.
    pub fn stream(&self) -> bool {
        self.stream
    }
}

/// A call ready to run.
pub struct ChatCall {
    pub job: CallJob,
    pub pricing: Pricing,
    pub profile_id: String,
    pub role: Option<Role>,
    pub provider: String,
    pub requested_model: String,
}

/// Checks every bound of the params, in the order the fields are documented.
pub fn check(params: ChatParams) -> Result<Checked, ChatError> {
    let callee = match (params.profile_id, params.role.as_deref()) {
        (Some(_), Some(_)) => return Err(ChatError::TwoTargets),
        (None, None) => return Err(ChatError::NoTarget),
        (Some(id), None) => Callee::Profile(id),
        (None, Some("tutor")) => Callee::Role(Role::Tutor),
        (None, Some("infrastructure")) => Callee::Role(Role::Infrastructure),
        (None, Some(_)) => return Err(ChatError::UnknownRole),
    };
    if params.messages.is_empty() || params.messages.len() > MAX_CHAT_MESSAGES {
        return Err(ChatError::MessageCount);
    }
    let mut text_bytes = 0usize;
    for (index, message) in params.messages.iter().enumerate() {
        let text = message.content.expose();
        let chars = text.chars().count();
        if text.trim().is_empty() || chars > MAX_MESSAGE_CHARS {
            return Err(ChatError::MessageLength { index });
        }
        text_bytes += text.len();
    }
    if params.messages.iter().all(|m| m.role == ChatRole::System) {
        return Err(ChatError::OnlySystem);
    }
    if params
        .max_tokens
        .is_some_and(|n| n == 0 || n > MAX_CHAT_MAX_TOKENS)
    {
        return Err(ChatError::MaxTokens);
    }
    if let Some(temperature) = params.temperature
        && !(temperature.is_finite()
            && temperature >= 0.0
            && temperature <= Dialect::OpenAi.max_temperature())
    {
        return Err(ChatError::Temperature {
            max: Dialect::OpenAi.max_temperature(),
        });
    }
    if params.stop.len() > MAX_STOP_SEQUENCES {
        return Err(ChatError::StopCount);
    }
    for (index, stop) in params.stop.iter().enumerate() {
        if stop.is_empty() || stop.chars().count() > MAX_STOP_CHARS {
            return Err(ChatError::StopLength { index });
        }
        text_bytes += stop.len();
    }
    if text_bytes > MAX_CHAT_TEXT_BYTES {
        return Err(ChatError::TooMuchText);
    }
    let timeout_ms = params.timeout_ms.unwrap_or(DEFAULT_CHAT_TIMEOUT_MS);
    if !(1..=MAX_CHAT_TIMEOUT_MS).contains(&timeout_ms) {
        return Err(ChatError::Timeout);
    }
    let messages = params
        .messages
        .into_iter()
        .map(|message| Message {
            role: message.role,
            text: Zeroizing::new(message.content.expose().to_owned()),
        })
        .collect();
    Ok(Checked {
        callee,
        conversation: Conversation {
            messages,
            max_tokens: params.max_tokens,
            temperature: params.temperature,
            stop: params.stop,
        },
        timeout: Duration::from_millis(timeout_ms),
        stream: params.stream,
    })
}

/// Prepares a call received at `received`: resolves its profile now, refuses it when
/// the profile's cap is reached, and makes the profile ready to call. Its cancel token
/// is a child of `shutdown`.
pub async fn prepare(
    checked: Checked,
    received: Instant,
    vault: &VaultHandle,
    catalog: &CatalogState,
    usage: &UsageBook,
    shutdown: &CancellationToken,
) -> Result<ChatCall, ChatError> {
    let Checked {
        callee,
        conversation,
        timeout,
        stream: _,
    } = checked;
    let snapshot = vault.snapshot();
    let (given_id, role) = match &callee {
        Callee::Profile(id) => (id.as_str(), None),
        Callee::Role(role) => {
            let id = role
                .profile_id(&snapshot)
                .ok_or_else(|| ChatError::RoleUnbound {
                    role: role.as_str().to_owned(),
                })?;
            (id, Some(*role))
        }
    };
    let profile = prepare::find_profile(&snapshot, given_id)?;
    let dialect = Target::of(profile, None).map(|t| t.dialect);
    if let (Some(dialect), Some(temperature)) = (dialect, conversation.temperature)
        && temperature > dialect.max_temperature()
    {
        return Err(ChatError::Temperature {
            max: dialect.max_temperature(),
        });
    }
    usage.check_cap(&profile.id)?;
    let deadline = received + timeout;
    let connection = prepare::connect(profile, &snapshot, vault, catalog, deadline).await?;
    Ok(ChatCall {
        profile_id: connection.profile_id.to_string(),
        role,
        provider: profile.provider.clone(),
        requested_model: profile.model.clone(),
        pricing: connection.pricing,
        job: CallJob {
            profile_id: connection.profile_id,
            target: connection.target,
            conversation,
            // A call by profile id is the learner's own; only the infrastructure role's
            // calls are background work.
            class: role.map_or(CallClass::Interactive, Role::class),
            received,
            deadline,
            cancel: shutdown.child_token(),
            shutdown: shutdown.clone(),
            parallelism: connection.parallelism,
            limits: ReplyLimits::CHAT,
        },
    })
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::chat::ChatMessage;

    use super::*;

    fn params() -> ChatParams {
        ChatParams {
            role: Some("tutor".into()),
            messages: vec![
                ChatMessage::new(ChatRole::System, "Be brief."),
                ChatMessage::new(ChatRole::User, "Hello"),
            ],
            ..Default::default()
        }
    }

    fn field_of(params: ChatParams) -> Option<String> {
        let err = check(params).err().expect("refused");
        let wire = llm_agent_protocol::WireError::from(err);
        wire.details
            .and_then(|d| d["field"].as_str().map(str::to_owned))
    }

    #[test]
    fn every_bound_names_its_field() {
        assert!(check(params()).is_ok());
        let cases: Vec<(ChatParams, &str)> = vec![
            (
                ChatParams {
                    role: None,
                    ..params()
                },
                "profile_id",
            ),
            (
                ChatParams {
                    profile_id: Some("x".into()),
                    ..params()
                },
                "role",
            ),
            (
                ChatParams {
                    role: Some("teacher".into()),
                    ..params()
                },
                "role",
            ),
            (
                ChatParams {
                    messages: vec![],
                    ..params()
                },
                "messages",
            ),
            (
                ChatParams {
                    messages: vec![ChatMessage::new(ChatRole::User, "ok"); MAX_CHAT_MESSAGES + 1],
                    ..params()
                },
                "messages",
            ),
            (
                ChatParams {
                    messages: vec![
                        ChatMessage::new(ChatRole::User, "fine"),
                        ChatMessage::new(ChatRole::User, "  "),
                    ],
                    ..params()
                },
                "messages[1].content",
            ),
            (
                ChatParams {
                    messages: vec![ChatMessage::new(
                        ChatRole::User,
                        "x".repeat(MAX_MESSAGE_CHARS + 1),
                    )],
                    ..params()
                },
                "messages[0].content",
            ),
            (
                ChatParams {
                    messages: vec![ChatMessage::new(ChatRole::System, "only me")],
                    ..params()
                },
                "messages",
            ),
            (
                ChatParams {
                    messages: vec![ChatMessage::new(ChatRole::User, "x".repeat(150_000)); 8],
                    ..params()
                },
                "messages",
            ),
            (
                ChatParams {
                    max_tokens: Some(0),
                    ..params()
                },
                "max_tokens",
            ),
            (
                ChatParams {
                    max_tokens: Some(MAX_CHAT_MAX_TOKENS + 1),
                    ..params()
                },
                "max_tokens",
            ),
            (
                ChatParams {
                    temperature: Some(-0.1),
                    ..params()
                },
                "temperature",
            ),
            (
                ChatParams {
                    temperature: Some(f64::NAN),
                    ..params()
                },
                "temperature",
            ),
            (
                ChatParams {
                    temperature: Some(2.5),
                    ..params()
                },
                "temperature",
            ),
            (
                ChatParams {
                    stop: vec!["a".into(); 5],
                    ..params()
                },
                "stop",
            ),
            (
                ChatParams {
                    stop: vec!["a".into(), String::new()],
                    ..params()
                },
                "stop[1]",
            ),
            (
                ChatParams {
                    timeout_ms: Some(0),
                    ..params()
                },
                "timeout_ms",
            ),
            (
                ChatParams {
                    timeout_ms: Some(MAX_CHAT_TIMEOUT_MS + 1),
                    ..params()
                },
                "timeout_ms",
            ),
        ];
        for (params, field) in cases {
            assert_eq!(field_of(params).as_deref(), Some(field));
        }
    }
}
