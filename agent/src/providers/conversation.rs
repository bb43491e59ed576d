//! What a call asks a model: the messages and the options every dialect builds its
//! request from. A prompt test is a conversation of one user message.

use llm_agent_protocol::methods::chat::ChatRole;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::redact::Redactor;

/// The messages and options of one call.
pub struct Conversation {
    pub messages: Vec<Message>,
    /// The most reply tokens; `None`: the model's own limit.
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub stop: Vec<String>,
}

/// One message; its text is wiped from memory when the call ends.
pub struct Message {
    pub role: ChatRole,
    pub text: Zeroizing<String>,
}

impl Conversation {
    /// One user message asking for at most `max_tokens`: a prompt test.
    pub fn prompt(text: Zeroizing<String>, max_tokens: u32) -> Self {
        Conversation {
            messages: vec![Message {
                role: ChatRole::User,
                text,
            }],
            max_tokens: Some(max_tokens),
            temperature: None,
            stop: Vec::new(),
        }
    }

    /// Everything this conversation sends that a provider must not be quoted
    /// repeating: the key and every message.
    pub fn redactor(&self, key: Option<&str>) -> Redactor {
        Redactor::new(key, self.messages.iter().map(|m| m.text.as_str()))
    }

    /// The messages as OpenAI and Ollama take them, `system` included.
    pub(crate) fn all_messages(&self) -> Value {
        Value::Array(self.messages.iter().map(message_json).collect())
    }

    /// The `system` messages joined, for dialects that take them apart (Anthropic).
    pub(crate) fn system_text(&self) -> Option<String> {
        let system: Vec<&str> = self
            .messages
            .iter()
            .filter(|m| m.role == ChatRole::System)
            .map(|m| m.text.as_str())
            .collect();
        (!system.is_empty()).then(|| system.join("\n\n"))
    }

    /// The other messages.
    pub(crate) fn turns(&self) -> Value {
        Value::Array(
            self.messages
                .iter()
                .filter(|m| m.role != ChatRole::System)
                .map(message_json)
                .collect(),
        )
    }
}

fn message_json(message: &Message) -> Value {
    json!({"role": message.role.as_str(), "content": message.text.as_str()})
}
