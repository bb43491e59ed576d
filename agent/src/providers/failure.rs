//! What went wrong in a call to a provider, as a typed code with a message and a remediation a
//! learner can act on, specific to the provider where that helps. Messages may quote the
//! provider's own message (the `said` argument), which `ProviderMessage` has already
//! redacted of everything the call sent (the key, the messages) and sanitized; they never
//! quote the reply. Per-provider wording is chosen in the catalogs, by the `provider` or
//! `api` argument.

use std::time::Duration;

use llm_agent_l10n::Text;
use llm_agent_protocol::{ErrorCode, WireError};
use reqwest::StatusCode;

use crate::providers::{Dialect, ProviderMessage, Target, azure};
use crate::texts::{self, WireErrorTexts, messages};

/// A failed call (a prompt test or a chat call).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: Text,
    pub remediation: Text,
    /// With `RATE_LIMITED`: how long the provider asked to wait.
    pub retry_after: Option<Duration>,
    /// Whether the call may try again by itself: a `429` that is not about billing, or an
    /// overload (`503`, Anthropic's `529`).
    pub may_retry: bool,
}

impl Failure {
    pub fn new(code: ErrorCode, message: Text, remediation: Text) -> Self {
        Failure {
            code,
            message,
            remediation,
            retry_after: None,
            may_retry: false,
        }
    }

    /// The wire form, with `details.retry_after_ms` when the provider said. The message
    /// quotes the provider only through `ProviderMessage`, which redacted what the call
    /// sent.
    pub fn to_wire(&self) -> WireError {
        let error = texts::wire_error(self.code.clone(), self.message.clone())
            .remediation(self.remediation.clone());
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
            messages::call_key_unusable(),
            messages::call_key_unusable_remedy(),
        )
    }

    pub fn cancelled_by_shutdown() -> Failure {
        Failure::new(
            ErrorCode::Cancelled,
            messages::agent_shutting_down(),
            messages::call_after_shutdown_remedy(),
        )
    }

    /// An internal failure; `what` is the agent's own description, in English.
    pub fn internal(what: &str) -> Failure {
        Failure::new(
            ErrorCode::Internal,
            messages::call_internal(what),
            messages::retry_with_correlation_id(),
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
        messages::call_key_missing(target.display_name()),
        messages::call_key_missing_remedy(target.provider.as_str()),
    )
}

