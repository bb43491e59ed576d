//! What went wrong in a call to a provider, as a typed code with a message and a remediation a
//! learner can act on, specific to the provider where that helps. Messages may quote the
//! provider's own message, which `ProviderMessage` has already redacted of everything the
//! call sent (the key, the messages) and sanitized; they never quote the reply.

use std::time::Duration;

use llm_agent_protocol::{ErrorCode, WireError};
use reqwest::StatusCode;

use crate::providers::{Dialect, ProviderMessage, Target, azure};

/// A failed call (a prompt test or a chat call).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
    pub remediation: String,
    /// With `RATE_LIMITED`: how long the provider asked to wait.
    pub retry_after: Option<Duration>,
    /// Whether the call may try again by itself: a `429` that is not about billing, or an
    /// overload (`503`, Anthropic's `529`).
    pub may_retry: bool,
}

impl Failure {
    pub fn new(
        code: ErrorCode,
        message: impl Into<String>,
        remediation: impl Into<String>,
    ) -> Self {
        Failure {
            code,
            message: message.into(),
            remediation: remediation.into(),
            retry_after: None,
            may_retry: false,
        }
    }

    /// The wire form, with `details.retry_after_ms` when the provider said. The message
    /// quotes the provider only through `ProviderMessage`, which redacted what the call
    /// sent.
    pub fn to_wire(&self) -> WireError {
        let error = WireError::new(self.code.clone(), self.message.clone())
            .with_remediation(&self.remediation);
        match self.retry_after {
            Some(wait) => error.with_details(rmpv::Value::Map(vec![(
                "retry_after_ms".into(),
                rmpv::Value::from(millis(wait)),
            )])),
            None => error,
        }
    }

    pub fn unusable_key() -> Failure {
        Failure::new(
            ErrorCode::AuthFailed,
            "the stored API key cannot be sent in an HTTP header",
            "Enter the API key again: copy it exactly, without spaces or line breaks.",
        )
    }

    pub fn cancelled_by_shutdown() -> Failure {
        Failure::new(
            ErrorCode::Cancelled,
            "the agent is shutting down",
            "Try again once the agent is back.",
        )
    }

    pub fn internal(what: &str) -> Failure {
        Failure::new(
            ErrorCode::Internal,
            what.to_owned(),
            "Retry; if it persists, report it with the correlation ID.",
        )
    }
}

pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The profile has no key but its provider needs one.
pub fn missing_key(target: &Target) -> Failure {
    Failure::new(
        ErrorCode::AuthFailed,
        format!(
            "{} needs an API key and this profile has none",
            target.display_name()
        ),
        format!("Add the API key to this profile. {}", key_source(target))
            .trim_end()
            .to_owned(),
    )
}

fn key_source(target: &Target) -> &'static str {
    match target.provider.as_str() {
        "openai" => "Keys are at platform.openai.com → API keys.",
        "anthropic" => "Keys are at console.anthropic.com → API keys.",
        "azure_openai" => "Keys are in the Azure portal: the resource → Keys and Endpoint.",
        _ => "",
    }
}

/// A response with a status outside 2xx.
pub fn for_status(
    status: StatusCode,
    said: &ProviderMessage,
    retry_after: Option<Duration>,
    target: &Target,
) -> Failure {
    let name = target.display_name();
    let quoted = said
        .message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    let code = status.as_u16();
    match code {
        401 | 403 => auth_failed(status, &quoted, target),
        429 => rate_limited(said, &quoted, retry_after, target),
        400 | 404 | 422 if is_about_model(said, target) => model_not_found(target, &quoted),
        404 | 405 => Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "{name} answered HTTP {code} at {}: nothing serves {} there",
                target.dialect.url(target).path(),
                target.dialect.describe()
            ),
            wrong_path_remediation(target),
        ),
        503 | 529 => overloaded(code, &quoted, retry_after, target),
        500..=599 => Failure::new(
            ErrorCode::ProviderError,
            format!("{name} failed with HTTP {code}{quoted}"),
            if target.is_local {
                format!(
                    "Look at {name}'s console output: the model may have failed to load (not enough memory?). Then try again."
                )
            } else {
                format!(
                    "{name} has a problem on its side: try again in a minute, and check its status page if it persists."
                )
            },
        ),
        _ => Failure::new(
            ErrorCode::ProviderError,
            format!("{name} refused the request with HTTP {code}{quoted}"),
            "Check the profile's model and options against the provider's documentation.",
        ),
    }
}

