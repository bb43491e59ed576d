//! What a provider said: the reply as far as it got (text, model, usage, finish), why a
//! reply could not be read, and a provider's own error message, sanitized and with the
//! key redacted.

use llm_agent_protocol::methods::profiles::{MAX_SNIPPET_CHARS, TokenUsage};
use serde_json::Value;

use super::framing;
use crate::sanitize::sanitize;

/// What a reply said, as far as it got.
#[derive(Debug, Default)]
pub struct Reply {
    /// The model that answered.
    pub model: Option<String>,
    /// The reply's text so far, kept up to [`RAW_TEXT_LIMIT`] characters.
    text: String,
    text_chars: usize,
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
}

/// Reply text kept before sanitizing: whitespace runs collapse, so keep a margin.
const RAW_TEXT_LIMIT: usize = 8 * MAX_SNIPPET_CHARS;

impl Reply {
    pub fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if self.text_chars == RAW_TEXT_LIMIT {
                break;
            }
            self.text.push(c);
            self.text_chars += 1;
        }
    }

    /// Whether any reply text arrived.
    pub fn has_text(&self) -> bool {
        self.text_chars > 0
    }

    /// Marks the reply complete, with nothing more to read.
    pub(crate) fn end(&mut self) {
        self.done = true;
        self.ended = true;
    }

    /// The start of the reply, sanitized, with `key` redacted (a server may echo it).
    pub fn snippet(&self, key: Option<&str>) -> Option<String> {
        let snippet = sanitize(&redact(&self.text, key), MAX_SNIPPET_CHARS);
        (!snippet.is_empty()).then_some(snippet)
    }

    pub(crate) fn set_model(&mut self, value: Option<&Value>) {
        if let Some(model) = value.and_then(Value::as_str).filter(|m| !m.is_empty()) {
            self.model = Some(sanitize(model, 128));
        }
    }

    pub(crate) fn set_finish(&mut self, value: Option<&Value>) {
        if let Some(reason) = value.and_then(Value::as_str) {
            self.finish_reason = Some(sanitize(reason, 64));
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
/// both sanitized and bounded.
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
    /// (Ollama), `{"message", "type", "code"}` (vLLM) or `{"detail": "text"}`.
    pub fn from_json(value: &Value) -> ProviderMessage {
        let inner = match value.get("error") {
            Some(Value::String(text)) => {
                return ProviderMessage {
                    message: Some(text.clone()),
                    kinds: Vec::new(),
                }
                .sanitized();
            }
            Some(error @ Value::Object(_)) => error,
            _ => value,
        };
        let message = ["message", "detail", "msg"]
            .iter()
            .find_map(|field| inner.get(*field).and_then(Value::as_str))
            .map(str::to_owned);
        let kinds = ["type", "code"]
            .iter()
            .filter_map(|field| match inner.get(*field) {
                Some(Value::String(text)) => Some(text.clone()),
                Some(Value::Number(number)) => Some(number.to_string()),
                _ => None,
            })
            .collect();
        ProviderMessage { message, kinds }.sanitized()
    }

    /// Reads an error body; text that is not JSON is kept as the message. `key` is
    /// redacted first, before anything is cut short.
    pub fn from_body(body: &[u8], key: Option<&str>) -> ProviderMessage {
        let body = String::from_utf8_lossy(body);
        let body = redact(&body, key);
        match serde_json::from_str::<Value>(&body) {
            Ok(value) => ProviderMessage::from_json(&value),
            Err(_) => {
                let text = body;
                let looks_like_html = text.trim_start().starts_with('<');
                ProviderMessage {
                    message: (!looks_like_html && !text.trim().is_empty())
                        .then(|| text.into_owned()),
                    kinds: Vec::new(),
                }
                .sanitized()
            }
        }
    }

    fn sanitized(self) -> ProviderMessage {
        ProviderMessage {
            message: self
                .message
                .map(|m| sanitize(&m, MAX_SNIPPET_CHARS))
                .filter(|m| !m.is_empty()),
            kinds: self
                .kinds
                .into_iter()
                .map(|k| sanitize(&k, 64))
                .filter(|k| !k.is_empty())
                .collect(),
        }
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k.eq_ignore_ascii_case(kind))
    }
}

/// `text` with every occurrence of `key` replaced by `[redacted]`.
pub fn redact<'a>(text: &'a str, key: Option<&str>) -> std::borrow::Cow<'a, str> {
    match key.filter(|key| !key.is_empty() && text.contains(*key)) {
        Some(key) => std::borrow::Cow::Owned(text.replace(key, "[redacted]")),
        None => std::borrow::Cow::Borrowed(text),
    }
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
mod tests {
    use super::*;

    #[test]
    fn provider_messages_in_every_dialects_shape() {
        let openai = br#"{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
        let m = ProviderMessage::from_body(openai, None);
        assert_eq!(
            m.message.as_deref(),
            Some("The model `gpt-9` does not exist")
        );
        assert!(m.has_kind("model_not_found"));
        let ollama = br#"{"error":"model \"x\" not found, try pulling it first"}"#;
        assert_eq!(
            ProviderMessage::from_body(ollama, None).message.as_deref(),
            Some("model \"x\" not found, try pulling it first")
        );
        let anthropic =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(ProviderMessage::from_body(anthropic, None).has_kind("overloaded_error"));
        let vllm = br#"{"object":"error","message":"The model `m` does not exist.","type":"NotFoundError","code":404}"#;
        let m = ProviderMessage::from_body(vllm, None);
        assert!(m.has_kind("404") && m.has_kind("notfounderror"));
        assert_eq!(
            ProviderMessage::from_body(b"<html><body>502</body></html>", None).message,
            None
        );
        assert_eq!(
            ProviderMessage::from_body(b"upstream\nfailed", None)
                .message
                .as_deref(),
            Some("upstream failed")
        );
    }

    #[test]
    fn a_key_is_redacted_before_a_message_is_cut() {
        let key = "sk-live-0123456789abcdef";
        let body = format!(r#"{{"error":{{"message":"{} {key}"}}}}"#, "x".repeat(180));
        let said = ProviderMessage::from_body(body.as_bytes(), Some(key));
        let message = said.message.unwrap();
        assert!(!message.contains("sk-live-01"), "{message}");
        let mut reply = Reply::default();
        reply.push_text(&format!("echo {key}"));
        assert_eq!(reply.snippet(Some(key)).as_deref(), Some("echo [redacted]"));
    }

    #[test]
    fn huge_token_counts_do_not_overflow() {
        let mut reply = Reply::default();
        reply.usage.input_tokens = Some(u64::MAX);
        reply.usage.output_tokens = Some(1);
        reply.complete_usage();
        assert_eq!(reply.usage.total_tokens, None);
    }
}
