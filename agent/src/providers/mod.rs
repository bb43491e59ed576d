//! Provider adapters: one per wire dialect. Each builds the request for a prompt test and
//! reads the reply, streamed or whole, taking only the fields it needs and ignoring the
//! rest. [`run`] drives a test (queue, attempts, retries) and [`failure`] turns whatever
//! went wrong into a typed code with a remediation a learner can act on.
//!
//! | dialect | providers | request |
//! | --- | --- | --- |
//! | OpenAI chat completions | openai and every OpenAI-compatible server | `POST {endpoint}/chat/completions` |
//! | Ollama | ollama | `POST {endpoint}/api/chat` |
//! | Anthropic Messages | anthropic | `POST {endpoint}/v1/messages` |
//! | Azure OpenAI | azure_openai | `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=..` |

pub mod anthropic;
pub mod azure;
pub mod framing;
pub mod http;
pub mod ollama;
pub mod openai;

use std::collections::BTreeMap;

use llm_agent_protocol::methods::profiles::{
    MAX_SNIPPET_CHARS, PROVIDERS_REQUIRING_KEY, TokenUsage,
};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use llm_agent_protocol::methods::profiles::RedactedProfile;

use crate::vault::profile as model;
use crate::vault::secret::ApiKey;

pub use crate::prompt_test::failure::Failure;