/// An error the provider reported inside a successful response (mid-stream).
pub fn reported(said: &ProviderMessage, target: &Target) -> Failure {
    let quoted = said
        .message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    if is_about_model(said, target) {
        return model_not_found(target, &quoted);
    }
    if said.has_kind("rate_limit_error") || said.has_kind("rate_limit_exceeded") {
        return rate_limited(said, &quoted, None, target);
    }
    Failure::new(
        ErrorCode::ProviderError,
        format!(
            "{} reported an error mid-reply{quoted}",
            target.display_name()
        ),
        "Try again; if it persists, the model may be overloaded or misconfigured on the server.",
    )
}

fn auth_failed(status: StatusCode, quoted: &str, target: &Target) -> Failure {
    let name = target.display_name();
    let code = status.as_u16();
    let remediation = if target.api_key.is_none() {
        format!(
            "{name} asks for an API key: add one to this profile. {}",
            key_source(target)
        )
    } else if code == 403 {
        format!(
            "{name} accepted the key but will not let it use this model or endpoint: check the key's project, permissions or region."
        )
    } else {
        match target.provider.as_str() {
            "openai" => "Check the API key at platform.openai.com → API keys, then update this profile's key.".to_owned(),
            "anthropic" => "Check the API key at console.anthropic.com → API keys, then update this profile's key.".to_owned(),
            "azure_openai" => "Use one of the resource's keys (Azure portal → the resource → Keys and Endpoint); it must belong to this endpoint's resource.".to_owned(),
            _ => format!("Check the API key {name} expects, then update this profile's key."),
        }
    };
    Failure::new(
        ErrorCode::AuthFailed,
        format!("{name} refused the API key (HTTP {code}){quoted}"),
        remediation,
    )
}

fn rate_limited(
    said: &ProviderMessage,
    quoted: &str,
    retry_after: Option<Duration>,
    target: &Target,
) -> Failure {
    let name = target.display_name();
    if said.has_kind("insufficient_quota") {
        return Failure {
            retry_after,
            ..Failure::new(
                ErrorCode::RateLimited,
                format!("{name} reports the account's quota is used up{quoted}"),
                "Add credit or raise the spending limit in the provider's billing settings; waiting will not help.",
            )
        };
    }
    let wait = retry_after
        .map(|d| format!("wait {} s", d.as_secs_f64().ceil()))
        .unwrap_or_else(|| "wait a moment".to_owned());
    Failure {
        retry_after,
        may_retry: true,
        ..Failure::new(
            ErrorCode::RateLimited,
            format!("{name} is rate-limiting requests (HTTP 429){quoted}"),
            format!("{wait} and try again; if it keeps happening, check the plan's rate limits."),
        )
    }
}

/// `503` or Anthropic's `529`: the server is overloaded for now, so the call may retry.
fn overloaded(code: u16, quoted: &str, retry_after: Option<Duration>, target: &Target) -> Failure {
    let name = target.display_name();
    Failure {
        retry_after,
        may_retry: true,
        ..Failure::new(
            ErrorCode::ProviderError,
            format!("{name} is overloaded (HTTP {code}){quoted}"),
            format!("{name} is busy right now: try again in a moment."),
        )
    }
}

fn is_about_model(said: &ProviderMessage, target: &Target) -> bool {
    if said.has_kind("model_not_found") || said.has_kind("DeploymentNotFound") {
        return true;
    }
    if target.dialect == Dialect::Anthropic && said.has_kind("not_found_error") {
        return true;
    }
    let Some(message) = said.message.as_ref().map(|m| m.to_ascii_lowercase()) else {
        return false;
    };
    let mentions_model = message.contains("model") || message.contains("deployment");
    mentions_model
        && [
            "not found",
            "does not exist",
            "doesn't exist",
            "no such",
            "unknown model",
            "try pulling",
            "not available",
            "not loaded",
            "invalid model",
            "is not a valid model",
        ]
        .iter()
        .any(|phrase| message.contains(phrase))
}

