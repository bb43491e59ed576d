//! What a provider said: the reply as far as it got (text, model, usage, finish), why a
//! reply could not be read, and a provider's own error message.
//!
//! This is the one place provider text is read. Every piece of it that leaves (an error
//! message, a snippet, a model name, a finish reason) goes through the call's
//! [`Redactor`]: sanitized, with everything the call sent (the key, the messages)
//! redacted before it is cut short.

use std::sync::Arc;

use llm_agent_protocol::methods::profiles::{MAX_SNIPPET_CHARS, TokenUsage};
use serde_json::Value;

use super::framing;
use super::redact::Redactor;

/// What a reply said, as far as it got.
#[derive(Default)]
pub struct Reply {
    /// The model that answered, redacted and sanitized.
    pub model: Option<String>,
    /// The reply's text so far, up to `text_limit` bytes.
    text: String,
    text_limit: usize,
    /// Text arrived past `text_limit` and was dropped.
    overflowed: bool,
    /// How much of `text` [`Reply::take_delta`] has handed out.
    delivered: usize,
    pub usage: TokenUsage,
    pub finish_reason: Option<String>,
    /// The reply is complete: a finish reason or the end marker arrived, or a whole body
    /// was read.
    pub done: bool,
    /// The dialect's end marker arrived (`[DONE]`, `message_stop`, `done: true`): nothing
    /// more needs reading.
    pub ended: bool,
    /// Some piece of the reply (not only an end marker) arrived.
    pub started: bool,
    redactor: Arc<Redactor>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it is the learner's conversation.
        f.debug_struct("Reply")
            .field("model", &self.model)
            .field("text_bytes", &self.text.len())
            .field("usage", &self.usage)
            .field("finish_reason", &self.finish_reason)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Reply {
    /// An empty reply that keeps at most `text_limit` bytes of text and quotes the
    /// provider through `redactor`.
    pub fn new(text_limit: usize, redactor: Arc<Redactor>) -> Self {
        Reply {
            text_limit,
            redactor,
            ..Reply::default()
        }
    }

    /// Adds reply text; what does not fit in the limit is dropped and noted.
    pub fn push_text(&mut self, text: &str) {
        let room = self.text_limit.saturating_sub(self.text.len());
        if text.len() <= room {
            self.text.push_str(text);
            return;
        }
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(&text[..end]);
        self.overflowed = true;
    }

    /// Whether any reply text arrived.
    pub fn has_text(&self) -> bool {
        !self.text.is_empty()
    }

    /// Whether more text arrived than the reply keeps.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The text that arrived since the last call, if any.
    pub fn take_delta(&mut self) -> Option<&str> {
        let start = self.delivered;
        self.delivered = self.text.len();
        (start < self.text.len()).then(|| &self.text[start..])
    }

    /// The text, taken out of the reply.
    pub fn take_text(&mut self) -> String {
        self.delivered = 0;
        std::mem::take(&mut self.text)
    }

    /// Marks the reply complete, with nothing more to read.
    pub(crate) fn end(&mut self) {
        self.done = true;
        self.ended = true;
    }

    /// The start of the reply, sanitized, with what the call sent redacted (an echoing
    /// server may send it back).
    pub fn snippet(&self) -> Option<String> {
        let snippet = self.redactor.quote(&self.text, MAX_SNIPPET_CHARS);
        (!snippet.is_empty()).then_some(snippet)
    }

    /// The call's redactor, for the dialects' error messages.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    pub(crate) fn set_model(&mut self, value: Option<&Value>) {
        if let Some(model) = value.and_then(Value::as_str).filter(|m| !m.is_empty()) {
            self.model = Some(self.redactor.quote(model, 128));
        }
    }

    pub(crate) fn set_finish(&mut self, value: Option<&Value>) {
        if let Some(reason) = value.and_then(Value::as_str) {
            self.finish_reason = Some(self.redactor.quote(reason, 64));
        }
    }

    /// Fills in `total_tokens` when the provider gave only the parts.
    pub(crate) fn complete_usage(&mut self) {
        let usage = &mut self.usage;
        if usage.total_tokens.is_none()
            && let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens)
        {
            usage.total_tokens = input.checked_add(output);
        }
    }
}

/// Why a reply could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyError {
    /// Not the dialect's shape; says what was expected, never quotes the body.
    Shape(String),
    /// The provider reported an error inside a successful response (mid-stream).
    Provider(ProviderMessage),
}

impl From<framing::FramingError> for ReplyError {
    fn from(err: framing::FramingError) -> Self {
        ReplyError::Shape(err.to_string())
    }
}

pub(crate) fn shape(what: impl Into<String>) -> ReplyError {
    ReplyError::Shape(what.into())
}

pub(crate) fn parse_json(data: &str) -> Result<Value, ReplyError> {
    serde_json::from_str(data).map_err(|_| shape("a piece of the stream is not JSON"))
}

/// What a provider said about an error: its message and its machine-readable kind,
/// both redacted, sanitized and bounded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderMessage {
    pub message: Option<String>,
    /// `type` or `code`, such as `model_not_found`, `DeploymentNotFound`,
    /// `insufficient_quota`, `overloaded_error`.
    pub kinds: Vec<String>,
}

