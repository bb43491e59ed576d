//! Params for `chat.run` as the tests and benches send them: a question for a profile or
//! a role, and the messages of a short conversation.

use llm_agent_protocol::methods::chat::{ChatMessage, ChatParams, ChatRole};

/// One user message, `text`.
pub fn user(text: &str) -> Vec<ChatMessage> {
    vec![ChatMessage::new(ChatRole::User, text)]
}

/// `messages` for the profile `id`.
pub fn to_profile(id: &str, messages: Vec<ChatMessage>) -> ChatParams {
    ChatParams {
        profile_id: Some(id.to_owned()),
        messages,
        ..Default::default()
    }
}

/// `messages` for whichever profile plays `role` (`tutor`, `infrastructure`).
pub fn to_role(role: &str, messages: Vec<ChatMessage>) -> ChatParams {
    ChatParams {
        role: Some(role.to_owned()),
        messages,
        ..Default::default()
    }
}

/// The text of the last message of a chat request in the OpenAI, Ollama or Anthropic
/// shape: what a test asked, to tell requests apart.
pub fn asked(request: &crate::http_fixture::RecordedRequest) -> String {
    let body = request.json();
    let messages = body["messages"].as_array().expect("messages");
    messages
        .last()
        .and_then(|m| m["content"].as_str())
        .expect("the last message is text")
        .to_owned()
}