fn model_not_found(target: &Target, quoted: &str) -> Failure {
    let model = &target.model;
    let name = target.display_name();
    let (message, remediation) = match target.provider.as_str() {
        "ollama" => (
            format!("Ollama has no model named `{model}`{quoted}"),
            format!("The model is not pulled: run `ollama pull {model}`, or pick one `ollama list` shows."),
        ),
        "azure_openai" => {
            let deployment = azure::deployment(target);
            (
                format!("Azure OpenAI has no deployment named `{deployment}`{quoted}"),
                "Check the deployment name (metadata.options.deployment) in the Azure AI Foundry portal; a new deployment can take a few minutes to appear.".to_owned(),
            )
        }
        "lm_studio" => (
            format!("LM Studio has no model `{model}` loaded{quoted}"),
            format!("Load it in LM Studio (or `lms load {model}`), or pick a model its server lists."),
        ),
        "vllm" => (
            format!("vLLM does not serve `{model}`{quoted}"),
            "vLLM serves the model it was started with: use that name (GET /v1/models lists it).".to_owned(),
        ),
        "openai" => (
            format!("OpenAI has no model `{model}` for this key{quoted}"),
            "Check the model id (for example gpt-4o-mini) and that the key's project may use it.".to_owned(),
        ),
        "anthropic" => (
            format!("Anthropic has no model `{model}`{quoted}"),
            "Check the model id (for example claude-sonnet-4-5); model ids are listed at docs.anthropic.com.".to_owned(),
        ),
        _ => (
            format!("{name} does not serve a model named `{model}`{quoted}"),
            "Use a model name the server lists (GET /v1/models on OpenAI-compatible servers).".to_owned(),
        ),
    };
    Failure::new(ErrorCode::ModelNotFound, message, remediation)
}

fn wrong_path_remediation(target: &Target) -> String {
    match target.dialect {
        Dialect::OpenAi => {
            let path = target.endpoint.path().trim_end_matches('/');
            if path.ends_with("/v1") {
                "Check the base URL and the provider kind: this server does not speak the OpenAI API at this path.".to_owned()
            } else {
                let mut suggested = target.endpoint.clone();
                suggested.set_path(&format!("{path}/v1"));
                format!("The base URL may need `/v1`: try {}.", suggested.as_str().trim_end_matches('/'))
            }
        }
        Dialect::Ollama => "This address does not serve Ollama's API: check the port (Ollama listens on 11434) or the provider kind.".to_owned(),
        Dialect::Anthropic => "Use https://api.anthropic.com as the base URL.".to_owned(),
        Dialect::Azure => "Use the resource's endpoint (https://RESOURCE.openai.azure.com) and check the api_version option.".to_owned(),
    }
}

/// The reply did not have the dialect's shape.
pub fn invalid_shape(target: &Target, what: &str, http_status: Option<u16>) -> Failure {
    let name = target.display_name();
    let status = http_status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default();
    Failure::new(
        ErrorCode::InvalidResponse,
        format!(
            "{name} answered{status}, but not like {}: {what}",
            target.dialect.describe()
        ),
        format!(
            "Check the provider kind and the base URL: {}",
            match target.dialect {
                Dialect::OpenAi =>
                    "an OpenAI-compatible server needs its /v1 base URL (for example http://127.0.0.1:1234/v1).",
                Dialect::Ollama => "Ollama's base URL has no path (http://127.0.0.1:11434).",
                Dialect::Anthropic => "Anthropic's base URL is https://api.anthropic.com.",
                Dialect::Azure => "Azure OpenAI's base URL is https://RESOURCE.openai.azure.com.",
            }
        ),
    )
}

/// The endpoint redirects elsewhere; a call never follows (it would resend the key).
pub fn redirected(target: &Target, status: u16, to: &str) -> Failure {
    let to = if to.is_empty() {
        "another address".to_owned()
    } else {
        format!("`{to}`")
    };
    Failure::new(
        ErrorCode::InvalidResponse,
        format!(
            "{} answered HTTP {status}, redirecting to {to}",
            target.display_name()
        ),
        "Update the profile's endpoint to the address the server redirects to (often http:// → https://, or a trailing path).",
    )
}

/// The reply stopped before the dialect's end marker.
pub fn cut_short(target: &Target, why: &str) -> Failure {
    Failure::new(
        ErrorCode::InvalidResponse,
        format!(
            "the reply from {} stopped before it was complete ({why})",
            target.display_name()
        ),
        "The server may have crashed or dropped the connection: try again, and look at its logs if it repeats.",
    )
}