impl ProviderMessage {
    /// Reads an error body in any of the dialects' shapes: `{"error": {"message", "type",
    /// "code"}}` (OpenAI, Azure, Anthropic under `type: error`), `{"error": "text"}`
    /// (Ollama), `{"message", "type", "code"}` (vLLM) or `{"detail": "text"}`. Every text
    /// goes through `redactor`.
    pub fn from_json(value: &Value, redactor: &Redactor) -> ProviderMessage {
        let inner = match value.get("error") {
            Some(Value::String(text)) => {
                return ProviderMessage {
                    message: quoted(Some(text), redactor),
                    kinds: Vec::new(),
                };
            }
            Some(error @ Value::Object(_)) => error,
            _ => value,
        };
        let message = ["message", "detail", "msg"]
            .iter()
            .find_map(|field| inner.get(*field).and_then(Value::as_str));
        let kinds = ["type", "code"]
            .iter()
            .filter_map(|field| match inner.get(*field) {
                Some(Value::String(text)) => Some(redactor.quote(text, 64)),
                Some(Value::Number(number)) => Some(number.to_string()),
                _ => None,
            })
            .filter(|kind| !kind.is_empty())
            .collect();
        ProviderMessage {
            message: quoted(message, redactor),
            kinds,
        }
    }

    /// Reads an error body; text that is not JSON (nor a web page) is kept as the
    /// message. JSON is decoded before redacting, so an escaped quote of the prompt is
    /// caught in its plain form.
    pub fn from_body(body: &[u8], redactor: &Redactor) -> ProviderMessage {
        let body = String::from_utf8_lossy(body);
        match serde_json::from_str::<Value>(&body) {
            Ok(value) => ProviderMessage::from_json(&value, redactor),
            Err(_) => {
                let looks_like_html = body.trim_start().starts_with('<');
                ProviderMessage {
                    message: quoted((!looks_like_html).then_some(&*body), redactor),
                    kinds: Vec::new(),
                }
            }
        }
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.eq_ignore_ascii_case(kind))
    }
}

/// A provider's message as it may be shown: redacted, sanitized, at most
/// [`MAX_SNIPPET_CHARS`]; `None` when nothing is left.
fn quoted(message: Option<&str>, redactor: &Redactor) -> Option<String> {
    message
        .map(|m| redactor.quote(m, MAX_SNIPPET_CHARS))
        .filter(|m| !m.is_empty())
}

/// Whether a JSON value carries an error (`"error": null` does not).
pub(crate) fn has_error(value: &Value) -> bool {
    value.get("error").is_some_and(|error| !error.is_null())
}

/// A JSON number field as a token count.
pub(crate) fn count(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A reply that keeps a snippet's worth of text and redacts nothing.
    pub(crate) fn reply() -> Reply {
        Reply::new(8 * MAX_SNIPPET_CHARS, Arc::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Redactor {
        Redactor::default()
    }

    #[test]
    fn provider_messages_in_every_dialects_shape() {
        let openai = br#"{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
        let m = ProviderMessage::from_body(openai, &none());
        assert_eq!(
            m.message.as_deref(),
            Some("The model `gpt-9` does not exist")
        );
        assert!(m.has_kind("model_not_found"));
        let ollama = br#"{"error":"model \"x\" not found, try pulling it first"}"#;
        assert_eq!(
            ProviderMessage::from_body(ollama, &none())
                .message
                .as_deref(),
            Some("model \"x\" not found, try pulling it first")
        );
        let anthropic =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(ProviderMessage::from_body(anthropic, &none()).has_kind("overloaded_error"));
        let vllm = br#"{"object":"error","message":"The model `m` does not exist.","type":"NotFoundError","code":404}"#;
        let m = ProviderMessage::from_body(vllm, &none());
        assert!(m.has_kind("404") && m.has_kind("notfounderror"));
        assert_eq!(
            ProviderMessage::from_body(b"<html><body>502</body></html>", &none()).message,
            None
        );
        assert_eq!(
            ProviderMessage::from_body(b"upstream\nfailed", &none())
                .message
                .as_deref(),
            Some("upstream failed")
        );
    }

    #[test]
    fn what_was_sent_is_redacted_before_a_message_is_cut() {
        let key = "sk-live-0123456789abcdef";
        let prompt = "Tell me \"why\" the sky is blue";
        let redactor = Arc::new(Redactor::new(Some(key), [prompt]));
        let body = serde_json::json!({
            "error": {"message": format!("{} {key} {prompt}", "x".repeat(180))}
        })
        .to_string();
        let said = ProviderMessage::from_body(body.as_bytes(), &redactor);
        let message = said.message.unwrap();
        assert!(!message.contains("sk-live-01"), "{message}");
        assert!(!message.contains("Tell me"), "{message}");
        let mut reply = Reply::new(1024, redactor);
        reply.push_text(&format!("echo {key}"));
        assert_eq!(reply.snippet().as_deref(), Some("echo [redacted]"));
    }

    #[test]
    fn text_is_kept_to_its_limit_and_handed_out_as_deltas() {
        let mut reply = Reply::new(8, Arc::default());
        reply.push_text("abc");
        assert_eq!(reply.take_delta(), Some("abc"));
        assert_eq!(reply.take_delta(), None);
        reply.push_text("déf");
        reply.push_text("ghijk");
        assert!(reply.overflowed());
        assert_eq!(reply.take_delta(), Some("défg"));
        assert_eq!(reply.take_text(), "abcdéfg");
    }

    #[test]
    fn huge_token_counts_do_not_overflow() {
        let mut reply = testing::reply();
        reply.usage.input_tokens = Some(u64::MAX);
        reply.usage.output_tokens = Some(1);
        reply.complete_usage();
        assert_eq!(reply.usage.total_tokens, None);
    }
}
