//! [`RequestError`]: every error the socket layer answers with itself (framing, the
//! handshake, admission, params the dispatcher or a handler refuses), each with its one
//! wire form.

use llm_agent_protocol::methods::catalog::ROLES;
use llm_agent_protocol::methods::diagnostics::MAX_QUERY_LIMIT;
use llm_agent_protocol::methods::discovery::{MAX_SWEEP_TIMEOUT_MS, MIN_SWEEP_TIMEOUT_MS};
use llm_agent_protocol::{ErrorCode, MAX_CORRELATION_ID_LEN, WireError};

/// An error the socket layer answers with itself. Messages never repeat what the client
/// sent beyond what is shaped to be shown (a method name, a number).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    #[error("no hello within {secs} s")]
    HandshakeTimeout { secs: u64 },
    /// `shown_method` is the method as a message may show it.
    #[error("{shown_method} before hello")]
    HandshakeRequired { shown_method: String },
    #[error("protocol {asked} is not supported; this agent speaks {min} to {max}")]
    UnsupportedProtocol { asked: u32, min: u32, max: u32 },
    #[error("the agent is shutting down")]
    ShuttingDown,
    #[error("clients send only request and cancel messages")]
    NotARequest,
    #[error("the frame is not exactly one MessagePack value; closing the connection")]
    MalformedFrame,
    /// `reason` has no values of the client's in it.
    #[error("not a valid envelope: {reason}")]
    InvalidEnvelope { reason: String },
    #[error("the frame holds more than {max} values; no request needs so many")]
    TooManyValues { max: u64 },
    #[error("frame of {len} bytes exceeds the limit of {max} bytes; closing the connection")]
    FrameTooLarge { len: u64, max: u32 },
    #[error("no byte of the current frame for {secs} s; closing the connection")]
    FrameStalled { secs: u64 },
    #[error("request id {id} is already in flight")]
    DuplicateId { id: u64 },
    #[error(
        "correlation_id must be 1 to {MAX_CORRELATION_ID_LEN} printable ASCII characters without spaces"
    )]
    BadCorrelationId,
    #[error("{max} requests are already in flight on this connection")]
    TooManyInFlight { max: u32 },
    #[error("cancelled by the client")]
    Cancelled,
    #[error("this agent serves only the user who started it")]
    AnotherUser,
    #[error("the agent already serves {max} connections")]
    TooManyConnections { max: usize },
    #[error("unknown method {shown_method}")]
    UnknownMethod { shown_method: String },
    /// Params that do not decode as the method's: `field` is the path that failed.
    #[error("{message}")]
    BadParams {
        method: &'static str,
        field: Option<String>,
        message: String,
    },
    #[error("the response could not be sent: {reason}")]
    Unencodable { reason: String },
    #[error("the agent hit an internal error serving this request")]
    Panicked,
    #[error("name at least one topic")]
    NoTopics,
    #[error("this connection already holds {max} subscriptions")]
    TooManySubscriptions { max: usize },
    #[error("this connection holds no subscription {subscription}")]
    NoSuchSubscription { subscription: u64 },
    #[error("limit must be between 1 and {MAX_QUERY_LIMIT}")]
    QueryLimitOutOfRange,
    #[error("timeout_ms must be {MIN_SWEEP_TIMEOUT_MS} to {MAX_SWEEP_TIMEOUT_MS} (milliseconds)")]
    SweepBudgetOutOfRange,
    /// An extra endpoint of a sweep that is not a usable base URL.
    #[error("{message}")]
    BadExtraEndpoint {
        field: Option<String>,
        message: String,
    },
    #[error("the tutor role always has a profile: name one")]
    TutorNeedsProfile,
    #[error("role must be one of {}", ROLES.join(", "))]
    UnknownRole,
}