/// The connection could not be made, or broke before a response.
pub fn transport(target: &Target, kind: &crate::providers::http::TransportError) -> Failure {
    use crate::providers::http::TransportError as T;
    let name = target.display_name();
    let where_ = target.host_port();
    match kind {
        T::Refused => Failure::new(
            ErrorCode::Unreachable,
            format!("nothing is listening at {where_} (connection refused)"),
            start_hint(target),
        ),
        T::Dns => Failure::new(
            ErrorCode::Unreachable,
            format!(
                "the host name {} could not be resolved",
                target.endpoint.host_str().unwrap_or("?")
            ),
            "Check the endpoint's spelling and this computer's internet connection.",
        ),
        T::Connect(detail) => Failure::new(
            ErrorCode::Unreachable,
            format!("no connection to {where_}: {detail}"),
            if target.is_local {
                start_hint(target)
            } else {
                "Check this computer's internet connection, a firewall or proxy, and the endpoint's host name.".to_owned()
            },
        ),
        T::Tls(detail) => {
            let remediation = if target.endpoint.scheme() == "https" && target.is_local {
                format!(
                    "A server on this machine usually speaks plain HTTP: try http://{where_} as the endpoint."
                )
            } else if detail.contains("certificate") || detail.contains("Certificate") {
                "The server's certificate is not trusted by this computer: check the endpoint, or install your organization's root certificate.".to_owned()
            } else {
                "Check that the endpoint uses https:// only where the server speaks TLS.".to_owned()
            };
            Failure::new(
                ErrorCode::TlsError,
                format!("TLS with {where_} failed: {detail}"),
                remediation,
            )
        }
        T::Protocol(detail) => Failure::new(
            ErrorCode::InvalidResponse,
            format!("{name} at {where_} did not answer in HTTP: {detail}"),
            if target.endpoint.scheme() == "http" {
                format!("The server may speak HTTPS: try https://{where_}, or check the port.")
            } else {
                "Check the port: another kind of server may be listening there.".to_owned()
            },
        ),
    }
}

/// How to start the server a profile points at.
fn start_hint(target: &Target) -> String {
    let port = target.endpoint.port_or_known_default().unwrap_or(0);
    let model = &target.model;
    if !target.is_local {
        return "Check this computer's internet connection and the endpoint's host and port."
            .to_owned();
    }
    match target.provider.as_str() {
        "ollama" => "Ollama is not running: start it with `ollama serve` (or open the Ollama app).".to_owned(),
        "lm_studio" => "Start LM Studio's server: Developer tab → Start Server, or `lms server start`.".to_owned(),
        "llama_cpp" => format!("Start the llama.cpp server: `llama-server -m MODEL.gguf --port {port}`."),
        "vllm" => format!("Start vLLM: `vllm serve {model} --port {port}`."),
        "localai" => "Start LocalAI (for example `local-ai run`) and check its port.".to_owned(),
        "koboldcpp" => "Start KoboldCpp with a model loaded, and check its port (5001 by default).".to_owned(),
        "text_generation_webui" => "Start text-generation-webui with `--api` (port 5000 by default).".to_owned(),
        "jan" => "Turn on Jan's local API server (Settings → Local API Server).".to_owned(),
        "gpt4all" => "Turn on GPT4All's API server (Settings → Enable Local API Server).".to_owned(),
        "docker_model_runner" => "Enable Docker Model Runner with TCP access: `docker desktop enable model-runner --tcp 12434`.".to_owned(),
        _ => format!("Start the model server, or correct the port ({port}) in the endpoint."),
    }
}

/// The deadline passed; `stage` is how far the last attempt got.
pub fn timed_out(
    target: &Target,
    stage: llm_agent_protocol::methods::profiles::TestStage,
    timeout: Duration,
) -> Failure {
    use llm_agent_protocol::methods::profiles::TestStage as S;
    let name = target.display_name();
    let secs = timeout.as_secs_f64();
    let (message, remediation) = match stage {
        S::Queued => (
            format!("the request waited {secs} s for other requests to {name} to finish"),
            "Wait for the other requests to finish, or raise the profile's parallelism option.".to_owned(),
        ),
        S::Connecting => (
            format!("no connection to {} within {secs} s", target.host_port()),
            "Check the network, a firewall or proxy, and the endpoint's host and port.".to_owned(),
        ),
        S::AwaitingHeaders | S::AwaitingFirstToken if target.is_local => (
            format!("{name} accepted the request but did not answer within {secs} s"),
            "A large model may still be loading into memory: try again in a moment, or with a longer timeout.".to_owned(),
        ),
        S::AwaitingHeaders | S::AwaitingFirstToken => (
            format!("{name} did not answer within {secs} s"),
            "The provider is slow right now: try again, or with a longer timeout.".to_owned(),
        ),
        _ => (
            format!("the reply from {name} did not finish within {secs} s"),
            "The model is generating slowly (running on the CPU?): try again with a longer timeout.".to_owned(),
        ),
    };
    Failure::new(ErrorCode::Timeout, message, remediation)
}