/// The most tokens a prompt test asks for: enough for a sentence, cheap on a paid API.
pub const MAX_REPLY_TOKENS: u32 = 32;

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
    /// The dialect of a provider; providers this build does not know speak OpenAI's.
    pub fn of(provider: &str) -> Dialect {
        match provider {
            "ollama" => Dialect::Ollama,
            "anthropic" => Dialect::Anthropic,
            "azure_openai" => Dialect::Azure,
            _ => Dialect::OpenAi,
        }
    }

    /// How messages name the dialect.
    pub fn describe(self) -> &'static str {
        match self {
            Dialect::OpenAi => "the OpenAI chat completions API",
            Dialect::Ollama => "Ollama's API",
            Dialect::Anthropic => "Anthropic's Messages API",
            Dialect::Azure => "the Azure OpenAI API",
        }
    }

    /// Where a prompt test posts.
    pub fn url(self, target: &Target) -> Url {
        match self {
            Dialect::OpenAi => target.url("chat/completions"),
            Dialect::Ollama => target.url("api/chat"),
            Dialect::Anthropic => anthropic::url(target),
            Dialect::Azure => azure::url(target),
        }
    }

    /// The request of a prompt test.
    pub fn request(self, target: &Target, prompt: &str) -> Result<Request, Failure> {
        match self {
            Dialect::OpenAi => openai::request(target, prompt),
            Dialect::Ollama => ollama::request(target, prompt),
            Dialect::Anthropic => anthropic::request(target, prompt),
            Dialect::Azure => azure::request(target, prompt),
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

/// What a prompt test talks to: a profile's connection details with its decrypted key.
pub struct Target {
    pub provider: String,
    pub dialect: Dialect,
    pub endpoint: Url,
    pub model: String,
    pub api_key: Option<ApiKey>,
    pub options: BTreeMap<String, String>,
    /// Whether the endpoint is on this machine.
    pub is_local: bool,
    /// `scheme://host:port`: requests to one origin share a governor.
    pub origin: String,
}

/// Requests that may go to a remote API at once unless configured otherwise.
pub const DEFAULT_REMOTE_PARALLELISM: usize = 1;
/// The same for a server on this machine (which queues requests itself).
pub const DEFAULT_LOCAL_PARALLELISM: usize = 4;

impl Target {
    /// The target of a profile; `None` when its endpoint is not a valid URL (a stored
    /// profile's always is).
    pub fn of(profile: &RedactedProfile, api_key: Option<ApiKey>) -> Option<Target> {
        let (is_local, origin) = model::locate(&profile.endpoint)?;
        let endpoint = Url::parse(profile.endpoint.trim()).ok()?;
        Some(Target {
            provider: profile.provider.clone(),
            dialect: Dialect::of(&profile.provider),
            endpoint,
            model: profile.model.clone(),
            api_key,
            options: profile.metadata.options.clone(),
            is_local,
            origin: origin.as_str().to_owned(),
        })
    }

    /// Whether this is a paid remote API rather than a server on this machine.
    pub fn is_remote_api(&self) -> bool {
        !self.is_local || self.needs_key()
    }

    /// Whether the provider refuses requests without a key.
    pub fn needs_key(&self) -> bool {
        PROVIDERS_REQUIRING_KEY.contains(&self.provider.as_str())
    }

    /// How many requests may go to this target's origin at once, by its own profile.
    pub fn parallelism(&self) -> usize {
        model::parallelism(&self.options).unwrap_or_else(|| self.default_parallelism())
    }

    fn default_parallelism(&self) -> usize {
        if self.is_remote_api() {
            DEFAULT_REMOTE_PARALLELISM
        } else {
            DEFAULT_LOCAL_PARALLELISM
        }
    }

    /// How many requests may go to this target's origin at once, given every profile:
    /// profiles that share the origin share its limit, the smallest one any of them sets;
    /// else the provider's limit when the learner set one in the catalog; else the
    /// default for this target.
    pub fn shared_parallelism(
        &self,
        profiles: &[RedactedProfile],
        provider_limit: Option<usize>,
    ) -> usize {
        profiles
            .iter()
            // Only profiles that set a limit; their endpoints are parsed, not every one.
            .filter_map(|p| Some((model::parallelism(&p.metadata.options)?, p)))
            .filter(|(_, p)| {
                model::Origin::of(&p.endpoint).is_some_and(|o| o.as_str() == self.origin)
            })
            .map(|(limit, _)| limit)
            .min()
            .or(provider_limit)
            .unwrap_or_else(|| self.parallelism())
    }

    /// The endpoint's URL with `path` appended to its path (`/v1` + `chat/completions`).
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.endpoint.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// The provider's name for people.
    pub fn display_name(&self) -> &str {
        display_name(&self.provider)
    }

    /// `host:port` of the endpoint.
    pub fn host_port(&self) -> String {
        let host = self.endpoint.host_str().unwrap_or("?");
        match self.endpoint.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

/// A provider's name for people.
pub fn display_name(provider: &str) -> &str {
    match provider {
        "ollama" => "Ollama",
        "llama_cpp" => "the llama.cpp server",
        "lm_studio" => "LM Studio",
        "vllm" => "vLLM",
        "localai" => "LocalAI",
        "koboldcpp" => "KoboldCpp",
        "text_generation_webui" => "text-generation-webui",
        "jan" => "Jan",
        "gpt4all" => "GPT4All",
        "docker_model_runner" => "Docker Model Runner",
        "openai" => "OpenAI",
        "azure_openai" => "Azure OpenAI",
        "anthropic" => "Anthropic",
        _ => "the server",
    }
}

/// An HTTP request, built once and sent on every attempt.
pub struct Request {
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Vec<u8>,
}

impl Request {
    fn json(url: Url, body: &Value) -> Request {
        Request {
            url,
            headers: vec![(
                reqwest::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body: serde_json::to_vec(body).unwrap_or_default(),
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
    fn end(&mut self) {
        self.done = true;
        self.ended = true;
    }

    /// The start of the reply, sanitized, with `key` redacted (a server may echo it).
    pub fn snippet(&self, key: Option<&str>) -> Option<String> {
        let snippet = sanitize(&redact(&self.text, key), MAX_SNIPPET_CHARS);
        (!snippet.is_empty()).then_some(snippet)
    }

    fn set_model(&mut self, value: Option<&Value>) {
        if let Some(model) = value.and_then(Value::as_str).filter(|m| !m.is_empty()) {
            self.model = Some(sanitize(model, 128));
        }
    }

    fn set_finish(&mut self, value: Option<&Value>) {
        if let Some(reason) = value.and_then(Value::as_str) {
            self.finish_reason = Some(sanitize(reason, 64));
        }
    }

    /// Fills in `total_tokens` when the provider gave only the parts.
    fn complete_usage(&mut self) {
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

fn shape(what: impl Into<String>) -> ReplyError {
    ReplyError::Shape(what.into())
}

fn parse_json(data: &str) -> Result<Value, ReplyError> {
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
fn has_error(value: &Value) -> bool {
    value.get("error").is_some_and(|error| !error.is_null())
}

/// Text as a learner may see it: control and invisible formatting characters (bidi
/// overrides, zero-width) removed, whitespace runs collapsed to one space, trimmed, and at
/// most `max_chars` characters (the last one `…` when cut).
pub fn sanitize(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = chars > 0;
            continue;
        }
        if is_invisible_format(c) {
            continue;
        }
        let needed = 1 + usize::from(pending_space);
        if chars + needed > max_chars {
            if max_chars > 0 {
                while chars >= max_chars {
                    out.pop();
                    chars -= 1;
                }
                out.push('…');
            }
            return out.trim_end().to_owned();
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(c);
        chars += 1;
    }
    out
}

fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A JSON number field as a token count.
fn count(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_invisible_text_and_bounds_length() {
        assert_eq!(
            sanitize("  Hello,\n\n\tworld!\u{7}  ", 200),
            "Hello, world!"
        );
        assert_eq!(sanitize("a\u{202E}b\u{200B}c", 200), "abc");
        assert_eq!(sanitize("\x1b[31mred\x1b[0m", 200), "[31mred [0m");
        let long = "x".repeat(500);
        let cut = sanitize(&long, 200);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
        assert_eq!(sanitize("abc def", 5), "abc …");
        assert_eq!(sanitize("", 200), "");
    }

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

    #[test]
    fn urls_join_the_endpoint_path() {
        let profile = |endpoint: &str| RedactedProfile {
            id: uuid::Uuid::nil().to_string(),
            name: "n".into(),
            provider: "openai_compatible".into(),
            endpoint: endpoint.into(),
            model: "m".into(),
            has_api_key: false,
            api_key_hint: None,
            consent_granted_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            active: true,
            metadata: Default::default(),
        };
        let target = Target::of(&profile("http://127.0.0.1:1234/v1/"), None).unwrap();
        assert_eq!(
            target.url("chat/completions").as_str(),
            "http://127.0.0.1:1234/v1/chat/completions"
        );
        assert!(target.is_local && !target.is_remote_api());
        assert_eq!(target.parallelism(), DEFAULT_LOCAL_PARALLELISM);
        assert_eq!(target.host_port(), "127.0.0.1:1234");
        let mut strict = profile("http://127.0.0.1:1234/v1/other");
        strict
            .metadata
            .options
            .insert("parallelism".into(), "2".into());
        let elsewhere = profile("http://127.0.0.1:9999/v1");
        assert_eq!(
            target.shared_parallelism(&[strict.clone(), elsewhere.clone()], None),
            2,
            "same origin: the smallest limit"
        );
        assert_eq!(
            target.shared_parallelism(std::slice::from_ref(&elsewhere), None),
            DEFAULT_LOCAL_PARALLELISM
        );
        assert_eq!(
            target.shared_parallelism(&[elsewhere], Some(3)),
            3,
            "the catalog's provider limit"
        );
        let target = Target::of(&profile("https://api.example.com"), None).unwrap();
        assert_eq!(
            target.url("chat/completions").as_str(),
            "https://api.example.com/chat/completions"
        );
        assert!(target.is_remote_api());
        assert_eq!(target.parallelism(), DEFAULT_REMOTE_PARALLELISM);
        assert_eq!(target.origin, "https://api.example.com:443");
    }
}