impl From<RequestError> for WireError {
    fn from(err: RequestError) -> Self {
        use RequestError as E;
        let message = err.to_string();
        let (code, remediation): (ErrorCode, Option<String>) = match &err {
            E::HandshakeTimeout { .. } | E::HandshakeRequired { .. } => (
                if matches!(err, E::HandshakeTimeout { .. }) {
                    ErrorCode::HandshakeTimeout
                } else {
                    ErrorCode::HandshakeRequired
                },
                Some("Send hello as the first request on a new connection.".into()),
            ),
            E::UnsupportedProtocol { asked, max, .. } => (
                ErrorCode::UnsupportedProtocol,
                Some(if asked > max {
                    "Update llm-agent (the client is newer than the agent).".into()
                } else {
                    "Update the client (it is older than this agent supports).".into()
                }),
            ),
            E::ShuttingDown => (
                ErrorCode::ShuttingDown,
                Some("Reconnect once the agent is running again.".into()),
            ),
            E::NotARequest => (ErrorCode::InvalidRequest, None),
            E::MalformedFrame => (
                ErrorCode::MalformedFrame,
                Some(
                    "Encode each frame as a u32 big-endian length followed by one MessagePack map."
                        .into(),
                ),
            ),
            E::InvalidEnvelope { .. } => (
                ErrorCode::InvalidRequest,
                Some(
                    "Send a map {type: \"request\", id, method, params}; see docs/protocol.md."
                        .into(),
                ),
            ),
            E::TooManyValues { .. } => (
                ErrorCode::InvalidRequest,
                Some("Send fewer items in one request.".into()),
            ),
            E::FrameTooLarge { .. } => (
                ErrorCode::FrameTooLarge,
                Some("Split the request or send less data; hello reports max_frame_len.".into()),
            ),
            E::FrameStalled { .. } => (
                ErrorCode::Timeout,
                Some("Send each frame in full without pausing.".into()),
            ),
            E::DuplicateId { .. } => (
                ErrorCode::InvalidRequest,
                Some("Use a new id for every request on a connection.".into()),
            ),
            E::BadCorrelationId => (ErrorCode::InvalidRequest, None),
            E::TooManyInFlight { .. } => (
                ErrorCode::Busy,
                Some("Wait for earlier responses, or open another connection.".into()),
            ),
            E::Cancelled => (ErrorCode::Cancelled, None),
            E::AnotherUser => (ErrorCode::PermissionDenied, None),
            E::TooManyConnections { .. } => (
                ErrorCode::Busy,
                Some("Close idle connections and retry.".into()),
            ),
            E::UnknownMethod { .. } => (
                ErrorCode::MethodNotFound,
                Some(
                    "The capabilities in the hello result list every method this agent serves."
                        .into(),
                ),
            ),
            E::BadParams { method, .. } => (
                ErrorCode::InvalidParams,
                Some(format!("See docs/protocol.md for the params of {method}.")),
            ),
            E::Unencodable { .. } => (
                ErrorCode::Internal,
                Some("Ask for less at once (for example a smaller limit).".into()),
            ),
            E::Panicked => (
                ErrorCode::Internal,
                Some("Retry; if it persists, report it with the correlation ID.".into()),
            ),
            E::TooManySubscriptions { .. } => (
                ErrorCode::Busy,
                Some(
                    "Unsubscribe from one first; one subscription can carry several topics.".into(),
                ),
            ),
            E::NoSuchSubscription { .. } => (ErrorCode::SubscriptionNotFound, None),
            E::SweepBudgetOutOfRange => (
                ErrorCode::InvalidParams,
                Some("Leave it out for the default of 800 ms.".into()),
            ),
            E::NoTopics
            | E::QueryLimitOutOfRange
            | E::BadExtraEndpoint { .. }
            | E::TutorNeedsProfile
            | E::UnknownRole => (ErrorCode::InvalidParams, None),
        };
        let field = match &err {
            E::BadCorrelationId => Some("correlation_id"),
            E::BadParams { field, .. } | E::BadExtraEndpoint { field, .. } => field.as_deref(),
            E::NoTopics => Some("topics"),
            E::QueryLimitOutOfRange => Some("limit"),
            E::SweepBudgetOutOfRange => Some("timeout_ms"),
            E::TutorNeedsProfile => Some("profile_id"),
            E::UnknownRole => Some("role"),
            _ => None,
        };
        let wire = match field {
            // The code stays the one chosen above (a bad correlation ID is an invalid
            // request, not invalid params); only the details name the field.
            Some(field) => WireError {
                code,
                ..WireError::invalid_params(Some(field), message)
            },
            None => WireError::new(code, message),
        };
        match remediation {
            Some(remediation) => wire.with_remediation(remediation),
            None => wire,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_error_has_its_code_and_field() {
        let wire = WireError::from(RequestError::BadCorrelationId);
        assert_eq!(wire.code, ErrorCode::InvalidRequest);
        assert_eq!(
            wire.details,
            Some(rmpv::Value::Map(vec![(
                "field".into(),
                "correlation_id".into()
            )]))
        );
        let wire = WireError::from(RequestError::BadParams {
            method: "profiles.get",
            field: Some("id".into()),
            message: "invalid type".into(),
        });
        assert_eq!(wire.code, ErrorCode::InvalidParams);
        assert_eq!(
            wire.remediation.as_deref(),
            Some("See docs/protocol.md for the params of profiles.get.")
        );
        let wire = WireError::from(RequestError::UnsupportedProtocol {
            asked: 9,
            min: 1,
            max: 1,
        });
        assert_eq!(wire.code, ErrorCode::UnsupportedProtocol);
        assert!(wire.remediation.unwrap().starts_with("Update llm-agent"));
        let wire = WireError::from(RequestError::TooManyInFlight { max: 64 });
        assert_eq!(wire.code, ErrorCode::Busy);
        assert!(wire.retryable);
        assert_eq!(wire.details, None);
    }
}