/// The provider's message as the texts quote it: `": ..."`, or nothing.
fn quoted(said: &ProviderMessage) -> String {
    said.message
        .as_ref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

/// A response with a status outside 2xx.
pub fn for_status(
    status: StatusCode,
    said: &ProviderMessage,
    retry_after: Option<Duration>,
    target: &Target,
) -> Failure {
    let name = target.display_name();
    let quoted = quoted(said);
    let code = status.as_u16();
    match code {
        401 | 403 => auth_failed(status, &quoted, target),
        429 => rate_limited(said, &quoted, retry_after, target),
        400 | 404 | 422 if is_about_model(said, target) => model_not_found(target, &quoted),
        404 | 405 => Failure::new(
            ErrorCode::InvalidResponse,
            messages::call_wrong_path(
                name,
                code.to_string(),
                target.dialect.url(target).path(),
                target.dialect.wire_name(),
            ),
            wrong_path_remediation(target),
        ),
        503 | 529 => overloaded(code, &quoted, retry_after, target),
        500..=599 => Failure::new(
            ErrorCode::ProviderError,
            messages::call_server_failed(name, code.to_string(), quoted.as_str()),
            if target.is_local {
                messages::call_server_failed_local_remedy(name)
            } else {
                messages::call_server_failed_remote_remedy(name)
            },
        ),
        _ => Failure::new(
            ErrorCode::ProviderError,
            messages::call_refused(name, code.to_string(), quoted.as_str()),
            messages::call_refused_remedy(),
        ),
    }
}

/// An error the provider reported inside a successful response (mid-stream).
pub fn reported(said: &ProviderMessage, target: &Target) -> Failure {
    let quoted = quoted(said);
    if is_about_model(said, target) {
        return model_not_found(target, &quoted);
    }
    if said.has_kind("rate_limit_error") || said.has_kind("rate_limit_exceeded") {
        return rate_limited(said, &quoted, None, target);
    }
    Failure::new(
        ErrorCode::ProviderError,
        messages::call_reported_error(target.display_name(), quoted.as_str()),
        messages::call_reported_error_remedy(),
    )
}

fn auth_failed(status: StatusCode, quoted: &str, target: &Target) -> Failure {
    let name = target.display_name();
    let code = status.as_u16();
    let remediation = if target.api_key.is_none() {
        messages::call_key_asked_remedy(name, target.provider.as_str())
    } else if code == 403 {
        messages::call_key_forbidden_remedy(name)
    } else {
        messages::call_key_refused_remedy(name, target.provider.as_str())
    };
    Failure::new(
        ErrorCode::AuthFailed,
        messages::call_key_refused(name, code.to_string(), quoted),
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
                messages::call_quota_used_up(name, quoted),
                messages::call_quota_used_up_remedy(),
            )
        };
    }
    let remediation = match retry_after {
        Some(wait) => messages::call_rate_limited_wait_remedy(wait.as_secs_f64().ceil()),
        None => messages::call_rate_limited_remedy(),
    };
    Failure {
        retry_after,
        may_retry: true,
        ..Failure::new(
            ErrorCode::RateLimited,
            messages::call_rate_limited(name, quoted),
            remediation,
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
            messages::call_overloaded(name, code.to_string(), quoted),
            messages::call_overloaded_remedy(name),
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
    let deployment = match target.provider.as_str() {
        "azure_openai" => azure::deployment(target).to_owned(),
        _ => String::new(),
    };
    Failure::new(
        ErrorCode::ModelNotFound,
        messages::call_model_not_found(
            target.provider.as_str(),
            target.display_name(),
            target.model.as_str(),
            deployment,
            quoted,
        ),
        messages::call_model_not_found_remedy(target.provider.as_str(), target.model.as_str()),
    )
}

fn wrong_path_remediation(target: &Target) -> Text {
    match target.dialect {
        Dialect::OpenAi => {
            let path = target.endpoint.path().trim_end_matches('/');
            if path.ends_with("/v1") {
                messages::call_wrong_path_openai_remedy()
            } else {
                let mut suggested = target.endpoint.clone();
                suggested.set_path(&format!("{path}/v1"));
                messages::call_wrong_path_add_v1_remedy(suggested.as_str().trim_end_matches('/'))
            }
        }
        other => messages::call_wrong_path_remedy(other.wire_name()),
    }
}

/// The reply did not have the dialect's shape; `what` is the agent's own description of
/// the difference, in English.
pub fn invalid_shape(target: &Target, what: &str, http_status: Option<u16>) -> Failure {
    let status = http_status.map_or_else(|| "none".to_owned(), |s| s.to_string());
    Failure::new(
        ErrorCode::InvalidResponse,
        messages::call_invalid_shape(
            target.display_name(),
            status,
            target.dialect.wire_name(),
            what,
        ),
        messages::call_invalid_shape_remedy(target.dialect.wire_name()),
    )
}

/// The endpoint redirects elsewhere; a call never follows (it would resend the key).
pub fn redirected(target: &Target, status: u16, to: &str) -> Failure {
    Failure::new(
        ErrorCode::InvalidResponse,
        messages::call_redirected(
            target.display_name(),
            status.to_string(),
            if to.is_empty() { "none" } else { to },
        ),
        messages::call_redirected_remedy(),
    )
}

/// The reply stopped before the dialect's end marker; `why` in English.
pub fn cut_short(target: &Target, why: &str) -> Failure {
    Failure::new(
        ErrorCode::InvalidResponse,
        messages::call_cut_short(target.display_name(), why),
        messages::call_cut_short_remedy(),
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
            messages::call_refused_connection(where_),
            start_hint(target),
        ),
        T::Dns => Failure::new(
            ErrorCode::Unreachable,
            messages::call_dns_failed(target.endpoint.host_str().unwrap_or("?")),
            messages::call_dns_failed_remedy(),
        ),
        T::Connect(detail) => Failure::new(
            ErrorCode::Unreachable,
            messages::call_no_connection(where_, detail.as_str()),
            if target.is_local {
                start_hint(target)
            } else {
                messages::call_no_connection_remote_remedy()
            },
        ),
        T::Tls(detail) => {
            let remediation = if target.endpoint.scheme() == "https" && target.is_local {
                messages::call_tls_local_remedy(where_.as_str())
            } else if detail.contains("certificate") || detail.contains("Certificate") {
                messages::call_tls_certificate_remedy()
            } else {
                messages::call_tls_remedy()
            };
            Failure::new(
                ErrorCode::TlsError,
                messages::call_tls_failed(where_, detail.as_str()),
                remediation,
            )
        }
        T::Protocol(detail) => Failure::new(
            ErrorCode::InvalidResponse,
            messages::call_not_http(name, where_.as_str(), detail.as_str()),
            if target.endpoint.scheme() == "http" {
                messages::call_not_http_try_https_remedy(where_)
            } else {
                messages::call_not_http_remedy()
            },
        ),
    }
}

/// How to start the server a profile points at.
fn start_hint(target: &Target) -> Text {
    if !target.is_local {
        return messages::call_check_connection_remedy();
    }
    let port = target.endpoint.port_or_known_default().unwrap_or(0);
    messages::call_start_server_remedy(
        target.provider.as_str(),
        port.to_string(),
        target.model.as_str(),
    )
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
            messages::call_timed_out_queued(name, secs),
            messages::call_timed_out_queued_remedy(),
        ),
        S::Connecting => (
            messages::call_timed_out_connecting(target.host_port(), secs),
            messages::call_timed_out_connecting_remedy(),
        ),
        S::AwaitingHeaders | S::AwaitingFirstToken if target.is_local => (
            messages::call_timed_out_local(name, secs),
            messages::call_timed_out_local_remedy(),
        ),
        S::AwaitingHeaders | S::AwaitingFirstToken => (
            messages::call_timed_out_remote(name, secs),
            messages::call_timed_out_remote_remedy(),
        ),
        _ => (
            messages::call_timed_out_generating(name, secs),
            messages::call_timed_out_generating_remedy(),
        ),
    };
    Failure::new(ErrorCode::Timeout, message, remediation)
}
