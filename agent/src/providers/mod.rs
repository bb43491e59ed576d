//! Provider adapters: one per wire dialect. Each builds the request of a
//! [`Conversation`] (messages and options) and reads the reply, streamed or whole, taking
//! only the fields it needs and ignoring the rest; the text arrives in the [`Reply`] as
//! it is parsed, so a caller can pass it on as deltas. [`target`] is what a call talks
//! to, [`reply`] what came back, [`redact`] what must never come back through it,
//! [`http`] the client and its timings, [`framing`] the streamed formats, [`models`] the
//! model lists servers offer, and [`failure`] turns whatever went wrong into a typed code
//! with a remediation a learner can act on. `calls/` drives a call: queue, attempts,
//! retries.
//!
//! | dialect | providers | request |
//! | --- | --- | --- |
//! | OpenAI chat completions | openai and every OpenAI-compatible server | `POST {endpoint}/chat/completions` |
//! | Ollama | ollama | `POST {endpoint}/api/chat` |
//! | Anthropic Messages | anthropic | `POST {endpoint}/v1/messages` |
//! | Azure OpenAI | azure_openai | `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=..` |

pub mod anthropic;
pub mod azure;
pub mod conversation;
pub mod failure;
pub mod framing;
pub mod http;
pub mod models;
pub mod ollama;
pub mod openai;
pub mod redact;
pub mod reply;
pub mod target;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use crate::vault::secret::ApiKey;

pub use conversation::{Conversation, Message};
pub use failure::Failure;
pub use redact::Redactor;
pub use reply::{ProviderMessage, Reply, ReplyError};
pub use target::Target;

pub(crate) use reply::{count, has_error, parse_json, shape};

/// How a provider is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// OpenAI chat completions: OpenAI and every OpenAI-compatible server.
    OpenAi,
    /// Ollama's native `/api/chat`.
    Ollama,
    /// Anthropic Messages.
    Anthropic,
    /// Azure OpenAI: OpenAI's shapes behind deployment URLs and an `api-key` header.
    Azure,
}

impl Dialect {
    /// How messages name the dialect (their `api` argument; the catalogs word it).
    pub fn wire_name(self) -> &'static str {
        match self {
            Dialect::OpenAi => "openai",
            Dialect::Ollama => "ollama",
            Dialect::Anthropic => "anthropic",
            Dialect::Azure => "azure",
        }
    }

    /// Where a call posts.
    pub fn url(self, target: &Target) -> Url {
        match self {
            Dialect::OpenAi => target.url("chat/completions"),
            Dialect::Ollama => target.url("api/chat"),
            Dialect::Anthropic => anthropic::url(target),
            Dialect::Azure => azure::url(target),
        }
    }

    /// The request of a call.
    pub fn request(self, target: &Target, conversation: &Conversation) -> Result<Request, Failure> {
        match self {
            Dialect::OpenAi => openai::request(target, conversation),
            Dialect::Ollama => ollama::request(target, conversation),
            Dialect::Anthropic => anthropic::request(target, conversation),
            Dialect::Azure => azure::request(target, conversation),
        }
    }

    /// The highest temperature the dialect accepts.
    pub fn max_temperature(self) -> f64 {
        match self {
            Dialect::Anthropic => 1.0,
            _ => llm_agent_protocol::methods::chat::MAX_TEMPERATURE,
        }
    }

    /// Reads one streamed piece: a server-sent event (with its `event:` name) or an
    /// NDJSON line (`event` is `None`).
    pub fn on_stream(
        self,
        event: Option<&str>,
        data: &str,
        reply: &mut Reply,
    ) -> Result<(), ReplyError> {
        match self {
            Dialect::OpenAi | Dialect::Azure => openai::on_event(data, reply),
            Dialect::Ollama => ollama::on_line(&parse_json(data)?, reply),
            Dialect::Anthropic => anthropic::on_event(event, data, reply),
        }
    }

    /// Reads a reply that came whole, as one JSON body.
    pub fn on_body(self, body: &Value, reply: &mut Reply) -> Result<(), ReplyError> {
        match self {
            Dialect::OpenAi | Dialect::Azure => openai::on_body(body, reply),
            Dialect::Ollama => ollama::on_line(body, reply),
            Dialect::Anthropic => anthropic::on_body(body, reply),
        }
    }
}

/// An HTTP request, built once and sent on every attempt (the body is shared, not
/// copied, per attempt).
pub struct Request {
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: bytes::Bytes,
}

impl Request {
    fn json(url: Url, body: &Value) -> Request {
        Request {
            url,
            headers: vec![(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body: serde_json::to_vec(body).unwrap_or_default().into(),
        }
    }

    /// Adds a header holding the API key, marked sensitive so no debug output shows it.
    fn secret_header(mut self, name: HeaderName, value: &str) -> Result<Request, Failure> {
        let mut value = HeaderValue::from_str(value).map_err(|_| Failure::unusable_key())?;
        value.set_sensitive(true);
        self.headers.push((name, value));
        Ok(self)
    }

    fn bearer(self, key: Option<&ApiKey>) -> Result<Request, Failure> {
        match key {
            Some(key) => self.secret_header(
                reqwest::header::AUTHORIZATION,
                &format!("Bearer {}", key.expose()),
            ),
            None => Ok(self),
        }
    }
}
